/* SPDX-License-Identifier: MIT
 * fcgi/runner.c - the batch-job runner process the master supervises:
 * signals, the log, and jobs_runner_loop (jobs/runner.c does the work).
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "fcgi/runner.h"
#include "fcgi/stats.h"
#include "jobs/runner.h"

#define LOG_PREFIX "tagifai-fcgi: batch runner: "

static volatile sig_atomic_t stop_flag;

static void
on_stop(int sig)
{
	(void)sig;
	stop_flag = 1;
}

/* One line per committed chunk: "job ID: items FROM..TO committed (DONE
 * of TOTAL)", TO exclusive.  Chunks are JOBS_CHUNK items from a
 * multiple of JOBS_CHUNK (a resumed job restarts at items_done), so the
 * range follows from done; tests count these lines to prove that no
 * chunk is committed twice. */
static void
progress(void *ctx, const struct store_job *job,
	 const struct jobs_progress *p)
{
	const struct runner_config *c = ctx;
	long long from = p->done > 0 ? (p->done - 1) / JOBS_CHUNK * JOBS_CHUNK
				     : 0;

	stats_batch_items(c->stats, (uint64_t)(p->done - from));
	fprintf(stderr, LOG_PREFIX "pid %ld: job %s: items %lld..%lld "
		"committed (%lld of %lld)\n", (long)getpid(), job->id, from,
		p->done, p->done, p->total);
}

int
runner_run(const struct runner_config *c, const sigset_t *mask)
{
	struct jobs_runner_opts o;
	struct store_error err;
	struct sigaction sa;
	enum jobs_status st;

	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	/* No SA_RESTART: a stop interrupts the idle sleep at once. */
	sa.sa_handler = on_stop;
	if (sigaction(SIGTERM, &sa, NULL) != 0 ||
	    sigaction(SIGINT, &sa, NULL) != 0 ||
	    sigprocmask(SIG_SETMASK, mask, NULL) != 0) {
		fprintf(stderr, LOG_PREFIX "signals: %s\n", strerror(errno));
		return 1;
	}
	memset(&o, 0, sizeof(o));
	o.registry = c->registry;
	o.threads = c->threads;
	o.nice = c->nice;
	o.stop = &stop_flag;
	o.progress = progress;
	o.ctx = (void *)c;
	memset(&err, 0, sizeof(err));
	fprintf(stderr, LOG_PREFIX "pid %ld: registry %s, %zu thread%s, "
		"nice +%d\n", (long)getpid(), c->registry, c->threads,
		c->threads == 1 ? "" : "s", c->nice);
	st = jobs_runner_loop(&o, &err);
	if (st == JOBS_ERR_STOPPED) {
		fprintf(stderr, LOG_PREFIX "pid %ld: stopped\n",
			(long)getpid());
		return 0;
	}
	fprintf(stderr, LOG_PREFIX "pid %ld: %s%s%s\n", (long)getpid(),
		jobs_strerror(st), err.msg[0] ? ": " : "", err.msg);
	return 1;
}
