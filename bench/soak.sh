#!/bin/bash
# SPDX-License-Identifier: MIT
# bench/soak.sh - soak test of the pre-fork server (`tagifai-fcgi --workers
# N`, fcgi/master.c) behind lighttpd: at least MIN_REQUESTS mixed requests
# with a model reload (SIGHUP, alternating two artifacts) every RELOAD_EVERY
# seconds, then a report of failures and memory.
#
# Usage: bench/soak.sh [--help]        (or `make soak` from the build dir)
#
# Requests (wrk, one Lua script rotating six kinds; each request carries
# X-Request-Id "kN-..." which the server echoes, so the response() hook
# knows which status to expect even with many connections per thread):
#   k1 GET /                               -> 200
#   k2 POST /predict, 1 text               -> 200
#   k3 POST /predict, 10 texts             -> 200
#   k4 POST /predict {"texts": []}         -> 422
#   k5 POST /predict with broken JSON      -> 422
#   k6 GET /no-such-page                   -> 404
# A "failure" is any answer whose status is not the expected one for its
# kind (or without our request id), plus wrk's socket errors.
# Memory: VmRSS of the master and of every worker after WARMUP seconds and
# again just before the end.  Workers are replaced at every reload, so the
# worker figure is the largest current worker at each sample; the master
# builds and frees one model per reload, so its growth is the reload-path
# leak check.  Growth must stay under 1 MiB.
# Exit status: 0 when requests >= MIN_REQUESTS, failures == 0, at least one
# reload happened, and both growths are < 1 MiB; 1 otherwise.
#
# Env (defaults): DURATION=400 (s, wrk -d; ~2,650 req/s on 2 busy cores) WARMUP=20 RELOAD_EVERY=10
#   WORKERS=2 THREADS=2 CONNS=16 MIN_REQUESTS=1000000
#   TAGIFAI_FCGI=./tagifai-fcgi TAGIFAI=./tagifai (from the build dir)
#   SHARED_DIR=<srcdir>/../shared LIGHTTPD=lighttpd WRK=wrk
#   BENCH_LOCK=/tmp/bench.lock RESULTS=<state dir>
# Loopback only; every loop is bounded in time; processes are stopped by
# the pids this script started.
set -eu

TOP_DIR=$(cd "$(dirname "$0")/.." && pwd)
case ${1:-} in
-h|--help) sed -n '3,/^set -eu/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//'; exit 0 ;;
esac

DURATION=${DURATION:-400}
WARMUP=${WARMUP:-20}
RELOAD_EVERY=${RELOAD_EVERY:-10}
WORKERS=${WORKERS:-2}
THREADS=${THREADS:-2}
CONNS=${CONNS:-16}
MIN_REQUESTS=${MIN_REQUESTS:-1000000}
TAGIFAI_FCGI=${TAGIFAI_FCGI:-$PWD/tagifai-fcgi}
TAGIFAI=${TAGIFAI:-$PWD/tagifai}
SHARED_DIR=${SHARED_DIR:-$TOP_DIR/../shared}
LIGHTTPD=${LIGHTTPD:-lighttpd}
WRK=${WRK:-wrk}
BENCH_LOCK=${BENCH_LOCK:-/tmp/bench.lock}
ART=$SHARED_DIR/peers/fastapi/artifacts
BODIES=$SHARED_DIR/peers/fastapi/bodies

log() { echo "[$(date +%H:%M:%S)] $*" >&2; }
die() { echo "soak: $*" >&2; exit 1; }

[ -x "$TAGIFAI_FCGI" ] || die "no $TAGIFAI_FCGI (run from the build dir or set TAGIFAI_FCGI)"
[ -x "$TAGIFAI" ] || die "no $TAGIFAI"
command -v "$WRK" >/dev/null || die "wrk not found"
LIGHTTPD=$(command -v "$LIGHTTPD" || echo /usr/sbin/lighttpd)
[ -x "$LIGHTTPD" ] || die "lighttpd not found"
[ -f "$BODIES/predict_10.json" ] || die "no bodies in $BODIES"

