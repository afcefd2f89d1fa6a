#!/bin/bash
# SPDX-License-Identifier: MIT
# bench/fasttext.sh - `tagifai predict --jobs 1` against fastText 0.9.2
# (Debian `fasttext`) on the same texts, one core each, whole process.
#
# Usage: bench/fasttext.sh [--help]
#
# 1. Data: dataset.csv (training) and holdout.csv (191 texts) from
#    $SHARED_DIR/data/tagifai.  text = title + " " + description, cleaned
#    the same simple way for both tools (bench/fasttext_prep.py):
#    lower-cased, the punctuation of fastText's tutorial spaced out
#    (. ! ? , ' / ( )), whitespace runs made one space.  One line a text.
# 2. fastText is trained here with the autotuned settings of issue 15:
#    supervised -dim 8 -minn 3 -maxn 6 -wordNgrams 1 -bucket 30518
#    -epoch 53 -lr 0.22, -thread 1 -seed 0 (reproducible).  Ours is $MODEL
#    (the reference's model imported, as in the other bench scripts).
# 3. Holdout weighted F1 of both on the same 191 lines.
# 4. Timing: the holdout lines repeated to FT_TEXTS (100000) lines; each
#    round runs `tagifai predict --jobs 1` and `fasttext predict` on that
#    file, in alternating order from round to round, FT_ROUNDS (7) rounds,
#    under flock /tmp/bench.lock.  Each run's wall time is read from bash's
#    clock around the command alone; start-up is the same on an empty file;
#    max RSS comes from one more run under /usr/bin/time.
#    Reported: medians with min..max, texts/s = FT_TEXTS / wall (one core,
#    whole process), steady texts/s = FT_TEXTS / (wall - start-up).
#
# Env (defaults): FT_TEXTS=100000 FT_ROUNDS=7 BUILD_DIR=/tmp/build-bench
#   TAGIFAI= MODEL= RESULTS=bench/results/<ts> FASTTEXT=fasttext
# Output: $RESULTS/fasttext.kv, $RESULTS/fasttext.md (the table),
#   $RESULTS/fasttext/ (runs, predictions).
set -eu
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"
case ${1:-} in -h|--help) usage_from_header; exit 0 ;; esac

FT_TEXTS=${FT_TEXTS:-100000}
FT_ROUNDS=${FT_ROUNDS:-7}
FASTTEXT=${FASTTEXT:-fasttext}
command -v "$FASTTEXT" > /dev/null || die "fasttext not found (apt-get install fasttext)"
[ -x /usr/bin/time ] || die "/usr/bin/time not found (apt-get install time)"
results_dir
state_dir
install_trap
ensure_model
[ -x "$TAGIFAI" ] && [ -f "$MODEL" ] || die "$TAGIFAI or $MODEL missing"
OUTD=$RESULTS/fasttext
mkdir -p "$OUTD"
KV=$RESULTS/fasttext.kv
: > "$KV"
machine_note | tee "$RESULTS/fasttext.conditions"

# ---------------------------------------------------------------- the data
"$PY" "$BENCH_DIR/fasttext_prep.py" "$DATA_DIR" "$STATE" \
    || die "fasttext_prep.py failed"
# STATE/train.txt (__label__tag text), holdout.txt (text), holdout.tags
if grep -q '^[[:space:]]*{' "$STATE/holdout.txt"; then
    die "a holdout line starts with '{': tagifai predict would read it as JSON"
fi
n1=$(wc -l < "$STATE/holdout.txt")
: > "$STATE/big.txt"
while [ "$(wc -l < "$STATE/big.txt")" -lt "$FT_TEXTS" ]; do
    cat "$STATE/holdout.txt" >> "$STATE/big.txt"
done
head -n "$FT_TEXTS" "$STATE/big.txt" > "$STATE/in.txt"
: > "$STATE/empty.txt"

