#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""tests/api/hostile.py - sends raw corpus requests (tests/hostile/) to a
running web server over TCP and checks the answers against the MANIFEST.

    hostile.py batch HOST PORT STACK CORPUS_DIR STACK_DIR RESULTS TEXT TAG
    hostile.py case  HOST PORT STACK CORPUS_DIR FILE
    hostile.py probe HOST PORT TEXT TAG

"batch" is what tests/api/hostile_common.bash runs once per suite: for
every corpus file in name order it sends the file, checks the answer
("case" below), sends the probe ("probe" below) and compares the stack's
tagifai-fcgi workers with the set after the previous case (the first case
with STACK_DIR/workers.start, written by hostile_workers_record).  It
writes one file per case, RESULTS/FILE: "ok" alone when every check
passed, otherwise "fail" and the diagnostics, one per line.  A case that
raises is recorded as failed and the batch goes on; once the batch has
run for HOSTILE_BUDGET seconds (default 900) the cases left are recorded
as failed without being sent.  It exits 0 when every case passed, 1 when
some failed, 2 on bad usage; a case without a result file (the batch was
killed) is a failure for the reader.

"case" exits 0 when the answer is one the MANIFEST allows for STACK, and
always refuses a 5xx from the application, a 502/503/504 from the web
server (the worker died or hung), an answer that is not strict UTF-8 JSON
from the application, and a hang (no answer and no close within
HOSTILE_TIMEOUT seconds, default 20).  "probe" posts one valid text and
exits 0 when the answer is 200 with the expected tag.  Everything wrong is
printed on stderr, with the start of the answer.

The workers are found as hostile_common.bash's hostile_workers finds them:
from STACK_DIR/pids ("pid starttime role" lines), the "app" pids
themselves and every descendant (by parent pid, never by name) of the
others, kept when /proc/PID/exe is STACK_DIR/sbin/tagifai-fcgi, as
"pid starttime" lines sorted by pid.

