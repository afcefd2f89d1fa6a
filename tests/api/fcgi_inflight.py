# SPDX-License-Identifier: MIT
# tests/api/fcgi_inflight.py - a minimal FastCGI client (FastCGI spec 1.0,
# sections 3 and 5) that holds one request in flight on purpose: it sends
# FCGI_BEGIN_REQUEST, the params and the first half of a POST /predict body,
# writes the word "sent" to the file named by --ready (so the caller can now
# signal the server), waits until the file named by --go exists, sends the
# rest of the body and prints the response's Status line and body.
# Exit status 0 when a complete response (FCGI_END_REQUEST) arrived.
# Every wait is bounded (--timeout seconds).
#
# usage: python3 fcgi_inflight.py SOCKET --ready FILE --go FILE [--timeout S]
import argparse
import json
import os
import socket
import struct
import sys
import time

BEGIN, END, PARAMS, STDIN, STDOUT, STDERR = 1, 3, 4, 5, 6, 7
RESPONDER = 1


def record(rtype, content, req_id=1):
    head = struct.pack("!BBHHBB", 1, rtype, req_id, len(content), 0, 0)
    return head + content


def nv(name, value):
    out = b""
    for s in (name, value):
        n = len(s)
        out += bytes([n]) if n < 128 else struct.pack("!I", n | 0x80000000)
    return out + name + value


def read_exact(sock, n):
    buf = b""
    while len(buf) < n:
        chunk = sock.recv(n - len(buf))
        if not chunk:
            raise EOFError("connection closed after %d of %d bytes"
                           % (len(buf), n))
        buf += chunk
    return buf


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("socket")
    ap.add_argument("--ready", required=True)
    ap.add_argument("--go", required=True)
    ap.add_argument("--timeout", type=float, default=20.0)
    a = ap.parse_args()

    body = json.dumps({"texts": [{"text": "Transfer learning with "
                                  "transformers for text classification."}]
                       }).encode()
    params = {
        "REQUEST_METHOD": "POST", "REQUEST_URI": "/predict",
        "SCRIPT_NAME": "", "PATH_INFO": "/predict", "QUERY_STRING": "",
        "CONTENT_TYPE": "application/json",
        "CONTENT_LENGTH": str(len(body)), "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "80", "HTTP_HOST": "127.0.0.1",
        "REQUEST_SCHEME": "http", "HTTP_X_REQUEST_ID": "inflight-1",
    }
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(a.timeout)
    s.connect(a.socket)
    enc = b"".join(nv(k.encode(), v.encode()) for k, v in params.items())
    half = len(body) // 2
    s.sendall(record(BEGIN, struct.pack("!HB5x", RESPONDER, 0))
              + record(PARAMS, enc) + record(PARAMS, b"")
              + record(STDIN, body[:half]))
    with open(a.ready, "w") as f:
        f.write("sent\n")
    deadline = time.monotonic() + a.timeout
    while not os.path.exists(a.go):
        if time.monotonic() > deadline:
            print("timed out waiting for " + a.go, file=sys.stderr)
            return 2
        time.sleep(0.05)
    s.sendall(record(STDIN, body[half:]) + record(STDIN, b""))
    out = b""
    while True:
        ver, rtype, _, clen, plen, _ = struct.unpack("!BBHHBB",
                                                     read_exact(s, 8))
        content = read_exact(s, clen)
        read_exact(s, plen)
        if rtype == STDOUT:
            out += content
        elif rtype == STDERR:
            sys.stderr.write(content.decode("utf-8", "replace"))
        elif rtype == END:
            break
    head, _, rest = out.partition(b"\r\n\r\n")
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"status:") or \
           line.lower().startswith(b"x-model:"):
            print(line.decode())
    print(rest.decode("utf-8", "replace"))
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except (OSError, EOFError) as e:
        print("fcgi_inflight: %s" % e, file=sys.stderr)
        sys.exit(1)
