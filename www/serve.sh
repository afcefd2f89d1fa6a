#!/bin/sh
# SPDX-License-Identifier: MIT
# www/serve.sh - `make serve`: run the freshly built tagifai-fcgi behind
# lighttpd on http://127.0.0.1:$PORT/ (default 8000) in the FOREGROUND until
# Ctrl-C, with the default model.  The lighttpd config is www/conf/lighttpd.conf
# with its placeholders filled in, written to a run directory together with
# the JSON error pages, logs, pid file and sockets: $top_builddir/run/serve-$PORT,
# or /run/tagifai-fcgi/serve-$PORT as root (see below; SERVE_RUNDIR overrides).
# Nothing outside that directory is written.
#
# Environment: PORT (8000), top_srcdir, top_builddir (default: this script's
# source tree and the current directory), LIGHTTPD (lighttpd on PATH or in
# /usr/sbin), TAGIFAI_MODEL (default $top_srcdir/models/default.tagifai),
# TAGIFAI_WWW (default $top_builddir/www-root, the pages as installed),
# TAGIFAI_MAX_BODY (1048576, the application's and lighttpd's limit), SERVE_USER (www-data; used only when run as root).
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
MAX_UPLOAD=67108864   # --max-upload's default: 64 MiB
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

case $MAX_BODY in
''|*[!0-9]*) die "TAGIFAI_MAX_BODY must be a number of bytes (got '$MAX_BODY')" ;;
esac
[ $((MAX_BODY % 1024)) -eq 0 ] && [ "$MAX_BODY" -gt 0 ] ||
	die "TAGIFAI_MAX_BODY must be a positive multiple of 1024 (lighttpd counts KiB; got $MAX_BODY)"

# The run directory holds everything lighttpd and its FastCGI processes read
# or write: config, JSON error pages, logs, pid file, sockets and, as root,
# a copy of the server, the model and the pages.  As root lighttpd drops to
# SERVE_USER, who may not be able to enter the checkout (a home directory is
# 0700): the run directory is then under /run, and nothing in the checkout
# is opened by that user.  Otherwise lighttpd runs as us, in the build tree.
user=$(id -un)
group=$(id -gn)
if [ "$(id -u)" = 0 ]; then
	user=${SERVE_USER:-www-data}
	group=$(id -gn "$user")
	run=${SERVE_RUNDIR:-/run/tagifai-fcgi/serve-$PORT}
else
	run=${SERVE_RUNDIR:-$top_builddir/run/serve-$PORT}
fi
if [ -f "$run/lighttpd.pid" ] && kill -0 "$(cat "$run/lighttpd.pid")" 2>/dev/null; then
	die "a server from $run is still running (pid $(cat "$run/lighttpd.pid"))"
fi
# Everything but the model registry starts afresh (its versions and
# activations outlive a restart).
if [ -d "$run" ]; then
	find "$run" -mindepth 1 -maxdepth 1 ! -name registry -exec rm -rf {} +
fi
mkdir -p "$run/registry"
# A new registry gets its first admin, whose key is printed once below (as
# a notebook server prints its token): there is no default password.
admin_key=
if [ ! -e "$run/registry/registry.db" ]; then
	admin_key=$("$top_builddir/tagifai" users create admin --role admin \
		--registry "$run/registry" --quiet) ||
		die "could not create the first admin in $run/registry"
fi
sh "$top_srcdir/www/error_pages.sh" "$run/errors" "$MAX_BODY"
sbindir=$top_builddir
if [ "$(id -u)" = 0 ]; then
	# /run/tagifai-fcgi and the run directory: searchable by SERVE_USER,
	# writable only by root and (the run directory) by SERVE_USER.
	chmod 755 "$(dirname "$run")" "$run"
	mkdir "$run/sbin" "$run/model"
	cp "$APP" "$run/sbin/tagifai-fcgi"
	cp "$MODEL" "$run/model/$(basename "$MODEL")"
	cp -R "$WWWDIR" "$run/www"
	chmod -R a+rX "$run"
	# but the registry's server secret stays its owner's (0600)
	[ ! -e "$run/registry/auth.secret" ] || chmod 600 "$run/registry/auth.secret"
	sbindir=$run/sbin
	MODEL=$run/model/$(basename "$MODEL")
	WWWDIR=$run/www
	chown "$user:$group" "$run"
	# lighttpd's workers run as SERVE_USER and write the registry.
	chown -R "$user:$group" "$run/registry"
fi

# sed replacement text: escape \, & and the | delimiter
esc() { printf '%s' "$1" | sed 's/[\\&|]/\\&/g'; }
sed -e "s|@HOST@|127.0.0.1|g" \
    -e "s|@PORT@|$PORT|g" \
    -e "s|@SBINDIR@|$(esc "$sbindir")|g" \
    -e "s|@MODEL@|$(esc "$MODEL")|g" \
    -e "s|@WWWDIR@|$(esc "$WWWDIR")|g" \
    -e "s|@RUNDIR@|$(esc "$run")|g" \
    -e "s|@ERRORDIR@|$(esc "$run/errors")|g" \
    -e "s|@USER@|$(esc "$user")|g" \
    -e "s|@GROUP@|$(esc "$group")|g" \
    -e "s|@MAX_BODY@|$MAX_BODY|g" \
    -e "s|@MAX_BODY_KIB@|$((MAX_BODY / 1024))|g" \
    -e "s|@MAX_UPLOAD@|$MAX_UPLOAD|g" \
    -e "s|@MAX_UPLOAD_KIB@|$((MAX_UPLOAD / 1024))|g" \
    -e "s|@REGISTRY@|$(esc "$run/registry")|g" \
    "$top_srcdir/www/conf/lighttpd.conf" > "$run/lighttpd.conf"

"$LIGHTTPD" -tt -f "$run/lighttpd.conf" >/dev/null 2>"$run/configtest.log" || {
	cat "$run/configtest.log" >&2
	die "lighttpd rejected $run/lighttpd.conf"
}

echo "serve: TagIfAI API at http://127.0.0.1:$PORT/"
echo "serve: API docs at    http://127.0.0.1:$PORT/docs"
echo "serve: model $MODEL; logs in $run; Ctrl-C stops"
echo "serve: model registry in $run/registry (tagifai models list --registry $run/registry)"
if [ -n "$admin_key" ]; then
	echo "serve: new registry: user 'admin', API key (shown once, keep it):"
	echo "serve:     $admin_key"
	echo "serve: e.g. curl -H \"Authorization: Bearer $admin_key\" http://127.0.0.1:$PORT/models"
else
	echo "serve: users and keys: tagifai users list --registry $run/registry"
fi
exec "$LIGHTTPD" -D -f "$run/lighttpd.conf"
