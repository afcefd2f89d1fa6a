# SPDX-License-Identifier: MIT
# tests/api/lib.bash - shared helpers of the tests/api/*.bats suites: tool and
# path defaults, free loopback ports, a private state directory per suite,
# rendering of the shipped web-server configs (www/conf/*), the model served
# by the tests, starting servers with recorded pids, waiting for readiness and
# stopping exactly the recorded processes (never by name).
#
# A suite sources this file at top level, calls stack_init in setup_file,
# starts its servers with stack_launch / stack_spawn_fcgi, and calls
# stack_stop in teardown_file (bats runs teardown_file even when tests or
# setup_file fail).  All state (configs, pid list, logs, sockets, model copy)
# lives in $STACK_DIR under $BATS_FILE_TMPDIR.
#
# Environment (exported by `make check`; defaults for a run by hand from the
# source tree with the build in $top_builddir or the current directory):
#   top_srcdir top_builddir SHARED_DIR PYTHON3 LIGHTTPD NGINX APACHE2 SPAWN_FCGI
#   TAGIFAI_FCGI  the server binary (default $top_builddir/tagifai-fcgi)
#   TEST_WWW      pages + static/ (default $top_builddir/www-root)
#   RUN_USER      user the web servers and the app run as when root (www-data)

: "${top_srcdir:=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
: "${top_builddir:=$PWD}"
: "${SHARED_DIR:=$top_srcdir/../shared}"
: "${PYTHON3:=/usr/bin/python3}"
: "${LIGHTTPD:=lighttpd}"
: "${NGINX:=nginx}"
: "${APACHE2:=apache2}"
: "${SPAWN_FCGI:=spawn-fcgi}"
: "${TAGIFAI_FCGI:=$top_builddir/tagifai-fcgi}"
: "${RUN_USER:=www-data}"
# The pages and static/ as installed: the build tree's copy (www/browser.mk)
: "${TEST_WWW:=$top_builddir/www-root}"
export top_srcdir top_builddir SHARED_DIR PYTHON3 LIGHTTPD NGINX APACHE2 SPAWN_FCGI

# Reference material of the Python peer: the served model is imported from
# its export, so tags, /performance and /args must match it exactly.
REF_DIR=$SHARED_DIR/peers/fastapi
ARTIFACTS_DIR=$REF_DIR/artifacts
HOLDOUT=$REF_DIR/reference/holdout_predictions.jsonl
# The body limit the tests configure (--max-body / TAGIFAI_MAX_BODY): above
# the 191-text holdout request (~30 KB); rendered into the web servers' own
# limit too (a multiple of 1024: lighttpd counts KiB).
TEST_MAX_BODY=65536
# --max-upload of the tests, and the web servers' limit on the upload route
# (a multiple of 1024; above the 4 MB artifact).
TEST_MAX_UPLOAD=8388608
APACHE_MODULES=/usr/lib/apache2/modules
STOP_WAIT=${STOP_WAIT:-10}       # seconds before SIGKILL in stack_stop
READY_WAIT=${READY_WAIT:-30}     # seconds to wait for a server to answer

# Resolve a tool name to a path (PATH, then /usr/sbin); fails if absent.
tool_path() {
	local p
	p=$(command -v -- "$1" 2>/dev/null) || p=/usr/sbin/$1
	[ -x "$p" ] || { echo "tool '$1' not found" >&2; return 1; }
	echo "$p"
}

# true if something listens on 127.0.0.1/any address at TCP port $1
port_busy() {
	ss -Htln "sport = :$1" 2>/dev/null | grep -q .
}

# Print a TCP port that nothing listens on, drawn at random from 20000-59999
# (so suites running in parallel rarely draw the same one).  50 tries at most.
pick_port() {
	local i p lo=32768 span
	# Below the kernel's ephemeral range: a port some client connection
	# uses as its local end is not "listening", yet bind() refuses it.
	read -r lo _ < /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || lo=32768
	span=$((lo - 20000)); [ "$span" -ge 2000 ] || span=40000
	for ((i = 0; i < 50; i++)); do
		p=$((20000 + (RANDOM * 32768 + RANDOM) % span))
		if ! port_busy "$p" && [[ " ${PICKED_PORTS:-} " != *" $p "* ]]; then
			PICKED_PORTS="${PICKED_PORTS:-} $p"
			echo "$p"
			return 0
		fi
	done
	echo "pick_port: no free port found" >&2
	return 1
}

