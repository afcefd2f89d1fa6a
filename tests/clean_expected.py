#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Inputs and expected outputs for tests/clean_parity.test, computed live
from the reference's clean_text (SHARED_DIR/peers/fastapi/tagifai_core.py).

Usage: clean_expected.py inputs SET            one hex line per text
       clean_expected.py expected SET [--no-lower]
                                               the reference's clean_text
       clean_expected.py recorded              holdout "cleaned" fields
       clean_expected.py classes               per-code-point classes

SET is holdout (reference/holdout_predictions.jsonl, field "text"), dataset
(title + " " + description of shared/data/tagifai/{dataset,holdout}.csv, as
the lesson builds its text column) or torture (tests/data/clean_torture.jsonl,
field "text", or "hex" for byte strings that are not valid UTF-8) or random
(2000 fixed pseudo-random mixes of stopwords, spaces, letters, marks and
invalid bytes; seed 2022).  Byte
strings reach the reference as bytes.decode("utf-8", "replace"): the
cleaner's documented reading of invalid UTF-8.

It exits non-zero when tagifai_core cannot be imported: the parity test
must then fail, not skip.
"""
import csv
import json
import os
import random
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SHARED = os.environ.get("SHARED_DIR") or os.path.join(HERE, "..", "..", "shared")
PEER = os.path.join(SHARED, "peers", "fastapi")
sys.path.insert(0, PEER)
from tagifai_core import STOPWORDS, clean_text  # noqa: E402  (fails loudly on purpose)


def texts(name):
    """The byte strings of one input set, in order."""
    if name == "holdout":
        path = os.path.join(PEER, "reference", "holdout_predictions.jsonl")
        with open(path, encoding="utf-8") as f:
            return [json.loads(l)["text"].encode("utf-8") for l in f if l.strip()]
    if name == "dataset":
        out = []
        for base in ("dataset.csv", "holdout.csv"):
            path = os.path.join(SHARED, "data", "tagifai", base)
            with open(path, encoding="utf-8", newline="") as f:
                for row in csv.DictReader(f):
                    out.append((row["title"] + " " + row["description"]).encode("utf-8"))
        return out
    if name == "torture":
        path = os.path.join(HERE, "data", "clean_torture.jsonl")
        out = []
        with open(path, encoding="utf-8") as f:
            for line in f:
                if not line.strip():
                    continue
                case = json.loads(line)
                if "hex" in case:
                    out.append(bytes.fromhex(case["hex"]))
                else:
                    out.append(case["text"].encode("utf-8"))
        return out
    if name == "random":
        return random_texts()
    raise SystemExit("unknown set: " + name)


# Pieces for the random set: stopwords in several cases, every kind of
# character class the cleaner tells apart, and bytes that are not UTF-8.
_PIECES = [w for w in STOPWORDS[::3]] + [
    "The", "DON'T", "You're", "İ", "\u212a", "http", "https://a.b/c", "HTTPS",
    " ", "  ", "\t", "\n", "\u200a", "\u00a0", "\u3000", "\x1c", "\x85",
    "\u200b", "'", "\u2019", "-", ".", "_", "__", "0", "42", "\u00b2",
    "\u0663", "\u2167", "\u57fa", "\U0001d622", "\u1d40", "\u0301",
    "\ufe0f", "\U0001f525", "\U0001e4d0", "\u03a3", "\u00df", "\x00",
    "model", "Net", "x", "\u00e9", "\u0131",
]
_BAD_BYTES = [b"\x80", b"\xff", b"\xc0\x80", b"\xe2\x82", b"\xed\xa0\x80"]


def random_texts(count=2000, seed=2022):
    """A fixed pseudo-random mix of _PIECES (and some invalid bytes)."""
    rng = random.Random(seed)
    out = []
    for _ in range(count):
        parts = []
        for _ in range(rng.randint(0, 12)):
            if rng.random() < 0.05:
                parts.append(rng.choice(_BAD_BYTES))
            else:
                parts.append(rng.choice(_PIECES).encode("utf-8"))
        out.append(b"".join(parts))
    return out


def recorded():
    path = os.path.join(PEER, "reference", "holdout_predictions.jsonl")
    with open(path, encoding="utf-8") as f:
        return [json.loads(l)["cleaned"] for l in f if l.strip()]


_W = re.compile(r"\w")
_S = re.compile(r"\s")


def cls(ch):
    if ch.isascii() and ch.isalnum():
        return ch
    if _W.match(ch):
        return "w"
    if _S.match(ch):
        return "s"
    return "o"


def classes(out):
    """Runs of code points with equal (plain, lowered) classes, as
    clean_tool --classes prints them."""
    first, prev = 0, None
    for cp in range(0x110000):
        ch = chr(cp)
        cur = cls(ch) + " " + "".join(cls(x) for x in ch.lower())
        if prev is not None and cur != prev:
            out.write("%x %x %s\n" % (first, cp - 1, prev))
            first = cp
        prev = cur
    out.write("%x %x %s\n" % (first, 0x10FFFF, prev))


def main(argv):
    out = sys.stdout
    if len(argv) >= 2 and argv[0] == "inputs":
        for b in texts(argv[1]):
            out.write(b.hex() + "\n")
    elif len(argv) >= 2 and argv[0] == "expected":
        lower = "--no-lower" not in argv[2:]
        for b in texts(argv[1]):
            c = clean_text(b.decode("utf-8", "replace"), lower=lower)
            if "\n" in c:
                raise SystemExit("cleaned text with a newline?")
            out.write(c + "\n")
    elif argv == ["recorded"]:
        for c in recorded():
            out.write(c + "\n")
    elif argv == ["classes"]:
        classes(out)
    else:
        raise SystemExit(__doc__)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
