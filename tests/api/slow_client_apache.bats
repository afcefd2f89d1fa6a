#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# tests/api/slow_client_apache.bats - a client that sends part of a request
# body and stalls must not hold a worker, through Apache + mod_fcgid.
# Stack: the shipped www/conf/apache-fcgid.conf with one tagifai-fcgi
# process at most, and mod_reqtimeout's "RequestReadTimeout body=2"
# (doc/SUPERVISION.md).  mod_fcgid reads the whole request body before it
# hands the request to a process, so the stalled request never reaches the
# application; when the body stops coming, mod_fcgid gives up reading it
# (and answers 500 itself: its way of reporting a client read error).

load lib

BODY_TIMEOUT=2

# The site config for this suite (its path is the last argument).
slow_site_edit() {
	local site=$1
	# one process, so a held process would stall every other request
	sed -i -e 's/^FcgidMaxProcessesPerClass .*/FcgidMaxProcessesPerClass 1/' "$site"
	printf 'RequestReadTimeout header=5 body=%s\n' "$BODY_TIMEOUT" >> "$site"
	# the application's access log shows which requests reached it
	printf 'FcgidInitialEnv TAGIFAI_ACCESS_LOG 1\n' >> "$site"
	printf 'LogFormat "%%r %%>s" slow\nCustomLog %s/access.log slow\n' \
		"$STACK_DIR/run" >> "$site"
}

setup_file() {
	stack_init "$APACHE2"
	local port
	port=$(pick_port)
	stack_up_apache_fcgid "$port" slow_site_edit
	export BASE=http://127.0.0.1:$port
}

teardown_file() {
	stack_stop
}

@test "slow client (apache): a stalled body does not hold the only process, and Apache closes it" {
	slow_client_check '{"texts":[{"text":"Transfer learning with BERT"}]}'
}

@test "slow client (apache): the stalled request never reached the application" {
	local err
	err=$(ls "$(stack_rundir run)"/*error*log)
	# the application (its log goes to Apache's error log) answered the
	# ten others ...
	[ "$(grep -c 'tagifai-fcgi: POST /predict 200' $err)" -ge 10 ]
	# ... never saw the stalled one: mod_fcgid gave up reading its body
	# when RequestReadTimeout ran out (mod_fcgid then answers 500 itself,
	# see doc/SUPERVISION.md)
	! grep -q 'stalled-client-1' $err
	grep -q "mod_fcgid: can't get data from http client" $err
}

@test "slow client (apache): teardown leaves no process behind" {
	stack_stop
	stack_gone
}
