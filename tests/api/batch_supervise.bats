#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# tests/api/batch_supervise.bats - where batch jobs run (issue 13, point
# 3): the batch-job runner the master of `tagifai-fcgi --workers 2
# --registry DIR` supervises (fcgi/master.c, fcgi/runner.c), behind
# lighttpd, and `tagifai batch-runner` on its own.
#   - the master starts a runner; a submitted job succeeds and every stored
#     answer is byte for byte the live /models/{m}/versions/{v}/predict one;
#   - kill -9 of the runner mid-job: the master restarts it, the job is
#     resumed and succeeds, nothing of it is visible before, and the
#     runners' chunk lines cover every item exactly once;
#   - a standalone runner killed at random instants (20 trials): after
#     each kill the database is consistent (tests/api/batch_check.py
#     state), never half-visible, and the job ends whole and correct;
#   - two masters (two runners) on one registry, one runner killed and
#     restarted meanwhile: no chunk is committed twice, every item once;
#   - a job whose version is deleted fails with the message naming it;
#   - SIGHUP replaces the workers, not the runner; a runner that keeps
#     dying young is restarted with the workers' growing delay;
#   - SIGTERM of the master stops the runner, which commits nothing half.
# Jobs are submitted with `tagifai batch submit` (the store directly) and
# read with `tagifai batch results`.  Tests run in file order and share the
# first master; every loop is bounded in count and time.

load lib
load contract
load registry_contract
load supervise

# Items of the large jobs: projects.csv repeated (764 projects).  A runner
# tags some 40,000 items/s here: a big job lasts about five seconds.
BIG_REPEAT=${BIG_REPEAT:-250}
CHECK="$PYTHON3 $top_srcdir/tests/api/batch_check.py"

setup_file() {
	stack_init "$LIGHTTPD"
	command -v jq > /dev/null || { echo "jq is needed" >&2; return 1; }
	registry_artifacts
	REG_DIR=$(stack_rundir registry)
	$CHECK gen "$STACK_DIR/small.jsonl" 1 "$SHARED_DIR/data/tagifai/projects.csv" >&3
	$CHECK gen "$STACK_DIR/big.jsonl" "$BIG_REPEAT" "$SHARED_DIR/data/tagifai/projects.csv" >&3
	$CHECK gen "$STACK_DIR/big2.jsonl" "$BIG_REPEAT" "$SHARED_DIR/data/tagifai/projects.csv" two- > /dev/null
	sv_master 2 --registry "$REG_DIR" --batch-threads 1
	sv_lighttpd
	export REG_DIR
}

teardown_file() {
	stack_stop
}

# On a failure, the end of the masters' logs.
teardown() {
	if [ -n "${BATS_TEST_COMPLETED:-}" ] || [ -z "${STACK_DIR:-}" ]; then
		return 0
	fi
	local f
	for f in "$STACK_DIR"/master.out "$STACK_DIR"/master2.out "$STACK_DIR"/standalone.out; do
		[ -f "$f" ] && { echo "----- $f"; tail -n 15 "$f"; }
	done
	return 0
}

# The pid of the master's runner: the last one it logged as started,
# while it is still the master's child.
runner_pid() {
	local pid
	pid=$(grep -oE 'master: batch runner [0-9]+ started' "${1:-$STACK_DIR/master.out}" |
		tail -n 1 | awk '{print $4}')
	[ -n "$pid" ] && [ "$(awk '{print $4}' "/proc/$pid/stat" 2>/dev/null)" = "${2:-$SV_MASTER}" ] &&
		echo "$pid"
}

# Submit INPUT (JSON Lines) to the registry DIR; prints the job id.
# Usage: submit DIR INPUT [ARGS...]
submit() {
	local dir=$1 input=$2
	shift 2
	"$top_builddir/tagifai" batch submit --registry "$dir" --input "$input" "$@" |
		jq -er .id
}

# "STATUS DONE TOTAL VISIBLE" of JOB; fails when the database breaks an
# invariant.  Usage: state JOB [DIR]
state() {
	$CHECK state "${2:-$REG_DIR}/registry.db" "$1"
}

