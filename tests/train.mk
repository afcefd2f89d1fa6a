# tests/train.mk: unit tests of the training modules, the quality gate of
# the default recipe and the behavioral tests of the trained model.
check_PROGRAMS += tests/unit/csv_test tests/unit/metrics_test \
	tests/unit/split_test
tests_unit_csv_test_SOURCES = tests/unit/csv_test.c
tests_unit_csv_test_LDADD = $(CORE_LIBS)
tests_unit_metrics_test_SOURCES = tests/unit/metrics_test.c
tests_unit_metrics_test_LDADD = $(CORE_LIBS)
tests_unit_split_test_SOURCES = tests/unit/split_test.c
tests_unit_split_test_LDADD = $(CORE_LIBS)

TESTS += tests/unit/csv_test tests/unit/metrics_test tests/unit/split_test \
	tests/train_quality.test tests/behavioral.test
EXTRA_DIST += tests/train_quality.test tests/behavioral.test \
	tools/train_default.sh tools/seed_sweep.sh models/default-args.json \
	doc/TRAINING.md
