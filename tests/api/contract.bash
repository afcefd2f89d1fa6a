# SPDX-License-Identifier: MIT
# tests/api/contract.bash - the HTTP contract of the TagIfAI API, checked the
# same way against every stack (lighttpd, nginx + spawn-fcgi, Apache
# mod_fcgid / mod_proxy_fcgi, plain CGI).  Each contract_* function takes the
# base URL of a mount (http://127.0.0.1:PORT or http://127.0.0.1:PORT/api),
# returns 0 if the server keeps the contract, else prints what differs and
# returns 1.  The .bats files call one function per @test.
#
# The reference is the Python peer (SHARED_DIR/peers/fastapi): the envelope
# {message, method, status-code, timestamp, url, data} in that order, its
# /performance and /args, its 191 holdout tags, pydantic-1 422 details.
# Deliberate differences: /args/{unknown} is 404 (the peer answers 200 with
# ""), and 405 (with Allow), 413 and 415 are JSON errors.
# Needs: curl, jq, $PYTHON3 (Debian's /usr/bin/python3), lib.bash loaded.

ENVELOPE_KEYS='message,method,status-code,timestamp,url,data'
TAGS='["computer-vision","mlops","natural-language-processing","other"]'

# One request.  Sets STATUS, RESP_BODY and RESP_HEAD (files).
# Usage: http METHOD URL [CURL-ARGS...]
http() {
	local method=$1 url=$2
	shift 2
	RESP_BODY=$BATS_TEST_TMPDIR/resp.body
	RESP_HEAD=$BATS_TEST_TMPDIR/resp.head
	: > "$RESP_BODY"
	local -a m=(-X "$method")
	[ "$method" = HEAD ] && m=(-I)
	# API_KEY (stack_admin_key): sent as a Bearer token when set
	[ -z "${API_KEY:-}" ] || m+=(-H "Authorization: Bearer $API_KEY")
	STATUS=$(curl -sS -m 60 "${m[@]}" -D "$RESP_HEAD" -o "$RESP_BODY" \
		-w '%{http_code}' "$@" "$url") || { echo "curl failed: $method $url" >&2; return 1; }
}

# POST a JSON document (string) to URL.  Usage: post_json URL JSON [CURL-ARGS...]
post_json() {
	local url=$1 json=$2
	shift 2
	printf '%s' "$json" > "$BATS_TEST_TMPDIR/req.json"
	http POST "$url" -H 'Content-Type: application/json' \
		--data-binary "@$BATS_TEST_TMPDIR/req.json" "$@"
}

# Value of a response header (last one if repeated), without CR.
header() {
	grep -i "^$1:" "$RESP_HEAD" | tail -n 1 | sed -e 's/^[^:]*:[[:space:]]*//' -e 's/\r$//'
}

# Print the response and fail.  Usage: bad MESSAGE
bad() {
	echo "FAIL: $*" >&2
	echo "status: $STATUS" >&2
	sed -e 's/\r$//' -e 's/^/  < /' "$RESP_HEAD" >&2
	head -c 600 "$RESP_BODY" >&2
	echo >&2
	return 1
}

expect_status() { [ "$STATUS" = "$1" ] || bad "expected HTTP $1"; }

expect_json() {
	case $(header Content-Type) in
	application/json*) ;;
	*) bad "Content-Type is not application/json" ; return 1 ;;
	esac
	jq -e . "$RESP_BODY" >/dev/null 2>&1 || bad "body is not JSON"
}

# jq expression over the body must be true.  Usage: expect_jq EXPR [JQ-ARGS...]
expect_jq() {
	local expr=$1
	shift
	jq -e "$@" "$expr" "$RESP_BODY" >/dev/null 2>&1 || bad "jq: $expr"
}

# The success envelope: keys in order, message, status-code, method, url, timestamp.
# Usage: expect_envelope METHOD URL
expect_envelope() {
	expect_status 200 && expect_json || return 1
	local keys
	keys=$(jq -r 'keys_unsorted | join(",")' "$RESP_BODY")
	[ "$keys" = "$ENVELOPE_KEYS" ] || { bad "envelope keys '$keys'"; return 1; }
	expect_jq '.message == "OK" and ."status-code" == 200' &&
	expect_jq '.method == $m' --arg m "$1" &&
	expect_jq '.url == $u' --arg u "$2" &&
	expect_jq '.timestamp | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,6})?$")'
}

