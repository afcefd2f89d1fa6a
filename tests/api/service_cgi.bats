#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# tests/api/service_cgi.bats - the API contract of tagifai-fcgi, driven
# with no web server: plain CGI (environment + stdin) for every endpoint
# and error, FastCGI through cgi-fcgi for identical output, and the
# signal handling of the accept loop.

load service_helpers

setup_file() {
	MODEL=$(service_model)
	export MODEL
}

setup() {
	SERVICE_WWW=$top_srcdir/www
	SERVICE_ARGS=
	unset CGI_HTTP_X_REQUEST_ID
	server_pid=
}

teardown() {
	# A failed test must not leave its server behind.
	if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
		kill -KILL "$server_pid" 2>/dev/null || true
	fi
}

P='{"texts":[{"text":"Transfer learning with transformers for text classification."},{"text":"Generative adversarial networks in both PyTorch and TensorFlow."}]}'

@test "GET / answers the envelope with its keys in the reference order" {
	cgi GET /
	[ "$cgi_rc" -eq 0 ]
	[ "$status_code" = 200 ]
	[ "$(jq_ 'list(d)')" = '["message", "method", "status-code", "timestamp", "url", "data"]' ]
	[ "$(jq_ 'd["message"]')" = OK ]
	[ "$(jq_ 'd["method"]')" = GET ]
	[ "$(jq_ 'd["status-code"]')" = 200 ]
	[ "$(jq_ 'd["url"]')" = "http://127.0.0.1:8000/" ]
	[ "$(jq_ 'd["data"]')" = '{}' ]
	[[ "$(jq_ 'd["timestamp"]')" =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6}$ ]]
}

@test "every answer carries Content-Type, Content-Length, X-Model and X-Request-Id" {
	for uri in / /args /nope; do
		cgi GET "$uri"
		[ "$(header Content-Type)" = application/json ]
		[ "$(header Content-Length)" -eq "$(wc -c <"$body")" ]
		[[ "$(header X-Model)" =~ ^[^/]+/.+$ ]]
		[[ "$(header X-Request-Id)" =~ ^[0-9a-f]{32}$ ]]
	done
}

@test "a sane X-Request-Id is echoed and an unsafe one replaced" {
	CGI_HTTP_X_REQUEST_ID=abc-123.x_y cgi GET /
	[ "$(header X-Request-Id)" = abc-123.x_y ]
	CGI_HTTP_X_REQUEST_ID='bad id<script>' cgi GET /
	[[ "$(header X-Request-Id)" =~ ^[0-9a-f]{32}$ ]]
}

@test "the url uses HTTPS, REQUEST_SCHEME and SERVER_NAME:PORT when there is no Host" {
	CGI_HTTPS=on cgi GET '/args?x=1'
	[ "$(jq_ 'd["url"]')" = "https://127.0.0.1:8000/args?x=1" ]
	CGI_HTTP_HOST= CGI_SERVER_NAME=example.org CGI_SERVER_PORT=8080 cgi GET /
	[ "$(jq_ 'd["url"]')" = "http://example.org:8080/" ]
	CGI_HTTP_HOST= CGI_SERVER_NAME=example.org CGI_SERVER_PORT=443 CGI_REQUEST_SCHEME=https cgi GET /
	[ "$(jq_ 'd["url"]')" = "https://example.org/" ]
}

@test "GET /performance answers everything or the filtered part" {
	perf="$SHARED_DIR/peers/fastapi/artifacts/performance.json"
	cgi GET /performance
	[ "$status_code" = 200 ]
	[ "$(jq_ 'd["data"]["performance"] == json.load(open("'"$perf"'"))')" = true ]
	cgi GET '/performance?filter=overall'
	[ "$(jq_ 'd["data"]["performance"] == json.load(open("'"$perf"'"))["overall"]')" = true ]
	cgi GET '/performance?filter=nope'
	[ "$(jq_ 'list(d["data"]["performance"])')" = '["overall", "class"]' ]
	cgi GET '/performance?filter=overall&filter=class'
	[ "$(jq_ '"mlops" in d["data"]["performance"]')" = true ]
}

