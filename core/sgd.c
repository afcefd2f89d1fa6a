/* SPDX-License-Identifier: MIT
 * core/sgd.c - sklearn's _plain_sgd for log loss, constant rate, L2.
 *
 * The weight vector is kept as w = wscale * v so that the L2 shrink of
 * every step is one multiplication of wscale instead of a pass over all
 * features (sklearn's WeightVector); when wscale falls under 1e-9 it is
 * folded back into v, as sklearn does, and at the end of training.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/split.h"
#include "core/sgd.h"

#define SGD_MAX_DLOSS 1e12        /* sklearn's MAX_DLOSS clip */
#define SGD_MIN_WSCALE 1e-9       /* sklearn's WeightVector.scale */
#define SGD_STREAM 4              /* split_rng stream of SGD orders */

/* sklearn's Log.dloss(p, y). */
static double
dloss(double p, double y)
{
	double z = p * y;

	if (z > 18.0)
		return exp(-z) * -y;
	if (z < -18.0)
		return -y;
	return -y / (exp(z) + 1.0);
}

static void
fold_scale(double *v, size_t nf, double *wscale)
{
	for (size_t j = 0; j < nf; j++)
		v[j] *= *wscale;
	*wscale = 1.0;
}

enum core_status
sgd_fit(const struct tfidf_rows *X, size_t nf, const size_t *rows,
	const unsigned *y, size_t n, size_t n_classes,
	const struct sgd_params *p, double *coef, double *intercept,
	void (*progress)(size_t k, unsigned epoch, void *arg), void *arg,
	struct core_error *err)
{
	enum core_status st = CORE_OK;
	size_t *order = NULL;
	double shrink;

	if (!(p->alpha >= 0.0) || !(p->eta0 > 0.0) || p->epochs == 0 ||
	    p->epochs > SGD_MAX_EPOCHS)
		return core_fail(err, CORE_ERR_INPUT,
				 "alpha must be >= 0, learning_rate > 0 and "
				 "num_epochs in 1..%d", SGD_MAX_EPOCHS);
	order = malloc(n * sizeof(*order));
	if (order == NULL)
		return core_fail(err, CORE_ERR_NOMEM, "out of memory");
	/* penalty="l2" means l1_ratio = 0, and sklearn does not let the
	 * factor go negative when eta * alpha is large. */
	shrink = 1.0 - p->eta0 * p->alpha;
	if (shrink < 0.0)
		shrink = 0.0;
	memset(coef, 0, n_classes * nf * sizeof(*coef));
	for (size_t k = 0; k < n_classes; k++) {
		double *v = coef + k * nf;
		double wscale = 1.0, b = 0.0;
		struct split_rng rng;

		split_rng_seed(&rng, p->seed, SGD_STREAM + k);
		for (unsigned e = 0; e < p->epochs; e++) {
			for (size_t i = 0; i < n; i++)
				order[i] = i;
			split_shuffle(order, n, &rng);
			for (size_t s = 0; s < n; s++) {
				size_t i = order[s], r = rows[i];
				size_t lo = X->ptr[r], hi = X->ptr[r + 1];
				double yy = y[i] == k ? 1.0 : -1.0;
				double dot = 0.0, d, update;

				for (size_t j = lo; j < hi; j++)
					dot += X->val[j] * v[X->idx[j]];
				d = dloss(dot * wscale + b, yy);
				if (d < -SGD_MAX_DLOSS)
					d = -SGD_MAX_DLOSS;
				else if (d > SGD_MAX_DLOSS)
					d = SGD_MAX_DLOSS;
				update = -p->eta0 * d;
				wscale *= shrink;
				if (wscale < SGD_MIN_WSCALE) {
					if (wscale == 0.0)
						memset(v, 0, nf * sizeof(*v));
					else
						fold_scale(v, nf, &wscale);
					wscale = 1.0;
				}
				if (update != 0.0) {
					for (size_t j = lo; j < hi; j++)
						v[X->idx[j]] += X->val[j] *
							(update / wscale);
					b += update * p->intercept_decay;
				}
			}
			if (!isfinite(b) || !isfinite(wscale)) {
				st = core_fail(err, CORE_ERR_INPUT,
					       "SGD diverged (class %zu, epoch "
					       "%u): lower learning_rate", k,
					       e + 1);
				goto out;
			}
			if (progress != NULL)
				progress(k, e + 1, arg);
		}
		fold_scale(v, nf, &wscale);
		for (size_t j = 0; j < nf; j++)
			if (!isfinite(v[j])) {
				st = core_fail(err, CORE_ERR_INPUT,
					       "SGD diverged (class %zu): "
					       "lower learning_rate", k);
				goto out;
			}
		intercept[k] = b;
	}
out:
	free(order);
	return st;
}

void
sgd_predict_proba(const struct tfidf_rows *X, size_t row, size_t nf,
		  size_t n_classes, const double *coef,
		  const double *intercept, double *prob, double *decision)
{
	double sum = 0.0;

	for (size_t k = 0; k < n_classes; k++) {
		const double *w = coef + k * nf;
		double dot = 0.0;

		for (size_t j = X->ptr[row]; j < X->ptr[row + 1]; j++)
			dot += X->val[j] * w[X->idx[j]];
		dot += intercept[k];
		if (decision != NULL)
			decision[k] = dot;
		prob[k] = 1.0 / (1.0 + exp(-dot));
		sum += prob[k];
	}
	for (size_t k = 0; k < n_classes; k++)
		prob[k] /= sum;
}
