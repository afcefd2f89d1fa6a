#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# tests/api/serve.bats - www/serve.sh, the script behind `make serve`: it
# serves the built tagifai-fcgi through lighttpd in the foreground on the
# port asked for, prints the URLs, and refuses a busy port.  The served model
# is the reference import (TAGIFAI_MODEL).  As root the run directory is
# /run/tagifai-fcgi/serve-PORT, where lighttpd's user (www-data) can read
# and write whatever the checkout may keep from it (removed in teardown_file).

load lib
load contract

setup_file() {
	stack_init "$LIGHTTPD"
	local port
	port=$(pick_port)
	export SERVE_PORT=$port
	if [ "$(id -u)" = 0 ]; then
		export SERVE_RUN=/run/tagifai-fcgi/serve-$port
	else
		export SERVE_RUN=$top_builddir/run/serve-$port
	fi
	export SERVE_MODEL
	SERVE_MODEL=$(stack_model)
	stack_launch serve env PORT="$port" TAGIFAI_MODEL="$SERVE_MODEL" \
		top_srcdir="$top_srcdir" top_builddir="$top_builddir" LIGHTTPD="$LIGHTTPD" \
		TAGIFAI_MAX_BODY="$TEST_MAX_BODY" \
		sh "$top_srcdir/www/serve.sh"
	wait_ready "http://127.0.0.1:$port/"
	export BASE=http://127.0.0.1:$port
}

teardown_file() {
	stack_stop
	rm -rf "$SERVE_RUN"
}

@test "serve: prints the URL and the /docs URL" {
	grep -qF "http://127.0.0.1:$SERVE_PORT/" "$STACK_DIR/serve.out"
	grep -qF "http://127.0.0.1:$SERVE_PORT/docs" "$STACK_DIR/serve.out"
}

@test "serve: a new registry gets an admin whose key is printed once and opens the management routes" {
	local key
	[ "$(grep -c 'API key (shown once' "$STACK_DIR/serve.out")" = 1 ]
	key=$(sed -n 's/^serve: *\(tgf_[0-9a-f_]*\)$/\1/p' "$STACK_DIR/serve.out")
	[[ "$key" =~ ^tgf_[0-9a-f]{16}_[0-9a-f]{64}$ ]]
	http GET "$BASE/models" && expect_error 401
	API_KEY=$key http GET "$BASE/models" && expect_status 200
	API_KEY=$key http GET "$BASE/users/me" && expect_jq '.data.user.name == "admin"'
	! grep -qF "${key:21}" "$SERVE_RUN/registry/registry.db"
}

@test "serve: runs in the foreground (the recorded pid is lighttpd -D)" {
	local pid
	pid=$(awk '$3 == "serve" { print $1 }' "$STACK_DIR/pids")
	tr '\0' ' ' < "/proc/$pid/cmdline" | grep -q -- ' -D -f '
	[ -f "$SERVE_RUN/lighttpd.conf" ]
}

@test "serve: GET / answers the envelope" {
	contract_root "$BASE"
}

@test "serve: POST /predict answers the reference tags" {
	contract_predict_holdout "$BASE"
}

@test "serve: /docs is served" {
	http GET "$BASE/docs"
	expect_status 200
}

@test "serve: errors lighttpd answers itself are JSON, with the one body limit" {
	contract_front_door_errors "$BASE"
}

@test "serve: as root, nothing the server's user opens is in the checkout" {
	[ "$(id -u)" = 0 ] || skip "needs root"
	local f
	grep -q '^server.username *= *"www-data"' "$SERVE_RUN/lighttpd.conf"
	# every path in the rendered config is under the run directory
	# (file paths: quoted absolute paths that are not a URL prefix "/x" =>)
	grep -v '^[[:space:]]*#' "$SERVE_RUN/lighttpd.conf" | grep -o '"/[^"]*"[[:space:]]*[^[:space:]]*' |
		grep -v '=>$' | cut -d'"' -f2 | sed 's/ .*//' > "$BATS_TEST_TMPDIR/paths"
	[ -s "$BATS_TEST_TMPDIR/paths" ]
	while read -r f; do
		[[ "$f" == "$SERVE_RUN" || "$f" == "$SERVE_RUN"/* ]] ||
			{ echo "outside the run directory: $f" >&2; return 1; }
	done < "$BATS_TEST_TMPDIR/paths"
	# and www-data can read the pages and the model copy
	setpriv --reuid=www-data --regid=www-data --clear-groups \
		test -r "$SERVE_RUN/www/docs.html" -a -r "$SERVE_RUN/errors/413.json"
}

@test "serve: a second serve on the same port says the port is busy" {
	run env PORT="$SERVE_PORT" TAGIFAI_MODEL="$SERVE_MODEL" top_srcdir="$top_srcdir" \
		top_builddir="$top_builddir" LIGHTTPD="$LIGHTTPD" sh "$top_srcdir/www/serve.sh"
	[ "$status" -ne 0 ]
	[[ "$output" == *"port $SERVE_PORT is busy"* ]]
	# and the first one still serves
	http GET "$BASE/"
	expect_status 200
}

@test "serve: a bad PORT is refused" {
	run env PORT=80x top_srcdir="$top_srcdir" top_builddir="$top_builddir" sh "$top_srcdir/www/serve.sh"
	[ "$status" -ne 0 ]
	[[ "$output" == *"PORT must be a number"* ]]
}

@test "serve: a missing model is reported" {
	local port
	port=$(pick_port)
	run env PORT="$port" TAGIFAI_MODEL="$STACK_DIR/nope.tagifai" top_srcdir="$top_srcdir" \
		top_builddir="$top_builddir" LIGHTTPD="$LIGHTTPD" sh "$top_srcdir/www/serve.sh"
	[ "$status" -ne 0 ]
	[[ "$output" == *"no model at $STACK_DIR/nope.tagifai"* ]]
}

@test "serve: Ctrl-C (SIGINT) stops it and its FastCGI processes" {
	local pid st role
	read -r pid st role < <(awk '$3 == "serve"' "$STACK_DIR/pids")
	descendants_of "$pid" > "$BATS_TEST_TMPDIR/children"
	[ -s "$BATS_TEST_TMPDIR/children" ]
	kill -INT "$pid"
	local i c alive
	for ((i = 0; i < 100; i++)); do
		alive=0
		pid_matches "$pid" "$st" && alive=1
		while read -r c; do
			[ "$(pid_state "$c")" = "" ] || [ "$(pid_state "$c")" = Z ] || alive=1
		done < "$BATS_TEST_TMPDIR/children"
		[ "$alive" = 0 ] && break
		sleep 0.1
	done
	[ "$alive" = 0 ]
}
