# SPDX-License-Identifier: MIT
# shellcheck shell=bash disable=SC2034
# bench/lib.sh - helpers sourced by the bench/*.sh scripts (not run on its own).
#
# Paths of the binaries and of ../shared, a per-run state dir, the results
# dir, pid bookkeeping with a cleanup trap (servers are stopped by the pids
# this shell started, never by name), the floor's hello responder, config
# generation for lighttpd and nginx in front of spawn-fcgi, and one wrk runner
# that counts non-2xx answers with a Lua response() hook and holds
# `flock /tmp/bench.lock` like the peers' harnesses.
# Every server binds 127.0.0.1 only; every load loop is bounded in time.

BENCH_DIR=$(cd "$(dirname "$0")" && pwd)
TOP_DIR=$(cd "$BENCH_DIR/.." && pwd)
SHARED_DIR=${SHARED_DIR:-$TOP_DIR/../shared}
SHARED_DIR=$(cd "$SHARED_DIR" && pwd)
FASTAPI_DIR=$SHARED_DIR/peers/fastapi
FLOOR_DIR=$SHARED_DIR/peers/floor
DATA_DIR=$SHARED_DIR/data/tagifai
PY=${PY:-/usr/bin/python3}                  # Debian's python, with sklearn

BUILD_DIR=${BUILD_DIR:-/tmp/build-bench}
pick_bin() {  # $1 = program name: $BUILD_DIR/name, else $TOP_DIR/name
    if [ -x "$BUILD_DIR/$1" ]; then echo "$BUILD_DIR/$1"
    elif [ -x "$TOP_DIR/$1" ]; then echo "$TOP_DIR/$1"
    else echo "$BUILD_DIR/$1"; fi
}
TAGIFAI_FCGI=${TAGIFAI_FCGI:-$(pick_bin tagifai-fcgi)}
TAGIFAI=${TAGIFAI:-$(pick_bin tagifai)}
# The model: $MODEL, else the reference's own model imported from its
# export.json into $BUILD_DIR/bench/ (see ensure_model), so that both sides
# serve the same weights and every tag can be checked against the reference.
# (MODEL=models/default.tagifai measures the committed model; set
# TAG_CHECK=warn if its tags are not the reference's.)
MODEL=${MODEL:-$BUILD_DIR/bench/reference.tagifai}
TAG_CHECK=${TAG_CHECK:-strict}
WWW_DIR=${WWW_DIR:-$TOP_DIR/www}
HELLO=${HELLO:-$BUILD_DIR/floor/hello}      # built by build_hello
RUN_USER=${RUN_USER:-www-data}              # workers run as this user (as the floor does)
BENCH_LOCK=${BENCH_LOCK:-/tmp/bench.lock}
BODY_DIR=${BODY_DIR:-$FASTAPI_DIR/bodies}
REF_JSONL=$FASTAPI_DIR/reference/holdout_predictions.jsonl

die() { echo "ERROR: $*" >&2; exit 1; }
log() { echo "[$(date +%H:%M:%S)] $*" >&2; }

# Results of this run: $RESULTS (default bench/results/<timestamp>).
results_dir() {
    if [ -z "${RESULTS:-}" ]; then
        RESULTS=$BENCH_DIR/results/$(date +%Y%m%d-%H%M%S)
    fi
    mkdir -p "$RESULTS"
    export RESULTS
}

# Per-run scratch dir (configs, sockets, logs, pid files); removed on exit
# unless KEEP_RUN=1.  Must be traversable by $RUN_USER.
STATE=
state_dir() {
    STATE=$(mktemp -d "${TMPDIR:-/tmp}/bench-run.XXXXXX")
    chmod 755 "$STATE"
}

# ---------------------------------------------------------------- processes
# Pids started by this shell, stopped in reverse order by cleanup().
BENCH_PIDS=
track_pid() { BENCH_PIDS="$1 $BENCH_PIDS"; }
untrack_pid() {
    _p= ; for _q in $BENCH_PIDS; do [ "$_q" = "$1" ] || _p="$_p $_q"; done
    BENCH_PIDS=$_p
}
alive() { [ -e "/proc/$1" ] && [ "$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null)" != Z ]; }

# stop_pid PID: SIGTERM, wait up to 5 s, then SIGKILL.
stop_pid() {
    _pid=$1
    if alive "$_pid"; then
        kill -TERM "$_pid" 2>/dev/null || true
        _i=0
        while alive "$_pid" && [ $_i -lt 50 ]; do sleep 0.1; _i=$((_i + 1)); done
        if alive "$_pid"; then kill -KILL "$_pid" 2>/dev/null || true; fi
    fi
    untrack_pid "$_pid"
}
stop_all() { for _p in $BENCH_PIDS; do stop_pid "$_p"; done; BENCH_PIDS=; }

