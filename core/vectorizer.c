/* SPDX-License-Identifier: MIT
 * core/vectorizer.c - one text to its l2-normalised tf-idf row.
 *
 * sklearn 1.2.1 computes, for a row: counts of in-vocabulary n-grams
 * (CountVectorizer), tf * idf (a csr @ diag(idf) product in scipy 1.10.1,
 * which leaves each row's column indices in descending order), then
 * normalize(norm="l2"), which sums the squares in stored order and
 * divides each value by the square root (skipped for an all-zero row).
 * We reproduce that order exactly: see verify_export.py in the reference
 * peer, and the README's "Bit-exactness" paragraph.
 *
 * Counting uses a dense count array and a two-level bitmap of touched
 * features, so producing the descending index list costs a scan of
 * n_features / 4096 summary words plus one bit per feature; both are left
 * zeroed for the next call.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/ngram.h"
#include "core/vectorizer.h"

/* Words up to this many bytes are split into n-grams through a buffer;
 * longer ones are streamed straight into the counts. */
#define VECTORIZER_WORD_CHUNK 1024u
/* How many keys ahead the hash slots are prefetched. */
#define VECTORIZER_PREFETCH 8u

static int
is_space(unsigned char c)
{
	/* Python's str.isspace() on ASCII, as in core/ngram.c. */
	return c == ' ' || (c >= '\t' && c <= '\r') || (c >= 0x1c && c <= 0x1f);
}

/* Bitmap sizes for n_features real features plus the sentinel. */
static size_t
seen_words(size_t n_features)
{
	return (n_features + 1 + 63) / 64;
}

static size_t
top_words(size_t n_features)
{
	return (seen_words(n_features) + 63) / 64;
}

enum core_status
vectorizer_buf_init(struct vectorizer_buf *b, size_t n_features)
{
	b->n_features = n_features;
	b->counts = calloc(n_features + 1, sizeof(*b->counts));
	b->seen = calloc(seen_words(n_features), sizeof(*b->seen));
	b->seen_top = calloc(top_words(n_features), sizeof(*b->seen_top));
	b->keys_cap = ngram_max_count(VECTORIZER_WORD_CHUNK, 1, CORE_MAX_NGRAM);
	b->keys = malloc(b->keys_cap * sizeof(*b->keys));
	b->feats_cap = 256;
	b->feats = malloc(b->feats_cap * sizeof(*b->feats));
	b->vals = malloc(b->feats_cap * sizeof(*b->vals));
	if (!b->counts || !b->seen || !b->seen_top || !b->keys || !b->feats ||
	    !b->vals)
		return CORE_ERR_NOMEM;
	return CORE_OK;
}

void
vectorizer_buf_release(struct vectorizer_buf *b)
{
	if (b == NULL)
		return;
	free(b->counts);
	free(b->seen);
	free(b->seen_top);
	free(b->keys);
	free(b->feats);
	free(b->vals);
	memset(b, 0, sizeof(*b));
}

static inline void
count_key(const struct vectorizer *v, struct vectorizer_buf *b, uint64_t key)
{
	uint32_t j = vocab_find_or(v->slots, v->bits, key,
				   (uint32_t)v->n_features);

	/* collect() reads idf[j]; j == n_features is one past the end,
	 * still a valid address to form. */
	__builtin_prefetch(&v->idf[j]);
	b->counts[j]++;
	b->seen[j >> 6] |= UINT64_C(1) << (j & 63);
	b->seen_top[j >> 12] |= UINT64_C(1) << ((j >> 6) & 63);
}

/* The n-grams of the padded word " " + w + " " for a word too long for
 * the key buffer; same rules as core/ngram.c (m + 2 > ngram_max here). */
static void
count_long_word(const struct vectorizer *v, struct vectorizer_buf *b,
		const char *w, size_t m)
{
	size_t wl = m + 2;

	for (unsigned n = v->ngram_min; n <= v->ngram_max; n++) {
		for (size_t o = 0; o + n <= wl; o++) {
			uint64_t key = 0;

			for (unsigned i = 0; i < n; i++) {
				size_t p = o + i;
				unsigned char c = (p == 0 || p == wl - 1) ? ' ' :
					(unsigned char)w[p - 1];

				if (c >= 'A' && c <= 'Z')
					c = (unsigned char)(c + ('a' - 'A'));
				key |= (uint64_t)c << (8 * i);
			}
			count_key(v, b, key);
		}
	}
}

