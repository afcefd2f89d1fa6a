#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# tests/api/apache_proxy.bats - the TagIfAI contract through Apache 2.4
# (event MPM) + mod_proxy_fcgi, using the shipped
# www/conf/apache-proxy-fcgi.conf: spawn-fcgi starts 2 tagifai-fcgi processes
# on a unix socket, Apache forwards / and /api/ to it.  teardown_file stops
# Apache and the recorded children by pid.

load lib
load contract

setup_file() {
	stack_init "$APACHE2" "$SPAWN_FCGI"
	local port
	port=$(pick_port)
	stack_up_apache_proxy "$port"
	export BASE=http://127.0.0.1:$port
	export API=$BASE/api
}

teardown_file() {
	stack_stop
}

@test "apache proxy_fcgi: the shipped config passes apache2 -t" {
	"$(tool_path "$APACHE2")" -t -f "$STACK_DIR/apache2.conf" -d "$STACK_DIR/run"
}

@test "apache proxy_fcgi: the Authorization header reaches the application (CGIPassAuth On)" {
	auth_reaches "$BASE" "$STACK_DIR/registry"
	auth_reaches "$BASE/api" "$STACK_DIR/registry"
}

@test "apache proxy_fcgi: errors Apache answers itself are JSON, with the one body limit" {
	[ "$(awk '$1 == "LimitRequestBody" { print $2; exit }' "$STACK_DIR/apache-proxy-fcgi.conf")" = "$TEST_MAX_BODY" ]
	NUL_PATH_STATUS=404 contract_front_door_errors "$BASE"
}

@test "apache proxy_fcgi: the error pages are not reachable as URLs" {
	http GET "$BASE/__tagifai_errors/400.json"
	expect_error 403
}

@test "apache proxy_fcgi /: GET / answers the envelope with empty data" {
	contract_root "$BASE"
}

@test "apache proxy_fcgi /: url field is scheme://host:port/path?query" {
	contract_url_query "$BASE"
}

@test "apache proxy_fcgi /: GET /performance?filter=overall" {
	contract_performance_overall "$BASE"
}

@test "apache proxy_fcgi /: GET /performance?filter=class" {
	contract_performance_class "$BASE"
}

@test "apache proxy_fcgi /: GET /performance without or with unknown filter is whole" {
	contract_performance_whole "$BASE"
}

@test "apache proxy_fcgi /: GET /args equals the reference args" {
	contract_args "$BASE"
}

@test "apache proxy_fcgi /: GET /args/threshold and /args/subset" {
	contract_args_threshold "$BASE"
}

@test "apache proxy_fcgi /: GET /args/nope is a JSON 404" {
	contract_args_unknown "$BASE"
}

@test "apache proxy_fcgi /: unknown path is 404 Not Found" {
	contract_not_found "$BASE"
}

@test "apache proxy_fcgi /: wrong method is 405 with Allow" {
	contract_method_not_allowed "$BASE"
}

@test "apache proxy_fcgi /: HEAD has headers and no body" {
	contract_head "$BASE"
}

@test "apache proxy_fcgi /: POST /predict one text, reference tag" {
	contract_predict_one "$BASE"
}

@test "apache proxy_fcgi /: POST /predict all 191 holdout texts match the reference" {
	contract_predict_holdout "$BASE"
}

@test "apache proxy_fcgi /: POST /predict with charset parameter and UTF-8 text" {
	contract_predict_charset "$BASE"
}

@test "apache proxy_fcgi /: POST /predict with a chunked body (no Content-Length)" {
	contract_predict_chunked "$BASE"
}

@test "apache proxy_fcgi /: 422 empty texts list" {
	contract_422_empty_list "$BASE"
}

@test "apache proxy_fcgi /: 422 empty text" {
	contract_422_empty_text "$BASE"
}

@test "apache proxy_fcgi /: 422 missing text" {
	contract_422_missing_text "$BASE"
}

@test "apache proxy_fcgi /: 422 missing texts" {
	contract_422_missing_texts "$BASE"
}

@test "apache proxy_fcgi /: 422 invalid JSON" {
	contract_422_invalid_json "$BASE"
}

@test "apache proxy_fcgi /: 413 body over --max-body" {
	contract_413 "$BASE"
}

@test "apache proxy_fcgi /: 415 non-JSON content type" {
	contract_415 "$BASE"
}

@test "apache proxy_fcgi /: GET /openapi.json" {
	contract_openapi "$BASE"
}

@test "apache proxy_fcgi /: /docs /redoc /demo and their static assets" {
	contract_pages "$BASE"
}

@test "apache proxy_fcgi /: check_api.py passes except the deliberate /args/nope" {
	contract_check_api "$BASE"
}

@test "apache proxy_fcgi /api: GET / answers the envelope with empty data" {
	contract_root "$API"
}

@test "apache proxy_fcgi /api: url field is scheme://host:port/path?query" {
	contract_url_query "$API"
}

@test "apache proxy_fcgi /api: GET /performance?filter=overall" {
	contract_performance_overall "$API"
}

@test "apache proxy_fcgi /api: GET /performance?filter=class" {
	contract_performance_class "$API"
}

@test "apache proxy_fcgi /api: GET /performance without or with unknown filter is whole" {
	contract_performance_whole "$API"
}

@test "apache proxy_fcgi /api: GET /args equals the reference args" {
	contract_args "$API"
}

@test "apache proxy_fcgi /api: GET /args/threshold and /args/subset" {
	contract_args_threshold "$API"
}

@test "apache proxy_fcgi /api: GET /args/nope is a JSON 404" {
	contract_args_unknown "$API"
}

@test "apache proxy_fcgi /api: unknown path is 404 Not Found" {
	contract_not_found "$API"
}

@test "apache proxy_fcgi /api: wrong method is 405 with Allow" {
	contract_method_not_allowed "$API"
}

@test "apache proxy_fcgi /api: HEAD has headers and no body" {
	contract_head "$API"
}

@test "apache proxy_fcgi /api: POST /predict one text, reference tag" {
	contract_predict_one "$API"
}

@test "apache proxy_fcgi /api: POST /predict all 191 holdout texts match the reference" {
	contract_predict_holdout "$API"
}

@test "apache proxy_fcgi /api: POST /predict with charset parameter and UTF-8 text" {
	contract_predict_charset "$API"
}

@test "apache proxy_fcgi /api: POST /predict with a chunked body (no Content-Length)" {
	contract_predict_chunked "$API"
}

@test "apache proxy_fcgi /api: 422 empty texts list" {
	contract_422_empty_list "$API"
}

@test "apache proxy_fcgi /api: 422 empty text" {
	contract_422_empty_text "$API"
}

@test "apache proxy_fcgi /api: 422 missing text" {
	contract_422_missing_text "$API"
}

@test "apache proxy_fcgi /api: 422 missing texts" {
	contract_422_missing_texts "$API"
}

@test "apache proxy_fcgi /api: 422 invalid JSON" {
	contract_422_invalid_json "$API"
}

@test "apache proxy_fcgi /api: 413 body over --max-body" {
	contract_413 "$API"
}

@test "apache proxy_fcgi /api: 415 non-JSON content type" {
	contract_415 "$API"
}

@test "apache proxy_fcgi /api: GET /openapi.json" {
	contract_openapi "$API"
}

@test "apache proxy_fcgi /api: /docs /redoc /demo and their static assets" {
	contract_pages "$API"
}

@test "apache proxy_fcgi /api: check_api.py passes except the deliberate /args/nope" {
	contract_check_api "$API"
}

@test "apache proxy_fcgi: teardown leaves no process behind" {
	stack_stop
	stack_gone
}