cleanup() {
    _rc=$?
    trap - EXIT INT TERM
    stop_all
    if [ -n "$STATE" ] && [ "${KEEP_RUN:-0}" != 1 ]; then rm -rf -- "$STATE"; fi
    exit $_rc
}
install_trap() { trap cleanup EXIT; trap 'exit 130' INT TERM; }

# ------------------------------------------------------------------ network
port_free() { ! ss -Htln "sport = :$1" | grep -q .; }
require_free_port() { port_free "$1" || die "port $1 is busy; set another port (see --help)"; }

# wait_http URL [seconds]: until the URL answers 200 (bounded)
wait_http() {
    _n=$(( ${2:-20} * 20 )); _i=0
    while [ $_i -lt $_n ]; do
        _c=$(curl -s -o /dev/null -m 2 -w '%{http_code}' "$1" 2>/dev/null || true)
        [ "$_c" = 200 ] && return 0
        sleep 0.05; _i=$((_i + 1))
    done
    return 1
}

# --------------------------------------------------------------- binaries
build_hello() {
    [ -x "$HELLO" ] && [ "$HELLO" -nt "$FLOOR_DIR/hello.c" ] && return 0
    mkdir -p "$(dirname "$HELLO")"
    gcc -O2 -Wall -Wextra -o "$HELLO" "$FLOOR_DIR/hello.c" -lfcgi \
        || die "cannot build the floor's hello responder"
}

# ensure_model: import $MODEL from the reference's export.json when it is the
# default path under $BUILD_DIR and missing or older than the tagifai tool.
ensure_model() {
    [ "$MODEL" = "$BUILD_DIR/bench/reference.tagifai" ] && [ -x "$TAGIFAI" ] || return 0
    # re-imported when the tool is newer (the artifact format may have changed)
    [ -f "$MODEL" ] && [ "$MODEL" -nt "$TAGIFAI" ] && return 0
    mkdir -p "$BUILD_DIR/bench"
    _a=$FASTAPI_DIR/artifacts
    "$TAGIFAI" import --export "$_a/export.json" --args "$_a/args.json" \
        --performance "$_a/performance.json" --name tagifai --version bench \
        -o "$MODEL" > /dev/null || die "tagifai import failed"
    log "imported $MODEL from the reference's export.json"
}
have_ours() { ensure_model; [ -x "$TAGIFAI_FCGI" ] && [ -f "$MODEL" ]; }

# App command lines: "ours" (tagifai-fcgi, model on the command line) or
# "floor" (hello).  Printed as one string for spawn-fcgi.
app_cmd() {
    case $1 in
        ours)  echo "$TAGIFAI_FCGI --model $MODEL ${OURS_ARGS:-}" ;;
        floor) echo "$HELLO" ;;
        *) die "unknown app $1" ;;
    esac
}

# spawn_workers APP N SOCK: spawn-fcgi -F N behind a unix socket; records the
# children's pids (tracked for cleanup) in $STATE/workers.
spawn_workers() {
    _app=$1; _n=$2; _sock=$3
    rm -f "$_sock" "$STATE/spawn.pids"
    # shellcheck disable=SC2046
    spawn-fcgi -s "$_sock" -M 0660 -U "$RUN_USER" -G "$RUN_USER" \
        -u "$RUN_USER" -g "$RUN_USER" -F "$_n" -P "$STATE/spawn.pids" \
        -- $(app_cmd "$_app") > "$STATE/spawn-fcgi.log" 2>&1 \
        || { cat "$STATE/spawn-fcgi.log" >&2; die "spawn-fcgi failed ($_app)"; }
    WORKER_PIDS=$(tr '\n' ' ' < "$STATE/spawn.pids")
    for _p in $WORKER_PIDS; do track_pid "$_p"; done
    sleep 0.2
    for _p in $WORKER_PIDS; do
        alive "$_p" || die "$_app worker $_p died at start (see $STATE/spawn-fcgi.log)"
    done
}

# launch ROLE CMD...: a foreground server in its own session; sets LAUNCHED.
launch() {
    _role=$1; shift
    setsid "$@" > "$STATE/$_role.log" 2>&1 < /dev/null &
    LAUNCHED=$!
    track_pid "$LAUNCHED"
    sleep 0.2
    alive "$LAUNCHED" || { cat "$STATE/$_role.log" >&2; die "$_role exited at once"; }
}

