/* SPDX-License-Identifier: MIT
 * fcgi/app_model.h - one model as the service serves it: the mapped
 * handle, the scratch its predictions use, its identity and class names
 * pre-serialised for answers, and its args/performance reports.  Each
 * holds only its own state, so several can live side by side (the model
 * registry comes next); a process builds them before its first accept.
 */
#ifndef FCGI_APP_MODEL_H
#define FCGI_APP_MODEL_H

#include <stdbool.h>
#include <stddef.h>

#include "core/model.h"
#include "fcgi/status.h"

#define APP_MODEL_X_MODEL_MAX 256   /* the X-Model header value */
#define APP_MODEL_KEY_MAX 512       /* longest report key kept */

/* A top-level member of args/performance, serialised as Python would. */
struct app_member {
	char *key;
	size_t key_len;
	char *json;
};

/* The model's reports, parsed with the Python-compatible reader so that
 * answers print them exactly as the reference does. */
struct app_reports {
	bool loaded;                  /* the fields below are set */
	char *args_json;              /* the whole args object */
	struct app_member *args;      /* its members */
	size_t n_args;
	char *arg_names;              /* "a, b, c" for the 404 message */
	char *perf_json;
	struct app_member *perf;
	size_t n_perf;
};

struct app_model {
	struct model *model;
	struct model_scratch *scratch;
	char *json;                   /* {"name","version","checksum"} */
	char x_model[APP_MODEL_X_MODEL_MAX];  /* name/version */
	char **class_json;            /* class names as JSON strings */
	size_t n_classes;
	struct app_reports reports;
	/* Its index among the pool's counted models (fcgi/stats.h), once
	 * app_stats_index has registered it (-1: no room left). */
	bool stats_bound;
	int stats_index;
};

/* Opens the model at path, and unless lazy parses its
 * reports.  SERVICE_ERR_MODEL (core's message in err, naming the file)
 * or SERVICE_ERR_NOMEM; on failure m is left closed. */
enum service_status app_model_open(struct app_model *m, const char *path,
				   bool lazy, char *err, size_t err_len)
	SERVICE_WARN_UNUSED;
void app_model_close(struct app_model *m);

/* Makes sure m->reports is loaded (parsing the reports now when lazy).
 * SERVICE_OK, or an error with a message in err; a failure is not
 * remembered. */
enum service_status app_model_reports(struct app_model *m, char *err,
				      size_t err_len) SERVICE_WARN_UNUSED;

/* The member called key (key_len bytes), or NULL. */
const struct app_member *app_member_find(const struct app_member *m,
					 size_t n, const char *key,
					 size_t key_len);

#endif
