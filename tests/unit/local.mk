# tests/unit/: the C unit suites (TAP via tests/unit/tap.h), one program a
# module, <module>_test.c, each linked with the layer libraries it tests
# (never with core/*.c compiled again).  `make check-unit` runs them alone.
EXTRA_DIST += tests/unit/tap.h tests/unit/tiny_model.h
UNIT_TESTS =

# util/
UTIL_UNIT_TESTS = tests/unit/util_buf_test tests/unit/util_utf8_test \
	tests/unit/util_json_test tests/unit/util_file_test \
	tests/unit/util_hex_test tests/unit/util_clock_test \
	tests/unit/util_status_test
UNIT_TESTS += $(UTIL_UNIT_TESTS)
tests_unit_util_buf_test_LDADD = $(UTIL_LIBS)
tests_unit_util_utf8_test_LDADD = $(UTIL_LIBS)
tests_unit_util_json_test_LDADD = $(UTIL_LIBS)
tests_unit_util_file_test_LDADD = $(UTIL_LIBS)
tests_unit_util_hex_test_LDADD = $(UTIL_LIBS)
tests_unit_util_clock_test_LDADD = $(UTIL_LIBS)
tests_unit_util_status_test_LDADD = $(UTIL_LIBS)

# store/: the registry over SQLite, in a scratch directory.
UNIT_TESTS += tests/unit/store_test
tests_unit_store_test_LDADD = $(STORE_LIBS)
UNIT_TESTS += tests/unit/users_test
tests_unit_users_test_LDADD = $(STORE_LIBS)
UNIT_TESTS += tests/unit/store_jobs_test
tests_unit_store_jobs_test_LDADD = $(STORE_LIBS)

# jobs/: the batch-job runner over a scratch registry seeded with
# models/default.tagifai.
UNIT_TESTS += tests/unit/jobs_runner_test
tests_unit_jobs_runner_test_CFLAGS = $(AM_CFLAGS) -pthread
tests_unit_jobs_runner_test_LDADD = $(JOBS_LIBS)

# core/: the cleaner (clean_test checks fixed cases; clean_tool feeds
# tests/clean_parity.test), the inference path against scikit-learn values
# and the artifact format, training, and the functions the tool calls.
UNIT_TESTS += tests/unit/clean_test tests/unit/ngram_test \
	tests/unit/vectorizer_test tests/unit/classifier_test \
	tests/unit/artifact_test tests/unit/csv_test tests/unit/metrics_test \
	tests/unit/split_test tests/unit/sklearn_export_test \
	tests/unit/evaluate_test tests/unit/batch_test tests/unit/status_test \
	tests/unit/train_args_test
check_PROGRAMS += tests/unit/clean_tool tests/unit/float_repr_tool
tests_unit_clean_test_CFLAGS = $(AM_CFLAGS) $(UTF8PROC_CFLAGS)
tests_unit_clean_test_LDADD = $(CORE_LIBS)
tests_unit_clean_tool_CFLAGS = $(AM_CFLAGS) $(UTF8PROC_CFLAGS)
tests_unit_clean_tool_LDADD = $(CORE_LIBS)
tests_unit_float_repr_tool_LDADD = $(UTIL_LIBS)
tests_unit_ngram_test_LDADD = $(CORE_LIBS)
tests_unit_vectorizer_test_LDADD = $(CORE_LIBS)
tests_unit_classifier_test_LDADD = $(CORE_LIBS)
tests_unit_artifact_test_LDADD = $(CORE_LIBS) $(XXHASH_LIBS)
tests_unit_artifact_test_CFLAGS = $(AM_CFLAGS) $(XXHASH_CFLAGS)
tests_unit_csv_test_LDADD = $(CORE_LIBS)
tests_unit_metrics_test_LDADD = $(CORE_LIBS)
tests_unit_split_test_LDADD = $(CORE_LIBS)
tests_unit_sklearn_export_test_LDADD = $(CORE_LIBS)
tests_unit_evaluate_test_LDADD = $(CORE_LIBS)
tests_unit_batch_test_LDADD = $(CORE_LIBS)
tests_unit_status_test_LDADD = $(CORE_LIBS)
tests_unit_train_args_test_LDADD = $(CORE_LIBS)

# schemas/ and fcgi/
SERVICE_TEST_LIBS = fcgi/libservice.a $(SCHEMAS_LIBS) $(STORE_LIBS)
UNIT_TESTS += tests/unit/validate_test tests/unit/openapi_test \
	tests/unit/route_test tests/unit/url_test tests/unit/envelope_test \
	tests/unit/options_test tests/unit/service_status_test \
	tests/unit/prom_test tests/unit/stats_test tests/unit/batch_body_test
tests_unit_validate_test_CFLAGS = $(AM_CFLAGS) $(CJSON_CFLAGS)
tests_unit_validate_test_LDADD = $(SCHEMAS_LIBS)
tests_unit_openapi_test_CFLAGS = $(AM_CFLAGS) $(CJSON_CFLAGS)
tests_unit_openapi_test_LDADD = $(SERVICE_TEST_LIBS)
tests_unit_route_test_CFLAGS = $(AM_CFLAGS) $(CJSON_CFLAGS)
tests_unit_route_test_LDADD = $(SERVICE_TEST_LIBS)
tests_unit_url_test_CFLAGS = $(AM_CFLAGS) $(CJSON_CFLAGS)
tests_unit_url_test_LDADD = $(SERVICE_TEST_LIBS)
tests_unit_envelope_test_CFLAGS = $(AM_CFLAGS) $(CJSON_CFLAGS)
tests_unit_envelope_test_LDADD = $(SERVICE_TEST_LIBS)
tests_unit_batch_body_test_CFLAGS = $(AM_CFLAGS) $(CJSON_CFLAGS)
tests_unit_batch_body_test_LDADD = $(SERVICE_TEST_LIBS)
tests_unit_options_test_CFLAGS = $(AM_CFLAGS) $(CJSON_CFLAGS)
tests_unit_options_test_LDADD = $(SERVICE_TEST_LIBS)
tests_unit_service_status_test_LDADD = $(SERVICE_TEST_LIBS)
tests_unit_prom_test_CFLAGS = $(AM_CFLAGS) $(CJSON_CFLAGS)
tests_unit_prom_test_LDADD = $(SERVICE_TEST_LIBS) -lm
tests_unit_stats_test_CFLAGS = $(AM_CFLAGS) $(CJSON_CFLAGS)
tests_unit_stats_test_LDADD = $(SERVICE_TEST_LIBS)

check_PROGRAMS += $(UNIT_TESTS)
TESTS += $(UNIT_TESTS)

# The unit suites alone, in seconds: make check-unit.
check-unit:
	$(MAKE) $(AM_MAKEFLAGS) check TESTS='$(UNIT_TESTS)'
.PHONY: check-unit