# ------------------------------------------------------------ web servers
# lighttpd_conf PORT SOCK DIR: mod_fastcgi to the spawn-fcgi socket, every
# URL to the app (check-local disabled), keep-alive raised as in the floor.
lighttpd_conf() {
    mkdir -p "$3/docroot"
    cat > "$3/lighttpd.conf" <<EOF
server.modules = ("mod_fastcgi")
server.bind = "127.0.0.1"
server.port = $1
server.document-root = "$3/docroot"
server.errorlog = "$3/lighttpd-error.log"
server.pid-file = "$3/lighttpd.pid"
server.username = "$RUN_USER"
server.groupname = "$RUN_USER"
server.max-keep-alive-requests = 100000
server.max-keep-alive-idle = 30
fastcgi.server = ( "/" => (( "socket" => "$2", "check-local" => "disable" )) )
EOF
}

# nginx_conf PORT SOCK DIR: nginx (WEB_WORKERS workers) + fastcgi_pass to the
# socket; all paths in DIR, no FastCGI connection reuse (see the floor README).
nginx_conf() {
    _d=$3
    mkdir -p "$_d/tmp" "$_d/logs"
    chown "$RUN_USER" "$_d/tmp"
    cat > "$_d/nginx.conf" <<EOF
daemon off;
worker_processes ${WEB_WORKERS:-2};
user $RUN_USER;
pid $_d/nginx.pid;
error_log $_d/logs/error.log warn;
events { worker_connections 1024; }
http {
    access_log off;
    keepalive_requests 100000;
    client_body_temp_path $_d/tmp/body;
    proxy_temp_path $_d/tmp/proxy;
    fastcgi_temp_path $_d/tmp/fastcgi;
    uwsgi_temp_path $_d/tmp/uwsgi;
    scgi_temp_path $_d/tmp/scgi;
    upstream app { server unix:$2; }
    server {
        listen 127.0.0.1:$1;
        location / {
            # SCRIPT_NAME "" and PATH_INFO = the path, as www/conf/nginx.conf
            fastcgi_split_path_info ^()(/.*)\$;
            include /etc/nginx/fastcgi_params;
            fastcgi_param PATH_INFO \$fastcgi_path_info;
            fastcgi_pass app;
        }
    }
}
EOF
}

# start_stack SERVER APP WORKERS PORT: spawn-fcgi workers + web server in
# front, waits for GET / = 200.  Sets WORKER_PIDS and SERVER_PID.
start_stack() {
    _srv=$1; _app=$2; _n=$3; _port=$4
    _d=$STATE/$_srv-$_app
    rm -rf "$_d"; mkdir -p "$_d"; chmod 755 "$_d"; chown "$RUN_USER" "$_d"
    require_free_port "$_port"
    spawn_workers "$_app" "$_n" "$_d/app.sock"
    case $_srv in
        lighttpd) lighttpd_conf "$_port" "$_d/app.sock" "$_d"
                  launch "lighttpd-$_app" lighttpd -D -f "$_d/lighttpd.conf" ;;
        nginx)    nginx_conf "$_port" "$_d/app.sock" "$_d"
                  launch "nginx-$_app" nginx -p "$_d" -c "$_d/nginx.conf" -e "$_d/logs/error.log" ;;
        *) die "unknown server $_srv" ;;
    esac
    SERVER_PID=$LAUNCHED
    wait_http "http://127.0.0.1:$_port/" 20 || die "$_srv + $_app does not answer GET / on :$_port"
}
stop_stack() {
    stop_pid "$SERVER_PID"
    for _p in $WORKER_PIDS; do stop_pid "$_p"; done
    WORKER_PIDS=; SERVER_PID=
}

# ----------------------------------------------------------------- wrk
# wrk_script NAME BODYFILE|"" -> path of a Lua script (per-thread non-2xx
# counting + a RESULT line), the same logic as the peers' bench.sh.
wrk_script() {
    _s=$STATE/$1.lua
    cat > "$_s" <<'LUA'
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) non2xx = 0; responses = 0 end
function response(status, headers, body)
  responses = responses + 1
  if status < 200 or status > 299 then non2xx = non2xx + 1 end
end
function done(summary, latency, requests)
  local n, r = 0, 0
  for _, t in ipairs(threads) do n = n + (t:get("non2xx") or 0); r = r + (t:get("responses") or 0) end
  local e = summary.errors
  io.write(string.format(
    "RESULT requests=%d duration_s=%.3f rps=%.1f p50_ms=%.3f p90_ms=%.3f p99_ms=%.3f max_ms=%.3f non2xx=%d responses=%d err_connect=%d err_read=%d err_write=%d err_timeout=%d\n",
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000, n, r, e.connect, e.read, e.write, e.timeout))
end
LUA
    if [ -n "$2" ]; then
        cat >> "$_s" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local f = assert(io.open([==[$2]==], "rb")); wrk.body = f:read("*a"); f:close()
LUA
    fi
    echo "$_s"
}

