#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""tests/hostile/generate.py - writes the hostile-input corpus.

Each case is one raw HTTP/1.1 request, stored byte for byte as it goes on
the wire (CRLF line ends, binary allowed) in tests/hostile/NNN-name.http,
plus one line of tests/hostile/MANIFEST saying what a correct stack answers.
The corpus is committed; this script is how it was made and how to change
it: edit the CASES below, run `python3 tests/hostile/generate.py`, and
commit the .http files and the MANIFEST it rewrites.  It also rewrites the
@test lines of tests/api/hostile.bats and tests/api/hostile_nginx.bats
(one TAP test per corpus file), between their BEGIN/END CASES markers;
each only reports its file's result from the one tests/api/hostile.py
batch that sends the whole corpus (tests/api/hostile_common.bash).

The suites run the corpus with --max-body 65536 (tests/api/lib.bash
TEST_MAX_BODY) and the default --max-texts 1000 / --max-text-chars 20000;
the limit cases below are sized for those values.

MANIFEST syntax, one case a line, lines starting with '#' are comments:
    FILE<TAB>EXPECT<TAB>CHECK<TAB>NOTE
(tab-separated, since jq checks contain '|').  EXPECT is a list of words:
    shut            half-close (SHUT_WR) after sending: the request is
                    truncated on purpose and the server must not wait
    app:NNN         the application answers NNN (its answers carry
                    X-Request-Id); its body must be strict UTF-8 JSON
    web:NNN web:4xx the web server answers before the application
    close           the server closes without an answer (no hang)
    raw             an HTTP/0.9 answer: a body without a status line,
                    which must be JSON
    allow:A,B       the Allow header lists exactly these methods
    location:PATH   Location is printable ASCII and the path of its URL
                    percent-decodes to what PATH (percent-encoded) does
    STACK=OUTCOME   an outcome for one stack (lighttpd or nginx) only;
                    when a stack has such words, the unprefixed outcomes
                    do not apply to it
