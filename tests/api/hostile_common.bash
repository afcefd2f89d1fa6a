# SPDX-License-Identifier: MIT
# tests/api/hostile_common.bash - what tests/api/hostile.bats (lighttpd) and
# tests/api/hostile_nginx.bats (nginx + spawn-fcgi) share: sending one
# corpus file of tests/hostile/ raw over TCP and checking the answer against
# tests/hostile/MANIFEST (tests/api/hostile.py), then a valid POST /predict,
# then the worker pids against the previous test's.
#
# The workers are the tagifai-fcgi processes of the stack: recorded once
# in setup_file (hostile_workers_record), compared after every case with
# the set after the previous case (so the case that killed one fails) and,
# in the last test, with the set at the start.  They are found by parent
# pid (descendants of the recorded servers), never by name.
# Needs: lib.bash loaded, $PYTHON3, jq.

HOSTILE_DIR=$top_srcdir/tests/hostile
HOSTILE_PY=$top_srcdir/tests/api/hostile.py

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

# Record the workers at the start (and as "previous" for the first case);
# fails if there are none.
hostile_workers_record() {
	hostile_workers > "$STACK_DIR/workers.start"
	cp "$STACK_DIR/workers.start" "$STACK_DIR/workers.prev"
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

# One corpus file against the stack on 127.0.0.1:$PORT.
# Usage: hostile_case FILE   (needs STACK_NAME PORT)
hostile_case() {
	local file=$1 rc=0 now
	[ -f "$HOSTILE_DIR/$file" ] || { echo "missing corpus file $file" >&2; return 1; }
	"$PYTHON3" "$HOSTILE_PY" case 127.0.0.1 "$PORT" "$STACK_NAME" \
		"$HOSTILE_DIR" "$file" || rc=1
	"$PYTHON3" "$HOSTILE_PY" probe 127.0.0.1 "$PORT" "$PROBE_TEXT" \
		"$PROBE_TAG" || { echo "after $file: the service no longer answers a valid request" >&2; rc=1; }
	now=$(hostile_workers)
	if [ "$now" != "$(cat "$STACK_DIR/workers.prev")" ]; then
		echo "after $file: the workers changed (crash or restart):" >&2
		diff <(cat "$STACK_DIR/workers.prev") <(echo "$now") >&2
		rc=1
	fi
	printf '%s\n' "$now" > "$STACK_DIR/workers.prev"
	return "$rc"
}

# The last test: the workers are the ones that started.
hostile_workers_unchanged() {
	local now
	now=$(hostile_workers)
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
