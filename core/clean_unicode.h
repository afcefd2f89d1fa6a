/* SPDX-License-Identifier: MIT
 * core/clean_unicode.h - the character classes Python's re and str use in
 * the reference's clean_text, for one code point at a time.
 *
 * The reference runs on CPython 3.11.2, whose Unicode database is 14.0.0.
 * Debian 12's utf8proc is Unicode 15.0.0, so clean_unicode_class() takes
 * categories from utf8proc and then treats the code points that Unicode 15.0
 * added (unassigned, so neither \w nor \s, in Python 3.11) as "other".  The
 * parity test compares the class of every code point, 0 to 0x10FFFF, with
 * Python's own answer, so a different utf8proc version is caught at once.
 */
#ifndef CORE_CLEAN_UNICODE_H
#define CORE_CLEAN_UNICODE_H

#include <stddef.h>
#include <stdint.h>

#include "util/utf8.h"

/* Largest code point; anything above is not a character. */
#define CLEAN_UNICODE_MAX 0x10FFFFu
/* What clean_unicode_decode() yields for each byte it cannot decode. */
#define CLEAN_UNICODE_REPLACEMENT UTIL_UTF8_REPLACEMENT

/* The three classes the cleaning regexes can tell apart. */
enum clean_uclass {
	CLEAN_UCLASS_OTHER = 0, /* neither \w nor \s (punctuation, So, Mn...) */
	CLEAN_UCLASS_SPACE,     /* \s: Python's str.isspace() */
	CLEAN_UCLASS_WORD,      /* \w: str.isalnum() or '_' */
	CLEAN_UCLASS__MAX
};

/* Class of cp under Python 3.11's re, for a str pattern (Unicode rules).
 * cp must be <= CLEAN_UNICODE_MAX; surrogates are OTHER, as in Python. */
enum clean_uclass clean_unicode_class(uint32_t cp);

/* Python 3.11's str.lower() of one code point: writes one or two code
 * points to out and returns how many (2 only for U+0130, which lowers to
 * "i" U+0307).  Only the *class* of non-ASCII results is guaranteed to match
 * Python (which is all clean_text can observe): non-ASCII code points whose
 * lower case is not ASCII may be returned unchanged. */
size_t clean_unicode_lower(uint32_t cp, uint32_t out[2]);

/* Decodes one UTF-8 sequence at s[0..len) (len >= 1) into *cp and returns
 * its length in bytes (1 to 4).  A byte that does not start a valid,
 * shortest-form sequence of a non-surrogate code point (RFC 3629) decodes
 * alone to CLEAN_UNICODE_REPLACEMENT with length 1. */
size_t clean_unicode_decode(const unsigned char *s, size_t len,
			    uint32_t *cp);

#endif
