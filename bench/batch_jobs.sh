#!/bin/bash
# SPDX-License-Identifier: MIT
# bench/batch_jobs.sh - batch jobs (issue 13, point 5), side by side in
# rounds (the order alternating from round to round):
#   a. a job's items/s, database writes included: a submitted job run by
#      `tagifai batch runner --until-idle` (start, open the model, read the
#      items back, tag, commit every chunk, make the answers visible),
#      whole process, against `tagifai predict` on the same JSON Lines with
#      the same threads (target >= 0.8x); and, for information, `tagifai
#      batch run`, which records the items as well.  The jobs' stored
#      answers are first checked equal to predict's output;
#   b. the time to tag all of projects.csv end to end: `batch submit`, an
#      idle `tagifai batch-runner` claims and runs it, until `batch get` of
#      its last id names the job; and the same by `batch run` (cron);
#   c. GET /predictions/{id} (ids rotating over projects.csv, a Lua
#      request() hook) through lighttpd in front of tagifai-fcgi
#      --registry, against the floor's GET through the same lighttpd with
#      the same workers and the same wrk script (target >= 0.9x);
#   d. POST /predict (1 text) with and without a BIG_ITEMS-item job being
#      run by `tagifai batch-runner --nice 10` (stopped by SIGTERM between
#      the timed runs; it resumes the job in the next round).
# Every timed wrk run holds flock /tmp/bench.lock (bench/lib.sh run_wrk).
# The registry lives in the run's state dir, owned by RUN_USER (the
# workers' user; the tool runs as that user too when we are root).
#
# Usage: bench/batch_jobs.sh [--help]
# Env (defaults): ROUNDS=3 DURATION=3s WARMUP=1s JOB_ITEMS=20000
#   BIG_ITEMS=100000 JOB_THREADS=2 WORKERS=2 THREADS=2 CONNS=32
#   JOBS_PORT=18221 (the floor: +10) BUILD_DIR=/tmp/build-bench TAGIFAI=
#   TAGIFAI_FCGI= MODEL= RESULTS=bench/results/<ts>
# Output: $RESULTS/jobs.kv, RESULT lines labelled jobs-* in
#   $RESULTS/http.raw, logs and wrk output in $RESULTS/jobs/.
set -eu
DURATION=${DURATION:-3s}   # before lib.sh, whose default is 5s
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"
case ${1:-} in -h|--help) usage_from_header; exit 0 ;; esac

ROUNDS=${ROUNDS:-3}
JOB_ITEMS=${JOB_ITEMS:-20000}
BIG_ITEMS=${BIG_ITEMS:-100000}
JOB_THREADS=${JOB_THREADS:-2}
WORKERS=${WORKERS:-2}
JOBS_PORT=${JOBS_PORT:-18221}
PROJECTS=$DATA_DIR/projects.csv

results_dir
state_dir
install_trap
OUT=$RESULTS/jobs
mkdir -p "$OUT"
KV=$RESULTS/jobs.kv
: > "$KV"
touch "$RESULTS/http.raw"
command -v wrk > /dev/null || die "wrk not found (apt-get install wrk)"
command -v jq > /dev/null || die "jq not found (apt-get install jq)"
[ -x "$TAGIFAI" ] || die "$TAGIFAI missing"
have_ours || die "$TAGIFAI_FCGI or $MODEL missing"
build_hello
machine_note | tee "$RESULTS/jobs.conditions"
echo "# rounds=$ROUNDS duration=$DURATION warmup=$WARMUP job_items=$JOB_ITEMS big_items=$BIG_ITEMS job_threads=$JOB_THREADS workers=$WORKERS" \
    | tee -a "$RESULTS/jobs.conditions"

# The tool on the registry runs as the workers' user, so that every file
# of the registry (the database's -wal and -shm, job locks) stays theirs.
# setpriv execs (runuser forks, and answers SIGTERM with a SIGKILL 2 s later).
AS_RUN=()
if [ "$(id -u)" = 0 ] && [ "$RUN_USER" != root ]; then
    AS_RUN=(setpriv --reuid="$RUN_USER" --regid="$RUN_USER" --init-groups --)
