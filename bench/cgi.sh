#!/bin/bash
# SPDX-License-Identifier: MIT
# bench/cgi.sh - plain CGI end to end: lighttpd mod_cgi runs tagifai-fcgi as a
# CGI program (one process and one model load per request).
#
# Usage: bench/cgi.sh [--help]
#
# lighttpd on 127.0.0.1:CGI_PORT serves /cgi-bin/tagifai.cgi (a copy of
# tagifai-fcgi, TAGIFAI_MODEL set with setenv) and /cgi-bin/hello.cgi (the
# floor's hello responder, which also answers one request in CGI mode).
# One curl process sends CGI_REQUESTS sequential POST /predict (predict_1.json)
# on one keep-alive connection and prints each request's time_total; the first
# answer's tag is checked against the reference, and every status must be 200.
# This is done in CGI_ROUNDS rounds, ours and hello back to back in each, the
# order alternating.  Reports p50 / p99 / max per request over all rounds, for
# ours and for hello, each side's range of per-round p50s, and p50_ratio: the
# median of the per-round ratios ours p50 / hello p50 (with its range).
#
# Env (defaults): CGI_PORT=18204 CGI_REQUESTS=200 CGI_ROUNDS=5 BUILD_DIR=/tmp/build-bench
#   TAGIFAI_FCGI= MODEL= RESULTS=bench/results/<ts>
# Output: $RESULTS/cgi.kv (ours_p50_ms ours_p99_ms ... floor_*, p50_ratio),
#   $RESULTS/cgi/ (every time, per-round p50s).
set -eu
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"
case ${1:-} in -h|--help) usage_from_header; exit 0 ;; esac

CGI_PORT=${CGI_PORT:-18204}
CGI_REQUESTS=${CGI_REQUESTS:-200}
CGI_ROUNDS=${CGI_ROUNDS:-5}
[ "$CGI_REQUESTS" -ge 1 ] && [ "$CGI_REQUESTS" -le 5000 ] || die "CGI_REQUESTS must be 1..5000"

results_dir
state_dir
install_trap
mkdir -p "$RESULTS/cgi"
command -v jq > /dev/null || die "jq not found (apt-get install jq)"
build_hello
require_free_port "$CGI_PORT"

d=$STATE/cgi
mkdir -p "$d/docroot/cgi-bin"
chown "$RUN_USER" "$d"
cp "$HELLO" "$d/docroot/cgi-bin/hello.cgi"
apps=floor
if have_ours; then
    cp "$TAGIFAI_FCGI" "$d/docroot/cgi-bin/tagifai.cgi"
    apps="ours floor"
else
    log "tagifai-fcgi or the model missing: only the floor's hello is measured"
fi
chmod -R a+rX "$d/docroot"
cat > "$d/lighttpd.conf" <<EOF
server.modules = ("mod_cgi", "mod_setenv")
server.bind = "127.0.0.1"
server.port = $CGI_PORT
server.document-root = "$d/docroot"
server.errorlog = "$d/lighttpd-error.log"
server.pid-file = "$d/lighttpd.pid"
server.username = "$RUN_USER"
server.groupname = "$RUN_USER"
server.max-keep-alive-requests = 100000
cgi.assign = ( ".cgi" => "" )
setenv.add-environment = ( "TAGIFAI_MODEL" => "$MODEL", "TAGIFAI_WWW" => "$WWW_DIR" )
EOF
launch lighttpd-cgi lighttpd -D -f "$d/lighttpd.conf"
wait_http "http://127.0.0.1:$CGI_PORT/cgi-bin/hello.cgi/" 20 || die "lighttpd mod_cgi does not answer"

