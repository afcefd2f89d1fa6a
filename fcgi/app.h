/* SPDX-License-Identifier: MIT
 * fcgi/app.h - everything one server process holds: its configuration,
 * the model it serves (fcgi/app_model.h) and the pages.  There is no
 * global state: handlers receive the app.
 *
 * app_init/app_free are the only places that build or release it: the
 * pre-fork master (fcgi/master.c) reloads on SIGHUP by building a second
 * app and forking the next generation of workers from it.
 */
#ifndef FCGI_APP_H
#define FCGI_APP_H

#include <stdbool.h>
#include <stddef.h>

#include "fcgi/app_model.h"
#include "fcgi/auth.h"
#include "fcgi/registry.h"
#include "fcgi/status.h"
#include "fcgi/www.h"
#include "schemas/schema.h"

#define APP_DEFAULT_MAX_BODY (1u << 20)   /* 1 MiB */
#define APP_MAX_MAX_BODY (64u << 20)      /* upper bound for --max-body */
#define APP_WWW_NOTES_MAX 512             /* the ready line's page notes */
#define APP_DEFAULT_MAX_UPLOAD (64u << 20) /* 64 MiB: an uploaded version */
#define APP_MAX_MAX_UPLOAD (1u << 30)     /* upper bound for --max-upload */
#define APP_DEFAULT_MODEL_NAME "tagifai"  /* --default-model */

struct stats;

struct app_config {
	const char *model_path;
	const char *listen;       /* NULL: inherited socket (fd 0) */
	int backlog;
	const char *www_dir;
	const char *prefix;       /* NULL: from SCRIPT_NAME/PATH_INFO */
	size_t max_body;
	struct schema_limits limits;
	/* A log line for every request; without it only answers >= 500
	 * are logged (the web server keeps the access log, and a line per
	 * request costs a write() per request). */
	bool access_log;
	/* Plain CGI (one request per process): read the pages, static
	 * files and the args/performance reports only when a request needs
	 * them, instead of before the first accept. */
	bool lazy;
	/* The request counters (fcgi/stats.h), shared by the pool and
	 * kept across reloads; NULL under plain CGI (no /metrics). */
	struct stats *stats;
	bool log_json;            /* --log-format json */
	/* The model registry (fcgi/registry.h): NULL serves model_path
	 * alone, as the seed did. */
	const char *registry_dir;
	const char *default_model;    /* the model POST /predict serves */
	size_t max_upload;            /* body of POST .../versions */
	/* The route_gate bits --require-auth closed (fcgi/route.h). */
	unsigned require_auth;
	/* The generation page mapped MAP_SHARED before any fork (main), or
	 * NULL: then only the generation file tells of changes. */
	registry_gen_t *generation;
};

struct app {
	struct app_config cfg;
	struct app_model own;         /* cfg.model_path, without a registry */
	struct registry reg;          /* with one: the served versions */
	struct www www;
	char www_notes[APP_WWW_NOTES_MAX];
	int stats_model;              /* the served model's index in cfg.stats */
	struct auth_cache auth;       /* verified API keys (fcgi/auth.h) */
};

/* Opens the model, and unless cfg->lazy, parses the reports and loads
 * the pages.  SERVICE_OK, or an error with a message in err (the
 * core_error text when the model fails).  On failure a is left freed
 * (app_free is safe to call). */
enum service_status app_init(struct app *a, const struct app_config *cfg,
			     char *err, size_t err_len) SERVICE_WARN_UNUSED;
void app_free(struct app *a);

/* m's index among the models the pool's counters know (registered on
 * first use; -1 without counters or when the table is full). */
int app_stats_index(struct app *a, struct app_model *m);

/* The model POST /predict serves: the default model's active version,
 * or the one model without a registry.  Only valid until the next
 * app_refresh (a struct app may be copied: no pointer into it is kept). */
struct app_model *app_served(struct app *a);

/* The identity header of app_served (X-Model). */
const char *app_served_x_model(struct app *a);

/* Called before each request: picks up registry changes made by other
 * processes (fcgi/registry.h); no system call unless one happened. */
void app_refresh(struct app *a);

#endif
