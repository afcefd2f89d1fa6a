# SPDX-License-Identifier: MIT
# tests/api/supervise.bash - helpers of supervise.bats and slow_client.bats
# (on top of tests/api/lib.bash): start `tagifai-fcgi --workers N` (the
# pre-fork master of fcgi/master.c) on a unix socket with lighttpd in front
# in "socket" mode (no bin-path: the master owns the processes), list the
# master's workers, and run a bounded curl load in the background.
#
# Every process is recorded in $STACK_DIR/pids and stopped by pid in
# teardown_file (stack_stop).  Every loop is bounded in count and time.

# Start the master: sv_master N [ARGS...].  Sets SV_SOCK, SV_MODEL (the
# path it serves, a copy we may replace), SV_MASTER (its pid).  The master
# runs under a small sh that writes its exit status to
# $STACK_DIR/master.status when it ends.
sv_master() {
	local n=$1 run i
	shift
	run=$(stack_rundir run)
	SV_SOCK=$run/app.sock
	SV_MODEL=$run/model.tagifai
	cp "$(stack_model)" "$SV_MODEL"
	rm -f "$STACK_DIR/master.status" "$STACK_DIR/master.pid"
	setsid sh -c '"$@" & echo $! > "$0/master.pid"; wait $!; echo $? > "$0/master.status"' \
		"$STACK_DIR" "$TAGIFAI_FCGI" --workers "$n" --listen "unix:$SV_SOCK" \
		--model "$SV_MODEL" --www "$top_srcdir/www" --max-body "$TEST_MAX_BODY" "$@" \
		> "$STACK_DIR/master.out" 2>&1 < /dev/null 3>&- &
	record_pid "$!" master-sh || return 1
	for ((i = 0; i < 100; i++)); do
		[ -s "$STACK_DIR/master.pid" ] && break
		sleep 0.05
	done
	SV_MASTER=$(cat "$STACK_DIR/master.pid") || return 1
	record_pid "$SV_MASTER" master || { cat "$STACK_DIR/master.out" >&2; return 1; }
	for ((i = 0; i < READY_WAIT * 10; i++)); do
		[ -S "$SV_SOCK" ] && [ "$(sv_workers | wc -w)" -ge "$n" ] && break
		sleep 0.1
	done
	[ -S "$SV_SOCK" ] || { echo "no socket $SV_SOCK" >&2; cat "$STACK_DIR/master.out" >&2; return 1; }
	# lighttpd may run as another user: let it connect.
	chmod 666 "$SV_SOCK"
	export SV_SOCK SV_MODEL SV_MASTER
}

# Start lighttpd in front of $SV_SOCK: sv_lighttpd [EXTRA-CONFIG-LINE...]
# Sets BASE.
sv_lighttpd() {
	local port lighttpd conf=$STACK_DIR/lighttpd.conf line
	port=$(pick_port) || return 1
	lighttpd=$(tool_path "$LIGHTTPD") || return 1
	{
		echo 'server.modules = ( "mod_fastcgi" )'
		echo 'server.bind = "127.0.0.1"'
		echo "server.port = $port"
		echo "server.document-root = \"$top_srcdir/www\""
		echo "server.errorlog = \"$(stack_rundir run)/lighttpd-error.log\""
		if [ "$(id -u)" = 0 ]; then
			echo "server.username = \"$(stack_user)\""
			echo "server.groupname = \"$(stack_group)\""
		fi
		for line in "$@"; do echo "$line"; done
		echo 'fastcgi.server = ( "/" => (('
		echo "    \"socket\" => \"$SV_SOCK\","
		echo '    "check-local" => "disable",'
		echo '    "fix-root-scriptname" => "enable"'
		echo ')) )'
	} > "$conf"
	"$lighttpd" -tt -f "$conf" || return 1
	stack_launch lighttpd "$lighttpd" -D -f "$conf" || return 1
	export BASE=http://127.0.0.1:$port
	wait_ready "$BASE/"
}

# The pids of the master's children, one line each, sorted.
sv_workers() {
	local c
	c=$(cat "/proc/$SV_MASTER/task/$SV_MASTER/children" 2>/dev/null) || return 0
	printf '%s\n' $c | sort -n
}

