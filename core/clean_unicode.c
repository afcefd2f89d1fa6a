/* SPDX-License-Identifier: MIT
 * core/clean_unicode.c - Python 3.11's \w, \s and str.lower() for one code
 * point, and a strict UTF-8 decoder, for core/clean.c.
 *
 * Definitions followed (CPython 3.11, Objects/unicodectype.c and
 * Modules/_sre/sre.c): \w is SRE_UNI_IS_WORD, that is str.isalnum() or '_',
 * where isalnum() is isalpha() (categories Lu Ll Lt Lm Lo) or isdecimal() or
 * isdigit() or isnumeric() (every code point with a numeric value; in
 * Unicode 14 these are exactly the categories Nd Nl No plus some Lo
 * ideographs, which are letters anyway).  \s is Py_UNICODE_ISSPACE: the
 * category Zs or the bidirectional classes WS, B and S, which is the fixed
 * list in is_space() below.
 */
#include <utf8proc.h>

#include "core/clean_unicode.h"
#include "util/utf8.h"

/* A closed range of code points. */
struct cp_range {
	uint32_t first;
	uint32_t last;
};

/* Word characters (L* or N*) that Unicode 15.0 added and utf8proc 2.8 knows,
 * but that are unassigned (category Cn, not \w) in Python 3.11's Unicode
 * 14.0 database.  Found by comparing all code points with Python (the
 * "classes" check in tests/clean_parity.test); sorted. */
static const struct cp_range unicode15_words[] = {
	{0x1123F, 0x11240},  /* Khojki additions */
	{0x11F02, 0x11F02},  /* Kawi */
	{0x11F04, 0x11F10},
	{0x11F12, 0x11F33},
	{0x11F50, 0x11F59},
	{0x1342F, 0x1342F},  /* Egyptian hieroglyph additions */
	{0x13441, 0x13446},
	{0x1B132, 0x1B132},  /* Hiragana/Katakana small letters */
	{0x1B155, 0x1B155},
	{0x1D2C0, 0x1D2D3},  /* Kaktovik numerals */
	{0x1DF25, 0x1DF2A},  /* Latin Extended-G additions */
	{0x1E030, 0x1E06D},  /* Cyrillic Extended-D */
	{0x1E4D0, 0x1E4EB},  /* Nag Mundari */
	{0x1E4F0, 0x1E4F9},
	{0x2B739, 0x2B739},  /* CJK Extension B addition */
	{0x31350, 0x323AF},  /* CJK Extension H */
};

static int
in_unicode15_words(uint32_t cp)
{
	size_t lo = 0;
	size_t hi = sizeof(unicode15_words) / sizeof(unicode15_words[0]);

	if (cp < unicode15_words[0].first)
		return 0;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (cp < unicode15_words[mid].first)
			hi = mid;
		else if (cp > unicode15_words[mid].last)
			lo = mid + 1;
		else
			return 1;
	}
	return 0;
}

/* Py_UNICODE_ISSPACE outside ASCII (ASCII is handled by the caller's table
 * too, but the function stays correct for every code point). */
static int
is_space(uint32_t cp)
{
	if (cp < 0x80)
		return (cp >= 0x09 && cp <= 0x0D) || (cp >= 0x1C && cp <= 0x20);
	switch (cp) {
	case 0x0085: case 0x00A0: case 0x1680: case 0x2028: case 0x2029:
	case 0x202F: case 0x205F: case 0x3000:
		return 1;
	default:
		return cp >= 0x2000 && cp <= 0x200A;
	}
}

enum clean_uclass
clean_unicode_class(uint32_t cp)
{
	if (cp < 0x80) {
		if ((cp >= '0' && cp <= '9') || (cp >= 'A' && cp <= 'Z') ||
		    (cp >= 'a' && cp <= 'z') || cp == '_')
			return CLEAN_UCLASS_WORD;
		return is_space(cp) ? CLEAN_UCLASS_SPACE : CLEAN_UCLASS_OTHER;
	}
	if (is_space(cp))
		return CLEAN_UCLASS_SPACE;
	switch (utf8proc_category((utf8proc_int32_t)cp)) {
	case UTF8PROC_CATEGORY_LU:
	case UTF8PROC_CATEGORY_LL:
	case UTF8PROC_CATEGORY_LT:
	case UTF8PROC_CATEGORY_LM:
	case UTF8PROC_CATEGORY_LO:
	case UTF8PROC_CATEGORY_ND:
	case UTF8PROC_CATEGORY_NL:
	case UTF8PROC_CATEGORY_NO:
		return in_unicode15_words(cp) ? CLEAN_UCLASS_OTHER
					      : CLEAN_UCLASS_WORD;
	default:
		return CLEAN_UCLASS_OTHER;
	}
}

size_t
clean_unicode_lower(uint32_t cp, uint32_t out[2])
{
	if (cp < 0x80) {
		out[0] = (cp >= 'A' && cp <= 'Z') ? cp + ('a' - 'A') : cp;
		return 1;
	}
	/* SpecialCasing.txt: the only unconditional multi-character
	 * lowercase mapping.  Python applies it; utf8proc's simple mapping
	 * would give a bare 'i'.  U+0307 is Mn, so not \w: with lower=True
	 * "İ" behaves like the stopword "i" followed by punctuation. */
	if (cp == 0x0130) {
		out[0] = 'i';
		out[1] = 0x0307;
		return 2;
	}
	/* Every other lowercase mapping keeps the class of the character
	 * (checked for all code points against Python); the one that leaves
	 * non-ASCII for ASCII is KELVIN SIGN U+212A -> 'k', which
	 * utf8proc_tolower() gives. */
	out[0] = (uint32_t)utf8proc_tolower((utf8proc_int32_t)cp);
	return 1;
}

size_t
clean_unicode_decode(const unsigned char *s, size_t len, uint32_t *cp)
{
	size_t n = util_utf8_decode(s, len, cp);

	if (n > 0)
		return n;
	*cp = CLEAN_UNICODE_REPLACEMENT;
	return 1;
}