fi
as_run() { "${AS_RUN[@]}" "$@"; }
REG=$STATE/registry
b() { as_run "$TAGIFAI" batch "$@" --registry "$REG"; }
now_ns() { date +%s%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f\n", (b - a) / 1e9 }'; }
median() { sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) print "n/a"; else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
kv() { echo "$1=$2" >> "$KV"; log "$1=$2"; }
jid() { jq -r .id "$1"; }

# ------------------------------------------------------------ registry
mkdir -p "$REG"
chown "$RUN_USER" "$REG" 2>/dev/null || true
as_run "$TAGIFAI" models create tagifai --registry "$REG" > /dev/null
as_run "$TAGIFAI" models push tagifai "$MODEL" --registry "$REG" > /dev/null
as_run "$TAGIFAI" models activate tagifai 1 --registry "$REG" > /dev/null

# Inputs: the projects as {"id", "text"} (text = title + " " + description),
# then JOB_ITEMS and BIG_ITEMS of them with ids made unique.
"$PY" - "$PROJECTS" > "$STATE/projects.jsonl" <<'PY'
import csv, json, sys
with open(sys.argv[1], newline="", encoding="utf-8") as f:
    for r in csv.DictReader(f):
        print(json.dumps({"id": r["id"], "text": r["title"] + " " + r["description"]}, ensure_ascii=False))
PY
NPROJ=$(wc -l < "$STATE/projects.jsonl")
make_items() {  # make_items N PREFIX > file
    jq -c --argjson n "$1" --arg p "$2" -s '
        . as $a | range(0; $n) | $a[. % ($a | length)] as $x
        | {id: ($p + (. | tostring)), text: $x.text}' "$STATE/projects.jsonl"
}
make_items "$JOB_ITEMS" a > "$STATE/job.jsonl"
make_items "$BIG_ITEMS" big > "$STATE/big.jsonl"
chmod 644 "$STATE"/*.jsonl
last_id=$(tail -n 1 "$STATE/projects.jsonl" | jq -r .id)

# ------------------------------------------------- a. job vs predict
log "a. a job run by the runner, and batch run, vs tagifai predict, $JOB_ITEMS items, $JOB_THREADS threads, $ROUNDS rounds"
: > "$OUT/a.txt"
# The job as a runner runs it: recorded first (batch submit, not timed),
# then `tagifai batch runner --until-idle` (start, model open, items read
# back, tagged, every chunk committed, the answers made visible), whole
# process.
run_job() {
    timeout 300 "${AS_RUN[@]}" "$TAGIFAI" batch submit \
        --input "$STATE/job.jsonl" --registry "$REG" \
        > "$STATE/job.json" 2> "$STATE/job.err" || die "batch submit failed: $(cat "$STATE/job.err")"
    _t0=$(now_ns)
    timeout 300 "${AS_RUN[@]}" "$TAGIFAI" batch runner --until-idle --nice 0 \
        --threads "$JOB_THREADS" --registry "$REG" 2> "$STATE/job.err" \
        || die "batch runner failed: $(cat "$STATE/job.err")"
    _t1=$(now_ns)
    [ "$(b status "$(jid "$STATE/job.json")" | jq -r .status)" = succeeded ] \
        || die "job: $(b status "$(jid "$STATE/job.json")")"
    secs "$_t0" "$_t1"
}
# The same items recorded and run in one process (cron's `batch run`).
run_run() {
    _t0=$(now_ns)
    timeout 300 "${AS_RUN[@]}" "$TAGIFAI" batch run \
        --input "$STATE/job.jsonl" --threads "$JOB_THREADS" --registry "$REG" \
        > "$STATE/run.json" 2> "$STATE/run.err" || die "batch run failed: $(cat "$STATE/run.err")"
    _t1=$(now_ns)
    [ "$(jq -r .status "$STATE/run.json")" = succeeded ] || die "job: $(cat "$STATE/run.json")"
    secs "$_t0" "$_t1"
}
run_pred() {
    _t0=$(now_ns)
    timeout 300 "$TAGIFAI" predict --model "$MODEL" --jobs "$JOB_THREADS" \
        < "$STATE/job.jsonl" > "$STATE/pred.jsonl" || die "tagifai predict failed"
    _t1=$(now_ns)
    secs "$_t0" "$_t1"
}
# Each round is timed under the lock (not waiting for it).
for r in $(seq 1 "$ROUNDS"); do
    exec 8>> "$BENCH_LOCK"; flock 8
    if [ $((r % 2)) = 1 ]; then js=$(run_job); rs=$(run_run); ps=$(run_pred)
    else ps=$(run_pred); rs=$(run_run); js=$(run_job); fi
    flock -u 8; exec 8>&-
    if [ "$r" = 1 ]; then
        b results "$(jid "$STATE/job.json")" | cmp -s - "$STATE/pred.jsonl" \
            || die "the job's stored answers differ from tagifai predict's"
        b results "$(jid "$STATE/run.json")" | cmp -s - "$STATE/pred.jsonl" \
            || die "batch run's stored answers differ from tagifai predict's"
        log "a. both jobs' $JOB_ITEMS stored answers equal tagifai predict's, byte for byte"
    fi
    echo "$r $js $ps $rs" | tee -a "$OUT/a.txt" >&2
done
kv job_items "$JOB_ITEMS"
kv job_threads "$JOB_THREADS"
kv job_items_per_s "$(awk -v n="$JOB_ITEMS" '{ printf "%.0f\n", n / $2 }' "$OUT/a.txt" | median)"
kv predict_items_per_s "$(awk -v n="$JOB_ITEMS" '{ printf "%.0f\n", n / $3 }' "$OUT/a.txt" | median)"
kv job_over_predict "$(awk '{ printf "%.3f\n", $3 / $2 }' "$OUT/a.txt" | median)"
kv run_items_per_s "$(awk -v n="$JOB_ITEMS" '{ printf "%.0f\n", n / $4 }' "$OUT/a.txt" | median)"
kv run_over_predict "$(awk '{ printf "%.3f\n", $3 / $4 }' "$OUT/a.txt" | median)"

# ------------------------------------------- b. projects.csv end to end
log "b. projects.csv ($NPROJ items) end to end, $ROUNDS rounds"
# runner_start NICE LOG: `tagifai batch-runner --nice NICE` in its own
# session, as a service runs.  With the kernel's autogroups on
# (/proc/sys/kernel/sched_autogroup_enabled), a session's processes share
# one scheduling group weighed against the other sessions' groups, and nice
# counts only inside a group: the runner's group is given the same nice,
# or the nice'd runner would still take a whole share of the CPU from the
# web server's and the workers' groups.
runner_start() {
    setsid "${AS_RUN[@]}" "$TAGIFAI" batch-runner --registry "$REG" \
        --threads "$JOB_THREADS" --nice "$1" > /dev/null 2>> "$2" < /dev/null &
    RUNNER_PID=$!
    track_pid "$RUNNER_PID"
    sleep 0.1
    [ "$(cat "/proc/$RUNNER_PID/comm" 2> /dev/null)" = tagifai ] || die "batch-runner did not start: $(tail -n 3 "$2")"
    if [ -w "/proc/$RUNNER_PID/autogroup" ]; then
        echo "$1" > "/proc/$RUNNER_PID/autogroup" 2> /dev/null || true
    fi
}
runner_start 10 "$OUT/runner-b.log"
sleep 0.5
alive "$RUNNER_PID" || die "batch-runner exited: $(cat "$OUT/runner-b.log")"
: > "$OUT/b.txt"
e2e_submit() {
    _t0=$(now_ns)
    b submit --input "$PROJECTS" > "$STATE/sub.json"
    _j=$(jid "$STATE/sub.json")
    timeout 120 "${AS_RUN[@]}" "$TAGIFAI" batch wait "$_j" --registry "$REG" \
        > /dev/null || die "job $_j did not succeed"
    [ "$(b get "$last_id" | jq -r .job_id)" = "$_j" ] || die "$last_id is not answered from $_j"
    _t1=$(now_ns)
    secs "$_t0" "$_t1"
}
e2e_run() {
    _t0=$(now_ns)
    b run --input "$PROJECTS" > "$STATE/cron.json" 2> /dev/null
    [ "$(b get "$last_id" | jq -r .job_id)" = "$(jid "$STATE/cron.json")" ] || die "batch run: not visible"
    _t1=$(now_ns)
    secs "$_t0" "$_t1"
}
for r in $(seq 1 "$ROUNDS"); do
    exec 8>> "$BENCH_LOCK"; flock 8
    if [ $((r % 2)) = 1 ]; then s=$(e2e_submit); c=$(e2e_run)
    else c=$(e2e_run); s=$(e2e_submit); fi
    flock -u 8; exec 8>&-
    echo "$r $s $c" | tee -a "$OUT/b.txt" >&2
done
stop_pid "$RUNNER_PID"
kv projects_items "$NPROJ"
kv e2e_submit_s "$(awk '{ print $2 }' "$OUT/b.txt" | median)"
kv e2e_run_s "$(awk '{ print $3 }' "$OUT/b.txt" | median)"

# ------------------------------------------------------- c. and d. HTTP
# Our cases on top of bench/lib.sh's: get_prediction rotates over the
# projects' ids (the floor answers any path alike, so both get the same
# script); post_predict_busy is post_predict_1 while a job runs.
eval "lib_$(declare -f wrk_script)"
eval "lib_$(declare -f case_path)"
eval "lib_$(declare -f case_body)"
jq -r .id "$STATE/projects.jsonl" > "$STATE/ids.txt"
chmod 644 "$STATE/ids.txt"
wrk_script() {
    _s=$(lib_wrk_script "$@")
    if [ "$1" = get_prediction ]; then
        cat >> "$_s" <<LUA
local ids = {}
for line in io.lines([==[$STATE/ids.txt]==]) do ids[#ids + 1] = line end
local at = 0
request = function()
  at = at % #ids + 1
  return wrk.format("GET", "/predictions/" .. ids[at])
end
LUA
    fi
    echo "$_s"
}
case_path() {
    case $1 in
        get_prediction) echo "/predictions/$last_id" ;;
        post_predict_busy) echo /predict ;;
        *) lib_case_path "$1" ;;
    esac
}
case_body() {
    case $1 in
        post_predict_busy) lib_case_body post_predict_1 ;;
        *) lib_case_body "$1" ;;
    esac
}

chown -R "$RUN_USER" "$REG"
OURS_ARGS="--registry $REG" start_stack lighttpd ours "$WORKERS" "$JOBS_PORT"
srv_ours=$SERVER_PID; wk_ours=$WORKER_PIDS
start_stack lighttpd floor "$WORKERS" $((JOBS_PORT + 10))
srv_floor=$SERVER_PID; wk_floor=$WORKER_PIDS
OURS=http://127.0.0.1:$JOBS_PORT
FLOOR=http://127.0.0.1:$((JOBS_PORT + 10))

# The answer by id must be the stored one, from the batch.
code=$(curl -s -D "$STATE/h.txt" -o "$STATE/p.json" -m 10 -w '%{http_code}' "$OURS/predictions/$last_id")
if [ "$code" = 200 ] && grep -qi '^X-Prediction-Source: batch' "$STATE/h.txt" &&
    [ "$(jq -r .data.prediction.predicted_tag "$STATE/p.json")" = "$(b get "$last_id" | jq -r .predicted_tag)" ]; then
    log "c. GET /predictions/$last_id: 200, X-Prediction-Source: batch, the stored tag"
    : > "$OUT/c.txt"
    order="ours floor"
    for r in $(seq 1 "$ROUNDS"); do
        for app in $order; do
            if [ "$app" = ours ]; then CPU_PIDS=$wk_ours; base=$OURS; else CPU_PIDS=$wk_floor; base=$FLOOR; fi
            run_wrk "jobs-lighttpd-$app" get_prediction "$base" "$OUT/c-$app.$r.txt" | tee -a "$OUT/c.txt" >&2
        done
        order=$(echo "$order" | awk '{ print $2, $1 }')
    done
    nb=$(awk '$1 == "jobs-lighttpd-ours" { for (i = 3; i <= NF; i++) if ($i ~ /^non2xx=/) s += substr($i, 8) } END { print s + 0 }' "$OUT/c.txt")
    kv get_prediction_non2xx "$nb"
else
    log "c. skipped: GET /predictions/$last_id answered $code ($(head -c 200 "$STATE/p.json"))"
    kv get_prediction_skipped "$code"
fi
stop_pid "$srv_floor"; for p in $wk_floor; do stop_pid "$p"; done

log "d. POST /predict with and without a $BIG_ITEMS-item job (runner nice 10), $ROUNDS rounds"
b submit --input "$STATE/big.jsonl" > /dev/null
: > "$OUT/d.txt"
# All the items tagged so far, every job, and the items still to do.
done_all() { b list --json | jq -s 'map(.items_done) | add'; }
left_all() { b list --json | jq -s 'map(select(.status == "queued" or .status == "running") | .items_total - .items_done) | add // 0'; }
CPU_PIDS=$wk_ours
# run_wrk reads the workers' CPU time right after taking the lock and right
# after the timed run: with MARK_FILE set, the items done then are noted too.
eval "lib_$(declare -f cpu_ticks)"
cpu_ticks() {
    [ -z "${MARK_FILE:-}" ] || echo "$(done_all) $(now_ns)" >> "$MARK_FILE"
    lib_cpu_ticks "$@"
}
busy_round() {
    # Work for the whole window: another job queued when less than half
    # of one is left.
    [ "$(left_all)" -ge $((BIG_ITEMS / 2)) ] || b submit --input "$STATE/big.jsonl" > /dev/null
    d0=$(done_all)
    runner_start 10 "$OUT/runner-d.log"
    # working once a chunk is committed (bounded: 20 s)
    for _ in $(seq 1 100); do
        [ "$(done_all)" != "$d0" ] && break
        sleep 0.2
    done
    : > "$STATE/marks"
    MARK_FILE=$STATE/marks run_wrk jobs-lighttpd-ours post_predict_busy "$OURS" \
        "$OUT/d-busy.$1.txt" | tee -a "$OUT/d.txt" >&2
    left=$(left_all)
    stop_pid "$RUNNER_PID"
    # the items done over the timed run (marks: "items ns" at its two
    # ends); left 0: the runner ran out of work inside it
    echo "runner $1 left=$left $(awk 'NR == 1 { d = $1; t = $2 } NR == 2 { printf "%d %d %.3f", d, $1, ($2 - t) / 1e9 }' "$STATE/marks")" >> "$OUT/d.txt"
}
idle_round() {
    run_wrk jobs-lighttpd-ours post_predict_1 "$OURS" "$OUT/d-idle.$1.txt" | tee -a "$OUT/d.txt" >&2
}
for r in $(seq 1 "$ROUNDS"); do
    if [ $((r % 2)) = 1 ]; then idle_round "$r"; busy_round "$r"
    else busy_round "$r"; idle_round "$r"; fi
done
# The runner's items/s while the requests were timed (it counts whole
# chunks of 2048: a rough figure).
kv busy_runner_items_per_s "$(awk '$1 == "runner" && $6 > 0 { printf "%.0f\n", ($5 - $4) / $6 }' "$OUT/d.txt" | median)"
kv busy_runner_idle_rounds "$(grep -c '^runner .* left=0 ' "$OUT/d.txt" || true)"
stop_pid "$srv_ours"; for p in $wk_ours; do stop_pid "$p"; done

{
    echo "# bench/batch_jobs.sh; $(machine_note | cut -c3-)"
    echo "a. $JOB_ITEMS items, $JOB_THREADS threads: the job run by batch runner $(sed -n 's/^job_items_per_s=//p' "$KV") items/s (database writes included), tagifai predict $(sed -n 's/^predict_items_per_s=//p' "$KV") items/s, ratio $(sed -n 's/^job_over_predict=//p' "$KV"); batch run (recording the items too) $(sed -n 's/^run_items_per_s=//p' "$KV") items/s, ratio $(sed -n 's/^run_over_predict=//p' "$KV") (medians of rounds)"
    echo "b. projects.csv ($NPROJ items) submit -> visible $(sed -n 's/^e2e_submit_s=//p' "$KV") s (idle runner), batch run $(sed -n 's/^e2e_run_s=//p' "$KV") s"
    echo "c./d. HTTP (jobs-* rows):"
    "$BENCH_DIR/table.sh" http "$RESULTS" | awk 'NR == 1 || $1 ~ /^jobs-/'
    echo "d. runner items/s while POST /predict was timed: $(sed -n 's/^busy_runner_items_per_s=//p' "$KV")"
} | tee "$RESULTS/jobs.txt"
