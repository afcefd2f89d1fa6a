# SPDX-License-Identifier: MIT
"""Differential test: reference FastAPI app vs tagifai-fcgi (CGI mode).

Environment: top_srcdir, top_builddir, SHARED_DIR (the reference lives in
$SHARED_DIR/peers/fastapi), TAGIFAI_TEST_MODEL (default: import one from
the reference export with `tagifai import` into a temporary folder),
REFERENCE_URL (use an already running reference instead of starting one).
"""
import http.client
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

TOP_SRC = os.environ.get("top_srcdir", ".")
TOP_BUILD = os.environ.get("top_builddir", ".")
SHARED = os.environ.get("SHARED_DIR", os.path.join(TOP_SRC, "..", "shared"))
PEER = os.path.join(SHARED, "peers", "fastapi")
BIN = os.path.join(TOP_BUILD, "tagifai-fcgi")
TOOL = os.path.join(TOP_BUILD, "tagifai")
PY = "/usr/bin/python3"

n = 0
failed = 0


def tap(ok, name, diag=""):
    global n, failed
    n += 1
    failed += not ok
    print(("ok" if ok else "not ok") + f" {n} - {name}")
    if not ok and diag:
        for line in str(diag).splitlines()[:20]:
            print("#   " + line)
    sys.stdout.flush()


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def start_reference(tmp):
    port = free_port()
    log = open(os.path.join(tmp, "ref.log"), "w")
    env = dict(os.environ, ARTIFACTS_DIR=os.path.join(PEER, "artifacts"))
    proc = subprocess.Popen(
        [PY, "-m", "uvicorn", "api:app", "--host", "127.0.0.1", "--port",
         str(port), "--log-level", "warning", "--no-access-log"],
        cwd=PEER, env=env, stdout=log, stderr=log, stdin=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    for _ in range(600):  # up to 60 s
        if proc.poll() is not None:
            return proc, None
        try:
            urllib.request.urlopen(url + "/", timeout=1).read()
            return proc, url
        except Exception:
            time.sleep(0.1)
    return proc, None


def ref_call(base, method, target, body, ctype):
    """http.client sends exactly the headers given (urllib would add a
    form Content-Type to every body)."""
    host, port = base.split("//", 1)[1].split(":")
    c = http.client.HTTPConnection(host, int(port), timeout=30)
    headers = {}
    if ctype is not None:
        headers["Content-Type"] = ctype
    c.request(method, target, body=body, headers=headers)
    r = c.getresponse()
    out = r.status, r.getheader("content-type"), r.read()
    c.close()
    return out


def cgi_call(model, host, method, target, body, ctype):
    path, _, query = target.partition("?")
    env = {"REQUEST_METHOD": method, "REQUEST_URI": target,
           "QUERY_STRING": query, "SCRIPT_NAME": path, "PATH_INFO": "",
           "HTTP_HOST": host, "SERVER_NAME": "127.0.0.1",
           "SERVER_PORT": host.rsplit(":", 1)[1], "GATEWAY_INTERFACE": "CGI/1.1",
           "TZ": os.environ.get("TZ", "UTC")}
    if body is not None:
        env["CONTENT_LENGTH"] = str(len(body))
    if ctype is not None:
        env["CONTENT_TYPE"] = ctype
    p = subprocess.run([BIN, "--model", model, "--www", os.path.join(TOP_SRC, "www")],
                       input=body or b"", env=env, capture_output=True, timeout=60)
    head, _, payload = p.stdout.partition(b"\r\n\r\n")
    status, ctype_out = None, None
    for line in head.decode("latin-1").split("\r\n"):
        k, _, v = line.partition(":")
        if k.lower() == "status":
            status = int(v.split()[0])
        elif k.lower() == "content-type":
            ctype_out = v.strip()
    return status, ctype_out, payload


def normalise(body):
    try:
        j = json.loads(body)
    except ValueError:
        return body
    if isinstance(j, dict) and "timestamp" in j:
        j["timestamp"] = "T"
        data = j.get("data")
        if isinstance(data, dict) and "predictions" in data:
            data.pop("model", None)
            for p in data["predictions"]:
                p.pop("probabilities", None)
    return j


P = "/predict"
J = "application/json"
CASES = [
    ("GET", "/", None, None),
    ("GET", "/?a=1&b=%20x", None, None),
    ("GET", "/performance", None, None),
    ("GET", "/performance?filter=overall", None, None),
    ("GET", "/performance?filter=class", None, None),
    ("GET", "/performance?filter=nope", None, None),
    ("GET", "/performance?filter=", None, None),
    ("GET", "/performance?filter=overall&filter=class", None, None),
    ("GET", "/performance?filter=ov%65rall", None, None),
    ("GET", "/args", None, None),
    ("GET", "/args/threshold", None, None),
    ("GET", "/args/alpha", None, None),
    ("GET", "/args/subset", None, None),
    ("GET", "/args/shuf%66le?x=1", None, None),
    ("GET", "/args/a/b", None, None),
    ("GET", "/args/a%2Fb", None, None),
    ("GET", "/nope", None, None),
    ("GET", "/predict", None, None),
    ("DELETE", "/args", None, None),
    ("POST", "/", b"{}", J),
    ("POST", P, b'{"texts":[{"text":"Transfer learning with transformers for text classification."}]}', J),
    ("POST", P, b'{"texts":[{"text":"a"},{"text":123},{"text":1.5},{"text":true},{"text":false},{"text":-0},{"text":1e16},{"text":1E5},{"text":1e-5},{"text":12345678901234567890},{"text":NaN},{"text":-Infinity},{"text":1e400}]}', J),
    ("POST", P, '{"texts":[{"text":"caf\u00e9 \u2014 \U0001F600 \\u00e9\\ud83d\\ude00 \\n\\t\\"\\\\\\/ \\u0001"}]}'.encode(), J),
    ("POST", P, b'{"texts":[{"text":"a"}],"extra":1}', J),
    ("POST", P, b'{"texts":[{"text":"a"}],"texts":[]}', J),
    ("POST", P, b'{"texts":[{"text":""}]}', J),
    ("POST", P, b'{"texts":[]}', J),
    ("POST", P, b'{"texts":[{}]}', J),
    ("POST", P, b'{}', J),
    ("POST", P, b'[]', J),
    ("POST", P, b'""', J),
    ("POST", P, b'"ab"', J),
    ("POST", P, b'5', J),
    ("POST", P, b'null', J),
    ("POST", P, b'', J),
    ("POST", P, b'', None),
    ("POST", P, b'{"texts":[{"text":"a"}]}', None),
    ("POST", P, b'{"texts":[{"text":"a"}]}', "application/json; charset=utf-8"),
    ("POST", P, b'{"texts":[{"text":"a"}]}', "application/vnd.api+json"),
    ("POST", P, b'{"texts":null}', J),
    ("POST", P, b'{"texts":{}}', J),
    ("POST", P, b'{"texts":"abc"}', J),
    ("POST", P, b'{"texts":[{"text":""},{},{"text":null},{"text":[1]},{"text":{}},{"text":123},5,"x",null,[],"",true]}', J),
    ("POST", P, b'garbage', J),
    ("POST", P, b'  ', J),
    ("POST", P, b'{"texts": [1, 2', J),
    ("POST", P, b'{"texts":[{"text":"a"}]} x', J),
    ("POST", P, b'{"texts": [{"text": "a",}]}', J),
    ("POST", P, b'{"texts": [1,]}', J),
    ("POST", P, b'{"texts" [1]}', J),
    ("POST", P, b'{"texts":', J),
    ("POST", P, b'{', J),
    ("POST", P, b'[', J),
    ("POST", P, b'{"a', J),
    ("POST", P, b'{"a\\x":1}', J),
    ("POST", P, b'{"a\\u12":1}', J),
    ("POST", P, b'{"a\\u12x4":1}', J),
    ("POST", P, b'{"a\\ud800\\u12x4":1}', J),
    ("POST", P, b'{"a\\', J),
    ("POST", P, b'{"a\tb":1}', J),
    ("POST", P, b'\n\n  {"texts":\n  [tru]}', J),
    ("POST", P, b'{"texts":[-]}', J),
    ("POST", P, b'{"texts":[01]}', J),
    ("POST", P, b'{"texts":[1.]}', J),
    ("POST", P, b'{"texts":[1e]}', J),
    ("POST", P, b'{"texts":[.5]}', J),
    ("POST", P, b'{"texts":[Infinity, -Infinity, NaN, nul]}', J),
    ('POST', P, '{"texts":[{"text":"\u00e9\u00e9"}] x'.encode(), J),
    ("POST", P, b'\xef\xbb\xbf{"texts":[{"text":"bom"}]}', J),
    ("POST", P, b'{"texts":' + b'[' * 500 + b']' * 500 + b'}', J),
    ("POST", P, b'{"texts":' + b'[' * 5000 + b']' * 5000 + b'}', J),
    # pydantic v1 dict()s a list of [string, value] pairs (hostile 048).
    ("POST", P, b'{"texts":[[["text","hi"]],[["text","a"],["x",1],["text","b"]]]}', J),
    ("POST", P, b'[["texts",[{"text":"hi"}]]]', J),
    ("POST", P, b'{"texts":[[["text",""]],[["text",null]],[["tex","hi"]],[["text","a","b"]]]}', J),
    # A raw NUL is echoed in the jsondecode ctx.doc (hostile 070/071).
    ("POST", P, b'{"texts":[{"text":"a\x00b"}]}', J),
    ("POST", P, b'{"texts":\x00[{"text":"a"}]}', J),
]


def main():
    tmp = tempfile.mkdtemp(prefix="tagifai-parity-")
    model = os.environ.get("TAGIFAI_TEST_MODEL")
    if not model:
        model = os.path.join(tmp, "test.tagifai")
        a = os.path.join(PEER, "artifacts")
        r = subprocess.run([TOOL, "import", "--export", os.path.join(a, "export.json"),
                            "--args", os.path.join(a, "args.json"),
                            "--performance", os.path.join(a, "performance.json"),
                            "--name", "tagifai-test", "--version", "0", "-o", model],
                           capture_output=True)
        tap(r.returncode == 0, "tagifai import builds a model from the reference export",
            r.stderr.decode())
    base = os.environ.get("REFERENCE_URL")
    proc = None
    if not base:
        proc, base = start_reference(tmp)
    tap(base is not None, "the reference service answers GET /")
    try:
        if base:
            host = base.split("//", 1)[1]
            for method, target, body, ctype in CASES:
                rs, rct, rb = ref_call(base, method, target, body, ctype)
                cs, cct, cb = cgi_call(model, host, method, target, body, ctype)
                label = f"{method} {target} {(body or b'')[:40]!r} ({ctype})"
                same = (rs, rct, normalise(rb)) == (cs, cct, normalise(cb))
                tap(same, "same answer: " + label,
                    f"reference: {rs} {rct} {rb[:600]!r}\nours:      {cs} {cct} {cb[:600]!r}")
    finally:
        if proc is not None:
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
    print(f"1..{n}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
