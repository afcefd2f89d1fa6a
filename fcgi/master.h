/* SPDX-License-Identifier: MIT
 * fcgi/master.h - the pre-fork master of `tagifai-fcgi --workers N`.
 *
 * The master owns one listening socket (--listen, or the FastCGI socket
 * inherited on fd 0) and a loaded struct app.  It forks N workers that run
 * the ordinary accept loop on that socket, respawns a worker that dies
 * (with back-off when workers keep dying young), reloads the model on
 * SIGHUP with a rolling restart and stops gracefully on SIGTERM/SIGINT.
 * With a registry it also runs the batch-job runner (fcgi/runner.h) in
 * a process of its own, restarted the same way and stopped with the
 * workers.  It never touches FastCGI itself: the accept loop is the callback given
 * by fcgi/main.c (serve_fcgi), so this file stays free of fcgiapp.h.
 * doc/SUPERVISION.md describes the behaviour for operators.
 */
#ifndef FCGI_MASTER_H
#define FCGI_MASTER_H

#include "fcgi/app.h"
#include "fcgi/runner.h"

#define MASTER_MAX_WORKERS 64         /* upper bound for --workers */
#define MASTER_BACKOFF_MIN_MS 100     /* first delay after a young death */
#define MASTER_BACKOFF_MAX_MS 5000    /* the delay doubles up to this */
#define MASTER_HEALTHY_MS 10000       /* a worker this old resets it */
#define MASTER_READY_MS 100           /* a new worker this old counts as
				       * serving during a rolling reload */
#define MASTER_STOP_TIMEOUT_MS 30000  /* SIGTERM -> SIGKILL for workers */

/* The accept loop one worker runs: serves app on the listening socket
 * sock until SIGTERM/SIGINT, finishing the request in flight, and returns
 * the process exit status (0 after a signal). */
typedef int (*master_serve_fn)(struct app *app, int sock);

struct master_config {
	unsigned workers;       /* 1..MASTER_MAX_WORKERS */
	int sock;               /* the listening socket, shared by workers */
	const char *unix_path;  /* its path if we created a unix socket */
	master_serve_fn serve;
	/* The batch-job runner to supervise beside the workers; NULL:
	 * none. */
	const struct runner_config *runner;
};

/* Runs the master until SIGTERM or SIGINT.  app is the loaded state of
 * the first generation of workers; the master takes it over and frees it
 * (and every later generation) before returning.  On SIGHUP a new app is
 * built from app->cfg (the same --model path, re-read from disk); if that
 * fails the reason is logged and the running workers keep serving.
 * Workers block in accept() on the shared socket.  To stop, the master
 * calls listen_begin_drain and then sends SIGTERM: each worker finishes
 * its request, serves what is still queued, and exits; the runner drops
 * the chunk in hand and exits.  A reload leaves the runner alone: it
 * opens the version each job names, not the served model.
 * Returns the exit status for main: 0 after a graceful stop, 1 when the
 * master could not run (signal set-up or fork failed at start).
 * Log lines go to stderr, prefixed "tagifai-fcgi: master:". */
int master_run(struct app *app, const struct master_config *mc);

#endif