STATE=$(mktemp -d "${TMPDIR:-/tmp}/soak.XXXXXX")
chmod 755 "$STATE"
RESULTS=${RESULTS:-$STATE}
mkdir -p "$RESULTS"
PIDS=
cleanup() {
	local p i
	for p in $PIDS; do kill -TERM "$p" 2>/dev/null || true; done
	for ((i = 0; i < 100; i++)); do
		local alive=0
		for p in $PIDS; do kill -0 "$p" 2>/dev/null && alive=1; done
		[ "$alive" = 0 ] && break
		sleep 0.1
	done
	for p in $PIDS; do kill -KILL "$p" 2>/dev/null || true; done
	[ "${KEEP_STATE:-0}" = 1 ] || [ "$RESULTS" = "$STATE" ] || rm -rf "$STATE"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

free_port() {  # below the ephemeral range (see tests/api/lib.bash)
	local p i
	for ((i = 0; i < 50; i++)); do
		p=$((20000 + (RANDOM * 32768 + RANDOM) % 12000))
		ss -Htln "sport = :$p" | grep -q . || { echo "$p"; return 0; }
	done
	return 1
}

rss_kib() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }
children() { cat "/proc/$1/task/$1/children" 2>/dev/null || true; }
# "master_kib max_worker_kib n_workers"
sample_rss() {
	local w max=0 n=0 r
	for w in $(children "$MASTER"); do
		r=$(rss_kib "$w"); n=$((n + 1))
		[ "$r" -gt "$max" ] && max=$r
	done
	echo "$(rss_kib "$MASTER") $max $n"
}

# ---------------------------------------------------------------- models
for v in a b; do
	"$TAGIFAI" import --export "$ART/export.json" --args "$ART/args.json" \
		--performance "$ART/performance.json" --name tagifai \
		--version "soak-$v" -o "$STATE/model-$v.tagifai" > "$STATE/import.log" 2>&1 ||
		{ cat "$STATE/import.log" >&2; die "tagifai import failed"; }
done
cp "$STATE/model-a.tagifai" "$STATE/model.tagifai"