# Wait (bounded, 60 s) until JOB is running with at least MIN items done
# and not all of them.  Usage: wait_running JOB MIN [DIR]
wait_running() {
	local s i
	for ((i = 0; i < 600; i++)); do
		s=$(state "$1" "${3:-$REG_DIR}") || { echo "$s" >&2; return 1; }
		read -r st ndone total vis <<< "$s"
		if [ "$st" = running ] && [ "$ndone" -ge "$2" ] && [ "$ndone" -lt "$total" ]; then
			return 0
		fi
		[ "$st" = queued ] || [ "$st" = running ] ||
			{ echo "job $1 is $s before the test could act (make BIG_REPEAT larger)" >&2; return 1; }
		sleep 0.1
	done
	echo "job $1 still '$s' after 60 s" >&2
	return 1
}

# Wait (bounded) for JOB to end; prints its final state.
# Usage: wait_end JOB [DIR] [SECONDS]
wait_end() {
	"$top_builddir/tagifai" batch wait "$1" --registry "${2:-$REG_DIR}" \
		--timeout "${3:-120}" > /dev/null || true
	state "$1" "${2:-$REG_DIR}"
}

# The value of a /metrics sample (tests/api/prom_check.py parses the
# whole answer first).  Usage: metric 'NAME{label="v"}'
metric() {
	curl -s -m 10 -o "$STACK_DIR/metrics.prom" "$BASE/metrics" || return 1
	"$PYTHON3" "$top_srcdir/tests/api/prom_check.py" "$STACK_DIR/metrics.prom" "$1" |
		awk '{printf "%d\n", $1}'
}

# Stored answers of JOB equal live ones for INPUT (model version 1).
# Usage: answers_live JOB INPUT [DIR]
answers_live() {
	"$top_builddir/tagifai" batch results "$1" --registry "${3:-$REG_DIR}" \
		> "$STACK_DIR/results.$1.jsonl" || return 1
	MODEL=tagifai VERSION=1 $CHECK live "$BASE" "$STACK_DIR/results.$1.jsonl" "$2"
}

@test "batch supervise: the master runs a batch runner beside 2 workers, nice'd" {
	local pid nice i
	sv_wait_log "master: pid $SV_MASTER, 2 workers, a batch runner"
	sv_wait_log "master: batch runner [0-9]+ started"
	pid=$(runner_pid)
	[ -n "$pid" ]
	# 2 workers and the runner
	[ "$(sv_workers | wc -l)" -eq 3 ]
	# The runner lowers its priority when it starts its loop.
	for ((i = 0; i < 50; i++)); do
		nice=$(awk '{print $19}' "/proc/$pid/stat")
		[ "$nice" -ge 10 ] && break
		sleep 0.1
	done
	[ "$nice" -ge 10 ] || { echo "runner $pid has nice $nice" >&2; return 1; }
	# Workers keep their priority.
	for i in $(sv_workers); do
		[ "$i" = "$pid" ] || [ "$(awk '{print $19}' "/proc/$i/stat")" -eq 0 ]
	done
}

@test "batch supervise: a submitted job succeeds and every stored answer equals the live one" {
	local job s total
	job=$(submit "$REG_DIR" "$STACK_DIR/small.jsonl")
	s=$(wait_end "$job")
	read -r st ndone total vis <<< "$s"
	[ "$st" = succeeded ] || { echo "job $job: $s" >&2; tail -n 20 "$STACK_DIR/master.out" >&2; return 1; }
	[ "$ndone" -eq "$total" ] && [ "$vis" -eq "$total" ]
	[ "$total" -eq "$(wc -l < "$STACK_DIR/small.jsonl")" ]
	answers_live "$job" "$STACK_DIR/small.jsonl" >&3
	$CHECK chunks "$job" "$total" "$STACK_DIR/master.out" >&3
	"$top_builddir/tagifai" batch status "$job" --registry "$REG_DIR" |
		jq -e '.status == "succeeded" and .error == null' > /dev/null
	# /metrics: the runner's items, no job waiting
	[ "$(metric tagifai_batch_items_total)" -eq "$total" ]
	[ "$(metric 'tagifai_batch_jobs{status="queued"}')" -eq 0 ]
	[ "$(metric 'tagifai_batch_jobs{status="running"}')" -eq 0 ]
	[ "$(metric tagifai_batch_runner_restarts_total)" -eq 0 ]
}

