#!/bin/bash
# SPDX-License-Identifier: MIT
# bench/run.sh - every benchmark in one go, then one table of ratios
# (ours / floor, ours / reference) with PASS / FAIL against the targets.
#
# Usage: bench/run.sh [--help] [--build]
#   --build   first configure and build the project out of tree in BUILD_DIR
#             (/tmp/build-bench): autoreconf -fi if there is no configure,
#             configure -q, make -j2
#
# Steps (STEPS, default all, in this order): http batch jobs train memory
# cgi profile.  Each is its own script (bench/<step>.sh, see bench/README.md;
# the step jobs is bench/batch_jobs.sh, after http, which empties http.raw);
# they all write into one RESULTS dir (default bench/results/<timestamp>/).
# A step that fails is reported and the others still run.
# Before measuring, the load average is checked: with LOAD_WAIT=N (seconds,
# default 0) the script waits up to N s for the 1-minute load to drop under
# LOAD_MAX (default 1.0); the load is recorded either way.
#
# Env (defaults): DURATION=5s WARMUP=1s WORKERS=2 STEPS="http batch jobs
#   train memory cgi profile" LOAD_MAX=1.0 LOAD_WAIT=0 STRICT=0 (1: exit 1 when a
#   target fails) LATEST=0 (1: also write bench/results/latest.md)
#   BUILD_DIR=/tmp/build-bench RESULTS=
# Output: the tables on stdout and in $RESULTS/summary.txt and summary.md.
set -eu
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"
case ${1:-} in -h|--help) usage_from_header; exit 0 ;; esac

STEPS=${STEPS:-http batch jobs train memory cgi profile}
LOAD_MAX=${LOAD_MAX:-1.0}
LOAD_WAIT=${LOAD_WAIT:-0}
STRICT=${STRICT:-0}
LATEST=${LATEST:-0}

if [ "${1:-}" = --build ]; then
    log "building in $BUILD_DIR"
    (cd "$TOP_DIR" && { test -f configure || autoreconf -fi; }) || die "autoreconf failed"
    mkdir -p "$BUILD_DIR"
    (cd "$BUILD_DIR" && "$TOP_DIR/configure" -q && make -j2 > make.log 2>&1) \
        || die "build failed (see $BUILD_DIR/make.log)"
fi

results_dir
load1() { cut -d' ' -f1 /proc/loadavg; }
waited=0
while [ "$waited" -lt "$LOAD_WAIT" ] && awk -v l="$(load1)" -v m="$LOAD_MAX" 'BEGIN { exit !(l >= m) }'; do
    sleep 5; waited=$((waited + 5))
done
{
    machine_note
    echo "# load at start $(cut -d' ' -f1-3 /proc/loadavg) (waited ${waited}s for < $LOAD_MAX)"
    echo "# DURATION=$DURATION WARMUP=$WARMUP WORKERS=${WORKERS:-2} THREADS=$THREADS CONNS=$CONNS"
    echo "# tagifai-fcgi: $TAGIFAI_FCGI  tagifai: $TAGIFAI  model: $MODEL"
    echo "# git: $(git -C "$TOP_DIR" rev-parse --short HEAD 2>/dev/null || echo none)$(git -C "$TOP_DIR" status --porcelain 2>/dev/null | grep -q . && echo ' (work tree modified)')"
} | tee "$RESULTS/conditions.txt"

failed=
for step in $STEPS; do
    script=$step
    case $step in
        http|batch|train|memory|cgi) args= ;;
        jobs) args= script=batch_jobs ;;
        profile) args=fcgi ;;
        *) die "unknown step $step" ;;
    esac
    log "=== $step"
    # shellcheck disable=SC2086
    if ! "$BENCH_DIR/$script.sh" $args > "$RESULTS/$step.log" 2>&1; then
        failed="$failed $step"
        log "$step FAILED:"; tail -n 5 "$RESULTS/$step.log" >&2
    fi
    if [ "$step" = profile ] && [ -x "$TAGIFAI" ]; then
        "$BENCH_DIR/profile.sh" predict >> "$RESULTS/$step.log" 2>&1 || failed="$failed profile-predict"
    fi
    echo "# after $step: load $(cut -d' ' -f1-3 /proc/loadavg)" >> "$RESULTS/conditions.txt"
done

{
    echo; echo "## Targets"; "$BENCH_DIR/table.sh" targets "$RESULTS"
    echo; echo "## HTTP cases"; "$BENCH_DIR/table.sh" http "$RESULTS"
    for m in fcgi predict; do
        [ -f "$RESULTS/profile-$m.txt" ] && { echo; echo "## Profile ($m)"; cat "$RESULTS/profile-$m.txt"; }
    done
    [ -n "$failed" ] && echo && echo "steps that failed:$failed (logs in $RESULTS/<step>.log)"
} | tee "$RESULTS/summary.txt"
{
    echo "# Benchmark summary"; echo
    sed 's/^# /- /' "$RESULTS/conditions.txt"; echo
    "$BENCH_DIR/table.sh" md "$RESULTS"
    for m in fcgi predict; do
        [ -f "$RESULTS/profile-$m.txt" ] && { echo; echo "## Profile ($m)"; echo; echo '```'; cat "$RESULTS/profile-$m.txt"; echo '```'; }
    done
    [ -n "$failed" ] && echo && echo "Steps that failed:$failed"
    true
} > "$RESULTS/summary.md"
[ "$LATEST" = 1 ] && cp "$RESULTS/summary.md" "$BENCH_DIR/results/latest.md"
echo "# results: $RESULTS"
if [ "$STRICT" = 1 ] && { [ -n "$failed" ] || grep -q ' FAIL$' "$RESULTS/summary.txt"; }; then
    exit 1
fi
exit 0