# Create $STACK_DIR (world-searchable so that the unprivileged server workers
# can reach it) and the pid list; check the binaries the suite needs.
# Usage: stack_init [TOOL...]
stack_init() {
	local d t
	STACK_DIR=$BATS_FILE_TMPDIR/stack
	mkdir -p "$STACK_DIR"
	: > "$STACK_DIR/pids"
	# bats creates its temporary directories 0700: open the chain for RUN_USER
	d=$STACK_DIR
	while [ "$d" != / ] && [ "$d" != /tmp ]; do
		chmod a+rx "$d"
		d=$(dirname "$d")
	done
	for t in "$@"; do
		tool_path "$t" >/dev/null || return 1
	done
	[ -x "$TAGIFAI_FCGI" ] || { echo "server binary $TAGIFAI_FCGI is missing (build it first)" >&2; return 1; }
	[ -d "$TEST_WWW" ] || { echo "page directory $TEST_WWW is missing (run make first)" >&2; return 1; }
	# The servers' user may not enter the build tree (a checkout in a 0700
	# home directory): they get copies of the pages, as an install would.
	if [ "$TEST_WWW" != "$STACK_DIR/www" ]; then
		rm -rf "$STACK_DIR/www"
		cp -R "$TEST_WWW" "$STACK_DIR/www" && chmod -R a+rX "$STACK_DIR/www" || return 1
		TEST_WWW=$STACK_DIR/www
	fi
	# the JSON bodies of the errors the web servers answer themselves
	sh "$top_srcdir/www/error_pages.sh" "$STACK_DIR/errors" "$TEST_MAX_BODY" &&
		chmod -R a+rX "$STACK_DIR/errors" || return 1
	export STACK_DIR TEST_WWW
}

# Owner of run-time files: RUN_USER when we are root (servers drop to it).
stack_user() {
	if [ "$(id -u)" = 0 ]; then echo "$RUN_USER"; else id -un; fi
}
stack_group() {
	if [ "$(id -u)" = 0 ]; then id -gn "$RUN_USER"; else id -gn; fi
}

# A directory in $STACK_DIR writable by the servers' user.
stack_rundir() {
	local d=$STACK_DIR/$1
	mkdir -p "$d"
	[ "$(id -u)" != 0 ] || chown "$(stack_user):$(stack_group)" "$d"
	chmod 755 "$d"
	echo "$d"
}

# A new admin in the registry DIR, made with the tool as an operator
# would; prints the key (shown once).  The registry's files then belong
# to the servers' user (the secret file is 0600).  Usage: stack_admin_key
# DIR [NAME [ROLE]]
stack_admin_key() {
	local dir=$1 key
	key=$("$top_builddir/tagifai" users create "${2:-admin}" --role "${3:-admin}" \
		--registry "$dir" --quiet) || return 1
	[ "$(id -u)" != 0 ] || chown -R "$(stack_user):$(stack_group)" "$dir" || return 1
	printf '%s\n' "$key"
}

# The Authorization header reaches the application through the stack at
# URL (an API base): GET /users/me with an admin's key of the registry DIR
# is 200, without it or with a wrong one 401.  Usage: auth_reaches URL DIR
auth_reaches() {
	local url=$1 dir=$2 key code
	key=$(stack_admin_key "$dir" "probe-$RANDOM$RANDOM") || return 1
	code=$(curl -s -o "$STACK_DIR/me.json" -w '%{http_code}' -H "Authorization: Bearer $key" "$url/users/me")
	[ "$code" = 200 ] || { echo "with the key: $code $(cat "$STACK_DIR/me.json")"; return 1; }
	grep -q '"name":"probe-' "$STACK_DIR/me.json" || { cat "$STACK_DIR/me.json"; return 1; }
	code=$(curl -s -o /dev/null -w '%{http_code}' "$url/users/me")
	[ "$code" = 401 ] || { echo "without: $code"; return 1; }
	code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer ${key}0" "$url/users/me")
	[ "$code" = 401 ] || { echo "wrong key: $code"; return 1; }
}

