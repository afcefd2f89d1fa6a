#!/bin/bash
# SPDX-License-Identifier: MIT
# bench/table.sh - print the tables of a results directory.
#
# Usage: bench/table.sh http|targets|md RESULTS_DIR
#   http     every HTTP case: req/s, p50, p99, non-2xx of each stack
#   targets  one line per target: ours, the comparison figure, the ratio and
#            PASS / FAIL / n/a (n/a: a figure is missing, e.g. not built yet)
#   md       the same two tables in Markdown (for bench/results/latest.md)
# Reads http.raw and the *.kv files (key=value lines) that the other
# bench scripts write into RESULTS_DIR.  Only reads; starts nothing.
set -eu
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"
case ${1:-} in -h|--help|'') usage_from_header; exit 0 ;; esac
MODE=$1; DIR=${2:?usage: table.sh http|targets|md RESULTS_DIR}

# get LABEL CASE KEY: from http.raw, the median over the rounds (http.sh
# ROUNDS) of KEY; non2xx, requests and err_* are summed instead.
get() {
    [ -f "$DIR/http.raw" ] || { echo n/a; return; }
    awk -v l="$1" -v c="$2" -v k="$3" '
        $1 == l && $2 == c {
            for (i = 3; i <= NF; i++) if (index($i, k "=") == 1) v[n++] = substr($i, length(k) + 2) + 0
        }
        END {
            if (n == 0) { print "n/a"; exit }
            if (k == "non2xx" || k == "requests" || k ~ /^err_/) { for (i = 0; i < n; i++) t += v[i]; print t; exit }
            for (i = 1; i < n; i++) { x = v[i]; for (j = i - 1; j >= 0 && v[j] > x; j--) v[j + 1] = v[j]; v[j + 1] = x }
            m = (n % 2) ? v[int(n / 2)] : (v[n / 2 - 1] + v[n / 2]) / 2
            print (k == "rps") ? sprintf("%.1f", m) : (k ~ /_ms$/) ? sprintf("%.3f", m) : sprintf("%.1f", m)
        }' "$DIR/http.raw"
}
# pratio LABEL_A LABEL_B CASE KEY: the median over the rounds of A/B, each
# round's A and B having been timed back to back (http.sh), so a machine
# that slows down for a while moves both and leaves their ratio alone.
pratio() {
    [ -f "$DIR/http.raw" ] || { echo n/a; return; }
    awk -v a="$1" -v b="$2" -v c="$3" -v k="$4" '
        function val(    i) { for (i = 3; i <= NF; i++) if (index($i, k "=") == 1) return substr($i, length(k) + 2) + 0; return -1 }
        $2 == c && $1 == a { x = val(); if (x >= 0) va[na++] = x }
        $2 == c && $1 == b { x = val(); if (x >= 0) vb[nb++] = x }
        END {
            n = na < nb ? na : nb
            for (i = 0; i < n; i++) if (vb[i] > 0) r[m++] = va[i] / vb[i]
            if (m == 0) { print "n/a"; exit }
            for (i = 1; i < m; i++) { x = r[i]; for (j = i - 1; j >= 0 && r[j] > x; j--) r[j + 1] = r[j]; r[j + 1] = x }
            printf "%.2f\n", (m % 2) ? r[int(m / 2)] : (r[m / 2 - 1] + r[m / 2]) / 2
        }' "$DIR/http.raw"
}
# spread LABEL CASE: "min-max" of req/s over the rounds
spread() {
    awk -v l="$1" -v c="$2" '$1 == l && $2 == c {
            for (i = 3; i <= NF; i++) if (index($i, "rps=") == 1) { x = substr($i, 5) + 0
                if (n++ == 0 || x < lo) lo = x; if (n == 1 || x > hi) hi = x } }
        END { if (n) printf "%.0f-%.0f\n", lo, hi; else print "n/a" }' "$DIR/http.raw"
}
# kv FILE KEY: value from DIR/FILE.kv
kv() {
    [ -f "$DIR/$1.kv" ] || { echo n/a; return; }
    _v=$(sed -n "s/^$2=//p" "$DIR/$1.kv" | tail -n 1)
    echo "${_v:-n/a}"
}

