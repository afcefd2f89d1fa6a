#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# tests/api/apache.bats - the TagIfAI contract through Apache 2.4 (event MPM)
# + mod_fcgid, using the shipped www/conf/apache-fcgid.conf: mod_fcgid starts
# tagifai-fcgi itself (from a copy of the binary in the test's directory),
# mounted at / and at /api.  Apache runs with -DFOREGROUND from a generated
# main config (own ServerRoot, PidFile, logs); teardown_file stops it by its
# recorded pid, and mod_fcgid's processes with it.

load lib
load contract

setup_file() {
	stack_init "$APACHE2"
	local port
	port=$(pick_port)
	stack_up_apache_fcgid "$port"
	export BASE=http://127.0.0.1:$port
	export API=$BASE/api
}

teardown_file() {
	stack_stop
}

@test "apache fcgid: the shipped config passes apache2 -t" {
	"$(tool_path "$APACHE2")" -t -f "$STACK_DIR/apache2.conf" -d "$STACK_DIR/run"
}

@test "apache fcgid: the Authorization header reaches the application (CGIPassAuth On)" {
	auth_reaches "$BASE" "$STACK_DIR/registry"
	auth_reaches "$API" "$STACK_DIR/registry"
}

@test "apache fcgid: LimitRequestBody is the one body limit, FcgidMaxRequestLen above it" {
	local len lim
	len=$(awk '$1 == "FcgidMaxRequestLen" { print $2 }' "$STACK_DIR/apache-fcgid.conf")
	lim=$(awk '$1 == "LimitRequestBody" { print $2; exit }' "$STACK_DIR/apache-fcgid.conf")
	[ "$lim" = "$TEST_MAX_BODY" ]
	[ "$len" -gt "$TEST_MAX_BODY" ]
	grep -qxF "RewriteCond expr \"%{HTTP:Content-Length} -gt $TEST_MAX_BODY\"" "$STACK_DIR/apache-fcgid.conf"
	grep -q '^FcgidIOTimeout' "$STACK_DIR/apache-fcgid.conf"
	# the upload of a model version has its own, larger limit
	grep -qxF "    LimitRequestBody $TEST_MAX_UPLOAD" "$STACK_DIR/apache-fcgid.conf"
	grep -qxF "RewriteCond expr \"%{HTTP:Content-Length} -gt $TEST_MAX_UPLOAD\"" "$STACK_DIR/apache-fcgid.conf"
}

@test "apache fcgid: errors Apache answers itself are JSON, with the one body limit" {
	NUL_PATH_STATUS=404 contract_front_door_errors "$BASE"
}

@test "apache fcgid: GET /metrics counts the requests of every process mod_fcgid starts" {
	grep -q '^FcgidInitialEnv TAGIFAI_METRICS_DIR ' "$STACK_DIR/apache-fcgid.conf"
	contract_metrics "$BASE" 30
	[ -s "$STACK_DIR/run/tagifai-metrics.shm" ]
}

@test "apache fcgid: the error pages are not reachable as URLs" {
	http GET "$BASE/__tagifai_errors/400.json"
	expect_error 403
}

@test "apache fcgid /: GET / answers the envelope with empty data" {
	contract_root "$BASE"
}

@test "apache fcgid /: url field is scheme://host:port/path?query" {
	contract_url_query "$BASE"
}

@test "apache fcgid /: GET /performance?filter=overall" {
	contract_performance_overall "$BASE"
}

@test "apache fcgid /: GET /performance?filter=class" {
	contract_performance_class "$BASE"
}

@test "apache fcgid /: GET /performance without or with unknown filter is whole" {
	contract_performance_whole "$BASE"
}

@test "apache fcgid /: GET /args equals the reference args" {
	contract_args "$BASE"
}

@test "apache fcgid /: GET /args/threshold and /args/subset" {
	contract_args_threshold "$BASE"
}

@test "apache fcgid /: GET /args/nope is a JSON 404" {
	contract_args_unknown "$BASE"
}

@test "apache fcgid /: unknown path is 404 Not Found" {
	contract_not_found "$BASE"
}

@test "apache fcgid /: wrong method is 405 with Allow" {
	contract_method_not_allowed "$BASE"
}

@test "apache fcgid /: HEAD has headers and no body" {
	contract_head "$BASE"
}

@test "apache fcgid /: POST /predict one text, reference tag" {
	contract_predict_one "$BASE"
}

@test "apache fcgid /: POST /predict all 191 holdout texts match the reference" {
	contract_predict_holdout "$BASE"
}

@test "apache fcgid /: POST /predict with charset parameter and UTF-8 text" {
	contract_predict_charset "$BASE"
}

@test "apache fcgid /: POST /predict with a chunked body (no Content-Length)" {
	contract_predict_chunked "$BASE"
}

@test "apache fcgid /: 422 empty texts list" {
	contract_422_empty_list "$BASE"
}

@test "apache fcgid /: 422 empty text" {
	contract_422_empty_text "$BASE"
}

@test "apache fcgid /: 422 missing text" {
	contract_422_missing_text "$BASE"
}

@test "apache fcgid /: 422 missing texts" {
	contract_422_missing_texts "$BASE"
}

@test "apache fcgid /: 422 invalid JSON" {
	contract_422_invalid_json "$BASE"
}

@test "apache fcgid /: 413 body over --max-body" {
	contract_413 "$BASE"
}

@test "apache fcgid /: 415 non-JSON content type" {
	contract_415 "$BASE"
}

