# SPDX-License-Identifier: MIT
"""bench/fasttext_prep.py - the data of bench/fasttext.sh, standard library only.

    fasttext_prep.py DATA_DIR OUT_DIR
        writes OUT_DIR/train.txt ("__label__TAG text" per dataset.csv row),
        OUT_DIR/holdout.txt (one text per holdout.csv row) and
        OUT_DIR/holdout.tags (its true tags)
    fasttext_prep.py --f1 TRUE_TAGS PREDICTED_TAGS
        prints the weighted F1 (sklearn's f1_score(average="weighted"))

text = title + " " + description, cleaned the same simple way for both
tools: lower-cased, the punctuation fastText's tutorial spaces out
(. ! ? , ' / ( )) surrounded by spaces, whitespace runs made one space.
Our model cleans its input again (clean_text); lower-casing and spacing
do not change what that produces for these texts, which the F1 shows.
"""
import csv
import os
import re
import sys

_PUNCT = re.compile(r"([.!?,'/()])")


def simple(title, description):
    text = (title + " " + description).lower()
    text = _PUNCT.sub(r" \1 ", text)
    return " ".join(text.split())


def prep(data_dir, out_dir):
    with open(os.path.join(data_dir, "dataset.csv"), newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    with open(os.path.join(out_dir, "train.txt"), "w", encoding="utf-8") as out:
        for r in rows:
            out.write("__label__%s %s\n" % (r["tag"], simple(r["title"], r["description"])))
    with open(os.path.join(data_dir, "holdout.csv"), newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    with open(os.path.join(out_dir, "holdout.txt"), "w", encoding="utf-8") as out, \
            open(os.path.join(out_dir, "holdout.tags"), "w", encoding="utf-8") as tags:
        for r in rows:
            out.write(simple(r["title"], r["description"]) + "\n")
            tags.write(r["tag"] + "\n")


def weighted_f1(true, pred):
    labels = sorted(set(true))
    total = 0.0
    for c in labels:
        tp = sum(1 for t, p in zip(true, pred) if t == c and p == c)
        fp = sum(1 for t, p in zip(true, pred) if t != c and p == c)
        fn = sum(1 for t, p in zip(true, pred) if t == c and p != c)
        prec = tp / (tp + fp) if tp + fp else 0.0
        rec = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
        total += f1 * (tp + fn)
    return total / len(true)


def main(argv):
    if len(argv) == 4 and argv[1] == "--f1":
        with open(argv[2], encoding="utf-8") as f:
            true = f.read().split()
        with open(argv[3], encoding="utf-8") as f:
            pred = f.read().split()
        if len(true) != len(pred):
            sys.exit("fasttext_prep.py: %d true tags, %d predicted" % (len(true), len(pred)))
        print("%.4f" % weighted_f1(true, pred))
        return
    if len(argv) != 3:
        sys.exit(__doc__)
    prep(argv[1], argv[2])


if __name__ == "__main__":
    main(sys.argv)
