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
 * The work per n-gram is kept to a few instructions, since a text has
 * hundreds of them (~500 for a typical title and description):
 *  1. char_wb n-grams never cross a word, so each word's in-vocabulary
 *     features are kept in a bounded per-buffer cache (core/vectorizer.h,
 *     "The word cache"): a word seen before costs one probe and its list.
 *     A new word's n-gram keys come from core/ngram.c and are looked up
 *     in the vocabulary hash (for a word longer than the cache takes,
 *     home slots are prefetched a few keys ahead: the table is
 *     megabytes and the lookups are independent cache misses);
 *  2. per feature, a count increment in a dense array and a mark in a
 *     two-level bitmap (a bit per feature, a bit per non-zero bitmap
 *     word), with no branch;
 *  3. once per text, a walk of the bitmap from the top, visiting only the
 *     words that hold features (n_features / 4096 summary words, then one
 *     bit each), gives the features in descending order, and with them
 *     the values and the norm.  Marking every n-gram and walking once
 *     beat keeping a list of the distinct features and marking it, and
 *     that beat a radix sort of the list (two byte passes) by about half.
 * Out-of-vocabulary n-grams count into a sentinel entry at n_features
 * that is never listed, so step 2 needs no branch on "found".
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "core/ngram.h"
#include "core/vectorizer.h"
#include "util/buf.h"

/* A word up to this many bytes has its n-grams go through the key buffer;
 * a longer word is streamed straight into the counts. */
#define VECTORIZER_WORD_CHUNK 1024u
/* How many keys ahead the hash slots are prefetched. */
#define VECTORIZER_PREFETCH 8u

static int
is_space(unsigned char c)
{
	/* Python's str.isspace() on ASCII, as in core/ngram.c. */
	return c == ' ' || (c >= '\t' && c <= '\r') || (c >= 0x1c && c <= 0x1f);
}

/* Bitmap sizes for n_features features. */
static size_t
seen_words(size_t n_features)
{
	return (n_features + 63) / 64;
}

static size_t
top_words(size_t n_features)
{
	return (seen_words(n_features) + 63) / 64;
}

/* Rounds n up to a multiple of a (a power of two). */
static size_t
round_up(size_t n, size_t a)
{
	return (n + a - 1) & ~(a - 1);
}

/* Faults in [p, p + len) (page-rounded) of a private anonymous mapping
 * in one system call; on a kernel without MADV_POPULATE_WRITE (before
 * 5.14) the pages simply fault in on first use, as malloc's would. */
static void
populate(char *base, size_t off, size_t len, size_t page)
{
#ifdef MADV_POPULATE_WRITE
	size_t start = off & ~(page - 1);

	(void)madvise(base + start, round_up(off + len, page) - start,
		      MADV_POPULATE_WRITE);
#else
	(void)base; (void)off; (void)len; (void)page;
#endif
}