# ---------------------------------------------------------------- the Lua
B1=$(cat "$BODIES/predict_1.json")
B10=$(cat "$BODIES/predict_10.json")
cat > "$STATE/soak.lua" <<LUA
-- one kind per request, in rotation; expected status per kind
local kinds = {
  { "GET",  "/", nil, 200 },
  { "POST", "/predict", [==[$B1]==], 200 },
  { "POST", "/predict", [==[$B10]==], 200 },
  { "POST", "/predict", '{"texts": []}', 422 },
  { "POST", "/predict", '{"texts": [', 422 },
  { "GET",  "/no-such-page", nil, 404 },
}
local threads = {}
function setup(thread)
  thread:set("tid", #threads + 1)
  table.insert(threads, thread)
end
function init(args)
  n = 0; bad = 0; responses = 0; first_bad = ""
  per = { 0, 0, 0, 0, 0, 0 }
  models = {}
  reqs = {}
  for i, k in ipairs(kinds) do
    local h = { ["Content-Type"] = "application/json" }
    reqs[i] = { k[1], k[2], h, k[3] }
  end
end
function request()
  n = n + 1
  local i = (n % #kinds) + 1
  local r = reqs[i]
  r[3]["X-Request-Id"] = "k" .. i .. "-" .. tid .. "-" .. n
  return wrk.format(r[1], r[2], r[3], r[4])
end
function response(status, headers, body)
  responses = responses + 1
  local id = headers["X-Request-Id"] or headers["x-request-id"] or ""
  local i = tonumber(string.match(id, "^k(%d)%-"))
  if i == nil or kinds[i] == nil or kinds[i][4] ~= status then
    bad = bad + 1
    if first_bad == "" then first_bad = status .. " id=" .. id end
  else
    per[i] = per[i] + 1
  end
  local m = headers["X-Model"] or headers["x-model"] or "none"
  models[m] = (models[m] or 0) + 1
end
function done(summary, latency, requests)
  local b, r, fb = 0, 0, ""
  local per_all = { 0, 0, 0, 0, 0, 0 }
  local m_all = {}
  for _, t in ipairs(threads) do
    b = b + t:get("bad"); r = r + t:get("responses")
    if fb == "" then fb = t:get("first_bad") end
    local p = t:get("per")
    for i = 1, #kinds do per_all[i] = per_all[i] + p[i] end
    for k, v in pairs(t:get("models")) do m_all[k] = (m_all[k] or 0) + v end
  end
  local e = summary.errors
  io.write(string.format("RESULT requests=%d responses=%d bad=%d duration_s=%.1f rps=%.0f p99_ms=%.2f max_ms=%.2f err_connect=%d err_read=%d err_write=%d err_timeout=%d err_status=%d\n",
    summary.requests, r, b, summary.duration / 1e6,
    summary.requests / (summary.duration / 1e6), latency:percentile(99) / 1000,
    latency.max / 1000, e.connect, e.read, e.write, e.timeout, e.status))
  io.write(string.format("KINDS root=%d predict1=%d predict10=%d empty422=%d badjson422=%d notfound404=%d\n",
    per_all[1], per_all[2], per_all[3], per_all[4], per_all[5], per_all[6]))
  for k, v in pairs(m_all) do io.write(string.format("MODEL %s %d\n", k, v)) end
  if fb ~= "" then io.write("FIRST_BAD " .. fb .. "\n") end
end
LUA

# ---------------------------------------------------------------- servers
exec 9> "$BENCH_LOCK"
log "waiting for $BENCH_LOCK"
flock -w 900 9 || die "could not take $BENCH_LOCK"

PORT=$(free_port) || die "no free port"
SOCK=$STATE/app.sock
setsid "$TAGIFAI_FCGI" --workers "$WORKERS" --listen "unix:$SOCK" \
	--model "$STATE/model.tagifai" --www "$TOP_DIR/www" \
	> "$STATE/master.log" 2>&1 < /dev/null &
MASTER=$!
PIDS="$MASTER"
for ((i = 0; i < 100; i++)); do [ -S "$SOCK" ] && break; sleep 0.1; done
[ -S "$SOCK" ] || { cat "$STATE/master.log" >&2; die "master did not start"; }
chmod 666 "$SOCK"
{
	echo 'server.modules = ( "mod_fastcgi" )'
	echo 'server.bind = "127.0.0.1"'
	echo "server.port = $PORT"
	echo "server.document-root = \"$STATE\""
	echo "server.errorlog = \"$STATE/lighttpd-error.log\""
	echo 'server.max-connections = 1024'
	echo "fastcgi.server = ( \"/\" => (( \"socket\" => \"$SOCK\","
	echo '    "check-local" => "disable", "fix-root-scriptname" => "enable" )) )'
} > "$STATE/lighttpd.conf"
setsid "$LIGHTTPD" -D -f "$STATE/lighttpd.conf" > "$STATE/lighttpd.out" 2>&1 < /dev/null &
PIDS="$! $PIDS"
for ((i = 0; i < 100; i++)); do
	[ "$(curl -s -o /dev/null -m 2 -w '%{http_code}' "http://127.0.0.1:$PORT/" || true)" = 200 ] && break
	sleep 0.1
done

# ---------------------------------------------------------------- the soak
log "soak: ${DURATION}s, $WORKERS workers, $THREADS threads x $CONNS connections, reload every ${RELOAD_EVERY}s"
"$WRK" -t "$THREADS" -c "$CONNS" -d "${DURATION}s" --timeout 10s \
	-s "$STATE/soak.lua" "http://127.0.0.1:$PORT/" > "$RESULTS/soak.wrk" 2>&1 &
WRK_PID=$!
PIDS="$WRK_PID $PIDS"
t0=$SECONDS
reloads=0 next=$RELOAD_EVERY which=b rss_warm= rss_end=
while kill -0 "$WRK_PID" 2>/dev/null && [ $((SECONDS - t0)) -le $((DURATION + 30)) ]; do
	el=$((SECONDS - t0))
	if [ -z "$rss_warm" ] && [ "$el" -ge "$WARMUP" ]; then
		rss_warm=$(sample_rss)
		log "RSS after warm-up (master, largest worker KiB, workers): $rss_warm"
	fi
	if [ -z "$rss_end" ] && [ "$el" -ge $((DURATION - 3)) ]; then
		rss_end=$(sample_rss)
		log "RSS at the end (master, largest worker KiB, workers): $rss_end"
	fi
	if [ "$el" -ge "$next" ] && [ "$el" -lt $((DURATION - 5)) ]; then
		cp "$STATE/model-$which.tagifai" "$STATE/model.new"
		mv -f "$STATE/model.new" "$STATE/model.tagifai"
		kill -HUP "$MASTER"
		reloads=$((reloads + 1))
		[ "$which" = a ] && which=b || which=a
		next=$((next + RELOAD_EVERY))
	fi
	sleep 0.5
done
wait "$WRK_PID" || true
cat "$RESULTS/soak.wrk"

# ---------------------------------------------------------------- report
res=$(grep '^RESULT' "$RESULTS/soak.wrk" || true)
[ -n "$res" ] || die "no RESULT line from wrk"
get() { echo "$res" | tr ' ' '\n' | sed -n "s/^$1=//p"; }
requests=$(get requests)
bad=$(get bad)
errs=$(( $(get err_connect) + $(get err_read) + $(get err_write) + $(get err_timeout) ))
ok_reloads=$(grep -c 'reload: rolling restart' "$STATE/master.log" || true)
failed_reloads=$(grep -c 'reload failed' "$STATE/master.log" || true)
deaths=$(grep -Ec 'killed by signal|respawning' "$STATE/master.log" || true)
read -r mw ww nw <<< "${rss_warm:-0 0 0}"
read -r me we ne <<< "${rss_end:-0 0 0}"
{
	echo "SOAK requests=$requests failed=$((bad + errs)) (bad status $bad, socket errors $errs)"
	echo "SOAK reloads sent=$reloads done=$ok_reloads failed=$failed_reloads unexpected_worker_deaths=$deaths"
	echo "SOAK rss_kib master warm=$mw end=$me growth=$((me - mw))"
	echo "SOAK rss_kib largest_worker warm=$ww end=$we growth=$((we - ww)) (workers $nw/$ne)"
} | tee "$RESULTS/soak.summary"
verdict=0
[ "$requests" -ge "$MIN_REQUESTS" ] || { echo "soak: only $requests requests (< $MIN_REQUESTS)"; verdict=1; }
[ $((bad + errs)) -eq 0 ] || { echo "soak: failed requests"; verdict=1; }
[ "$ok_reloads" -ge 1 ] || { echo "soak: no reload happened"; verdict=1; }
[ "$deaths" -eq 0 ] || { echo "soak: workers died"; verdict=1; }
[ -n "$rss_warm" ] && [ -n "$rss_end" ] || { echo "soak: RSS not sampled"; verdict=1; }
[ $((me - mw)) -lt 1024 ] || { echo "soak: master RSS grew by >= 1 MiB"; verdict=1; }
[ $((we - ww)) -lt 1024 ] || { echo "soak: worker RSS grew by >= 1 MiB"; verdict=1; }
echo "SOAK verdict=$([ $verdict = 0 ] && echo PASS || echo FAIL) results in $RESULTS"
exit $verdict
