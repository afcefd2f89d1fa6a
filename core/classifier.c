/* SPDX-License-Identifier: MIT
 * core/classifier.c - decision values, probabilities and the tag.
 *
 * sklearn 1.2.1: decision_function is safe_sparse_dot(X, coef.T) +
 * intercept; for a csr row scipy accumulates each output from 0.0 over the
 * row's stored entries in order (descending feature index, see
 * core/vectorizer.c).  predict_proba for log loss with more than two
 * classes is OvR: expit (1/(1+exp(-x))) of each decision, then each is
 * divided by the row sum, which numpy adds left to right for so few
 * values.  The build uses -ffp-contract=off so no multiply-add is fused.
 */
#include <math.h>
#include <string.h>

#include "core/classifier.h"

/* How many features ahead weight rows are prefetched. */
#define CLASSIFIER_PREFETCH 8u

void
classifier_score(const struct classifier *c, const uint32_t *feats,
		 const double *vals, size_t nnz, struct prediction *out)
{
	size_t K = c->n_classes;
	double acc[CORE_MAX_CLASSES] = { 0.0 };
	double tot = 0.0;
	size_t best = 0;

	if (K == 4) {
		/* The common case, with K a constant so the loop unrolls. */
		for (size_t i = 0; i < nnz; i++) {
			const double *w = c->weights + (size_t)feats[i] * 4;
			double x = vals[i];

			if (i + CLASSIFIER_PREFETCH < nnz)
				__builtin_prefetch(c->weights + (size_t)
					feats[i + CLASSIFIER_PREFETCH] * 4);

			acc[0] += x * w[0];
			acc[1] += x * w[1];
			acc[2] += x * w[2];
			acc[3] += x * w[3];
		}
	} else {
		for (size_t i = 0; i < nnz; i++) {
			const double *w = c->weights + (size_t)feats[i] * K;
			double x = vals[i];

			for (size_t k = 0; k < K; k++)
				acc[k] += x * w[k];
		}
	}
	memset(out->prob, 0, sizeof(out->prob));
	memset(out->decision, 0, sizeof(out->decision));
	for (size_t k = 0; k < K; k++) {
		out->decision[k] = acc[k] + c->intercept[k];
		out->prob[k] = 1.0 / (1.0 + exp(-out->decision[k]));
		tot += out->prob[k];
	}
	for (size_t k = 0; k < K; k++) {
		out->prob[k] /= tot;
		if (out->prob[k] > out->prob[best])
			best = k;
	}
	out->argmax = (unsigned)best;
	out->tag = out->prob[best] > c->threshold ? (unsigned)best :
		c->other_index;
	out->nnz = nnz;
}
