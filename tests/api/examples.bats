#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# tests/api/examples.bats - the examples `make install` copies to
# $(pkgdatadir)/examples: every template is rendered, no placeholder is
# left, and they point at the install paths (tagifai-fcgi in sbindir, the
# default model and www under pkgdatadir).  The templates themselves are run
# by the stack suites (lighttpd.bats, nginx.bats, apache*.bats, cgi_apache.bats).

load lib

EXAMPLES="lighttpd.conf nginx.conf apache-fcgid.conf apache-proxy-fcgi.conf htaccess
tagifai-fcgi.socket tagifai-fcgi.service tagifai-batch-runner.service"

@test "examples: every template is rendered into www/examples" {
	local f
	for f in $EXAMPLES; do
		[ -s "$top_builddir/www/examples/$f" ] || { echo "missing www/examples/$f" >&2; return 1; }
	done
}

@test "examples: no placeholder is left" {
	local f
	for f in $EXAMPLES; do
		if grep -n '@[A-Z_]*@' "$top_builddir/www/examples/$f" | grep -v '@LIKE_THIS@'; then
			echo "placeholder left in $f" >&2
			return 1
		fi
	done
}

@test "examples: they name the installed binary, model and www directory" {
	local ex=$top_builddir/www/examples
	grep -Eq '"bin-path" *=> *"/[^"]*/tagifai-fcgi --max-body [0-9]+ --max-upload [0-9]+"' "$ex/lighttpd.conf"
	grep -Eq 'TAGIFAI_REGISTRY" *=> *"/[^"]*/registry"' "$ex/lighttpd.conf"
	grep -Eq 'TAGIFAI_MODEL" *=> *"/[^"]*/models/default.tagifai"' "$ex/lighttpd.conf"
	grep -Eq 'FcgidWrapper "/[^"]*/tagifai-fcgi --max-body [0-9]+"' "$ex/apache-fcgid.conf"
	grep -Eq '^ExecStart=/[^ ]*/tagifai-fcgi --workers [0-9]+ --model /[^ ]*/models/default.tagifai --www /[^ ]*/www --max-body [0-9]+$' "$ex/tagifai-fcgi.service"
	grep -Eq '^ListenStream=/[^ ]*/tagifai.sock$' "$ex/tagifai-fcgi.socket"
	grep -Eq '^ExecStart=/[^ ]*/bin/tagifai batch-runner --registry /[^ ]*/registry --threads [0-9]+ --nice 0$' "$ex/tagifai-batch-runner.service"
	grep -Eq '^ReadWritePaths=/[^ ]*/registry$' "$ex/tagifai-batch-runner.service"
	grep -Eq 'server unix:/[^ ]*/tagifai.sock;' "$ex/nginx.conf"
}

@test "examples: the systemd service takes the socket on fd 0" {
	grep -qx 'StandardInput=socket' "$top_srcdir/www/systemd/tagifai-fcgi.service"
	grep -qx 'StandardOutput=journal' "$top_srcdir/www/systemd/tagifai-fcgi.service"
	grep -qx 'Accept=no' "$top_srcdir/www/systemd/tagifai-fcgi.socket"
	grep -qx 'ExecReload=/bin/kill -HUP $MAINPID' "$top_srcdir/www/systemd/tagifai-fcgi.service"
	grep -qx 'KillMode=mixed' "$top_srcdir/www/systemd/tagifai-fcgi.service"
	grep -qx 'TimeoutStopSec=35' "$top_srcdir/www/systemd/tagifai-fcgi.service"
}

@test "examples: the batch-runner service is restarted always, nice'd, and writes only the registry" {
	local u=$top_srcdir/www/systemd/tagifai-batch-runner.service
	grep -qx 'Restart=always' "$u"
	grep -qx 'Nice=10' "$u"
	grep -qx 'ProtectSystem=strict' "$u"
	grep -qx 'ReadWritePaths=@REGISTRY@' "$u"
	grep -qx 'NoNewPrivileges=yes' "$u"
	if command -v systemd-analyze > /dev/null; then
		# Only the missing binary and manual pages may be reported.
		run systemd-analyze verify "$top_builddir/www/examples/tagifai-batch-runner.service"
		if echo "$output" | grep -v -e 'is not executable' -e "Command 'man " | grep -q .; then
			echo "$output" >&2
			return 1
		fi
	fi
}

@test "examples: the lighttpd example passes lighttpd -tt" {
	local lighttpd
	lighttpd=$(tool_path "$LIGHTTPD")
	# -tt loads the modules but needs no directory of the config to exist
	run "$lighttpd" -tt -f "$top_builddir/www/examples/lighttpd.conf"
	[ "$status" -eq 0 ] || { echo "$output" >&2; return 1; }
}
