#!/bin/bash
# SPDX-License-Identifier: MIT
# bench/cgi_parts.sh - where a plain CGI request's time goes, without a web
# server: each program is exec'ed CGI_PARTS_RUNS times from one loop with
# the CGI environment of a POST /predict (predict_1.json) on stdin, and the
# loop's wall time is divided by the runs.  The loop's own fork costs every
# program the same, so differences between rows are what each adds.
#
# Usage: bench/cgi_parts.sh [--help]
#
# Rows (CGI_PARTS_ROUNDS rounds, the programs in a rotating order):
#   true         /bin/true: a bare process start (fork + exec + exit)
#   hello        the floor's hello as CGI: + libfcgi, reading the request,
#                writing an answer
#   help         `tagifai info --help`: our tool's start (the libraries
#                of tagifai-fcgi, linked the same way), no model
#   open         `tagifai info --model MODEL`: the same + model_open (mmap
#                with MAP_POPULATE, checksum, validation, cleaner) + close
#   ours         tagifai-fcgi as CGI: the whole request
# Derived: model open ~ open - help; the rest of ours over hello ~
#   (ours - hello) - (open - help).
# Also, per program: minor page faults and max RSS of one run
# (/usr/bin/time), and the dynamic loader's relocation count (LD_DEBUG).
# Then bench/open_clock.c, built against the libraries of the build that
# holds $TAGIFAI (LIB_DIR), times the model open in-process: mmap with
# MAP_POPULATE, the checksum alone, model_open, model_close (medians),
# and bench/fault_clock.c what a fresh page costs: touched one by one (a
# page fault each) against faulted in by one mmap(MAP_POPULATE).
#
# Env (defaults): CGI_PARTS_RUNS=200 CGI_PARTS_ROUNDS=5 BUILD_DIR=/tmp/build-bench
#   TAGIFAI_FCGI= TAGIFAI= MODEL= LIB_DIR=$(dirname $TAGIFAI) RESULTS=bench/results/<ts>
# Output: $RESULTS/cgi_parts.kv and $RESULTS/cgi_parts.md.
set -eu
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"
case ${1:-} in -h|--help) usage_from_header; exit 0 ;; esac
CGI_PARTS_RUNS=${CGI_PARTS_RUNS:-200}
CGI_PARTS_ROUNDS=${CGI_PARTS_ROUNDS:-5}
[ -x /usr/bin/time ] || die "/usr/bin/time not found (apt-get install time)"
results_dir
state_dir
install_trap
build_hello
have_ours || die "$TAGIFAI_FCGI or $MODEL missing"
[ -x "$TAGIFAI" ] || die "$TAGIFAI missing"
body=$BODY_DIR/predict_1.json
export REQUEST_METHOD=POST REQUEST_URI=/predict SCRIPT_NAME='' PATH_INFO=/predict \
    QUERY_STRING='' CONTENT_TYPE=application/json CONTENT_LENGTH="$(wc -c < "$body")" \
    SERVER_PROTOCOL=HTTP/1.1 SERVER_NAME=127.0.0.1 SERVER_PORT=80 HTTP_HOST=127.0.0.1 \
    REMOTE_ADDR=127.0.0.1 GATEWAY_INTERFACE=CGI/1.1 TAGIFAI_MODEL=$MODEL
"$TAGIFAI_FCGI" < "$body" | grep -q '"predicted_tag"' || die "tagifai-fcgi as CGI gave no prediction"
"$HELLO" < "$body" | grep -q '200' || die "hello as CGI did not answer 200"

ROWS="true hello help open ours"
# row_cmd ROW: sets CMD to the row's command line
row_cmd() {
    case $1 in
    true) CMD=(/bin/true) ;;
    hello) CMD=("$HELLO") ;;
    help) CMD=("$TAGIFAI" info --help) ;;
    open) CMD=("$TAGIFAI" info --model "$MODEL") ;;
    ours) CMD=("$TAGIFAI_FCGI") ;;
    esac
}
machine_note | tee "$RESULTS/cgi_parts.conditions"
for row in $ROWS; do : > "$STATE/$row.us"; done
r=0
while [ $r -lt "$CGI_PARTS_ROUNDS" ]; do
    # rotate the order: each program goes first in some round
    set -- $ROWS
    k=0; while [ $k -lt $((r % 5)) ]; do first=$1; shift; set -- "$@" "$first"; k=$((k + 1)); done
    exec 9>> "$BENCH_LOCK"; flock 9
    for row in "$@"; do
        row_cmd "$row"
        t0=$(date +%s%N)
        i=0; while [ $i -lt "$CGI_PARTS_RUNS" ]; do
            "${CMD[@]}" < "$body" > /dev/null 2>&1 || true
            i=$((i + 1))
        done
        t1=$(date +%s%N)
        echo $(( (t1 - t0) / CGI_PARTS_RUNS / 1000 )) >> "$STATE/$row.us"
    done
    flock -u 9; exec 9>&-
    r=$((r + 1))