# The model served by the tests: imported once per suite from the Python
# peer's export (same classes, coefficients, threshold, args, performance).
stack_model() {
	local out=$STACK_DIR/model.tagifai
	if [ ! -s "$out" ]; then
		"$top_builddir/tagifai" import --export "$ARTIFACTS_DIR/export.json" \
			--args "$ARTIFACTS_DIR/args.json" \
			--performance "$ARTIFACTS_DIR/performance.json" \
			--name tagifai --version reference -o "$out" >"$STACK_DIR/import.log" 2>&1 ||
			{ cat "$STACK_DIR/import.log" >&2; return 1; }
		chmod 644 "$out"
	fi
	echo "$out"
}

# sed replacement text: escape \, & and the | delimiter
sed_esc() { printf '%s' "$1" | sed 's/[\\&|]/\\&/g'; }

# Fill in a shipped config template.  Usage: render_conf SRC DST with the
# placeholder values in CONF_PORT CONF_RUNDIR CONF_SBINDIR CONF_MODEL CONF_WWWDIR
# (CONF_REGISTRY: default a fresh registry directory writable by the stack user)
# (the others are fixed: 127.0.0.1, the stack user, TEST_MAX_BODY and the
# error pages of stack_init).
# Fails if a placeholder is left over.
render_conf() {
	local src=$1 dst=$2
	sed -e "s|@HOST@|127.0.0.1|g" \
	    -e "s|@PORT@|${CONF_PORT:?}|g" \
	    -e "s|@RUNDIR@|$(sed_esc "${CONF_RUNDIR:?}")|g" \
	    -e "s|@SBINDIR@|$(sed_esc "${CONF_SBINDIR:?}")|g" \
	    -e "s|@PKGDATADIR@|$(sed_esc "$STACK_DIR")|g" \
	    -e "s|@MODEL@|$(sed_esc "${CONF_MODEL:?}")|g" \
	    -e "s|@WWWDIR@|$(sed_esc "${CONF_WWWDIR:?}")|g" \
	    -e "s|@USER@|$(stack_user)|g" \
	    -e "s|@GROUP@|$(stack_group)|g" \
	    -e "s|@ERRORDIR@|$(sed_esc "$STACK_DIR/errors")|g" \
	    -e "s|@MAX_BODY@|$TEST_MAX_BODY|g" \
	    -e "s|@MAX_BODY_KIB@|$((TEST_MAX_BODY / 1024))|g" \
	    -e "s|@MAX_UPLOAD@|$TEST_MAX_UPLOAD|g" \
	    -e "s|@MAX_UPLOAD_KIB@|$((TEST_MAX_UPLOAD / 1024))|g" \
	    -e "s|@REGISTRY@|$(sed_esc "${CONF_REGISTRY:-$(stack_rundir registry)}")|g" \
	    "$src" > "$dst" || return 1
	if grep -n '@[A-Z_]*@' "$dst" | grep -v '@LIKE_THIS@'; then
		echo "render_conf: placeholder left in $dst" >&2
		return 1
	fi
}

# Copy the server binary into the stack (the directory mod_fcgid and the
# CGI tests serve it from; it keeps the build tree out of the servers' view).
stack_sbindir() {
	local d=$STACK_DIR/sbin
	mkdir -p "$d"
	cp "$TAGIFAI_FCGI" "$d/tagifai-fcgi"
	chmod 755 "$d" "$d/tagifai-fcgi"
	echo "$d"
}

# "start time" of a pid (field 22 of /proc/PID/stat) and its state
pid_starttime() { awk '{print $22}' "/proc/$1/stat" 2>/dev/null; }
pid_state() { awk '{print $3}' "/proc/$1/stat" 2>/dev/null; }

