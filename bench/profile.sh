#!/bin/bash
# SPDX-License-Identifier: MIT
# bench/profile.sh - where the instructions go: valgrind --tool=callgrind on
# the prediction path, split into clean / n-grams / lookups / tf-idf+l2 /
# dot products / JSON parse / JSON out / transport / model glue /
# model load + start-up / other.
#
# Usage: bench/profile.sh [--help] [predict|fcgi|fcgi-get|cgi]
#   predict (default)  `tagifai predict` over the 191 holdout texts repeated
#                      PROFILE_COPIES (3) times, JSON Lines in and out
#   fcgi               a persistent tagifai-fcgi worker under callgrind
#                      (spawn-fcgi -n on 127.0.0.1:PROFILE_PORT) answering
#                      PROFILE_REQUESTS (100) POST /predict (predict_1.json)
#                      sent with cgi-fcgi; then SIGTERM (it exits cleanly
#                      and callgrind writes its profile).  This is the
#                      per-request cost of the FastCGI service.
#   fcgi-get           the same worker with --registry (made in the state
#                      dir: MODEL pushed and activated, then `tagifai batch
#                      run` over the holdout's {id, text}, a succeeded job)
#                      answering PROFILE_REQUESTS GET /predictions/{id},
#                      the ids rotating over the job's items (issue 13)
#   cgi                tagifai-fcgi as a plain CGI program answering one
#                      POST /predict (predict_10.json) from its environment
# Instruction counts (Ir), not time: cache misses of the lookups weigh more
# in real time than their share of instructions.  The split is done by
# bench/callgrind_buckets.awk (see its header and bench/README.md); the raw
# profile stays in $RESULTS/profile/ for callgrind_annotate or kcachegrind.
#
# PROFILE_ARGS adds options to the fcgi worker: PROFILE_ARGS="--registry DIR"
# measures POST /predict served from the model registry (its generation
# check on every request), the registry seeded with MODEL on first start.
#
# PROFILE_PATH (default /predict) is the path the fcgi mode posts to, e.g.
# /models/tagifai/predict with the registry.
#
# PROFILE_AUTH (fcgi mode) is sent as the Authorization header: with
# PROFILE_ARGS="--registry DIR --require-auth predict" and a key made by
# `tagifai users create NAME --role predict --registry DIR`, the cost of an
# authenticated prediction (issue 12), to compare with the open one.
#
# Env: PROFILE_COPIES=3 PROFILE_REQUESTS=100 PROFILE_PORT=18207 PROFILE_ARGS=
#   PROFILE_PATH=/predict PROFILE_AUTH=
#   BUILD_DIR=/tmp/build-bench TAGIFAI= TAGIFAI_FCGI= MODEL= RESULTS=
# Output: $RESULTS/profile-<mode>.txt (the table), $RESULTS/profile.kv.
set -eu
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"
case ${1:-} in -h|--help) usage_from_header; exit 0 ;; esac
MODE=${1:-predict}
PROFILE_COPIES=${PROFILE_COPIES:-3}
PROFILE_REQUESTS=${PROFILE_REQUESTS:-100}
PROFILE_PORT=${PROFILE_PORT:-18207}

command -v valgrind > /dev/null || die "valgrind not found (apt-get install valgrind)"
results_dir
state_dir
install_trap
mkdir -p "$RESULTS/profile"
ensure_model
OUT=$RESULTS/profile/callgrind.out.$MODE
CG="valgrind --tool=callgrind --callgrind-out-file=$OUT"

case $MODE in
predict)
    [ -x "$TAGIFAI" ] && [ -f "$MODEL" ] || die "$TAGIFAI or $MODEL missing"
    jq -c '{id, text}' "$REF_JSONL" > "$STATE/one.jsonl"
    i=0; while [ $i -lt "$PROFILE_COPIES" ]; do cat "$STATE/one.jsonl"; i=$((i + 1)); done > "$STATE/in.jsonl"
    units=$(wc -l < "$STATE/in.jsonl")
    what="tagifai predict, $units texts"
    timeout 600 $CG "$TAGIFAI" predict --model "$MODEL" < "$STATE/in.jsonl" \
        > "$STATE/out.jsonl" 2> "$STATE/valgrind.log" || { tail "$STATE/valgrind.log" >&2; die "callgrind run failed"; }
    # the same on empty input: start-up and model load alone, subtracted below
    BASE_OUT=$OUT.empty
    timeout 600 valgrind --tool=callgrind --callgrind-out-file="$BASE_OUT" "$TAGIFAI" predict \
        --model "$MODEL" < /dev/null > /dev/null 2>> "$STATE/valgrind.log" || die "callgrind run (empty input) failed"
    ;;