# Wait (bounded, 5 s) until the master has N workers none of which is in
# the list OLD (space separated).  Prints the new workers.
# Usage: sv_wait_replaced N "OLD PIDS"
sv_wait_replaced() {
	local n=$1 old=" $2 " i w ok p
	for ((i = 0; i < 50; i++)); do
		w=$(sv_workers)
		ok=1
		[ "$(echo $w | wc -w)" -eq "$n" ] || ok=0
		for p in $w; do
			[[ "$old" != *" $p "* ]] || ok=0
		done
		[ "$ok" = 1 ] && { echo $w; return 0; }
		sleep 0.1
	done
	echo "workers now: $(echo $w); old: $old" >&2
	return 1
}

# Wait (bounded, 5 s) until a worker pid outside OLD exists; prints the
# elapsed milliseconds (polled with shell builtins only, so the figure is
# not dominated by the cost of forking ps).  Usage: sv_wait_new_pid "OLD"
sv_wait_new_pid() {
	local old=" $1 " i p c fd t0=$EPOCHREALTIME
	exec {fd}<> <(:)
	for ((i = 0; i < 5000; i++)); do
		c=
		read -r c < "/proc/$SV_MASTER/task/$SV_MASTER/children" || true
		for p in $c; do
			if [[ "$old" != *" $p "* ]]; then
				echo $(( (${EPOCHREALTIME/./} - ${t0/./}) / 1000 ))
				exec {fd}>&-
				return 0
			fi
		done
		# a pause of 1 ms without forking sleep(1)
		read -r -t 0.001 -u "$fd" || true
	done
	exec {fd}>&-
	echo "no new worker after 5 s; workers: $(echo $(sv_workers))" >&2
	return 1
}

SV_TEXT='{"texts":[{"text":"Transfer learning with transformers for text classification."}]}'

# Start P background loops of curl POST /predict against $BASE, each at
# most MAX requests and 60 s, until sv_load_stop.  One line "CODE MODEL"
# per answer in $STACK_DIR/load.NAME.I (CODE 000: no answer at all).
# Usage: sv_load_start NAME [P] [MAX]
sv_load_start() {
	local name=$1 p=${2:-4} max=${3:-3000} i
	rm -f "$STACK_DIR/load.$name".*
	SV_LOAD_PIDS=()
	for ((i = 0; i < p; i++)); do
		(
			end=$((SECONDS + 60))
			for ((k = 0; k < max && SECONDS < end; k++)); do
				[ -e "$STACK_DIR/load.$name.stop" ] && break
				curl -s -o /dev/null -m 10 -X POST \
					-H 'Content-Type: application/json' \
					-d "$SV_TEXT" -w '%{http_code} %header{x-model}\n' \
					"$BASE/predict" >> "$STACK_DIR/load.$name.$i" 2>/dev/null ||
					echo "000 curl-exit-$?" >> "$STACK_DIR/load.$name.$i"
			done
		) 3>&- &
		SV_LOAD_PIDS+=("$!")
	done
}

# Stop the loops and wait for them; then print the per-code counts.
sv_load_stop() {
	local name=$1 pid
	touch "$STACK_DIR/load.$name.stop"
	for pid in "${SV_LOAD_PIDS[@]}"; do
		wait "$pid" || true
	done
	cat "$STACK_DIR/load.$name".[0-9]* | awk '{print $1}' | sort | uniq -c
}

# Lines of the load that are not "200 ..." (failed requests).
sv_load_failures() {
	cat "$STACK_DIR/load.$1".[0-9]* | grep -vc '^200 ' || true
}
sv_load_total() {
	cat "$STACK_DIR/load.$1".[0-9]* | wc -l
}

# X-Model of GET / (one request).
sv_x_model() {
	curl -s -o /dev/null -m 10 -w '%header{x-model}' "$BASE/"
}

# Wait (bounded) until the master log has a line matching the ERE.
sv_wait_log() {
	local i
	for ((i = 0; i < 100; i++)); do
		grep -Eq -- "$1" "$STACK_DIR/master.out" && return 0
		sleep 0.1
	done
	echo "no line matching '$1' in the master log:" >&2
	tail -n 20 "$STACK_DIR/master.out" >&2
	return 1
}