# A 422 with detail[0] having this loc and type.  Usage: expect_422 LOC-JSON TYPE
expect_422() {
	expect_status 422 && expect_json &&
	expect_jq '(.detail | type) == "array" and (.detail | length) >= 1' &&
	expect_jq '.detail[0].loc == $loc' --argjson loc "$1" &&
	expect_jq '.detail[0].type == $t' --arg t "$2" &&
	expect_jq '.detail[0].msg | type == "string" and length > 0'
}

# A JSON error: status, application/json, {"detail": ...}.
expect_error() {
	expect_status "$1" && expect_json && expect_jq 'has("detail")'
}

# ---------------------------------------------------------------- contract

contract_root() {
	http GET "$1/" && expect_envelope GET "$1/" && expect_jq '.data == {}'
}

# The url field is the full request URL: scheme, host:port, mount, path, query.
contract_url_query() {
	local u="$1/performance?filter=overall&x=1%202"
	http GET "$u" && expect_envelope GET "$u"
}

contract_performance_overall() {
	http GET "$1/performance?filter=overall" &&
	expect_envelope GET "$1/performance?filter=overall" &&
	expect_jq '.data == {performance: $p[0].overall}' --slurpfile p "$ARTIFACTS_DIR/performance.json"
}

contract_performance_class() {
	http GET "$1/performance?filter=class" &&
	expect_envelope GET "$1/performance?filter=class" &&
	expect_jq '.data == {performance: $p[0].class}' --slurpfile p "$ARTIFACTS_DIR/performance.json"
}

# No filter, or an unknown one: the whole performance document.
contract_performance_whole() {
	http GET "$1/performance" && expect_envelope GET "$1/performance" &&
	expect_jq '.data == {performance: $p[0]}' --slurpfile p "$ARTIFACTS_DIR/performance.json" &&
	http GET "$1/performance?filter=nope" &&
	expect_jq '.data == {performance: $p[0]}' --slurpfile p "$ARTIFACTS_DIR/performance.json"
}

contract_args() {
	http GET "$1/args" && expect_envelope GET "$1/args" &&
	expect_jq '.data == {args: $a[0]}' --slurpfile a "$ARTIFACTS_DIR/args.json"
}

contract_args_threshold() {
	http GET "$1/args/threshold" && expect_envelope GET "$1/args/threshold" &&
	expect_jq '.data == {threshold: $a[0].threshold}' --slurpfile a "$ARTIFACTS_DIR/args.json" &&
	expect_jq '.data.threshold == 0.6341494637432107' &&
	http GET "$1/args/subset" && expect_jq '.data == {subset: null}'
}

contract_args_unknown() {
	http GET "$1/args/nope" && expect_error 404
}

contract_not_found() {
	http GET "$1/nope" && expect_error 404 && expect_jq '.detail == "Not Found"' &&
	http POST "$1/nope/deeper" -H 'Content-Type: application/json' --data-binary '{}' &&
	expect_error 404
}

# 405 with an Allow header naming the methods the path does take.
contract_method_not_allowed() {
	local allow
	http POST "$1/" -H 'Content-Type: application/json' --data-binary '{}' &&
	expect_error 405 && expect_jq '.detail == "Method Not Allowed"' || return 1
	allow=$(header Allow)
	[[ "$allow" == *GET* ]] || { bad "Allow '$allow' lacks GET"; return 1; }
	http GET "$1/predict" && expect_error 405 || return 1
	allow=$(header Allow)
	[[ "$allow" == *POST* && "$allow" != *GET* ]] || { bad "Allow '$allow' for /predict"; return 1; }
	http DELETE "$1/args" && expect_error 405 || return 1
	[[ "$(header Allow)" == *GET* ]] || bad "Allow for DELETE /args"
}

# HEAD: status and headers of a GET, no body.  curl does not read a body
# after a HEAD, so the raw exchange is checked: HTTP/1.0, read to EOF.
# Usage: raw_head URL -> prints the status line, headers, then BODY-BYTES=N
raw_head() {
	"$PYTHON3" - "$1" <<'PY'
import socket, sys, urllib.parse
u = urllib.parse.urlsplit(sys.argv[1])
path = (u.path or "/") + ("?" + u.query if u.query else "")
s = socket.create_connection((u.hostname, u.port), timeout=30)
s.sendall(f"HEAD {path} HTTP/1.0\r\nHost: {u.netloc}\r\n\r\n".encode())
data = b""
while True:
    chunk = s.recv(65536)
    if not chunk:
        break
    data += chunk
head, _, body = data.partition(b"\r\n\r\n")
print(head.decode("latin-1").replace("\r", ""))
print(f"BODY-BYTES={len(body)}")
PY
}

