# tests/: every suite speaks TAP (.ci/run sums the counts).  The C unit
# suites are in tests/unit/, the fuzz harnesses in tests/fuzz/, the API
# suites in tests/api/; the suites here compare with the reference or run
# the tool and the browser.  See tests/README.md.
include tests/unit/local.mk
include tests/fuzz/local.mk
include tests/api/local.mk

# The layers include only from below (util <- core <- schemas <- fcgi).
TESTS += tests/layering.test
EXTRA_DIST += tests/layering.test tests/README.md doc/INTERNALS.md \
	doc/STYLE.md

# The cleaner against the live Python reference (tests/clean_expected.py)
# on the holdout, the data set and the torture set.
TESTS += tests/clean_parity.test
EXTRA_DIST += tests/clean_parity.test tests/clean_expected.py \
	tests/data/clean_torture.jsonl doc/CLEANING.md

# Inference: `tagifai predict` against the reference holdout predictions
# bit for bit, float_repr against Python's repr(), and the tool as a user.
TESTS += tests/parity.test tests/infer_cli.test tests/float_repr.test
EXTRA_DIST += tests/float_repr.test tests/float_repr.py tests/parity.test \
	tests/parity_compare.py tests/infer_cli.test tools/export_sklearn.py \
	doc/ARTIFACT.md

# Batch jobs (issue 13): `tagifai batch` and `tagifai batch-runner` on a
# scratch registry; the stored answers of a job over projects.csv against
# `tagifai predict` byte for byte, staleness, cancellation, the progress bar.
TESTS += tests/batch_cli.test
EXTRA_DIST += tests/batch_cli.test

# Training: the quality gate of the default recipe and the behavioral
# tests of the trained model.
TESTS += tests/train_quality.test tests/behavioral.test
EXTRA_DIST += tests/train_quality.test tests/behavioral.test \
	tools/train_default.sh tools/seed_sweep.sh models/default-args.json \
	doc/TRAINING.md

# The fuzz corpora replayed without libFuzzer, and leaks under valgrind.
TESTS += tests/fuzz_regress.test tests/leak.test
EXTRA_DIST += tests/fuzz_regress.test tests/leak.test tests/fcgi_client.py

# the browser tests (Swagger UI, ReDoc and the demo page in
# Debian's Chromium, driven by playwright-core from node_modules), the man
# page lint and the README/doc/CLIENTS.md client examples.  Each script prints
# TAP.  The browser and client tests start their own lighttpd + tagifai-fcgi
# on a free loopback port (tests/browser/stack.bash), with the build-tree
# document root $(top_builddir)/www-root made by www/local.mk.
BROWSER_TESTS = tests/browser.test tests/man.test tests/clients.test
TESTS += $(BROWSER_TESTS)
EXTRA_DIST += $(BROWSER_TESTS) tests/browser/stack.bash \
	tests/browser/run.mjs tests/browser/extract-examples.sh \
	doc/CLIENTS.md
# Screenshots the browser tests save, for a person to look at.
CLEANFILES += tests/browser/screenshots/*.png
