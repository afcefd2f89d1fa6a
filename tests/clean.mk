# tests/clean.mk: tests of the text cleaner.  clean_test checks fixed cases;
# clean_parity.test compares the C cleaner with the live Python reference
# (tests/clean_expected.py) on the holdout, the data set and the torture set.
CLEAN_TEST_LIBS = $(CORE_LIBS)

check_PROGRAMS += tests/unit/clean_test tests/unit/clean_tool
tests_unit_clean_test_SOURCES = tests/unit/clean_test.c
tests_unit_clean_test_CFLAGS = $(AM_CFLAGS) $(UTF8PROC_CFLAGS)
tests_unit_clean_test_LDADD = $(CLEAN_TEST_LIBS)
tests_unit_clean_tool_SOURCES = tests/unit/clean_tool.c
tests_unit_clean_tool_CFLAGS = $(AM_CFLAGS) $(UTF8PROC_CFLAGS)
tests_unit_clean_tool_LDADD = $(CLEAN_TEST_LIBS)

TESTS += tests/unit/clean_test tests/clean_parity.test
EXTRA_DIST += tests/clean_parity.test tests/clean_expected.py \
	tests/data/clean_torture.jsonl doc/CLEANING.md
