#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# tests/api/lighttpd.bats - the TagIfAI contract through lighttpd +
# mod_fastcgi, using the shipped www/conf/lighttpd.conf: lighttpd spawns the
# tagifai-fcgi processes itself ("bin-path"), mounted at / and at /api.
# lighttpd runs in the foreground (-D) in its own session; teardown_file
# stops it by its recorded pid (its FastCGI children with it).

load lib
load contract

setup_file() {
	stack_init "$LIGHTTPD"
	local port lighttpd
	port=$(pick_port)
	lighttpd=$(tool_path "$LIGHTTPD")
	CONF_PORT=$port CONF_RUNDIR=$(stack_rundir run) CONF_SBINDIR=$(stack_sbindir) \
	CONF_MODEL=$(stack_model) CONF_WWWDIR=$TEST_WWW \
		render_conf "$top_srcdir/www/conf/lighttpd.conf" "$STACK_DIR/lighttpd.conf"
	"$lighttpd" -tt -f "$STACK_DIR/lighttpd.conf"
	stack_launch lighttpd "$lighttpd" -D -f "$STACK_DIR/lighttpd.conf"
	wait_ready "http://127.0.0.1:$port/"
	export BASE=http://127.0.0.1:$port
	export API=$BASE/api
}

teardown_file() {
	stack_stop
}

@test "lighttpd: the shipped config passes lighttpd -tt" {
	"$(tool_path "$LIGHTTPD")" -tt -f "$STACK_DIR/lighttpd.conf"
}

@test "lighttpd: the Authorization header reaches the application" {
	auth_reaches "$BASE" "$STACK_DIR/registry"
	auth_reaches "$BASE/api" "$STACK_DIR/registry"
}

@test "lighttpd: errors the web server answers itself are JSON, with the one body limit" {
	grep -qx "server.max-request-size = $((TEST_MAX_BODY / 1024))" "$STACK_DIR/lighttpd.conf"
	contract_front_door_errors "$BASE"
}

@test "lighttpd /: GET / answers the envelope with empty data" {
	contract_root "$BASE"
}

@test "lighttpd /: url field is scheme://host:port/path?query" {
	contract_url_query "$BASE"
}

@test "lighttpd /: GET /performance?filter=overall" {
	contract_performance_overall "$BASE"
}

@test "lighttpd /: GET /performance?filter=class" {
	contract_performance_class "$BASE"
}

@test "lighttpd /: GET /performance without or with unknown filter is whole" {
	contract_performance_whole "$BASE"
}

@test "lighttpd /: GET /args equals the reference args" {
	contract_args "$BASE"
}

@test "lighttpd /: GET /args/threshold and /args/subset" {
	contract_args_threshold "$BASE"
}

@test "lighttpd /: GET /args/nope is a JSON 404" {
	contract_args_unknown "$BASE"
}

@test "lighttpd /: unknown path is 404 Not Found" {
	contract_not_found "$BASE"
}

@test "lighttpd /: wrong method is 405 with Allow" {
	contract_method_not_allowed "$BASE"
}

@test "lighttpd /: HEAD has headers and no body" {
	contract_head "$BASE"
}

@test "lighttpd /: POST /predict one text, reference tag" {
	contract_predict_one "$BASE"
}

@test "lighttpd /: POST /predict all 191 holdout texts match the reference" {
	contract_predict_holdout "$BASE"
}

@test "lighttpd /: POST /predict with charset parameter and UTF-8 text" {
	contract_predict_charset "$BASE"
}

@test "lighttpd /: POST /predict with a chunked body (no Content-Length)" {
	contract_predict_chunked "$BASE"
}

@test "lighttpd /: 422 empty texts list" {
	contract_422_empty_list "$BASE"
}

@test "lighttpd /: 422 empty text" {
	contract_422_empty_text "$BASE"
}

@test "lighttpd /: 422 missing text" {
	contract_422_missing_text "$BASE"
}

@test "lighttpd /: 422 missing texts" {
	contract_422_missing_texts "$BASE"
}

@test "lighttpd /: 422 invalid JSON" {
	contract_422_invalid_json "$BASE"
}

@test "lighttpd /: 413 body over --max-body" {
	contract_413 "$BASE"
}

@test "lighttpd /: 415 non-JSON content type" {
	contract_415 "$BASE"
}

@test "lighttpd /: GET /openapi.json" {
	contract_openapi "$BASE"
}

@test "lighttpd /: GET /metrics counts the requests of every process exactly (--metrics-dir)" {
	contract_metrics "$BASE" 30 4
}

@test "lighttpd /api: GET /metrics under the mount, with the same counters" {
	contract_metrics "$API" 10 4
}

@test "lighttpd: GET /health/live and /health/ready at / and /api" {
	contract_health "$BASE" && contract_health "$API"
}

