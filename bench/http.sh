#!/bin/bash
# SPDX-License-Identifier: MIT
# bench/http.sh - HTTP throughput and latency: our service vs the transport
# floor vs the reference FastAPI app, through lighttpd and nginx.
#
# Usage: bench/http.sh [--help]
#
# For each web server in SERVERS (lighttpd nginx) and each app in APPS
# (ours floor): spawn-fcgi -F WORKERS children behind a unix socket, the web
# server in front on 127.0.0.1 (both apps' stacks run at once, and the timed
# cases alternate between them), a correctness check (POST /predict with
# predict_1.json and predict_10.json must be 200 with the reference tags;
# GET / and /performance must be 200), then wrk on GET /,
# GET /performance?filter=overall, POST /predict (1 text) and (10 texts).
# The reference (REF=1) runs with the same worker count through the peer's
# serve.sh (gunicorn + uvicorn workers, no web server in front).
# Every timed wrk run holds flock /tmp/bench.lock and counts non-2xx answers
# with a Lua response() hook.  The CPU time (user + system, /proc/PID/stat)
# the app's worker processes used during the timed run, divided by the
# requests, is recorded as app_cpu_us_per_req: it depends much less on a busy
# machine than req/s does.
#
# ROUNDS times over (the order of the apps alternating from round to
# round), every case of every app is timed again; the tables report the
# median of each figure (bench/table.sh), so one noisy run on a shared
# machine does not decide a ratio.
#
# Env (defaults): ROUNDS=5 DURATION=5s WARMUP=1s THREADS=2 CONNS=32 WORKERS=2
#   WEB_WORKERS=2 (nginx) SERVERS="lighttpd nginx" APPS="ours floor" REF=1
#   CASES="get_root get_perf post_predict_1 post_predict_10"
#   LIGHTTPD_PORT=18201 NGINX_PORT=18202 (the floor: these + 10) REF_PORT=18203
#   BUILD_DIR=/tmp/build-bench TAGIFAI_FCGI= MODEL= RESULTS=bench/results/<ts>
# Output: $RESULTS/http.raw (one RESULT line per stack and case), raw wrk
# output per case in $RESULTS/http/, and a table on stdout.
set -eu
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"
case ${1:-} in -h|--help) usage_from_header; exit 0 ;; esac

WORKERS=${WORKERS:-2}
ROUNDS=${ROUNDS:-5}
SERVERS=${SERVERS:-lighttpd nginx}
APPS=${APPS:-ours floor}
REF=${REF:-1}
LIGHTTPD_PORT=${LIGHTTPD_PORT:-18201}
NGINX_PORT=${NGINX_PORT:-18202}
REF_PORT=${REF_PORT:-18203}

results_dir
state_dir
install_trap
mkdir -p "$RESULTS/http"
: > "$RESULTS/http.raw"
command -v wrk > /dev/null || die "wrk not found (apt-get install wrk)"
command -v jq > /dev/null || die "jq not found (apt-get install jq)"
build_hello

# port_of SERVER APP: ours on the *_PORT, the floor on *_PORT + 10
port_of() {
    case $1 in lighttpd) _p=$LIGHTTPD_PORT ;; nginx) _p=$NGINX_PORT ;; esac
    [ "$2" = ours ] && echo "$_p" || echo $((_p + 10))
}

