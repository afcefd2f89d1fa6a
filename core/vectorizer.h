/* SPDX-License-Identifier: MIT
 * core/vectorizer.h - sklearn's TfidfVectorizer.transform for one text
 * (char_wb n-grams, norm="l2", use_idf, sublinear_tf=False), bit-exact.
 *
 * The vocabulary, idf and range point into a mapped artifact; the
 * per-call working memory lives in a struct vectorizer_buf.
 */
#ifndef CORE_VECTORIZER_H
#define CORE_VECTORIZER_H

#include <stddef.h>
#include <stdint.h>

#include "core/status.h"
#include "core/vocab.h"

struct vectorizer {
	const struct vocab_slot *slots; /* 2^bits slots (core/vocab.h) */
	unsigned bits;
	const double *idf;              /* n_features */
	size_t n_features;
	unsigned ngram_min, ngram_max;
};

/* The word cache: char_wb n-grams never cross a word, so a word's
 * in-vocabulary features are the same in every text, and a word seen
 * before costs one probe instead of its n-grams and their lookups (a word
 * of 8 bytes has 57 n-grams).  Bounded: at most VECTORIZER_CACHE_WORDS
 * words of at most VECTORIZER_CACHE_WORD_MAX bytes, holding at most
 * VECTORIZER_CACHE_FEATS feature indices in all; when either is full the
 * cache is emptied and fills again (a whole reset keeps it simple and the
 * bound exact).  At most 32 KiB of slots + 4096 * 40 B of words + 1 MiB of
 * indices = 1.2 MiB a buffer; the slots are faulted in at init, the words
 * and indices are touched as they fill.  Longer words take the
 * uncached path.  Counts are integers, so the row does not depend on
 * whether a word came from the cache. */
#define VECTORIZER_CACHE_SLOTS 8192u        /* a power of two */
#define VECTORIZER_CACHE_WORDS 4096u        /* at most half the slots */
#define VECTORIZER_CACHE_WORD_MAX 24u       /* bytes: three 64-bit words */
#define VECTORIZER_CACHE_FEATS ((size_t)1 << 18)

struct vectorizer_word {
	uint64_t w[3];      /* the word's bytes, zero-padded */
	uint32_t len;       /* bytes, 1..VECTORIZER_CACHE_WORD_MAX */
	uint32_t first;     /* its features: cache feats[first..first+nfeats) */
	uint32_t nfeats;
	uint32_t reserved;
};

struct vectorizer_cache {
	const struct vocab_slot *owner; /* the vocabulary the words are for */
	uint32_t *slots;       /* VECTORIZER_CACHE_SLOTS: 0 = empty, else
				* (word index + 1) | hash tag << 16 */
	struct vectorizer_word *words;  /* VECTORIZER_CACHE_WORDS */
	uint32_t *feats;                /* VECTORIZER_CACHE_FEATS */
	size_t nwords, nfeats;
	size_t hits, misses, resets;    /* statistics, for tests and tuning */
};

/* Working memory, reused across calls; between calls every count and
 * bitmap word is zero.  Zero-initialise, then vectorizer_buf_init.  One
 * buffer serves one thread; its cache makes it belong to one vocabulary
 * at a time (it is emptied when used with another). */
struct vectorizer_buf {
	size_t n_features;
	uint32_t *counts;   /* n_features + 1 n-gram counts; the last one
			     * counts n-grams outside the vocabulary */
	uint64_t *keys;     /* one word's n-gram keys */
	uint32_t *homes;    /* their home slots, plus prefetch padding */
	size_t keys_cap;
	uint64_t *seen;     /* bit j: feature j counted (n_features + 1 bits) */
	uint64_t *seen_top; /* bit w: seen[w] != 0 */
	uint32_t *feats;    /* result: feature indices, descending */
	double *vals;       /* result: l2-normalised tf-idf values */
	size_t feats_cap;
	struct vectorizer_cache cache;
	/* counts, keys, homes, the bitmaps and the cache's three arrays:
	 * one anonymous mapping (see vectorizer_buf_init) */
	void *arena;
	size_t arena_len;
};

/* Allocates the buffers for a vocabulary of n_features.  The arrays a
 * text touches at scattered places (counts, bitmaps, cache slots) and the
 * first page of the others are faulted in by this call, in one system
 * call, rather than a page fault each on first use: a plain CGI process
 * predicts once and would take 40 of them.  Returns CORE_OK or
 * CORE_ERR_NOMEM (then vectorizer_buf_release is still safe). */
enum core_status vectorizer_buf_init(struct vectorizer_buf *b,
				     size_t n_features) CORE_WARN_UNUSED;
void vectorizer_buf_release(struct vectorizer_buf *b);

/* Transforms len bytes of cleaned text.  On CORE_OK, b->feats[0..*nnz)
 * holds the row's feature indices in DESCENDING order (scipy's order,
 * which fixes the summation order) and b->vals the matching values:
 * count * idf, divided by the l2 norm summed in that order (not divided
 * when the norm is 0).  Fails only with CORE_ERR_NOMEM. */
enum core_status vectorizer_transform(const struct vectorizer *v,
				      struct vectorizer_buf *b,
				      const char *text, size_t len,
				      size_t *nnz) CORE_WARN_UNUSED;

#endif
