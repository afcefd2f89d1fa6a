#!/bin/sh
# SPDX-License-Identifier: MIT
# tools/seed_sweep.sh - how much the holdout F1 depends on the seed.
#
# Trains the default arguments with seeds FIRST..LAST (default 1..5) and
# prints each holdout weighted F1, their median, and the reference's
# 0.8418 (scikit-learn, seed 42).  Artifacts go to a temporary directory
# that is removed afterwards.
#
# Usage: tools/seed_sweep.sh [FIRST [LAST]]
# Environment: TAGIFAI, SHARED_DIR as for tools/train_default.sh.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
shared=${SHARED_DIR:-$top/../shared}
data=$shared/data/tagifai
first=${1:-1}
last=${2:-5}
bin=${TAGIFAI:-}
if [ -z "$bin" ]; then
	if [ -x ./tagifai ]; then bin=./tagifai; else bin=tagifai; fi
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
seed=$first
: > "$tmp/f1"
while [ "$seed" -le "$last" ]; do
	"$bin" train --data "$data/dataset.csv" --holdout "$data/holdout.csv" \
		--args "$top/models/default-args.json" --seed "$seed" \
		-o "$tmp/m.tagifai" > /dev/null
	f1=$("$bin" evaluate --model "$tmp/m.tagifai" \
		--data "$data/holdout.csv" --json |
		sed -n 's/^{"overall":{[^}]*"f1":\([0-9.e-]*\).*/\1/p')
	printf 'seed %s weighted F1 %s\n' "$seed" "$f1"
	echo "$f1" >> "$tmp/f1"
	seed=$((seed + 1))
done
sort -g "$tmp/f1" | awk '{ v[NR] = $1 } END {
	m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
	printf "median %.4f (reference 0.8418)\n", m }'