# Record "pid starttime role" in the pid list.
record_pid() {
	local st
	st=$(pid_starttime "$1") || true
	[ -n "$st" ] || { echo "record_pid: $1 ($2) is already gone" >&2; return 1; }
	echo "$1 $st $2" >> "$STACK_DIR/pids"
}

# true if PID is alive, not a zombie, and has start time ST
pid_matches() {
	local cur
	cur=$(pid_starttime "$1") || return 1
	[ -n "$cur" ] && [ "$cur" = "$2" ] && [ "$(pid_state "$1")" != Z ]
}

# All descendants of a pid (by parent pid; never by name)
descendants_of() {
	ps -e -o pid=,ppid= | awk -v r="$1" '
		{ pp[$1] = $2; pids[NR] = $1 }
		END {
			keep[r] = 1; changed = 1
			while (changed) { changed = 0
				for (i in pids) { p = pids[i]
					if (!(p in keep) && (pp[p] in keep)) { keep[p] = 1; changed = 1 } } }
			for (p in keep) if (p != r) print p
		}'
}

# Start a server in the foreground, in its own session, output to
# $STACK_DIR/ROLE.out; record its pid.  Usage: stack_launch ROLE CMD...
stack_launch() {
	local role=$1 pid
	shift
	setsid "$@" > "$STACK_DIR/$role.out" 2>&1 < /dev/null &
	pid=$!
	record_pid "$pid" "$role" || { cat "$STACK_DIR/$role.out" >&2; return 1; }
}

# spawn-fcgi N app processes on the unix socket SOCK (owned by the stack
# user, mode 0660); record their pids.  Usage: stack_spawn_fcgi SOCK N ARGS...
stack_spawn_fcgi() {
	local sock=$1 n=$2 spawn pid
	shift 2
	spawn=$(tool_path "$SPAWN_FCGI") || return 1
	local -a ugid=()
	[ "$(id -u)" != 0 ] || ugid=(-U "$(stack_user)" -G "$(stack_group)" -u "$(stack_user)" -g "$(stack_group)")
	"$spawn" -s "$sock" -M 0660 "${ugid[@]}" -F "$n" -P "$STACK_DIR/spawn.pids" \
		-- "$@" > "$STACK_DIR/spawn-fcgi.log" 2>&1 ||
		{ cat "$STACK_DIR/spawn-fcgi.log" >&2; return 1; }
	for pid in $(tr '\n' ' ' < "$STACK_DIR/spawn.pids"); do
		record_pid "$pid" app || return 1
	done
}

# Wait until URL answers HTTP 200 (READY_WAIT seconds at most).  On failure
# print the stack's logs.  Usage: wait_ready URL
wait_ready() {
	local i code
	for ((i = 0; i < READY_WAIT * 10; i++)); do
		code=$(curl -s -o /dev/null -m 2 -w '%{http_code}' "$1" 2>/dev/null) || true
		[ "$code" = 200 ] && return 0
		stack_running || break
		sleep 0.1
	done
	echo "wait_ready: $1 did not answer 200 within ${READY_WAIT}s (last: $code)" >&2
	stack_dump_logs >&2
	return 1
}

stack_dump_logs() {
	local f
	for f in "$STACK_DIR"/*.out "$STACK_DIR"/*.log "$STACK_DIR"/*/*.log; do
		[ -f "$f" ] || continue
		echo "----- $f"
		tail -n 30 "$f"
	done
}

# true while every recorded server (role other than "app") is alive
stack_running() {
	local pid st role
	while read -r pid st role; do
		[ -n "$pid" ] && [ "$role" != app ] || continue
		pid_matches "$pid" "$st" || { echo "$role (pid $pid) has exited" >&2; return 1; }
	done < "$STACK_DIR/pids"
}