@test "GET /args and /args/{arg} answer the training arguments as Python prints them" {
	cgi GET /args
	[ "$status_code" = 200 ]
	grep -q '"alpha":0.0001,' "$body"
	grep -q '"subset":null,' "$body"
	cgi GET /args/threshold
	[ "$(jq_ 'd["data"]')" = '{"threshold": 0.6341494637432107}' ]
	cgi GET /args/shuf%66le
	[ "$(jq_ 'd["data"]')" = '{"shuffle": true}' ]
}

@test "an unknown argument is a 404 naming the known ones" {
	cgi GET /args/nope
	[ "$status_code" = 404 ]
	[[ "$(jq_ 'd["detail"]')" == *"'nope'"*"threshold"* ]]
}

@test "POST /predict tags texts and reports probabilities and the model" {
	cgi POST /predict "$P"
	[ "$status_code" = 200 ]
	[ "$(jq_ 'd["method"]')" = POST ]
	[ "$(jq_ '[p["predicted_tag"] for p in d["data"]["predictions"]]')" = '["natural-language-processing", "computer-vision"]' ]
	[ "$(jq_ 'list(d["data"]["predictions"][0])')" = '["input_text", "predicted_tag", "probabilities"]' ]
	[ "$(jq_ 'abs(sum(d["data"]["predictions"][1]["probabilities"].values()) - 1) < 1e-9')" = true ]
	[ "$(jq_ 'list(d["data"]["model"])')" = '["name", "version", "checksum"]' ]
	[ "$(header X-Model)" = "$(jq_ 'd["data"]["model"]["name"] + "/" + d["data"]["model"]["version"]')" ]
	[ ! -s "$BATS_TEST_TMPDIR/stderr" ]   # no access log by default
}

@test "--access-log writes one line per request, without the texts" {
	SERVICE_ARGS=--access-log cgi POST /predict "$P"
	[ "$status_code" = 200 ]
	[ "$(wc -l <"$BATS_TEST_TMPDIR/stderr")" -eq 1 ]
	grep -q "^tagifai-fcgi: POST /predict 200 [0-9]*us texts=2 id=$(header X-Request-Id)\$" "$BATS_TEST_TMPDIR/stderr"
	! grep -q 'Transfer' "$BATS_TEST_TMPDIR/stderr"
	CGI_TAGIFAI_ACCESS_LOG=1 cgi GET /
	grep -q '^tagifai-fcgi: GET / 200 [0-9]*us texts=0 id=' "$BATS_TEST_TMPDIR/stderr"
}

@test "numbers and booleans are coerced to text like pydantic v1" {
	cgi POST /predict '{"texts":[{"text":123},{"text":1.5},{"text":true},{"text":1e16}]}'
	[ "$status_code" = 200 ]
	[ "$(jq_ '[p["input_text"] for p in d["data"]["predictions"]]')" = '["123", "1.5", "True", "1e+16"]' ]
}

assert_422() {  # BODY LOC MSG TYPE
	cgi POST /predict "$1"
	[ "$status_code" = 422 ]
	[ "$(jq_ '[e["loc"] for e in d["detail"]]')" = "[$2]" ]
	[ "$(jq_ 'd["detail"][0]["msg"]')" = "$3" ]
	[ "$(jq_ 'd["detail"][0]["type"]')" = "$4" ]
}

@test "a list of [string, value] pairs is a dict, as pydantic v1's dict() makes it" {
	cgi POST /predict '{"texts":[[["text","hi"]]]}'
	[ "$status_code" = 200 ]
	[ "$(jq_ 'd["data"]["predictions"][0]["input_text"]')" = hi ]
	cgi POST /predict '[["texts",[{"text":"a"}]],["texts",[[["text","b"]]]]]'
	[ "$status_code" = 200 ]
	[ "$(jq_ '[p["input_text"] for p in d["data"]["predictions"]]')" = '["b"]' ]
	cgi POST /predict '{"texts":[[["text","hi"],["x"]]]}'
	[ "$status_code" = 422 ]
	[ "$(jq_ 'd["detail"][0]["type"]')" = type_error.dict ]
	[ "$(jq_ 'd["detail"][0]["loc"]')" = '["body", "texts", 0]' ]
}

