/* SPDX-License-Identifier: MIT
 * core/classifier.h - sklearn's one-vs-rest SGDClassifier(loss="log_loss")
 * predict_proba plus the reference's thresholded decision, bit-exact.
 */
#ifndef CORE_CLASSIFIER_H
#define CORE_CLASSIFIER_H

#include <stddef.h>
#include <stdint.h>

#include "core/model.h"

struct classifier {
	size_t n_classes;         /* K, 2..CORE_MAX_CLASSES */
	const double *weights;    /* n_features * K, feature-major w[j*K + k] */
	const double *intercept;  /* K */
	double threshold;
	unsigned other_index;
};

/* Scores one tf-idf row (feats in the order to sum, i.e. descending, and
 * their values) and fills out: decision[k] = sum_j vals_j * w[j][k] from
 * 0.0, then + intercept[k]; prob[k] = 1/(1+exp(-decision[k])) divided by
 * ((p0 + p1) + p2) + ... left to right; argmax = first maximum; tag =
 * argmax if prob[argmax] > threshold, else other_index; nnz.  Classes
 * beyond K are zeroed.  Cannot fail. */
void classifier_score(const struct classifier *c, const uint32_t *feats,
		      const double *vals, size_t nnz, struct prediction *out);

#endif
