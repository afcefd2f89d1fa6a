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

/* Working memory, reused across calls; between calls every count and
 * bitmap word is zero.  Zero-initialise, then vectorizer_buf_init. */
struct vectorizer_buf {
	size_t n_features;
	uint32_t *counts;   /* n_features + 1 n-gram counts; the last one
			     * counts n-grams outside the vocabulary */
	uint64_t *keys;     /* one chunk of text's n-gram keys */
	uint32_t *homes;    /* their home slots, plus prefetch padding */
	size_t keys_cap;
	uint64_t *seen;     /* bit j: feature j is in the row (sorting) */
	uint64_t *seen_top; /* bit w: seen[w] != 0 */
	uint32_t *feats;    /* result: feature indices, descending */
	double *vals;       /* result: l2-normalised tf-idf values */
	size_t feats_cap;
};

/* Allocates the buffers for a vocabulary of n_features.  Returns CORE_OK
 * or CORE_ERR_NOMEM (then vectorizer_buf_release is still safe). */
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