An answer comes from the application when it carries X-Request-Id (every
tagifai-fcgi answer does; lighttpd and nginx never add it).
"""
import json
import os
import socket
import subprocess
import sys
import time
import traceback
import urllib.parse

TIMEOUT = float(os.environ.get("HOSTILE_TIMEOUT", "20"))
BUDGET = float(os.environ.get("HOSTILE_BUDGET", "900"))
ENVELOPE = ["message", "method", "status-code", "timestamp", "url", "data"]
STACKS = ("lighttpd", "nginx", "apache", "proxyfcgi", "cgi")
# Where the API is mounted (plain CGI: /cgi-bin/tagifai.cgi): inserted in
# front of the path of every corpus request line and of expected Locations.
PREFIX = os.environ.get("HOSTILE_PREFIX", "").encode()
# How the stack's workers must behave across the batch: "exact" (the same
# processes throughout), "keep" (those at the start stay alive; the web
# server may start more: mod_fcgid spawns on demand), "none" (plain CGI:
# a process per request, a crash shows in the answer itself).
WORKERS = os.environ.get("HOSTILE_WORKERS", "exact")
# 0: the web server's own errors are not ours to shape (plain CGI: the
# host's server config answers them; the .htaccess is checked elsewhere).
WEB_JSON = os.environ.get("HOSTILE_WEB_JSON", "1") != "0"


class Answer:
    def __init__(self):
        self.raw = b""
        self.closed = False      # the peer closed (EOF or reset)
        self.timed_out = False
        self.status = None
        self.headers = []        # (lower-case name, value)
        self.body = b""
        self.interim = []        # 1xx statuses seen first

    def header(self, name):
        vals = [v for k, v in self.headers if k == name]
        return vals[-1] if vals else None


def parse(raw, head_request):
    """(status, headers, body, interim, complete) or None if no head yet
    (or no status line at all: an HTTP/0.9 answer)."""
    interim = []
    while True:
        if not b"HTTP/".startswith(raw[:5]):
            return None
        end = raw.find(b"\r\n\r\n")
        if end < 0:
            return None
        lines = raw[:end].split(b"\r\n")
        parts = lines[0].split(b" ", 2)
        if len(parts) < 2 or not parts[0].startswith(b"HTTP/"):
            raise ValueError("bad status line %r" % lines[0][:80])
        status = int(parts[1])
        rest = raw[end + 4:]
        if 100 <= status < 200:
            interim.append(status)
            raw = rest
            continue
        headers = []
        for ln in lines[1:]:
            k, _, v = ln.partition(b":")
            headers.append((k.strip().lower().decode("latin-1"),
                            v.strip().decode("latin-1")))
        hd = dict(headers)
        if head_request or status in (204, 304):
            return status, headers, b"", interim, True
        if "chunked" in hd.get("transfer-encoding", "").lower():
            body, pos = b"", 0
            while True:
                eol = rest.find(b"\r\n", pos)
                if eol < 0:
                    return status, headers, body, interim, False
                size = int(rest[pos:eol].split(b";")[0], 16)
                if size == 0:
                    return status, headers, body, interim, True
                if len(rest) < eol + 2 + size + 2:
                    return status, headers, body, interim, False
                body += rest[eol + 2:eol + 2 + size]
                pos = eol + 2 + size + 2
        if "content-length" in hd:
            n = int(hd["content-length"])
            return status, headers, rest[:n], interim, len(rest) >= n
        return status, headers, rest, interim, False


def with_prefix(raw):
    """raw with PREFIX inserted before the path of its request line (when
    the line has the form METHOD SP /PATH)."""
    sp = raw.find(b" ")
    if PREFIX and 0 < sp < 16 and raw[sp + 1:sp + 2] == b"/":
        return raw[:sp + 1] + PREFIX + raw[sp + 1:]
    return raw


def exchange(host, port, raw, shut):
    """Sends raw, reads one answer until complete, closed or timed out."""
    raw = with_prefix(raw)
    a = Answer()
    head_request = raw.startswith(b"HEAD ")
    deadline = time.monotonic() + TIMEOUT
    s = socket.create_connection((host, port), timeout=TIMEOUT)
    try:
        try:
            s.sendall(raw)
            if shut:
                s.shutdown(socket.SHUT_WR)
        except OSError:
            pass  # the server may answer and close before reading it all
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                a.timed_out = True
                break
            s.settimeout(left)
            try:
                chunk = s.recv(65536)
            except socket.timeout:
                a.timed_out = True
                break
            except OSError:
                a.closed = True
                break
            if not chunk:
                a.closed = True
                break
            a.raw += chunk
            p = parse(a.raw, head_request)
            if p is not None and p[4]:
                break
    finally:
        s.close()
    p = parse(a.raw, head_request) if a.raw else None
    if p is not None:
        a.status, a.headers, a.body, a.interim, complete = p
        if not complete and not a.closed:
            a.timed_out = True
    return a


class ManifestError(Exception):
    pass


def read_manifest(corpus):
    """{FILE: [FILE, EXPECT, CHECK, NOTE]}; a malformed line is kept as
    the error it raises when its case asks for it."""
    lines = {}
    with open(os.path.join(corpus, "MANIFEST"), encoding="utf-8") as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            fields = line.rstrip("\n").split("\t")
            lines[fields[0]] = fields
    return lines


def manifest_line(manifest, name):
    fields = manifest.get(name)
    if fields is None:
        raise ManifestError("MANIFEST has no line for %s" % name)
    if len(fields) != 4:
        raise ManifestError("MANIFEST: %s: want 4 fields" % name)
    return fields


def common_app_statuses(expect):
    """The app:NNN statuses of the unprefixed outcomes: the row's CHECK is
    about those answers (a stack's own alternatives are not checked)."""
    return [w[4:] for w in expect.split() if w.startswith("app:")]


def outcomes(expect, stack):
    """(shut, allowed outcomes for stack, {allow:, location:})."""
    shut, want, common, mine = False, {}, [], []
    for w in expect.split():
        if w == "shut":
            shut = True
        elif w.startswith(("allow:", "location:")):
            k, _, v = w.partition(":")
            want[k] = v
        elif "=" in w:
            st, _, o = w.partition("=")
            if st not in STACKS:
                raise ManifestError("MANIFEST: unknown stack in %r" % w)
            if st == stack:
                mine.append(o)
        else:
            common.append(w)
    return shut, mine or common, want


def status_ok(pattern, status):
    if pattern.endswith("xx"):
        return str(status)[0] == pattern[0]
    return str(status) == pattern


def status_ok_any(patterns, status):
    return any(status_ok(p, status) for p in patterns)


def printable(v):
    return all(0x20 <= ord(c) < 0x7f for c in v)


def check_location(a, want, problems):
    loc = a.header("location")
    if loc is None:
        problems.append("%d without Location" % a.status)
        return
    if not printable(loc):
        problems.append("Location %r is not printable ASCII" % loc)
    if want is not None:
        got = urllib.parse.unquote_to_bytes(urllib.parse.urlsplit(loc).path)
        if got != PREFIX + urllib.parse.unquote_to_bytes(want):
            problems.append("Location path %r, expected %r" % (got, want))


def check_app(a, head_request, check, want, problems):
    """The application's answer: JSON of the right shape, sane headers."""
    allow = want.get("allow")
    for k, v in a.headers:
        if k == "set-cookie":
            problems.append("Set-Cookie in the answer: %r" % v)
        elif not printable(v):
            problems.append("header %s is not printable ASCII: %r" % (k, v))
    if 300 <= a.status < 400 or "location" in want:
        check_location(a, want.get("location"), problems)
    ct = a.header("content-type") or ""
    if not ct.startswith("application/json"):
        problems.append("Content-Type %r is not application/json" % ct)
    if a.status == 405:
        got = a.header("allow")
        if not got:
            problems.append("405 without Allow")
        elif allow is not None and \
                got.replace(" ", "") != allow.replace(" ", ""):
            problems.append("Allow %r, expected %r" % (got, allow))
    if head_request or a.status == 307:
        return  # no body (a redirect's is empty, as Starlette's)
    try:
        doc = json.loads(a.body.decode("utf-8", errors="strict"))
    except (UnicodeDecodeError, ValueError) as e:
        problems.append("body is not strict UTF-8 JSON: %s" % e)
        return
    if a.status == 200:
        if not isinstance(doc, dict) or list(doc) != ENVELOPE:
            problems.append("200 without the envelope %s" % ENVELOPE)
    elif not isinstance(doc, dict) or "detail" not in doc:
        problems.append("error body without detail")
    elif a.status == 422:
        d = doc["detail"]
        if not isinstance(d, list) or not d or not all(
                isinstance(e, dict) and isinstance(e.get("loc"), list) and
                isinstance(e.get("msg"), str) and
                isinstance(e.get("type"), str) for e in d):
            problems.append("422 detail is not a list of {loc,msg,type}")
    if check != "-":
        jq_check(a.body, check, problems)


def jq_check(body, check, problems):
    """The MANIFEST's jq expression must be true on body."""
    r = subprocess.run(["jq", "-e", check], input=body,
                       stdout=subprocess.DEVNULL,
                       stderr=subprocess.PIPE, timeout=30)
    if r.returncode != 0:
        problems.append("jq check failed: %s %s" %
                        (check, r.stderr.decode(errors="replace")))


def check_web(a, head_request, check, app_statuses, problems):
    """An error the web server answered itself: JSON like the
    application's, {"detail": ...}; a 413 must also pass the row's CHECK
    of the application's own 413."""
    if a.status < 400 or not WEB_JSON:
        return
    ct = a.header("content-type") or ""
    if not ct.startswith("application/json"):
        problems.append("web server's %d: Content-Type %r is not "
                        "application/json" % (a.status, ct))
    if head_request:
        return
    try:
        doc = json.loads(a.body.decode("utf-8", errors="strict"))
    except (UnicodeDecodeError, ValueError) as e:
        problems.append("web server's %d: body is not strict UTF-8 JSON: "
                        "%s" % (a.status, e))
        return
    if not isinstance(doc, dict) or not isinstance(doc.get("detail"), str):
        problems.append("web server's %d: body is not {\"detail\": "
                        "string}" % a.status)
    # 413: the one body limit gives one message, whichever layer refuses
    if check != "-" and a.status == 413 and "413" in app_statuses:
        jq_check(a.body, check, problems)


def check_case(host, port, stack, corpus, manifest, name):
    """Sends one corpus file; returns what is wrong (lines), [] if nothing.
    Raises ManifestError or OSError when the case cannot be run."""
    _, expect, check, note = manifest_line(manifest, name)
    shut, allowed, want = outcomes(expect, stack)
    with open(os.path.join(corpus, name), "rb") as f:
        raw = f.read()
    try:
        a = exchange(host, port, raw, shut)
    except ValueError as e:
        return ["%s: unparsable answer: %s" % (name, e)]
    problems = []
    from_app = a.header("x-request-id") is not None
    if a.status is None and a.raw and not b"HTTP/".startswith(a.raw[:5]):
        # An HTTP/0.9 answer: the body alone, which must be JSON.
        got = "raw"
        try:
            json.loads(a.raw.decode("utf-8", errors="strict"))
        except ValueError as e:
            problems.append("HTTP/0.9 answer is not JSON: %s" % e)
        a.body = a.raw
    elif a.status is None:
        got = "hang" if a.timed_out else "close"
        if a.raw:
            got = "partial answer"
    else:
        got = "%s:%d" % ("app" if from_app else "web", a.status)
        if a.timed_out:
            problems.append("answer incomplete after %gs" % TIMEOUT)
    if not any(o == got or (o.partition(":")[0] == got.partition(":")[0]
                            and a.status is not None and
                            status_ok(o.partition(":")[2], a.status))
               for o in allowed):
        problems.append("got %s, expected one of: %s" %
                        (got, " ".join(allowed)))
    if a.status is not None:
        if from_app and a.status >= 500:
            problems.append("the application answered %d" % a.status)
        if a.status in (502, 503, 504):
            problems.append("%d: the worker died or hung" % a.status)
        elif not from_app and a.status >= 500 and \
                "web:%d" % a.status not in allowed:
            problems.append("the web server answered %d to a client's "
                            "request" % a.status)
        checked = common_app_statuses(expect)
        if check != "-" and str(a.status) not in checked and \
                not status_ok_any(checked, a.status):
            check = "-"
        if from_app:
            check_app(a, raw.startswith(b"HEAD "), check, want, problems)
        else:
            check_web(a, raw.startswith(b"HEAD "), check, checked, problems)
    if b"root:x:0:0" in a.body:
        problems.append("the answer leaks /etc/passwd")
    if not problems:
        return []
    return (["%s [%s] (%s)" % (name, stack, note)] +
            ["  " + p for p in problems] +
            ["  status %s, headers %s" % (a.status, a.headers),
             "  body %r" % a.body[:600]])


def check_probe(host, port, text, tag):
    """Posts the valid probe; returns what is wrong (lines), [] if
    nothing.  Raises OSError when it cannot connect."""
    body = json.dumps({"texts": [{"text": text}]}).encode()
    raw = (b"POST /predict HTTP/1.1\r\nHost: 127.0.0.1\r\n"
           b"Content-Type: application/json\r\nContent-Length: %d\r\n"
           b"Connection: close\r\n\r\n" % len(body)) + body
    a = exchange(host, port, raw, False)
    try:
        doc = json.loads(a.body)
        got = doc["data"]["predictions"][0]["predicted_tag"]
    except (ValueError, KeyError, IndexError, TypeError):
        got = None
    if a.status != 200 or got != tag:
        return ["probe: valid POST /predict gave status %s tag %r "
                "(expected 200 %r); body %r" % (a.status, got, tag,
                                                a.body[:300])]
    return []


def proc_stat(pid):
    """(ppid, starttime) of a pid from /proc/PID/stat, or None if gone."""
    try:
        with open("/proc/%d/stat" % pid, "rb") as f:
            st = f.read()
    except OSError:
        return None
    fields = st[st.rindex(b")") + 2:].split()
    # fields[0] is field 3 (state): ppid is field 4, starttime field 22
    return int(fields[1]), fields[19].decode()


def workers(stack_dir):
    """The stack's tagifai-fcgi workers, "pid starttime" lines sorted by
    pid (see the module comment)."""
    exe = os.path.join(stack_dir, "sbin", "tagifai-fcgi")
    children = {}
    for d in os.listdir("/proc"):
        if d.isdigit():
            st = proc_stat(int(d))
            if st is not None:
                children.setdefault(st[0], []).append(int(d))
    found = set()
    with open(os.path.join(stack_dir, "pids"), encoding="utf-8") as f:
        for line in f:
            w = line.split()
            if not w:
                continue
            if len(w) > 2 and w[2] == "app":
                found.add(int(w[0]))
                continue
            seen, todo = set(), list(children.get(int(w[0]), []))
            while todo:     # each pid has one parent: visited at most once
                pid = todo.pop()
                if pid not in seen:
                    seen.add(pid)
                    todo += children.get(pid, [])
            found |= seen
    out = []
    for pid in sorted(found):
        try:
            if os.readlink("/proc/%d/exe" % pid) != exe:
                continue
        except OSError:
            continue
        st = proc_stat(pid)
        if st is not None:
            out.append("%d %s" % (pid, st[1]))
    return out


def write_result(results, name, problems):
    """RESULTS/NAME: "ok", or "fail" and the problems; atomically."""
    path = os.path.join(results, name)
    with open(path + ".tmp", "w", encoding="utf-8") as f:
        f.write("fail\n" + "\n".join(problems) + "\n" if problems
                else "ok\n")
    os.replace(path + ".tmp", path)


def run_batch(host, port, stack, corpus, stack_dir, results, text, tag):
    start = time.monotonic()
    names = sorted(n for n in os.listdir(corpus) if n.endswith(".http"))
    manifest = read_manifest(corpus)
    with open(os.path.join(stack_dir, "workers.start"),
              encoding="utf-8") as f:
        prev = f.read().split("\n")
    prev = [w for w in prev if w]
    failed = 0
    for n, name in enumerate(names, 1):
        problems, t0 = [], time.monotonic()
        if time.monotonic() - start > BUDGET:
            problems.append("not run: the batch used up HOSTILE_BUDGET "
                            "(%gs) before this case" % BUDGET)
            write_result(results, name, problems)
            failed += 1
            continue
        for step in ("case", "probe", "workers"):
            try:
                if step == "case":
                    problems += check_case(host, port, stack, corpus,
                                           manifest, name)
                elif step == "probe":
                    p = check_probe(host, port, text, tag)
                    if p:
                        problems.append("after %s: the service no longer "
                                        "answers a valid request" % name)
                        problems += p
                elif WORKERS == "keep":
                    now = workers(stack_dir)
                    gone = [w for w in prev if w not in now]
                    if gone:
                        problems.append("after %s: workers died "
                                        "(crash or restart):" % name)
                        problems += ["  gone: " + w for w in gone]
                    prev = now
                elif WORKERS == "exact":
                    now = workers(stack_dir)
                    if now != prev:
                        problems.append("after %s: the workers changed "
                                        "(crash or restart):" % name)
                        problems += ["  before: " + w for w in prev
                                     if w not in now]
                        problems += ["  after:  " + w for w in now
                                     if w not in prev]
                    prev = now
            except Exception:
                problems.append("%s: the %s step raised:" % (name, step))
                problems += traceback.format_exc().rstrip("\n").split("\n")
        write_result(results, name, problems)
        failed += bool(problems)
        print("%3d %-4s %5.2fs %s" % (n, "fail" if problems else "ok",
                                      time.monotonic() - t0, name),
              flush=True)
    print("%d cases, %d failed, %.1fs" % (len(names), failed,
                                           time.monotonic() - start))
    return 1 if failed else 0


def report(problems):
    for p in problems:
        print(p, file=sys.stderr)
    return 1 if problems else 0


def main(argv):
    if len(argv) == 10 and argv[1] == "batch":
        return run_batch(argv[2], int(argv[3]), *argv[4:])
    if len(argv) == 7 and argv[1] == "case":
        return report(check_case(argv[2], int(argv[3]), argv[4], argv[5],
                                 read_manifest(argv[5]), argv[6]))
    if len(argv) == 6 and argv[1] == "probe":
        return report(check_probe(argv[2], int(argv[3]), argv[4], argv[5]))
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
