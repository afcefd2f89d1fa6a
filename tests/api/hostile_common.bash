# SPDX-License-Identifier: MIT
# tests/api/hostile_common.bash - what tests/api/hostile.bats (lighttpd) and
# tests/api/hostile_nginx.bats (nginx + spawn-fcgi) share: sending every
# corpus file of tests/hostile/ raw over TCP, each followed by a valid
# POST /predict and a look at the worker pids, and checking the answers
# against tests/hostile/MANIFEST (tests/api/hostile.py).
#
# The sending is done once per suite, started in setup_file
# (hostile_batch_run): one hostile.py process runs the whole corpus in name
# order, in the background, and writes a result file per case in
# $HOSTILE_RESULTS ("ok", or "fail" and the diagnostics).  Each @test waits
# for its own case's result and reads it (hostile_case): a case whose
# result says anything but "ok", or that has no result at all (the batch
# crashed, was killed or never ran), fails with the recorded diagnostics
# or the batch's log.  Starting bats and python
# once per case made a suite take minutes; the checks are the same.
#
# The workers are the tagifai-fcgi processes of the stack: recorded once
# in setup_file (hostile_workers_record), compared by the batch after every
# case with the set after the previous case (so the case that killed one
# fails) and, in the last test, with the set at the start.  They are found
# by parent pid (descendants of the recorded servers), never by name;
# hostile.py does the same search as hostile_workers below, so the first
# case also fails if the two disagree.
# Needs: lib.bash loaded, $PYTHON3, jq, timeout.

HOSTILE_DIR=$top_srcdir/tests/hostile
: "${HOSTILE_PY:=$top_srcdir/tests/api/hostile.py}"   # overridable to test the runner

# "pid starttime" of every tagifai-fcgi process below the recorded pids
# (and the recorded "app" pids themselves), sorted.
hostile_workers() {
	local pid st role c
	{
		while read -r pid st role; do
			[ -n "$pid" ] || continue
			if [ "$role" = app ]; then
				echo "$pid"
			else
				descendants_of "$pid"
			fi
		done < "$STACK_DIR/pids"
	} | while read -r c; do
		[ "$(readlink "/proc/$c/exe" 2>/dev/null)" = "$STACK_DIR/sbin/tagifai-fcgi" ] || continue
		echo "$c $(pid_starttime "$c")"
	done | sort -n
}

# Record the workers at the start (the batch's "previous" set for the
# first case); fails if there are none.
hostile_workers_record() {
	hostile_workers > "$STACK_DIR/workers.start"
	[ "${HOSTILE_WORKERS:-exact}" != none ] || return 0
	[ -s "$STACK_DIR/workers.start" ] || {
		echo "no tagifai-fcgi workers found" >&2
		return 1
	}
}

# The probe: a holdout text and its reference tag (6th row).
hostile_probe_init() {
	local row
	row=$(sed -n 6p "$HOLDOUT")
	PROBE_TEXT=$(jq -r .text <<<"$row")
	PROBE_TAG=$(jq -r .predicted_tag <<<"$row")
	[ -n "$PROBE_TEXT" ] && [ -n "$PROBE_TAG" ] || return 1
	export PROBE_TEXT PROBE_TAG
}

# Start the batch: the whole corpus against the stack on 127.0.0.1:$PORT
# (needs STACK_NAME PORT PROBE_TEXT PROBE_TAG and workers.start), in the
# background so that bats' own per-test cost overlaps with it (the tests
# wait for their case's result).  Never fails: when the batch is over, its
# exit status is in $HOSTILE_RESULTS.rc and its output in .log; a case it
# did not finish has no result.  Bounded by the batch's own HOSTILE_BUDGET
# plus a margin (timeout); hostile_batch_stop ends it in teardown_file.
hostile_batch_run() {
	local limit
	HOSTILE_RESULTS=$BATS_FILE_TMPDIR/hostile-results
	HOSTILE_WAIT=$(( ${HOSTILE_BUDGET:-900} + 150 ))
	rm -rf "$HOSTILE_RESULTS" "$HOSTILE_RESULTS".*
	mkdir -p "$HOSTILE_RESULTS"
	export HOSTILE_RESULTS HOSTILE_WAIT
	limit=$(( ${HOSTILE_BUDGET:-900} + 120 ))
	# fd 3 closed: bats waits for it to close before going on
	(
		rc=0
		timeout -k 10 "$limit" "$PYTHON3" "$HOSTILE_PY" batch 127.0.0.1 \
			"$PORT" "$STACK_NAME" "$HOSTILE_DIR" "$STACK_DIR" \
			"$HOSTILE_RESULTS" "$PROBE_TEXT" "$PROBE_TAG" || rc=$?
		echo "$rc" > "$HOSTILE_RESULTS.rc.tmp"
		mv "$HOSTILE_RESULTS.rc.tmp" "$HOSTILE_RESULTS.rc"
	) > "$HOSTILE_RESULTS.log" 2>&1 < /dev/null 3>&- &
	echo "$! $(pid_starttime "$!")" > "$HOSTILE_RESULTS.pid"
	return 0
}