@test "apache fcgid /: GET /openapi.json" {
	contract_openapi "$BASE"
}

@test "apache fcgid /: /docs /redoc /demo and their static assets" {
	contract_pages "$BASE"
}

@test "apache fcgid /: check_api.py passes except the deliberate /args/nope" {
	contract_check_api "$BASE"
}

@test "apache fcgid /api: GET / answers the envelope with empty data" {
	contract_root "$API"
}

@test "apache fcgid /api: url field is scheme://host:port/path?query" {
	contract_url_query "$API"
}

@test "apache fcgid /api: GET /performance?filter=overall" {
	contract_performance_overall "$API"
}

@test "apache fcgid /api: GET /performance?filter=class" {
	contract_performance_class "$API"
}

@test "apache fcgid /api: GET /performance without or with unknown filter is whole" {
	contract_performance_whole "$API"
}

@test "apache fcgid /api: GET /args equals the reference args" {
	contract_args "$API"
}

@test "apache fcgid /api: GET /args/threshold and /args/subset" {
	contract_args_threshold "$API"
}

@test "apache fcgid /api: GET /args/nope is a JSON 404" {
	contract_args_unknown "$API"
}

@test "apache fcgid /api: unknown path is 404 Not Found" {
	contract_not_found "$API"
}

@test "apache fcgid /api: wrong method is 405 with Allow" {
	contract_method_not_allowed "$API"
}

@test "apache fcgid /api: HEAD has headers and no body" {
	contract_head "$API"
}

@test "apache fcgid /api: POST /predict one text, reference tag" {
	contract_predict_one "$API"
}

@test "apache fcgid /api: POST /predict all 191 holdout texts match the reference" {
	contract_predict_holdout "$API"
}

@test "apache fcgid /api: POST /predict with charset parameter and UTF-8 text" {
	contract_predict_charset "$API"
}

@test "apache fcgid /api: POST /predict with a chunked body (no Content-Length)" {
	contract_predict_chunked "$API"
}

@test "apache fcgid /api: 422 empty texts list" {
	contract_422_empty_list "$API"
}

@test "apache fcgid /api: 422 empty text" {
	contract_422_empty_text "$API"
}

@test "apache fcgid /api: 422 missing text" {
	contract_422_missing_text "$API"
}

@test "apache fcgid /api: 422 missing texts" {
	contract_422_missing_texts "$API"
}

@test "apache fcgid /api: 422 invalid JSON" {
	contract_422_invalid_json "$API"
}

@test "apache fcgid /api: 413 body over --max-body" {
	contract_413 "$API"
}

@test "apache fcgid /api: 415 non-JSON content type" {
	contract_415 "$API"
}

@test "apache fcgid /api: GET /openapi.json" {
	contract_openapi "$API"
}

@test "apache fcgid /api: /docs /redoc /demo and their static assets" {
	contract_pages "$API"
}

@test "apache fcgid /api: check_api.py passes except the deliberate /args/nope" {
	contract_check_api "$API"
}

@test "apache fcgid: /apiary is not the /api mount" {
	http GET "$BASE/apiary"
	expect_error 404
}

# pids of the running tagifai-fcgi processes mod_fcgid started
app_procs() {
	local apid c
	apid=$(awk '$3 == "apache2" { print $1 }' "$STACK_DIR/pids")
	for c in $(descendants_of "$apid"); do
		case $(pid_state "$c") in
		'' | Z) continue ;;
		esac
		tr '\0' ' ' < "/proc/$c/cmdline" 2>/dev/null | grep -q tagifai-fcgi && echo "$c"
	done
	return 0
}

@test "apache fcgid: a killed tagifai-fcgi process is replaced and requests keep succeeding" {
	local victim i code ok=0 late_failures=0 t0 t1 after
	victim=$(app_procs | head -n 1)
	[ -n "$victim" ]
	t0=$(date +%s%N)
	kill -KILL "$victim"
	# every request after the kill is answered (mod_fcgid uses a live
	# process or starts one on demand), but for the first: sent at once,
	# it may still be handed to the dead process before mod_fcgid's
	# process manager has noticed, and mod_fcgid then answers 500 (seen
	# about once in 15 runs under load).  Bounded: 50 requests.
	for ((i = 0; i < 50; i++)); do
		code=$(curl -s -o /dev/null -m 20 -w '%{http_code}' -X POST \
			-H 'Content-Type: application/json' \
			-d '{"texts":[{"text":"Transfer learning with BERT"}]}' "$BASE/predict") || true
		if [ "$code" = 200 ]; then
			ok=$((ok + 1))
		else
			echo "# request $i after the kill: $code" >&3
			[ "$i" = 0 ] || late_failures=$((late_failures + 1))
		fi
	done
	# a process other than the victim serves (30 s at most)
	for ((i = 0; i < 300; i++)); do
		after=$(app_procs | grep -vx "$victim" | head -n 1)
		[ -n "$after" ] && break
		sleep 0.1
	done
	t1=$(date +%s%N)
	echo "# $ok of 50 answered after kill -9 of $victim; serving: $(app_procs | tr '\n' ' ')(checked after $(( (t1 - t0) / 1000000 )) ms)" >&3
	[ "$late_failures" -eq 0 ]
	[ "$ok" -ge 49 ]
	[ -n "$after" ]
	[ "$(pid_state "$victim")" = "" ] || [ "$(pid_state "$victim")" = Z ]
}

@test "apache fcgid: teardown leaves no process behind" {
	stack_stop
	stack_gone
}
