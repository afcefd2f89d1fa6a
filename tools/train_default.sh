#!/bin/sh
# SPDX-License-Identifier: MIT
# tools/train_default.sh - rebuild the default model reproducibly.
#
# Trains with models/default-args.json and the fixed seed below on the
# shared TagIfAI data (never copied into the repository) and writes
# models/default.tagifai, or OUT if given.  The same binary, data, args and
# seed always give a byte-identical artifact.  doc/TRAINING.md explains how
# the seed and the arguments were chosen.
#
# Usage: tools/train_default.sh [OUT]
# Environment: TAGIFAI (the tagifai binary; default ./tagifai, then PATH),
#              SHARED_DIR (default: ../shared next to the source tree),
#              SEED (default 27, the seed of the committed model).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
shared=${SHARED_DIR:-$top/../shared}
data=$shared/data/tagifai
seed=${SEED:-27}
out=${1:-$top/models/default.tagifai}
bin=${TAGIFAI:-}
if [ -z "$bin" ]; then
	if [ -x ./tagifai ]; then bin=./tagifai; else bin=tagifai; fi
fi
exec "$bin" train --data "$data/dataset.csv" --holdout "$data/holdout.csv" \
	--args "$top/models/default-args.json" --seed "$seed" \
	--name tagifai-default --version "seed-$seed" -o "$out"
