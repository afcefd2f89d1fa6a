# SPDX-License-Identifier: MIT
# tests/api/service_helpers.bash - run tagifai-fcgi as a plain CGI program
# (or through cgi-fcgi against its FastCGI socket) and pick the answer
# apart.  Used by tests/api/service_cgi.bats.
#
#   cgi METHOD URI [BODY]   runs one request; env vars named CGI_* are
#                           passed without the prefix (CGI_HTTP_HOST=...);
#                           sets $status_code, $headers (file), $body (file)
#   header NAME             value of a response header
#   jq_ EXPR                Python expression on the parsed body `d`

: "${top_srcdir:?}" "${top_builddir:?}"
PYTHON3=${PYTHON3:-/usr/bin/python3}
SHARED_DIR=${SHARED_DIR:-$top_srcdir/../shared}
BIN=$top_builddir/tagifai-fcgi
TOOL=$top_builddir/tagifai
EXPORT_DIR=$SHARED_DIR/peers/fastapi/artifacts

# One model per test file: an import of the reference export, so that
# args, performance and tags are the reference's own.
service_model() {
	if [ -n "${TAGIFAI_TEST_MODEL:-}" ]; then
		echo "$TAGIFAI_TEST_MODEL"
	else
		local out=$BATS_FILE_TMPDIR/test.tagifai
		[ -f "$out" ] || "$TOOL" import --export "$EXPORT_DIR/export.json" \
			--args "$EXPORT_DIR/args.json" \
			--performance "$EXPORT_DIR/performance.json" \
			--name tagifai-test --version 0.0.1 -o "$out" >&2
		echo "$out"
	fi
}

# Builds the environment for one request into the array cgi_env.
cgi_env_for() {
	local method=$1 uri=$2 len=$3
	local path=${uri%%\?*} query=
	case $uri in *\?*) query=${uri#*\?} ;; esac
	cgi_env=(REQUEST_METHOD="$method" REQUEST_URI="$uri"
		QUERY_STRING="$query" SCRIPT_NAME="$path" PATH_INFO=
		SERVER_NAME=127.0.0.1 SERVER_PORT=8000 HTTP_HOST=127.0.0.1:8000
		GATEWAY_INTERFACE=CGI/1.1 SERVER_PROTOCOL=HTTP/1.1 TZ=UTC
		CONTENT_TYPE=application/json)
	[ -n "$len" ] && cgi_env+=(CONTENT_LENGTH="$len")
	local v
	for v in $(compgen -v CGI_); do
		cgi_env+=("${v#CGI_}=${!v}")
	done
}

# Splits $1 (a CGI answer) into $headers/$body and sets $status_code.
split_answer() {
	headers=$BATS_TEST_TMPDIR/headers
	body=$BATS_TEST_TMPDIR/body
	"$PYTHON3" - "$1" "$headers" "$body" <<'PY'
import sys
raw = open(sys.argv[1], "rb").read()
head, sep, payload = raw.partition(b"\r\n\r\n")
open(sys.argv[2], "wb").write(head + b"\r\n" if sep else raw)
open(sys.argv[3], "wb").write(payload)
PY
	status_code=$(sed -n 's/^Status: \([0-9]*\).*/\1/p' "$headers" | head -n1)
}

cgi() {
	local method=$1 uri=$2 data=${3-}
	local in=$BATS_TEST_TMPDIR/in out=$BATS_TEST_TMPDIR/out
	printf '%s' "$data" >"$in"
	local len=
	[ $# -ge 3 ] && len=$(wc -c <"$in" | tr -d ' ')
	cgi_env_for "$method" "$uri" "$len"
	cgi_rc=0
	# SERVICE_WWW apart from SERVICE_ARGS (split on spaces): the checkout's
	# path may hold spaces
	local -a www=()
	[ -z "${SERVICE_WWW:-}" ] || www=(--www "$SERVICE_WWW")
	env -i "${cgi_env[@]}" "$BIN" --model "$MODEL" "${www[@]}" ${SERVICE_ARGS:-} \
		<"$in" >"$out" 2>"$BATS_TEST_TMPDIR/stderr" || cgi_rc=$?
	split_answer "$out"
}

header() {
	sed -n "s/^$1: \(.*\)\r\$/\1/Ip" "$headers" | head -n1
}

jq_() {
	"$PYTHON3" -c 'import json,sys; d=json.load(open(sys.argv[1])); v=eval(sys.argv[2]); print(v if isinstance(v, str) else json.dumps(v))' "$body" "$1"
}
