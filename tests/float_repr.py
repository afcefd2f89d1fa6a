#!/usr/bin/env python3
"""Doubles for tests/float_repr.test, with Python's repr() of each.

Usage: float_repr.py CASES.hex EXPECTED.txt KINDS.txt

Writes each double's bit pattern (16 hex digits) to CASES.hex, repr() of
it to EXPECTED.txt and its kind (which family it came from) to KINDS.txt,
one per line.  The families cover what the service prints (probabilities,
metrics) and what is hard for a shortest-digits printer: random bit
patterns over the whole range, subnormals, powers of ten and their
neighbours, the 1e-4 and 1e16 layout boundaries, integers near 2**53.
Seeded, so a failure can be reproduced.
"""
import math
import random
import struct
import sys


def bits(d):
    return struct.unpack("<Q", struct.pack("<d", d))[0]


def from_bits(b):
    return struct.unpack("<d", struct.pack("<Q", b))[0]


def families(rng):
    yield "special", [0.0, -0.0, math.inf, -math.inf, math.nan, 5e-324,
                      -5e-324, 2.2250738585072014e-308, 1.7976931348623157e308,
                      1.0, -1.0, 0.1, 0.2, 0.3, 1 / 3, 2 / 3, 100.0, 1e16,
                      1e-05, 1.5e-05, 2.5e20, 123456789012345.6,
                      9007199254740993.0, 0.5, 1e22, 1e23, 5e-310]
    yield "probability", [rng.random() for _ in range(40000)]
    yield "softmax-like", [1 / (1 + math.exp(-rng.gauss(0, 8)))
                           for _ in range(20000)]
    yield "random-bits", [from_bits(rng.getrandbits(64)) for _ in range(60000)]
    yield "subnormal", [from_bits(rng.getrandbits(52)) for _ in range(10000)]
    out = []
    for e in range(-325, 309):
        try:
            p = float("1e%d" % e)
        except OverflowError:
            continue
        if p == 0 or math.isinf(p):
            continue
        for d in (p, math.nextafter(p, 0), math.nextafter(p, math.inf)):
            out.append(d)
    yield "powers-of-ten", out
    edges = []
    for base in (1e-4, 1e16, 1e15, 1e-5):
        d = base
        for _ in range(50):
            edges += [d, -d]
            d = math.nextafter(d, math.inf)
        d = base
        for _ in range(50):
            d = math.nextafter(d, 0)
            edges += [d, -d]
    yield "layout-edges", edges
    yield "integers", [float(rng.randrange(-2**54, 2**54))
                       for _ in range(10000)]
    yield "short-decimals", [float("%d.%de%d" % (rng.randrange(10),
                                                 rng.randrange(1000),
                                                 rng.randrange(-30, 30)))
                             for _ in range(20000)]


def main():
    rng = random.Random(20261127)
    with open(sys.argv[1], "w") as h, open(sys.argv[2], "w") as e, \
            open(sys.argv[3], "w") as k:
        for kind, values in families(rng):
            for d in values:
                h.write("%016x\n" % bits(d))
                e.write(repr(d) + "\n")
                k.write(kind + "\n")


if __name__ == "__main__":
    main()