@test "each validation problem is a 422 in pydantic's words" {
	assert_422 '{"texts":[]}' '["body", "texts"]' \
		"List of texts to classify cannot be empty." value_error
	assert_422 '{"texts":[{"text":""}]}' '["body", "texts", 0, "text"]' \
		"ensure this value has at least 1 characters" value_error.any_str.min_length
	[ "$(jq_ 'd["detail"][0]["ctx"]')" = '{"limit_value": 1}' ]
	assert_422 '{"texts":[{}]}' '["body", "texts", 0, "text"]' \
		"field required" value_error.missing
	assert_422 '{}' '["body", "texts"]' "field required" value_error.missing
	assert_422 '' '["body"]' "field required" value_error.missing
	assert_422 '{"texts":[{"text":null}]}' '["body", "texts", 0, "text"]' \
		"none is not an allowed value" type_error.none.not_allowed
	assert_422 '{"texts":[{"text":[]}]}' '["body", "texts", 0, "text"]' \
		"str type expected" type_error.str
	assert_422 '{"texts":"x"}' '["body", "texts"]' \
		"value is not a valid list" type_error.list
	assert_422 '5' '["body"]' "value is not a valid dict" type_error.dict
	assert_422 '{"texts":[{"text":"a\ud800"}]}' '["body", "texts", 0, "text"]' \
		"text is not valid UTF-8 (invalid bytes or a lone surrogate escape)" value_error.unicode
}

@test "every problem of a body is listed, not only the first" {
	cgi POST /predict '{"texts":[{"text":""},{},{"text":null},5]}'
	[ "$status_code" = 422 ]
	[ "$(jq_ 'len(d["detail"])')" = 4 ]
}

@test "invalid JSON is a 422 jsondecode with Python's message and position" {
	assert_422 '{"texts": [1, 2' '["body", 15]' \
		"Expecting ',' delimiter: line 1 column 16 (char 15)" value_error.jsondecode
	[ "$(jq_ 'd["detail"][0]["ctx"]')" = '{"msg": "Expecting ,'"'"' delimiter", "doc": "{\"texts\": [1, 2", "pos": 15, "lineno": 1, "colno": 16}' ] ||
	[ "$(jq_ 'd["detail"][0]["ctx"]["pos"]')" = 15 ]
}

@test "invalid UTF-8 in a text is a 422 and the answer stays valid JSON" {
	printf '{"texts":[{"text":"a\377b"}],"x":"\377' >"$BATS_TEST_TMPDIR/raw"
	cgi POST /predict "$(cat "$BATS_TEST_TMPDIR/raw")"
	[ "$status_code" = 422 ]
	"$PYTHON3" -c 'import json,sys; json.loads(open(sys.argv[1],"rb").read().decode("utf-8"))' "$body"
}

@test "--max-texts and --max-text-chars bound a request" {
	SERVICE_ARGS="--max-texts 1 --max-text-chars 5"
	assert_422 "$P" '["body", "texts"]' "ensure this value has at most 1 items" value_error.list.max_items
	assert_422 '{"texts":[{"text":"\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9"}]}' '["body", "texts", 0, "text"]' \
		"ensure this value has at most 5 characters" value_error.any_str.max_length
	TAGIFAI_MAX_TEXTS=1 SERVICE_ARGS= cgi POST /predict "$P"
	[ "$status_code" = 200 ] # env vars do not reach a CGI run through env -i
}

@test "a body over --max-body is a 413 before anything is read" {
	SERVICE_ARGS="--max-body 10"
	cgi POST /predict "$P"
	[ "$status_code" = 413 ]
	[[ "$(jq_ 'd["detail"]')" == *"10 bytes"* ]]
	# A huge CONTENT_LENGTH with no body at all: answered at once.
	CGI_CONTENT_LENGTH=999999999999 cgi POST /predict
	[ "$status_code" = 413 ]
}

