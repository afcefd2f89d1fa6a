/* SPDX-License-Identifier: MIT
 * tests/unit/util_utf8_test.c - RFC 3629 decoding: the boundaries of
 * each sequence length, overlongs, surrogates, past U+10FFFF, truncation.
 */
#include <stdint.h>
#include <string.h>

#include "util/utf8.h"
#include "tests/unit/tap.h"

static const struct {
	const char *name;
	const char *s;
	size_t len;      /* 0 for invalid */
	uint32_t cp;
} cases[] = {
	{ "ASCII", "A", 1, 0x41 },
	{ "NUL", "\0", 1, 0 },
	{ "U+0080", "\xC2\x80", 2, 0x80 },
	{ "U+07FF", "\xDF\xBF", 2, 0x7FF },
	{ "U+0800", "\xE0\xA0\x80", 3, 0x800 },
	{ "U+D7FF", "\xED\x9F\xBF", 3, 0xD7FF },
	{ "U+E000", "\xEE\x80\x80", 3, 0xE000 },
	{ "U+FFFD", "\xEF\xBF\xBD", 3, 0xFFFD },
	{ "U+10000", "\xF0\x90\x80\x80", 4, 0x10000 },
	{ "U+10FFFF", "\xF4\x8F\xBF\xBF", 4, 0x10FFFF },
	{ "lone continuation", "\x80", 0, 0 },
	{ "0x9d", "\x9d", 0, 0 },
	{ "overlong C0", "\xC0\x80", 0, 0 },
	{ "overlong C1", "\xC1\xBF", 0, 0 },
	{ "overlong E0", "\xE0\x9F\xBF", 0, 0 },
	{ "overlong F0", "\xF0\x8F\xBF\xBF", 0, 0 },
	{ "surrogate D800", "\xED\xA0\x80", 0, 0 },
	{ "surrogate DFFF", "\xED\xBF\xBF", 0, 0 },
	{ "past U+10FFFF", "\xF4\x90\x80\x80", 0, 0 },
	{ "F5 lead", "\xF5\x80\x80\x80", 0, 0 },
	{ "FF", "\xFF", 0, 0 },
	{ "bad continuation", "\xC3\x28", 0, 0 },
	{ "bad third byte", "\xE2\x82\x28", 0, 0 },
	{ "bad fourth byte", "\xF0\x9F\x98\x28", 0, 0 },
};

static void
util_utf8_decode_should_follow_rfc3629(void)
{
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint32_t cp = 0xDEAD;
		size_t n = cases[i].s[0] ? strlen(cases[i].s) : 1;
		size_t k = util_utf8_decode((const unsigned char *)cases[i].s,
					    n, &cp);

		tap_ok(k == cases[i].len &&
		       (k == 0 ? cp == 0xDEAD : cp == cases[i].cp),
		       "util_utf8_decode %s: length %zu (want %zu), cp %#x",
		       cases[i].name, k, cases[i].len, (unsigned)cp);
		tap_ok(util_utf8_valid(cases[i].s, n) == (cases[i].len != 0),
		       "util_utf8_valid %s", cases[i].name);
	}
}

static void
util_utf8_should_reject_truncated_sequences(void)
{
	uint32_t cp;

	tap_ok(util_utf8_decode((const unsigned char *)"\xE2\x82\xAC", 2,
				&cp) == 0,
	       "a 3-byte sequence cut at 2 bytes should be invalid");
	tap_ok(util_utf8_decode((const unsigned char *)"\xF0\x9F\x98\x80", 3,
				&cp) == 0,
	       "a 4-byte sequence cut at 3 bytes should be invalid");
	tap_ok(!util_utf8_valid("ok \xC3", 4),
	       "util_utf8_valid should reject a lead byte at the end");
	tap_ok(util_utf8_valid("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80", 14),
	       "util_utf8_valid should accept mixed lengths");
	tap_ok(util_utf8_valid("", 0), "the empty string is valid");
}

int
main(void)
{
	util_utf8_decode_should_follow_rfc3629();
	util_utf8_should_reject_truncated_sequences();
	return tap_done();
}
