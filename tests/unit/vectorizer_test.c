/* SPDX-License-Identifier: MIT
 * tests/unit/vectorizer_test.c - core/vectorizer.c and the vocabulary
 * table of core/vocab.h against scikit-learn 1.2.1.
 *
 * The vocabulary, idf and expected rows come from
 *   v = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 3))
 *   v.fit(["ab cd", "abc", "cd ef gh", "zz top"]); v.transform([text])
 * printed with repr(): X.indices (sklearn's stored order, descending) and
 * X.data.  Values must match bit for bit.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "core/ngram.h"
#include "core/vectorizer.h"
#include "core/vocab.h"
#include "tests/unit/tap.h"

#define N_TERMS 36
#define IDF_A 1.5108256237659907
#define IDF_B 1.916290731874155

static const char *const terms[N_TERMS] = {
	" a", " ab", " c", " cd", " e", " ef", " g", " gh", " t", " to",
	" z", " zz", "ab", "ab ", "abc", "b ", "bc", "bc ", "c ", "cd",
	"cd ", "d ", "ef", "ef ", "f ", "gh", "gh ", "h ", "op", "op ",
	"p ", "to", "top", "z ", "zz", "zz ",
};

static const double idf[N_TERMS] = {
	IDF_A, IDF_A, IDF_A, IDF_A, IDF_B, IDF_B, IDF_B, IDF_B, IDF_B, IDF_B,
	IDF_B, IDF_B, IDF_A, IDF_B, IDF_B, IDF_B, IDF_B, IDF_B, IDF_B, IDF_A,
	IDF_A, IDF_A, IDF_B, IDF_B, IDF_B, IDF_B, IDF_B, IDF_B, IDF_B, IDF_B,
	IDF_B, IDF_B, IDF_B, IDF_B, IDF_B, IDF_B,
};

struct row_case {
	const char *name;
	size_t nnz;
	uint32_t feats[16];
	double vals[16];
};

static const struct row_case row_ab = {
	"ab ab zz cd", 15,
	{ 35, 34, 33, 21, 20, 19, 15, 13, 12, 11, 10, 3, 2, 1, 0 },
	{ 0.20599048219279187, 0.20599048219279187, 0.20599048219279187,
	  0.16240526219338824, 0.16240526219338824, 0.16240526219338824,
	  0.41198096438558374, 0.41198096438558374, 0.3248105243867765,
	  0.20599048219279187, 0.20599048219279187, 0.16240526219338824,
	  0.16240526219338824, 0.3248105243867765, 0.3248105243867765 },
};

/* "ab" * 700 + " cd": one word over the vectorizer's chunk size. */
static const struct row_case row_long = {
	"long word", 10,
	{ 21, 20, 19, 15, 13, 12, 3, 2, 1, 0 },
	{ 0.0014285565344295023, 0.0014285565344295023,
	  0.0014285565344295023, 0.0018119428237269087,
	  0.0018119428237269087, 0.9999895741006516, 0.0014285565344295023,
	  0.0014285565344295023, 0.0014285565344295023,
	  0.0014285565344295023 },
};

static struct vocab_slot *
build_table(unsigned *bits)
{
	struct vocab_slot *slots;
	size_t mask;

	*bits = vocab_bits_for(N_TERMS);
	mask = ((size_t)1 << *bits) - 1;
	slots = calloc(mask + 1, sizeof(*slots));
	for (uint32_t j = 0; slots != NULL && j < N_TERMS; j++) {
		uint64_t key = ngram_pack(terms[j], strlen(terms[j]));
		size_t i = vocab_home(key, *bits);

		while (slots[i].key != 0)
			i = (i + 1) & mask;
		slots[i].key = key;
		slots[i].index = j;
	}
	return slots;
}

static void
check_row(const struct vectorizer *v, struct vectorizer_buf *b,
	  const char *text, const struct row_case *want)
{
	size_t nnz = 99;
	int same;

	if (vectorizer_transform(v, b, text, strlen(text), &nnz) != CORE_OK) {
		tap_ok(0, "vectorizer_transform_should_succeed (%s)", want->name);
		return;
	}
	tap_ok(nnz == want->nnz, "vectorizer_transform_should_count_%zu_"
	       "features (%s: got %zu)", want->nnz, want->name, nnz);
	same = nnz == want->nnz;
	for (size_t k = 0; same && k < nnz; k++)
		same = b->feats[k] == want->feats[k] &&
			b->vals[k] == want->vals[k];
	tap_ok(same, "vectorizer_transform_should_match_sklearn_bit_for_bit "
	       "(%s)", want->name);
}

/* n distinct words "zz" + base-26 letters, then tail: every word misses
 * the cache, and some of their n-grams (" z", " zz", "zz") are features. */
static char *
many_words(size_t n, const char *tail)
{
	size_t cap = n * 8 + strlen(tail) + 1, o = 0;
	char *t = malloc(cap);

	for (size_t i = 0; t != NULL && i < n; i++) {
		size_t v = i;

		t[o++] = 'z';
		t[o++] = 'z';
		do {
			t[o++] = (char)('a' + v % 26);
			v /= 26;
		} while (v > 0);
		t[o++] = ' ';
	}
	if (t != NULL)
		strcpy(t + o, tail);
	return t;
}

static bool
same_row(const struct vectorizer_buf *a, size_t na,
	 const uint32_t *feats, const double *vals, size_t nb)
{
	if (na != nb)
		return false;
	for (size_t k = 0; k < na; k++)
		if (a->feats[k] != feats[k] || a->vals[k] != vals[k])
			return false;
	return true;
}

