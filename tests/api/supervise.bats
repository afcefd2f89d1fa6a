#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# tests/api/supervise.bats - the pre-fork master (`tagifai-fcgi --workers
# 3`, fcgi/master.c) behind lighttpd in "socket" mode: a worker killed with
# SIGKILL or SIGABRT is replaced and requests keep succeeding; SIGHUP
# reloads the model with a rolling restart without failing a request;
# a bad model file on SIGHUP keeps the old model serving; SIGTERM lets the
# request in flight finish, exits 0 and leaves no worker behind.
# The tests run in file order and share one master (the last one stops it).

load lib
load supervise

WORKERS=3

setup_file() {
	stack_init "$LIGHTTPD"
	# The second model: the same export under another version, so its
	# X-Model header and data.model differ from the first one's.
	"$top_builddir/tagifai" import --export "$ARTIFACTS_DIR/export.json" \
		--args "$ARTIFACTS_DIR/args.json" \
		--performance "$ARTIFACTS_DIR/performance.json" \
		--name tagifai --version reloaded -o "$STACK_DIR/model2.tagifai" \
		> "$STACK_DIR/import2.log" 2>&1 || { cat "$STACK_DIR/import2.log" >&2; return 1; }
	sv_master "$WORKERS"
	sv_lighttpd
}

teardown_file() {
	stack_stop
}

# Replace the served model the way an operator must: write a new file and
# rename it over the old path (never rewrite the mapped file in place).
swap_model() {
	cp "$1" "$SV_MODEL.new"
	mv -f "$SV_MODEL.new" "$SV_MODEL"
}

@test "supervise: the master runs $WORKERS workers and lighttpd answers through them" {
	run sv_workers
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq "$WORKERS" ]
	run curl -s -D - -o /dev/null "$BASE/"
	[[ "$output" == *"HTTP/1.1 200"* ]]
	[[ "$output" == *"X-Model: tagifai/reference"* ]]
	grep -q "master: pid $SV_MASTER, $WORKERS workers" "$STACK_DIR/master.out"
}

kill_one_worker() {
	local sig=$1 old victim ms
	old=$(echo $(sv_workers))
	victim=${old%% *}
	sv_load_start "$sig" 4
	sleep 0.5
	kill "-$sig" "$victim"
	ms=$(sv_wait_new_pid "$old")
	echo "# new worker after ${ms} ms" >&3
	sv_wait_replaced "$WORKERS" "$victim" >/dev/null
	sleep 0.5
	sv_load_stop "$sig"
	echo "# $(sv_load_total "$sig") requests, $(sv_load_failures "$sig") failed" >&3
	# At most the request the victim was serving is lost.
	[ "$(sv_load_failures "$sig")" -le 1 ]
	[ "$(sv_load_total "$sig")" -gt 10 ]
	sv_wait_log "worker $victim \\(generation 1\\) killed by signal $2 .*respawning in [0-9]+ ms"
	run kill -0 "$victim"
	[ "$status" -ne 0 ]
}

@test "supervise: a worker killed with SIGKILL is replaced and requests keep succeeding" {
	kill_one_worker KILL 9
}

@test "supervise: a worker that aborts (SIGABRT) is replaced and requests keep succeeding" {
	kill_one_worker ABRT 6
}

@test "supervise: workers that keep dying young are respawned with a growing delay" {
	local i old newest delays prev d
	for ((i = 0; i < 4; i++)); do
		old=$(echo $(sv_workers))
		newest=${old##* }
		kill -KILL "$newest"
		sv_wait_replaced "$WORKERS" "$newest" >/dev/null
	done
	delays=$(grep -o 'respawning in [0-9]* ms' "$STACK_DIR/master.out" | tail -n 4 | awk '{print $3}')
	echo "# delays: $(echo $delays) ms" >&3
	prev=
	for d in $delays; do
		if [ -n "$prev" ] && [ "$prev" -gt 0 ]; then
			[ "$d" -eq $((prev * 2)) ] || [ "$d" -eq 5000 ]
		elif [ -n "$prev" ]; then
			[ "$d" -eq 100 ]
		fi
		prev=$d
	done
	[ "$prev" -ge 200 ]
}

@test "supervise: SIGHUP with a valid new model rolls the workers without a failed request" {
	local old new
	old=$(echo $(sv_workers))
	[ "$(sv_x_model)" = tagifai/reference ]
	sv_load_start hup 4
	sleep 0.5
	swap_model "$STACK_DIR/model2.tagifai"
	kill -HUP "$SV_MASTER"
	new=$(sv_wait_replaced "$WORKERS" "$old")
	sleep 0.5
	sv_load_stop hup
	echo "# $(sv_load_total hup) requests, $(sv_load_failures hup) failed; workers $old -> $new" >&3
	[ "$(sv_load_failures hup)" -eq 0 ]
	[ "$(sv_load_total hup)" -gt 10 ]
	# Both models answered during the roll, the new one at the end.
	grep -qh ' tagifai/reference$' "$STACK_DIR"/load.hup.[0-9]*
	grep -qh ' tagifai/reloaded$' "$STACK_DIR"/load.hup.[0-9]*
	sv_wait_log "reload: rolling restart with: model tagifai version reloaded"
	grep -q "retiring worker ${old%% *} (generation 1)" "$STACK_DIR/master.out"
}

@test "supervise: after a reload GET / and /predict name the new model" {
	local i
	for ((i = 0; i < 6; i++)); do
		[ "$(sv_x_model)" = tagifai/reloaded ]
	done
	run curl -s -X POST -H 'Content-Type: application/json' -d "$SV_TEXT" "$BASE/predict"
	[ "$status" -eq 0 ]
	echo "$output" | "$PYTHON3" -c '
import json, sys
m = json.load(sys.stdin)["data"]["model"]
assert m["name"] == "tagifai" and m["version"] == "reloaded", m
assert len(m["checksum"]) > 0, m'
}

# Make the served model bad in one of three ways, send SIGHUP and check
# that the reason is logged and the same workers keep serving the old model.
bad_reload() {
	local how=$1 reason=$2 before after n i
	before=$(echo $(sv_workers))
	n=$(grep -c 'reload failed' "$STACK_DIR/master.out" || true)
	case $how in
	corrupt) head -c 1000 "$STACK_DIR/model2.tagifai" > "$SV_MODEL.new" && mv -f "$SV_MODEL.new" "$SV_MODEL" ;;
	missing) rm -f "$SV_MODEL" ;;
	version) cp "$STACK_DIR/model2.tagifai" "$SV_MODEL.new" &&
		 printf '\377' | dd of="$SV_MODEL.new" bs=1 seek=8 conv=notrunc status=none &&
		 mv -f "$SV_MODEL.new" "$SV_MODEL" ;;
	esac
	kill -HUP "$SV_MASTER"
	for ((i = 0; i < 100; i++)); do
		[ "$(grep -c 'reload failed' "$STACK_DIR/master.out")" -gt "$n" ] && break
		sleep 0.1
	done
	grep 'reload failed' "$STACK_DIR/master.out" | tail -n 1 | grep -Eq "$reason"
	grep -q 'still serving: model tagifai version reloaded' "$STACK_DIR/master.out"
	sleep 0.3
	after=$(echo $(sv_workers))
	[ "$before" = "$after" ]
	for ((i = 0; i < 4; i++)); do
		run curl -s -o /dev/null -w '%{http_code} %header{x-model}' -X POST \
			-H 'Content-Type: application/json' -d "$SV_TEXT" "$BASE/predict"
		[ "$output" = "200 tagifai/reloaded" ]
	done
}