fcgi)
    have_ours || die "$TAGIFAI_FCGI or $MODEL missing"
    command -v cgi-fcgi > /dev/null || die "cgi-fcgi not found (apt-get install libfcgi-bin)"
    require_free_port "$PROFILE_PORT"
    launch callgrind-fcgi spawn-fcgi -n -a 127.0.0.1 -p "$PROFILE_PORT" -- \
        "$(command -v valgrind)" --tool=callgrind --callgrind-out-file="$OUT" "$TAGIFAI_FCGI" --model "$MODEL" \
        ${PROFILE_ARGS:-}
    worker=$LAUNCHED
    body=$BODY_DIR/predict_1.json
    len=$(wc -c < "$body")
    # one request first (waits for valgrind's start-up, bounded by timeout),
    # then the counters are zeroed: the profile holds only the timed requests
    fcgi_post() {
        REQUEST_METHOD=POST REQUEST_URI=${PROFILE_PATH:-/predict} SCRIPT_NAME='' \
            PATH_INFO=${PROFILE_PATH:-/predict} \
            QUERY_STRING='' CONTENT_TYPE=application/json CONTENT_LENGTH=$len \
            SERVER_PROTOCOL=HTTP/1.1 SERVER_NAME=127.0.0.1 SERVER_PORT=80 HTTP_HOST=127.0.0.1 \
            REMOTE_ADDR=127.0.0.1 GATEWAY_INTERFACE=CGI/1.1 \
            HTTP_AUTHORIZATION=${PROFILE_AUTH:-} \
            timeout 60 cgi-fcgi -bind -connect "127.0.0.1:$PROFILE_PORT" < "$body" > "$STATE/resp" 2>&1 \
            && grep -q '"predicted_tag"' "$STATE/resp"
    }
    fcgi_post || die "the first request failed: $(head -c 300 "$STATE/resp")"
    timeout 30 callgrind_control -z "$worker" > /dev/null || die "callgrind_control -z failed"
    i=0; ok=0
    while [ $i -lt "$PROFILE_REQUESTS" ]; do
        if fcgi_post; then ok=$((ok + 1)); fi
        i=$((i + 1))
    done
    [ $ok = "$PROFILE_REQUESTS" ] || die "only $ok of $PROFILE_REQUESTS answers were predictions (last: $(head -c 300 "$STATE/resp"))"
    stop_pid "$worker"
    units=$PROFILE_REQUESTS
    what="tagifai-fcgi worker${PROFILE_ARGS:+ $PROFILE_ARGS}, $PROFILE_REQUESTS x POST ${PROFILE_PATH:-/predict} (1 text), counters zeroed after the first"
    ;;
fcgi-get)
    have_ours || die "$TAGIFAI_FCGI or $MODEL missing"
    command -v cgi-fcgi > /dev/null || die "cgi-fcgi not found (apt-get install libfcgi-bin)"
    command -v jq > /dev/null || die "jq not found (apt-get install jq)"
    require_free_port "$PROFILE_PORT"
    REG=$STATE/registry
    mkdir -p "$REG"
    "$TAGIFAI" models create tagifai --registry "$REG" > /dev/null
    "$TAGIFAI" models push tagifai "$MODEL" --registry "$REG" > /dev/null
    "$TAGIFAI" models activate tagifai 1 --registry "$REG" > /dev/null
    jq -c '{id, text}' "$REF_JSONL" > "$STATE/items.jsonl"
    timeout 300 "$TAGIFAI" batch run --input "$STATE/items.jsonl" --registry "$REG" \
        > "$STATE/run.json" || die "tagifai batch run failed"
    [ "$(jq -r .status "$STATE/run.json")" = succeeded ] || die "job: $(cat "$STATE/run.json")"
    mapfile -t ids < <(jq -r .id "$STATE/items.jsonl")
    launch callgrind-fcgi spawn-fcgi -n -a 127.0.0.1 -p "$PROFILE_PORT" -- \
        "$(command -v valgrind)" --tool=callgrind --callgrind-out-file="$OUT" "$TAGIFAI_FCGI" --model "$MODEL" \
        --registry "$REG" ${PROFILE_ARGS:-}
    worker=$LAUNCHED
    fcgi_get() {  # $1 = item id (URL-safe in the holdout)
        REQUEST_METHOD=GET REQUEST_URI=/predictions/$1 SCRIPT_NAME='' PATH_INFO=/predictions/$1 \
            QUERY_STRING='' CONTENT_LENGTH=0 \
            SERVER_PROTOCOL=HTTP/1.1 SERVER_NAME=127.0.0.1 SERVER_PORT=80 HTTP_HOST=127.0.0.1 \
            REMOTE_ADDR=127.0.0.1 GATEWAY_INTERFACE=CGI/1.1 HTTP_AUTHORIZATION=${PROFILE_AUTH:-} \
            timeout 60 cgi-fcgi -bind -connect "127.0.0.1:$PROFILE_PORT" < /dev/null > "$STATE/resp" 2>&1 \
            && grep -q '"predicted_tag"' "$STATE/resp"
    }
    fcgi_get "${ids[0]}" || die "the first request failed: $(head -c 300 "$STATE/resp")"
    timeout 30 callgrind_control -z "$worker" > /dev/null || die "callgrind_control -z failed"
    i=0; ok=0
    while [ $i -lt "$PROFILE_REQUESTS" ]; do
        if fcgi_get "${ids[$((i % ${#ids[@]}))]}"; then ok=$((ok + 1)); fi
        i=$((i + 1))
    done
    [ $ok = "$PROFILE_REQUESTS" ] || die "only $ok of $PROFILE_REQUESTS answers were predictions (last: $(head -c 300 "$STATE/resp"))"
    stop_pid "$worker"
    units=$PROFILE_REQUESTS
    what="tagifai-fcgi worker --registry${PROFILE_ARGS:+ $PROFILE_ARGS}, $PROFILE_REQUESTS x GET /predictions/{id} (ids rotating over a ${#ids[@]}-item succeeded job), counters zeroed after the first"
    ;;