@test "batch supervise: kill -9 of the runner mid-job: restarted, resumed, never half-visible, answers equal" {
	local job pid s new total
	job=$(submit "$REG_DIR" "$STACK_DIR/big.jsonl")
	# mid-job: a few chunks in, many to go
	wait_running "$job" 6144
	pid=$(runner_pid)
	[ -n "$pid" ]
	kill -9 "$pid"
	# At once: whole chunks, nothing visible (state checks it all).
	s=$(state "$job")
	read -r st ndone total vis <<< "$s"
	echo "# killed runner $pid at $ndone of $total items" >&3
	[ "$st" = running ] && [ "$vis" -eq 0 ] && [ "$ndone" -lt "$total" ]
	[ "$(metric 'tagifai_batch_jobs{status="running"}')" -eq 1 ]
	sv_wait_log "master: batch runner $pid killed by signal 9 \\(Killed\\) after [0-9]+ ms; restarting in [0-9]+ ms"
	sv_wait_log "master: batch runner [0-9]+ started"
	new=$(runner_pid)
	[ -n "$new" ] && [ "$new" != "$pid" ]
	# Until it succeeds nothing is visible; checked while it runs.
	for ((i = 0; i < 1200; i++)); do
		s=$(state "$job") || { echo "$s" >&2; return 1; }
		read -r st ndone total vis <<< "$s"
		[ "$st" = running ] || [ "$st" = queued ] || break
		[ "$vis" -eq 0 ] || { echo "visible before success: $s" >&2; return 1; }
		sleep 0.1
	done
	[ "$st" = succeeded ] || { echo "job $job: $s" >&2; tail -n 20 "$STACK_DIR/master.out" >&2; return 1; }
	[ "$ndone" -eq "$total" ] && [ "$vis" -eq "$total" ]
	[ "$(metric tagifai_batch_runner_restarts_total)" -eq 1 ]
	[ "$(metric 'tagifai_batch_jobs{status="running"}')" -eq 0 ]
	# Each chunk committed once, the resumed runner starting where the
	# killed one stopped (its last commit may have had no time for its
	# line: the store's count covers it).
	KILLED=$pid $CHECK chunks "$job" "$total" "$STACK_DIR/master.out" >&3
	grep -q "batch runner: pid $pid: job $job: items" "$STACK_DIR/master.out"
	grep -q "batch runner: pid $new: job $job: items" "$STACK_DIR/master.out"
	answers_live "$job" "$STACK_DIR/big.jsonl" >&3
}

# Delete version V of tagifai while JOB waits (queued) or runs; the job
# must end failed with the message naming it, nothing of it visible.
# Usage: delete_fails JOB V
delete_fails() {
	local s
	"$top_builddir/tagifai" models delete tagifai "$2" --registry "$REG_DIR" || return 1
	s=$(wait_end "$1")
	read -r st ndone total vis <<< "$s"
	[ "$st" = failed ] && [ "$vis" -eq 0 ] || { echo "job $1: $s" >&2; return 1; }
	"$top_builddir/tagifai" batch status "$1" --registry "$REG_DIR" |
		jq -e ".status == \"failed\" and .error == \"model tagifai version $2 was deleted\"" > /dev/null ||
		{ "$top_builddir/tagifai" batch status "$1" --registry "$REG_DIR" >&2; return 1; }
}

@test "batch supervise: a job whose version is deleted fails with a clear error, queued or running" {
	local job pid small
	"$top_builddir/tagifai" models push tagifai "$REG_V1" --registry "$REG_DIR" > /dev/null
	job=$(submit "$REG_DIR" "$STACK_DIR/big.jsonl" --version 2)
	delete_fails "$job" 2
	# While the runner works on it: refused at its next commit, it drops
	# the job and takes the next one.
	"$top_builddir/tagifai" models push tagifai "$REG_V2" --registry "$REG_DIR" > /dev/null
	job=$(submit "$REG_DIR" "$STACK_DIR/big.jsonl" --version 3)
	wait_running "$job" 4096
	pid=$(runner_pid)
	delete_fails "$job" 3
	[ "$(runner_pid)" = "$pid" ]
	small=$(submit "$REG_DIR" "$STACK_DIR/small.jsonl")
	s=$(wait_end "$small")
	[ "${s%% *}" = succeeded ] || { echo "job $small: $s" >&2; return 1; }
}