# ---------------------------------------------------------- fastText model
log "training fastText (autotuned settings, 1 thread)"
timeout 600 "$FASTTEXT" supervised -input "$STATE/train.txt" -output "$STATE/ft" \
    -dim 8 -minn 3 -maxn 6 -wordNgrams 1 -bucket 30518 -epoch 53 -lr 0.22 \
    -thread 1 -seed 0 -verbose 0 > "$OUTD/train.log" 2>&1 \
    || { cat "$OUTD/train.log" >&2; die "fasttext supervised failed"; }
FT_MODEL=$STATE/ft.bin

# ----------------------------------------------------------- holdout F1
timeout 60 "$TAGIFAI" predict --jobs 1 --model "$MODEL" < "$STATE/holdout.txt" \
    | jq -r .predicted_tag > "$OUTD/ours.tags" || die "tagifai predict failed"
timeout 60 "$FASTTEXT" predict "$FT_MODEL" "$STATE/holdout.txt" \
    | sed 's/^__label__//' > "$OUTD/fasttext.tags" || die "fasttext predict failed"
ours_f1=$("$PY" "$BENCH_DIR/fasttext_prep.py" --f1 "$STATE/holdout.tags" "$OUTD/ours.tags")
ft_f1=$("$PY" "$BENCH_DIR/fasttext_prep.py" --f1 "$STATE/holdout.tags" "$OUTD/fasttext.tags")
log "holdout weighted F1 over $n1 texts: ours $ours_f1, fastText $ft_f1"

# ---------------------------------------------------------------- timing
# cmd_of WHO: sets CMD to the command line that reads texts on stdin
cmd_of() {
    case $1 in
    ours) CMD=("$TAGIFAI" predict --jobs 1 --model "$MODEL") ;;
    fasttext) CMD=("$FASTTEXT" predict "$FT_MODEL" -) ;;
    esac
}
# timed WHO INPUT -> wall seconds of one whole process; the clock is bash's
# own ($EPOCHREALTIME, no process), read around the command alone
timed() {
    cmd_of "$1"
    # the last run's output (33 MB of JSON for ours) is freed before the
    # clock starts, not by this run's truncation of it
    rm -f "$STATE/out"
    _t0=$EPOCHREALTIME
    timeout 300 "${CMD[@]}" < "$2" > "$STATE/out" || die "${CMD[*]} failed"
    _t1=$EPOCHREALTIME
    [ "$(wc -l < "$STATE/out")" = "$(wc -l < "$2")" ] || die "${CMD[*]}: wrong number of output lines"
    awk -v a="$_t0" -v b="$_t1" 'BEGIN { printf "%.4f\n", b - a }'
}
# max RSS (KiB) of one whole run, measured apart from the timed runs
max_rss() {
    cmd_of "$1"
    /usr/bin/time -f '%M' -o "$STATE/time" "${CMD[@]}" < "$2" > /dev/null || die "${CMD[*]} failed"
    cat "$STATE/time"
}
log "timing: $FT_TEXTS texts, $FT_ROUNDS rounds, alternating order"
for who in ours fasttext; do : > "$OUTD/$who.runs"; : > "$OUTD/$who.empty"; done
r=0
while [ $r -lt "$FT_ROUNDS" ]; do
    if [ $((r % 2)) = 0 ]; then order="ours fasttext"; else order="fasttext ours"; fi
    exec 9>> "$BENCH_LOCK"; flock 9
    for who in $order; do
        timed "$who" "$STATE/in.txt" >> "$OUTD/$who.runs"
        timed "$who" "$STATE/empty.txt" >> "$OUTD/$who.empty"
    done
    flock -u 9; exec 9>&-
    r=$((r + 1))
done

