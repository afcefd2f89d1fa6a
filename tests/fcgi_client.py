#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""tests/fcgi_client.py - a small FastCGI client (standard library only).

Speaks FastCGI 1.0 records (the FastCGI specification, sections 3 and 5)
over a unix socket or TCP, as a web server would, so tests can drive
tagifai-fcgi --listen without one.

Library use:
    c = FcgiClient("unix:/tmp/x.sock")            # or "127.0.0.1:9000"
    status, headers, body = c.request("POST", "/predict",
                                      body=b'{"texts":[{"text":"x"}]}')
    c.close()
request() builds the CGI parameters (REQUEST_METHOD, REQUEST_URI,
SCRIPT_NAME, PATH_INFO, QUERY_STRING, CONTENT_TYPE, CONTENT_LENGTH,
SERVER_*, HTTP_HOST ...); params= adds or overrides any of them (a value
of None removes one).  With keep_conn=True (the default) one connection
carries every request (FCGI_KEEP_CONN); it is reopened when the server
closes it.  headers is a list of (name, value) in order; the "Status"
header is parsed into status (200 when absent, as CGI says).

Command line:
    fcgi_client.py ADDR METHOD PATH [BODY|@FILE] [-H NAME=VALUE]...
prints the status line, the headers and the body; exit 0 when a response
arrived.
"""
import socket
import struct
import sys

FCGI_VERSION = 1
FCGI_BEGIN_REQUEST = 1
FCGI_ABORT_REQUEST = 2
FCGI_END_REQUEST = 3
FCGI_PARAMS = 4
FCGI_STDIN = 5
FCGI_STDOUT = 6
FCGI_STDERR = 7
FCGI_RESPONDER = 1
FCGI_KEEP_CONN = 1
FCGI_MAX_CONTENT = 65535
HEADER = struct.Struct(">BBHHBB")


class FcgiError(Exception):
    """The server broke the protocol or closed the connection early."""


def _nv_len(n):
    return bytes([n]) if n < 128 else struct.pack(">I", n | 0x80000000)


def encode_params(params):
    """Name-value pairs (spec section 3.4) of a dict of str/bytes."""
    out = bytearray()
    for k, v in params.items():
        if v is None:
            continue
        kb = k.encode() if isinstance(k, str) else k
        vb = v.encode("utf-8", "surrogateescape") if isinstance(v, str) else v
        out += _nv_len(len(kb)) + _nv_len(len(vb)) + kb + vb
    return bytes(out)


def _record(rtype, req_id, content=b""):
    pad = (-len(content)) % 8
    return HEADER.pack(FCGI_VERSION, rtype, req_id, len(content), pad, 0) + \
        content + b"\0" * pad


def _stream(rtype, req_id, data):
    """data split into records, then the empty record that ends it."""
    out = bytearray()
    for i in range(0, len(data), FCGI_MAX_CONTENT):
        out += _record(rtype, req_id, data[i:i + FCGI_MAX_CONTENT])
    return bytes(out + _record(rtype, req_id))


def parse_cgi_response(raw):
    """(status, [(name, value)], body) of a CGI response (RFC 3875 6)."""
    sep = raw.find(b"\r\n\r\n")
    seplen = 4
    if sep < 0:
        sep = raw.find(b"\n\n")
        seplen = 2
    if sep < 0:
        raise FcgiError("response without a header block: %r" % raw[:200])
    headers = []
    status = 200
    for line in raw[:sep].decode("latin-1").splitlines():
        name, _, value = line.partition(":")
        value = value.strip()
        if name.lower() == "status":
            status = int(value.split()[0])
        headers.append((name, value))
    return status, headers, raw[sep + seplen:]


class FcgiClient:
    def __init__(self, addr, keep_conn=True, timeout=30.0):
        self.addr = addr
        self.keep_conn = keep_conn
        self.timeout = timeout
        self.sock = None
        self.req_id = 1

    def _connect(self):
        if self.addr.startswith("unix:"):
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            s.settimeout(self.timeout)
            s.connect(self.addr[5:])
        else:
            host, _, port = self.addr.rpartition(":")
            s = socket.create_connection((host or "127.0.0.1", int(port)),
                                         timeout=self.timeout)
        self.sock = s

    def close(self):
        if self.sock is not None:
            self.sock.close()
            self.sock = None

    def _recv_exact(self, n):
        buf = bytearray()
        while len(buf) < n:
            chunk = self.sock.recv(n - len(buf))
            if not chunk:
                raise FcgiError("connection closed by the server")
            buf += chunk
        return bytes(buf)

    def raw_request(self, params, body=b""):
        """Sends one request; returns (stdout bytes, stderr bytes,
        app_status)."""
        for attempt in (0, 1):
            if self.sock is None:
                self._connect()
            try:
                return self._exchange(params, body)
            except (FcgiError, BrokenPipeError, ConnectionResetError):
                # A kept connection the server closed: retry once on a
                # fresh one.
                self.close()
                if attempt == 1 or not self.keep_conn:
                    raise
        raise FcgiError("unreachable")

    def _exchange(self, params, body):
        rid = self.req_id
        flags = FCGI_KEEP_CONN if self.keep_conn else 0
        msg = _record(FCGI_BEGIN_REQUEST, rid,
                      struct.pack(">HB5x", FCGI_RESPONDER, flags))
        msg += _stream(FCGI_PARAMS, rid, encode_params(params))
        msg += _stream(FCGI_STDIN, rid, body)
        self.sock.sendall(msg)
        out, err = bytearray(), bytearray()
        while True:
            ver, rtype, r, clen, plen, _ = HEADER.unpack(self._recv_exact(8))
            content = self._recv_exact(clen + plen)[:clen]
            if ver != FCGI_VERSION or r != rid:
                raise FcgiError("unexpected record %d for request %d" %
                                (rtype, r))
            if rtype == FCGI_STDOUT:
                out += content
            elif rtype == FCGI_STDERR:
                err += content
            elif rtype == FCGI_END_REQUEST:
                app_status = struct.unpack(">I", content[:4])[0]
                break
        if not self.keep_conn:
            self.close()
        return bytes(out), bytes(err), app_status

    def request(self, method, uri, body=b"", content_type="application/json",
                params=None):
        """One HTTP-like request; returns (status, headers, body)."""
        path, _, query = uri.partition("?")
        p = {
            "GATEWAY_INTERFACE": "CGI/1.1",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "SERVER_SOFTWARE": "fcgi_client.py",
            "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "8000",
            "REMOTE_ADDR": "127.0.0.1", "HTTP_HOST": "127.0.0.1:8000",
            "REQUEST_METHOD": method, "REQUEST_URI": uri,
            "SCRIPT_NAME": "", "PATH_INFO": path, "QUERY_STRING": query,
        }
        if body:
            p["CONTENT_LENGTH"] = str(len(body))
            if content_type is not None:
                p["CONTENT_TYPE"] = content_type
        p.update(params or {})
        out, _, _ = self.raw_request(p, body)
        return parse_cgi_response(out)


def main(argv):
    if len(argv) < 4:
        sys.stderr.write(__doc__)
        return 2
    addr, method, uri = argv[1:4]
    body = b""
    params = {}
    rest = argv[4:]
    i = 0
    while i < len(rest):
        if rest[i] == "-H" and i + 1 < len(rest):
            k, _, v = rest[i + 1].partition("=")
            params[k] = v
            i += 2
            continue
        arg = rest[i]
        if arg.startswith("@"):
            with open(arg[1:], "rb") as f:
                body = f.read()
        else:
            body = arg.encode()
        i += 1
    c = FcgiClient(addr, keep_conn=False)
    status, headers, data = c.request(method, uri, body, params=params)
    sys.stdout.write("%d\n" % status)
    for k, v in headers:
        sys.stdout.write("%s: %s\n" % (k, v))
    sys.stdout.write("\n")
    sys.stdout.flush()
    sys.stdout.buffer.write(data + b"\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