static enum core_status
grow_feats(struct vectorizer_buf *b, size_t need)
{
	size_t cap = b->feats_cap;

	while (cap < need)
		cap *= 2;
	uint32_t *f = realloc(b->feats, cap * sizeof(*f));

	if (f == NULL)
		return CORE_ERR_NOMEM;
	b->feats = f;
	double *d = realloc(b->vals, cap * sizeof(*d));

	if (d == NULL)
		return CORE_ERR_NOMEM;
	b->vals = d;
	b->feats_cap = cap;
	return CORE_OK;
}

/* Moves the touched features, highest index first, into feats/vals as
 * count * idf, and clears counts and bitmaps (the sentinel included). */
static size_t
collect(const struct vectorizer *v, struct vectorizer_buf *b)
{
	size_t nf = b->n_features, nnz = 0;

	/* Drop the sentinel (out-of-vocabulary n-grams) first. */
	b->counts[nf] = 0;
	b->seen[nf >> 6] &= ~(UINT64_C(1) << (nf & 63));
	if (b->seen[nf >> 6] == 0)
		b->seen_top[nf >> 12] &= ~(UINT64_C(1) << ((nf >> 6) & 63));
	for (size_t t = top_words(nf); t-- > 0;) {
		uint64_t top = b->seen_top[t];

		while (top != 0) {
			unsigned tb = 63u - (unsigned)__builtin_clzll(top);
			size_t w = t * 64 + tb;
			uint64_t bits = b->seen[w];

			top &= ~(UINT64_C(1) << tb);
			while (bits != 0) {
				unsigned bb = 63u - (unsigned)__builtin_clzll(bits);
				size_t j = w * 64 + bb;

				bits &= ~(UINT64_C(1) << bb);
				b->feats[nnz++] = (uint32_t)j;
			}
			b->seen[w] = 0;
		}
		b->seen_top[t] = 0;
	}
	/* A separate pass: its iterations are independent, so the idf
	 * loads overlap instead of queueing behind the bitmap walk. */
	for (size_t k = 0; k < nnz; k++) {
		uint32_t j = b->feats[k];

		b->vals[k] = (double)b->counts[j] * v->idf[j];
		b->counts[j] = 0;
	}
	return nnz;
}

enum core_status
vectorizer_transform(const struct vectorizer *v, struct vectorizer_buf *b,
		     const char *text, size_t len, size_t *nnz)
{
	size_t i = 0, n, most;
	enum core_status rc;

	/* Room for every feature the text can touch, before touching any,
	 * so a failure leaves the buffers clean. */
	most = ngram_max_count(len, v->ngram_min, v->ngram_max);
	if (most > v->n_features)
		most = v->n_features;
	if (most > b->feats_cap) {
		rc = grow_feats(b, most);
		if (rc != CORE_OK)
			return rc;
	}
	while (i < len) {
		while (i < len && is_space((unsigned char)text[i]))
			i++;
		size_t start = i;

		while (i < len && !is_space((unsigned char)text[i]))
			i++;
		size_t m = i - start;

		if (m == 0)
			break;
		if (m > VECTORIZER_WORD_CHUNK) {
			count_long_word(v, b, text + start, m);
			continue;
		}
		size_t nk = ngram_extract(text + start, m, v->ngram_min,
					  v->ngram_max, b->keys);

		/* Lookups are independent cache misses in a table of
		 * megabytes: start them a few keys early. */
		for (size_t k = 0; k < nk && k < VECTORIZER_PREFETCH; k++)
			__builtin_prefetch(&v->slots[vocab_home(b->keys[k],
								v->bits)]);
		for (size_t k = 0; k < nk; k++) {
			if (k + VECTORIZER_PREFETCH < nk)
				__builtin_prefetch(&v->slots[vocab_home(
					b->keys[k + VECTORIZER_PREFETCH],
					v->bits)]);
			count_key(v, b, b->keys[k]);
		}
	}
	n = collect(v, b);

	double s = 0.0;

	for (size_t k = 0; k < n; k++)
		s += b->vals[k] * b->vals[k];
	if (s != 0.0) {
		s = sqrt(s);
		for (size_t k = 0; k < n; k++)
			b->vals[k] /= s;
	}
	*nnz = n;
	return CORE_OK;
}
