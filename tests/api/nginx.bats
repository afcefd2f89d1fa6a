#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# tests/api/nginx.bats - the TagIfAI contract through nginx + spawn-fcgi,
# using the shipped www/conf/nginx.conf: spawn-fcgi starts 2 tagifai-fcgi
# processes on one unix socket (fd 0 of each is the listening socket),
# nginx (master in the foreground: -g 'daemon off;') passes / and /api/ to it.
# teardown_file stops nginx and the recorded spawn-fcgi children by pid.

load lib
load contract

setup_file() {
	stack_init "$NGINX" "$SPAWN_FCGI"
	local port nginx run model www
	port=$(pick_port)
	nginx=$(tool_path "$NGINX")
	run=$(stack_rundir run)
	mkdir -p "$run/tmp"
	[ "$(id -u)" != 0 ] || chown "$(stack_user):$(stack_group)" "$run/tmp"
	model=$(stack_model)
	www=$TEST_WWW
	CONF_PORT=$port CONF_RUNDIR=$run CONF_SBINDIR=$(stack_sbindir) \
	CONF_MODEL=$model CONF_WWWDIR=$www \
		render_conf "$top_srcdir/www/conf/nginx.conf" "$STACK_DIR/nginx.conf"
	stack_spawn_fcgi "$run/tagifai.sock" 2 "$STACK_DIR/sbin/tagifai-fcgi" \
		--model "$model" --www "$www" --max-body "$TEST_MAX_BODY" --metrics-dir "$run"
	"$nginx" -t -q -p "$run" -c "$STACK_DIR/nginx.conf" -e "$run/nginx-error.log"
	stack_launch nginx "$nginx" -p "$run" -c "$STACK_DIR/nginx.conf" \
		-e "$run/nginx-error.log" -g 'daemon off;'
	wait_ready "http://127.0.0.1:$port/"
	export BASE=http://127.0.0.1:$port
	export API=$BASE/api
}

teardown_file() {
	stack_stop
}

@test "nginx: the shipped config passes nginx -t" {
	"$(tool_path "$NGINX")" -t -q -p "$STACK_DIR/run" -c "$STACK_DIR/nginx.conf" \
		-e "$STACK_DIR/run/nginx-error.log"
}

@test "nginx: the shipped config does not enable fastcgi_keep_conn" {
	! grep -Eq '^[[:space:]]*fastcgi_keep_conn[[:space:]]+on' "$STACK_DIR/nginx.conf"
	grep -q 'client_max_body_size' "$STACK_DIR/nginx.conf"
	grep -q 'fastcgi_read_timeout' "$STACK_DIR/nginx.conf"
	grep -q 'client_body_timeout' "$STACK_DIR/nginx.conf"
}

@test "nginx: errors the web server answers itself are JSON, with the one body limit" {
	grep -qx "    client_max_body_size $TEST_MAX_BODY;" "$STACK_DIR/nginx.conf"
	contract_front_door_errors "$BASE"
}

@test "nginx /: GET / answers the envelope with empty data" {
	contract_root "$BASE"
}

@test "nginx /: url field is scheme://host:port/path?query" {
	contract_url_query "$BASE"
}

@test "nginx /: GET /performance?filter=overall" {
	contract_performance_overall "$BASE"
}

@test "nginx /: GET /performance?filter=class" {
	contract_performance_class "$BASE"
}

@test "nginx /: GET /performance without or with unknown filter is whole" {
	contract_performance_whole "$BASE"
}

@test "nginx /: GET /args equals the reference args" {
	contract_args "$BASE"
}

@test "nginx /: GET /args/threshold and /args/subset" {
	contract_args_threshold "$BASE"
}

@test "nginx /: GET /args/nope is a JSON 404" {
	contract_args_unknown "$BASE"
}

@test "nginx /: unknown path is 404 Not Found" {
	contract_not_found "$BASE"
}

@test "nginx /: wrong method is 405 with Allow" {
	contract_method_not_allowed "$BASE"
}

@test "nginx /: HEAD has headers and no body" {
	contract_head "$BASE"
}

@test "nginx /: POST /predict one text, reference tag" {
	contract_predict_one "$BASE"
}

@test "nginx /: POST /predict all 191 holdout texts match the reference" {
	contract_predict_holdout "$BASE"
}

@test "nginx /: POST /predict with charset parameter and UTF-8 text" {
	contract_predict_charset "$BASE"
}

@test "nginx /: POST /predict with a chunked body (no Content-Length)" {
	contract_predict_chunked "$BASE"
}

@test "nginx /: 422 empty texts list" {
	contract_422_empty_list "$BASE"
}

@test "nginx /: 422 empty text" {
	contract_422_empty_text "$BASE"
}

@test "nginx /: 422 missing text" {
	contract_422_missing_text "$BASE"
}

