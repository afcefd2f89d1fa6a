#!/bin/sh
# SPDX-License-Identifier: MIT
# www/serve.sh - `make serve`: run the freshly built tagifai-fcgi behind
# lighttpd on http://127.0.0.1:$PORT/ (default 8000) in the FOREGROUND until
# Ctrl-C, with the default model.  The lighttpd config is www/conf/lighttpd.conf
# with its placeholders filled in, written to a run directory under the build
# tree ($top_builddir/run/serve-$PORT) together with the logs, pid file and
# sockets.  Nothing outside that directory is written.
#
# Environment: PORT (8000), top_srcdir, top_builddir (default: this script's
# source tree and the current directory), LIGHTTPD (lighttpd on PATH or in
# /usr/sbin), TAGIFAI_MODEL (default $top_srcdir/models/default.tagifai),
# TAGIFAI_WWW (default $top_builddir/www-root, the pages as installed),
# TAGIFAI_MAX_BODY (1048576), SERVE_USER (www-data; used only when run as root).
# Exit status: lighttpd's, or 1 when the port is busy or a file is missing.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
top_srcdir=$(cd "${top_srcdir:-$here/..}" && pwd)
top_builddir=$(cd "${top_builddir:-.}" && pwd)
PORT=${PORT:-8000}
MODEL=${TAGIFAI_MODEL:-$top_srcdir/models/default.tagifai}
# pages and static/ laid out as installed (built by www/browser.mk)
WWWDIR=${TAGIFAI_WWW:-$top_builddir/www-root}
MAX_BODY=${TAGIFAI_MAX_BODY:-1048576}
APP=$top_builddir/tagifai-fcgi
LIGHTTPD=${LIGHTTPD:-lighttpd}

die() { echo "serve: $*" >&2; exit 1; }

case $PORT in
''|*[!0-9]*) die "PORT must be a number (got '$PORT')" ;;
esac
[ "$PORT" -ge 1 ] && [ "$PORT" -le 65535 ] || die "PORT must be 1..65535 (got $PORT)"
command -v "$LIGHTTPD" >/dev/null 2>&1 || [ -x "/usr/sbin/$LIGHTTPD" ] ||
	die "lighttpd not found (apt-get install lighttpd, or set LIGHTTPD=)"
command -v "$LIGHTTPD" >/dev/null 2>&1 || LIGHTTPD=/usr/sbin/$LIGHTTPD
[ -x "$APP" ] || die "$APP is not built (run make first)"
[ -r "$MODEL" ] || die "no model at $MODEL (set TAGIFAI_MODEL=)"
[ -d "$WWWDIR" ] || die "no page directory $WWWDIR (run make first, or set TAGIFAI_WWW=)"

# Refuse a busy port before writing anything: lighttpd's own message would
# come after the run directory was replaced.
if ss -Htln "sport = :$PORT" 2>/dev/null | grep -q .; then
	echo "serve: port $PORT is busy (something already listens on it); try make serve PORT=N" >&2
	exit 1
fi

run=$top_builddir/run/serve-$PORT
if [ -f "$run/lighttpd.pid" ] && kill -0 "$(cat "$run/lighttpd.pid")" 2>/dev/null; then
	die "a server from $run is still running (pid $(cat "$run/lighttpd.pid"))"
fi
rm -rf "$run"
mkdir -p "$run"

user=$(id -un)
group=$(id -gn)
if [ "$(id -u)" = 0 ]; then
	# lighttpd refuses to keep running as root: it drops to SERVE_USER, who
	# must be able to write the run directory and read the build tree.
	user=${SERVE_USER:-www-data}
	group=$(id -gn "$user")
	chown "$user:$group" "$run"
fi

# sed replacement text: escape \, & and the | delimiter
esc() { printf '%s' "$1" | sed 's/[\\&|]/\\&/g'; }
sed -e "s|@HOST@|127.0.0.1|g" \
    -e "s|@PORT@|$PORT|g" \
    -e "s|@SBINDIR@|$(esc "$top_builddir")|g" \
    -e "s|@MODEL@|$(esc "$MODEL")|g" \
    -e "s|@WWWDIR@|$(esc "$WWWDIR")|g" \
    -e "s|@RUNDIR@|$(esc "$run")|g" \
    -e "s|@USER@|$(esc "$user")|g" \
    -e "s|@GROUP@|$(esc "$group")|g" \
    -e "s|@MAX_BODY@|$MAX_BODY|g" \
    "$top_srcdir/www/conf/lighttpd.conf" > "$run/lighttpd.conf"

"$LIGHTTPD" -tt -f "$run/lighttpd.conf" >/dev/null 2>"$run/configtest.log" || {
	cat "$run/configtest.log" >&2
	die "lighttpd rejected $run/lighttpd.conf"
}

echo "serve: TagIfAI API at http://127.0.0.1:$PORT/"
echo "serve: API docs at    http://127.0.0.1:$PORT/docs"
echo "serve: model $MODEL; logs in $run; Ctrl-C stops"
exec "$LIGHTTPD" -D -f "$run/lighttpd.conf"
