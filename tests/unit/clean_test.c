/* SPDX-License-Identifier: MIT
 * tests/unit/clean_test.c - unit tests for core/clean.c and its helpers.
 *
 * Every expected cleaned string below was produced once by the reference,
 * tagifai_core.clean_text under /usr/bin/python3 3.11.2, and pasted here
 * (invalid UTF-8 inputs were given to it as bytes.decode("utf-8",
 * "replace")).  The stemmer expectations are libstemmer's "porter" output,
 * not NLTK's (the reference has no stemming).  tests/clean_parity.test
 * compares far more texts with the live reference.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/clean.h"
#include "core/clean_unicode.h"
#include "tests/unit/tap.h"

struct clean_case {
	const char *name;
	const char *text;
	size_t len;             /* 0: strlen(text) */
	const char *lower;      /* expected with lower=True */
	const char *plain;      /* expected with lower=False */
};

static const struct clean_case cases[] = {
	{"empty text", "", 0, "", ""},
	{"stopwords only", "the a an of", 0, "", ""},
	{"stopword at start keeps case when lower=False",
	 "The model works", 0, "model works", "The model works"},
	{"ascii apostrophe: don then t", "don't stop", 0, "stop", "stop"},
	{"curly apostrophe", "It\xe2\x80\x99s a \xe2\x80\x9cmodel\xe2\x80\x9d "
	 "don\xe2\x80\x99t", 0, "model", "It model"},
	{"longest alternative after failed \\b",
	 "yourself yourselves yours your you", 0, "", ""},
	{"stopword prefix of a word stays", "there therein thereby then", 0,
	 "therein thereby", "therein thereby"},
	{"U+200A is \\s", "the\xe2\x80\x8a" "cat", 0, "cat", "cat"},
	{"no-break space then stopword y", "x\xc2\xa0y", 0, "x", "x"},
	{"zero width space is not \\s", "the\xe2\x80\x8b" "cat", 0, "cat",
	 "cat"},
	{"url quirk leaves spaces", "Transformers: the   state-of-the-art in "
	 "NLP https://huggingface.co \xf0\x9f\xa4\x97", 0,
	 "transformers state art nlp  huggingface co",
	 "Transformers state art NLP  huggingface co"},
	{"http inside a word", "xhttpsz and httpfoo and HTTPS", 0, "x  ",
	 "x  HTTPS"},
	{"bare http stays", "http is a protocol http", 0,
	 "http protocol http", "http protocol http"},
	{"math italic and modifier letters are \\w",
	 "a\xf0\x9d\x98\xa2 the \xe1\xb5\x80the", 0, "a the", "a the"},
	{"CJK next to stopwords", "\xe5\x9f\xba" "the the\xe5\x9f\xba "
	 "\xe5\x9f\xba the \xe5\x9f\xba", 0, "the the", "the the"},
	{"dotted capital I lowers to i + U+0307", "\xc4\xb0 am here", 0, "",
	 ""},
	{"kelvin sign lowers to k", "\xe2\x84\xaa \xe2\x84\xaa" "ey 5"
	 "\xe2\x84\xaa", 0, "k key 5k", "ey 5"},
	{"underscore is \\w", "is_a the_model _the the_", 0,
	 "is a the model the the", "is a the model the the"},
	{"NUL bytes are punctuation", "the\0cat\0\0a\0", 10, "cat", "cat"},
	{"invalid UTF-8 reads as U+FFFD", "cat\x80the\x80" "dog", 0,
	 "cat dog", "cat dog"},
	{"overlong NUL is invalid", "\xc0\x80the\xc0\x80", 0, "", ""},
	{"unicode 15 letters are not \\w in Python 3.11",
	 "\xf0\x9e\x93\x90the the\xf0\x9e\x93\x90", 0, "", ""},
	{"digits", "GPT-3 has 175B params; 3.14 2021", 0,
	 "gpt 3 175b params 3 14 2021", "GPT 3 175B params 3 14 2021"},
	{"tabs and newlines", "the\t\n\r cat\n", 0, "cat", "cat"},
};

static void
cleaner_run_should_match_the_reference(void)
{
	struct cleaner *lo = NULL, *pl = NULL;
	struct clean_buf buf = {0};
	size_t i;

	if (!tap_ok(cleaner_new(true, false, clean_stopwords_english,
				clean_stopwords_english_count, &lo, NULL) ==
		    CORE_OK &&
		    cleaner_new(false, false, clean_stopwords_english,
				clean_stopwords_english_count, &pl, NULL) ==
		    CORE_OK, "cleaner_new_should_accept_the_english_list"))
		goto out;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct clean_case *k = &cases[i];
		size_t len = k->len ? k->len : strlen(k->text);

		if (cleaner_run(lo, k->text, len, &buf) != CORE_OK)
			tap_ok(0, "cleaner_run lower=True: %s", k->name);
		else
			tap_str_eq(buf.out, k->lower, "lower=True: %s", k->name);
		if (cleaner_run(pl, k->text, len, &buf) != CORE_OK)
			tap_ok(0, "cleaner_run lower=False: %s", k->name);
		else
			tap_str_eq(buf.out, k->plain, "lower=False: %s",
				   k->name);
		tap_ok(buf.len == strlen(buf.out), "len agrees: %s", k->name);
	}
