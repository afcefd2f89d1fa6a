#!/bin/bash
# SPDX-License-Identifier: MIT
# bench/train.sh - training wall time: `tagifai train` vs the reference's
# train.py, whole process vs whole process.
#
# Usage: bench/train.sh [--help]
#
#   ours: tagifai train --data dataset.csv --holdout holdout.csv
#         --args artifacts/args.json --seed 42 -o TMP/model.tagifai
#   ref:  /usr/bin/python3 train.py --quiet --artifacts-dir TMP/a
#         --reference-dir TMP/r --bodies-dir TMP/b
# Outputs go to temporary dirs (nothing is written into ../shared).
# With hyperfine (Debian package hyperfine): --warmup 1 --runs TRAIN_REPS,
# no intermediate shell (-N); without it, TRAIN_REPS runs timed with date.
# Everything runs under flock /tmp/bench.lock, each run under `timeout`.
#
# Env (defaults): TRAIN_REPS=3 REF=1 BUILD_DIR=/tmp/build-bench TAGIFAI=
#   RESULTS=bench/results/<ts>
# Output: $RESULTS/train.kv (ours_mean_s, ref_mean_s, ...), $RESULTS/train/.
set -eu
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"
case ${1:-} in -h|--help) usage_from_header; exit 0 ;; esac

TRAIN_REPS=${TRAIN_REPS:-3}
REF=${REF:-1}
results_dir
state_dir
install_trap
mkdir -p "$RESULTS/train" "$STATE/a" "$STATE/r" "$STATE/b"
KV=$RESULTS/train.kv
: > "$KV"
machine_note | tee "$RESULTS/train.conditions"

OURS_CMD="timeout 120 $TAGIFAI train --data $DATA_DIR/dataset.csv --holdout $DATA_DIR/holdout.csv --args $FASTAPI_DIR/artifacts/args.json --seed 42 -o $STATE/model.tagifai"
REF_CMD="timeout 300 $PY $FASTAPI_DIR/train.py --quiet --artifacts-dir $STATE/a --reference-dir $STATE/r --bodies-dir $STATE/b"

have_train=0
[ -x "$TAGIFAI" ] && have_train=1
[ $have_train = 1 ] || log "$TAGIFAI missing: ours not measured"

# time_cmd KEY CMD: mean/min/stddev seconds of TRAIN_REPS runs into $KV
time_cmd() {
    _key=$1; _cmd=$2
    $_cmd > "$STATE/$_key.out" 2>&1 || { cat "$STATE/$_key.out" >&2; die "$_key: training failed"; }
    if command -v hyperfine > /dev/null; then
        timeout 900 flock "$BENCH_LOCK" hyperfine -N --warmup 1 --runs "$TRAIN_REPS" \
            --export-json "$RESULTS/train/$_key.json" "$_cmd" > "$RESULTS/train/$_key.txt" 2>&1 \
            || { cat "$RESULTS/train/$_key.txt" >&2; die "hyperfine failed for $_key"; }
        jq -r --arg k "$_key" '.results[0] | "\($k)_mean_s=\(.mean * 1000 | round / 1000)",
            "\($k)_min_s=\(.min * 1000 | round / 1000)", "\($k)_stddev_s=\(.stddev * 1000 | round / 1000)",
            "\($k)_runs=\(.times | length)"' "$RESULTS/train/$_key.json" >> "$KV"
        echo "${_key}_tool=hyperfine" >> "$KV"
    else
        exec 9>> "$BENCH_LOCK"; flock 9
        _i=0
        while [ $_i -lt "$TRAIN_REPS" ]; do
            _t0=$(date +%s%N); $_cmd > /dev/null 2>&1 || die "$_key failed"; _t1=$(date +%s%N)
            echo "$_t0 $_t1"; _i=$((_i + 1))
        done > "$RESULTS/train/$_key.runs"
        flock -u 9; exec 9>&-
        awk -v k="$_key" '{ s = ($2 - $1) / 1e9; t += s; tt += s * s; if (n == 0 || s < m) m = s; n++ }
            END { mean = t / n; sd = (n > 1) ? sqrt((tt - n * mean * mean) / (n - 1)) : 0
                  printf "%s_mean_s=%.3f\n%s_min_s=%.3f\n%s_stddev_s=%.3f\n%s_runs=%d\n%s_tool=date\n",
                         k, mean, k, m, k, sd, k, n, k }' "$RESULTS/train/$_key.runs" >> "$KV"
    fi
}

if [ $have_train = 1 ]; then
    time_cmd ours "$OURS_CMD"
    cp "$STATE/ours.out" "$RESULTS/train/ours.stdout"
fi
[ "$REF" = 1 ] && time_cmd ref "$REF_CMD"
cat "$KV"