# Runs a POST whose body (file $1) comes without CONTENT_LENGTH, as
# Apache mod_cgi passes a de-chunked request body.
cgi_no_length() {
	cgi_env_for POST /predict ""
	cgi_rc=0
	local -a www=()
	[ -z "${SERVICE_WWW:-}" ] || www=(--www "$SERVICE_WWW")
	env -i "${cgi_env[@]}" "$BIN" --model "$MODEL" "${www[@]}" ${SERVICE_ARGS:-} \
		<"$1" >"$BATS_TEST_TMPDIR/out" 2>"$BATS_TEST_TMPDIR/stderr" ||
		cgi_rc=$?
	split_answer "$BATS_TEST_TMPDIR/out"
}

@test "without CONTENT_LENGTH the body is read to EOF, up to --max-body" {
	printf '%s' "$P" >"$BATS_TEST_TMPDIR/p.json"
	cgi_no_length "$BATS_TEST_TMPDIR/p.json"
	[ "$cgi_rc" -eq 0 ]
	[ "$status_code" = 200 ]
	[ "$(jq_ 'len(d["data"]["predictions"])')" = 2 ]
	# Exactly --max-body bytes is accepted, one more is a 413.
	n=$(wc -c <"$BATS_TEST_TMPDIR/p.json" | tr -d ' ')
	SERVICE_ARGS="--max-body $n" cgi_no_length "$BATS_TEST_TMPDIR/p.json"
	[ "$status_code" = 200 ]
	SERVICE_ARGS="--max-body $((n - 1))" cgi_no_length "$BATS_TEST_TMPDIR/p.json"
	[ "$status_code" = 413 ]
	[[ "$(jq_ 'd["detail"]')" == *"$((n - 1)) bytes"* ]]
	# A body far over the limit is refused without being held whole.
	head -c 5000000 /dev/zero >"$BATS_TEST_TMPDIR/big"
	SERVICE_ARGS="--max-body 1000" cgi_no_length "$BATS_TEST_TMPDIR/big"
	[ "$status_code" = 413 ]
	# No body at all is still "field required".
	: >"$BATS_TEST_TMPDIR/empty"
	cgi_no_length "$BATS_TEST_TMPDIR/empty"
	[ "$status_code" = 422 ]
	[ "$(jq_ 'd["detail"][0]["type"]')" = value_error.missing ]
}

@test "a bad CONTENT_LENGTH is a 400" {
	for v in abc -5 1e3 ' 5'; do
		CGI_CONTENT_LENGTH=$v cgi POST /predict
		[ "$status_code" = 400 ]
		[ "$(jq_ 'd["detail"]')" = "Invalid Content-Length" ]
	done
}

@test "a non-JSON Content-Type is a 415; JSON types and no type are accepted" {
	CGI_CONTENT_TYPE=text/plain cgi POST /predict "$P"
	[ "$status_code" = 415 ]
	CGI_CONTENT_TYPE=application/x-www-form-urlencoded cgi POST /predict "$P"
	[ "$status_code" = 415 ]
	for t in 'application/json; charset=utf-8' 'application/vnd.api+json' 'Application/JSON' ''; do
		CGI_CONTENT_TYPE=$t cgi POST /predict "$P"
		[ "$status_code" = 200 ]
	done
}

@test "unknown routes are 404 and wrong methods 405 with Allow" {
	cgi GET /nope
	[ "$status_code" = 404 ]
	[ "$(jq_ 'd')" = '{"detail": "Not Found"}' ]
	cgi GET /predict
	[ "$status_code" = 405 ]
	[ "$(jq_ 'd')" = '{"detail": "Method Not Allowed"}' ]
	[ "$(header Allow)" = POST ]
	cgi DELETE /args
	[ "$status_code" = 405 ]
	[ "$(header Allow)" = "GET, HEAD" ]
}

@test "a trailing slash is redirected like Starlette does" {
	cgi GET '/args/?a=1'
	[ "$status_code" = 307 ]
	[ "$(header Location)" = "http://127.0.0.1:8000/args?a=1" ]
	# The Location is percent-encoded: a decoded CR LF cannot split it.
	cgi GET '/args/a%0d%0aSet-Cookie:%20x/'
	[ "$status_code" = 307 ]
	[ "$(header Location)" = "http://127.0.0.1:8000/args/a%0D%0ASet-Cookie:%20x" ]
	! grep -qi '^Set-Cookie' "$headers"
}

