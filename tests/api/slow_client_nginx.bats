#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# tests/api/slow_client_nginx.bats - a client that sends part of a request
# body and stalls must not hold a worker, through nginx.  Stack: the shipped
# www/conf/nginx.conf with client_body_timeout shortened to 2 s, in front
# of ONE tagifai-fcgi process under spawn-fcgi (a held process would stall
# every other request).  nginx reads the whole body before it talks to the
# FastCGI backend (fastcgi_request_buffering on, its default), so the
# stalled request never reaches the application, and nginx ends it with
# 408 and closes the connection when client_body_timeout runs out.

load lib

BODY_TIMEOUT=2

setup_file() {
	stack_init "$NGINX" "$SPAWN_FCGI"
	local port nginx run model
	port=$(pick_port)
	nginx=$(tool_path "$NGINX")
	run=$(stack_rundir run)
	mkdir -p "$run/tmp"
	[ "$(id -u)" != 0 ] || chown "$(stack_user):$(stack_group)" "$run/tmp"
	model=$(stack_model)
	CONF_PORT=$port CONF_RUNDIR=$run CONF_SBINDIR=$(stack_sbindir) \
	CONF_MODEL=$model CONF_WWWDIR=$TEST_WWW \
		render_conf "$top_srcdir/www/conf/nginx.conf" "$STACK_DIR/nginx.conf"
	sed -i "s/client_body_timeout [0-9]*s;/client_body_timeout ${BODY_TIMEOUT}s;/" \
		"$STACK_DIR/nginx.conf"
	grep -q "client_body_timeout ${BODY_TIMEOUT}s;" "$STACK_DIR/nginx.conf"
	stack_spawn_fcgi "$run/tagifai.sock" 1 "$STACK_DIR/sbin/tagifai-fcgi" \
		--model "$model" --www "$TEST_WWW" --max-body "$TEST_MAX_BODY"
	stack_launch nginx "$nginx" -p "$run" -c "$STACK_DIR/nginx.conf" \
		-e "$run/nginx-error.log" -g 'daemon off;'
	wait_ready "http://127.0.0.1:$port/"
	export BASE=http://127.0.0.1:$port
}

teardown_file() {
	stack_stop
}

@test "slow client (nginx): a stalled body does not hold the only process, and nginx closes it" {
	slow_client_check '{"texts":[{"text":"Transfer learning with BERT"}]}'
}

@test "slow client (nginx): nginx itself ended the stalled request with 408" {
	# 408 is nginx's own answer for a body that stopped coming; the
	# other ten requests were passed on and answered 200
	grep -q '"POST /predict HTTP/1.1" 408 ' "$(stack_rundir run)/nginx-access.log"
	[ "$(grep -c '"POST /predict HTTP/1.1" 200 ' "$(stack_rundir run)/nginx-access.log")" -ge 10 ]
}

@test "slow client (nginx): teardown leaves no process behind" {
	stack_stop
	stack_gone
}