# Stop everything recorded in $STACK_DIR/pids: snapshot the descendants of the
# recorded servers (mod_fcgid's manager and its processes, lighttpd's
# bin-path children), SIGTERM the recorded pids, wait up to STOP_WAIT s, then
# SIGKILL whatever of the snapshot is left.  Processes are matched by pid and
# start time, so a reused pid is never hit.  Safe to call twice.
stack_stop() {
	[ -n "${STACK_DIR:-}" ] && [ -f "$STACK_DIR/pids" ] || return 0
	local pid st role c cst t i alive
	local -a targets=()
	while read -r pid st role; do
		[ -n "$pid" ] && pid_matches "$pid" "$st" || continue
		targets+=("$pid:$st")
		for c in $(descendants_of "$pid"); do
			cst=$(pid_starttime "$c") && [ -n "$cst" ] && targets+=("$c:$cst")
		done
	done < "$STACK_DIR/pids"
	while read -r pid st role; do
		[ -n "$pid" ] && pid_matches "$pid" "$st" && kill -TERM "$pid" 2>/dev/null
	done < "$STACK_DIR/pids"
	for ((i = 0; i < STOP_WAIT * 10; i++)); do
		alive=0
		for t in "${targets[@]}"; do
			pid_matches "${t%%:*}" "${t#*:}" && { alive=1; break; }
		done
		[ "$alive" = 0 ] && break
		sleep 0.1
	done
	for t in "${targets[@]}"; do
		if pid_matches "${t%%:*}" "${t#*:}"; then
			# say what did not stop on SIGTERM (it may exit meanwhile)
			echo "stack_stop: SIGKILL $(ps -o pid=,ppid=,stat=,wchan:24=,args= -p "${t%%:*}" || true)" >&2
			kill -KILL "${t%%:*}" 2>/dev/null || true   # it may exit meanwhile
		fi
	done
	printf '%s\n' "${targets[@]}" > "$STACK_DIR/stopped.targets"
	mv "$STACK_DIR/pids" "$STACK_DIR/pids.stopped"
}

# After stack_stop: true if none of the processes it saw (recorded pids and
# their descendants) is alive, and it saw at least one.
stack_gone() {
	local t n i alive
	[ -s "$STACK_DIR/stopped.targets" ] || { echo "stack_gone: nothing was stopped" >&2; return 1; }
	# a SIGKILLed process may take a moment to disappear: 2 s at most
	for ((i = 0; i < 20; i++)); do
		alive= n=0
		while read -r t; do
			[ -n "$t" ] || continue
			n=$((n + 1))
			pid_matches "${t%%:*}" "${t#*:}" && alive="$alive ${t%%:*}"
		done < "$STACK_DIR/stopped.targets"
		[ -z "$alive" ] && break
		sleep 0.1
	done
	[ -z "$alive" ] || { echo "stack_gone: still alive:$alive" >&2; ps -o pid,ppid,stat,args -p "${alive# }" >&2; return 1; }
	[ "$n" -gt 0 ]
}

# Write a minimal Apache main config that runs from STACK_DIR only: its own
# ServerRoot, DefaultRuntimeDir, PidFile, ErrorLog, Listen 127.0.0.1:PORT,
# workers as the stack user, the named modules (mod_authz_core always) and
# an Include of the site file under test.  Nothing from /etc/apache2 is read.
# Usage: apache_main_conf DST PORT RUNDIR MPM SITE-CONF [MODULE...]
# (MPM: event or prefork; MODULE: e.g. fcgid alias env mime cgi)
apache_main_conf() {
	local dst=$1 port=$2 run=$3 mpm=$4 site=$5 m
	shift 5
	{
		echo "ServerRoot \"$run\""
		echo "DefaultRuntimeDir \"$run\""
		echo "PidFile \"$run/apache2.pid\""
		echo "Listen 127.0.0.1:$port"
		echo "ServerName 127.0.0.1"
		if [ "$(id -u)" = 0 ]; then
			echo "User $(stack_user)"
			echo "Group $(stack_group)"
		fi
		echo "ErrorLog \"$run/apache-error.log\""
		echo "LogLevel warn"
		echo "LoadModule mpm_${mpm}_module $APACHE_MODULES/mod_mpm_$mpm.so"
		echo "LoadModule authz_core_module $APACHE_MODULES/mod_authz_core.so"
		for m in "$@"; do
			echo "LoadModule ${m}_module $APACHE_MODULES/mod_$m.so"
		done
		echo "StartServers 1"
		echo "MaxRequestWorkers 16"
		[ "$mpm" = prefork ] || echo "ThreadsPerChild 16"
		echo "<IfModule mime_module>"
		echo "    TypesConfig /dev/null"
		echo "</IfModule>"
		echo "<IfModule fcgid_module>"
		echo "    FcgidIPCDir \"$run/fcgidsock\""
		echo "    FcgidProcessTableFile \"$run/fcgid_shm\""
		echo "</IfModule>"
		echo "DocumentRoot \"$STACK_DIR/docroot\""
		echo "<Directory />"
		echo "    AllowOverride None"
		echo "    Require all denied"
		echo "</Directory>"
		echo "Include \"$site\""
	} > "$dst"
	mkdir -p "$STACK_DIR/docroot"
	chmod 755 "$STACK_DIR/docroot"
}

