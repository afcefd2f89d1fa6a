#!/bin/bash
# SPDX-License-Identifier: MIT
# bench/memory.sh - memory per worker and time from process start to the
# first answered request, ours vs the floor vs the reference.
#
# Usage: bench/memory.sh [--help]
#
# Memory: for N in MEM_WORKERS (1 2 4), spawn-fcgi -F N tagifai-fcgi behind
# lighttpd, one bounded wrk burst (1 s, POST /predict with 10 texts, N*2
# connections) so that every worker has loaded and used the model, then Rss
# and Pss of each worker from /proc/PID/smaps_rollup.  The model's pages must
# be shared: (PSS of all workers with 4) - (with 1), divided by 3, is the PSS
# each extra worker adds.  The floor's hello (2 workers) is measured the same
# way for scale; the reference runs with 2 gunicorn workers (serve.sh) and
# gets the 191 holdout texts before its workers are read.
# Start-up: bench/firstanswer (built from bench/firstanswer.c) launches the
# server and retries connect every 1 ms until one request is answered:
#   ours     tagifai-fcgi --listen 127.0.0.1:PORT (FastCGI GET /)
#   ours_sf  spawn-fcgi -n -a 127.0.0.1 -p PORT -- tagifai-fcgi (socket on fd 0)
#   floor    spawn-fcgi -n -a 127.0.0.1 -p PORT -- hello
#   ref      uvicorn api:app, 1 worker (HTTP GET /)
# STARTUP_REPS (7) runs each (REF_STARTUP_REPS=2 for the reference); the
# median is reported.
#
# Env (defaults): MEM_WORKERS="1 2 4" MEM_PORT=18206 START_PORT=18205
#   REF_PORT=18203 STARTUP_REPS=7 REF_STARTUP_REPS=2 REF=1
#   BUILD_DIR=/tmp/build-bench TAGIFAI_FCGI= MODEL= RESULTS=bench/results/<ts>
# Output: $RESULTS/memory.kv and $RESULTS/memory/ (per-process figures).
set -eu
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"
case ${1:-} in -h|--help) usage_from_header; exit 0 ;; esac

MEM_WORKERS=${MEM_WORKERS:-1 2 4}
MEM_PORT=${MEM_PORT:-18206}
START_PORT=${START_PORT:-18205}
REF_PORT=${REF_PORT:-18203}
STARTUP_REPS=${STARTUP_REPS:-7}
REF_STARTUP_REPS=${REF_STARTUP_REPS:-2}
REF=${REF:-1}

results_dir
state_dir
install_trap
mkdir -p "$RESULTS/memory"
build_hello
FIRSTANSWER=$BUILD_DIR/bench/firstanswer
if [ ! -x "$FIRSTANSWER" ] || [ "$BENCH_DIR/firstanswer.c" -nt "$FIRSTANSWER" ]; then
    mkdir -p "$BUILD_DIR/bench"
    gcc -O2 -std=c11 -D_POSIX_C_SOURCE=200809L -Wall -Wextra -o "$FIRSTANSWER" \
        "$BENCH_DIR/firstanswer.c" || die "cannot build firstanswer"
fi
KV=$RESULTS/memory.kv
: > "$KV"
machine_note | tee "$RESULTS/memory.conditions"

# smaps PID -> "rss_kib pss_kib"
smaps() { awk '/^Rss:/ {r = $2} /^Pss:/ {p = $2} END {print r + 0, p + 0}' "/proc/$1/smaps_rollup"; }

# measure_workers LABEL PIDS...: per-process lines + totals; sets TOT_RSS TOT_PSS (KiB)
measure_workers() {
    _label=$1; shift
    TOT_RSS=0; TOT_PSS=0; _n=0
    for _p in "$@"; do
        read -r _rss _pss <<EOF
$(smaps "$_p")
EOF
        echo "$_label pid=$_p rss_kib=$_rss pss_kib=$_pss" >> "$RESULTS/memory/processes.txt"
        TOT_RSS=$((TOT_RSS + _rss)); TOT_PSS=$((TOT_PSS + _pss)); _n=$((_n + 1))
    done
    [ $_n -gt 0 ] || die "no worker to measure for $_label"
}
mib() { awk -v k="$1" -v n="${2:-1}" 'BEGIN { printf "%.2f\n", k / 1024 / n }'; }

burst() {  # PORT CONNS: 1 s of POST /predict (10 texts), bounded
    _s=$(wrk_script mem_burst "$BODY_DIR/predict_10.json")
    timeout 60 flock "$BENCH_LOCK" wrk -t1 -c"$2" -d1s -s "$_s" "http://127.0.0.1:$1/predict" \
        > "$STATE/burst.txt" 2>&1 || true
    grep -q '^RESULT' "$STATE/burst.txt" || die "wrk burst failed: $(cat "$STATE/burst.txt")"
    _nb=$(field non2xx "$(grep '^RESULT' "$STATE/burst.txt")")
    [ "$_nb" = 0 ] || die "the burst got $_nb non-2xx answers"
}