Several outcomes for a stack are alternatives.  CHECK is a jq expression
that must be true on an application answer's body, or "-".  NOTE says why,
and for web-server answers which server answers what.
"""
import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
BATS = os.path.join(HERE, "..", "api")

MAX_BODY = 65536
MAX_TEXTS = 1000
MAX_CHARS = 20000
# A holdout text and its reference tag
# (row 6 of ../shared/peers/fastapi/reference/holdout_predictions.jsonl).
KNOWN = ("Plant Fruit Classifier Building a world-class image classifier "
         "model with a custom dataset.")
KNOWN_TAG = "computer-vision"


def request(method, path, body=None, headers=(), ctype="application/json",
            length=True, version="HTTP/1.1", host="127.0.0.1", close=True):
    """Bytes of one request.  body: bytes/str or None; length: True for
    the real Content-Length, a value to send instead, or False for none."""
    if isinstance(body, str):
        body = body.encode("utf-8")
    if isinstance(path, str):
        path = path.encode("utf-8")
    lines = [method.encode() + b" " + path + b" " + version.encode()]
    if host is not None:
        lines.append(b"Host: " + host.encode())
    if body is not None and ctype is not None:
        lines.append(b"Content-Type: " + ctype.encode())
    if body is not None and length is True:
        lines.append(b"Content-Length: " + str(len(body)).encode())
    elif length not in (True, False):
        lines.append(b"Content-Length: " + str(length).encode())
    for h in headers:
        lines.append(h.encode() if isinstance(h, str) else h)
    if close:
        lines.append(b"Connection: close")
    return b"\r\n".join(lines) + b"\r\n\r\n" + (body or b"")


def post(body, **kw):
    return request("POST", kw.pop("path", "/predict"), body, **kw)


def texts(*items):
    return json.dumps({"texts": [{"text": t} for t in items]},
                      ensure_ascii=False)


def chunked(*parts, ext=b"", trailer=b"", end=True):
    out = b""
    for p in parts:
        p = p.encode() if isinstance(p, str) else p
        out += b"%x" % len(p) + ext + b"\r\n" + p + b"\r\n"
    if end:
        out += b"0\r\n" + trailer + b"\r\n"
    return out


def post_chunked(payload, **kw):
    head = (b"POST /predict HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            b"Content-Type: application/json\r\n"
            b"Transfer-Encoding: " + kw.pop("te", b"chunked") +
            b"\r\nConnection: close\r\n\r\n")
    return head + payload


# --- checks used by many cases --------------------------------------------
OK1 = "(.data.predictions | length) == 1"
TAG = ('.data.predictions[0].predicted_tag == "%s"' % KNOWN_TAG)


def echo(s):
    """jq: the one prediction echoes s as its input_text."""
    return ".data.predictions[0].input_text == %s" % json.dumps(s)


def d0(typ, loc=None):
    """jq: the first 422 detail has this type (and loc)."""
    c = '.detail[0].type == "%s"' % typ
    if loc is not None:
        c += " and .detail[0].loc == %s" % json.dumps(loc)
    return c


def detail(msg):
    return ".detail == %s" % json.dumps(msg)


def jd(body):
    """jq: the 422 of FastAPI for the JSONDecodeError that json.loads
    raises on body: loc ["body", pos], msg str(e), ctx e.__dict__."""
    if isinstance(body, str):
        body = body.encode("utf-8")
    try:
        json.loads(body)
    except json.JSONDecodeError as e:
        ctx = {"msg": e.msg, "doc": e.doc, "pos": e.pos,
               "lineno": e.lineno, "colno": e.colno}
        return ('(.detail | length) == 1 and .detail[0] == %s' %
                json.dumps({"loc": ["body", e.pos], "msg": str(e),
                            "type": "value_error.jsondecode", "ctx": ctx}))
    raise AssertionError("valid JSON: %r" % body[:40])
NOT_FOUND = detail("Not Found")
NOT_ALLOWED = detail("Method Not Allowed")
PARSE_400 = detail("There was an error parsing the body")
TOO_LARGE = ('(.detail | type == "string") and '
             '(.detail | test("larger than %d"))' % MAX_BODY)
UNSUPPORTED = '.detail | test("Unsupported Media Type")'
LOC_TEXT = ["body", "texts", 0, "text"]

big_valid = texts(KNOWN)
pad = MAX_BODY - len(big_valid) - 100
near_limit = big_valid[:-1] + " " * pad + "}"
over_limit = big_valid[:-1] + " " * (MAX_BODY + 100 - len(big_valid)) + "}"
many_ok = json.dumps({"texts": [{"text": "a"}] * MAX_TEXTS})
many_over = json.dumps({"texts": [{"text": "a"}] * (MAX_TEXTS + 1)})
deep = b"[" * 60000
deep_huge = b"[" * 100000
deep_texts = b'{"texts":' + b"[" * 30000 + b"]" * 30000 + b"}"
nested_ok = ('{"texts":[{"text":"a","extra":' + "[" * 200 + "]" * 200 +
             "}]}")
nested_over = ('{"texts":[{"text":"a","extra":' + "[" * 950 + "]" * 950 +
               "}]}")
long_path = "/" + "a" * 6000
huge_path = "/" + "a" * 20000
long_query = "/?" + "q=" + "x" * 6000
params_5000 = "/performance?" + "&".join("a=%d" % i for i in range(1, 5001))
params_2000 = "/performance?" + "f&" * 2000 + "filter=overall"
long_header = "X-Long: " + "h" * 6000
huge_header = "X-Long: " + "h" * 20000
many_headers = ["X-H%d: v" % i for i in range(500)]

# (name, bytes, expect, check, note)
CASES = [
    # --- baseline and valid oddities ------------------------------------
    ("predict-valid", post(texts(KNOWN)), "app:200", TAG,
     "baseline: one holdout text, its reference tag"),
    ("predict-whitespace-only", post(texts(" ")), "app:200",
     OK1 + " and " + echo(" "), "min_length=1 counts spaces"),
    ("predict-tab-newline-text", post(texts("\t\n\r ")), "app:200",
     echo("\t\n\r "), "control whitespace, escaped in JSON"),
    ("predict-emoji", post(texts("🤖🚀 model 🧠")), "app:200",
     echo("🤖🚀 model 🧠"), "astral-plane code points echo back intact"),
    ("predict-cjk", post(texts("深度学习模型的图像分类")), "app:200",
     echo("深度学习模型的图像分类"), "CJK text"),
    ("predict-rtl-combining", post(texts("مرحبا e\u0301\u200f\ufeff")),
     "app:200", echo("مرحبا e\u0301\u200f\ufeff"),
     "RTL, combining accent, RLM and a BOM character inside the text"),
    ("predict-surrogate-pair-escape",
     post('{"texts":[{"text":"\\ud83d\\ude80 rocket"}]}'), "app:200",
     echo("🚀 rocket"), "a valid \\u surrogate pair is one code point"),
    ("predict-nul-escape", post('{"texts":[{"text":"a\\u0000b"}]}'),
     "app:200", echo("a\u0000b"),
     "\\u0000 is a valid JSON string character; echoed escaped"),
    ("predict-escaped-key", post('{"te\\u0078ts":[{"\\u0074ext":"hi"}]}'),
     "app:200", echo("hi"), "keys with \\u escapes are the same keys"),
    ("predict-extra-fields",
     post('{"texts":[{"text":"hi","x":1}],"more":{"a":[1,2]}}'),
     "app:200", echo("hi"), "pydantic ignores unknown fields"),
    ("predict-nested-200-levels", post(nested_ok), "app:200", echo("a"),
     "200 levels of nesting in an ignored field parse fine"),
    ("predict-text-at-char-limit", post(texts("x" * MAX_CHARS)), "app:200",
     OK1, "exactly --max-text-chars (20000) characters"),
    ("predict-multibyte-under-char-limit", post(texts("é" * 16000)),
     "app:200", OK1,
     "16000 characters but 32000 bytes: the limit counts characters"),
    ("predict-max-texts", post(many_ok), "app:200",
     ".data.predictions | length == %d" % MAX_TEXTS,
     "exactly --max-texts (1000) texts"),
    ("predict-near-body-limit", post(near_limit), "app:200", TAG,
     "valid JSON padded with spaces to just under --max-body"),
    ("predict-charset-utf8",
     post(texts(KNOWN), ctype="application/json; charset=utf-8"),
     "app:200", TAG, "media type parameters are ignored"),
    ("predict-content-type-uppercase",
     post(texts(KNOWN), ctype="APPLICATION/JSON"), "app:200", TAG,
     "media types are case-insensitive"),
    ("predict-content-type-plus-json",
     post(texts(KNOWN), ctype="application/vnd.api+json"), "app:200", TAG,
     "FastAPI takes application/*+json as JSON"),
    ("predict-no-content-type", post(texts(KNOWN), ctype=None), "app:200",
     TAG, "FastAPI parses a body without Content-Type as JSON"),
    ("predict-content-length-leading-zeros",
     post(texts(KNOWN), length="%08d" % len(texts(KNOWN).encode())),
     "app:200", TAG, "Content-Length 000000NN is a valid decimal"),
    ("predict-expect-100-continue",
     post(texts(KNOWN), headers=["Expect: 100-continue"]), "app:200", TAG,
     "the interim 100 Continue (if any) is skipped by the client"),
    ("predict-http10", post(texts(KNOWN), version="HTTP/1.0", host=None),
     "app:200", TAG, "HTTP/1.0 without Host"),
    ("predict-duplicate-key-last-wins",
     post('{"texts":[],"texts":[{"text":"%s"}]}' % KNOWN), "app:200", TAG,
     "duplicate keys: the last one wins, as in json.loads"),
    ("predict-duplicate-key-last-invalid",
     post('{"texts":[{"text":"hi"}],"texts":[]}'), "app:422",
     '.detail[0].msg == "List of texts to classify cannot be empty."',
     "duplicate keys: the last (empty) list is the one validated"),
    ("predict-duplicate-text-key",
     post('{"texts":[{"text":"hi","text":""}]}'), "app:422",
     d0("value_error.any_str.min_length", LOC_TEXT),
     "duplicate keys inside a text object: last wins"),

    # --- numbers where strings belong (pydantic v1 coerces) -------------
    ("coerce-int", post('{"texts":[{"text":123}]}'), "app:200", echo("123"),
     "pydantic v1: str(123)"),
    ("coerce-float", post('{"texts":[{"text":1.5}]}'), "app:200",
     echo("1.5"), "str(1.5)"),
    ("coerce-exponent", post('{"texts":[{"text":1E2}]}'), "app:200",
     echo("100.0"), "1E2 is the float 100.0"),
    ("coerce-negative-zero", post('{"texts":[{"text":-0.0}]}'), "app:200",
     echo("-0.0"), "str(-0.0)"),
    ("coerce-bool", post('{"texts":[{"text":true}]}'), "app:200",
     echo("True"), "bool is an int subclass: str(True)"),
    ("coerce-overflow-inf", post('{"texts":[{"text":1e999}]}'), "app:200",
     echo("inf"), "1e999 overflows to inf in Python"),
    ("coerce-nan", post('{"texts":[{"text":NaN}]}'), "app:200",
     echo("nan"), "json.loads accepts NaN"),
    ("coerce-minus-infinity", post('{"texts":[{"text":-Infinity}]}'),
     "app:200", echo("-inf"), "json.loads accepts -Infinity"),
    ("coerce-bigint", post('{"texts":[{"text":%s}]}' % ("9" * 100)),
     "app:200", echo("9" * 100), "Python ints are unbounded"),
    ("int-over-4300-digits", post('{"texts":[{"text":%s}]}' % ("7" * 5000)),
     "app:400", PARSE_400,
     "CPython refuses ints over 4300 digits (ValueError, not "
     "JSONDecodeError): FastAPI answers 400"),

    # --- wrong types at every level --------------------------------------
    ("type-body-array", post("[]"), "app:422", d0("value_error.missing",
                                                     ["body", "texts"]),
     "dict([]) == {}: the body has no texts"),
    ("type-body-string", post('"abc"'), "app:422",
     d0("type_error.dict", ["body"]), "a string is not a dict"),
    ("type-body-number", post("42"), "app:422",
     d0("type_error.dict", ["body"]), "a number is not a dict"),
    ("type-body-true", post("true"), "app:422",
     d0("type_error.dict", ["body"]), "a bool is not a dict"),
    ("type-body-null", post("null"), "app:422",
     d0("value_error.missing", ["body"]), "JSON null is a missing body"),
    ("type-texts-null", post('{"texts":null}'), "app:422",
     d0("type_error.none.not_allowed", ["body", "texts"]),
     "texts: null"),
    ("type-texts-string", post('{"texts":"abc"}'), "app:422",
     d0("type_error.list", ["body", "texts"]), "texts: a string"),
    ("type-texts-object", post('{"texts":{"text":"abc"}}'), "app:422",
     d0("type_error.list", ["body", "texts"]), "texts: an object"),
    ("type-texts-number", post('{"texts":7}'), "app:422",
     d0("type_error.list", ["body", "texts"]), "texts: a number"),
    ("type-item-string", post('{"texts":["abc"]}'), "app:422",
     d0("type_error.dict", ["body", "texts", 0]), "an item is a string"),
    ("type-item-number", post('{"texts":[1]}'), "app:422",
     d0("type_error.dict", ["body", "texts", 0]), "an item is a number"),
    ("type-item-null", post('{"texts":[null]}'), "app:422",
     d0("type_error.none.not_allowed", ["body", "texts", 0]),
     "an item is null"),
    ("type-item-pair-list", post('{"texts":[[["text","hi"]]]}'),
     "app:200 app:422", '(.data.predictions[0].input_text == "hi") or '
     '(.detail[0].type == "type_error.dict")',
     "pydantic v1 runs dict() on a non-dict item, so the reference "
     "answers 200 here; a 422 type_error.dict is tolerated (parity note)"),
    ("type-text-null", post('{"texts":[{"text":null}]}'), "app:422",
     d0("type_error.none.not_allowed", LOC_TEXT), "text: null"),
    ("type-text-array", post('{"texts":[{"text":["a"]}]}'), "app:422",
     d0("type_error.str", LOC_TEXT), "text: an array"),
    ("type-text-object", post('{"texts":[{"text":{"a":1}}]}'), "app:422",
     d0("type_error.str", LOC_TEXT), "text: an object"),
    ("texts-empty-list", post('{"texts":[]}'), "app:422",
     '.detail[0].msg == "List of texts to classify cannot be empty." and '
     '.detail[0].type == "value_error"', "the reference's own validator"),
    ("texts-missing", post("{}"), "app:422",
     d0("value_error.missing", ["body", "texts"]), "no texts key"),
    ("texts-wrong-case-key", post('{"Texts":[{"text":"a"}]}'), "app:422",
     d0("value_error.missing", ["body", "texts"]), "keys are case-sensitive"),
    ("text-missing", post('{"texts":[{}]}'), "app:422",
     d0("value_error.missing", LOC_TEXT), "an item without text"),
    ("text-empty", post(texts("")), "app:422",
     d0("value_error.any_str.min_length", LOC_TEXT), "an empty text"),
    ("text-over-char-limit", post(texts("x" * (MAX_CHARS + 1))), "app:422",
     d0("value_error.any_str.max_length", LOC_TEXT) +
     " and .detail[0].ctx.limit_value == %d" % MAX_CHARS,
     "one character over --max-text-chars"),
    ("texts-over-limit", post(many_over), "app:422",
     d0("value_error.list.max_items", ["body", "texts"]) +
     " and .detail[0].ctx.limit_value == %d" % MAX_TEXTS,
     "one text over --max-texts"),
    ("errors-all-reported",
     post('{"texts":[{"text":""},{},{"text":null},{"text":"ok"}]}'),
     "app:422", "(.detail | length == 3) and ([.detail[].loc[2]] == [0,1,2])",
     "every bad item is reported, in order"),

    # --- malformed, truncated, empty and huge JSON -------------------------
    ("json-empty-body", post(""), "app:422",
     d0("value_error.missing", ["body"]), "Content-Length: 0"),
    ("json-whitespace-body", post("  \r\n "), "app:422", jd("  \r\n "),
     "only whitespace: Expecting value"),
    ("json-truncated", post('{"texts":[{"text":"a"'), "app:422",
     jd('{"texts":[{"text":"a"'), "document cut short"),
    ("json-truncated-in-string", post('{"texts":[{"text":"abc'), "app:422",
     jd('{"texts":[{"text":"abc'), "unterminated string"),
    ("json-trailing-garbage", post(texts("a") + " x"), "app:422",
     jd(texts("a") + " x"),
     "Extra data after the document"),
    ("json-trailing-comma", post('{"texts":[{"text":"a"},]}'), "app:422",
     jd('{"texts":[{"text":"a"},]}'), "trailing comma"),
    ("json-single-quotes", post("{'texts':[{'text':'a'}]}"), "app:422",
     jd("{'texts':[{'text':'a'}]}"), "single quotes"),
    ("json-comment", post('{"texts":[{"text":"a"}] /* c */}'), "app:422",
     jd('{"texts":[{"text":"a"}] /* c */}'), "comments are not JSON"),
    ("json-bad-escape", post('{"texts":[{"text":"\\x41"}]}'), "app:422",
     jd('{"texts":[{"text":"\\x41"}]}'),
     "\\x is not a JSON escape"),
    ("json-short-unicode-escape", post('{"texts":[{"text":"\\u12"}]}'),
     "app:422", jd('{"texts":[{"text":"\\u12"}]}'), "truncated \\u escape"),
    ("json-raw-nul-in-string", post(b'{"texts":[{"text":"a\x00b"}]}'),
     "app:422", jd(b'{"texts":[{"text":"a\x00b"}]}'),
     "a raw NUL inside a string is an invalid control character"),
    ("json-raw-nul-between-tokens", post(b'{"texts":\x00[{"text":"a"}]}'),
     "app:422", jd(b'{"texts":\x00[{"text":"a"}]}'), "a raw NUL between tokens"),
    ("json-raw-newline-in-string", post(b'{"texts":[{"text":"a\nb"}]}'),
     "app:422", jd(b'{"texts":[{"text":"a\nb"}]}'), "raw control characters are not allowed"),
    ("json-utf8-bom", post(b"\xef\xbb\xbf" + texts(KNOWN).encode()),
     "app:200", TAG, "json.loads(bytes) decodes a leading BOM (utf-8-sig)"),
    ("json-deep-60000", post(deep), "app:400", PARSE_400,
     "60000 '[' (under --max-body): Python raises RecursionError, FastAPI "
     "answers 400"),
    ("json-deep-100000", post(deep_huge), "app:413 web:413", TOO_LARGE,
     "100000 '[' is over --max-body: refused before parsing; the web servers refuse it themselves with the same JSON 413 (one limit)"),
    ("json-deep-in-texts", post(deep_texts), "app:400", PARSE_400,
     "30000 nested arrays as the texts value"),
    ("json-deep-950", post(nested_over), "app:400", PARSE_400,
     "950 levels: over PYJSON_MAX_DEPTH (900), where CPython also fails"),
    ("json-huge-over-limit", post(over_limit), "app:413 web:413", TOO_LARGE,
     "valid JSON a little over --max-body; the servers allow 2 MiB; the web servers refuse it themselves with the same JSON 413 (one limit)"),

    # --- invalid UTF-8 and lone surrogates in texts ------------------------
    ("utf8-invalid-byte", post(b'{"texts":[{"text":"a\xffb"}]}'), "app:422",
     ".detail | type == \"array\"", "0xFF is never valid UTF-8"),
    ("utf8-truncated-sequence", post(b'{"texts":[{"text":"a\xe6\x97"}]}'),
     "app:422", ".detail | type == \"array\"",
     "a 3-byte sequence cut after 2 bytes"),
    ("utf8-overlong", post(b'{"texts":[{"text":"\xc0\xaf"}]}'), "app:422",
     ".detail | type == \"array\"", "overlong encoding of '/'"),
    ("utf8-encoded-surrogate", post(b'{"texts":[{"text":"\xed\xa0\x80"}]}'),
     "app:422", ".detail | type == \"array\"",
     "a UTF-8-encoded surrogate (CESU) is not UTF-8"),
    ("lone-high-surrogate-escape", post('{"texts":[{"text":"a\\ud800"}]}'),
     "app:422", ".detail | type == \"array\"",
     "\\ud800 without its pair: not encodable as UTF-8"),
    ("lone-low-surrogate-escape", post('{"texts":[{"text":"\\udc00x"}]}'),
     "app:422", ".detail | type == \"array\"", "\\udc00 alone"),
    ("reversed-surrogate-escapes",
     post('{"texts":[{"text":"\\ude80\\ud83d"}]}'), "app:422",
     ".detail | type == \"array\"", "low then high: two lone surrogates"),
    ("utf8-invalid-in-key", post(b'{"te\xffxts":[{"text":"a"}]}'),
     "app:422", ".detail | type == \"array\"", "invalid UTF-8 in a key"),

    # --- Content-Length games ---------------------------------------------
    ("cl-shorter-than-body", post(texts(KNOWN), length=12), "app:422",
     jd(texts(KNOWN)[:12]), "Content-Length 12: the app sees a truncated document"),
    ("cl-longer-than-body", post(texts(KNOWN), length=4000),
     "shut web:400 close apache=web:500",
     "-", "Content-Length 4000, fewer bytes, then the client closes: the "
     "web server never passes it on (lighttpd and nginx close or 400); Apache + mod_fcgid 2.3.9 answers 500 ('can't get data from http client': a known limit of mod_fcgid, see doc/API.md)"),
    ("cl-negative", post(texts(KNOWN), length=-5), "web:400", "-",
     "negative Content-Length: the web servers answer 400"),
    ("cl-non-numeric", post(texts(KNOWN), length="abc"), "web:400", "-",
     "non-numeric Content-Length: 400 from the web server"),
    ("cl-plus-sign", post(texts(KNOWN), length="+%d" %
                          len(texts(KNOWN).encode())), "web:400", "-",
     "'+N' is not 1*DIGIT: 400 from the web server"),
    ("cl-two-different",
     post(texts(KNOWN), headers=["Content-Length: 3"]), "web:400", "-",
     "two different Content-Length headers: 400 (request smuggling guard)"),
    ("cl-huge-number", post(texts(KNOWN), length="9" * 30), "shut web:4xx",
     "-", "30-digit Content-Length: 400 or 413 from the web server"),
    ("cl-over-web-limit", post(texts(KNOWN), length=3000000), "shut web:413 cgi=web:400",
     "-", "3 MB announced, over the servers' 2 MiB limit: 413 from the "
     "web server before any body is read; plain CGI: the host's limit, the client's half-close makes it a 400"),
    ("cl-over-app-limit-text-plain",
     post(over_limit, ctype="text/plain"), "app:413 web:413", TOO_LARGE,
     "size is checked before the media type; the web servers refuse it themselves with the same JSON 413 (one limit)"),
    ("post-without-length", post(None, length=False),
     "app:422 lighttpd=web:411", d0("value_error.missing", ["body"]),
     "POST without Content-Length or body: an empty body; lighttpd "
     "answers 411 Length Required itself"),
    ("get-with-body", request("GET", "/", texts("a")),
     "app:200 lighttpd=web:400", ".data == {}",
     "a body on GET / is ignored; lighttpd refuses GET with a body (400)"),

    # --- chunked request bodies --------------------------------------------
    ("chunked-valid", post_chunked(chunked(texts(KNOWN)[:10],
                                           texts(KNOWN)[10:])),
     "app:200", TAG, "both servers de-chunk and set CONTENT_LENGTH"),
    ("chunked-many-small", post_chunked(chunked(*texts(KNOWN))), "app:200",
     TAG, "one byte per chunk"),
    ("chunked-extension", post_chunked(chunked(texts(KNOWN), ext=b";a=b")),
     "app:200", TAG, "chunk extensions are ignored"),
    ("chunked-trailer", post_chunked(chunked(texts(KNOWN),
                                             trailer=b"X-T: 1\r\n")),
     "app:200", TAG, "a trailer field after the last chunk"),
    ("chunked-invalid-json", post_chunked(chunked('{"texts":[')), "app:422",
     jd('{"texts":['), "de-chunked, then refused by the app"),
    ("chunked-over-app-limit",
     post_chunked(chunked(*[over_limit[i:i + 8192]
                            for i in range(0, len(over_limit), 8192)])),
     "app:413 web:413", TOO_LARGE, "a chunked body over --max-body; the web servers refuse it themselves with the same JSON 413 (one limit)"),
    ("chunked-bad-size", post_chunked(b"zz\r\nabc\r\n0\r\n\r\n"), "web:400 apache=web:400 apache=app:422",
     "-", "a chunk size that is not hex: 400 from the web server; mod_fcgid passes on what it read before Apache's chunk decoder failed: the app refuses it as invalid JSON (422)"),
    ("chunked-huge-size", post_chunked(b"ffffffffffffffffff\r\nab\r\n"),
     "shut web:4xx close apache=web:4xx apache=close apache=app:422", "-",
     "an overflowing chunk size: the web server refuses it"),
    ("chunked-truncated", post_chunked(chunked('{"texts":[', end=False)),
     "shut web:400 close apache=web:500", "-",
     "no last chunk, then the client closes: never reaches the app"),
    ("chunked-and-content-length",
     post_chunked(chunked(texts(KNOWN))).replace(
         b"Transfer-Encoding", b"Content-Length: 5\r\nTransfer-Encoding"),
     "web:400 app:200",
     "-", "both framings: RFC 9112 says reject or let chunked win"),
    ("transfer-encoding-gzip",
     post_chunked(chunked(texts(KNOWN)), te=b"gzip, chunked"),
     "web:4xx lighttpd=web:501 nginx=web:501 apache=app:200 proxyfcgi=app:200 cgi=app:200", "-",
     "a transfer coding the servers do not implement: both answer "
     "501 Not Implemented (the RFC 9112 answer for it); Apache decodes the last coding (chunked) and ignores the rest, passing the body on"),

    # --- methods on known routes ---------------------------------------------
    ("method-get-predict", request("GET", "/predict"), "app:405 allow:POST",
     NOT_ALLOWED, "GET on a POST route"),
    ("method-head-predict", request("HEAD", "/predict"),
     "app:405 allow:POST", "-", "HEAD: the same 405 without a body"),
    ("method-put-predict", request("PUT", "/predict", texts("a")),
     "app:405 allow:POST", NOT_ALLOWED, "PUT"),
    ("method-delete-predict", request("DELETE", "/predict"),
     "app:405 allow:POST", NOT_ALLOWED, "DELETE"),
    ("method-patch-predict", request("PATCH", "/predict", texts("a")),
     "app:405 allow:POST", NOT_ALLOWED, "PATCH"),
    ("method-options-predict", request("OPTIONS", "/predict"),
     "app:405 allow:POST", NOT_ALLOWED, "OPTIONS (no CORS here)"),
    ("method-trace-predict", request("TRACE", "/predict"),
     "app:405 allow:POST nginx=web:405 apache=web:405 proxyfcgi=web:405 cgi=web:200",
     NOT_ALLOWED, "TRACE: nginx refuses it itself with 405; Apache refuses it with TraceEnable off (405); under plain CGI the host's TraceEnable decides, which a .htaccess cannot change"),
    ("method-propfind-predict", request("PROPFIND", "/predict"),
     "app:405 allow:POST", NOT_ALLOWED, "WebDAV PROPFIND"),
    ("method-made-up-predict", request("FROBNICATE", "/predict"),
     "app:405 allow:POST lighttpd=web:501", NOT_ALLOWED,
     "an unknown method: lighttpd answers 501 Not Implemented itself"),
    ("method-lowercase-get", request("get", "/"), "web:400 lighttpd=web:501 apache=app:405 proxyfcgi=app:405 cgi=app:405",
     "-", "methods are case-sensitive: nginx 400, lighttpd 501; Apache passes an unknown method on: the app's 405"),
    ("method-put-big-body", request("PUT", "/predict", over_limit),
     "app:405 allow:POST web:413 cgi=app:405", NOT_ALLOWED,
     "the method is checked before the body size; a web server with the one body limit refuses the body first (413)"),
    ("method-post-root", post(texts("a"), path="/"),
     "app:405 allow:GET,HEAD", NOT_ALLOWED, "POST on a GET route"),
    ("method-delete-args", request("DELETE", "/args/threshold"),
     "app:405 allow:GET,HEAD", NOT_ALLOWED, "DELETE on /args/{arg}"),
    ("method-put-performance", request("PUT", "/performance", "{}"),
     "app:405 allow:GET,HEAD", NOT_ALLOWED, "PUT on /performance"),
    ("method-post-unknown-path-bad-json", post("{", path="/nope"),
     "app:404", NOT_FOUND, "the route is checked before the body"),

    # --- paths -------------------------------------------------------------
    ("path-traversal-dotdot", request("GET", "/static/../../etc/passwd"),
     "app:404 web:400 cgi=web:403", NOT_FOUND,
     "nginx refuses to leave the root (400); lighttpd normalises it to "
     "/etc/passwd, which the app does not know; CGI: the .htaccess refuses any file but the program (403)"),
    ("path-traversal-encoded-dots",
     request("GET", "/static/%2e%2e/%2e%2e/etc/passwd"), "app:404 web:400 cgi=web:403",
     NOT_FOUND, "%2e%2e is .. after decoding; CGI: the .htaccess refuses any file but the program (403)"),
    ("path-traversal-encoded-slash",
     request("GET", "/static/..%2f..%2f..%2fetc%2fpasswd"),
     "app:404 web:400 web:404", NOT_FOUND, "%2f hides the slashes; Apache: 404 for an encoded slash (AllowEncodedSlashes Off)"),
    ("path-traversal-backslash",
     request("GET", "/static/..\\..\\etc\\passwd"), "app:404 web:400",
     NOT_FOUND, "backslashes are not separators"),
    ("path-nul-escape-static", request("GET", "/static/x%00.css"),
     "app:400 app:404 web:400 web:404", "-",
     "%00 in the path: refused (400) or not found, never cut short; Apache refuses %00 in a path with 404 before any module sees it"),
    ("path-nul-escape-predict", post(texts("a"), path="/predict%00"),
     "app:400 app:404 web:400 web:404", "-", "/predict%00 is not /predict; Apache refuses %00 in a path with 404 before any module sees it"),
    ("path-bad-escape", request("GET", "/args/%zz"), "app:400 web:400",
     "-", "a bad percent-escape in the path"),
    ("path-invalid-utf8-arg", request("GET", "/args/%ff%fe"),
     "app:404 lighttpd=web:400",
     '.detail | type == "string"',
     "an unknown argument named with invalid UTF-8: the 404 body must "
     "still be valid UTF-8 JSON (lighttpd refuses the path: 400)"),
    ("path-html-in-arg", request("GET", "/args/%3Cscript%3E%22"),
     "app:404", '.detail | test("<script>\\"")',
     "markup and quotes in the echoed name are JSON-escaped"),
    ("path-long-6k", request("GET", long_path), "app:404 apache=web:403 cgi=web:403", NOT_FOUND,
     "a 6 KB path fits the servers' request-line buffers; Apache maps the path to a file name over NAME_MAX: 403"),
    ("path-huge-20k", request("GET", huge_path), "web:4xx", "-",
     "a 20 KB request line: nginx 414, lighttpd 431"),
    ("path-absolute-form", request("GET", "http://127.0.0.1/args/threshold"),
     "app:200 apache=app:404 proxyfcgi=app:404 cgi=web:404", '.data.threshold != null',
     "absolute-form request target (RFC 9112 3.2.2); Apache passes the absolute-form path on as it is: the app's 404"),
    ("query-long-6k", request("GET", long_query), "app:200",
     '.data == {} and (.url | endswith("%s"))' % long_query[2:][-40:],
     "a 6 KB query string is echoed in url"),
    ("query-5000-params", request("GET", params_5000), "web:4xx", "-",
     "5000 parameters (34 KB): over the servers' request-line limit"),
    ("query-2000-params", request("GET", params_2000), "app:200",
     '.data.performance | has("precision")',
     "2000 empty parameters, then filter=overall"),
    ("query-bad-escape", request("GET", "/performance?filter=%zz"),
     "app:400 lighttpd=app:200",
     '((.detail // "") | test("percent")) or '
     '((.url // "") | endswith("filter=%25zz"))',
     "a bad escape in the query string: 400; lighttpd re-encodes it to "
     "%25zz first, so there the app sees a valid query and answers 200"),
    ("query-nul-escape", request("GET", "/performance?filter=over%00all"),
     "app:200 app:400 lighttpd=web:400",
     '((.data.performance // {}) | has("overall")) or '
     '((.detail // "") | test("percent"))',
     "%00 in a filter value: the reference answers 200 (an unknown "
     "filter gives everything); the app refuses %00 on purpose (400, "
     "fcgi/url.c); lighttpd refuses control characters in the URL: 400"),

    # --- the trailing-slash redirect (Starlette's redirect_slashes) ----------
    ("redirect-plain", request("GET", "/args/"), "app:307 location:/args",
     "-", "/args/ -> 307 Location .../args"),
    ("redirect-crlf-injection",
     request("GET", "/args/a%0d%0aSet-Cookie:%20pwned=1/"),
     "app:307 location:/args/a%0D%0ASet-Cookie:%20pwned=1 "
     "lighttpd=web:400", "-",
     "an encoded CR LF in a redirected path must stay encoded in Location: "
     "a raw one splits the response (Set-Cookie injection); lighttpd "
     "refuses encoded control characters itself"),
    ("redirect-crlf-crlf-end-of-headers",
     request("GET", "/args/%0d%0a%0d%0a%3Chtml%3E/"),
     "app:307 location:/args/%0D%0A%0D%0A%3Chtml%3E lighttpd=web:400", "-",
     "a decoded blank line in Location would end the CGI header block"),
    ("redirect-encoded-question-mark", request("GET", "/args/%3F/"),
     "app:307 location:/args/%3F", "-",
     "an encoded '?' in the path is part of the path, not the query: "
     "Location must keep it encoded"),
    ("redirect-space-and-utf8", request("GET", "/args/a%20%C3%A9/?x=1"),
     "app:307 location:/args/a%20%C3%A9", "-",
     "a space and UTF-8 in a redirected path: Location stays ASCII"),
    ("redirect-invalid-utf8", request("GET", "/args/%ff/"),
     "app:307 location:/args/%FF lighttpd=web:400", "-",
     "a lone 0xFF in a redirected path: Location stays ASCII"),

    # --- the /api mount ------------------------------------------------------
    ("api-predict-valid", post(texts(KNOWN), path="/api/predict"),
     "app:200 cgi=app:404", TAG + ' and (.url | endswith("/api/predict"))',
     "the same service mounted at /api; plain CGI has no /api mount"),
    ("api-traversal-to-root", request("GET", "/api/../args/threshold"),
     "app:200 app:404 web:400",
     '(.data.threshold != null) or (.detail == "Not Found")',
     "the web server resolves /api/../args/threshold to the / mount; the "
     "app routes the raw REQUEST_URI, which keeps the dot segments, so "
     "404 (as uvicorn, which does not remove them) or 200 are both safe"),
    ("api-method-put", request("PUT", "/api/predict", "{}"),
     "app:405 allow:POST cgi=app:404", NOT_ALLOWED, "405 under the mount too; plain CGI has no /api mount"),
    ("api-unknown", request("GET", "/api/etc/passwd"), "app:404",
     NOT_FOUND, "unknown paths under the mount"),

    # --- headers and request lines -------------------------------------------
    ("header-long-6k", request("GET", "/", headers=[long_header]), "app:200",
     ".data == {}", "one 6 KB header"),
    ("header-huge-20k", request("GET", "/", headers=[huge_header]),
     "web:4xx", "-", "a 20 KB header: nginx 400, lighttpd 431"),
    ("header-500-fields", request("GET", "/", headers=many_headers),
     "app:200 apache=web:400 proxyfcgi=web:400 cgi=web:400", ".data == {}", "500 header fields; Apache allows 100 (LimitRequestFields): 400"),
    ("header-request-id-hostile",
     request("GET", "/", headers=['X-Request-Id: "><script>'
                                  '\x01\x7f{}']), "app:200 web:400",
     ".data == {}", "a hostile X-Request-Id is replaced, not echoed"),
    ("header-no-colon", request("GET", "/", headers=["NoColonHere"]),
     "web:400 nginx=app:200", ".data == {}", "a header line without a "
     "colon: lighttpd 400; nginx drops the invalid line and passes on"),
    ("header-obs-fold", request("GET", "/", headers=["X-A: a", " folded"]),
     "web:400 app:200", "-", "obsolete line folding: RFC 9112 allows "
     "either a 400 or replacing it with a space"),
    ("header-host-missing", request("GET", "/", host=None), "web:400", "-",
     "HTTP/1.1 without Host: 400 from the web server"),
    ("header-host-hostile", request("GET", "/", host='a"b\\c'),
     "web:400 nginx=app:200", '.url == "http://a\\"b\\\\c/"',
     "quote and backslash in Host: lighttpd 400; nginx passes them and the "
     "url field must carry them JSON-escaped"),
    ("header-nul-in-value", request("GET", "/", headers=[b"X-A: a\x00b"]),
     "web:400", "-", "a raw NUL in a header value"),
    ("request-line-garbage", b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03"
     b"\r\n\r\n", "shut web:400 close", "-",
     "TLS ClientHello bytes on the plain port"),
    ("request-line-no-version", b"GET /\r\n\r\n",
     "shut web:400 close nginx=raw nginx=close apache=raw apache=close proxyfcgi=raw proxyfcgi=close cgi=raw cgi=close", "-", "an HTTP/0.9 "
     "request line: lighttpd refuses it; nginx still speaks HTTP/0.9 and "
     "sends the app's JSON body alone, or drops the request when it sees "
     "our half-close first (a race); Apache speaks HTTP/0.9 too"),
    ("request-line-bad-version", request("GET", "/", version="HTTP/x.y"),
     "web:400 lighttpd=web:505", "-", "a malformed version: nginx 400, "
     "lighttpd 505 HTTP Version Not Supported"),
    ("request-empty", b"\r\n\r\n", "shut web:400 close", "-",
     "only blank lines, then the client closes"),
    ("request-truncated-headers", b"POST /predict HTTP/1.1\r\nHost: 1",
     "shut web:400 close", "-", "headers cut short, then the client closes"),

    # --- media types ---------------------------------------------------------
    ("ctype-text-plain", post(texts("a"), ctype="text/plain"), "app:415",
     UNSUPPORTED, "text/plain"),
    ("ctype-form", post("texts=a", ctype="application/x-www-form-urlencoded"),
     "app:415", UNSUPPORTED, "a form post"),
    ("ctype-multipart", post("--x\r\n\r\n--x--",
                             ctype="multipart/form-data; boundary=x"),
     "app:415", UNSUPPORTED, "multipart"),
    ("ctype-jsonx", post(texts("a"), ctype="application/jsonx"), "app:415",
     UNSUPPORTED, "application/jsonx is not JSON"),
    ("ctype-json-suffix-bare", post(texts("a"), ctype="application/+json"),
     "app:415", UNSUPPORTED, "'+json' with an empty name"),
]


def write_bats(path, stack):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    begin = "# BEGIN CASES (generated by tests/hostile/generate.py)\n"
    end = "# END CASES\n"
    i, j = text.index(begin) + len(begin), text.index(end)
    body = "".join('\n@test "%s: hostile %s" {\n\thostile_case %s\n}\n'
                   % (stack, f, f) for f in FILES) + "\n"
    with open(path, "w", encoding="utf-8") as f:
        f.write(text[:i] + body + text[j:])


FILES = []


def main():
    for old in os.listdir(HERE):
        if old.endswith(".http"):
            os.remove(os.path.join(HERE, old))
    lines = [
        "# tests/hostile/MANIFEST - what a correct stack answers to each",
        "# corpus request.  Generated by generate.py (edit it there); the",
        "# syntax is described at the top of generate.py.",
        "# FILE<TAB>EXPECT<TAB>CHECK<TAB>NOTE",
    ]
    seen = set()
    for n, (name, raw, expect, check, note) in enumerate(CASES, 1):
        assert name not in seen, name
        seen.add(name)
        assert re.fullmatch(r"[a-z0-9-]+", name), name
        assert "\t" not in expect + check + note, name
        fname = "%03d-%s.http" % (n, name)
        with open(os.path.join(HERE, fname), "wb") as f:
            f.write(raw)
        FILES.append(fname)
        lines.append("\t".join((fname, expect, check, note)))
    with open(os.path.join(HERE, "MANIFEST"), "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
    for bats, stack in (("hostile.bats", "lighttpd"),
                        ("hostile_nginx.bats", "nginx"),
                        ("hostile_apache.bats", "apache"),
                        ("hostile_proxyfcgi.bats", "proxyfcgi"),
                        ("hostile_cgi.bats", "cgi")):
        p = os.path.join(BATS, bats)
        if os.path.exists(p):
            write_bats(p, stack)
    print("%d cases" % len(CASES))


if __name__ == "__main__":
    sys.exit(main())
