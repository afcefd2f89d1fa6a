/* SPDX-License-Identifier: MIT
 * tests/unit/envelope_test.c - the response envelope: key order, the
 * timestamp format (datetime.now().isoformat() with six digits), JSON
 * escaping of what the client controls, and the 422/404 detail bodies.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

#include <cjson/cJSON.h>

#include "fcgi/envelope.h"
#include "fcgi/respond.h"
#include "util/buf.h"
#include "util/json.h"
#include "tests/unit/tap.h"

static void
envelope_timestamp_should_have_six_fraction_digits(void)
{
	struct timeval tv = { 86400 * 365, 7 };
	char ts[ENVELOPE_TIMESTAMP_MAX];

	setenv("TZ", "UTC", 1);
	envelope_timestamp(&tv, ts, sizeof(ts));
	tap_str_eq(ts, "1971-01-01T00:00:00.000007",
		   "envelope_timestamp should print microseconds always");
	tv.tv_usec = 999999;
	envelope_timestamp(&tv, ts, sizeof(ts));
	tap_str_eq(ts, "1971-01-01T00:00:00.999999",
		   "envelope_timestamp should keep all six digits");
	tv.tv_sec += 61;
	tv.tv_usec = 120000;
	envelope_timestamp(&tv, ts, sizeof(ts));
	tap_str_eq(ts, "1971-01-01T00:01:01.120000",
		   "envelope_timestamp should follow a new second");
}

static void
envelope_build_should_keep_the_reference_key_order(void)
{
	size_t len = 0;
	char *body = envelope_build(200, "GET", "http://h/args/a\"b\x01",
				    "2026-01-01T00:00:00.000000",
				    "{\"x\":1}", &len);
	cJSON *j = cJSON_Parse(body);
	const char *want[] = { "message", "method", "status-code",
			       "timestamp", "url", "data" };
	cJSON *it = j ? j->child : NULL;
	int ok = j != NULL;

	for (size_t i = 0; i < 6; i++, it = it ? it->next : NULL)
		ok &= it != NULL && strcmp(it->string, want[i]) == 0;
	tap_ok(ok && it == NULL, "envelope keys should be message, method, "
	       "status-code, timestamp, url, data");
	tap_ok(body != NULL && len == strlen(body),
	       "envelope_build should return the body length");
	tap_str_eq(body, "{\"message\":\"OK\",\"method\":\"GET\",\"status-code\""
		   ":200,\"timestamp\":\"2026-01-01T00:00:00.000000\",\"url\":"
		   "\"http://h/args/a\\\"b\\u0001\",\"data\":{\"x\":1}}",
		   "envelope_build should escape the URL like json.dumps");
	tap_ok(cJSON_IsNumber(cJSON_GetObjectItem(j, "status-code")),
	       "status-code should be a number");
	cJSON_Delete(j);
	free(body);
}

static void
buf_add_json_str_should_always_give_valid_utf8(void)
{
	struct util_buf b = UTIL_BUF_INIT(RESPOND_BODY_MAX);
	char *s;

	util_json_str(&b, "a\xff\xc3\xa9\xed\xa0\x80z\x7f", 9);
	s = util_buf_take(&b, NULL);
	tap_str_eq(s, "\"a\xef\xbf\xbd\xc3\xa9\xef\xbf\xbd\xef\xbf\xbd"
		   "\xef\xbf\xbdz\x7f\"",
		   "invalid UTF-8 should become U+FFFD, DEL stays raw");
	free(s);
}

static void
respond_error_should_escape_the_message(void)
{
	struct response res = { 0 };

	respond_error_detail(&res, HTTP_ERR_UNKNOWN_ARG,
			     "Unknown argument 'a\"\n'");
	tap_ok(res.status == 404, "respond_error_detail should set the "
	       "table's status");
	tap_str_eq(res.body, "{\"detail\":\"Unknown argument 'a\\\"\\n'\"}",
		   "respond_error_detail should build {\"detail\": msg}");
	response_free(&res);
	respond_error(&res, HTTP_ERR_METHOD);
	tap_ok(res.status == 405, "respond_error should set the status");
	tap_str_eq(res.body, "{\"detail\":\"Method Not Allowed\"}",
		   "respond_error should give the table's detail");
	response_free(&res);
	for (int e = 0; e < HTTP_ERR__MAX; e++) {
		respond_error(&res, (enum http_error)e);
		tap_ok(res.status == http_error_status((enum http_error)e) &&
		       strcmp(respond_phrase(res.status), "Unknown") != 0,
		       "error %d (%d) has a reason phrase", e, res.status);
		response_free(&res);
	}
	respond_json(&res, 200, NULL, 0);
	tap_ok(res.status == 500 && res.len > 0,
	       "respond_json without a body should become a 500");
	response_free(&res);
	tap_str_eq(respond_phrase(422), "Unprocessable Entity",
		   "respond_phrase(422)");
	tap_str_eq(respond_phrase(413), "Request Entity Too Large",
		   "respond_phrase(413)");
}

int
main(void)
{
	envelope_timestamp_should_have_six_fraction_digits();
	envelope_build_should_keep_the_reference_key_order();
	buf_add_json_str_should_always_give_valid_utf8();
	respond_error_should_escape_the_message();
	return tap_done();
}
