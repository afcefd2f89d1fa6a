#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# tests/api/prom_check.py - reads a /metrics answer (Prometheus text format)
# with python3-prometheus-client's parser, which raises on anything it
# does not accept, then answers queries:
#   prom_check.py FILE                      parse only (exit 1 on error)
#   prom_check.py FILE 'NAME{k="v",...}'... one line per query: the sum of
#                                           the samples named NAME whose
#                                           labels include those given
#   prom_check.py FILE --names              every sample name, one a line
#   prom_check.py --monotonic FILE...       scrapes in the order taken: no
#                                           counter sample (_total, _bucket,
#                                           _count, _sum) is ever lower than
#                                           in an earlier one (exit 1, naming
#                                           it, otherwise)
import re
import sys

from prometheus_client.parser import text_string_to_metric_families

QUERY = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?$')
LABEL = re.compile(r'\s*([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"\s*,?')


def samples(text):
    out = []
    for fam in text_string_to_metric_families(text):
        for s in fam.samples:
            out.append((s.name, s.labels, s.value))
    return out


def query(all_samples, q):
    m = QUERY.match(q)
    if m is None:
        sys.exit(f"prom_check: bad query {q!r}")
    want = {k: v.encode().decode('unicode_escape')
            for k, v in LABEL.findall(m.group(2) or '')}
    total = 0.0
    for name, labels, value in all_samples:
        if name == m.group(1) and all(labels.get(k) == v
                                      for k, v in want.items()):
            total += value
    return total


def counters(all_samples):
    out = {}
    for name, labels, value in all_samples:
        if name.endswith(('_total', '_bucket', '_count', '_sum')):
            out[(name, tuple(sorted(labels.items())))] = value
    return out


def monotonic(files):
    last = {}
    for f in files:
        with open(f, encoding='utf-8') as fh:
            now = counters(samples(fh.read()))
        for key, v in last.items():
            if now.get(key, 0) < v:
                sys.exit(f"prom_check: {key} went down: {v} -> "
                         f"{now.get(key, 0)} in {f}")
        last = now
    print(f"{len(files)} scrapes, {len(last)} counters, none went down")


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    if sys.argv[1] == '--monotonic':
        monotonic(sys.argv[2:])
        return
    with open(sys.argv[1], encoding='utf-8') as f:
        text = f.read()
    try:
        all_samples = samples(text)
    except Exception as e:  # the parser's refusal is the verdict
        sys.exit(f"prom_check: {sys.argv[1]}: not accepted: {e}")
    if not all_samples:
        sys.exit(f"prom_check: {sys.argv[1]}: no samples")
    for q in sys.argv[2:]:
        if q == '--names':
            for n in sorted({s[0] for s in all_samples}):
                print(n)
        else:
            v = query(all_samples, q)
            print(int(v) if v == int(v) else v)


if __name__ == '__main__':
    main()
