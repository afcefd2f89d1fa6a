/* SPDX-License-Identifier: MIT
 * fcgi/main.c - tagifai-fcgi: the options, the model loaded once, then
 * one plain CGI request (fcgi/serve.c), the accept loop on the FastCGI
 * socket (fcgi/serve.c, fcgi/listen.c, fcgi/transport.c), or with
 * --workers N the pre-fork master of fcgi/master.c, which forks N workers
 * running that loop on the same socket, respawns them and reloads the
 * model on SIGHUP, and with --registry supervises the batch-job runner
 * (fcgi/runner.c) as well (doc/SUPERVISION.md).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include "fcgi/route.h"
#include "fcgi/app.h"
#include "fcgi/listen.h"
#include "fcgi/master.h"
#include "fcgi/options.h"
#include "fcgi/serve.h"
#include "fcgi/stats.h"
#include "fcgi/transport.h"

#define MAIN_EXIT_USAGE 2   /* a bad option; 1 is any other failure */

static void
ready_line(struct app *app, const char *where)
{
	const struct model_identity *id = model_identity(
		app_served(app)->model);

	fprintf(stderr, "tagifai-fcgi: ready: model %s version %s checksum %s"
		" (%s); listening on %s; max body %zu, max texts %zu, max "
		"text chars %zu; %s\n", id->name, id->version, id->checksum,
		app->cfg.model_path, where, app->cfg.max_body,
		app->cfg.limits.value[SCHEMA_LIMIT_TEXTS],
		app->cfg.limits.value[SCHEMA_LIMIT_TEXT_CHARS],
		app->www_notes);
	if (app->cfg.registry_dir != NULL) {
		const struct registry_entry *e = registry_default(&app->reg);

		fprintf(stderr, "tagifai-fcgi: registry %s: default model %s "
			"version %lld; management routes need an API key "
			"(tagifai users create NAME --role admin)%s%s\n",
			app->cfg.registry_dir, app->cfg.default_model,
			e ? e->version : 0,
			app->cfg.require_auth & ROUTE_GATE_PREDICT ?
			"; prediction too" : "",
			app->cfg.require_auth & ROUTE_GATE_METRICS ?
			"; /metrics too" : "");
	}
}

/* The /metrics counters (fcgi/stats.h): shared with the workers the
 * master forks, with the processes using --metrics-dir, or this
 * process's own.  None under CGI: one request, then the process is
 * gone.  A --metrics-dir that cannot be used (unwritable, full, another
 * layout) costs the pool its exact sums, not its service: the process
 * says so and counts alone. */
static enum service_status
open_stats(const struct options *o, struct stats *s)
{
	char err[SERVICE_ERR_MAX];
	enum service_status st;

	if (o->workers > 0) {
		st = stats_open_pool(s, err, sizeof(err));
	} else if (o->metrics_dir != NULL) {
		st = stats_open_file(s, o->metrics_dir, err, sizeof(err));
		if (st == SERVICE_OK)
			return st;
		fprintf(stderr, "tagifai-fcgi: %s; /metrics counts this "
			"process only\n", err);
		st = stats_open_private(s, err, sizeof(err));
	} else {
		st = stats_open_private(s, err, sizeof(err));
	}
	if (st != SERVICE_OK)
		fprintf(stderr, "tagifai-fcgi: %s\n", err);
	return st;
}

/* Parses the options; -1 to go on, else the exit status. */
static int
options(int argc, char **argv, struct options *o)
{
	char err[OPTIONS_ERR_MAX];

	if (options_parse(argc, argv, o, err, sizeof(err)) != SERVICE_OK) {
		fprintf(stderr, "tagifai-fcgi: %s\n", err);
		if (o->show_usage)
			options_usage(stderr);
		return MAIN_EXIT_USAGE;
	}
	switch (o->action) {
	case OPTIONS_HELP:
		options_usage(stdout);
		return 0;
	case OPTIONS_VERSION:
		printf("tagifai-fcgi %s\n", PACKAGE_VERSION);
		return 0;
	default:
		return -1;
	}
}

int
main(int argc, char **argv)
{
	static struct stats stats;  /* the pool's, across reloads */
	struct options o;
	struct app app;
	char err[SERVICE_ERR_MAX];
	int sock = 0, rc;
	bool cgi;

	rc = options(argc, argv, &o);
	if (rc >= 0)
		return rc;
	if (transport_init() != SERVICE_OK) {
		fprintf(stderr, "tagifai-fcgi: FCGX_Init failed\n");
		return 1;
	}
	/* Checked once: with --listen we never are CGI. */
	cgi = o.cfg.listen == NULL && transport_is_cgi();
	/* A CGI process answers one request: read pages and reports only if
	 * that request needs them. */
	o.cfg.lazy = cgi;
	if (!cgi) {
		if (open_stats(&o, &stats) != SERVICE_OK)
			return 1;
		o.cfg.stats = &stats;
	}
	/* The registry's generation page, shared by every process forked
	 * from here on (fcgi/registry.h); a CGI process reads the registry
	 * once and needs none. */
	if (o.cfg.registry_dir != NULL && !cgi) {
		void *page = mmap(NULL, sizeof(registry_gen_t),
				  PROT_READ | PROT_WRITE,
				  MAP_SHARED | MAP_ANONYMOUS, -1, 0);

		if (page == MAP_FAILED)
			fprintf(stderr, "tagifai-fcgi: mmap: %s; workers will "
				"notice registry changes within %d ms\n",
				strerror(errno), REGISTRY_POLL_MS);
		else
			o.cfg.generation = page;
	}
	if (app_init(&app, &o.cfg, err, sizeof(err)) != SERVICE_OK) {
		fprintf(stderr, "tagifai-fcgi: %s\n", err);
		stats_close(&stats);
		return 1;
	}
	if (cgi) {
		rc = serve_cgi(&app);
		app_free(&app);
		return rc;
	}
	if (o.cfg.listen != NULL &&
	    listen_open(o.cfg.listen, o.cfg.backlog, &sock) != SERVICE_OK) {
		fprintf(stderr, "tagifai-fcgi: cannot listen on %s\n",
			o.cfg.listen);
		app_free(&app);
		stats_close(&stats);
		return 1;
	}
	if (listen_blocking(sock) != SERVICE_OK)
		fprintf(stderr, "tagifai-fcgi: cannot make the socket "
			"blocking: %s\n", strerror(errno));
	serve_signals_setup();
	ready_line(&app, o.cfg.listen ? o.cfg.listen : "fd 0");
	if (o.workers > 0) {
		/* The pre-fork master (fcgi/master.c); it frees app. */
		struct runner_config runner = { o.cfg.registry_dir,
						o.batch_threads,
						o.batch_nice };
		struct master_config mc = { (unsigned)o.workers, sock,
					    listen_unix_path(o.cfg.listen),
					    serve_fcgi,
					    o.batch_runner ? &runner : NULL };

		rc = master_run(&app, &mc);
		stats_close(&stats);
		return rc;
	}
	if (o.cfg.listen != NULL)
		serve_own_socket(listen_unix_path(o.cfg.listen));
	rc = serve_fcgi(&app, sock);
	app_free(&app);
	stats_close(&stats);
	return rc;
}
