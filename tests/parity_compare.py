#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Compare `tagifai predict --details` output with the reference's
holdout_predictions.jsonl and print TAP lines (no plan).

Usage: parity_compare.py START LABEL REFERENCE.jsonl OUTPUT.jsonl

Probabilities and decision values are read back from their printed text (Python repr) and
compared with == (bit-identical doubles).  Prints 7 test lines numbered
from START; the exit status is 0 even on failure (the TAP lines carry it).
"""
import json
import sys


def main():
    start, label, ref_path, out_path = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
    refs = [json.loads(line) for line in open(ref_path, encoding="utf-8")]
    try:
        outs = [json.loads(line) for line in open(out_path, encoding="utf-8")]
    except ValueError as e:
        outs = []
        print(f"# {out_path}: not JSON Lines: {e}")
    n = len(refs)
    pairs = list(zip(refs, outs))

    def count(pred):
        return sum(1 for r, o in pairs if pred(r, o))

    def same_map(a, b):
        return isinstance(b, dict) and list(a) == list(b) and all(a[k] == b[k] for k in a)

    checks = [
        ("rows", len(outs) if len(outs) == n else -1),
        ("ids in order", count(lambda r, o: o.get("id") == r["id"])),
        ("probabilities bit-identical", count(lambda r, o: same_map(r["probabilities"], o.get("probabilities")))),
        ("decision_function bit-identical", count(lambda r, o: same_map(r["decision_function"], o.get("decision_function")))),
        ("predicted_tag equal", count(lambda r, o: o.get("predicted_tag") == r["predicted_tag"])),
        ("cleaned text equal", count(lambda r, o: o.get("cleaned") == r["cleaned"])),
        ("nnz equal", count(lambda r, o: o.get("nnz") == r["nnz"])),
    ]
    for i, (what, got) in enumerate(checks):
        ok = got == n and n > 0
        print(f"{'' if ok else 'not '}ok {start + i} - {label}: {what} {got}/{n}")
    bad = [r["id"] for r, o in pairs if not same_map(r["probabilities"], o.get("probabilities"))]
    if bad:
        print(f"# ids with differing probabilities: {bad[:20]}")
    worst = 0.0
    for r, o in pairs:
        p = o.get("probabilities")
        if isinstance(p, dict):
            for k, v in r["probabilities"].items():
                if isinstance(p.get(k), float):
                    worst = max(worst, abs(p[k] - v))
    print(f"# {label}: max |p - p_ref| = {worst:.3g}")


if __name__ == "__main__":
    main()
