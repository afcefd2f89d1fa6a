/* SPDX-License-Identifier: MIT
 * fcgi/runner.h - the batch-job runner process of `tagifai-fcgi
 * --workers N --registry DIR`: the master (fcgi/master.c) forks it
 * beside the workers and restarts it when it dies; it runs
 * jobs_runner_loop (jobs/runner.h) on a store connection of its own and
 * never serves a request.  doc/SUPERVISION.md describes it.
 */
#ifndef FCGI_RUNNER_H
#define FCGI_RUNNER_H

#include <signal.h>
#include <stddef.h>

struct stats;

/* What main tells the master about the runner. */
struct runner_config {
	const char *registry;  /* the registry directory */
	size_t threads;        /* tagging threads */
	int nice;              /* added to the process's niceness */
	struct stats *stats;   /* the pool's counters (fcgi/stats.h) */
};

/* In the child the master just forked, its signals still blocked:
 * takes SIGTERM and SIGINT as "stop" (the chunk in hand is not
 * committed; the job stays running and is resumed by the next runner),
 * then sets the signal mask to *mask, runs jobs until a stop and returns
 * the exit status: 0 after a stop, 1 when the loop failed.  Log lines go
 * to stderr, prefixed "tagifai-fcgi: batch runner:", one per committed
 * chunk. */
int runner_run(const struct runner_config *c, const sigset_t *mask);

#endif
