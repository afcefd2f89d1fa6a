/* SPDX-License-Identifier: MIT
 * util/json.c - JSON string escaping (Lib/json/encoder.py's ESCAPE_DCT
 * with ensure_ascii=False, plus U+FFFD for invalid UTF-8).
 *
 * Plain bytes are copied in runs, one append per run: this is on every
 * response's path, and most text is plain ASCII.
 */
#include <stdint.h>

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

void
util_json_str(struct util_buf *b, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, run = 0;

	util_buf_add(b, "\"", 1);
	while (i < n) {
		unsigned c = p[i];
		const char *esc;
		char u[7];
		uint32_t cp;
		size_t k;

		if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
			i++;
			continue;
		}
		if (c >= 0x80) {
			k = util_utf8_decode(p + i, n - i, &cp);
			if (k > 0) {
				i += k;
				continue;
			}
			esc = UTIL_UTF8_REPLACEMENT_BYTES;
		} else {
			esc = escape(c, u);
		}
		util_buf_add(b, s + run, i - run);
		util_buf_adds(b, esc);
		run = ++i;
	}
	util_buf_add(b, s + run, i - run);
	util_buf_add(b, "\"", 1);
}