# ------------------------------------------------------------ memory: ours
if have_ours; then
    for n in $MEM_WORKERS; do
        start_stack lighttpd ours "$n" "$MEM_PORT"
        burst "$MEM_PORT" $((n * 2))
        # shellcheck disable=SC2086
        measure_workers "ours-n$n" $WORKER_PIDS
        echo "rss_total_kib_n$n=$TOT_RSS" >> "$KV"
        echo "pss_total_kib_n$n=$TOT_PSS" >> "$KV"
        echo "rss_per_worker_n$n=$(mib $TOT_RSS "$n")" >> "$KV"
        echo "pss_per_worker_n$n=$(mib $TOT_PSS "$n")" >> "$KV"
        stop_stack
    done
    p1=$(sed -n 's/^pss_total_kib_n1=//p' "$KV"); p4=$(sed -n 's/^pss_total_kib_n4=//p' "$KV")
    if [ -n "$p1" ] && [ -n "$p4" ]; then
        echo "pss_added_per_worker_mib=$(awk -v a="$p1" -v b="$p4" 'BEGIN { printf "%.2f\n", (b - a) / 3 / 1024 }')" >> "$KV"
    fi
else
    log "tagifai-fcgi or the model missing: memory of ours not measured"
fi

# ------------------------------------------------------------ memory: floor
start_stack lighttpd floor 2 "$MEM_PORT"
burst "$MEM_PORT" 4
# shellcheck disable=SC2086
measure_workers floor-n2 $WORKER_PIDS
echo "floor_rss_per_worker_n2=$(mib $TOT_RSS 2)" >> "$KV"
echo "floor_pss_per_worker_n2=$(mib $TOT_PSS 2)" >> "$KV"
stop_stack

# ------------------------------------------------------------ memory: reference
if [ "$REF" = 1 ]; then
    require_free_port "$REF_PORT"
    mkdir -p "$STATE/ref"
    RUN_DIR=$STATE/ref "$FASTAPI_DIR/serve.sh" "$REF_PORT" 2 > "$STATE/ref/serve.out" 2>&1 \
        || { cat "$STATE/ref/serve.out" >&2; die "reference did not start"; }
    ref_pid=$(cat "$STATE/ref/server-$REF_PORT.pid")
    track_pid "$ref_pid"
    # all holdout texts in one request, then the two bodies a few times
    jq -c '{texts: [inputs | {text: .text}]}' -n "$REF_JSONL" > "$STATE/all191.json"
    curl -s -o /dev/null -m 60 -H 'Content-Type: application/json' --data-binary "@$STATE/all191.json" \
        "http://127.0.0.1:$REF_PORT/predict" || die "reference did not answer /predict"
    burst "$REF_PORT" 4
    workers=$(ps -o pid= --ppid "$ref_pid" | tr '\n' ' ')
    # shellcheck disable=SC2086
    measure_workers ref-workers $workers
    nw=$(echo $workers | wc -w)
    echo "ref_rss_per_worker=$(mib $TOT_RSS "$nw")" >> "$KV"
    echo "ref_pss_per_worker=$(mib $TOT_PSS "$nw")" >> "$KV"
    measure_workers ref-master "$ref_pid"
    echo "ref_master_rss=$(mib $TOT_RSS)" >> "$KV"
    stop_pid "$ref_pid"
fi

# ------------------------------------------------------------ start-up
median() { sort -n | awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)]; else print "n/a" }'; }
startup() {  # KEY REPS PROTO CMD...
    _key=$1; _reps=$2; _proto=$3; shift 3
    : > "$RESULTS/memory/startup-$_key.txt"
    _i=0
    while [ "$_i" -lt "$_reps" ]; do
        require_free_port "$START_PORT"
        timeout 120 flock "$BENCH_LOCK" "$FIRSTANSWER" --proto "$_proto" --port "$START_PORT" \
            --timeout-ms 60000 -- "$@" >> "$RESULTS/memory/startup-$_key.txt" 2>> "$STATE/startup.err" \
            || { cat "$STATE/startup.err" >&2; die "start-up run of $_key failed"; }
        _i=$((_i + 1))
        _w=0; while ! port_free "$START_PORT" && [ $_w -lt 50 ]; do sleep 0.1; _w=$((_w + 1)); done
    done
    echo "startup_ms_$_key=$(sed -n 's/^ready_ms=\([^ ]*\).*/\1/p' "$RESULTS/memory/startup-$_key.txt" | median)" >> "$KV"
}
if have_ours; then
    startup ours "$STARTUP_REPS" fcgi "$TAGIFAI_FCGI" --model "$MODEL" --listen "127.0.0.1:$START_PORT"
    startup ours_sf "$STARTUP_REPS" fcgi spawn-fcgi -n -a 127.0.0.1 -p "$START_PORT" -- \
        "$TAGIFAI_FCGI" --model "$MODEL"
fi
startup floor "$STARTUP_REPS" fcgi spawn-fcgi -n -a 127.0.0.1 -p "$START_PORT" -- "$HELLO"
if [ "$REF" = 1 ]; then
    startup ref "$REF_STARTUP_REPS" http env -C "$FASTAPI_DIR" ARTIFACTS_DIR="$FASTAPI_DIR/artifacts" \
        "$PY" -m uvicorn api:app --host 127.0.0.1 --port "$START_PORT" --workers 1 \
        --log-level warning --no-access-log
fi
cat "$KV"