# stats FILE COLUMN -> "median min max"
stats() {
    awk -v c="$2" '{ print $c }' "$1" | sort -g |
        awk '{ v[NR] = $1 } END { printf "%s %s %s\n", v[int((NR + 1) / 2)], v[1], v[NR] }'
}
{
    for who in ours fasttext; do
        read -r w wmin wmax <<EOF
$(stats "$OUTD/$who.runs" 1)
EOF
        read -r e emin emax <<EOF
$(stats "$OUTD/$who.empty" 1)
EOF
        rss=$(max_rss "$who" "$STATE/in.txt")
        echo "${who}_wall_s=$w"
        echo "${who}_wall_min_s=$wmin"
        echo "${who}_wall_max_s=$wmax"
        echo "${who}_startup_ms=$(awk -v e="$e" 'BEGIN { printf "%.1f", e * 1000 }')"
        echo "${who}_startup_min_ms=$(awk -v e="$emin" 'BEGIN { printf "%.1f", e * 1000 }')"
        echo "${who}_startup_max_ms=$(awk -v e="$emax" 'BEGIN { printf "%.1f", e * 1000 }')"
        echo "${who}_texts_per_s=$(awk -v n="$FT_TEXTS" -v w="$w" 'BEGIN { printf "%.0f", n / w }')"
        echo "${who}_texts_per_s_min=$(awk -v n="$FT_TEXTS" -v w="$wmax" 'BEGIN { printf "%.0f", n / w }')"
        echo "${who}_texts_per_s_max=$(awk -v n="$FT_TEXTS" -v w="$wmin" 'BEGIN { printf "%.0f", n / w }')"
        echo "${who}_steady_texts_per_s=$(awk -v n="$FT_TEXTS" -v w="$w" -v e="$e" 'BEGIN { printf "%.0f", n / (w - e) }')"
        echo "${who}_max_rss_kib=$rss"
    done
    echo "ours_model_bytes=$(wc -c < "$MODEL")"
    echo "fasttext_model_bytes=$(wc -c < "$FT_MODEL")"
    echo "ours_f1=$ours_f1"
    echo "fasttext_f1=$ft_f1"
    # per-round ratio ours/fastText texts/s (each round's pair ran back to back)
    paste -d ' ' "$OUTD/ours.runs" "$OUTD/fasttext.runs" |
        awk '{ print $2 / $1 }' | sort -g |
        awk '{ v[NR] = $1 } END { printf "speed_ratio=%.3f\nspeed_ratio_min=%.3f\nspeed_ratio_max=%.3f\n", v[int((NR + 1) / 2)], v[1], v[NR] }'
} > "$KV"
. "$KV"
{
    echo "| $FT_TEXTS texts (holdout x $(( (FT_TEXTS + n1 - 1) / n1 ))), 1 core, whole process, $FT_ROUNDS rounds | tagifai predict --jobs 1 | fastText 0.9.2 predict |"
    echo "| --- | --- | --- |"
    echo "| texts/s, median (min..max) | $ours_texts_per_s ($ours_texts_per_s_min..$ours_texts_per_s_max) | $fasttext_texts_per_s ($fasttext_texts_per_s_min..$fasttext_texts_per_s_max) |"
    echo "| texts/s after start-up (median) | $ours_steady_texts_per_s | $fasttext_steady_texts_per_s |"
    echo "| ours / fastText texts/s, per round: median (min..max) | $speed_ratio ($speed_ratio_min..$speed_ratio_max) | |"
    echo "| start-up (empty input), ms, median (min..max) | $ours_startup_ms ($ours_startup_min_ms..$ours_startup_max_ms) | $fasttext_startup_ms ($fasttext_startup_min_ms..$fasttext_startup_max_ms) |"
    echo "| model file, bytes | $ours_model_bytes | $fasttext_model_bytes |"
    echo "| max RSS, KiB | $ours_max_rss_kib | $fasttext_max_rss_kib |"
    echo "| holdout weighted F1 ($n1 texts) | $ours_f1 | $fasttext_f1 |"
} | tee "$RESULTS/fasttext.md"
