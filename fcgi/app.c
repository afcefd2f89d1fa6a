/* SPDX-License-Identifier: MIT
 * fcgi/app.c - builds the per-process state once, before the accept loop.
 */
#include <stdio.h>
#include <string.h>

#include "fcgi/app.h"
#include "fcgi/stats.h"

/* Registers the model in the pool's counters: its name, version,
 * checksum and tags become the labels of its predictions. */
static int
app_stats_model(struct app *a)
{
	const struct model_identity *id = model_identity(a->model.model);
	const char *tags[STATS_CLASSES_MAX];
	size_t n = a->model.n_classes;
	int i;

	if (a->cfg.stats == NULL)
		return -1;
	if (n > STATS_CLASSES_MAX)
		n = STATS_CLASSES_MAX;
	for (size_t k = 0; k < n; k++)
		tags[k] = model_class_name(a->model.model, k);
	i = stats_model(a->cfg.stats, id->name, id->version, id->checksum,
			tags, n);
	if (i < 0)
		fprintf(stderr, "tagifai-fcgi: metrics: %d model versions "
			"counted already: this one's predictions are not "
			"broken down\n", STATS_MODELS_MAX);
	stats_serving(a->cfg.stats, i);
	return i;
}

enum service_status
app_init(struct app *a, const struct app_config *cfg, char *err,
	 size_t err_len)
{
	enum service_status st;

	memset(a, 0, sizeof(*a));
	a->cfg = *cfg;
	st = app_model_open(&a->model, a->cfg.model_path, cfg->lazy, err,
			    err_len);
	if (st != SERVICE_OK)
		goto fail;
	a->stats_model = app_stats_model(a);
	st = www_load(&a->www, cfg->www_dir, cfg->lazy, a->www_notes,
		      sizeof(a->www_notes));
	if (st != SERVICE_OK) {
		snprintf(err, err_len, "%s", service_strerror(st));
		goto fail;
	}
	return SERVICE_OK;
fail:
	app_free(a);
	return st;
}

void
app_free(struct app *a)
{
	www_free(&a->www);
	app_model_close(&a->model);
	memset(a, 0, sizeof(*a));
}
