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


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
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
