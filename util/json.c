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

void
util_json_write(util_json_put *put, void *ctx, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, run = 0;

	put(ctx, "\"", 1);
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
		put(ctx, s + run, i - run);
		put(ctx, esc, strlen(esc));
		run = ++i;
	}
	put(ctx, s + run, i - run);
	put(ctx, "\"", 1);
}

static void
put_buf(void *ctx, const char *p, size_t n)
{
	util_buf_add(ctx, p, n);
}

void
util_json_str(struct util_buf *b, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;

	/* The common case, printable ASCII with nothing to escape (ids,
	 * names, times, most texts): one copy instead of a put per run.
	 * The bytes are the ones util_json_write makes. */
	while (i < n && p[i] >= 0x20 && p[i] < 0x80 && p[i] != '"' &&
	       p[i] != '\\')
		i++;
	if (i < n) {
		util_json_write(put_buf, b, s, n);
		return;
	}
	if (!util_buf_reserve(b, n + 2))
		return;
	b->data[b->len] = '"';
	if (n > 0)
		memcpy(b->data + b->len + 1, s, n);
	b->len += n + 2;
	b->data[b->len - 1] = '"';
	b->data[b->len] = '\0';
}

static void
put_file(void *ctx, const char *p, size_t n)
{
	if (n > 0)
		fwrite(p, 1, n, ctx);
}

void
util_json_fstr(FILE *f, const char *s, size_t n)
{
	util_json_write(put_file, f, s, n);
}
