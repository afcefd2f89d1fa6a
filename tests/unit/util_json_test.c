/* SPDX-License-Identifier: MIT
 * tests/unit/util_json_test.c - the one JSON string policy: Python's
 * json.dumps(ensure_ascii=False) escapes, U+FFFD per invalid byte, and
 * the output is always valid UTF-8.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/json.h"
#include "util/utf8.h"
#include "tests/unit/tap.h"

static char *
quote(const char *s, size_t n)
{
	struct util_buf b = UTIL_BUF_INIT(1024);

	util_json_str(&b, s, n);
	return util_buf_take(&b, NULL);
}

static const struct {
	const char *name;
	const char *in;
	size_t len;
	const char *want;
} cases[] = {
	{ "plain", "abc", 3, "\"abc\"" },
	{ "empty", "", 0, "\"\"" },
	{ "quote and backslash", "a\"b\\c", 5, "\"a\\\"b\\\\c\"" },
	{ "short escapes", "\b\f\n\r\t", 5, "\"\\b\\f\\n\\r\\t\"" },
	{ "other controls", "\x01\x1f", 2, "\"\\u0001\\u001f\"" },
	{ "NUL inside", "a\0b", 3, "\"a\\u0000b\"" },
	{ "DEL and slash stay", "\x7f/", 2, "\"\x7f/\"" },
	{ "valid UTF-8 stays", "caf\xC3\xA9 \xF0\x9F\x98\x80", 10,
	  "\"caf\xC3\xA9 \xF0\x9F\x98\x80\"" },
	{ "0x9d becomes U+FFFD", "T_GQUESTMp\x9di", 12,
	  "\"T_GQUESTMp\xEF\xBF\xBDi\"" },
	{ "one U+FFFD per invalid byte", "\xE2\x82(", 3,
	  "\"\xEF\xBF\xBD\xEF\xBF\xBD(\"" },
	{ "surrogate bytes", "\xED\xA0\x80", 3,
	  "\"\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\"" },
};

static void
util_json_str_should_follow_the_policy(void)
{
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *got = quote(cases[i].in, cases[i].len);

		tap_str_eq(got, cases[i].want, "util_json_str %s", cases[i].name);
		free(got);
	}
}

static void
util_json_str_should_always_give_valid_utf8(void)
{
	unsigned char all[256];
	char *got;
	int ok = 1;

	for (int i = 0; i < 256; i++)
		all[i] = (unsigned char)i;
	got = quote((const char *)all, sizeof(all));
	tap_ok(got != NULL && util_utf8_valid(got, strlen(got)),
	       "every byte value in one string should give valid UTF-8");
	for (size_t i = 0; got != NULL && got[i] != '\0'; i++)
		if ((unsigned char)got[i] < 0x20)
			ok = 0;
	tap_ok(got != NULL && ok, "no raw control character should remain");
	free(got);
}

static void
util_json_str_should_respect_the_buffer_maximum(void)
{
	struct util_buf b = UTIL_BUF_INIT(4);

	util_json_str(&b, "abcdef", 6);
	tap_ok(b.st == UTIL_ERR_LIMIT,
	       "util_json_str should fail when the buffer maximum is reached");
	util_buf_free(&b);
}

/* util_json_fstr writes what util_json_str appends. */
static void
util_json_fstr_should_write_the_same_bytes(void)
{
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *got = NULL;
		size_t len = 0;
		FILE *f = open_memstream(&got, &len);

		if (f == NULL) {
			tap_ok(0, "open_memstream");
			return;
		}
		util_json_fstr(f, cases[i].in, cases[i].len);
		fclose(f);
		tap_str_eq(got, cases[i].want, "util_json_fstr %s",
			   cases[i].name);
		free(got);
	}
}

int
main(void)
{
	util_json_str_should_follow_the_policy();
	util_json_str_should_always_give_valid_utf8();
	util_json_str_should_respect_the_buffer_maximum();
	util_json_fstr_should_write_the_same_bytes();
	return tap_done();
}
