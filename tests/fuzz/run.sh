#!/bin/sh
# SPDX-License-Identifier: MIT
# tests/fuzz/run.sh - builds the libFuzzer harnesses with clang and runs
# each for FUZZ_SECONDS; called by `make fuzz` (tests/fuzz.mk), which
# passes the settings below in the environment.
#
# The sources are compiled directly with clang (not the gcc-built
# libraries): the code under test with -fsanitize=fuzzer-no-link,address,
# undefined for coverage, each harness linked with -fsanitize=fuzzer.  An
# object is rebuilt when its source or a header is newer.  Each harness
# fuzzes a working copy of its committed seed corpus
# (tests/fuzz/corpus/NAME) in the build tree; crashes land in
# tests/fuzz/crashes/NAME/ and the summary in tests/fuzz/results.txt.
#
# Settings: srcdir, FUZZ_CC (clang), FUZZ_CXX (clang++, for the one C++
# file), DRAGONBOX_CFLAGS (from configure), FUZZ_SECONDS (60), FUZZ_TARGETS
# (all), FUZZ_EXTRA_CFLAGS, FUZZ_LIBS (-l flags), FUZZ_ARGS (extra
# libFuzzer flags).
set -eu

srcdir=${srcdir:-.}
srcdir=$(cd "$srcdir" && pwd)
FUZZ_CC=${FUZZ_CC:-clang}
FUZZ_CXX=${FUZZ_CXX:-clang++}
if [ -z "${DRAGONBOX_CFLAGS:-}" ]; then
	for d in /usr/include/dragonbox-*; do
		[ -d "$d" ] && DRAGONBOX_CFLAGS="-I$d"
	done
fi
FUZZ_SECONDS=${FUZZ_SECONDS:-60}
FUZZ_TARGETS=${FUZZ_TARGETS:-"fuzz_clean fuzz_artifact fuzz_csv fuzz_validate fuzz_request fuzz_batch"}
FUZZ_EXTRA_CFLAGS=${FUZZ_EXTRA_CFLAGS:-}
FUZZ_LIBS=${FUZZ_LIBS:-"-lcjson -lutf8proc -lcsv -lxxhash -lsqlite3 -lsodium -lm"}
FUZZ_ARGS=${FUZZ_ARGS:-}
out=tests/fuzz
san="-fsanitize=address,undefined -fno-sanitize-recover=all"
cflags="-g -O1 -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE \
-ffp-contract=off -fno-omit-frame-pointer -I$srcdir $FUZZ_EXTRA_CFLAGS"
cxxflags="-g -O1 -std=c++17 -fno-exceptions -fno-rtti -fno-omit-frame-pointer \
-I$srcdir ${DRAGONBOX_CFLAGS:-}"

util="util/status.c util/buf.c util/utf8.c util/json.c util/file.c util/hex.c
util/clock.c util/float_repr.c util/shortest.cc"
core_infer="$util core/status.c core/clean.c core/clean_unicode.c core/clean_stem.c
core/clean_stopwords.c core/ngram.c core/artifact_format.c
core/artifact_write.c core/artifact_read.c core/vectorizer.c
core/classifier.c core/model.c"
schemas="schemas/pyjson.c schemas/predict_schema.c schemas/registry_schema.c
schemas/batch_schema.c schemas/validate.c schemas/openapi.c"
# The service library's sources come from the build (FUZZ_FCGI_SOURCES:
# fcgi/libservice.a and store/libstore.a as fcgi/local.mk and
# store/local.mk list them), so a new file there is fuzzed too.
fcgi="${FUZZ_FCGI_SOURCES:?run by make fuzz, which sets FUZZ_FCGI_SOURCES} core/sklearn_export.c"

# Sources and -max_len per harness (fuzz_common.c needs the inference
# set everywhere: it builds the tiny model).
sources() {
	case $1 in
	fuzz_clean) echo "$core_infer" ;;
	fuzz_artifact) echo "$core_infer" ;;
	fuzz_csv) echo "$core_infer core/csv_reader.c" ;;
	fuzz_validate) echo "$core_infer $schemas" ;;
	fuzz_request) echo "$core_infer $schemas $fcgi" ;;
	fuzz_batch) echo "$core_infer $schemas $fcgi" ;;
	*) echo "run.sh: unknown harness $1" >&2; exit 2 ;;
	esac
}
max_len() {
	case $1 in
	fuzz_clean) echo 4096 ;;
	fuzz_artifact) echo 65536 ;;
	fuzz_csv) echo 8192 ;;
	fuzz_validate) echo 8192 ;;
	fuzz_request) echo 8192 ;;
	fuzz_batch) echo 8192 ;;
	esac
}
# Extra libFuzzer flags: the request log goes to stderr; close it (the
# sanitizer reports still reach the terminal through libFuzzer's copy).
extra_args() {
	case $1 in
	fuzz_request) echo "-close_fd_mask=2" ;;
	*) echo "" ;;
	esac
}

