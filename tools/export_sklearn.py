#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Export a scikit-learn TagIfAI model (the reference peer's artifacts) to
a tagifai-fcgi binary artifact.

Reads vectorizer.pkl (TfidfVectorizer, analyzer="char_wb"), model.pkl
(SGDClassifier, loss="log_loss", one-vs-rest over >= 3 classes),
label_encoder.json, args.json and performance.json from an artifacts
directory, writes the export JSON that `tagifai import` reads (the shape of
the peer's export.json: floats as Python repr, the shortest text that reads
back to the same double) and runs `tagifai import` on it.

The pickles do not hold the stopword list.  It comes from --stopwords FILE
(one word per line, UTF-8, in regex alternation order), else from
STOPWORDS in the tagifai_core.py next to the artifacts directory (the
reference peer's layout).

Needs Debian's /usr/bin/python3 with python3-sklearn (and joblib).
"""
import argparse
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tempfile

DEFAULT_ARTIFACTS = os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared",
    "peers", "fastapi", "artifacts")


class ExportError(Exception):
    pass


def load_json(path):
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except OSError as e:
        raise ExportError(f"{path}: {e.strerror}")
    except ValueError as e:
        raise ExportError(f"{path}: not valid JSON ({e})")


def load_pickle(path):
    try:
        import joblib
    except ImportError:
        raise ExportError("joblib is missing: run with /usr/bin/python3 "
                          "(apt-get install python3-sklearn)")
    if not os.path.isfile(path):
        raise ExportError(f"{path}: no such file")
    try:
        return joblib.load(path)
    except Exception as e:  # unpickling can raise almost anything
        raise ExportError(f"{path}: cannot load ({type(e).__name__}: {e})")


def load_stopwords(args):
    if args.stopwords:
        try:
            with open(args.stopwords, encoding="utf-8") as f:
                return [w.rstrip("\r\n") for w in f if w.strip()]
        except OSError as e:
            raise ExportError(f"{args.stopwords}: {e.strerror}")
    core = os.path.join(args.artifacts, "..", "tagifai_core.py")
    if not os.path.isfile(core):
        raise ExportError(f"no stopword list: give --stopwords FILE "
                          f"({core} does not exist)")
    spec = importlib.util.spec_from_file_location("tagifai_core", core)
    mod = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(mod)
        return list(mod.STOPWORDS)
    except Exception as e:
        raise ExportError(f"{core}: cannot read STOPWORDS ({e})")


def build_export(args):
    art = args.artifacts
    vec = load_pickle(os.path.join(art, "vectorizer.pkl"))
    mdl = load_pickle(os.path.join(art, "model.pkl"))
    enc = load_json(os.path.join(art, "label_encoder.json"))
    run_args = load_json(os.path.join(art, "args.json"))

    for attr in ("vocabulary_", "idf_", "analyzer", "ngram_range"):
        if not hasattr(vec, attr):
            raise ExportError("vectorizer.pkl is not a fitted TfidfVectorizer")
    wanted = {"analyzer": "char_wb", "lowercase": True, "norm": "l2",
              "use_idf": True, "sublinear_tf": False}
    for key, want in wanted.items():
        if getattr(vec, key, None) != want:
            raise ExportError(f"vectorizer {key}={getattr(vec, key, None)!r};"
                              f" only {want!r} is supported")
    if not hasattr(mdl, "coef_") or getattr(mdl, "loss", None) != "log_loss":
        raise ExportError("model.pkl is not a fitted SGDClassifier(loss="
                          "\"log_loss\")")

    c2i = enc.get("class_to_index") if isinstance(enc, dict) else None
    if not isinstance(c2i, dict):
        raise ExportError("label_encoder.json has no class_to_index object")
    classes = [c for c, _ in sorted(c2i.items(), key=lambda kv: kv[1])]
    if [c2i[c] for c in classes] != list(range(len(classes))):
        raise ExportError("label_encoder.json indices are not 0..K-1")
    coef = mdl.coef_
    if coef.shape[0] != len(classes) or len(classes) < 3:
        raise ExportError(f"model has {coef.shape[0]} coefficient rows for "
                          f"{len(classes)} classes; only one-vs-rest with 3 "
                          f"or more classes is supported")
    if list(mdl.classes_) != list(range(len(classes))):
        raise ExportError("model classes_ are not the label indices 0..K-1")
    if args.other_class not in c2i:
        raise ExportError(f"class {args.other_class!r} is not among {classes}")
    if "threshold" not in run_args:
        raise ExportError("args.json has no threshold")

    vocab = {k: int(v) for k, v in
             sorted(vec.vocabulary_.items(), key=lambda kv: kv[1])}
    return {
        "format": "tagifai-peer-export-v1",
        "sklearn_version": __import__("sklearn").__version__,
        "classes": classes,
        "other_index": c2i[args.other_class],
        "threshold": float(run_args["threshold"]),
        "preprocessing": {
            "lower": bool(run_args.get("lower", True)),
            "stem": bool(run_args.get("stem", False)),
            "stopwords": load_stopwords(args),
        },
        "vectorizer": {
            "analyzer": vec.analyzer,
            "ngram_range": [int(n) for n in vec.ngram_range],
            "lowercase": bool(vec.lowercase), "norm": vec.norm,
            "use_idf": bool(vec.use_idf), "smooth_idf": bool(vec.smooth_idf),
            "sublinear_tf": bool(vec.sublinear_tf),
            "n_features": len(vocab),
            "vocabulary": vocab,
            "idf": [float(v) for v in vec.idf_],
        },
        "model": {
            "type": "SGDClassifier(loss=log_loss) one-vs-rest",
            "coef": [[float(v) for v in row] for row in coef],
            "intercept": [float(v) for v in mdl.intercept_],
        },
    }


def find_tagifai(given):
    if given:
        return given
    here = os.path.dirname(os.path.abspath(__file__))
    for cand in (os.environ.get("TAGIFAI"), os.path.join(here, "..", "tagifai"),
                 shutil.which("tagifai")):
        if cand and os.path.isfile(cand) and os.access(cand, os.X_OK):
            return cand
    raise ExportError("cannot find the tagifai program: give --tagifai PATH "
                      "or set $TAGIFAI")


def main():
    ap = argparse.ArgumentParser(
        description="Export the reference's scikit-learn model to a "
                    "tagifai-fcgi artifact (via `tagifai import`).")
    ap.add_argument("--artifacts", default=DEFAULT_ARTIFACTS,
                    help="directory with vectorizer.pkl, model.pkl, "
                         "label_encoder.json, args.json, performance.json "
                         "(default: %(default)s)")
    ap.add_argument("-o", "--output", required=True,
                    help="artifact to write")
    ap.add_argument("--name", default="tagifai-sklearn",
                    help="model name (default: %(default)s)")
    ap.add_argument("--version", default="1",
                    help="model version (default: %(default)s)")
    ap.add_argument("--other-class", default="other",
                    help="class used under the threshold (default: "
                         "%(default)s)")
    ap.add_argument("--stopwords", help="stopword file, one per line")
    ap.add_argument("--export-json",
                    help="also keep the intermediate export JSON here")
    ap.add_argument("--tagifai", help="path of the tagifai program")
    args = ap.parse_args()
    try:
        export = build_export(args)
        tagifai = find_tagifai(args.tagifai)
        with tempfile.TemporaryDirectory() as tmp:
            path = args.export_json or os.path.join(tmp, "export.json")
            with open(path, "w", encoding="utf-8") as f:
                json.dump(export, f)
            r = subprocess.run(
                [tagifai, "import", "--export", path,
                 "--args", os.path.join(args.artifacts, "args.json"),
                 "--performance",
                 os.path.join(args.artifacts, "performance.json"),
                 "--name", args.name, "--version", args.version,
                 "-o", args.output])
            if r.returncode != 0:
                raise ExportError(f"tagifai import failed (exit "
                                  f"{r.returncode})")
    except ExportError as e:
        print(f"export_sklearn: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
