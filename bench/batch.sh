#!/bin/bash
# SPDX-License-Identifier: MIT
# bench/batch.sh - batch prediction throughput: `tagifai predict` over the
# 191 holdout texts vs the reference's in-process sklearn pipeline.
#
# Usage: bench/batch.sh [--help]
#
# 1. The holdout texts (from the reference's holdout_predictions.jsonl, as
#    {"id","text"} JSON Lines) go once through `tagifai predict`; every tag
#    must equal the reference's.
# 2. The input is repeated so that one run lasts about BATCH_SECONDS (1.5 s;
#    calibrated on 5 copies, at most 5000 copies, each run under `timeout`),
#    then BATCH_REPS (3) timed runs under flock /tmp/bench.lock.  Reported:
#    texts/s of the whole process (start, model load, read, predict, write),
#    the median run, and the same without the time of a run on empty input
#    (start-up + model load).
# 3. The reference: batch_bench.py --no-server --min-seconds 2 (it holds the
#    lock itself): texts/s of clean + transform + predict_proba on batches of
#    191, in one warm Python process (model load not counted).
#
# Env (defaults): BATCH_SECONDS=1.5 BATCH_REPS=3 REF=1 BUILD_DIR=/tmp/build-bench
#   TAGIFAI= MODEL= RESULTS=bench/results/<ts>
# Output: $RESULTS/batch.kv (ours_texts_per_s, ours_steady_texts_per_s,
#   ref_texts_per_s, ref_single_texts_per_s ...) and $RESULTS/batch/.
set -eu
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"
case ${1:-} in -h|--help) usage_from_header; exit 0 ;; esac

BATCH_SECONDS=${BATCH_SECONDS:-1.5}
BATCH_REPS=${BATCH_REPS:-3}
REF=${REF:-1}
results_dir
state_dir
install_trap
mkdir -p "$RESULTS/batch"
command -v jq > /dev/null || die "jq not found (apt-get install jq)"
KV=$RESULTS/batch.kv
: > "$KV"
machine_note | tee "$RESULTS/batch.conditions"

now_ns() { date +%s%N; }
# run_predict INPUT -> wall seconds of one whole `tagifai predict` process
run_predict() {
    _t0=$(now_ns)
    timeout 60 "$TAGIFAI" predict --model "$MODEL" < "$1" > "$STATE/out.jsonl" \
        || die "tagifai predict failed on $1"
    _t1=$(now_ns)
    awk -v a="$_t0" -v b="$_t1" 'BEGIN { printf "%.6f\n", (b - a) / 1e9 }'
}
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

ensure_model
if [ -x "$TAGIFAI" ] && [ -f "$MODEL" ]; then
    jq -c '{id, text}' "$REF_JSONL" > "$STATE/holdout.jsonl"
    n1=$(wc -l < "$STATE/holdout.jsonl")
    run_predict "$STATE/holdout.jsonl" > /dev/null
    bad=$(jq -n --slurpfile ref "$REF_JSONL" --slurpfile out "$STATE/out.jsonl" '
        ($ref | map({(.id | tostring): .predicted_tag}) | add) as $m
        | if ($out | length) != ($ref | length) then 999
          else [$out[] | select($m[.id | tostring] != .predicted_tag)] | length end')
    echo "ours_wrong_tags=$bad" >> "$KV"
    if [ "$bad" = 0 ]; then log "tagifai predict: $n1/$n1 tags equal the reference"
    else tag_mismatch "tagifai predict over $n1 holdout texts" "$bad"; fi

    # start-up + model load alone
    : > "$STATE/empty"
    for _ in 1 2 3; do run_predict "$STATE/empty"; done | median > "$STATE/empty.s"
    empty_s=$(cat "$STATE/empty.s")

    # calibrate the number of copies
    : > "$STATE/cal.jsonl"; for _ in 1 2 3 4 5; do cat "$STATE/holdout.jsonl" >> "$STATE/cal.jsonl"; done
    cal_s=$(run_predict "$STATE/cal.jsonl")
    copies=$(awk -v t="$cal_s" -v e="$empty_s" -v want="$BATCH_SECONDS" 'BEGIN {
        per = (t - e) / 5; if (per <= 0) per = 1e-4
        c = int((want - e) / per + 0.5); if (c < 5) c = 5; if (c > 5000) c = 5000; print c }')
    : > "$STATE/big.jsonl"
    i=0; while [ $i -lt "$copies" ]; do cat "$STATE/holdout.jsonl"; i=$((i + 1)); done > "$STATE/big.jsonl"
    ntexts=$((copies * n1))
    log "timing tagifai predict on $ntexts texts ($copies copies), $BATCH_REPS runs"
    : > "$RESULTS/batch/ours.runs"
    i=0; while [ $i -lt "$BATCH_REPS" ]; do
        exec 9>> "$BENCH_LOCK"; flock 9          # same lock as wrk, released after the run
        run_predict "$STATE/big.jsonl" >> "$RESULTS/batch/ours.runs"
        flock -u 9; exec 9>&-
        i=$((i + 1))
    done
    wall=$(median < "$RESULTS/batch/ours.runs")
    {
        echo "ours_texts=$ntexts"
        echo "ours_wall_s=$wall"
        echo "ours_empty_run_s=$empty_s"
        echo "ours_texts_per_s=$(awk -v n="$ntexts" -v w="$wall" 'BEGIN { printf "%.1f\n", n / w }')"
        echo "ours_steady_texts_per_s=$(awk -v n="$ntexts" -v w="$wall" -v e="$empty_s" 'BEGIN { printf "%.1f\n", n / (w - e) }')"
    } >> "$KV"
else
    log "tagifai or the model missing: ours not measured"
fi

if [ "$REF" = 1 ]; then
    log "reference: batch_bench.py --no-server --min-seconds 2"
    (cd "$FASTAPI_DIR" && timeout 300 "$PY" batch_bench.py --no-server --min-seconds 2 \
        --lock "$BENCH_LOCK" --json-out "$RESULTS/batch/ref.json") > "$STATE/ref.out" 2>&1 \
        || { cat "$STATE/ref.out" >&2; die "batch_bench.py failed"; }
    echo "ref_texts_per_s=$(jq -r .batch191.texts_per_s "$RESULTS/batch/ref.json")" >> "$KV"
    echo "ref_single_texts_per_s=$(jq -r .batch1.texts_per_s "$RESULTS/batch/ref.json")" >> "$KV"
fi
cat "$KV"