MD=0; [ "$MODE" = md ] && MD=1
row() {  # columns...
    if [ $MD = 1 ]; then
        _o="|"; for _c in "$@"; do _o="$_o $_c |"; done; echo "$_o"
    else
        printf "$ROWFMT\n" "$@"
    fi
}
header() {  # columns...
    row "$@"
    if [ $MD = 1 ]; then
        _o="|"; for _c in "$@"; do _o="$_o --- |"; done; echo "$_o"
    fi
}

http_table() {
    [ -f "$DIR/http.raw" ] || { echo "(no HTTP results)"; return; }
    # One row per stack and case: medians over the rounds, the req/s
    # range, and sums of the counters.
    ROWFMT='%-18s %-16s %10s %13s %6s %9s %9s %7s %9s %6s %12s'
    header stack case req/s req/s_range rounds p50_ms p99_ms non2xx requests sockerr app_cpu_us/req
    awk '!seen[$1 " " $2]++ { print $1, $2 }' "$DIR/http.raw" | while read -r label case; do
        if grep -q "^$label $case FAILED" "$DIR/http.raw"; then row "$label" "$case" FAILED - - - - - - - -; continue; fi
        se=$(( $(get "$label" "$case" err_connect) + $(get "$label" "$case" err_read) + \
               $(get "$label" "$case" err_write) + $(get "$label" "$case" err_timeout) ))
        row "$label" "$case" "$(get "$label" "$case" rps)" "$(spread "$label" "$case")" \
            "$(awk -v l="$label" -v c="$case" '$1 == l && $2 == c' "$DIR/http.raw" | wc -l)" \
            "$(get "$label" "$case" p50_ms)" "$(get "$label" "$case" p99_ms)" \
            "$(get "$label" "$case" non2xx)" "$(get "$label" "$case" requests)" "$se" \
            "$(get "$label" "$case" app_cpu_us_per_req)"
    done
}

ge='>='; le='<='