# Wait (bounded, 10 s) for a runner of the first master other than OLD;
# prints its pid.
new_runner() {
	local i p
	for ((i = 0; i < 100; i++)); do
		p=$(runner_pid) && [ "$p" != "$1" ] && { echo "$p"; return 0; }
		sleep 0.1
	done
	echo "no runner after $1" >&2
	return 1
}

@test "batch supervise: SIGHUP rolls the workers and leaves the runner alone" {
	local pid old w i gone
	pid=$(runner_pid)
	[ -n "$pid" ]
	old=$(sv_workers | grep -vx "$pid" | tr '\n' ' ')
	kill -HUP "$SV_MASTER"
	sv_wait_log "reload: rolling restart with"
	for ((i = 0; i < 100; i++)); do
		gone=1
		for w in $old; do
			kill -0 "$w" 2>/dev/null && gone=0
		done
		[ "$gone" = 1 ] && [ "$(sv_workers | wc -l)" -eq 3 ] && break
		sleep 0.1
	done
	[ "$gone" = 1 ] || { echo "old workers $old still there" >&2; return 1; }
	[ "$(runner_pid)" = "$pid" ]
	sv_workers | grep -qx "$pid"
}

@test "batch supervise: a runner that keeps dying young is restarted with a growing delay" {
	local i pid delays prev d
	pid=$(runner_pid)
	for ((i = 0; i < 4; i++)); do
		kill -KILL "$pid"
		sv_wait_log "master: batch runner $pid killed by signal 9 .*restarting in [0-9]+ ms"
		pid=$(new_runner "$pid")
	done
	delays=$(grep -oE 'batch runner [0-9]+ killed .*restarting in [0-9]+ ms' "$STACK_DIR/master.out" |
		tail -n 4 | awk '{print $(NF - 1)}')
	echo "# delays: $(echo $delays) ms" >&3
	prev=
	for d in $delays; do
		if [ -n "$prev" ] && [ "$prev" -gt 0 ]; then
			[ "$d" -eq $((prev * 2)) ] || [ "$d" -eq 5000 ]
		elif [ -n "$prev" ]; then
			[ "$d" -eq 0 ] || [ "$d" -eq 100 ]
		fi
		prev=$d
	done
	[ "$prev" -ge 200 ]
	# The workers' respawn delay is their own: still none logged.
	! grep -q 'respawning in' "$STACK_DIR/master.out"
}

@test "batch supervise: two masters on one registry, one runner killed meanwhile: no chunk committed twice" {
	local run2 sock2 m2 j1 j2 s pid i
	run2=$(stack_rundir run2)
	sock2=$run2/app.sock
	stack_launch master2 "$TAGIFAI_FCGI" --workers 1 --listen "unix:$sock2" \
		--model "$SV_MODEL" --www "$TEST_WWW" --registry "$REG_DIR" --batch-threads 1
	m2=$(tail -n 1 "$STACK_DIR/pids" | awk '{print $1}')
	echo "$m2" > "$STACK_DIR/master2.pid"
	for ((i = 0; i < 100; i++)); do
		grep -q 'master: batch runner [0-9]* started' "$STACK_DIR/master2.out" && break
		sleep 0.1
	done
	[ -n "$(runner_pid "$STACK_DIR/master2.out" "$m2")" ]
	j1=$(submit "$REG_DIR" "$STACK_DIR/big.jsonl")
	j2=$(submit "$REG_DIR" "$STACK_DIR/big2.jsonl")
	wait_running "$j1" 2048
	wait_running "$j2" 2048
	# Kill whichever runner of the first master; the other one or its
	# successor resumes the job it held.
	pid=$(runner_pid)
	kill -9 "$pid"
	for j in "$j1" "$j2"; do
		s=$(wait_end "$j")
		read -r st ndone total vis <<< "$s"
		[ "$st" = succeeded ] && [ "$vis" -eq "$total" ] || { echo "job $j: $s" >&2; return 1; }
		KILLED=$pid $CHECK chunks "$j" "$total" "$STACK_DIR/master.out" \
			"$STACK_DIR/master2.out" >&3
	done
	# Both masters' runners took part.
	grep -qE "batch runner: pid [0-9]+: job (job-[0-9a-f]+): items" "$STACK_DIR/master2.out"
	grep -qE "batch runner: pid [0-9]+: job ($j1|$j2): items" "$STACK_DIR/master.out"
	$CHECK state "$REG_DIR/registry.db" >&3
	stop_master2
}

