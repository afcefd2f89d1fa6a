/* SPDX-License-Identifier: MIT
 * core/evaluate.c - the evaluation loop: encode the true tags with the
 * model's classes, predict every row, keep each cleaned text for the
 * slices, compute the metrics.
 */
#include <stdlib.h>
#include <string.h>

#include "core/evaluate.h"

/* What one run holds; freed by release. */
struct eval {
	unsigned *y, *pred;
	char **cleaned;
	size_t n;
	struct model_scratch *scratch;
};

static void
release(struct eval *e)
{
	for (size_t i = 0; e->cleaned != NULL && i < e->n; i++)
		free(e->cleaned[i]);
	free(e->cleaned);
	free(e->y);
	free(e->pred);
	model_scratch_free(e->scratch);
}

static enum core_status
predict_rows(const struct model *m, const struct dataset *d,
	     struct eval *e, struct core_error *err)
{
	for (size_t i = 0; i < d->n; i++) {
		struct prediction p;
		enum core_status st;

		st = model_predict(m, e->scratch, d->text[i],
				   strlen(d->text[i]), &p);
		if (st != CORE_OK)
			return core_fail(err, st, "%s:%zu: %s", d->path,
					 d->line[i], core_strerror(st));
		e->pred[i] = p.tag;
		e->cleaned[i] = strdup(model_scratch_cleaned(e->scratch));
		if (e->cleaned[i] == NULL)
			return core_fail(err, CORE_ERR_NOMEM, "out of memory");
	}
	return CORE_OK;
}

enum core_status
evaluate_model(const struct model *m, const struct dataset *d,
	       struct metrics_report *rep, struct core_error *err)
{
	const char *classes[CORE_MAX_CLASSES];
	size_t nk = model_class_count(m);
	struct eval e = { 0 };
	enum core_status st;

	for (size_t k = 0; k < nk; k++)
		classes[k] = model_class_name(m, k);
	e.n = d->n;
	e.y = calloc(d->n + 1, sizeof(*e.y));
	e.pred = calloc(d->n + 1, sizeof(*e.pred));
	e.cleaned = calloc(d->n + 1, sizeof(*e.cleaned));
	e.scratch = model_scratch_new(m);
	if (e.y == NULL || e.pred == NULL || e.cleaned == NULL ||
	    e.scratch == NULL) {
		st = core_fail(err, CORE_ERR_NOMEM, "out of memory");
		goto out;
	}
	st = dataset_encode(d, classes, nk, e.y, err);
	if (st == CORE_OK)
		st = predict_rows(m, d, &e, err);
	if (st == CORE_OK)
		metrics_compute(e.y, e.pred, d->n, nk,
				(const char *const *)d->tag,
				(const char *const *)e.cleaned, rep);
out:
	release(&e);
	return st;
}