@test "a redirect Location is printable ASCII with the path re-encoded" {
	# Hostile corpus 142-146: CR LF, a blank line, '?', space + UTF-8, 0xFF.
	cgi GET '/args/a%0d%0aSet-Cookie:%20pwned=1/'
	[ "$(header Location)" = "http://127.0.0.1:8000/args/a%0D%0ASet-Cookie:%20pwned=1" ]
	! grep -qi '^Set-Cookie' "$headers"
	cgi GET '/args/%0D%0A%0D%0A%3Chtml%3E/'
	[ "$(header Location)" = "http://127.0.0.1:8000/args/%0D%0A%0D%0A%3Chtml%3E" ]
	# A blank line in Location would end the headers before these.
	[ -n "$(header X-Request-Id)" ]
	[ ! -s "$body" ]
	cgi GET '/args/%3F/'
	[ "$status_code" = 307 ]
	[ "$(header Location)" = "http://127.0.0.1:8000/args/%3F" ]
	cgi GET '/args/a%20%C3%A9/?x=1'
	[ "$(header Location)" = "http://127.0.0.1:8000/args/a%20%C3%A9?x=1" ]
	cgi GET '/args/%FF/'
	[ "$(header Location)" = "http://127.0.0.1:8000/args/%FF" ]
	# Raw bytes in the query (a lenient server passes them) are encoded.
	CGI_QUERY_STRING=$'a=1 \r\nX: y' cgi GET '/args/'
	[ "$(header Location)" = "http://127.0.0.1:8000/args?a=1%20%0D%0AX:%20y" ]
	! grep -qi '^X: ' "$headers"
}

@test "bad percent-escapes in the path or the query are a 400" {
	cgi GET '/args/%zz'
	[ "$status_code" = 400 ]
	cgi GET '/?filter=%g1'
	[ "$status_code" = 400 ]
	cgi GET '/args/a%00b'
	[ "$status_code" = 400 ]
}

@test "HEAD answers the GET headers without a body" {
	cgi GET /args
	get_len=$(header Content-Length)
	cgi HEAD /args
	[ "$status_code" = 200 ]
	[ ! -s "$body" ]
	# The envelope echoes the method, so HEAD's is one byte longer.
	[ "$(header Content-Length)" -eq $((get_len + 1)) ]
	[ "$(header Content-Type)" = application/json ]
}

@test "a lighttpd/Apache mount (SCRIPT_NAME + PATH_INFO) routes under the prefix" {
	CGI_SCRIPT_NAME=/api CGI_PATH_INFO=/args/threshold cgi GET /api/args/threshold
	[ "$status_code" = 200 ]
	[ "$(jq_ 'd["url"]')" = "http://127.0.0.1:8000/api/args/threshold" ]
	CGI_SCRIPT_NAME=/cgi-bin/tagifai.fcgi CGI_PATH_INFO=/openapi.json cgi GET /cgi-bin/tagifai.fcgi/openapi.json
	[ "$(jq_ 'd["servers"][0]["url"]')" = /cgi-bin/tagifai.fcgi ]
}

@test "--prefix mounts the API under a path (nginx style SCRIPT_NAME)" {
	SERVICE_ARGS="--prefix /api"
	cgi GET /api/args
	[ "$status_code" = 200 ]
	cgi GET /api
	[ "$status_code" = 200 ]
	[ "$(jq_ 'd["data"]')" = '{}' ]
	cgi GET /api/openapi.json
	[ "$(jq_ 'd["servers"][0]["url"]')" = /api ]
	cgi GET /api/docs
	[ "$(header Content-Type)" = "text/html; charset=utf-8" ]
	grep -q '/api/openapi.json' "$body"
	! grep -q '@BASE@' "$body"
}

