#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# tests/api/cgi_apache.bats - the TagIfAI contract with tagifai-fcgi as a
# plain CGI program (one process per request) under Apache 2.4 (prefork MPM)
# + mod_cgi, set up as on shared hosting: the binary is
# /cgi-bin/tagifai.cgi and the shipped www/conf/htaccess is the directory's
# .htaccess.  The mount prefix is the script itself: /cgi-bin/tagifai.cgi.

load lib
load contract

setup_file() {
	stack_init "$APACHE2"
	local port
	port=$(pick_port)
	stack_up_cgi "$port"
	export BASE=http://127.0.0.1:$port/cgi-bin/tagifai.cgi
}

teardown_file() {
	stack_stop
}

@test "cgi apache: the config passes apache2 -t" {
	"$(tool_path "$APACHE2")" -t -f "$STACK_DIR/apache2.conf" -d "$STACK_DIR/run"
}

@test "cgi apache: the Authorization header reaches the program (.htaccess CGIPassAuth On)" {
	auth_reaches "$BASE" "$STACK_DIR/registry"
}

@test "cgi apache: .htaccess serves nothing else from cgi-bin" {
	http GET "${BASE%/tagifai.cgi}/.htaccess"
	expect_error 403
}

@test "cgi apache: errors Apache answers in cgi-bin are JSON" {
	http GET "${BASE%/tagifai.cgi}/nope.cgi"
	expect_error 403
	expect_jq '.detail == "Forbidden"'
	# a body over the program's limit: its own JSON 413.  (A NUL in the
	# path and TRACE are answered before .htaccess is read: the host's.)
	contract_body_over_limit "$BASE"
	contract_bad_utf8_query "$BASE"
}

@test "cgi apache: GET / answers the envelope with empty data" {
	contract_root "$BASE"
}

@test "cgi apache: url field is scheme://host:port/path?query" {
	contract_url_query "$BASE"
}

@test "cgi apache: GET /performance?filter=overall" {
	contract_performance_overall "$BASE"
}

@test "cgi apache: GET /performance?filter=class" {
	contract_performance_class "$BASE"
}

@test "cgi apache: GET /performance without or with unknown filter is whole" {
	contract_performance_whole "$BASE"
}

@test "cgi apache: GET /args equals the reference args" {
	contract_args "$BASE"
}

@test "cgi apache: GET /args/threshold and /args/subset" {
	contract_args_threshold "$BASE"
}

@test "cgi apache: GET /args/nope is a JSON 404" {
	contract_args_unknown "$BASE"
}

@test "cgi apache: unknown path is 404 Not Found" {
	contract_not_found "$BASE"
}

@test "cgi apache: wrong method is 405 with Allow" {
	contract_method_not_allowed "$BASE"
}

@test "cgi apache: HEAD has headers and no body" {
	contract_head "$BASE"
}

@test "cgi apache: POST /predict one text, reference tag" {
	contract_predict_one "$BASE"
}

@test "cgi apache: POST /predict all 191 holdout texts match the reference" {
	contract_predict_holdout "$BASE"
}

@test "cgi apache: POST /predict with charset parameter and UTF-8 text" {
	contract_predict_charset "$BASE"
}

@test "cgi apache: POST /predict with a chunked body (no Content-Length)" {
	contract_predict_chunked "$BASE"
}

@test "cgi apache: 422 empty texts list" {
	contract_422_empty_list "$BASE"
}

@test "cgi apache: 422 empty text" {
	contract_422_empty_text "$BASE"
}

@test "cgi apache: 422 missing text" {
	contract_422_missing_text "$BASE"
}

@test "cgi apache: 422 missing texts" {
	contract_422_missing_texts "$BASE"
}

@test "cgi apache: 422 invalid JSON" {
	contract_422_invalid_json "$BASE"
}

@test "cgi apache: 413 body over --max-body" {
	contract_413 "$BASE"
}

@test "cgi apache: 415 non-JSON content type" {
	contract_415 "$BASE"
}

@test "cgi apache: GET /openapi.json" {
	contract_openapi "$BASE"
}

@test "cgi apache: /docs /redoc /demo and their static assets" {
	contract_pages "$BASE"
}

@test "cgi apache: check_api.py passes except the deliberate /args/nope" {
	contract_check_api "$BASE"
}

@test "cgi apache: teardown leaves no process behind" {
	stack_stop
	stack_gone
}
