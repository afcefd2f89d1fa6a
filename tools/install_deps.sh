#!/bin/sh
# SPDX-License-Identifier: MIT
# tools/install_deps.sh: install the Debian packages tagifai-fcgi needs
# (build, tests, web servers, browser tests, and the reference stack the
# benchmarks run: its training needs pandas and imbalanced-learn, its
# multi-worker server gunicorn; fastText for bench/fasttext.sh) and fetch
# the pinned npm packages.  Safe to run again: it installs only what is
# missing.  Run by ./bootstrap; on its own when the packages are all you
# want.
set -eu
cd "$(dirname "$0")/.."

PACKAGES="build-essential autoconf automake libtool pkg-config
 libfcgi-dev libfcgi-bin libcjson-dev libutf8proc-dev libcsv-dev libstemmer-dev libxxhash-dev libdragonbox-dev libsqlite3-dev sqlite3 libsodium-dev
 spawn-fcgi lighttpd nginx apache2 libapache2-mod-fcgid
 bats curl jq python3 python3-sklearn python3-numpy python3-joblib
 mandoc valgrind clang libclang-rt-14-dev iproute2 procps psmisc
 python3-fastapi python3-uvicorn python3-pandas python3-imblearn gunicorn
 chromium chromium-driver python3-requests hyperfine wrk strace
 fasttext time prometheus python3-prometheus-client"

missing=""
for p in $PACKAGES; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q 'install ok installed' ||
		missing="$missing $p"
done
if [ -n "$missing" ]; then
	echo "install_deps: installing:$missing"
	if [ "$(id -u)" != 0 ]; then
		echo "install_deps: run as root (or install these packages yourself)" >&2
		exit 1
	fi
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -q
	# The web servers are started by our own scripts on free loopback ports,
	# never as system services: keep the package scripts from starting them.
	policy=/usr/sbin/policy-rc.d
	had_policy=0; [ -e "$policy" ] && had_policy=1
	[ "$had_policy" = 1 ] || { printf '#!/bin/sh\nexit 101\n' >"$policy"; chmod +x "$policy"; }
	apt-get install -y -q --no-install-recommends $missing
	[ "$had_policy" = 1 ] || rm -f "$policy"
fi

if [ -f package.json ] && command -v npm >/dev/null 2>&1; then
	if [ ! -d node_modules ] || [ package-lock.json -nt node_modules ]; then
		npm ci --no-audit --no-fund --loglevel=error
	fi
fi
