/* SPDX-License-Identifier: MIT
 * tests/unit/ngram_test.c - core/ngram.c against scikit-learn 1.2.1.
 *
 * The expected lists were produced by
 * TfidfVectorizer(analyzer="char_wb", ngram_range=(lo, hi)).build_analyzer()
 * and are written n-gram by n-gram, joined with '|'.
 */
#include <stdlib.h>
#include <string.h>

#include "core/ngram.h"
#include "tests/unit/tap.h"

struct ngram_case {
	const char *text;
	unsigned lo, hi;
	const char *want; /* sklearn's n-grams joined by '|' */
};

static const struct ngram_case cases[] = {
	{ "a", 2, 8, " a|a | a " },
	{ "ab cd", 2, 8, " a|ab|b | ab|ab | ab | c|cd|d | cd|cd | cd " },
	{ "Hello  World\tx", 2, 4,
	  " h|he|el|ll|lo|o | he|hel|ell|llo|lo | hel|hell|ello|llo | w|wo|"
	  "or|rl|ld|d | wo|wor|orl|rld|ld | wor|worl|orld|rld | x|x | x " },
	{ "abcdefghij", 2, 8,
	  " a|ab|bc|cd|de|ef|fg|gh|hi|ij|j | ab|abc|bcd|cde|def|efg|fgh|ghi|"
	  "hij|ij | abc|abcd|bcde|cdef|defg|efgh|fghi|ghij|hij | abcd|abcde|"
	  "bcdef|cdefg|defgh|efghi|fghij|ghij | abcde|abcdef|bcdefg|cdefgh|"
	  "defghi|efghij|fghij | abcdef|abcdefg|bcdefgh|cdefghi|defghij|"
	  "efghij | abcdefg|abcdefgh|bcdefghi|cdefghij|defghij " },
	{ "ab", 1, 3, " |a|b| | a|ab|b | ab|ab " },
	{ "xyz q", 3, 3, " xy|xyz|yz | q " },
	{ "", 2, 8, "" },
	{ "   \n\t", 2, 8, "" },
	{ "a\x1f" "b\vc", 2, 2, " a|a | b|b | c|c " },
};

/* Joins the unpacked keys with '|' into out. */
static void
join(const uint64_t *keys, size_t n, char *out)
{
	char g[CORE_MAX_NGRAM + 1];

	out[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		ngram_unpack(keys[i], g);
		if (i)
			strcat(out, "|");
		strcat(out, g);
	}
}

static void
ngram_extract_should_match_sklearn(void)
{
	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		const struct ngram_case *t = &cases[c];
		size_t len = strlen(t->text);
		size_t cap = ngram_max_count(len, t->lo, t->hi);
		uint64_t *keys = calloc(cap + 1, sizeof(*keys));
		char *got = calloc(cap * (CORE_MAX_NGRAM + 1) + 1, 1);
		size_t n = ngram_extract(t->text, len, t->lo, t->hi, keys);

		tap_ok(n <= cap, "ngram_extract_should_stay_within_max_count "
		       "(case %zu: %zu <= %zu)", c, n, cap);
		join(keys, n, got);
		tap_str_eq(got, t->want,
			   "ngram_extract_should_match_sklearn (case %zu)", c);
		free(keys);
		free(got);
	}
}

static void
ngram_pack_should_round_trip(void)
{
	static const char *const grams[] = { "a", " ab", "abcdefgh", " x ",
					     "\x7f\x80\xff" };
	char out[CORE_MAX_NGRAM + 1];

	for (size_t i = 0; i < sizeof(grams) / sizeof(grams[0]); i++) {
		uint64_t k = ngram_pack(grams[i], strlen(grams[i]));
		size_t n = ngram_unpack(k, out);

		tap_ok(n == strlen(grams[i]) && strcmp(out, grams[i]) == 0,
		       "ngram_pack_should_round_trip '%s'", grams[i]);
	}
	tap_ok(ngram_pack("ab", 2) == (0x61u | (0x62u << 8)),
	       "ngram_pack_should_put_the_first_byte_lowest");
}

/* Long words (over ngram.c's on-stack buffer) against a naive model of
 * the same rules. */
static void
ngram_extract_should_handle_long_words(void)
{
	size_t m = 700, len = m + 4;
	char *text = malloc(len + 1);
	size_t cap = ngram_max_count(len, 2, 8);
	uint64_t *keys = malloc(cap * sizeof(*keys));
	size_t n, want = 0, i = 0;
	int same = 1;

	for (size_t j = 0; j < m; j++)
		text[j] = (char)('A' + j % 26);
	memcpy(text + m, " xy ", 5);
	n = ngram_extract(text, len, 2, 8, keys);
	/* padded word: " " + lowercase(text[0..m)) + " " */
	for (unsigned g = 2; g <= 8; g++) {
		for (size_t o = 0; o + g <= m + 2; o++, want++) {
			char buf[9];

			for (unsigned b = 0; b < g; b++) {
				size_t p = o + b;

				buf[b] = (p == 0 || p == m + 1) ? ' ' :
					(char)('a' + (p - 1) % 26);
			}
			if (i >= n || keys[i++] != ngram_pack(buf, g))
				same = 0;
		}
	}
	tap_ok(same, "ngram_extract_should_handle_long_words (first word)");
	/* " xy " then gives " x", "xy", "y ", " xy", "xy ", " xy " */
	tap_ok(n == want + 6 && keys[n - 1] == ngram_pack(" xy ", 4),
	       "ngram_extract_should_continue_after_a_long_word (%zu keys)", n);
	free(text);
	free(keys);
}

static void
ngram_extract_should_refuse_bad_ranges(void)
{
	uint64_t keys[64];

	tap_ok(ngram_extract("abc", 3, 0, 2, keys) == 0,
	       "ngram_extract_should_refuse_nmin_0");
	tap_ok(ngram_extract("abc", 3, 3, 2, keys) == 0,
	       "ngram_extract_should_refuse_nmin_over_nmax");
	tap_ok(ngram_extract("abc", 3, 2, CORE_MAX_NGRAM + 1, keys) == 0,
	       "ngram_extract_should_refuse_nmax_over_the_key_width");
}

int
main(void)
{
	ngram_extract_should_match_sklearn();
	ngram_pack_should_round_trip();
	ngram_extract_should_handle_long_words();
	ngram_extract_should_refuse_bad_ranges();
	return tap_done();
}