@test "GET /openapi.json describes every API route with its tags" {
	cgi GET /openapi.json
	[ "$status_code" = 200 ]
	[ "$(jq_ 'sorted(d["paths"])')" = '["/", "/args", "/args/{arg}", "/batch-jobs", "/batch-jobs/{job-id}", "/batch-jobs/{job-id}/predictions", "/health/live", "/health/ready", "/models", "/models/{model-name}", "/models/{model-name}/activations", "/models/{model-name}/active-version", "/models/{model-name}/predict", "/models/{model-name}/versions", "/models/{model-name}/versions/{version}", "/models/{model-name}/versions/{version}/predict", "/performance", "/predict", "/predictions/{item-id}", "/users", "/users/me", "/users/{user-name}", "/users/{user-name}/api-keys", "/users/{user-name}/api-keys/{key-id}"]' ]
	[ "$(jq_ 'd["info"]["title"]')" = "TagIfAI - Made With ML" ]
	# the management routes carry the bearer scheme (Swagger UI's Authorize)
	[ "$(jq_ 'd["paths"]["/models"]["post"]["security"]')" = '[{"APIKey": []}]' ]
	[ "$(jq_ 'd["paths"]["/models"]["post"]["x-role"]')" = deploy ]
	[ "$(jq_ '"security" in d["paths"]["/predict"]["post"]')" = false ]
	[ "$(jq_ 'd["servers"]')" = '[{"url": "/"}]' ]
	[ "$(jq_ 'sorted(d["paths"]["/predict"]["post"]["responses"])')" = '["200", "413", "415", "422"]' ]
}

@test "GET /metrics under plain CGI is a 404 that says why" {
	cgi GET /metrics
	[ "$status_code" = 404 ]
	[ "$(header Content-Type)" = application/json ]
	[ "$(jq_ 'd["detail"]')" = 'No metrics under plain CGI: each request is a process of its own; serve over FastCGI for /metrics' ]
}

@test "GET /health/live and /health/ready under plain CGI answer the envelope" {
	cgi GET /health/live
	[ "$status_code" = 200 ]
	[ "$(jq_ 'd["data"]')" = '{"status": "live"}' ]
	cgi GET /health/ready
	[ "$status_code" = 200 ]
	[ "$(jq_ 'd["data"]["status"]')" = ready ]
	[ "$(jq_ 'd["status-code"]')" = 200 ]
}

@test "the pages and static files are served from memory" {
	for p in docs redoc demo; do
		cgi GET "/$p"
		[ "$status_code" = 200 ]
		[ "$(header Content-Type)" = "text/html; charset=utf-8" ]
		! grep -q '@BASE@' "$body"
	done
	cgi GET /static/docs.css
	[ "$status_code" = 200 ]
	[ "$(header Content-Type)" = "text/css; charset=utf-8" ]
	[ -n "$(header Cache-Control)" ]
	cmp -s "$body" "$top_srcdir/www/static/docs.css"
	for bad in /static/../docs.html /static/%2e%2e/docs.html /static/nope.js /static/; do
		cgi GET "$bad"
		[ "$status_code" = 404 ]
	done
}

@test "without a www folder the pages are 404 JSON and the API still answers" {
	SERVICE_ARGS="--www $BATS_TEST_TMPDIR/nowhere"
	cgi GET /docs
	[ "$status_code" = 404 ]
	[ "$(jq_ 'd')" = '{"detail": "Not Found"}' ]
	cgi GET /static/docs.css
	[ "$status_code" = 404 ]
	cgi GET /args
	[ "$status_code" = 200 ]
}

@test "a model that does not load exits 1 with the reason" {
	MODEL=$BATS_TEST_TMPDIR/missing.tagifai
	cgi GET /
	[ "$cgi_rc" -eq 1 ]
	grep -q 'missing.tagifai' "$BATS_TEST_TMPDIR/stderr"
	printf 'not a model' >"$BATS_TEST_TMPDIR/bad.tagifai"
	MODEL=$BATS_TEST_TMPDIR/bad.tagifai
	cgi GET /
	[ "$cgi_rc" -eq 1 ]
}

@test "--help, --version and bad options" {
	run "$BIN" --help
	[ "$status" -eq 0 ]
	[[ "$output" == *--max-text-chars* ]]
	run "$BIN" --version
	[ "$status" -eq 0 ]
	[[ "$output" == "tagifai-fcgi "* ]]
	run "$BIN" --max-body 0
	[ "$status" -eq 2 ]
	run "$BIN" --bogus
	[ "$status" -eq 2 ]
	run "$BIN" --prefix api
	[ "$status" -eq 2 ]
}

