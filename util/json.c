/* SPDX-License-Identifier: MIT
 * util/json.c - JSON string escaping (Lib/json/encoder.py's ESCAPE_DCT
 * with ensure_ascii=False, plus U+FFFD for invalid UTF-8).
 *
 * Plain bytes are copied in runs, one append per run: this is on every
 * response's path, and most text is plain ASCII.
 */
#include <stdint.h>
#include <string.h>

#include "util/json.h"
#include "util/utf8.h"

static const char hex_digits[] = "0123456789abcdef";

/* The escape of an ASCII byte that needs one (a control character, " or \). */
static const char *
escape(unsigned c, char u[7])
{
	switch (c) {
	case '"': return "\\\"";
	case '\\': return "\\\\";
	case '\b': return "\\b";
	case '\f': return "\\f";
	case '\n': return "\\n";
	case '\r': return "\\r";
	case '\t': return "\\t";
	default:
		break;
	}
	u[0] = '\\';
	u[1] = 'u';
	u[2] = '0';
	u[3] = '0';
	u[4] = hex_digits[c >> 4];
	u[5] = hex_digits[c & 15];
	u[6] = '\0';
	return u;
}

/* Where the escaped pieces go: a util_buf or a FILE. */
struct sink {
	struct util_buf *b;
	FILE *f;
};

static void
put(const struct sink *k, const char *p, size_t n)
{
	if (k->b != NULL)
		util_buf_add(k->b, p, n);
	else if (n > 0)
		fwrite(p, 1, n, k->f);
}

static void
json_str(const struct sink *k, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, run = 0;

	put(k, "\"", 1);
	while (i < n) {
		unsigned c = p[i];
		const char *esc;
		char u[7];
		uint32_t cp;
		size_t j;

		if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
			i++;
			continue;
		}
		if (c >= 0x80) {
			j = util_utf8_decode(p + i, n - i, &cp);
			if (j > 0) {
				i += j;
				continue;
			}
			esc = UTIL_UTF8_REPLACEMENT_BYTES;
		} else {
			esc = escape(c, u);
		}
		put(k, s + run, i - run);
		put(k, esc, strlen(esc));
		run = ++i;
	}
	put(k, s + run, i - run);
	put(k, "\"", 1);
}

void
util_json_str(struct util_buf *b, const char *s, size_t n)
{
	const struct sink k = { b, NULL };

	json_str(&k, s, n);
}

void
util_json_fstr(FILE *f, const char *s, size_t n)
{
	const struct sink k = { NULL, f };

	json_str(&k, s, n);
}