done
med() { sort -n "$1" | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
range() { sort -n "$1" | awk '{ v[NR] = $1 } END { print v[1] ".." v[NR] }'; }
{
    for row in $ROWS; do
        row_cmd "$row"
        /usr/bin/time -f '%R %M' -o "$STATE/time" "${CMD[@]}" < "$body" > /dev/null 2>&1 || true
        read -r faults rss < "$STATE/time"
        echo "${row}_us=$(med "$STATE/$row.us")"
        echo "${row}_us_range=$(range "$STATE/$row.us")"
        echo "${row}_minor_faults=$faults"
        echo "${row}_max_rss_kib=$rss"
    done
} > "$RESULTS/cgi_parts.kv"
. "$RESULTS/cgi_parts.kv"
relocs() { LD_DEBUG=statistics "$@" < "$body" 2>&1 > /dev/null | awk '/final number of relocations:/ { print $NF; exit }'; }
hello_relocs=$(relocs "$HELLO")
ours_relocs=$(relocs "$TAGIFAI_FCGI")
{
    echo "hello_relocations=$hello_relocs"
    echo "ours_relocations=$ours_relocs"
    echo "model_open_us=$((open_us - help_us))"
    echo "ours_over_hello_us=$((ours_us - hello_us))"
    echo "rest_over_hello_us=$(( (ours_us - hello_us) - (open_us - help_us) ))"
} >> "$RESULTS/cgi_parts.kv"
LIB_DIR=${LIB_DIR:-$(dirname "$TAGIFAI")}
if [ -f "$LIB_DIR/core/libtagifai.a" ] && [ -f "$LIB_DIR/util/libutil.a" ] &&
    gcc -O2 -I"$LIB_DIR" -I"$TOP_DIR" -o "$STATE/open_clock" "$BENCH_DIR/open_clock.c" \
        "$LIB_DIR/core/libtagifai.a" "$LIB_DIR/util/libutil.a" \
        $(pkg-config --libs libutf8proc libcjson libxxhash 2>/dev/null || echo -lutf8proc -lcjson) \
        -lcsv -lm -lpthread 2> "$STATE/open_clock.log"; then
    "$STATE/open_clock" "$MODEL" 21 | sed 's/^/clock_/' >> "$RESULTS/cgi_parts.kv"
else
    log "open_clock not built (no libraries in $LIB_DIR): in-process figures left out"
fi
if gcc -O2 -o "$STATE/fault_clock" "$BENCH_DIR/fault_clock.c" 2>> "$STATE/open_clock.log"; then
    "$STATE/fault_clock" 21 | sed 's/^/clock_/' >> "$RESULTS/cgi_parts.kv"
fi
. "$RESULTS/cgi_parts.kv"
{
    echo "| program (exec'ed $CGI_PARTS_RUNS times a round, $CGI_PARTS_ROUNDS rounds) | µs a run, median (range of rounds) | minor faults | max RSS KiB |"
    echo "| --- | --- | --- | --- |"
    for row in $ROWS; do
        eval "echo \"| $row | \$${row}_us (\$${row}_us_range) | \$${row}_minor_faults | \$${row}_max_rss_kib |\""
    done
    echo
    echo "model open (open - help): $model_open_us µs; tagifai-fcgi over hello: $ours_over_hello_us µs, of which not the model open: $rest_over_hello_us µs; relocations: hello $hello_relocs, tagifai-fcgi $ours_relocs"
    if [ -n "${clock_model_open_us:-}" ]; then
        echo
        echo "in-process (open_clock, median of 21): mmap + MAP_POPULATE $clock_mmap_populate_us µs, checksum $clock_checksum_cold_us µs (pages cold) / $clock_checksum_warm_us µs (warm), model_open $clock_model_open_us µs, model_close $clock_model_close_us µs"
    fi
    if [ -n "${clock_fault_us_per_page:-}" ]; then
        echo
        echo "a fresh page (fault_clock, median of 21): $clock_fault_us_per_page µs touched alone (a page fault), $clock_populate_us_per_page µs faulted in with 255 others by one mmap(MAP_POPULATE)"
    fi
} | tee "$RESULTS/cgi_parts.md"
