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
	st = app_model_open(&a->model, a->cfg.model_path, cfg->lazy, err,
			    err_len);
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
	app_model_close(&a->model);
	memset(a, 0, sizeof(*a));
}