@test "supervise: SIGHUP with a corrupt model file keeps the old model serving and logs why" {
	bad_reload corrupt 'corrupt'
}

@test "supervise: SIGHUP with the model file missing keeps the old model serving and logs why" {
	bad_reload missing 'No such file|cannot open|missing'
}

@test "supervise: SIGHUP with an unknown format version keeps the old model serving and logs why" {
	bad_reload version 'version'
}

@test "supervise: SIGTERM lets the request in flight finish, exits 0 and leaves no worker" {
	local workers i
	swap_model "$STACK_DIR/model2.tagifai"
	workers=$(echo $(sv_workers))
	[ -n "$workers" ]
	# A request held half-sent on the FastCGI socket itself ...
	"$PYTHON3" "$top_srcdir/tests/api/fcgi_inflight.py" "$SV_SOCK" \
		--ready "$STACK_DIR/inflight.ready" --go "$STACK_DIR/inflight.go" \
		> "$STACK_DIR/inflight.out" 2> "$STACK_DIR/inflight.err" 3>&- &
	local client=$!
	for ((i = 0; i < 100; i++)); do
		[ -s "$STACK_DIR/inflight.ready" ] && break
		sleep 0.05
	done
	[ -s "$STACK_DIR/inflight.ready" ]
	# ... and curl load through lighttpd while the master is told to stop.
	sv_load_start term 4
	sleep 1
	kill -TERM "$SV_MASTER"
	sleep 1
	touch "$STACK_DIR/inflight.go"
	wait "$client"
	sed "s/^/# /" "$STACK_DIR/inflight.out" >&3 || true
	grep -q '^Status: 200' "$STACK_DIR/inflight.out"
	grep -q '"version":"reloaded"' "$STACK_DIR/inflight.out"
	for ((i = 0; i < 100; i++)); do
		[ -s "$STACK_DIR/master.status" ] && break
		sleep 0.1
	done
	sv_load_stop term
	[ "$(cat "$STACK_DIR/master.status")" = 0 ]
	grep -q 'master: all workers stopped; exiting' "$STACK_DIR/master.out"
	# Every answer the load got was complete: the application's 200 (it
	# carries X-Model), or, once the master had removed the socket, the
	# 503 lighttpd gives for a refused connect (no X-Model).  Never a 500:
	# the connections already queued were served before the workers left
	# (the drain); never an error from the application, never a failed
	# transfer.
	run grep -hv -e '^200 tagifai/' -e '^503 $' "$STACK_DIR"/load.term.[0-9]*
	[ "$status" -eq 1 ]
	grep -q 'stopped by signal' "$STACK_DIR/master.out"
	grep -qh '^200 ' "$STACK_DIR"/load.term.[0-9]*
	for i in $workers; do
		run kill -0 "$i"
		[ "$status" -ne 0 ]
	done
}

@test "supervise: a master killed with SIGKILL leaves no worker behind" {
	local workers i w alive
	sv_master 2
	workers=$(echo $(sv_workers))
	[ "$(echo $workers | wc -w)" -eq 2 ]
	kill -KILL "$SV_MASTER"
	# The workers get SIGTERM from the kernel (PR_SET_PDEATHSIG); they are
	# not our children, so poll /proc (bounded: 5 s).
	for ((i = 0; i < 50; i++)); do
		alive=
		for w in $workers; do
			[ -e "/proc/$w" ] && [ "$(pid_state "$w")" != Z ] && alive="$alive $w"
		done
		[ -z "$alive" ] && break
		sleep 0.1
	done
	[ -z "$alive" ]
}
