#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# tests/api/batch_check.py - the checks of tests/api/batch_supervise.bats
# that are easier in Python than in bash:
#   gen OUT REPEAT [PROJECTS.csv [PREFIX]]
#       writes JSON Lines {"id","text"}: every project of projects.csv,
#       REPEAT times, ids "<PREFIX>r<k>-<id>" (unique), text "title
#       description".
#   live BASE RESULTS.jsonl INPUT.jsonl
#       RESULTS (`tagifai batch results`, one line a prediction) holds
#       every item of INPUT once, in input order, and each stored
#       predicted_tag and probabilities object is byte for byte what
#       POST BASE/models/M/versions/V/predict answers live for its text
#       (M and V from the environment variables MODEL and VERSION).
#   chunks JOB TOTAL LOG...
#       the runners' lines "job JOB: items A..B committed" (fcgi/runner.c)
#       cover 0..TOTAL exactly once: no chunk committed twice, none missing.
#   state DB [JOB]
#       the invariants of the batch tables of registry.db at any instant
#       (a kill -9 may have happened just before): see check_state.
# Prints what differs and exits 1 on a failure; 0 with a summary line.
import csv
import json
import os
import re
import sqlite3
import sys
import urllib.request

PROB_RE = re.compile(rb'"probabilities":(\{[^}]*\})')
TAG_RE = re.compile(rb'"predicted_tag":("(?:[^"\\]|\\.)*")')