out:
	clean_buf_release(&buf);
	cleaner_free(lo);
	cleaner_free(pl);
}

static void
cleaner_run_should_reuse_warm_buffers(void)
{
	struct cleaner *c = NULL;
	struct clean_buf buf = {0};
	const char *big = "a fairly long text about the state of the art in "
			  "natural language processing and computer vision";
	char *out, *cp;

	if (!tap_ok(cleaner_new(true, false, clean_stopwords_english,
				clean_stopwords_english_count, &c, NULL) ==
		    CORE_OK, "cleaner_new for buffer reuse"))
		return;
	if (cleaner_run(c, big, strlen(big), &buf) == CORE_OK) {
		out = buf.out;
		cp = (char *)buf.cp;
		tap_ok(cleaner_run(c, "the cat", 7, &buf) == CORE_OK &&
		       buf.out == out && (char *)buf.cp == cp &&
		       strcmp(buf.out, "cat") == 0,
		       "cleaner_run_should_keep_its_buffers_for_smaller_text");
	} else {
		tap_ok(0, "cleaner_run_should_keep_its_buffers_for_smaller_text");
	}
	clean_buf_release(&buf);
	tap_ok(buf.out == NULL && buf.cp == NULL && buf.aux == NULL &&
	       buf.cap == 0, "clean_buf_release_should_zero_the_buffer");
	clean_buf_release(&buf);        /* twice is harmless */
	clean_buf_release(NULL);
	cleaner_free(c);
	cleaner_free(NULL);
}

static void
cleaner_should_follow_custom_lists(void)
{
	static const char *const ab[] = {"ab", "abc"};
	static const char *const uber[] = {"\xc3\xbc" "ber"};
	const char *text = "\xc3\x9c" "ber alles \xc3\xbc" "ber";
	struct cleaner *c = NULL;
	struct clean_buf buf = {0};

	/* Reference: clean_text('abc ab abcd', stopwords=['ab','abc']) and
	 * clean_text('Über alles über', stopwords=['über']). */
	if (cleaner_new(true, false, ab, 2, &c, NULL) == CORE_OK &&
	    cleaner_run(c, "abc ab abcd", 11, &buf) == CORE_OK)
		tap_str_eq(buf.out, "abcd",
			   "cleaner_run_should_try_alternatives_in_order");
	else
		tap_ok(0, "cleaner_run_should_try_alternatives_in_order");
	cleaner_free(c);
	c = NULL;
	if (cleaner_new(true, false, uber, 1, &c, NULL) == CORE_OK &&
	    cleaner_run(c, text, strlen(text), &buf) == CORE_OK)
		tap_str_eq(buf.out, "alles",
			   "cleaner_run_should_match_non_ascii_stopwords");
	else
		tap_ok(0, "cleaner_run_should_match_non_ascii_stopwords");
	cleaner_free(c);
	c = NULL;
	if (cleaner_new(true, false, NULL, 0, &c, NULL) == CORE_OK &&
	    cleaner_run(c, "The cat", 7, &buf) == CORE_OK)
		tap_str_eq(buf.out, "the cat",
			   "cleaner_run_should_keep_words_without_stopwords");
	else
		tap_ok(0, "cleaner_run_should_keep_words_without_stopwords");
	cleaner_free(c);
	clean_buf_release(&buf);
}

/* Custom lists with words that are not all \w; expectations from
 * clean_text(text, stopwords=list) in the reference. */
static const struct {
	const char *words[2];
	size_t n;
	const char *text;
	const char *want;
} custom[] = {
	{{"don't", "don"}, 2, "don't don x don'tx", "x tx"},
	{{"'s", NULL}, 1, "it's cat's 's x", "itcat s x"},
	{{"ab", "ab"}, 2, "ab ab abab", "abab"},
	{{"x-", NULL}, 1, "x- x-y -x", "x y x"},
};

static void
cleaner_should_match_impure_words_in_order(void)
{
	struct clean_buf buf = {0};
	size_t i;

	for (i = 0; i < sizeof(custom) / sizeof(custom[0]); i++) {
		struct cleaner *c = NULL;

		if (cleaner_new(true, false, custom[i].words, custom[i].n, &c,
				NULL) == CORE_OK &&
		    cleaner_run(c, custom[i].text, strlen(custom[i].text),
				&buf) == CORE_OK)
			tap_str_eq(buf.out, custom[i].want,
				   "cleaner_run_should_follow_list_order: %s",
				   custom[i].text);
		else
			tap_ok(0, "cleaner_run_should_follow_list_order: %s",
			       custom[i].text);
		cleaner_free(c);
	}
	clean_buf_release(&buf);
}

