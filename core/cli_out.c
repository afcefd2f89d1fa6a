/* SPDX-License-Identifier: MIT
 * core/cli_out.c - JSON string output for the command-line tools
 * (RFC 8259 section 7; invalid UTF-8, which JSON text may not contain,
 * is replaced by U+FFFD).
 */
#include "core/cli_out.h"

/* Length of the valid UTF-8 sequence at s (RFC 3629), or 0. */
static size_t
utf8_len(const unsigned char *s, size_t avail)
{
	unsigned char c = s[0];
	size_t n;
	unsigned cp;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf) {
		n = 2;
		cp = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		n = 3;
		cp = c & 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 4;
		cp = c & 0x07;
	} else {
		return 0;
	}
	if (avail < n)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
	    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

void
cli_json_string(FILE *f, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t run = 0;   /* start of the bytes that need no escaping */

	/* Plain bytes are written in runs: one fwrite per run, not per byte,
	 * since this is most of `tagifai predict`'s output work. */
	putc('"', f);
	for (size_t i = 0; i < len;) {
		unsigned char c = p[i];
		const char *esc = NULL;
		char u[8];
		size_t n = 1;

		switch (c) {
		case '"': esc = "\\\""; break;
		case '\\': esc = "\\\\"; break;
		case '\n': esc = "\\n"; break;
		case '\r': esc = "\\r"; break;
		case '\t': esc = "\\t"; break;
		case '\b': esc = "\\b"; break;
		case '\f': esc = "\\f"; break;
		default:
			if (c < 0x20) {
				snprintf(u, sizeof(u), "\\u%04x", c);
				esc = u;
			} else if (c >= 0x80) {
				n = utf8_len(p + i, len - i);
				if (n == 0)
					esc = "\\ufffd";
			}
			break;
		}
		if (esc == NULL) {
			i += n;
			continue;
		}
		fwrite(p + run, 1, i - run, f);
		fputs(esc, f);
		i++;
		run = i;
	}
	fwrite(p + run, 1, len - run, f);
	putc('"', f);
}
