/* SPDX-License-Identifier: MIT
 * fcgi/app.h - everything one server process holds: its configuration,
 * the model handle, the model's metadata pre-serialised for answers, and
 * the pages.  There is no global state: handlers receive the app.
 *
 * app_init/app_free are the only places that build or release it, so a
 * future pre-fork master can reload by building a second app and
 * swapping.
 */
#ifndef FCGI_APP_H
#define FCGI_APP_H

#include <stdbool.h>
#include <stddef.h>

#include "core/model.h"
#include "fcgi/www.h"
#include "schemas/schema.h"

#define APP_DEFAULT_MAX_BODY (1u << 20)   /* 1 MiB */
#define APP_MAX_MAX_BODY (64u << 20)      /* upper bound for --max-body */

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
};

/* A top-level member of args/performance, serialised as Python would. */
struct app_member {
	char *key;
	size_t key_len;
	char *json;
};

struct app {
	struct app_config cfg;
	struct model *model;
	struct model_scratch *scratch;
	bool reports_loaded;          /* args and perf below are set */
	char *args_json;              /* the whole args object */
	struct app_member *args;      /* its members */
	size_t n_args;
	char *arg_names;              /* "a, b, c" for the 404 message */
	char *perf_json;
	struct app_member *perf;
	size_t n_perf;
	char *model_json;             /* {"name","version","checksum"} */
	char x_model[256];            /* X-Model: name/version */
	char **class_json;            /* class names as JSON strings */
	size_t n_classes;
	struct www www;
	char www_notes[512];
};

/* Opens the model, and unless cfg->lazy, parses the reports and loads
 * the pages.  Returns 0, or -1 with a message in err (the core_error
 * text when the model fails).  On failure a is left freed (app_free is
 * safe to call). */
int app_init(struct app *a, const struct app_config *cfg, char *err,
	     size_t err_len);
void app_free(struct app *a);

/* Makes sure args_json, args, arg_names, perf_json and perf are set
 * (parsing the model's reports now when lazy).  Returns 0, or -1 with a
 * message in err; a failure is not remembered. */
int app_reports(struct app *a, char *err, size_t err_len)
	__attribute__((warn_unused_result));

/* The member called key (key_len bytes), or NULL. */
const struct app_member *app_member_find(const struct app_member *m,
					 size_t n, const char *key,
					 size_t key_len);

#endif