# The four HTTP cases: name, path, body file.
CASES=${CASES:-get_root get_perf post_predict_1 post_predict_10}
case_path() {
    case $1 in
        get_root) echo / ;;
        get_perf) echo "/performance?filter=overall" ;;
        post_predict_1|post_predict_10) echo /predict ;;
        *) die "unknown case $1" ;;
    esac
}
case_body() {
    case $1 in
        post_predict_1) echo "$BODY_DIR/predict_1.json" ;;
        post_predict_10) echo "$BODY_DIR/predict_10.json" ;;
        *) echo "" ;;
    esac
}

DURATION=${DURATION:-5s}; WARMUP=${WARMUP:-1s}
THREADS=${THREADS:-2}; CONNS=${CONNS:-32}; WRK_TIMEOUT=${WRK_TIMEOUT:-10s}

# run_wrk LABEL CASE BASEURL OUTFILE: warm-up + timed run under flock; the
# RESULT line is appended as "LABEL CASE key=value..." to $RESULTS/http.raw.
run_wrk() {
    _label=$1; _case=$2; _base=$3; _out=$4
    _scr=$(wrk_script "$_case" "$(case_body "$_case")")
    _url=$_base$(case_path "$_case")
    if [ -n "$WARMUP" ] && [ "$WARMUP" != 0 ]; then
        timeout 120 flock "$BENCH_LOCK" wrk -t"$THREADS" -c"$CONNS" -d"$WARMUP" \
            --timeout "$WRK_TIMEOUT" -s "$_scr" "$_url" > /dev/null 2>&1 || true
    fi
    # CPU time (user + system) of the app processes in CPU_PIDS over the
    # timed run: less sensitive to a busy machine than req/s.  The lock is
    # taken first so that the window is the timed run only.
    exec 8>> "$BENCH_LOCK"; flock 8
    _c0=$(cpu_ticks $CPU_PIDS)
    timeout 300 wrk -t"$THREADS" -c"$CONNS" -d"$DURATION" \
        --timeout "$WRK_TIMEOUT" --latency -s "$_scr" "$_url" > "$_out" 2>&1 || true
    _c1=$(cpu_ticks $CPU_PIDS)
    flock -u 8; exec 8>&-
    _line=$(grep '^RESULT ' "$_out" || true)
    if [ -z "$_line" ]; then _line="RESULT FAILED"
    elif [ -n "${CPU_PIDS:-}" ]; then
        _line="$_line app_cpu_us_per_req=$(awk -v a="$_c0" -v b="$_c1" -v hz="$(getconf CLK_TCK)" \
            -v n="$(field requests "$_line")" 'BEGIN { printf "%.1f", n ? (b - a) * 1e6 / hz / n : 0 }')"
    fi
    echo "$_label $_case ${_line#RESULT }" >> "$RESULTS/http.raw"
    echo "$_label $_case ${_line#RESULT }"
}

# cpu_ticks PID...: utime + stime of the processes, in clock ticks
cpu_ticks() {
    _t=0
    for _p in "$@"; do
        _v=$(awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$_p/stat" 2>/dev/null || echo 0)
        _t=$((_t + ${_v:-0}))
    done
    echo "$_t"
}

# field KEY LINE: value of key=value in a RESULT line
field() { echo "$2" | tr ' ' '\n' | sed -n "s/^$1=//p" | head -n 1; }

# ratio A B [digits]: A/B, "n/a" when either is missing or B is 0
ratio() {
    awk -v a="${1:-}" -v b="${2:-}" -v d="${3:-2}" 'BEGIN {
        if (a == "" || b == "" || a == "n/a" || b == "n/a" || b + 0 == 0) { print "n/a"; exit }
        printf "%.*f\n", d, a / b }'
}
# verdict VALUE OP TARGET -> PASS / FAIL / n/a   (OP: ge or le)
verdict() {
    awk -v v="${1:-}" -v op="$2" -v t="$3" 'BEGIN {
        if (v == "" || v == "n/a") { print "n/a"; exit }
        ok = (op == "ge") ? (v + 0 >= t + 0) : (v + 0 <= t + 0)
        print ok ? "PASS" : "FAIL" }'
}

machine_note() {
    echo "# $(date -Is) $(uname -srm), $(nproc) cpus, load: $(cut -d' ' -f1-3 /proc/loadavg)"
}

# usage_from_header: print the leading comment block of the calling script
# tag_mismatch WHAT COUNT: die (TAG_CHECK=strict) or warn and record it
tag_mismatch() {
    echo "$1: $2 tags differ from the reference (model $MODEL)" >> "$RESULTS/tagcheck.txt"
    [ "$TAG_CHECK" = warn ] || die "$1: $2 tags differ from the reference (model $MODEL; TAG_CHECK=warn to go on)"
    log "WARNING: $1: $2 tags differ from the reference"
}

usage_from_header() {
    sed -n '3,/^[^#]/{/^#/s/^# \{0,1\}//p}' "$0"
}
