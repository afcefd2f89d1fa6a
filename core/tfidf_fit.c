/* SPDX-License-Identifier: MIT
 * core/tfidf_fit.c - vocabulary, document frequencies and tf-idf rows.
 *
 * n-grams come from core/ngram.c as 64-bit keys holding the bytes with the
 * first one lowest.  Byte-swapping a key puts the first byte highest, and
 * because n-grams hold no NUL byte, comparing swapped keys as integers is
 * comparing the strings in byte order with a prefix first: exactly
 * Python's sorted() on these ASCII terms.
 *
 * Document frequencies are counted in an open-addressing hash table
 * (linear probing, key 0 = empty: every n-gram has at least one byte).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/ngram.h"
#include "core/tfidf_fit.h"
#include "util/buf.h"

/* First capacity of the matrix's index and value arrays. */
#define TFIDF_ROWS_MIN_CAP 4096

struct table {
	uint64_t *key;
	uint32_t *val;
	size_t mask, used;
};

static size_t
slot_of(uint64_t key, size_t mask)
{
	key ^= key >> 33;
	key *= 0xff51afd7ed558ccdULL;
	key ^= key >> 33;
	return (size_t)key & mask;
}

static int
table_init(struct table *t, size_t slots)
{
	t->key = calloc(slots, sizeof(*t->key));
	t->val = calloc(slots, sizeof(*t->val));
	t->mask = slots - 1;
	t->used = 0;
	return t->key != NULL && t->val != NULL;
}

static void
table_release(struct table *t)
{
	free(t->key);
	free(t->val);
	t->key = NULL;
	t->val = NULL;
}

/* Pointer to key's value, inserting it with 0 if new; NULL on OOM. */
static uint32_t *
table_upsert(struct table *t, uint64_t key)
{
	size_t i;

	if ((t->used + 1) * 2 > t->mask + 1) {
		struct table bigger;

		if (!table_init(&bigger, (t->mask + 1) * 2)) {
			table_release(&bigger);
			return NULL;
		}
		for (size_t s = 0; s <= t->mask; s++) {
			if (t->key[s] == 0)
				continue;
			i = slot_of(t->key[s], bigger.mask);
			while (bigger.key[i] != 0)
				i = (i + 1) & bigger.mask;
			bigger.key[i] = t->key[s];
			bigger.val[i] = t->val[s];
		}
		bigger.used = t->used;
		table_release(t);
		*t = bigger;
	}
	i = slot_of(key, t->mask);
	while (t->key[i] != 0 && t->key[i] != key)
		i = (i + 1) & t->mask;
	if (t->key[i] == 0) {
		t->key[i] = key;
		t->val[i] = 0;
		t->used++;
	}
	return &t->val[i];
}

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

static int
cmp_term(const void *a, const void *b)
{
	uint64_t x = __builtin_bswap64(*(const uint64_t *)a);
	uint64_t y = __builtin_bswap64(*(const uint64_t *)b);

	return (x > y) - (x < y);
}

void
tfidf_free(struct tfidf *t)
{
	if (t == NULL)
		return;
	free(t->keys);
	free(t->idf);
	free(t->terms);
	free(t->term_buf);
	free(t->slot_key);
	free(t->slot_val);
	free(t);
}

long
tfidf_lookup(const struct tfidf *t, uint64_t key)
{
	size_t i = slot_of(key, t->mask);

	while (t->slot_key[i] != 0) {
		if (t->slot_key[i] == key)
			return (long)t->slot_val[i];
		i = (i + 1) & t->mask;
	}
	return -1;
}

/* The sorted distinct n-grams of one text into keys; returns how many. */
static size_t
distinct_ngrams(const char *text, unsigned nmin, unsigned nmax,
		uint64_t *keys)
{
	size_t m = ngram_extract(text, strlen(text), nmin, nmax, keys);
	size_t u = 0;

	qsort(keys, m, sizeof(*keys), cmp_u64);
	for (size_t i = 0; i < m; i++)
		if (u == 0 || keys[u - 1] != keys[i])
			keys[u++] = keys[i];
	return u;
}

static size_t
longest(const char *const *texts, size_t n)
{
	size_t most = 0;

	for (size_t i = 0; i < n; i++) {
		size_t l = strlen(texts[i]);

		if (l > most)
			most = l;
	}
	return most;
}

enum core_status
tfidf_fit(const char *const *texts, size_t n, unsigned nmin, unsigned nmax,
	  struct tfidf **out, struct core_error *err)
{
	enum core_status st = CORE_OK;
	struct table df = { 0 };
	struct tfidf *t = NULL;
	uint64_t *keys = NULL;
	size_t nf = 0;

