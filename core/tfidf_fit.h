/* SPDX-License-Identifier: MIT
 * core/tfidf_fit.h - fitting the char_wb TF-IDF vocabulary for training.
 *
 * As sklearn's TfidfVectorizer(analyzer="char_wb", ngram_range=(nmin,
 * nmax)) with its defaults (lowercase, norm="l2", use_idf, smooth_idf, no
 * sublinear tf, min_df=1, no max_features): the vocabulary is every n-gram
 * of the training texts, feature j being the j-th term in byte order (the
 * order of sklearn's sorted feature names); idf_j = ln((1 + n) / (1 +
 * df_j)) + 1 where df_j counts the texts holding term j.  A row is raw
 * counts times idf, divided by its Euclidean norm (rows with no known
 * n-gram stay empty).  Texts are cleaned (ASCII) before they come here.
 */
#ifndef CORE_TFIDF_FIT_H
#define CORE_TFIDF_FIT_H

#include <stddef.h>
#include <stdint.h>

#include "core/model.h"
#include "core/status.h"

#define TFIDF_MAX_FEATURES ((size_t)1 << 24) /* vocabulary size */

struct tfidf {
	unsigned ngram_min, ngram_max;
	size_t n_features;
	uint64_t *keys;          /* packed n-gram of feature j (ngram.h) */
	double *idf;             /* n_features */
	const char **terms;      /* NUL-terminated term of feature j */
	char *term_buf;          /* storage of terms */
	uint64_t *slot_key;      /* open-addressing index: key -> feature */
	uint32_t *slot_val;
	size_t mask;             /* slots - 1 */
};

/* Sparse rows: row i is idx/val[ptr[i] .. ptr[i+1]), feature indices in
 * descending order (the order scipy leaves them in after the idf product,
 * which the reference sums in; see ../shared README "Bit-exactness"). */
struct tfidf_rows {
	size_t n_rows;
	size_t *ptr;             /* n_rows + 1 */
	uint32_t *idx;
	double *val;
};

/* Fits on texts[0..n).  *out is freed with tfidf_free.  CORE_ERR_INPUT for
 * a bad n-gram range or an empty vocabulary, CORE_ERR_LIMIT past
 * TFIDF_MAX_FEATURES, CORE_ERR_NOMEM. */
enum core_status tfidf_fit(const char *const *texts, size_t n,
			   unsigned nmin, unsigned nmax, struct tfidf **out,
			   struct core_error *err) CORE_WARN_UNUSED;
void tfidf_free(struct tfidf *t);

/* Feature index of a packed n-gram, or -1. */
long tfidf_lookup(const struct tfidf *t, uint64_t key);

/* Vectorizes texts[0..n) with the fitted vocabulary into *out (free with
 * tfidf_rows_free).  CORE_ERR_NOMEM only. */
enum core_status tfidf_transform(const struct tfidf *t,
				 const char *const *texts, size_t n,
				 struct tfidf_rows **out,
				 struct core_error *err) CORE_WARN_UNUSED;
void tfidf_rows_free(struct tfidf_rows *r);

#endif