: > "$RESULTS/cgi.kv"
machine_note | tee "$RESULTS/cgi.conditions"
url_of() {
    case $1 in
        ours) echo "http://127.0.0.1:$CGI_PORT/cgi-bin/tagifai.cgi/predict" ;;
        floor) echo "http://127.0.0.1:$CGI_PORT/cgi-bin/hello.cgi/predict" ;;
    esac
}
for app in $apps; do
    url=$(url_of "$app")
    # one checked answer first
    code=$(curl -s -o "$d/resp.json" -m 10 -w '%{http_code}' -H 'Content-Type: application/json' \
        --data-binary "@$BODY_DIR/predict_1.json" "$url")
    [ "$code" = 200 ] || die "CGI $app POST /predict answered $code (see $d/lighttpd-error.log)"
    if [ "$app" = ours ]; then
        want=$(jq -r 'select(.id == 19) | .predicted_tag' "$REF_JSONL" | head -n 1)
        got=$(jq -r '.data.predictions[0].predicted_tag' "$d/resp.json")
        [ "$got" = "$want" ] || tag_mismatch "CGI POST /predict" 1
        log "CGI answer checked (tag $got)"
    fi
    # the curl config: CGI_REQUESTS sequential requests on one connection
    : > "$d/urls.$app"
    i=0; while [ $i -lt "$CGI_REQUESTS" ]; do echo "url = \"$url\"" >> "$d/urls.$app"; echo "output = \"/dev/null\"" >> "$d/urls.$app"; i=$((i + 1)); done
    : > "$RESULTS/cgi/$app.times"
    : > "$RESULTS/cgi/$app.rounds"
done
# p50 of the times in column 2 (seconds) of a file, in ms
p50_ms() { awk '{ print $2 * 1000 }' "$1" | sort -g | awk '{ v[NR] = $1 } END { printf "%.3f\n", v[int((NR + 1) / 2)] }'; }
# CGI_ROUNDS rounds, ours and the floor back to back, the order alternating
r=0
while [ $r -lt "$CGI_ROUNDS" ]; do
    if [ $((r % 2)) = 0 ]; then order=$apps; else order=$(echo "$apps" | awk '{ for (i = NF; i > 0; i--) printf "%s ", $i }'); fi
    for app in $order; do
        timeout 300 flock "$BENCH_LOCK" curl -s -m 10 -K "$d/urls.$app" -H 'Content-Type: application/json' \
            --data-binary "@$BODY_DIR/predict_1.json" -w '%{http_code} %{time_total}\n' \
            > "$d/round.times" || die "curl failed for $app"
        cat "$d/round.times" >> "$RESULTS/cgi/$app.times"
        p50_ms "$d/round.times" >> "$RESULTS/cgi/$app.rounds"
    done
    r=$((r + 1))
done
for app in $apps; do
    awk -v app="$app" -v want="$((CGI_REQUESTS * CGI_ROUNDS))" '
        { n++; if ($1 != 200) bad++; t[n] = $2 * 1000 }
        END {
            # insertion sort is fine for a few thousand values
            for (i = 2; i <= n; i++) { v = t[i]; j = i - 1
                while (j > 0 && t[j] > v) { t[j + 1] = t[j]; j-- } t[j + 1] = v }
            p50 = t[int((n + 1) * 0.50)]; i99 = int(n * 0.99 + 0.999); if (i99 > n) i99 = n
            printf "%s_requests=%d\n%s_non200=%d\n%s_p50_ms=%.3f\n%s_p99_ms=%.3f\n%s_max_ms=%.3f\n",
                app, n, app, bad + (want - n), app, p50, app, t[i99], app, t[n]
        }' "$RESULTS/cgi/$app.times" >> "$RESULTS/cgi.kv"
    sort -g "$RESULTS/cgi/$app.rounds" | awk -v app="$app" '{ v[NR] = $1 } END {
        printf "%s_round_p50_min_ms=%.3f\n%s_round_p50_max_ms=%.3f\n", app, v[1], app, v[NR] }' >> "$RESULTS/cgi.kv"
done
if [ -s "$RESULTS/cgi/ours.rounds" ] && [ -s "$RESULTS/cgi/floor.rounds" ]; then
    # per-round ratio of the p50s: a slow stretch moves both sides of a pair
    paste -d ' ' "$RESULTS/cgi/ours.rounds" "$RESULTS/cgi/floor.rounds" | awk '{ print $1 / $2 }' | sort -g |
        awk '{ v[NR] = $1 } END { printf "p50_ratio=%.3f\np50_ratio_min=%.3f\np50_ratio_max=%.3f\n", v[int((NR + 1) / 2)], v[1], v[NR] }' \
        >> "$RESULTS/cgi.kv"
fi
grep -q '_non200=[1-9]' "$RESULTS/cgi.kv" && log "WARNING: some CGI answers were not 200"
cat "$RESULTS/cgi.kv"
