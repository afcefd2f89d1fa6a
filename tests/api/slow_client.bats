#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# tests/api/slow_client.bats - a client that sends part of a request body
# and stalls must not hold a worker.  Stack: `tagifai-fcgi --workers 1`
# (ONE worker, so a held worker would stall every other request) behind
# lighttpd in socket mode with server.max-read-idle = 2.  lighttpd buffers
# the whole request body before it talks to the FastCGI backend
# (server.stream-request-body = 0, its default), so the stalled request
# never reaches the worker, and the idle connection is closed after the
# read timeout.  doc/SUPERVISION.md lists the matching nginx and Apache
# settings.

load lib
load supervise

READ_IDLE=2

setup_file() {
	stack_init "$LIGHTTPD"
	sv_master 1 --access-log   # the log shows which requests reached it
	sv_lighttpd "server.max-read-idle = $READ_IDLE" \
		"server.stream-request-body = 0"
}

teardown_file() {
	stack_stop
}

@test "slow client: a stalled request body does not hold the only worker, and lighttpd closes it" {
	slow_client_check "$SV_TEXT"
	# The body never reached the application (lighttpd buffered it),
	# while the ten others did.
	run grep -c 'POST /predict 200 .* id=' "$STACK_DIR/master.out"
	[ "$output" -ge 10 ]
	run grep -c 'id=stalled-client-1' "$STACK_DIR/master.out"
	[ "$output" = 0 ]
	# And the worker that served the others is still the only one.
	[ "$(sv_workers | wc -l)" -eq 1 ]
}

@test "slow client: no worker died or failed while the client stalled" {
	run grep -E 'killed by signal|exited with status [1-9]' "$STACK_DIR/master.out"
	[ "$status" -eq 1 ]
}
