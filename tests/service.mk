# tests/service.mk: unit tests of schemas/ and fcgi/, and the API suites
# that drive tagifai-fcgi without a web server (owned by the service part).
SERVICE_TEST_LIBS = fcgi/libservice.a $(SCHEMAS_LIBS) $(CORE_LIBS) $(CJSON_LIBS)

check_PROGRAMS += tests/unit/route_test tests/unit/url_test \
	tests/unit/validate_test tests/unit/envelope_test \
	tests/unit/openapi_test tests/unit/options_test
tests_unit_route_test_SOURCES = tests/unit/route_test.c
tests_unit_route_test_CFLAGS = $(AM_CFLAGS) $(CJSON_CFLAGS)
tests_unit_route_test_LDADD = $(SERVICE_TEST_LIBS)
tests_unit_url_test_SOURCES = tests/unit/url_test.c
tests_unit_url_test_CFLAGS = $(AM_CFLAGS) $(CJSON_CFLAGS)
tests_unit_url_test_LDADD = $(SERVICE_TEST_LIBS)
tests_unit_validate_test_SOURCES = tests/unit/validate_test.c
tests_unit_validate_test_CFLAGS = $(AM_CFLAGS) $(CJSON_CFLAGS)
tests_unit_validate_test_LDADD = $(SCHEMAS_LIBS)
tests_unit_envelope_test_SOURCES = tests/unit/envelope_test.c
tests_unit_envelope_test_CFLAGS = $(AM_CFLAGS) $(CJSON_CFLAGS)
tests_unit_envelope_test_LDADD = $(SERVICE_TEST_LIBS)
tests_unit_openapi_test_SOURCES = tests/unit/openapi_test.c
tests_unit_openapi_test_CFLAGS = $(AM_CFLAGS) $(CJSON_CFLAGS)
tests_unit_openapi_test_LDADD = $(SERVICE_TEST_LIBS)
tests_unit_options_test_SOURCES = tests/unit/options_test.c
tests_unit_options_test_CFLAGS = $(AM_CFLAGS) $(CJSON_CFLAGS)
tests_unit_options_test_LDADD = $(SERVICE_TEST_LIBS)

TESTS += tests/unit/route_test tests/unit/url_test \
	tests/unit/validate_test tests/unit/envelope_test \
	tests/unit/openapi_test tests/unit/options_test \
	tests/api/service_cgi.bats tests/api/service_parity.test
EXTRA_DIST += tests/api/service_cgi.bats tests/api/service_parity.test \
	tests/api/service_parity.py tests/api/service_helpers.bash doc/API.md
