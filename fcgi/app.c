/* SPDX-License-Identifier: MIT
 * fcgi/app.c - builds the per-process state once, before the accept loop.
 */
#include <stdio.h>
#include <string.h>

#include "fcgi/app.h"
#include "fcgi/stats.h"

/* Registers m in the pool's counters, once: its name, version, checksum
 * and tags become the labels of its predictions. */
int
app_stats_index(struct app *a, struct app_model *m)
{
	const struct model_identity *id;
	const char *tags[STATS_CLASSES_MAX];
	size_t n = m->n_classes;

	if (a->cfg.stats == NULL)
		return -1;
	if (m->stats_bound)
		return m->stats_index;
	id = model_identity(m->model);
	if (n > STATS_CLASSES_MAX)
		n = STATS_CLASSES_MAX;
	for (size_t k = 0; k < n; k++)
		tags[k] = model_class_name(m->model, k);
	m->stats_index = stats_model(a->cfg.stats, id->name, id->version,
				     id->checksum, tags, n);
	m->stats_bound = true;
	if (m->stats_index < 0)
		fprintf(stderr, "tagifai-fcgi: metrics: %d model versions "
			"counted already: this one's predictions are not "
			"broken down\n", STATS_MODELS_MAX);
	return m->stats_index;
}

/* The model POST /predict serves is the one this process's slot
 * reports (tagifai_model_info). */
static void
serve_stats(struct app *a)
{
	a->stats_model = app_stats_index(a, app_served(a));
	stats_serving(a->cfg.stats, a->stats_model);
}

enum service_status
app_init(struct app *a, const struct app_config *cfg, char *err,
	 size_t err_len)
{
	enum service_status st;

	memset(a, 0, sizeof(*a));
	a->cfg = *cfg;
	if (cfg->registry_dir != NULL)
		st = registry_init(&a->reg, cfg->registry_dir,
				   cfg->default_model, cfg->model_path,
				   cfg->lazy, cfg->generation, err, err_len);
	else
		st = app_model_open(&a->own, a->cfg.model_path, cfg->lazy,
				    err, err_len);
	if (st != SERVICE_OK)
		goto fail;
	serve_stats(a);
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
	app_model_close(&a->own);
	registry_free(&a->reg);
	memset(a, 0, sizeof(*a));
}

struct app_model *
app_served(struct app *a)
{
	struct registry_entry *e = registry_default(&a->reg);

	return e != NULL ? &e->model : &a->own;
}

const char *
app_served_x_model(struct app *a)
{
	return app_served(a)->x_model;
}

void
app_refresh(struct app *a)
{
	if (a->cfg.registry_dir != NULL && !a->cfg.lazy) {
		char before[APP_MODEL_X_MODEL_MAX];

		/* by name/version: a refresh may reopen the same version */
		snprintf(before, sizeof(before), "%s", app_served_x_model(a));
		registry_refresh(&a->reg);
		if (strcmp(before, app_served_x_model(a)) != 0)
			serve_stats(a);
	}
}
