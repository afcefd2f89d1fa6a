/* SPDX-License-Identifier: MIT
 * jobs/runner.h - the batch-job runner: claims jobs from a registry
 * (store/jobs.h), tags their items with the version they name (core/,
 * several threads, input order) and commits the results chunk by chunk.
 * It runs outside any request: as a process supervised by the service's
 * master (--workers), as `tagifai batch-runner --registry DIR` (the
 * service when there is no master: a systemd unit), or in process for one
 * job (`tagifai batch run`).  Nothing here knows HTTP.
 */
#ifndef JOBS_RUNNER_H
#define JOBS_RUNNER_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>

#include "store/jobs.h"

#define JOBS_CHUNK 2048        /* items per committed chunk */
#define JOBS_POLL_MS 200       /* an idle runner looks for work this often */

enum jobs_status {
	JOBS_OK = 0,
	JOBS_ERR_NOMEM,
	JOBS_ERR_STORE,     /* the registry failed: err says how */
	JOBS_ERR_STOPPED,   /* *stop was set */
	JOBS__MAX
};

const char *jobs_strerror(enum jobs_status st);

struct jobs_progress {
	long long done;
	long long total;
};

struct jobs_runner_opts {
	const char *registry;       /* the registry directory */
	size_t threads;             /* tagging threads, 1..BATCH_MAX_JOBS */
	int nice;                   /* added to the runner's niceness */
	/* Set (from a signal handler) to stop: the chunk in hand is not
	 * committed, the job stays running and is resumed next time. */
	volatile sig_atomic_t *stop;
	/* jobs_runner_loop returns JOBS_OK once no job is left to claim
	 * (`tagifai batch runner --until-idle`: cron, benchmarks). */
	bool until_idle;
	/* Called after every committed chunk; may be NULL. */
	void (*progress)(void *ctx, const struct store_job *job,
			 const struct jobs_progress *p);
	void *ctx;
};

/* The service loop: claims and runs jobs until *stop (idle: looks again
 * every JOBS_POLL_MS, or returns JOBS_OK with until_idle).  A store
 * failure is logged and retried with back-off, never fatal.  Returns
 * JOBS_ERR_STOPPED after a stop. */
enum jobs_status jobs_runner_loop(const struct jobs_runner_opts *o,
				  struct store_error *err);

/* Records a job of inputs[0..n) for model/version (as store_job_create)
 * and runs it to its end in this process (`tagifai batch run`).  *out is
 * the job as it ended (succeeded, failed or cancelled). */
enum jobs_status jobs_run_inputs(const struct jobs_runner_opts *o,
				 const char *model, long long version,
				 const struct store_job_input *inputs,
				 size_t n, const char *by,
				 struct store_job *out,
				 struct store_error *err);

#endif