# check_answers BASE CHECK_TAGS: fails (exit) on a wrong status or tag.
check_answers() {
    _base=$1; _tags=$2
    for _p in / "/performance?filter=overall"; do
        _c=$(curl -s -o "$STATE/resp.json" -m 10 -w '%{http_code}' "$_base$_p")
        [ "$_c" = 200 ] || die "GET $_p on $_base answered $_c"
    done
    for _n in 1 10; do
        _c=$(curl -s -o "$STATE/resp.json" -m 30 -w '%{http_code}' \
            -H 'Content-Type: application/json' \
            --data-binary "@$BODY_DIR/predict_$_n.json" "$_base/predict")
        [ "$_c" = 200 ] || die "POST /predict ($_n) on $_base answered $_c"
        [ "$_tags" = 1 ] || continue
        _bad=$(jq -n --slurpfile ref "$REF_JSONL" --slurpfile body "$BODY_DIR/predict_$_n.json" \
            --slurpfile resp "$STATE/resp.json" '
            ($ref | map({(.text): .predicted_tag}) | add) as $m
            | [$body[0].texts[].text] as $in
            | ($resp[0].data.predictions | map(.predicted_tag)) as $got
            | if ($got | length) != ($in | length) then 999
              else [range(0; $in | length) | select($m[$in[.]] != $got[.])] | length end')
        [ "$_bad" = 0 ] || tag_mismatch "POST /predict ($_n) on $_base" "$_bad"
    done
    log "answers checked on $_base (status$([ "$_tags" = 1 ] && echo ' + tags'))"
}

bench_cases() {  # LABEL BASE
    for _r in $(seq 1 "$ROUNDS"); do
        for _case in $CASES; do
            run_wrk "$1" "$_case" "$2" "$RESULTS/http/$1-$_case.$_r.txt" > /dev/null
        done
    done
}

machine_note | tee "$RESULTS/http.conditions"
echo "# rounds=$ROUNDS duration=$DURATION warmup=$WARMUP threads=$THREADS conns=$CONNS workers=$WORKERS web_workers=${WEB_WORKERS:-2}" \
    | tee -a "$RESULTS/http.conditions"

# Per web server, every app's stack runs at once (each on its own port, idle
# while the others are timed) and the cases alternate between the apps, so
# that a compared pair is measured seconds apart, not minutes.
for srv in $SERVERS; do
    started=
    for app in $APPS; do
        if [ "$app" = ours ] && ! have_ours; then
            log "skip $srv/ours: $TAGIFAI_FCGI or $MODEL missing"; continue
        fi
        port=$(port_of "$srv" "$app")
        log "start $srv + $app ($WORKERS workers) on :$port"
        start_stack "$srv" "$app" "$WORKERS" "$port"
        eval "server_$app=\$SERVER_PID workers_$app=\$WORKER_PIDS"
        check_answers "http://127.0.0.1:$port" "$([ "$app" = ours ] && echo 1 || echo 0)"
        started="$started $app"
    done
    order=$started
    for r in $(seq 1 "$ROUNDS"); do
        for c in $CASES; do
            for app in $order; do
                eval "CPU_PIDS=\$workers_$app"
                run_wrk "$srv-$app" "$c" "http://127.0.0.1:$(port_of "$srv" "$app")" \
                    "$RESULTS/http/$srv-$app-$c.$r.txt" > /dev/null
            done
        done
        order=$(echo "$order" | tr ' ' '\n' | grep . | tac | tr '\n' ' ')
    done
    for app in $started; do
        eval "SERVER_PID=\$server_$app WORKER_PIDS=\$workers_$app"
        stop_stack
    done
done

if [ "$REF" = 1 ]; then
    require_free_port "$REF_PORT"
    log "start the reference (serve.sh $REF_PORT $WORKERS)"
    mkdir -p "$STATE/ref"
    RUN_DIR=$STATE/ref "$FASTAPI_DIR/serve.sh" "$REF_PORT" "$WORKERS" > "$STATE/ref/serve.out" 2>&1 \
        || { cat "$STATE/ref/serve.out" >&2; die "reference did not start"; }
    ref_pid=$(cat "$STATE/ref/server-$REF_PORT.pid")
    track_pid "$ref_pid"
    check_answers "http://127.0.0.1:$REF_PORT" 1
    CPU_PIDS=$(ps -o pid= --ppid "$ref_pid" | tr '\n' ' ')   # the gunicorn/uvicorn workers
    bench_cases reference "http://127.0.0.1:$REF_PORT"
    stop_pid "$ref_pid"
fi

"$BENCH_DIR/table.sh" http "$RESULTS"
