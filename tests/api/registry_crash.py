#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""tests/api/registry_crash.py - kill -9 during uploads and activations
(issue 11, point 4).

Usage: registry_crash.py TAGIFAI REGISTRY ARTIFACT_A ARTIFACT_B TRIALS

Each trial starts `tagifai models push` of a fresh model (a 4 MB upload:
hash, durable copy, validation, commit) or `tagifai models activate`, and
kills it with SIGKILL after a random delay within its usual run time.
After every trial the registry must be consistent: the database passes
integrity_check, every version's artifact exists with its size and
SHA-256, every active pointer names an existing version, and the last
activation in each history is the active version.  Prints figures; exits 1
on the first inconsistency.
"""
import hashlib
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time


def check(reg):
    db = sqlite3.connect(os.path.join(reg, "registry.db"))
    problems = []
    if db.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
        problems.append("integrity_check failed")
    for model, version, checksum, size in db.execute(
            "SELECT model, version, checksum, size FROM versions"):
        path = os.path.join(reg, "artifacts", checksum + ".tagifai")
        try:
            data = open(path, "rb").read()
        except OSError as e:
            problems.append(f"{model} v{version}: {e}")
            continue
        if len(data) != size or hashlib.sha256(data).hexdigest() != checksum:
            problems.append(f"{model} v{version}: artifact differs from its row")
    for name, active, latest in db.execute(
            "SELECT name, active_version, latest_version FROM models"):
        if active is not None and db.execute(
                "SELECT 1 FROM versions WHERE model=? AND version=?",
                (name, active)).fetchone() is None:
            problems.append(f"{name}: active version {active} does not exist")
        last = db.execute("SELECT version FROM activations WHERE model=? "
                          "ORDER BY id DESC LIMIT 1", (name,)).fetchone()
        if (last[0] if last else None) != active:
            problems.append(f"{name}: history ends with {last}, active is {active}")
        top = db.execute("SELECT max(version) FROM versions WHERE model=?",
                         (name,)).fetchone()[0]
        if top is not None and top > latest:
            problems.append(f"{name}: version {top} above latest {latest}")
    db.close()
    return problems


def run(cmd):
    return subprocess.run(cmd, stdout=subprocess.DEVNULL,
                          stderr=subprocess.DEVNULL).returncode


def main():
    tool, reg, art_a, art_b, trials = sys.argv[1:6]
    trials = int(trials)
    random.seed(int(os.environ.get("CRASH_SEED", "11")))
    base = [tool, "models"]
    reg_opt = ["--registry", reg]
    if (run(base + ["create", "crash"] + reg_opt) or
            run(base + ["push", "crash", art_a] + reg_opt) or
            run(base + ["push", "crash", art_b] + reg_opt) or
            run(base + ["activate", "crash", "1"] + reg_opt)):
        print("# set-up failed")
        return 1
    # How long each operation takes when left alone: kill within that.
    t0 = time.monotonic()
    run(base + ["create", "timing"] + reg_opt)
    run(base + ["push", "timing", art_a] + reg_opt)
    push_s = time.monotonic() - t0
    t0 = time.monotonic()
    run(base + ["activate", "crash", "2"] + reg_opt)
    act_s = time.monotonic() - t0
    killed = {"push": 0, "activate": 0}
    finished = 0
    for i in range(trials):
        if i % 2 == 0:
            kind = "push"
            run(base + ["create", f"m{i}"] + reg_opt)
            cmd = base + ["push", f"m{i}", art_a if i % 4 else art_b] + reg_opt
            limit = push_s
        else:
            kind = "activate"
            cmd = base + ["activate", "crash", str(1 + (i // 2) % 2)] + reg_opt
            limit = act_s
        p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
        time.sleep(random.uniform(0, limit))
        if p.poll() is None:
            p.send_signal(signal.SIGKILL)
            killed[kind] += 1
        else:
            finished += 1
        p.wait()
        problems = check(reg)
        if problems:
            print(f"# trial {i} ({kind}): " + "; ".join(problems[:5]))
            return 1
    # The registry still works: an upload and an activation succeed.
    if (run(base + ["create", "after"] + reg_opt) or
            run(base + ["push", "after", art_b] + reg_opt) or
            run(base + ["activate", "after", "1"] + reg_opt) or check(reg)):
        print("# the registry does not work after the trials")
        return 1
    print(f"# {trials} trials: killed {killed['push']} uploads and "
          f"{killed['activate']} activations mid-way, {finished} had "
          f"finished; push {push_s * 1000:.0f} ms, activate "
          f"{act_s * 1000:.0f} ms when left alone; registry consistent "
          f"after each")
    if killed["push"] < trials // 8 or killed["activate"] < trials // 8:
        print("# too few kills landed mid-operation to mean anything")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