@test "nginx /: 422 missing texts" {
	contract_422_missing_texts "$BASE"
}

@test "nginx /: 422 invalid JSON" {
	contract_422_invalid_json "$BASE"
}

@test "nginx /: 413 body over --max-body" {
	contract_413 "$BASE"
}

@test "nginx /: 415 non-JSON content type" {
	contract_415 "$BASE"
}

@test "nginx /: GET /openapi.json" {
	contract_openapi "$BASE"
}

@test "nginx /: GET /metrics counts the requests of every process exactly (--metrics-dir)" {
	contract_metrics "$BASE" 30 2
}

@test "nginx /api: GET /metrics under the mount, with the same counters" {
	contract_metrics "$API" 10 2
}

@test "nginx: GET /health/live and /health/ready at / and /api" {
	contract_health "$BASE" && contract_health "$API"
}

@test "nginx /: /docs /redoc /demo and their static assets" {
	contract_pages "$BASE"
}

@test "nginx /: check_api.py passes except the deliberate /args/nope" {
	contract_check_api "$BASE"
}

@test "nginx /api: GET / answers the envelope with empty data" {
	contract_root "$API"
}

@test "nginx /api: url field is scheme://host:port/path?query" {
	contract_url_query "$API"
}

@test "nginx /api: GET /performance?filter=overall" {
	contract_performance_overall "$API"
}

@test "nginx /api: GET /performance?filter=class" {
	contract_performance_class "$API"
}

@test "nginx /api: GET /performance without or with unknown filter is whole" {
	contract_performance_whole "$API"
}

@test "nginx /api: GET /args equals the reference args" {
	contract_args "$API"
}

@test "nginx /api: GET /args/threshold and /args/subset" {
	contract_args_threshold "$API"
}

@test "nginx /api: GET /args/nope is a JSON 404" {
	contract_args_unknown "$API"
}

@test "nginx /api: unknown path is 404 Not Found" {
	contract_not_found "$API"
}

@test "nginx /api: wrong method is 405 with Allow" {
	contract_method_not_allowed "$API"
}

@test "nginx /api: HEAD has headers and no body" {
	contract_head "$API"
}

@test "nginx /api: POST /predict one text, reference tag" {
	contract_predict_one "$API"
}

@test "nginx /api: POST /predict all 191 holdout texts match the reference" {
	contract_predict_holdout "$API"
}

@test "nginx /api: POST /predict with charset parameter and UTF-8 text" {
	contract_predict_charset "$API"
}

@test "nginx /api: POST /predict with a chunked body (no Content-Length)" {
	contract_predict_chunked "$API"
}

@test "nginx /api: 422 empty texts list" {
	contract_422_empty_list "$API"
}

@test "nginx /api: 422 empty text" {
	contract_422_empty_text "$API"
}

@test "nginx /api: 422 missing text" {
	contract_422_missing_text "$API"
}

@test "nginx /api: 422 missing texts" {
	contract_422_missing_texts "$API"
}

@test "nginx /api: 422 invalid JSON" {
	contract_422_invalid_json "$API"
}

@test "nginx /api: 413 body over --max-body" {
	contract_413 "$API"
}

@test "nginx /api: 415 non-JSON content type" {
	contract_415 "$API"
}

@test "nginx /api: GET /openapi.json" {
	contract_openapi "$API"
}

@test "nginx /api: /docs /redoc /demo and their static assets" {
	contract_pages "$API"
}

@test "nginx /api: check_api.py passes except the deliberate /args/nope" {
	contract_check_api "$API"
}

@test "nginx: /api without a slash redirects to /api/" {
	http GET "$API"
	expect_status 301
	[[ "$(header Location)" == */api/ ]]
}

@test "nginx: both spawn-fcgi children still run" {
	local pid st role n=0
	while read -r pid st role; do
		[ "$role" = app ] && pid_matches "$pid" "$st" && n=$((n + 1))
	done < "$STACK_DIR/pids"
	[ "$n" = 2 ]
}

@test "nginx: with the application down, nginx's 502 is JSON" {
	local pid st role
	while read -r pid st role; do
		[ "$role" = app ] && pid_matches "$pid" "$st" && kill -TERM "$pid"
	done < "$STACK_DIR/pids"
	for ((i = 0; i < 50; i++)); do
		[ ! -S "$STACK_DIR/run/tagifai.sock" ] && break
		http GET "$BASE/" && [ "$STATUS" = 502 ] && break
		sleep 0.1
	done
	http GET "$BASE/"
	expect_error 502
	http POST "$BASE/predict" -H 'Content-Type: application/json' -d '{"texts":[{"text":"x"}]}'
	expect_error 502
}

@test "nginx: teardown leaves no process behind" {
	stack_stop
	stack_gone
}