@test "lighttpd /: /docs /redoc /demo and their static assets" {
	contract_pages "$BASE"
}

@test "lighttpd /: check_api.py passes except the deliberate /args/nope" {
	contract_check_api "$BASE"
}

@test "lighttpd /api: GET / answers the envelope with empty data" {
	contract_root "$API"
}

@test "lighttpd /api: url field is scheme://host:port/path?query" {
	contract_url_query "$API"
}

@test "lighttpd /api: GET /performance?filter=overall" {
	contract_performance_overall "$API"
}

@test "lighttpd /api: GET /performance?filter=class" {
	contract_performance_class "$API"
}

@test "lighttpd /api: GET /performance without or with unknown filter is whole" {
	contract_performance_whole "$API"
}

@test "lighttpd /api: GET /args equals the reference args" {
	contract_args "$API"
}

@test "lighttpd /api: GET /args/threshold and /args/subset" {
	contract_args_threshold "$API"
}

@test "lighttpd /api: GET /args/nope is a JSON 404" {
	contract_args_unknown "$API"
}

@test "lighttpd /api: unknown path is 404 Not Found" {
	contract_not_found "$API"
}

@test "lighttpd /api: wrong method is 405 with Allow" {
	contract_method_not_allowed "$API"
}

@test "lighttpd /api: HEAD has headers and no body" {
	contract_head "$API"
}

@test "lighttpd /api: POST /predict one text, reference tag" {
	contract_predict_one "$API"
}

@test "lighttpd /api: POST /predict all 191 holdout texts match the reference" {
	contract_predict_holdout "$API"
}

@test "lighttpd /api: POST /predict with charset parameter and UTF-8 text" {
	contract_predict_charset "$API"
}

@test "lighttpd /api: POST /predict with a chunked body (no Content-Length)" {
	contract_predict_chunked "$API"
}

@test "lighttpd /api: 422 empty texts list" {
	contract_422_empty_list "$API"
}

@test "lighttpd /api: 422 empty text" {
	contract_422_empty_text "$API"
}

@test "lighttpd /api: 422 missing text" {
	contract_422_missing_text "$API"
}

@test "lighttpd /api: 422 missing texts" {
	contract_422_missing_texts "$API"
}

@test "lighttpd /api: 422 invalid JSON" {
	contract_422_invalid_json "$API"
}

@test "lighttpd /api: 413 body over --max-body" {
	contract_413 "$API"
}

@test "lighttpd /api: 415 non-JSON content type" {
	contract_415 "$API"
}

@test "lighttpd /api: GET /openapi.json" {
	contract_openapi "$API"
}

@test "lighttpd /api: /docs /redoc /demo and their static assets" {
	contract_pages "$API"
}

@test "lighttpd /api: check_api.py passes except the deliberate /args/nope" {
	contract_check_api "$API"
}

# live (not zombie) children of the recorded lighttpd
live_children() {
	local lpid c n=0
	lpid=$(awk '$3 == "lighttpd" { print $1 }' "$STACK_DIR/pids")
	for c in $(descendants_of "$lpid"); do
		case $(pid_state "$c") in
		'' | Z) ;;
		*) n=$((n + 1)) ;;
		esac
	done
	echo "$n"
}

@test "lighttpd: a killed FastCGI process is replaced (bin-path)" {
	local lpid victim before i code
	lpid=$(awk '$3 == "lighttpd" { print $1 }' "$STACK_DIR/pids")
	before=$(live_children)
	[ "$before" -eq 4 ]    # 2 mounts x "max-procs" 2
	victim=$(descendants_of "$lpid" | head -n 1)
	[ -n "$victim" ]
	kill -KILL "$victim"
	# requests keep being answered (bounded: 100 tries) ...
	for ((i = 0; i < 100; i++)); do
		code=$(curl -s -o /dev/null -m 10 -w '%{http_code}' "$BASE/") || true
		[ "$code" = 200 ] && break
		sleep 0.1
	done
	[ "$code" = 200 ]
	for ((i = 0; i < 10; i++)); do
		curl -s -o /dev/null -m 10 "$BASE/args/threshold" || true
		curl -s -o /dev/null -m 10 "$API/args/threshold" || true
	done
	# ... and lighttpd starts a new process in its place (30 s at most)
	for ((i = 0; i < 300; i++)); do
		[ "$(live_children)" -eq "$before" ] && break
		sleep 0.1
	done
	[ "$(live_children)" -eq "$before" ]
	[ "$(pid_state "$victim")" = "" ] || [ "$(pid_state "$victim")" = Z ] ||
		! tr '\0' ' ' < "/proc/$victim/cmdline" | grep -q tagifai-fcgi
	http GET "$BASE/"
	expect_status 200
}

@test "lighttpd: teardown leaves no process behind" {
	stack_stop
	stack_gone
}
