#!/usr/bin/env bats
# SPDX-License-Identifier: MIT
# tests/api/anywhere.bats - the quick start works wherever the checkout
# lies: a copy of this checkout (its tracked and untracked, not ignored,
# files, as a clone holds them) is put in a 0700 "home directory" under a
# path with spaces, made read-only to other users, with ../shared beside it.
# There, `./bootstrap && make` builds, `make serve` serves the pages, their
# static files and predictions through lighttpd, and the /docs test of every
# web-server suite (lighttpd, nginx, Apache mod_fcgid and mod_proxy_fcgi,
# plain CGI) passes when run from that checkout.  Nothing about the user's
# directories is loosened to make it so.

load lib
load contract

setup_file() {
	stack_init "$LIGHTTPD"
	export HOME_DIR="$BATS_FILE_TMPDIR/home of a user"
	export CLONE="$HOME_DIR/tagifai fcgi"
	mkdir -p "$CLONE"
	chmod 700 "$HOME_DIR"
	# the checkout as git would give it (working tree included), or the
	# unpacked tarball under make distcheck
	if git -C "$top_srcdir" rev-parse --git-dir >/dev/null 2>&1; then
		(cd "$top_srcdir" && git ls-files -z --cached --others --exclude-standard |
			xargs -0 sh -c 'for f; do [ -e "$f" ] && printf "%s\0" "$f"; done' sh |
			tar --null -T - -cf -) | tar -C "$CLONE" -xf -
	else
		cp -R "$top_srcdir/." "$CLONE"
	fi
	# the npm packages bootstrap would fetch: copied after the lock file, so
	# bootstrap finds them current
	[ -d "$top_srcdir/node_modules" ] && cp -R "$top_srcdir/node_modules" "$CLONE/"
	ln -s "$(cd "$SHARED_DIR" && pwd)" "$HOME_DIR/shared"
	chmod -R go-w "$CLONE"
	stat -c '%a' "$HOME_DIR" > "$STACK_DIR/home.mode"
	(cd "$CLONE" && ./bootstrap && make -j2) > "$STACK_DIR/build.log" 2>&1 ||
		{ tail -n 40 "$STACK_DIR/build.log" >&2; return 1; }
	export SERVE_PORT
	SERVE_PORT=$(pick_port)
	stack_launch serve make -C "$CLONE" serve PORT="$SERVE_PORT"
	wait_ready "http://127.0.0.1:$SERVE_PORT/"
	export BASE=http://127.0.0.1:$SERVE_PORT
}

teardown_file() {
	local pid st role
	# make serve: make, its shell and lighttpd share the process group
	# stack_launch's setsid made; TERM them all, as Ctrl-C would
	if [ -f "$STACK_DIR/pids" ]; then
		while read -r pid st role; do
			[ "$role" = serve ] && pid_matches "$pid" "$st" && kill -TERM -- "-$pid" 2>/dev/null
		done < "$STACK_DIR/pids"
	fi
	stack_stop
	[ -z "${SERVE_PORT:-}" ] || rm -rf "/run/tagifai-fcgi/serve-$SERVE_PORT"
}

@test "anywhere: the checkout is in a 0700 directory, under a path with spaces" {
	[ "$(stat -c '%a' "$HOME_DIR")" = 700 ]
	[[ "$CLONE" == *" "* ]]
	[ -x "$CLONE/tagifai-fcgi" ]
	# the web servers' user cannot enter it
	[ "$(id -u)" != 0 ] ||
		! setpriv --reuid=www-data --regid=www-data --clear-groups test -x "$HOME_DIR"
}

@test "anywhere: make serve answers the envelope and predicts as the bundled model does" {
	local want
	contract_root "$BASE"
	# the first 20 holdout texts: the tags `tagifai predict` gives them
	head -n 20 "$HOLDOUT" | jq -c '{text}' > "$BATS_TEST_TMPDIR/texts.jsonl"
	want=$("$CLONE/tagifai" predict --model "$CLONE/models/default.tagifai" \
		< "$BATS_TEST_TMPDIR/texts.jsonl" | jq -r .predicted_tag)
	[ "$(echo "$want" | wc -l)" = 20 ]
	post_json "$BASE/predict" "$(jq -cs '{texts: .}' "$BATS_TEST_TMPDIR/texts.jsonl")"
	expect_envelope POST "$BASE/predict"
	[ "$(jq -r '.data.predictions[].predicted_tag' "$RESP_BODY")" = "$want" ]
}

@test "anywhere: make serve serves /docs /redoc /demo and their static files" {
	contract_pages "$BASE"
}

@test "anywhere: make serve's errors are JSON" {
	TEST_MAX_BODY=1048576 contract_body_over_limit "$BASE"
	contract_nul_in_path "$BASE"
}

# The /docs test of each web-server suite, run from the checkout in the 0700
# directory (its own top_srcdir and top_builddir).
from_checkout() {
	run env top_srcdir="$CLONE" top_builddir="$CLONE" TEST_WWW= TAGIFAI_FCGI= \
		"${BATS:-bats}" --tap --filter "$2" "$CLONE/tests/api/$1.bats"
	echo "$output" | sed 's/^/# /' >&3
	[ "$status" -eq 0 ]
	# at least one test ran, and none failed
	[[ "$output" == *"ok 1 "* ]]
	[[ "$output" != *"not ok"* ]]
}

@test "anywhere: lighttpd serves the pages from that checkout" {
	from_checkout lighttpd '/: /docs /redoc /demo'
}

@test "anywhere: nginx serves the pages from that checkout" {
	from_checkout nginx '/: /docs /redoc /demo'
}

@test "anywhere: Apache + mod_fcgid serves the pages from that checkout" {
	from_checkout apache '/: /docs /redoc /demo'
}

@test "anywhere: Apache + mod_proxy_fcgi serves the pages from that checkout" {
	from_checkout apache_proxy '/: /docs /redoc /demo'
}

@test "anywhere: plain CGI serves the pages from that checkout" {
	from_checkout cgi_apache '/docs /redoc /demo'
}

@test "anywhere: nothing was loosened: the home directory is still 0700, no file is writable by others" {
	[ "$(stat -c '%a' "$HOME_DIR")" = "$(cat "$STACK_DIR/home.mode")" ]
	[ "$(stat -c '%a' "$HOME_DIR")" = 700 ]
	[ -z "$(find "$CLONE" -perm -o+w ! -type l -print -quit)" ]
}
