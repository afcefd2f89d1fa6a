# tests/infer.mk: tests of the inference path and the artifact format.
# Unit tests (TAP via tests/unit/tap.h) check n-grams, the vectorizer and
# the classifier against scikit-learn values, and artifact round trips and
# damaged files; parity.test compares `tagifai predict` with the reference
# holdout predictions bit for bit; infer_cli.test drives import/info/predict.
INFER_TEST_LIBS = $(CORE_LIBS)

check_PROGRAMS += tests/unit/ngram_test tests/unit/vectorizer_test \
	tests/unit/classifier_test tests/unit/artifact_test \
	tests/unit/float_repr_tool
tests_unit_float_repr_tool_SOURCES = tests/unit/float_repr_tool.c
tests_unit_float_repr_tool_LDADD = $(INFER_TEST_LIBS)
tests_unit_ngram_test_SOURCES = tests/unit/ngram_test.c
tests_unit_ngram_test_LDADD = $(INFER_TEST_LIBS)
tests_unit_vectorizer_test_SOURCES = tests/unit/vectorizer_test.c
tests_unit_vectorizer_test_LDADD = $(INFER_TEST_LIBS)
tests_unit_classifier_test_SOURCES = tests/unit/classifier_test.c
tests_unit_classifier_test_LDADD = $(INFER_TEST_LIBS)
tests_unit_artifact_test_SOURCES = tests/unit/artifact_test.c
tests_unit_artifact_test_LDADD = $(INFER_TEST_LIBS)

TESTS += tests/unit/ngram_test tests/unit/vectorizer_test \
	tests/unit/classifier_test tests/unit/artifact_test \
	tests/parity.test tests/infer_cli.test tests/float_repr.test
EXTRA_DIST += tests/float_repr.test tests/float_repr.py tests/parity.test tests/parity_compare.py \
	tests/infer_cli.test tools/export_sklearn.py doc/ARTIFACT.md