contract_head() {
	local out u
	for u in "$1/" "$1/performance?filter=overall"; do
		out=$(raw_head "$u") || { echo "HEAD $u: no answer" >&2; return 1; }
		if ! grep -q '^HTTP/1\.[01] 200' <<< "$out" ||
			! grep -qi '^Content-Type: application/json' <<< "$out" ||
			! grep -qx 'BODY-BYTES=0' <<< "$out"; then
			echo "HEAD $u:" >&2
			echo "$out" >&2
			return 1
		fi
	done
}

# One text: envelope, input echoed, the reference tag.
contract_predict_one() {
	local text tag
	text=$(head -n 1 "$HOLDOUT" | jq -r .text)
	tag=$(head -n 1 "$HOLDOUT" | jq -r .predicted_tag)
	post_json "$1/predict" "$(jq -cn --arg t "$text" '{texts: [{text: $t}]}')" &&
	expect_envelope POST "$1/predict" &&
	expect_jq '.data.predictions | length == 1' &&
	expect_jq '.data.predictions[0] | keys_unsorted[0:2] == ["input_text", "predicted_tag"]' &&
	expect_jq '.data.predictions[0] | .input_text == $t and .predicted_tag == $g' --arg t "$text" --arg g "$tag"
}

# All 191 holdout texts in one request: every tag as in the reference file,
# every input echoed in order.
contract_predict_holdout() {
	jq -c '{text: .text}' "$HOLDOUT" | jq -cs '{texts: .}' > "$BATS_TEST_TMPDIR/holdout.json"
	http POST "$1/predict" -H 'Content-Type: application/json' \
		--data-binary "@$BATS_TEST_TMPDIR/holdout.json" &&
	expect_envelope POST "$1/predict" || return 1
	local verdict
	verdict=$(jq -rn --slurpfile r "$RESP_BODY" --slurpfile ref <(jq -c . "$HOLDOUT") '
		($r[0].data.predictions) as $p
		| if ($p | length) != ($ref | length) then "count \($p | length) != \($ref | length)"
		  else [range(0; $ref | length)
		        | select($p[.].predicted_tag != $ref[.].predicted_tag
		                 or $p[.].input_text != $ref[.].text)] as $bad
		  | if ($bad | length) == 0 then "ok"
		    else "\($bad | length) rows differ, first at index \($bad[0])" end end')
	[ "$verdict" = ok ] || bad "holdout: $verdict"
}

contract_predict_charset() {
	# a JSON media type with parameters is still JSON
	http POST "$1/predict" -H 'Content-Type: application/json; charset=utf-8' \
		--data-binary '{"texts":[{"text":"résumé parsing with transformers"}]}' &&
	expect_envelope POST "$1/predict" &&
	expect_jq '.data.predictions[0].input_text == "résumé parsing with transformers"' &&
	expect_jq '.data.predictions[0].predicted_tag as $t | $tags | index($t) != null' --argjson tags "$TAGS"
}

contract_422_empty_list() {
	post_json "$1/predict" '{"texts":[]}' &&
	expect_422 '["body","texts"]' value_error &&
	expect_jq '.detail[0].msg == "List of texts to classify cannot be empty."'
}

contract_422_empty_text() {
	post_json "$1/predict" '{"texts":[{"text":""}]}' &&
	expect_422 '["body","texts",0,"text"]' value_error.any_str.min_length
}

contract_422_missing_text() {
	post_json "$1/predict" '{"texts":[{"text":"ok"},{}]}' &&
	expect_422 '["body","texts",1,"text"]' value_error.missing
}

contract_422_missing_texts() {
	post_json "$1/predict" '{}' &&
	expect_422 '["body","texts"]' value_error.missing
}

contract_422_invalid_json() {
	post_json "$1/predict" 'garbage' &&
	expect_status 422 && expect_json &&
	expect_jq '.detail[0].type == "value_error.jsondecode" and .detail[0].loc[0] == "body"'
}

# A body over the configured --max-body (TEST_MAX_BODY): JSON 413 from the
# application, not the web server's HTML page.
contract_413() {
	"$PYTHON3" -c 'import json,sys; n=int(sys.argv[1]); print(json.dumps({"texts":[{"text":"x"*n}]}))' \
		$((TEST_MAX_BODY + 1000)) > "$BATS_TEST_TMPDIR/big.json"
	http POST "$1/predict" -H 'Content-Type: application/json' \
		--data-binary "@$BATS_TEST_TMPDIR/big.json" && expect_error 413
}

contract_415() {
	http POST "$1/predict" -H 'Content-Type: text/plain' \
		--data-binary '{"texts":[{"text":"hello"}]}' && expect_error 415
}

contract_openapi() {
	http GET "$1/openapi.json" && expect_status 200 && expect_json &&
	expect_jq '.openapi | startswith("3.")' &&
	expect_jq '.paths["/predict"].post != null and .paths["/"].get != null' &&
	expect_jq '.paths["/performance"].get != null and .paths["/args/{arg}"].get != null'
}

# /docs, /redoc, /demo are HTML pages, and every static/ asset they reference
# is served under the mount.
contract_pages() {
	local page ref url origin n
	origin=${1#http://}
	origin=http://${origin%%/*}
	for page in docs redoc demo; do
		http GET "$1/$page" && expect_status 200 || return 1
		case $(header Content-Type) in
		text/html*) ;;
		*) bad "/$page Content-Type"; return 1 ;;
		esac
		grep -oE '(src|href)="[^"]*static/[^"]*"' "$RESP_BODY" |
			sed -E 's/^[a-z]+="//; s/"$//' | sort -u > "$BATS_TEST_TMPDIR/refs"
		n=$(wc -l < "$BATS_TEST_TMPDIR/refs")
		[ "$n" -gt 0 ] || { bad "/$page references no static/ asset"; return 1; }
		while read -r ref; do
			case $ref in
			http://*) url=$ref ;;
			/*) url=$origin$ref ;;
			*) url=$1/$ref ;;
			esac
			[[ "$url" == "$1/"* ]] || { echo "/$page: asset $ref is outside the mount $1" >&2; return 1; }
			http GET "$url" && expect_status 200 || { echo "/$page: asset $url" >&2; return 1; }
		done < "$BATS_TEST_TMPDIR/refs"
	done
}

# The Python peer's own conformance check.  Its "/args/nope -> \"\"" check
# must be the one and only FAIL (we answer 404 there on purpose); every
# other check must PASS.
contract_check_api() {
	local out n_pass n_fail
	# exits 1 because of the expected FAIL: judge the lines, not the status
	out=$("$PYTHON3" "$REF_DIR/check_api.py" "$1" --artifacts-dir "$ARTIFACTS_DIR" \
		--reference "$HOLDOUT" 2>&1) || true
	echo "$out" > "$BATS_TEST_TMPDIR/check_api.out"
	n_pass=$(grep -c '^PASS ' <<< "$out") || true
	n_fail=$(grep -c '^FAIL ' <<< "$out") || true
	if [ "$n_fail" != 1 ] || ! grep -q '^FAIL  GET /args/nope' <<< "$out" ||
		[ "$n_pass" != 12 ] || [ "$(tail -n 1 <<< "$out")" != "1 FAILED" ]; then
		echo "check_api.py: $n_pass PASS, $n_fail FAIL (want 12 PASS, only /args/nope FAIL)" >&2
		echo "$out" >&2
		return 1
	fi
}

# A chunked request body (no Content-Length from the client): the web server
# must hand the application the whole body.
contract_predict_chunked() {
	local text tag
	text=$(sed -n 2p "$HOLDOUT" | jq -r .text)
	tag=$(sed -n 2p "$HOLDOUT" | jq -r .predicted_tag)
	jq -cn --arg t "$text" '{texts: [{text: $t}]}' > "$BATS_TEST_TMPDIR/chunked.json"
	http POST "$1/predict" -H 'Content-Type: application/json' -H 'Transfer-Encoding: chunked' \
		--data-binary "@$BATS_TEST_TMPDIR/chunked.json" &&
	expect_envelope POST "$1/predict" &&
	expect_jq '.data.predictions[0] | .input_text == $t and .predicted_tag == $g' --arg t "$text" --arg g "$tag"
}

# Errors the web server answers itself, before the application, are JSON
# too: a body over the one limit (TEST_MAX_BODY, the web server's and the
# application's) with the application's own 413 text, a NUL in the path,
# bad UTF-8 in the query, TRACE.  Usage: contract_front_door_errors BASE
contract_front_door_errors() {
	contract_body_over_limit "$1" && contract_nul_in_path "$1" &&
		contract_bad_utf8_query "$1" && contract_trace_refused "$1"
}

contract_body_over_limit() {
	local big=$BATS_TEST_TMPDIR/big.json
	head -c $((TEST_MAX_BODY * 3)) /dev/zero | tr '\0' ' ' > "$big"
	http POST "$1/predict" -H 'Content-Type: application/json' --data-binary "@$big" &&
		expect_error 413 &&
		expect_jq '.detail == ("Request body larger than " + $n + " bytes")' --arg n "$TEST_MAX_BODY"
}

# Apache refuses %00 in a path with 404 before any module can look at the
# request (ap_unescape_url): its suites pass NUL_PATH_STATUS=404.
contract_nul_in_path() {
	http GET "$1/args/%00" && expect_status "${NUL_PATH_STATUS:-400}" && expect_json &&
		expect_jq 'has("detail")'
}

# Bad UTF-8 in a query: a 400 from the web server, or the application's
# answer (an unknown filter is the whole report, as in the reference).
contract_bad_utf8_query() {
	http GET "$1/performance?filter=%ff%fe" && expect_json || return 1
	case $STATUS in
	400) expect_jq 'has("detail")' ;;
	200) expect_envelope GET "$1/performance?filter=%ff%fe" ;;
	*) bad "expected 400 or the application's 200" ;;
	esac
}

contract_trace_refused() {
	http TRACE "$1/" && expect_json && [ "${STATUS:0:1}" = 4 ] || bad "TRACE not refused with a JSON 4xx"
}

# ---------------------------------------------------------------- operations
# GET /metrics, /health/live and /health/ready (fcgi/observe.c).

# Fetch BASE/metrics into FILE and check it: 200, the Prometheus text
# content type, `promtool check metrics` without a complaint and the
# python3-prometheus-client parser.  Usage: scrape BASE FILE
scrape() {
	http GET "$1/metrics" && expect_status 200 || return 1
	case $(header Content-Type) in
	"text/plain; version=0.0.4"*) ;;
	*) bad "Content-Type $(header Content-Type)"; return 1 ;;
	esac
	cp "$RESP_BODY" "$2"
	promtool check metrics < "$2" > "$2.promtool" 2>&1 ||
		{ cat "$2.promtool" >&2; bad "promtool check metrics failed"; return 1; }
	[ ! -s "$2.promtool" ] || { cat "$2.promtool" >&2; bad "promtool complained"; return 1; }
	"$PYTHON3" "$top_srcdir/tests/api/prom_check.py" "$2" > /dev/null ||
		{ bad "the python parser refused the scrape"; return 1; }
}

# The value of a query over a scrape (tests/api/prom_check.py).
# Usage: metric FILE 'NAME{label="value"}'
metric() {
	"$PYTHON3" "$top_srcdir/tests/api/prom_check.py" "$1" "$2"
}

# /metrics answers, is accepted and counts the requests it is sent: N
# POST /predict between two scrapes are exactly N more.  With several
# processes behind the socket this holds only when they share counters
# (--workers, or --metrics-dir); PROCS is how many must have joined the
# table (tagifai_workers{state="serving"}).
# Usage: contract_metrics BASE [N [PROCS]]
contract_metrics() {
	local n=${2:-20} procs=${3:-} a=$BATS_TEST_TMPDIR/a.prom b=$BATS_TEST_TMPDIR/b.prom i before after
	scrape "$1" "$a" || return 1
	for ((i = 0; i < n; i++)); do
		curl -s -o /dev/null -X POST -H 'Content-Type: application/json' \
			-d '{"texts":[{"text":"Transfer learning with BERT"}]}' "$1/predict" || return 1
	done
	scrape "$1" "$b" || return 1
	before=$(metric "$a" 'tagifai_http_requests_total{route="/predict",code="200"}')
	after=$(metric "$b" 'tagifai_http_requests_total{route="/predict",code="200"}')
	[ "$((after - before))" -eq "$n" ] || { bad "/predict count $before -> $after, not +$n"; return 1; }
	before=$(metric "$a" 'tagifai_texts_predicted_total')
	after=$(metric "$b" 'tagifai_texts_predicted_total')
	[ "$((after - before))" -eq "$n" ] || { bad "texts $before -> $after, not +$n"; return 1; }
	if [ -n "$procs" ]; then
		after=$(metric "$b" 'tagifai_workers{state="serving"}')
		[ "$after" -eq "$procs" ] || { bad "$after processes in the table, not $procs"; return 1; }
	fi
	# Labels are route patterns, never the paths asked for.
	! grep -q 'route="/args/threshold"' "$b" || { bad "a raw path as a label"; return 1; }
}

contract_health() {
	http GET "$1/health/live" && expect_envelope GET "$1/health/live" &&
		expect_jq '.data.status == "live"' || return 1
	http GET "$1/health/ready" && expect_envelope GET "$1/health/ready" &&
		expect_jq '.data.status == "ready" and (.data.model.name | length) > 0'
}