# ---- FastCGI ---------------------------------------------------------------

start_fcgi() {  # extra args...
	sock=$BATS_TEST_TMPDIR/fcgi.sock
	"$BIN" --model "$MODEL" --www "$top_srcdir/www" --listen "unix:$sock" "$@" \
		2>"$BATS_TEST_TMPDIR/server.log" &
	server_pid=$!
	for _ in $(seq 1 200); do
		grep -q 'ready:' "$BATS_TEST_TMPDIR/server.log" && [ -S "$sock" ] && return 0
		kill -0 "$server_pid" 2>/dev/null || return 1
		sleep 0.05
	done
	return 1
}

fcgi_call() {  # METHOD URI [BODY]
	local in=$BATS_TEST_TMPDIR/in out=$BATS_TEST_TMPDIR/out len=
	printf '%s' "${3-}" >"$in"
	[ $# -ge 3 ] && len=$(wc -c <"$in" | tr -d ' ')
	cgi_env_for "$1" "$2" "$len"
	env -i "${cgi_env[@]}" cgi-fcgi -bind -connect "$sock" <"$in" >"$out"
	split_answer "$out"
}

stop_fcgi() {
	kill -TERM "$server_pid" 2>/dev/null || true
	wait "$server_pid"
}

@test "a FastCGI request costs the floor's system calls: no poll before accept, no getrandom, no log write" {
	start_fcgi
	fcgi_call POST /predict "$P"   # warm: the first request may set things up
	[ "$status_code" = 200 ]
	strace -f -qq -c -o "$BATS_TEST_TMPDIR/strace" -p "$server_pid" &
	local tracer=$! i
	for ((i = 0; i < 100; i++)); do
		grep -q "^TracerPid:[[:space:]]*$tracer\$" "/proc/$server_pid/status" && break
		sleep 0.05
	done
	for ((i = 0; i < 20; i++)); do
		fcgi_call POST /predict "$P"
		[ "$status_code" = 200 ]
	done
	kill -INT "$tracer"
	wait "$tracer" || true
	stop_fcgi
	sed 's/^/# /' "$BATS_TEST_TMPDIR/strace" >&3
	# strace -c: % time, seconds, usecs/call, calls, [errors,] syscall
	calls() { awk -v s="$1" '$NF == s { print $4 }' "$BATS_TEST_TMPDIR/strace"; }
	[ "$(calls accept)" -eq 20 ] || [ "$(calls accept4)" -eq 20 ]
	[ "$(calls write)" -eq 20 ]    # the answer, one write each; no log line
	[ -z "$(calls getrandom)" ]
	[ -z "$(calls ppoll)" ]
	[ -z "$(calls rt_sigprocmask)" ]
}

@test "a server of a model that does not stem never maps libstemmer" {
	! objdump -p "$BIN" | grep -q 'NEEDED.*stemmer'
	start_fcgi
	fcgi_call POST /predict "$P"
	[ "$status_code" = 200 ]
	grep -q 'libutf8proc' "/proc/$server_pid/maps"
	! grep -q 'libstemmer' "/proc/$server_pid/maps"
	stop_fcgi
}

@test "the ready line names the model, the socket and the pages" {
	start_fcgi
	grep -q "ready: model .* version .* checksum .*listening on unix:$BATS_TEST_TMPDIR/fcgi.sock" "$BATS_TEST_TMPDIR/server.log"
	grep -q '3 of 3 pages' "$BATS_TEST_TMPDIR/server.log"
	stop_fcgi
}

@test "FastCGI and CGI give identical answers" {
	start_fcgi
	export CGI_HTTP_X_REQUEST_ID=same-id
	for req in "GET /" "GET /args/alpha" "GET /performance?filter=class" "GET /nope" \
		"POST /predict" "POST /predict {}" "GET /openapi.json" "GET /docs" "HEAD /args"; do
		set -- $req
		if [ $# -eq 3 ]; then fcgi_call "$1" "$2" "$3"; else fcgi_call "$@"; fi
		sed 's/"timestamp":"[^"]*"//' "$body" >"$BATS_TEST_TMPDIR/fcgi.body"
		cp "$headers" "$BATS_TEST_TMPDIR/fcgi.headers"
		if [ $# -eq 3 ]; then cgi "$1" "$2" "$3"; else cgi "$@"; fi
		sed 's/"timestamp":"[^"]*"//' "$body" >"$BATS_TEST_TMPDIR/cgi.body"
		cmp "$BATS_TEST_TMPDIR/fcgi.body" "$BATS_TEST_TMPDIR/cgi.body"
		cmp "$BATS_TEST_TMPDIR/fcgi.headers" "$headers"
	done
	fcgi_call POST /predict "$P"
	[ "$status_code" = 200 ]
	stop_fcgi
}

@test "SIGTERM while waiting for a connection exits 0" {
	start_fcgi
	kill -TERM "$server_pid"
	rc=0
	wait "$server_pid" || rc=$?
	[ "$rc" -eq 0 ]
	grep -q 'stopped by signal' "$BATS_TEST_TMPDIR/server.log"
}

# Starts a POST /predict whose body waits in a fifo (written to fd $wfd)
# and returns when the server holds the connection (one more fd in /proc):
# it is then inside the request, waiting for the body.  Output: OUT.
hold_request() {
	local fifo=$BATS_TEST_TMPDIR/body.fifo before
	mkfifo "$fifo"
	before=$(ls /proc/"$server_pid"/fd | wc -l)
	cgi_env_for POST /predict "${#P}"
	env -i "${cgi_env[@]}" cgi-fcgi -bind -connect "$sock" <"$fifo" >"$1" &
	client=$!
	exec {wfd}>"$fifo"
	for _ in $(seq 1 200); do
		[ "$(ls /proc/"$server_pid"/fd | wc -l)" -gt "$before" ] && break
		sleep 0.05
	done
	[ "$(ls /proc/"$server_pid"/fd | wc -l)" -gt "$before" ]
}

@test "SIGTERM during a request finishes that request, then exits 0" {
	start_fcgi
	hold_request "$BATS_TEST_TMPDIR/out"
	kill -TERM "$server_pid"
	printf "%s" "$P" >&"$wfd"
	exec {wfd}>&-
	wait "$client"
	rc=0
	wait "$server_pid" || rc=$?
	[ "$rc" -eq 0 ]
	split_answer "$BATS_TEST_TMPDIR/out"
	[ "$status_code" = 200 ]
	[ "$(jq_ 'len(d["data"]["predictions"])')" = 2 ]
}

@test "SIGTERM with connections queued serves them all, removes its socket, then exits 0" {
	local i rc=0
	start_fcgi
	hold_request "$BATS_TEST_TMPDIR/out.0"
	local pids=("$client")
	# The only process is inside that request; five more connections
	# wait in the listen backlog.
	for i in 1 2 3 4 5; do
		env -i "${cgi_env[@]}" cgi-fcgi -bind -connect "$sock" <<<"$P" >"$BATS_TEST_TMPDIR/out.$i" &
		pids+=($!)
	done
	for _ in $(seq 1 100); do
		[ "$(ss -Hxl | awk -v s="$sock" '$5 == s { print $3 }')" = 5 ] && break
		sleep 0.05
	done
	[ "$(ss -Hxl | awk -v s="$sock" '$5 == s { print $3 }')" = 5 ]
	kill -TERM "$server_pid"
	printf "%s" "$P" >&"$wfd"
	exec {wfd}>&-
	for i in "${pids[@]}"; do wait "$i"; done
	wait "$server_pid" || rc=$?
	[ "$rc" -eq 0 ]
	[ ! -e "$sock" ]
	for i in 0 1 2 3 4 5; do
		split_answer "$BATS_TEST_TMPDIR/out.$i"
		[ "$status_code" = 200 ]
	done
}

@test "SIGINT stops the server too" {
	start_fcgi
	kill -INT "$server_pid"
	rc=0
	wait "$server_pid" || rc=$?
	[ "$rc" -eq 0 ]
}
