/* SPDX-License-Identifier: MIT
 * fcgi/app.c - builds the per-process state once, before the accept loop.
 */
#include <stdio.h>
#include <string.h>

#include "fcgi/app.h"

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
	if (a->cfg.registry_dir != NULL && !a->cfg.lazy)
		registry_refresh(&a->reg);
}
