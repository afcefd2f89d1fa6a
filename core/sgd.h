/* SPDX-License-Identifier: MIT
 * core/sgd.h - one-vs-rest logistic regression by stochastic gradient.
 *
 * What sklearn's SGDClassifier(loss="log_loss", penalty="l2", alpha,
 * learning_rate="constant", eta0) computes in _plain_sgd for each class k
 * of a multi-class problem: a binary model with labels +1 (class k) and -1
 * (the rest), trained by plain SGD over the samples, epoch after epoch:
 *
 *     p = w.x + b
 *     dloss = -y / (exp(p y) + 1)       (log loss; cut at |p y| > 18)
 *     w *= max(0, 1 - eta alpha)        (L2 shrink, lazily: w = wscale v)
 *     w += -eta dloss x
 *     b += -eta dloss intercept_decay
 *
 * Each class has its own seeded order of the samples, drawn anew every
 * epoch.  sklearn uses intercept_decay = 0.01 on sparse input (its
 * SPARSE_INTERCEPT_DECAY) and 1.0 on dense input.
 */
#ifndef CORE_SGD_H
#define CORE_SGD_H

#include <stddef.h>
#include <stdint.h>

#include "core/status.h"
#include "core/tfidf_fit.h"

#define SGD_MAX_EPOCHS 100000

struct sgd_params {
	double alpha;            /* L2 strength */
	double eta0;             /* constant learning rate */
	double intercept_decay;  /* factor on the intercept's update */
	unsigned epochs;
	uint64_t seed;
};

/* Trains n_classes one-vs-rest models on the samples rows[0..n) of X
 * (a row may appear several times: oversampling) with labels y[0..n).
 * Writes coef (n_classes x X's n_features, class-major, zeroed first) and
 * intercept (n_classes).  progress, if not NULL, is called after each
 * epoch of each class.  CORE_ERR_NOMEM, or CORE_ERR_INPUT when the weights
 * stop being finite (learning rate too large) or params are out of range. */
enum core_status sgd_fit(const struct tfidf_rows *X, size_t n_features,
			 const size_t *rows, const unsigned *y, size_t n,
			 size_t n_classes, const struct sgd_params *p,
			 double *coef, double *intercept,
			 void (*progress)(size_t k, unsigned epoch, void *arg),
			 void *arg, struct core_error *err) CORE_WARN_UNUSED;

/* predict_proba of sklearn's OvR: sigmoid of each class's decision, then
 * divided by their sum (left to right).  The dot products sum over the
 * row's features in stored (descending) order, as the server does.
 * prob and decision hold n_classes values each (decision may be NULL). */
void sgd_predict_proba(const struct tfidf_rows *X, size_t row,
		       size_t n_features, size_t n_classes,
		       const double *coef, const double *intercept,
		       double *prob, double *decision);

#endif