/* The word cache: hits give the same row as misses, and a cache that
 * fills up is emptied (mid-text too) without changing any row. */
static void
check_cache(const struct vectorizer *v)
{
	struct vectorizer_buf b = { 0 };
	char *big = many_words(VECTORIZER_CACHE_WORDS + 500, "ab ab zz cd");
	uint32_t feats[64];
	double vals[64];
	size_t nnz = 0, n1 = 0, hits;
	bool ok;

	if (big == NULL || vectorizer_buf_init(&b, N_TERMS) != CORE_OK) {
		tap_ok(0, "check_cache setup");
		goto out;
	}
	check_row(v, &b, "ab ab zz cd", &row_ab);
	hits = b.cache.hits;
	check_row(v, &b, "ab ab zz cd", &row_ab);
	tap_ok(b.cache.hits == hits + 4 && b.cache.misses == 3,
	       "vectorizer_transform_should_take_seen_words_from_the_cache "
	       "(hits %zu, misses %zu)", b.cache.hits, b.cache.misses);

	ok = vectorizer_transform(v, &b, big, strlen(big), &n1) == CORE_OK &&
	     n1 <= 64;
	if (ok) {
		memcpy(feats, b.feats, n1 * sizeof(*feats));
		memcpy(vals, b.vals, n1 * sizeof(*vals));
	}
	tap_ok(ok && b.cache.resets == 1 &&
	       b.cache.nwords <= VECTORIZER_CACHE_WORDS,
	       "vectorizer_transform_should_empty_a_full_cache "
	       "(resets %zu, words %zu)", b.cache.resets, b.cache.nwords);
	/* Again with another cache state: a reset at another word. */
	ok = ok && vectorizer_transform(v, &b, big, strlen(big), &nnz) ==
		CORE_OK;
	tap_ok(ok && b.cache.resets == 2 && same_row(&b, nnz, feats, vals, n1),
	       "vectorizer_transform_should_give_the_same_row_across_resets");
	check_row(v, &b, "ab ab zz cd", &row_ab);
out:
	vectorizer_buf_release(&b);
	free(big);
}

/* A buffer used with another vocabulary forgets the first one's words. */
static void
check_owner(const struct vectorizer *v, struct vectorizer_buf *b)
{
	struct vectorizer other = *v;
	struct vocab_slot *copy;
	size_t hits = b->cache.hits, slots = (size_t)1 << v->bits;

	copy = malloc(slots * sizeof(*copy));
	if (copy == NULL) {
		tap_ok(0, "check_owner setup");
		return;
	}
	memcpy(copy, v->slots, slots * sizeof(*copy));
	other.slots = copy;
	check_row(&other, b, "ab ab zz cd", &row_ab);
	tap_ok(b->cache.hits == hits + 1 && b->cache.owner == copy,
	       "vectorizer_transform_should_empty_the_cache_for_another_"
	       "vocabulary (hits %zu)", b->cache.hits - hits);
	free(copy);
}

int
main(void)
{
	struct vectorizer_buf b = { 0 };
	struct vectorizer v;
	unsigned bits;
	struct vocab_slot *slots = build_table(&bits);
	char *long_text = malloc(2 * 700 + 4);
	size_t nnz = 99;

	if (slots == NULL || long_text == NULL ||
	    vectorizer_buf_init(&b, N_TERMS) != CORE_OK) {
		tap_ok(0, "setup");
		return tap_done();
	}
	v = (struct vectorizer){ slots, bits, idf, N_TERMS, 2, 3 };

	tap_ok(vocab_find(slots, bits, ngram_pack("zz ", 3)) == 35,
	       "vocab_find_should_find_a_term");
	tap_ok(vocab_find(slots, bits, ngram_pack("qq", 2)) == VOCAB_NONE,
	       "vocab_find_should_report_an_absent_term");
	tap_ok(vocab_bits_for(39362) == 17 && vocab_bits_for(1) == 3,
	       "vocab_bits_for_should_keep_the_load_at_most_half");

	check_row(&v, &b, "ab ab zz cd", &row_ab);
	tap_ok(vectorizer_transform(&v, &b, "qq", 2, &nnz) == CORE_OK &&
	       nnz == 0, "vectorizer_transform_should_give_an_empty_row_"
	       "for_unknown_ngrams");
	tap_ok(vectorizer_transform(&v, &b, "", 0, &nnz) == CORE_OK && nnz == 0,
	       "vectorizer_transform_should_give_an_empty_row_for_no_text");
	for (size_t i = 0; i < 700; i++)
		memcpy(long_text + 2 * i, "ab", 2);
	memcpy(long_text + 1400, " cd", 4);
	check_row(&v, &b, long_text, &row_long);
	/* The same text again: buffers must have been left clean. */
	check_row(&v, &b, "ab ab zz cd", &row_ab);
	tap_ok(vectorizer_transform(&v, &b, "AB   ab\tZZ\ncd", 13, &nnz) ==
	       CORE_OK && nnz == 15 && b.feats[0] == 35 &&
	       b.vals[6] == row_ab.vals[6],
	       "vectorizer_transform_should_lowercase_and_split_like_sklearn");

	check_cache(&v);
	check_owner(&v, &b);

	vectorizer_buf_release(&b);
	vectorizer_buf_release(NULL);
	free(slots);
	free(long_text);
	return tap_done();
}