newest_header=$(ls -t "$srcdir"/util/*.h "$srcdir"/core/*.h "$srcdir"/schemas/*.h \
	"$srcdir"/fcgi/*.h "$srcdir"/store/*.h "$srcdir"/tests/fuzz/*.h | head -n 1)

# compile SRC OBJ FLAGS...: only when the object is missing or stale.
compile() {
	src=$1 obj=$2
	shift 2
	if [ ! -f "$obj" ] || [ "$src" -nt "$obj" ] ||
	   [ "$newest_header" -nt "$obj" ]; then
		mkdir -p "$(dirname "$obj")"
		echo "  CC (fuzz) $obj"
		case $src in
		*.cc) $FUZZ_CXX $cxxflags "$@" -c "$src" -o "$obj" ;;
		*) $FUZZ_CC $cflags "$@" -c "$src" -o "$obj" ;;
		esac
	fi
}

build() {
	name=$1 objs=""
	for s in $(sources "$name"); do
		o=$out/obj/${s%.*}.o
		compile "$srcdir/$s" "$o" $san -fsanitize=fuzzer-no-link
		objs="$objs $o"
	done
	o=$out/obj/tests/fuzz/fuzz_common.o
	compile "$srcdir/tests/fuzz/fuzz_common.c" "$o" $san \
		-fsanitize=fuzzer-no-link
	objs="$objs $o"
	o=$out/obj/tests/fuzz/$name.o
	compile "$srcdir/tests/fuzz/$name.c" "$o" $san \
		-fsanitize=fuzzer-no-link -DFUZZ_WWW_DIR="\"$srcdir/www\""
	objs="$objs $o"
	echo "  CCLD (fuzz) $out/bin/$name"
	mkdir -p "$out/bin"
	$FUZZ_CC $san -fsanitize=fuzzer -o "$out/bin/$name" $objs $FUZZ_LIBS
}

mkdir -p "$out"
results=$out/results.txt
: >"$results.tmp"
status=0
for name in $FUZZ_TARGETS; do
	build "$name"
done
for name in $FUZZ_TARGETS; do
	work=$out/work/$name
	crashes=$out/crashes/$name
	mkdir -p "$work" "$crashes"
	if [ -d "$srcdir/tests/fuzz/corpus/$name" ]; then
		cp -p "$srcdir/tests/fuzz/corpus/$name"/* "$work"/ 2>/dev/null ||
			true
	fi
	log=$out/$name.log
	echo "  FUZZ $name for ${FUZZ_SECONDS}s (log: $log)"
	rc=0
	# shellcheck disable=SC2046
	"$out/bin/$name" -max_total_time="$FUZZ_SECONDS" \
		-max_len="$(max_len "$name")" -timeout=10 -rss_limit_mb=2048 \
		-artifact_prefix="$crashes/" -print_final_stats=1 \
		$(extra_args "$name") $FUZZ_ARGS "$work" >"$log" 2>&1 || rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" |
		tail -n 1)
	[ -n "$execs" ] || execs=$(sed -n 's/^#\([0-9]*\).*/\1/p' "$log" |
		tail -n 1)
	ncrash=$(find "$crashes" -type f | wc -l)
	corpus=$(find "$work" -type f | wc -l)
	line="$name: seconds=$FUZZ_SECONDS execs=${execs:-0} corpus=$corpus crashes=$ncrash exit=$rc"
	echo "$line" | tee -a "$results.tmp"
	if [ "$rc" -ne 0 ] || [ "$ncrash" -ne 0 ]; then
		status=1
		grep -m 1 -A 30 '^==[0-9]*==ERROR\|runtime error\|fuzz invariant' \
			"$log" | grep -v 'in fuzzer::\|libc' >>"$results.tmp" || true
		find "$crashes" -type f | sed 's/^/  reproducer: /' >>"$results.tmp"
	fi
done
mv "$results.tmp" "$results"
echo "  results in $results"
exit $status