	if (nmin < 1 || nmin > nmax || nmax > CORE_MAX_NGRAM)
		return core_fail(err, CORE_ERR_INPUT,
				 "n-gram range (%u, %u) outside 1..%d", nmin,
				 nmax, CORE_MAX_NGRAM);
	keys = malloc((ngram_max_count(longest(texts, n), nmin, nmax) + 1) *
		      sizeof(*keys));
	if (keys == NULL || !table_init(&df, 1 << 16))
		goto nomem;
	for (size_t i = 0; i < n; i++) {
		size_t u = distinct_ngrams(texts[i], nmin, nmax, keys);

		for (size_t j = 0; j < u; j++) {
			uint32_t *c = table_upsert(&df, keys[j]);

			if (c == NULL)
				goto nomem;
			(*c)++;
		}
		if (df.used > TFIDF_MAX_FEATURES) {
			st = core_fail(err, CORE_ERR_LIMIT,
				       "more than %zu distinct n-grams",
				       TFIDF_MAX_FEATURES);
			goto out;
		}
	}
	if (df.used == 0) {
		st = core_fail(err, CORE_ERR_INPUT,
			       "the training texts have no n-grams");
		goto out;
	}
	t = calloc(1, sizeof(*t));
	if (t == NULL)
		goto nomem;
	t->ngram_min = nmin;
	t->ngram_max = nmax;
	t->keys = malloc(df.used * sizeof(*t->keys));
	t->idf = malloc(df.used * sizeof(*t->idf));
	t->terms = malloc(df.used * sizeof(*t->terms));
	t->term_buf = malloc(df.used * (CORE_MAX_NGRAM + 1));
	if (!t->keys || !t->idf || !t->terms || !t->term_buf)
		goto nomem;
	for (size_t s = 0; s <= df.mask; s++)
		if (df.key[s] != 0)
			t->keys[nf++] = df.key[s];
	t->n_features = nf;
	qsort(t->keys, nf, sizeof(*t->keys), cmp_term);
	/* The table becomes the key -> feature index; n_samples and df are
	 * both incremented by one (smooth_idf), as in sklearn's
	 * TfidfTransformer.fit: idf = log(n_samples / df) + 1. */
	for (size_t j = 0; j < nf; j++) {
		uint32_t *v = table_upsert(&df, t->keys[j]);
		double d = (double)*v + 1.0;

		t->idf[j] = log(((double)n + 1.0) / d) + 1.0;
		*v = (uint32_t)j;
		t->terms[j] = t->term_buf + j * (CORE_MAX_NGRAM + 1);
		ngram_unpack(t->keys[j], t->term_buf + j * (CORE_MAX_NGRAM + 1));
	}
	t->slot_key = df.key;
	t->slot_val = df.val;
	t->mask = df.mask;
	df.key = NULL;
	df.val = NULL;
	goto out;
nomem:
	st = core_fail(err, CORE_ERR_NOMEM, "out of memory");
out:
	table_release(&df);
	free(keys);
	if (st == CORE_OK) {
		*out = t;
	} else {
		tfidf_free(t);
	}
	return st;
}

void
tfidf_rows_free(struct tfidf_rows *r)
{
	if (r == NULL)
		return;
	free(r->ptr);
	free(r->idx);
	free(r->val);
	free(r);
}

static int
cmp_desc_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return (x < y) - (x > y);
}

enum core_status
tfidf_transform(const struct tfidf *t, const char *const *texts, size_t n,
		struct tfidf_rows **out, struct core_error *err)
{
	enum core_status st = CORE_OK;
	struct tfidf_rows *r = NULL;
	uint64_t *keys = NULL;
	uint32_t *feat = NULL;
	size_t cap_keys, total = 0, cap = 0;

	cap_keys = ngram_max_count(longest(texts, n), t->ngram_min,
				   t->ngram_max) + 1;
	keys = malloc(cap_keys * sizeof(*keys));
	feat = malloc(cap_keys * sizeof(*feat));
	r = calloc(1, sizeof(*r));
	if (keys == NULL || feat == NULL || r == NULL)
		goto nomem;
	r->ptr = malloc((n + 1) * sizeof(*r->ptr));
	if (r->ptr == NULL)
		goto nomem;
	r->n_rows = n;
	r->ptr[0] = 0;
	for (size_t i = 0; i < n; i++) {
		size_t m = ngram_extract(texts[i], strlen(texts[i]),
					 t->ngram_min, t->ngram_max, keys);
		size_t f = 0, start = total;
		double norm = 0.0;

		for (size_t j = 0; j < m; j++) {
			long ix = tfidf_lookup(t, keys[j]);

			if (ix >= 0)
				feat[f++] = (uint32_t)ix;
		}
		qsort(feat, f, sizeof(*feat), cmp_desc_u32);
		if (total + f > cap) {
			/* idx and val grow together: same start, same cap. */
			size_t icap = cap, vcap = cap;
			void *ni = r->idx, *nv = r->val;

			if (util_array_reserve(&ni, &icap, total + f,
					       sizeof(*r->idx), TFIDF_ROWS_MIN_CAP)
			    != UTIL_OK)
				goto nomem;
			r->idx = ni;
			if (util_array_reserve(&nv, &vcap, total + f,
					       sizeof(*r->val), TFIDF_ROWS_MIN_CAP)
			    != UTIL_OK)
				goto nomem;
			r->val = nv;
			cap = icap;
		}
		for (size_t j = 0; j < f; j++) {
			if (total > start && r->idx[total - 1] == feat[j]) {
				r->val[total - 1] += 1.0;
				continue;
			}
			r->idx[total] = feat[j];
			r->val[total] = 1.0;
			total++;
		}
		for (size_t j = start; j < total; j++) {
			r->val[j] *= t->idf[r->idx[j]];
			norm += r->val[j] * r->val[j];
		}
		norm = sqrt(norm);
		if (norm > 0.0)
			for (size_t j = start; j < total; j++)
				r->val[j] /= norm;
		r->ptr[i + 1] = total;
	}
	goto out;
nomem:
	st = core_fail(err, CORE_ERR_NOMEM, "out of memory");
out:
	free(keys);
	free(feat);
	if (st == CORE_OK)
		*out = r;
	else
		tfidf_rows_free(r);
	return st;
}