static void
cleaner_new_should_reject_bad_stopwords(void)
{
	static const char *const bad[][1] = {
		{""}, {"a|b"}, {"a.b"}, {"(x)"}, {"\xff"}, {NULL},
	};
	struct core_error err;
	struct cleaner *c = NULL;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err.msg[0] = '\0';
		tap_ok(cleaner_new(true, false, bad[i], 1, &c, &err) ==
		       CORE_ERR_INPUT && c == NULL && err.msg[0] != '\0',
		       "cleaner_new_should_reject_stopword %zu (%s)", i,
		       err.msg);
	}
}

static void
cleaner_should_stem_with_snowball_porter(void)
{
	struct cleaner *c = NULL;
	struct clean_buf buf = {0};
	const char *in = "Running caresses ponies is as relational https://x "
			 "hopping";

	if (cleaner_new(true, true, clean_stopwords_english,
			clean_stopwords_english_count, &c, NULL) == CORE_OK &&
	    cleaner_run(c, in, strlen(in), &buf) == CORE_OK) {
		/* "is" and "as" are stopwords; " x" is what http\S+ left. */
		tap_str_eq(buf.out, "run caress poni relat  x hop",
			   "cleaner_run_should_stem_each_word");
		tap_ok(buf.aux != NULL, "cleaner_run_should_keep_a_stemmer");
	} else {
		tap_ok(0, "cleaner_run_should_stem_each_word");
	}
	cleaner_free(c);
	c = NULL;
	if (cleaner_new(false, true, NULL, 0, &c, NULL) == CORE_OK &&
	    cleaner_run(c, "is as ox generalization", 23, &buf) == CORE_OK)
		tap_str_eq(buf.out, "is as ox gener",
			   "cleaner_run_should_not_stem_two_letter_words");
	else
		tap_ok(0, "cleaner_run_should_not_stem_two_letter_words");
	cleaner_free(c);
	clean_buf_release(&buf);
}

static void
clean_unicode_should_follow_python(void)
{
	static const struct {
		const char *s;
		size_t len;
		uint32_t cp;
		size_t used;
	} dec[] = {
		{"A", 1, 'A', 1},
		{"\xc3\xa9", 2, 0xE9, 2},
		{"\xe2\x80\x8a", 3, 0x200A, 3},
		{"\xf0\x9d\x98\xa2", 4, 0x1D622, 4},
		{"\xc0\x80", 2, CLEAN_UNICODE_REPLACEMENT, 1},
		{"\xe0\x80\xaf", 3, CLEAN_UNICODE_REPLACEMENT, 1},
		{"\xed\xa0\x80", 3, CLEAN_UNICODE_REPLACEMENT, 1},
		{"\xf4\x90\x80\x80", 4, CLEAN_UNICODE_REPLACEMENT, 1},
		{"\xe2\x82", 2, CLEAN_UNICODE_REPLACEMENT, 1},
		{"\x80", 1, CLEAN_UNICODE_REPLACEMENT, 1},
	};
	uint32_t lc[2];
	size_t i, used;
	uint32_t cp;

	for (i = 0; i < sizeof(dec) / sizeof(dec[0]); i++) {
		used = clean_unicode_decode((const unsigned char *)dec[i].s,
					    dec[i].len, &cp);
		tap_ok(used == dec[i].used && cp == dec[i].cp,
		       "clean_unicode_decode_should_read case %zu as U+%04X",
		       i, (unsigned)dec[i].cp);
	}
	tap_ok(clean_unicode_class('_') == CLEAN_UCLASS_WORD &&
	       clean_unicode_class(0x1D40) == CLEAN_UCLASS_WORD &&
	       clean_unicode_class(0x00B2) == CLEAN_UCLASS_WORD &&
	       clean_unicode_class(0x0301) == CLEAN_UCLASS_OTHER &&
	       clean_unicode_class(0xFE0F) == CLEAN_UCLASS_OTHER &&
	       clean_unicode_class(0x1E4D0) == CLEAN_UCLASS_OTHER &&
	       clean_unicode_class(0x001F) == CLEAN_UCLASS_SPACE &&
	       clean_unicode_class(0x200A) == CLEAN_UCLASS_SPACE &&
	       clean_unicode_class(0x200B) == CLEAN_UCLASS_OTHER,
	       "clean_unicode_class_should_match_python_re");
	tap_ok(clean_unicode_lower(0x0130, lc) == 2 && lc[0] == 'i' &&
	       lc[1] == 0x0307, "clean_unicode_lower_should_expand_U+0130");
	tap_ok(clean_unicode_lower(0x212A, lc) == 1 && lc[0] == 'k',
	       "clean_unicode_lower_should_map_kelvin_to_k");
}

int
main(void)
{
	tap_ok(clean_stopwords_english_count == 179 &&
	       strcmp(clean_stopwords_english[0], "i") == 0 &&
	       strcmp(clean_stopwords_english[178], "wouldn't") == 0,
	       "clean_stopwords_english_should_be_nltk_179");
	cleaner_run_should_match_the_reference();
	cleaner_run_should_reuse_warm_buffers();
	cleaner_should_follow_custom_lists();
	cleaner_should_match_impure_words_in_order();
	cleaner_new_should_reject_bad_stopwords();
	cleaner_should_stem_with_snowball_porter();
	clean_unicode_should_follow_python();
	return tap_done();
}