# Start Apache in the foreground with a config made by apache_main_conf.
# Usage: apache_start CONF RUNDIR
apache_start() {
	local apache
	apache=$(tool_path "$APACHE2") || return 1
	"$apache" -t -f "$1" -d "$2" > "$STACK_DIR/apache-configtest.log" 2>&1 ||
		{ cat "$STACK_DIR/apache-configtest.log" >&2; return 1; }
	stack_launch apache2 "$apache" -f "$1" -d "$2" -DFOREGROUND
}

# Open a raw connection, send the headers of a POST with Content-Length
# 1000 and 10 bytes of body, then stall.  Writes "open" to $1 once sent and
# then, when the server closes the connection (bounded: 30 s), a line
# "closed SECONDS BYTES-RECEIVED" (or "timeout" if it never closes).
stalled_client() {
	"$PYTHON3" - "$1" "${BASE#http://}" <<'EOF'
import socket, sys, time
out, hostport = sys.argv[1], sys.argv[2]
host, port = hostport.rsplit(":", 1)
s = socket.create_connection((host, int(port)), timeout=30)
s.sendall(b"POST /predict HTTP/1.1\r\nHost: " + hostport.encode() +
          b"\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n"
          b"X-Request-Id: stalled-client-1\r\n\r\n" + b'{"texts":[')
t0 = time.monotonic()
with open(out, "w") as f:
    f.write("open\n")
got = b""
try:
    while True:
        chunk = s.recv(4096)
        if not chunk:
            break
        got += chunk
    line = "closed %.1f %d" % (time.monotonic() - t0, len(got))
except socket.timeout:
    line = "timeout"
except ConnectionResetError:
    line = "closed %.1f %d reset" % (time.monotonic() - t0, len(got))
with open(out, "a") as f:
    f.write(line + "\n")
EOF
}

# Runs the stalled client against $BASE while ten normal POST /predict
# requests are sent: all ten must be answered 200, at least one while the
# stalled connection was still open, and the server must then close it.
# Usage: slow_client_check BODY (the JSON body of the normal requests)
slow_client_check() {
	local body=$1 i code n=0 during=0 client
	stalled_client "$STACK_DIR/stalled.out" 3>&- &
	client=$!
	for ((i = 0; i < 100; i++)); do
		[ -s "$STACK_DIR/stalled.out" ] && break
		sleep 0.05
	done
	grep -q '^open' "$STACK_DIR/stalled.out"
	for ((i = 0; i < 10; i++)); do
		code=$(curl -s -o /dev/null -m 5 -w '%{http_code}' -X POST \
			-H 'Content-Type: application/json' -d "$body" "$BASE/predict")
		[ "$code" = 200 ] && n=$((n + 1))
		grep -q '^closed' "$STACK_DIR/stalled.out" || during=$((during + 1))
	done
	echo "# $n of 10 requests answered, $during while the client stalled" >&3
	[ "$n" -eq 10 ]
	[ "$during" -ge 1 ]
	wait "$client"
	sed "s/^/# /" "$STACK_DIR/stalled.out" >&3
	grep -q '^closed' "$STACK_DIR/stalled.out"
}