cgi)
    have_ours || die "$TAGIFAI_FCGI or $MODEL missing"
    body=$BODY_DIR/predict_10.json
    REQUEST_METHOD=POST REQUEST_URI=/predict SCRIPT_NAME='' PATH_INFO=/predict QUERY_STRING='' \
        CONTENT_TYPE=application/json CONTENT_LENGTH=$(wc -c < "$body") SERVER_PROTOCOL=HTTP/1.1 \
        SERVER_NAME=127.0.0.1 SERVER_PORT=80 HTTP_HOST=127.0.0.1 REMOTE_ADDR=127.0.0.1 \
        GATEWAY_INTERFACE=CGI/1.1 TAGIFAI_MODEL=$MODEL \
        timeout 300 $CG "$TAGIFAI_FCGI" < "$body" > "$STATE/resp" 2> "$STATE/valgrind.log" \
        || { tail "$STATE/valgrind.log" >&2; die "callgrind run failed"; }
    grep -q '"predicted_tag"' "$STATE/resp" || die "the CGI answer has no prediction: $(head -c 300 "$STATE/resp")"
    units=1
    what="tagifai-fcgi as CGI, one POST /predict (10 texts), whole process"
    ;;
*) die "unknown mode $MODE (predict|fcgi|fcgi-get|cgi)" ;;
esac

[ -s "$OUT" ] || die "no callgrind profile written ($OUT)"
BASE_OUT=${BASE_OUT:-}
awk -f "$BENCH_DIR/callgrind_buckets.awk" "$OUT" > "$STATE/buckets"
if [ -n "$BASE_OUT" ]; then
    awk -f "$BENCH_DIR/callgrind_buckets.awk" "$BASE_OUT" > "$STATE/base"
else
    : > "$STATE/base"
fi
# table BUCKETS BASE UNITS: Ir, share, Ir per unit; with a base profile, the
# base's Ir is subtracted per bucket first (per-text work without start-up)
table() {
    awk -F '\t' -v units="$3" -v basef="$2" '
        FILENAME == basef { base[$1] = $2; next }
        $1 != "total" { v = $2 - base[$1]; if (v < 0) v = 0; ir[$1] = v; tot += v }
        END {
            for (b in ir) printf "%.0f\t%s\t%.1f\t%.0f\n", ir[b], b, tot ? 100 * ir[b] / tot : 0, ir[b] / units
            printf "%.0f\ttotal\t100.0\t%.0f\n", tot, tot / units
        }' "$2" "$1" | sort -t "$(printf '\t')" -k1,1nr |
    awk -F '\t' '{ printf "%-24s %14s %6s%% %12s\n", $2, $1, $3, $4 }'
}
{
    echo "# callgrind, $what; $(machine_note | cut -c3-)"
    printf '%-24s %14s %7s %12s\n' bucket Ir share Ir/unit
    if [ -n "$BASE_OUT" ]; then
        echo "# whole process"
        table "$STATE/buckets" /dev/null "$units"
        echo "# per-text work: the same minus a run on empty input (start-up + model load)"
    fi
    table "$STATE/buckets" "$STATE/base" "$units" | tee "$STATE/final"
} | tee "$RESULTS/profile-$MODE.txt"
awk -v m="$MODE" '{ k = $1; for (i = 2; i <= NF - 3; i++) k = k "_" $i
    gsub(/[^a-zA-Z0-9]+/, "_", k); sub(/%/, "", $(NF - 1)); print m "_" k "_pct=" $(NF - 1) }' \
    "$STATE/final" >> "$RESULTS/profile.kv"
echo "# raw profile: $OUT (callgrind_annotate --inclusive=yes $OUT | head -40)"