enum core_status
vectorizer_buf_init(struct vectorizer_buf *b, size_t n_features)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	size_t at = 0, o_counts, o_seen, o_top, o_slots, o_words, o_feats,
	       o_keys, o_homes;
	char *p;

	b->n_features = n_features;
	b->keys_cap = ngram_max_count(VECTORIZER_WORD_CHUNK, 1, CORE_MAX_NGRAM);
	if (n_features > UINT32_MAX - 1 || page < 64 || (page & (page - 1)))
		return CORE_ERR_NOMEM;
	/* One mapping, zero-filled by the kernel, each array 64-byte
	 * aligned.  The bitmaps have a bit for the sentinel at n_features
	 * too.  The first four arrays are touched at scattered places by
	 * every text; the other four from their start, as they fill. */
	o_counts = at;
	at += round_up((n_features + 1) * sizeof(*b->counts), 64);
	o_seen = at;
	at += round_up(seen_words(n_features + 1) * sizeof(*b->seen), 64);
	o_top = at;
	at += round_up(top_words(n_features + 1) * sizeof(*b->seen_top), 64);
	o_slots = at;
	at += VECTORIZER_CACHE_SLOTS * sizeof(*b->cache.slots);
	o_words = at;
	at += round_up(VECTORIZER_CACHE_WORDS * sizeof(*b->cache.words), 64);
	o_feats = at;
	at += round_up(VECTORIZER_CACHE_FEATS * sizeof(*b->cache.feats), 64);
	o_keys = at;
	at += b->keys_cap * sizeof(*b->keys);
	o_homes = at;
	at += (b->keys_cap + VECTORIZER_PREFETCH) * sizeof(*b->homes);
	b->arena_len = round_up(at, page);
	p = mmap(NULL, b->arena_len, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		b->arena_len = 0;
		return CORE_ERR_NOMEM;
	}
	b->arena = p;
	b->counts = (uint32_t *)(void *)(p + o_counts);
	b->seen = (uint64_t *)(void *)(p + o_seen);
	b->seen_top = (uint64_t *)(void *)(p + o_top);
	b->cache.slots = (uint32_t *)(void *)(p + o_slots);
	b->cache.words = (struct vectorizer_word *)(void *)(p + o_words);
	b->cache.feats = (uint32_t *)(void *)(p + o_feats);
	b->keys = (uint64_t *)(void *)(p + o_keys);
	b->homes = (uint32_t *)(void *)(p + o_homes);
	populate(p, o_counts, o_words - o_counts + 1, page);
	populate(p, o_feats, 1, page);
	populate(p, o_keys, 1, page);
	b->feats_cap = 256;
	b->feats = malloc(b->feats_cap * sizeof(*b->feats));
	b->vals = malloc(b->feats_cap * sizeof(*b->vals));
	if (!b->feats || !b->vals)
		return CORE_ERR_NOMEM;
	return CORE_OK;
}

void
vectorizer_buf_release(struct vectorizer_buf *b)
{
	if (b == NULL)
		return;
	if (b->arena != NULL)
		munmap(b->arena, b->arena_len);
	free(b->feats);
	free(b->vals);
	memset(b, 0, sizeof(*b));
}

/* Counts feature j (n_features for an absent n-gram) and marks it in the
 * two-level bitmap finish_row walks.  No branch, so the hot loop has no
 * unpredictable one; the absent sentinel's bit is cleared before the walk. */
static inline void
count_one(struct vectorizer_buf *b, uint32_t j)
{
	b->counts[j]++;
	b->seen[j >> 6] |= UINT64_C(1) << (j & 63);
	b->seen_top[j >> 12] |= UINT64_C(1) << ((j >> 6) & 63);
}

/* Counts the nk keys in b->keys (a word too long for the cache). */
static void
count_keys(const struct vectorizer *v, struct vectorizer_buf *b, size_t nk)
{
	const struct vocab_slot *slots = v->slots;
	uint32_t n = (uint32_t)v->n_features;

	for (size_t k = 0; k < nk; k++)
		b->homes[k] = (uint32_t)vocab_home(b->keys[k], v->bits);
	/* Padding, so the loop below prefetches without a bounds test. */
	for (size_t k = nk; k < nk + VECTORIZER_PREFETCH; k++)
		b->homes[k] = 0;
	for (size_t k = 0; k < nk; k++) {
		__builtin_prefetch(&slots[b->homes[k + VECTORIZER_PREFETCH]]);
		uint32_t j = vocab_lookup_from(slots, v->bits, b->homes[k],
					       b->keys[k], n);

		/* collect() reads idf[j]; j == n is one past the end, still
		 * a valid address to form. */
		__builtin_prefetch(&v->idf[j]);
		count_one(b, j);
	}
}

/* The n-grams of the padded word " " + w + " " for a word too long for
 * the key buffer; same rules as core/ngram.c (m + 2 > ngram_max here). */
