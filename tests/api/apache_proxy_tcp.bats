#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# tests/api/apache_proxy_tcp.bats - the TCP variant documented in
# www/conf/apache-proxy-fcgi.conf: tagifai-fcgi opens its own socket
# (--listen 127.0.0.1:PORT, one process, no spawn-fcgi) and Apache
# mod_proxy_fcgi forwards to "fcgi://127.0.0.1:PORT/" instead of the unix
# socket.  The config under test is the shipped file with exactly that
# substitution.  teardown_file stops Apache and the server by recorded pid.

load lib
load contract

setup_file() {
	stack_init "$APACHE2"
	local port app_port run model
	port=$(pick_port)
	app_port=$(pick_port)
	run=$(stack_rundir run)
	model=$(stack_model)
	CONF_PORT=$port CONF_RUNDIR=$run CONF_SBINDIR=$(stack_sbindir) \
	CONF_MODEL=$model CONF_WWWDIR=$TEST_WWW \
		render_conf "$top_srcdir/www/conf/apache-proxy-fcgi.conf" "$STACK_DIR/unix.conf"
	sed "s#\"unix:$run/tagifai.sock|fcgi://localhost/#\"fcgi://127.0.0.1:$app_port/#" \
		"$STACK_DIR/unix.conf" > "$STACK_DIR/apache-proxy-fcgi-tcp.conf"
	# the substitution must have hit both mounts
	[ "$(grep -c "fcgi://127.0.0.1:$app_port/" "$STACK_DIR/apache-proxy-fcgi-tcp.conf")" = 2 ]
	stack_launch app "$STACK_DIR/sbin/tagifai-fcgi" --listen "127.0.0.1:$app_port" \
		--model "$model" --www "$TEST_WWW" --max-body "$TEST_MAX_BODY"
	apache_main_conf "$STACK_DIR/apache2.conf" "$port" "$run" event \
		"$STACK_DIR/apache-proxy-fcgi-tcp.conf" proxy proxy_fcgi alias rewrite
	apache_start "$STACK_DIR/apache2.conf" "$run"
	wait_ready "http://127.0.0.1:$port/"
	export BASE=http://127.0.0.1:$port
	export API=$BASE/api
	export APP_PORT=$app_port
}

teardown_file() {
	stack_stop
}

@test "apache proxy_fcgi tcp: tagifai-fcgi listens on loopback only" {
	ss -Htln "sport = :$APP_PORT" | grep -q "127.0.0.1:$APP_PORT"
}

@test "apache proxy_fcgi tcp /: GET / answers the envelope with empty data" {
	contract_root "$BASE"
}

@test "apache proxy_fcgi tcp /: url field is scheme://host:port/path?query" {
	contract_url_query "$BASE"
}

@test "apache proxy_fcgi tcp /: unknown path is 404 Not Found" {
	contract_not_found "$BASE"
}

@test "apache proxy_fcgi tcp /: wrong method is 405 with Allow" {
	contract_method_not_allowed "$BASE"
}

@test "apache proxy_fcgi tcp /: POST /predict all 191 holdout texts match the reference" {
	contract_predict_holdout "$BASE"
}

@test "apache proxy_fcgi tcp /: 413 body over --max-body" {
	contract_413 "$BASE"
}

@test "apache proxy_fcgi tcp /: /docs /redoc /demo and their static assets" {
	contract_pages "$BASE"
}

@test "apache proxy_fcgi tcp /: check_api.py passes except the deliberate /args/nope" {
	contract_check_api "$BASE"
}

@test "apache proxy_fcgi tcp /api: GET / answers the envelope with empty data" {
	contract_root "$API"
}

@test "apache proxy_fcgi tcp /api: url field is scheme://host:port/path?query" {
	contract_url_query "$API"
}

@test "apache proxy_fcgi tcp /api: POST /predict one text, reference tag" {
	contract_predict_one "$API"
}

@test "apache proxy_fcgi tcp /api: /docs /redoc /demo and their static assets" {
	contract_pages "$API"
}

@test "apache proxy_fcgi tcp /api: check_api.py passes except the deliberate /args/nope" {
	contract_check_api "$API"
}

@test "apache proxy_fcgi tcp /: POST /predict with a chunked body (no Content-Length)" {
	contract_predict_chunked "$BASE"
}

@test "apache proxy_fcgi tcp: SIGTERM stops tagifai-fcgi cleanly" {
	local pid st role i
	read -r pid st role < <(awk '$3 == "app"' "$STACK_DIR/pids")
	kill -TERM "$pid"
	for ((i = 0; i < 100; i++)); do
		pid_matches "$pid" "$st" || break
		sleep 0.1
	done
	! pid_matches "$pid" "$st"
	grep -q 'stopped by signal' "$STACK_DIR/app.out"
}

@test "apache proxy_fcgi tcp: with the application down, Apache's 503 is JSON" {
	http GET "$BASE/"
	expect_error 503
	http POST "$BASE/predict" -H 'Content-Type: application/json' -d '{"texts":[{"text":"x"}]}'
	expect_error 503
}

@test "apache proxy_fcgi tcp: teardown leaves no process behind" {
	stack_stop
	stack_gone
}
