/* SPDX-License-Identifier: MIT
 * fcgi/options.h - tagifai-fcgi's command line and TAGIFAI_* environment.
 * Parsing prints nothing and exits nothing, so unit tests drive it; main
 * prints the usage, the version or the error it reports.
 */
#ifndef FCGI_OPTIONS_H
#define FCGI_OPTIONS_H

#include <stdbool.h>
#include <stdio.h>

#include "fcgi/app.h"
#include "fcgi/status.h"

#ifndef TAGIFAI_MODELDIR
#define TAGIFAI_MODELDIR "/usr/local/share/tagifai-fcgi/models"
#endif
#ifndef TAGIFAI_WWWDIR
#define TAGIFAI_WWWDIR "/usr/local/share/tagifai-fcgi/www"
#endif

#define OPTIONS_DEFAULT_MODEL TAGIFAI_MODELDIR "/default.tagifai"
#define OPTIONS_DEFAULT_BACKLOG 64
#define OPTIONS_MAX_BACKLOG 65535          /* listen(2) takes an int */
#define OPTIONS_MAX_TEXTS 1000000          /* --max-texts */
#define OPTIONS_MAX_TEXT_CHARS 10000000    /* --max-text-chars */
#define OPTIONS_MAX_BATCH_ITEMS 100000000  /* --max-batch-items */
#define OPTIONS_ERR_MAX 256                /* an error sentence */
#define OPTIONS_DEFAULT_BATCH_THREADS 1    /* --batch-threads */
#define OPTIONS_DEFAULT_BATCH_NICE 10      /* --batch-nice */
#define OPTIONS_MAX_BATCH_NICE 19          /* the lowest priority */

enum options_action {
	OPTIONS_SERVE = 0,
	OPTIONS_HELP,        /* --help: print options_usage, exit 0 */
	OPTIONS_VERSION      /* --version */
};

struct options {
	struct app_config cfg;
	size_t workers;             /* 0: serve in this process */
	/* --metrics-dir: the directory of the counters shared by processes
	 * started by someone else (fcgi/stats.h); NULL: none. */
	const char *metrics_dir;
	/* The batch-job runner the master supervises beside its workers
	 * (fcgi/runner.h): --batch-runner, on by default when there are a
	 * --registry and --workers, resolved to false without them. */
	bool batch_runner;
	size_t batch_threads;       /* its tagging threads */
	int batch_nice;             /* added to its niceness, 0..19 */
	enum options_action action;
	/* With SERVICE_ERR_USAGE: the usage goes to stderr after the error
	 * (an unknown option, not a bad value). */
	bool show_usage;
};

/* Fills o from the TAGIFAI_* variables, then argv (options win).
 * SERVICE_OK, or SERVICE_ERR_USAGE with one sentence in err.  Uses
 * getopt_long: resets optind itself, so it may be called again. */
enum service_status options_parse(int argc, char **argv, struct options *o,
				  char *err, size_t err_len)
	SERVICE_WARN_UNUSED;

/* Writes the --help text. */
void options_usage(FILE *f);

#endif