# The second master of the test above, stopped (its runner would take
# the jobs of the tests below).
stop_master2() {
	local m2 i
	[ -s "$STACK_DIR/master2.pid" ] || return 0
	m2=$(cat "$STACK_DIR/master2.pid")
	kill -TERM "$m2" 2>/dev/null || return 0
	for ((i = 0; i < 100; i++)); do
		kill -0 "$m2" 2>/dev/null || return 0
		sleep 0.1
	done
	echo "master2 $m2 did not stop" >&2
	return 1
}

@test "batch supervise: tagifai batch-runner killed -9 at random instants (20 trials): never half-visible, then whole and equal" {
	local reg job s pid trial prev=0 t
	reg=$(stack_rundir registry2)
	"$top_builddir/tagifai" models create tagifai --registry "$reg" > /dev/null
	"$top_builddir/tagifai" models push tagifai "$(stack_model)" --registry "$reg" > /dev/null
	"$top_builddir/tagifai" models activate tagifai 1 --registry "$reg" > /dev/null
	job=$(submit "$reg" "$STACK_DIR/big.jsonl")
	for ((trial = 0; trial < 20; trial++)); do
		setsid "$top_builddir/tagifai" batch-runner --registry "$reg" --threads 1 --nice 0 \
			>> "$STACK_DIR/standalone.out" 2>&1 < /dev/null &
		pid=$!
		record_pid "$pid" standalone-runner || return 1
		# 10 to 250 ms: before, in and after the claim, mid-chunk, at a commit
		t=$((10 + RANDOM % 240))
		sleep "$(printf '0.%03d' "$t")"
		kill -9 "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
		s=$(state "$job" "$reg") || { echo "trial $trial: $s" >&2; return 1; }
		read -r st ndone total vis <<< "$s"
		echo "# trial $trial: killed after $t ms: $st $ndone/$total" >&3
		# never half-visible, never going back
		[ "$st" = succeeded ] || [ "$vis" -eq 0 ] || { echo "visible: $s" >&2; return 1; }
		[ "$ndone" -ge "$prev" ] || { echo "items_done went from $prev to $ndone" >&2; return 1; }
		prev=$ndone
		[ "$st" != succeeded ] || break
	done
	# The last runner runs it to its end.
	setsid "$top_builddir/tagifai" batch-runner --registry "$reg" --threads 1 --nice 0 \
		>> "$STACK_DIR/standalone.out" 2>&1 < /dev/null &
	pid=$!
	record_pid "$pid" standalone-runner
	s=$(wait_end "$job" "$reg" 180)
	kill -TERM "$pid"
	wait "$pid" || { echo "batch-runner exited $?" >&2; return 1; }
	read -r st ndone total vis <<< "$s"
	[ "$st" = succeeded ] && [ "$ndone" -eq "$total" ] && [ "$vis" -eq "$total" ] ||
		{ echo "job $job: $s" >&2; tail -n 20 "$STACK_DIR/standalone.out" >&2; return 1; }
	answers_live "$job" "$STACK_DIR/big.jsonl" "$reg" >&3
}

@test "batch supervise: SIGTERM of the master stops the runner without committing half a chunk" {
	local job pid s i
	stop_master2
	job=$(submit "$REG_DIR" "$STACK_DIR/big.jsonl")
	wait_running "$job" 2048
	pid=$(runner_pid)
	[ -n "$pid" ]
	kill -TERM "$SV_MASTER"
	for ((i = 0; i < 150; i++)); do
		[ -s "$STACK_DIR/master.status" ] && break
		sleep 0.1
	done
	[ "$(cat "$STACK_DIR/master.status")" = 0 ]
	run kill -0 "$pid"
	[ "$status" -ne 0 ]
	grep -Eq "master: batch runner $pid exited with status 0 after [0-9]+ ms: stopped" "$STACK_DIR/master.out"
	grep -q "batch runner: pid $pid: stopped" "$STACK_DIR/master.out"
	# The job waits, whole chunks committed, nothing visible, for the
	# next runner.
	s=$(state "$job")
	read -r st ndone total vis <<< "$s"
	[ "$st" = running ] && [ "$vis" -eq 0 ] && [ "$ndone" -lt "$total" ] || { echo "$s" >&2; return 1; }
}