# teardown_file: if the batch is still running (a test run cut short),
# end it (its subshell's children by parent pid: timeout, which passes
# SIGTERM on to hostile.py) and wait for it, 10 s at most.
hostile_batch_stop() {
	local pid st c i
	[ -n "${HOSTILE_RESULTS:-}" ] && [ -f "$HOSTILE_RESULTS.pid" ] || return 0
	read -r pid st < "$HOSTILE_RESULTS.pid"
	for ((i = 0; i < 100; i++)); do
		pid_matches "$pid" "$st" || return 0
		if [ "$i" = 0 ]; then
			for c in $(descendants_of "$pid"); do
				kill -TERM "$c" 2>/dev/null
			done
		fi
		sleep 0.1
	done
	echo "hostile_batch_stop: the batch (pid $pid) did not end" >&2
}

# The result of one corpus file from the batch, waited for (the batch runs
# in the background): passes only when the result file is exactly the line
# "ok".  Fails when the batch ended without writing it, or after
# HOSTILE_WAIT s.  No subprocess on the path where the result is there:
# bats runs 169 of these per suite.  Usage: hostile_case FILE
hostile_case() {
	local file=$1 res verdict extra i
	[ -f "$HOSTILE_DIR/$file" ] || { echo "missing corpus file $file" >&2; return 1; }
	res=${HOSTILE_RESULTS:?hostile_batch_run did not run}/$file
	for ((i = 0; i < HOSTILE_WAIT * 20; i++)); do
		if [ -f "$res" ] || [ -f "$HOSTILE_RESULTS.rc" ]; then break; fi
		sleep 0.05
	done
	if [ ! -f "$res" ]; then
		echo "no result for $file: the batch stopped before it" \
			"(exit status $(cat "$HOSTILE_RESULTS.rc" 2>/dev/null || echo "none, still running"));" \
			"end of its log:" >&2
		tail -n 30 "$HOSTILE_RESULTS.log" >&2 2>/dev/null
		return 1
	fi
	if { IFS= read -r verdict && ! IFS= read -r extra; } < "$res" &&
		[ "$verdict" = ok ]; then
		return 0
	fi
	tail -n +2 "$res" >&2
	return 1
}

# The last test: the workers are the ones that started (HOSTILE_WORKERS
# exact), or those are still alive among others (keep).
hostile_workers_unchanged() {
	local now w
	now=$(hostile_workers)
	if [ "${HOSTILE_WORKERS:-exact}" = keep ]; then
		while read -r w; do
			[ -n "$w" ] || continue
			grep -qxF "$w" <<<"$now" || { echo "worker $w is gone; now: $now" >&2; return 1; }
		done < "$STACK_DIR/workers.start"
		[ -s "$STACK_DIR/workers.start" ]
		return
	fi
	[ "$now" = "$(cat "$STACK_DIR/workers.start")" ] || {
		echo "workers at start:" >&2
		cat "$STACK_DIR/workers.start" >&2
		echo "workers now:" >&2
		echo "$now" >&2
		return 1
	}
}

# Every .http file has exactly one MANIFEST line and the reverse, and there
# are at least 80.
hostile_corpus_complete() {
	local files lines
	files=$(cd "$HOSTILE_DIR" && ls -- *.http | sort)
	lines=$(grep -v '^#' "$HOSTILE_DIR/MANIFEST" | cut -f1 | sort)
	[ "$files" = "$lines" ] || {
		diff <(echo "$files") <(echo "$lines") >&2
		return 1
	}
	[ "$(echo "$files" | wc -l)" -ge 80 ]
}
