# SPDX-License-Identifier: MIT
# tests/browser/stack.bash - start and stop, for a plain TAP script, the
# stack the browser and client tests talk to: lighttpd running the shipped
# www/conf/lighttpd.conf on a free loopback port, which spawns tagifai-fcgi
# mounted at / and at /api, with the model imported from the Python peer and
# a copy of the build-tree document root ($top_builddir/www-root, made by
# `make`).  It reuses tests/api/lib.bash (ports, config rendering, pids);
# everything lives in a private temporary directory that browser_stack_stop
# removes after stopping exactly the processes it started.
#
# Usage (from a .test script):
#   . "$top_srcdir/tests/browser/stack.bash"
#   trap browser_stack_stop EXIT
#   browser_stack_start || { echo "Bail out! ..."; exit 1; }
#   ... use $BASE (http://127.0.0.1:PORT) and $BASE/api ...

: "${top_srcdir:=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
: "${top_builddir:=$PWD}"

# lib.bash keeps its state under the bats per-file directory; outside bats
# the caller's private temporary directory takes its place.
BATS_FILE_TMPDIR=$(mktemp -d "${TMPDIR:-/tmp}/tagifai-browser.XXXXXX") || exit 1
# shellcheck source=../api/lib.bash
. "$top_srcdir/tests/api/lib.bash"

# Start the stack; on success set BASE and return 0.  On failure print the
# cause (and the servers' logs) on stderr and return 1.
browser_stack_start() {
	local port lighttpd reg www=$top_builddir/www-root
	[ -f "$www/demo.html" ] && [ -f "$www/static/vendor/swagger-ui-bundle.js" ] ||
		{ echo "$www is incomplete: run make first" >&2; return 1; }
	stack_init "$LIGHTTPD" || return 1
	# The servers run as $RUN_USER when we are root: give them a copy they
	# can read wherever the build tree is.
	cp -R "$www" "$STACK_DIR/www" && chmod -R a+rX "$STACK_DIR/www" || return 1
	port=$(pick_port) || return 1
	lighttpd=$(tool_path "$LIGHTTPD") || return 1
	# The registry's management routes, for Swagger UI's "Try it out" on
	# them: an admin's API key.
	reg=$(stack_rundir registry) || return 1
	TAGIFAI_TEST_API_KEY=$(stack_admin_key "$reg") || return 1
	export TAGIFAI_TEST_API_KEY
	CONF_PORT=$port CONF_RUNDIR=$(stack_rundir run) \
	CONF_SBINDIR=$(stack_sbindir) CONF_MODEL=$(stack_model) \
	CONF_WWWDIR=$STACK_DIR/www CONF_REGISTRY=$reg \
		render_conf "$top_srcdir/www/conf/lighttpd.conf" "$STACK_DIR/lighttpd.conf" ||
		return 1
	TAGIFAI_TEST_ARTIFACT=$(stack_model) || return 1
	export TAGIFAI_TEST_ARTIFACT
	"$lighttpd" -tt -f "$STACK_DIR/lighttpd.conf" >&2 || return 1
	stack_launch lighttpd "$lighttpd" -D -f "$STACK_DIR/lighttpd.conf" || return 1
	wait_ready "http://127.0.0.1:$port/" || return 1
	wait_ready "http://127.0.0.1:$port/api/" || return 1
	BASE=http://127.0.0.1:$port
	export BASE
}

# Stop what browser_stack_start started and remove the temporary directory.
# Safe to call more than once.
browser_stack_stop() {
	stack_stop
	if [ -n "${BATS_FILE_TMPDIR:-}" ] && [ -d "$BATS_FILE_TMPDIR" ]; then
		rm -rf "$BATS_FILE_TMPDIR"
	fi
}