targets_table() {
    ROWFMT='%-46s %12s %12s %9s %8s %6s'
    header target ours vs ratio target verdict
    for s in lighttpd nginx; do
        o=$(get "$s-ours" post_predict_1 rps); f=$(get "$s-floor" post_predict_1 rps)
        row_t "$s POST /predict(1) req/s / floor POST" "$o" "$f" "$(pratio "$s-ours" "$s-floor" post_predict_1 rps)" ge 0.9
        o=$(get "$s-ours" get_root rps); f=$(get "$s-floor" get_root rps)
        row_t "$s GET / req/s / floor GET" "$o" "$f" "$(pratio "$s-ours" "$s-floor" get_root rps)" ge 0.95
        o=$(get "$s-ours" post_predict_1 p99_ms); f=$(get "$s-floor" post_predict_1 p99_ms)
        row_t "$s POST /predict(1) p99 / floor POST p99" "$o" "$f" "$(pratio "$s-ours" "$s-floor" post_predict_1 p99_ms)" le 1.5
        o=$(get "$s-ours" get_root p99_ms); f=$(get "$s-floor" get_root p99_ms)
        row_t "$s GET / p99 / floor GET p99" "$o" "$f" "$(pratio "$s-ours" "$s-floor" get_root p99_ms)" le 1.5
        for n in 1 10; do
            o=$(get "$s-ours" "post_predict_$n" rps); r=$(get reference "post_predict_$n" rps)
            row_t "$s POST /predict($n) req/s / reference" "$o" "$r" "$(ratio "$o" "$r" 1)" ge 50
        done
        for n in 1 10; do
            o=$(get "$s-ours" "post_predict_$n" app_cpu_us_per_req); r=$(get reference "post_predict_$n" app_cpu_us_per_req)
            row_t "$s POST /predict($n) app CPU us/req, ref / ours (info)" "$o" "$r" "$(ratio "$r" "$o" 1)" info -
        done
        o=$(get "$s-ours" get_perf rps); f=$(get "$s-floor" get_root rps)
        row_t "$s GET /performance req/s / floor GET (info)" "$o" "$f" "$(ratio "$o" "$f")" info -
        nb=0
        for c in get_root get_perf post_predict_1 post_predict_10; do
            v=$(get "$s-ours" "$c" non2xx); [ "$v" = n/a ] || nb=$((nb + v))
        done
        [ "$(get "$s-ours" get_root rps)" = n/a ] && nb=n/a
        row_t "$s ours: non-2xx answers while timed" "$nb" 0 "$nb" le 0
    done
    o=$(kv batch ours_texts_per_s); r=$(kv batch ref_texts_per_s)
    row_t "batch predict texts/s / sklearn in-process" "$o" "$r" "$(ratio "$o" "$r" 1)" ge 20
    o=$(kv jobs job_items_per_s); r=$(kv jobs predict_items_per_s)
    row_t "batch job items/s (db writes incl.) / predict" "$o" "$r" "$(kv jobs job_over_predict)" ge 0.8
    row_t "batch run items/s (recording incl.) / predict (info)" "$(kv jobs run_items_per_s)" "$r" "$(kv jobs run_over_predict)" info -
    o=$(get jobs-lighttpd-ours get_prediction rps); f=$(get jobs-lighttpd-floor get_prediction rps)
    row_t "lighttpd GET /predictions/{id} / floor GET" "$o" "$f" "$(pratio jobs-lighttpd-ours jobs-lighttpd-floor get_prediction rps)" ge 0.9
    row_t "projects.csv submit -> visible s (info)" "$(kv jobs e2e_submit_s)" "$(kv jobs e2e_run_s)" - info -
    o=$(get jobs-lighttpd-ours post_predict_busy rps); f=$(get jobs-lighttpd-ours post_predict_1 rps)
    row_t "POST /predict req/s, job running / idle (info)" "$o" "$f" "$(ratio "$o" "$f")" info -
    o=$(kv train ours_mean_s); r=$(kv train ref_mean_s)
    row_t "training wall s: reference / ours" "$o" "$r" "$(ratio "$r" "$o" 1)" ge 5
    for n in 1 2 4; do
        row_t "RSS MiB per worker, $n workers (info)" "$(kv memory "rss_per_worker_n$n")" - - info -
        row_t "PSS MiB per worker, $n workers (info)" "$(kv memory "pss_per_worker_n$n")" - - info -
    done
    o=$(kv memory pss_added_per_worker_mib)
    row_t "PSS MiB added per extra worker (1->4)" "$o" 2 "$o" le 2
    o=$(kv memory rss_per_worker_n2); r=$(kv memory ref_rss_per_worker)
    row_t "RSS per worker / reference worker RSS" "$o" "$r" "$(ratio "$o" "$r" 3)" le 0.1
    o=$(kv memory startup_ms_ours); f=$(kv memory startup_ms_floor)
    row_t "start -> first answer ms (floor in vs)" "$o" "$f" "$o" le 20
    r=$(kv memory startup_ms_ref)
    row_t "start -> first answer ms: reference (info)" "$r" - - info -
    o=$(kv cgi ours_p50_ms); f=$(kv cgi floor_p50_ms)
    row_t "plain CGI POST /predict p50 ms (floor in vs)" "$o" "$f" "$o" le 10
    o=$(kv cgi ours_p99_ms); f=$(kv cgi floor_p99_ms)
    row_t "plain CGI POST /predict p99 ms (floor in vs)" "$o" "$f" "$o" le 10
}
row_t() {  # name ours other ratio op limit
    if [ "$5" = info ]; then row "$1" "$2" "$3" "$4" "-" "info"; return; fi
    _op=$ge; [ "$5" = le ] && _op=$le
    row "$1" "$2" "$3" "$4" "$_op $6" "$(verdict "$4" "$5" "$6")"
}

case $MODE in
    http) http_table ;;
    targets) targets_table ;;
    md)
        echo "## Targets"; echo; targets_table; echo
        echo "## HTTP cases"; echo; http_table ;;
    *) die "unknown mode $MODE (http|targets|md)" ;;
esac
