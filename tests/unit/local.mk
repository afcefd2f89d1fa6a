# tests/unit/: the C unit suites (TAP via tests/unit/tap.h), one program a
# module, <module>_test.c, each linked with the layer libraries it tests.
# `make check-unit` runs them alone.
UTIL_UNIT_TESTS = tests/unit/util_buf_test tests/unit/util_utf8_test \
	tests/unit/util_json_test tests/unit/util_file_test \
	tests/unit/util_hex_test tests/unit/util_clock_test
check_PROGRAMS += $(UTIL_UNIT_TESTS)
TESTS += $(UTIL_UNIT_TESTS)
tests_unit_util_buf_test_LDADD = $(UTIL_LIBS)
tests_unit_util_utf8_test_LDADD = $(UTIL_LIBS)
tests_unit_util_json_test_LDADD = $(UTIL_LIBS)
tests_unit_util_file_test_LDADD = $(UTIL_LIBS)
tests_unit_util_hex_test_LDADD = $(UTIL_LIBS)
tests_unit_util_clock_test_LDADD = $(UTIL_LIBS)

# core/: the library functions the tool and the service call.
CORE_UNIT_TESTS = tests/unit/sklearn_export_test tests/unit/evaluate_test \
	tests/unit/batch_test
check_PROGRAMS += $(CORE_UNIT_TESTS)
TESTS += $(CORE_UNIT_TESTS)
tests_unit_sklearn_export_test_LDADD = $(CORE_LIBS)
tests_unit_evaluate_test_LDADD = $(CORE_LIBS)
tests_unit_batch_test_LDADD = $(CORE_LIBS)
EXTRA_DIST += tests/unit/tiny_model.h
