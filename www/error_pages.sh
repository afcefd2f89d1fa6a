#!/bin/sh
# SPDX-License-Identifier: MIT
# www/error_pages.sh DIR MAX_BODY - writes the JSON bodies that the shipped
# web-server configurations (www/conf/*) send for the errors they answer
# themselves, before the application is reached: a malformed request, a
# body over their size limit, a worker that is down.  A JSON client then
# parses every error it can get, whichever layer produced it.
#
# Each body is what tagifai-fcgi itself answers: {"detail":"..."} with no
# newline, and the 413 names MAX_BODY, the one limit that is rendered both
# into the application's --max-body and into the web server's own limit,
# so the client sees one limit and one message.
#
# DIR gets NNN.json for every status below, and NNN.html, a link to it:
# lighttpd's server.errorfile-prefix can only look for PREFIXNNN.html (its
# config maps .html to application/json; it serves no other static file).
# Exit status: 0, or 1 on bad arguments or a write error.
set -eu

[ $# -eq 2 ] || { echo "usage: $0 DIR MAX_BODY" >&2; exit 1; }
dir=$1
max_body=$2
case $max_body in
''|*[!0-9]*) echo "$0: MAX_BODY must be a number of bytes (got '$max_body')" >&2; exit 1 ;;
esac

mkdir -p "$dir"
page() {
	printf '{"detail":"%s"}' "$2" > "$dir/$1.json.tmp"
	mv "$dir/$1.json.tmp" "$dir/$1.json"
	ln -sf "$1.json" "$dir/$1.html"
}
page 400 "Bad Request"
page 403 "Forbidden"
page 404 "Not Found"
page 405 "Method Not Allowed"
page 408 "Request Timeout"
page 411 "Length Required"
page 413 "Request body larger than $max_body bytes"
page 414 "URI Too Long"
page 417 "Expectation Failed"
page 431 "Request Header Fields Too Large"
page 500 "Internal Server Error"
page 501 "Not Implemented"
page 502 "Bad Gateway: the application is not answering"
page 503 "Service Unavailable: the application is not running"
page 504 "Gateway Timeout: the application took too long"
page 505 "HTTP Version Not Supported"