static void
count_long_word(const struct vectorizer *v, struct vectorizer_buf *b,
		const char *w, size_t m)
{
	size_t wl = m + 2;
	uint32_t n_features = (uint32_t)v->n_features;

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
			count_one(b, vocab_lookup(v->slots, v->bits, key,
						  n_features));
		}
	}
}

static enum core_status
grow_feats(struct vectorizer_buf *b, size_t need)
{
	/* feats and vals grow together: same start, same capacity. */
	size_t fcap = b->feats_cap, vcap = b->feats_cap;
	void *f = b->feats, *d = b->vals;

	if (util_array_reserve(&f, &fcap, need, sizeof(*b->feats), 1) !=
	    UTIL_OK)
		return CORE_ERR_NOMEM;
	b->feats = f;
	if (util_array_reserve(&d, &vcap, need, sizeof(*b->vals), 1) !=
	    UTIL_OK)
		return CORE_ERR_NOMEM;
	b->vals = d;
	b->feats_cap = fcap;
	return CORE_OK;
}

/* Divides each of v[0..n) by d.  Two lanes at a time: each lane is the
 * same IEEE 754 division as the scalar one, so results are identical,
 * and the divider, the slowest step per feature, does two per issue. */
static void
divide_all(double *v, size_t n, double d)
{
	typedef double v2df __attribute__((vector_size(16)));
	const v2df dd = { d, d };
	size_t k = 0;

	for (; k + 2 <= n; k += 2) {
		v2df x;

		memcpy(&x, v + k, sizeof(x));
		x = x / dd;
		memcpy(v + k, &x, sizeof(x));
	}
	for (; k < n; k++)
		v[k] /= d;
}

/* Turns the counts into the row and returns its length: walks the
 * bitmap from the top, highest set bit first, so the features come out in
 * descending order; vals = count * idf, then l2-normalised with the
 * squares summed in that order.  Leaves counts and bitmaps zero. */
static size_t
finish_row(const struct vectorizer *v, struct vectorizer_buf *b)
{
	uint32_t n = (uint32_t)v->n_features;
	size_t nu = 0;
	double s = 0.0;

	/* The out-of-vocabulary sentinel is counted, never listed. */
	b->counts[n] = 0;
	b->seen[n >> 6] &= ~(UINT64_C(1) << (n & 63));
	for (size_t t = top_words(n + 1); t-- > 0;) {
		uint64_t top = b->seen_top[t];

		b->seen_top[t] = 0;
		while (top != 0) {
			unsigned tb = 63u - (unsigned)__builtin_clzll(top);
			size_t w = t * 64 + tb;
			uint64_t bits = b->seen[w];

			top ^= UINT64_C(1) << tb;
			b->seen[w] = 0;
			while (bits != 0) {
				unsigned bb = 63u - (unsigned)__builtin_clzll(bits);
				uint32_t j = (uint32_t)(w * 64 + bb);
				double x = (double)b->counts[j] * v->idf[j];

				bits ^= UINT64_C(1) << bb;
				b->counts[j] = 0;
				b->feats[nu] = j;
				b->vals[nu] = x;
				s += x * x;
				nu++;
			}
		}
	}
	if (s != 0.0)
		divide_all(b->vals, nu, sqrt(s));
	return nu;
}

/* ---------------------------------------------------------- word cache */

/* The word's bytes, zero-padded to three 64-bit words (m <= 24). */
static void
pack_word(const char *s, size_t m, uint64_t w[3])
{
	unsigned char tmp[VECTORIZER_CACHE_WORD_MAX] = { 0 };

	memcpy(tmp, s, m);
	memcpy(w, tmp, sizeof(tmp));
}

static uint64_t
word_hash(const uint64_t w[3])
{
	uint64_t h = w[0] * UINT64_C(0x9E3779B97F4A7C15) ^
		     w[1] * UINT64_C(0xC2B2AE3D27D4EB4F) ^
		     w[2] * UINT64_C(0x165667B19E3779F9);

	h ^= h >> 29;
	return h * UINT64_C(0xBF58476D1CE4E5B9);
}

