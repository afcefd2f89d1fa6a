#!/bin/bash
# SPDX-License-Identifier: MIT
# bench/registry.sh - the model registry's figures (issue 11, point 7):
#   1. callgrind instructions per 1-text POST /predict of a persistent
#      worker without a registry, with one (the per-request generation
#      check), and per POST /models/tagifai/predict (the named route),
#      through bench/profile.sh fcgi (deterministic counts);
#   2. upload-to-201 time of the default 4 MB artifact: tagifai-fcgi as a
#      CGI program answering POST /models/NAME/versions (hash, durable
#      copy, validation with a test prediction, commit; process start
#      included), UPLOADS times, median and max.
# Activation-to-first-new-answer latency under load is measured by
# tests/api/registry_load.py (make check prints it in
# tests/api/registry_load.log).
#
# Usage: bench/registry.sh [--help]
# Env: UPLOADS=10 BUILD_DIR=/tmp/build-bench TAGIFAI_FCGI= MODEL= RESULTS=
# Output: $RESULTS/registry.txt (and profile-*.txt of each profile run).
set -eu
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"
case ${1:-} in -h|--help) usage_from_header; exit 0 ;; esac
UPLOADS=${UPLOADS:-10}
results_dir
state_dir
install_trap
have_ours || die "$TAGIFAI_FCGI or $MODEL missing"
OUT=$RESULTS/registry.txt

total() { awk '$1 == "total" { print $4 }' "$1"; }
profile() {  # profile NAME ARGS PATH
    rm -rf "$STATE/reg-profile"
    RESULTS=$STATE/profile-$1 PROFILE_ARGS=$2 PROFILE_PATH=$3 \
        bash "$BENCH_DIR/profile.sh" fcgi > "$STATE/profile-$1.log" 2>&1 ||
        die "profile $1 failed: $(tail -3 "$STATE/profile-$1.log")"
    cp "$STATE/profile-$1/profile-fcgi.txt" "$RESULTS/profile-registry-$1.txt"
    total "$STATE/profile-$1/profile-fcgi.txt"
}
log "callgrind: POST /predict without a registry"
plain=$(profile plain "" /predict)
log "callgrind: POST /predict with a registry"
reg=$(profile registry "--registry $STATE/reg-profile" /predict)
log "callgrind: POST /models/tagifai/predict"
named=$(profile named "--registry $STATE/reg-profile" /models/tagifai/predict)

log "upload-to-201: $UPLOADS uploads of $(basename "$MODEL") as CGI"
reg_dir=$STATE/reg-upload
rm -rf "$reg_dir"
len=$(wc -c < "$MODEL")
cgi() {  # cgi METHOD PATH [CONTENT_TYPE]
    env -i REQUEST_METHOD="$1" REQUEST_URI="$2" SCRIPT_NAME='' PATH_INFO="$2" \
        QUERY_STRING='' CONTENT_TYPE="${3:-application/json}" CONTENT_LENGTH="${4:-0}" \
        SERVER_NAME=127.0.0.1 SERVER_PORT=80 GATEWAY_INTERFACE=CGI/1.1 \
        HTTP_AUTHORIZATION="Bearer $key" \
        "$TAGIFAI_FCGI" --model "$MODEL" --registry "$reg_dir"
}
key=$("$TAGIFAI" users create bench --role admin --registry "$reg_dir" --quiet)
cgi GET /models < /dev/null > /dev/null 2>&1   # seeds the registry
: > "$STATE/upload.ms"
for i in $(seq 1 "$UPLOADS"); do
    echo "{\"name\":\"u$i\"}" > "$STATE/create.json"
    cgi POST /models application/json "$(wc -c < "$STATE/create.json")" \
        < "$STATE/create.json" > /dev/null 2>&1
    t0=$(date +%s%N)
    cgi POST "/models/u$i/versions" application/octet-stream "$len" < "$MODEL" \
        > "$STATE/upload.out" 2>&1
    t1=$(date +%s%N)
    grep -q '^Status: 201' "$STATE/upload.out" || die "upload $i: $(head -c 300 "$STATE/upload.out")"
    echo $(( (t1 - t0) / 1000000 )) >> "$STATE/upload.ms"
done
median=$(sort -n "$STATE/upload.ms" | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')
max=$(sort -n "$STATE/upload.ms" | tail -n 1)

{
    echo "# bench/registry.sh; $(machine_note | cut -c3-)"
    echo "callgrind Ir per 1-text request (tagifai-fcgi worker, 100 requests):"
    printf '  %-40s %10s\n' "POST /predict, no registry" "$plain"
    printf '  %-40s %10s  (%+.2f%%)\n' "POST /predict, --registry" "$reg" \
        "$(awk -v a="$reg" -v b="$plain" 'BEGIN { print 100 * (a - b) / b }')"
    printf '  %-40s %10s  (%.3fx of /predict'"'"'s throughput in Ir)\n' \
        "POST /models/tagifai/predict" "$named" \
        "$(awk -v a="$named" -v b="$reg" 'BEGIN { print b / a }')"
    echo "upload-to-201 of $(basename "$MODEL") ($len bytes), CGI, $UPLOADS uploads:"
    echo "  median ${median} ms, max ${max} ms"
} | tee "$OUT"