# The shipped Apache stacks, started on 127.0.0.1:PORT from STACK_DIR
# (stack_init "$APACHE2" first; "$SPAWN_FCGI" too for proxy_fcgi).
# Usage: stack_up_apache_fcgid PORT [EDIT-COMMAND...]: mod_fcgid with
#   www/conf/apache-fcgid.conf (the command, if any, is run with the
#   rendered site config's path as last argument before Apache starts);
# stack_up_apache_proxy PORT: mod_proxy_fcgi with apache-proxy-fcgi.conf and
#   2 workers from spawn-fcgi on $STACK_DIR/run/tagifai.sock;
# stack_up_cgi PORT: plain CGI, www/conf/htaccess as cgi-bin/.htaccess, as a
#   shared host sets it up (API at /cgi-bin/tagifai.cgi).
stack_up_apache_fcgid() {
	local port=$1 run site=$STACK_DIR/apache-fcgid.conf
	shift
	run=$(stack_rundir run)
	CONF_PORT=$port CONF_RUNDIR=$run CONF_SBINDIR=$(stack_sbindir) \
	CONF_MODEL=$(stack_model) CONF_WWWDIR=$TEST_WWW \
		render_conf "$top_srcdir/www/conf/apache-fcgid.conf" "$site" || return 1
	[ $# -eq 0 ] || "$@" "$site" || return 1
	apache_main_conf "$STACK_DIR/apache2.conf" "$port" "$run" event \
		"$site" fcgid alias rewrite reqtimeout &&
	apache_start "$STACK_DIR/apache2.conf" "$run" &&
	wait_ready "http://127.0.0.1:$port/"
}

stack_up_apache_proxy() {
	local port=$1 run model site=$STACK_DIR/apache-proxy-fcgi.conf
	run=$(stack_rundir run)
	model=$(stack_model)
	CONF_PORT=$port CONF_RUNDIR=$run CONF_SBINDIR=$(stack_sbindir) \
	CONF_MODEL=$model CONF_WWWDIR=$TEST_WWW \
		render_conf "$top_srcdir/www/conf/apache-proxy-fcgi.conf" "$site" &&
	stack_spawn_fcgi "$run/tagifai.sock" 2 "$STACK_DIR/sbin/tagifai-fcgi" \
		--model "$model" --www "$TEST_WWW" --max-body "$TEST_MAX_BODY" \
		--registry "$(stack_rundir registry)" &&
	apache_main_conf "$STACK_DIR/apache2.conf" "$port" "$run" event \
		"$site" proxy proxy_fcgi alias rewrite &&
	apache_start "$STACK_DIR/apache2.conf" "$run" &&
	wait_ready "http://127.0.0.1:$port/"
}

stack_up_cgi() {
	local port=$1 run cgibin=$STACK_DIR/docroot/cgi-bin
	run=$(stack_rundir run)
	apache_main_conf "$STACK_DIR/apache2.conf" "$port" "$run" prefork \
		"$STACK_DIR/site.conf" cgi env mime headers || return 1
	mkdir -p "$cgibin"
	cp "$TAGIFAI_FCGI" "$cgibin/tagifai.cgi"
	chmod 755 "$cgibin" "$cgibin/tagifai.cgi"
	CONF_PORT=$port CONF_RUNDIR=$run CONF_SBINDIR=$cgibin \
	CONF_MODEL=$(stack_model) CONF_WWWDIR=$TEST_WWW \
		render_conf "$top_srcdir/www/conf/htaccess" "$cgibin/.htaccess" || return 1
	# what a shared host gives a customer: the overrides www/conf/htaccess
	# documents as needed, in the docroot
	cat > "$STACK_DIR/site.conf" <<-CONF
	AccessFileName .htaccess
	<Directory "$STACK_DIR/docroot">
	    AllowOverride AuthConfig FileInfo Options=ExecCGI
	    Require all granted
	</Directory>
	CONF
	apache_start "$STACK_DIR/apache2.conf" "$run" &&
	wait_ready "http://127.0.0.1:$port/cgi-bin/tagifai.cgi/"
}