static void
cache_reset(struct vectorizer_cache *c, const struct vocab_slot *owner)
{
	if (c->nwords > 0) {
		memset(c->slots, 0, VECTORIZER_CACHE_SLOTS * sizeof(*c->slots));
		c->resets++;
	}
	c->nwords = 0;
	c->nfeats = 0;
	c->owner = owner;
}

/* Counts the n-grams of one word of m <= VECTORIZER_CACHE_WORD_MAX bytes,
 * from the cache when it is there; otherwise looks them up and keeps the
 * word's in-vocabulary features for next time. */
static void
count_cached_word(const struct vectorizer *v, struct vectorizer_buf *b,
		  const char *s, size_t m)
{
	struct vectorizer_cache *c = &b->cache;
	const size_t mask = VECTORIZER_CACHE_SLOTS - 1;
	uint32_t n = (uint32_t)v->n_features;
	struct vectorizer_word *e;
	uint64_t w[3], h;
	uint32_t tag, x;
	size_t i, nk;

	pack_word(s, m, w);
	h = word_hash(w);
	tag = (uint32_t)(h >> 16) & 0xffff0000u;
	for (i = (size_t)(h >> 51) & mask; (x = c->slots[i]) != 0;
	     i = (i + 1) & mask) {
		if ((x & 0xffff0000u) != tag)
			continue;
		e = &c->words[(x & 0xffffu) - 1];
		if (e->len == m && e->w[0] == w[0] && e->w[1] == w[1] &&
		    e->w[2] == w[2]) {
			const uint32_t *f = c->feats + e->first;

			c->hits++;
			for (uint32_t k = 0; k < e->nfeats; k++)
				count_one(b, f[k]);
			return;
		}
	}
	c->misses++;
	nk = ngram_extract(s, m, v->ngram_min, v->ngram_max, b->keys);
	if (c->nwords == VECTORIZER_CACHE_WORDS ||
	    c->nfeats + nk > VECTORIZER_CACHE_FEATS) {
		cache_reset(c, c->owner);
		for (i = (size_t)(h >> 51) & mask; c->slots[i] != 0;
		     i = (i + 1) & mask)
			;
	}
	e = &c->words[c->nwords];
	memcpy(e->w, w, sizeof(w));
	e->len = (uint32_t)m;
	e->first = (uint32_t)c->nfeats;
	for (size_t k = 0; k < nk; k++) {
		uint32_t j = vocab_lookup(v->slots, v->bits, b->keys[k], n);

		count_one(b, j);
		/* Kept when in the vocabulary; the store is unconditional
		 * (there is room: nfeats + nk <= the arena). */
		c->feats[c->nfeats] = j;
		c->nfeats += j != n;
	}
	e->nfeats = (uint32_t)(c->nfeats - e->first);
	c->nwords++;
	c->slots[i] = (uint32_t)c->nwords | tag;
}

/* ------------------------------------------------------------ transform */

enum core_status
vectorizer_transform(const struct vectorizer *v, struct vectorizer_buf *b,
		     const char *text, size_t len, size_t *nnz)
{
	size_t i = 0, most;
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
	if (b->cache.owner != v->slots)
		cache_reset(&b->cache, v->slots);
	while (i < len) {
		size_t start, m;

		while (i < len && is_space((unsigned char)text[i]))
			i++;
		if (i >= len)
			break;
		start = i;
		while (i < len && !is_space((unsigned char)text[i]))
			i++;
		m = i - start;
		if (m <= VECTORIZER_CACHE_WORD_MAX) {
			count_cached_word(v, b, text + start, m);
		} else if (m <= VECTORIZER_WORD_CHUNK) {
			size_t nk = ngram_extract(text + start, m,
						  v->ngram_min, v->ngram_max,
						  b->keys);

			count_keys(v, b, nk);
		} else {
			count_long_word(v, b, text + start, m);
		}
	}
	*nnz = finish_row(v, b);
	return CORE_OK;
}
