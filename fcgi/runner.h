/* SPDX-License-Identifier: MIT
 * fcgi/runner.h - the batch-job runner process of `tagifai-fcgi
 * --workers N --registry DIR`: the master (fcgi/master.c) forks it
 * beside the workers and restarts it when it dies; it runs
 * jobs_runner_loop (jobs/runner.h) on a store connection of its own and
 * never serves a request.  doc/SUPERVISION.md describes it.
 */
#ifndef FCGI_RUNNER_H
#define FCGI_RUNNER_H

#include <stddef.h>

/* What main tells the master about the runner. */
struct runner_config {
	const char *registry;  /* the registry directory */
	size_t threads;        /* tagging threads */
	int nice;              /* added to the process's niceness */
};

/* In the child the master just forked, with the signal set-up main made
 * given back: takes SIGTERM and SIGINT as "stop" (the chunk in hand is
 * not committed; the job stays running and is resumed by the next
 * runner), runs jobs until then and returns the exit status: 0 after a
 * stop, 1 when the loop failed.  Log lines go to stderr, prefixed
 * "tagifai-fcgi: batch runner:", one per committed chunk. */
int runner_run(const struct runner_config *c);

#endif
