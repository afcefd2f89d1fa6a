#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# tests/fuzz/make_corpus.py - writes the committed seed corpora of
# tests/fuzz/corpus/ (except fuzz_artifact, whose tiny models come from
# tests/fuzz/make_seeds, the real artifact writer).  Run from the source
# top: python3 tests/fuzz/make_corpus.py.  Standard library only; no
# data set text is copied (the data stays in ../shared).
import json
import os
import sys

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CORPUS = os.path.join(TOP, "tests", "fuzz", "corpus")


def put(name, i, data):
    d = os.path.join(CORPUS, name)
    os.makedirs(d, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8", "surrogatepass")
    with open(os.path.join(d, "seed-%03d" % i), "wb") as f:
        f.write(data)


BODIES = [
    '{"texts":[{"text":"Transfer learning with transformers for text classification."},'
    '{"text":"Generative adversarial networks in both PyTorch and TensorFlow."}]}',
    '{"texts":[{"text":"hello"}]}',
    '{"texts":[]}', '{"texts":[{"text":""}]}', '{"texts":[{}]}', '{}',
    '{"texts":"x"}', '{"texts":[{"text":""},{},{"text":null},5]}',
    '{"texts":[{"text":"\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9"}]}',
    '{"texts":[{"text":"a\\ud800"}]}', '{"texts":[{"text":"ok"},{}]}',
    '{"texts":[{"text":"r\u00e9sum\u00e9 parsing with transformers"}]}',
    '{"texts":[{"text":123},{"text":1.5},{"text":true},{"text":1e16}]}',
    '{"texts":[{"text":[]}]}', '{"texts":[{"text":null}]}',
    '{"texts":[{"text":NaN},{"text":-Infinity},{"text":-0}]}',
    '{"texts":[{"text":"a"}],"texts":[{"text":"b"}]}',
    '\ufeff{"texts":[{"text":"bom"}]}', '[', '{"texts":[{"text":"x"}', 'null',
    '[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]',
    '{"texts":[{"text":"' + "9" * 40 + '"}]}', '"\\u00zz"',
    '{"texts":[{"text":"line\\nbreak\\ttab \\"q\\" \\\\ \\/"}]}',
    '{"texts": [{"text": "spaces around"} ] , "extra": {"a": [1, 2.5e-3, false]}}',
]


def torture_texts():
    with open(os.path.join(TOP, "tests", "data", "clean_torture.jsonl"),
              encoding="utf-8") as f:
        rows = [json.loads(line) for line in f if line.strip()]
    # A row has "text", or "hex" for bytes that are not UTF-8.
    return [r["text"].encode("utf-8", "surrogatepass") if "text" in r
            else bytes.fromhex(r["hex"]) for r in rows]


def main():
    texts = torture_texts()
    # fuzz_clean: option byte (bit 0 lower, bit 1 stem, n-gram 2..4) + text.
    i = 0
    for t in texts:
        for flags in (0x45, 0x46):
            put("fuzz_clean", i, bytes([flags]) + t)
            i += 1
    put("fuzz_clean", i, b"\x45\xff\xfe invalid \xc3( utf-8 \xed\xa0\x80")

    # fuzz_validate: bodies, plus each torture text as a one-text body.
    i = 0
    for b in BODIES:
        put("fuzz_validate", i, b)
        i += 1
    for t in texts[:30]:
        text = t.decode("utf-8", "replace")
        put("fuzz_validate", i, json.dumps({"texts": [{"text": text}]},
                                           ensure_ascii=False))
        i += 1

    # fuzz_csv: synthetic CSV in the data set's shape.
    hdr = "id,created_on,title,description,tag\n"
    csvs = [
        hdr + '1,2020-02-17 06:30:41,Title one,"A description, with a comma",mlops\n',
        hdr + '2,2020-03-01 00:00:00,"Quoted ""title""","multi\nline\ndescription",other\r\n'
              '3,2020-03-02 00:00:00,t,d,computer-vision\r\n',
        "\ufeff" + hdr + "4,x,  spaced  ,d,natural-language-processing\n",
        hdr + "5,x,ragged\n", hdr + '6,x,"unterminated,d,t\n', "a\n", "",
        "text,tag\n\"\u00e9t\u00e9\",other\n,\n",
    ]
    for i, c in enumerate(csvs):
        put("fuzz_csv", i, c)

    # fuzz_request: CGI parameters, a blank line, the body.
    def req(method, uri, body=b"", ctype="application/json", extra=()):
        lines = ["REQUEST_METHOD=" + method, "REQUEST_URI=" + uri,
                 "SCRIPT_NAME=", "PATH_INFO=" + uri.split("?")[0],
                 "QUERY_STRING=" + (uri.split("?", 1)[1] if "?" in uri else ""),
                 "SERVER_NAME=localhost", "SERVER_PORT=8000",
                 "HTTP_HOST=localhost:8000"]
        if body:
            lines += ["CONTENT_TYPE=" + ctype,
                      "CONTENT_LENGTH=%d" % len(body)]
        lines += list(extra)
        return ("\n".join(lines) + "\n\n").encode() + body

    reqs = [
        req("GET", "/"), req("GET", "/args"), req("GET", "/args/lower"),
        req("GET", "/args/nope"), req("GET", "/performance"),
        req("GET", "/performance?filter=overall"), req("HEAD", "/"),
        req("GET", "/openapi.json"), req("GET", "/docs"), req("GET", "/redoc"),
        req("GET", "/demo"), req("GET", "/static/demo.css"),
        req("GET", "/static/../etc/passwd"), req("GET", "/nope"),
        req("GET", "/args/"), req("DELETE", "/predict"), req("GET", "/predict"),
        req("GET", "/%zz"), req("GET", "/?a=%zz"),
        req("POST", "/predict", BODIES[0].encode()),
        req("POST", "/predict", b'{"texts":[]}'),
        req("POST", "/predict", b"{", extra=["HTTP_X_REQUEST_ID=abc-123"]),
        req("POST", "/predict", b'{"texts":[{"text":"x"}]}', ctype="text/plain"),
        req("POST", "/predict", b'{"texts":[{"text":"x"}]}',
            ctype="application/vnd.api+json; charset=utf-8"),
        req("POST", "/predict", b"x" * 5000),
        (b"REQUEST_METHOD=POST\nREQUEST_URI=/predict\nCONTENT_LENGTH=99\n\n{}"),
        (b"REQUEST_METHOD=POST\nREQUEST_URI=/predict\nCONTENT_LENGTH=-1\n\n{}"),
        (b"REQUEST_METHOD=GET\nSCRIPT_NAME=/api\nPATH_INFO=/args\n"
         b"HTTPS=on\nHTTP_X_FORWARDED_PROTO=https\n\n"),
    ]
    for i, r in enumerate(reqs):
        put("fuzz_request", i, r)
    return 0


if __name__ == "__main__":
    sys.exit(main())