def gen(out, repeat, projects, prefix=""):
    rows = []
    with open(projects, newline="", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            rows.append((r["id"], (r["title"] + " " + r["description"]).strip()))
    n = 0
    with open(out, "w", encoding="utf-8") as f:
        for k in range(repeat):
            for pid, text in rows:
                f.write(json.dumps({"id": "%sr%d-%s" % (prefix, k, pid),
                                    "text": text}) + "\n")
                n += 1
    print("# %d items (%d projects x %d)" % (n, len(rows), repeat))
    return 0


def live_answers(base, model, version, texts):
    """Raw (tag, probabilities) bytes per text, from the live route."""
    out = {}
    url = "%s/models/%s/versions/%s/predict" % (base, model, version)
    texts = list(texts)
    for i in range(0, len(texts), 40):
        part = texts[i:i + 40]
        body = json.dumps({"texts": [{"text": t} for t in part]}).encode()
        req = urllib.request.Request(url, data=body, method="POST",
                                     headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=30) as r:
            raw = r.read()
        tags = TAG_RE.findall(raw)
        probs = PROB_RE.findall(raw)
        if len(tags) != len(part) or len(probs) != len(part):
            raise SystemExit("live answer with %d/%d predictions for %d texts: %r"
                             % (len(tags), len(probs), len(part), raw[:300]))
        for t, tag, p in zip(part, tags, probs):
            out[t] = (tag, p)
    return out


def live(base, results, inputs):
    model, version = os.environ["MODEL"], os.environ["VERSION"]
    want = [json.loads(l) for l in open(inputs, encoding="utf-8")]
    lines = open(results, "rb").read().splitlines()
    if len(lines) != len(want):
        print("%d stored predictions for %d items" % (len(lines), len(want)))
        return 1
    answers = live_answers(base, model, version, {w["text"] for w in want})
    bad = 0
    for i, (raw, w) in enumerate(zip(lines, want)):
        got = json.loads(raw)
        tag = TAG_RE.findall(raw)
        prob = PROB_RE.findall(raw)
        exp = answers[w["text"]]
        if (got["id"] != w["id"] or got["input_text"] != w["text"] or
                tag != [exp[0]] or prob != [exp[1]]):
            bad += 1
            if bad <= 5:
                print("item %d (%s): stored %r, live %r" % (i, w["id"], raw[:300], exp))
    if bad:
        print("%d of %d stored answers differ from the live ones" % (bad, len(want)))
        return 1
    print("# %d stored answers equal the live ones (%d distinct texts)"
          % (len(want), len(answers)))
    return 0


CHUNK_RE = re.compile(r"job (\S+): items (\d+)\.\.(\d+) committed")


def chunks(job, total, logs):
    seen = {}
    for log in logs:
        for line in open(log, encoding="utf-8", errors="replace"):
            m = CHUNK_RE.search(line)
            if m and m.group(1) == job:
                a, b = int(m.group(2)), int(m.group(3))
                seen.setdefault((a, b), []).append(log)
    twice = {k: v for k, v in seen.items() if len(v) > 1}
    if twice:
        print("chunks committed more than once: %r" % sorted(twice.items())[:10])
        return 1
    pos = 0
    for a, b in sorted(seen):
        if a != pos or b <= a:
            print("chunks do not tile 0..%d: at %d found %d..%d" % (total, pos, a, b))
            return 1
        pos = b
    if pos != total:
        print("chunks end at %d of %d" % (pos, total))
        return 1
    print("# %d chunks of job %s, each committed once, cover 0..%d"
          % (len(seen), job, total))
    return 0


def main(argv):
    if len(argv) >= 3 and argv[1] == "gen":
        return gen(argv[2], int(argv[3]), argv[4] if len(argv) > 4 else
                   os.path.join(os.environ.get("SHARED_DIR", ""), "data/tagifai/projects.csv"),
                   argv[5] if len(argv) > 5 else "")
    if len(argv) == 5 and argv[1] == "live":
        return live(argv[2], argv[3], argv[4])
    if len(argv) >= 5 and argv[1] == "chunks":
        return chunks(argv[2], int(argv[3]), argv[4:])
    if len(argv) in (3, 4) and argv[1] == "state":
        return check_state(argv[2], argv[3] if len(argv) == 4 else None)
    print(__doc__ if __doc__ else "usage: see the header", file=sys.stderr)
    return 2


JOBS_CHUNK = 2048  # jobs/runner.h
# store/sqlite.c keys an item and its result by (job seq << 32) + index.
JOB = "(key >> 32)"
IDX = "(key & 4294967295)"


def check_state(db, job):
    """At any instant, even right after a kill -9 of a runner:
    - every job has its items_total items (none once failed or
      cancelled), and 0 <= items_done <= total;
    - queued: nothing done; running: whole chunks done, exactly the
      results 0..items_done-1 stored; succeeded: every result stored;
      failed or cancelled: no result left;
    - nothing is visible (item_latest, the answers by id) from a job
      that has not succeeded, and a succeeded job is visible whole
      (every item id points to it or to a newer succeeded job).
    With JOB, prints "STATUS DONE TOTAL VISIBLE" for it."""
    con = sqlite3.connect(db, timeout=10, isolation_level=None)
    con.execute("BEGIN")  # one snapshot for every query below
    jobs = con.execute("SELECT seq, id, status, items_total, items_done, "
                       "error FROM jobs ORDER BY seq").fetchall()
    items = dict(con.execute("SELECT %s, count(*) FROM job_items GROUP BY 1" % JOB))
    results = {j: (n, lo, hi) for j, n, lo, hi in con.execute(
        "SELECT %s, count(*), min(%s), max(%s) FROM job_results GROUP BY 1"
        % (JOB, IDX, IDX))}
    latest = dict(con.execute("SELECT %s, count(*) FROM item_latest GROUP BY 1" % JOB))
    status = {seq: st for seq, _, st, _, _, _ in jobs}
    bad = []
    for seq, jid, st, total, done, err in jobs:
        n_res, lo, hi = results.get(seq, (0, None, None))
        # a failed or cancelled job keeps no item either
        if items.get(seq, 0) != total and not (
                st in ("failed", "cancelled") and items.get(seq, 0) == 0):
            bad.append("%s: %d items stored, items_total %d" % (jid, items.get(seq, 0), total))
        if not 0 <= done <= total:
            bad.append("%s: items_done %d of %d" % (jid, done, total))
        if st == "queued":
            if done != 0 or n_res != 0:
                bad.append("%s queued with %d done, %d results" % (jid, done, n_res))
        elif st == "running":
            if done % JOBS_CHUNK != 0 and done != total:
                bad.append("%s running with %d done: not whole chunks" % (jid, done))
            if n_res != done or (n_res and (lo, hi) != (0, done - 1)):
                bad.append("%s running: %d done but results %r" % (jid, done, (n_res, lo, hi)))
        elif st == "succeeded":
            if done != total or n_res != total:
                bad.append("%s succeeded with %d done, %d results of %d" % (jid, done, n_res, total))
        elif st in ("failed", "cancelled"):
            if n_res != 0:
                bad.append("%s %s with %d results left" % (jid, st, n_res))
        else:
            bad.append("%s: unknown status %r" % (jid, st))
        if st != "succeeded" and latest.get(seq, 0):
            bad.append("%s %s but %d of its answers are visible" % (jid, st, latest[seq]))
    for seq, n in latest.items():
        if status.get(seq) != "succeeded":
            bad.append("item_latest points %d ids at job seq %d (%s)" % (n, seq, status.get(seq)))
    # A succeeded job is visible whole: each of its ids answers (from it,
    # or from a job that succeeded later).  Only JOB's when one is named:
    # the polls stay cheap.
    only = "AND j.id = ?" if job is not None else ""
    for seq, n in con.execute(
            "SELECT j.seq, count(*) FROM job_items i JOIN jobs j ON j.seq = (i.key >> 32) "
            "LEFT JOIN item_latest l ON l.item_id = i.item_id "
            "WHERE j.status = 'succeeded' AND l.key IS NULL %s GROUP BY 1" % only,
            (job,) if job is not None else ()):
        bad.append("succeeded job seq %d: %d ids do not answer from it" % (seq, n))
    con.execute("COMMIT")
    con.close()
    if bad:
        print("\n".join(bad[:20]))
        return 1
    if job is not None:
        for seq, jid, st, total, done, err in jobs:
            if jid == job:
                # status, items_done, items_total, ids answering from it
                print("%s %d %d %d" % (st, done, total, latest.get(seq, 0)))
                return 0
        print("no job %s" % job)
        return 1
    print("# %d jobs consistent" % len(jobs))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
