#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""tests/api/registry_load.py - activations under load (issue 11, point 3).

Usage: registry_load.py BASE MODEL ACTIVATIONS CLIENTS

CLIENTS threads POST BASE/models/MODEL/predict back to back while the main
thread activates versions 2, 1, 2, ... ACTIVATIONS times.  Every answer
must be 2xx, and every request sent after an activation's PUT had returned
and answered before the next PUT was sent must name that version in
X-Model.  (A request is judged by when its answer came, not by when the
thread meant to send it: a Python thread may wait for the GIL between
noting the time and sending, long enough for the next PUT to land.)
Prints one line of figures; exits 1 with the offending requests otherwise.
"""
import http.client
import os
import json
import sys
import threading
import time
import urllib.parse

BODY = json.dumps({"texts": [{"text": "Transfer learning with BERT"}]})


def conn_for(base):
    u = urllib.parse.urlsplit(base)
    return http.client.HTTPConnection(u.hostname, u.port, timeout=30), u.path


def main():
    base, model, n_act, n_clients = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    stop = threading.Event()
    records = []          # (t_send, t_recv, status, x_model)
    lock = threading.Lock()

    def client():
        c, prefix = conn_for(base)
        mine = []
        while not stop.is_set():
            t0 = time.monotonic()
            try:
                c.request("POST", f"{prefix}/models/{model}/predict", BODY,
                          {"Content-Type": "application/json"})
                r = c.getresponse()
                r.read()
                mine.append((t0, time.monotonic(), r.status, r.getheader("X-Model")))
            except (OSError, http.client.HTTPException) as e:
                mine.append((t0, time.monotonic(), 0, repr(e)))
                c.close()
                c, prefix = conn_for(base)
        with lock:
            records.extend(mine)

    threads = [threading.Thread(target=client) for _ in range(n_clients)]
    for t in threads:
        t.start()
    time.sleep(0.3)
    acts = []             # (t_start, t_end, version)
    c, prefix = conn_for(base)
    for i in range(n_act):
        v = 2 if i % 2 == 0 else 1
        t0 = time.monotonic()
        c.request("PUT", f"{prefix}/models/{model}/active-version",
                  json.dumps({"version": v}), {"Content-Type": "application/json",
                                               "Authorization": "Bearer " + os.environ["API_KEY"]})
        r = c.getresponse()
        r.read()
        t1 = time.monotonic()
        if r.status != 200:
            print(f"PUT version {v}: HTTP {r.status}")
            stop.set()
            return 1
        acts.append((t0, t1, v))
        time.sleep(0.15)
    time.sleep(0.2)
    stop.set()
    for t in threads:
        t.join()

    bad = [r for r in records if not 200 <= r[2] < 300]
    wrong = []
    first_new = []
    for k, (a0, a1, v) in enumerate(acts):
        nxt = acts[k + 1][0] if k + 1 < len(acts) else float("inf")
        want = f"{model}/{v}"
        after = [r for r in records if a1 < r[0] and r[1] < nxt]
        wrong += [(k, want, r) for r in after if r[3] != want]
        done = sorted(r[1] for r in records if r[0] >= a0 and r[3] == want)
        if done:
            first_new.append(done[0] - a1)
    checked = sum(1 for k, (a0, a1, v) in enumerate(acts) for r in records
                  if a1 < r[0] and r[1] < (acts[k + 1][0] if k + 1 < len(acts) else float("inf")))
    print(f"# {len(records)} answers ({checked} judged), {len(acts)} activations, "
          f"{len(bad)} non-2xx, {len(wrong)} inconsistent; "
          f"first new answer after the PUT returned: max "
          f"{max(first_new) * 1000:.2f} ms")
    for r in bad[:5]:
        print("# non-2xx:", r)
    for w in wrong[:5]:
        print("# inconsistent:", w)
    if checked < 10 * len(acts):
        print(f"# too few answers between activations to judge ({checked})")
        return 1
    return 1 if bad or wrong else 0


if __name__ == "__main__":
    sys.exit(main())
