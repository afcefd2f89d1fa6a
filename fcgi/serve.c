/* SPDX-License-Identifier: MIT
 * fcgi/serve.c - the accept loop and the stop signals (fcgi/serve.h).
 */
#define _GNU_SOURCE 1  /* ppoll */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "fcgi/listen.h"
#include "fcgi/serve.h"
#include "fcgi/server.h"
#include "fcgi/transport.h"
#include "util/clock.h"

/* Stop state, shared with the signal handler (see serve.h). */
static volatile sig_atomic_t stop_requested;
static volatile sig_atomic_t stop_draining;  /* serve the queue, then exit */
static int stop_listen_fd = -1;   /* the listening fd serve_fcgi accepts on */
static int stop_dead_fd = -1;     /* a socket that is not listening */
static bool stop_own_socket;      /* no other process accepts on it */
static const char *stop_unix_path; /* its path, for a unix socket */

static void
on_signal(int sig)
{
	int saved = errno, fl;

	(void)sig;
	stop_requested = 1;
	if (stop_listen_fd >= 0) {
		if (stop_own_socket)
			listen_begin_drain(stop_listen_fd, stop_unix_path);
		fl = fcntl(stop_listen_fd, F_GETFL);
		if (fl >= 0 && (fl & O_NONBLOCK)) {
			stop_draining = 1;
		} else if (stop_dead_fd >= 0) {
			transport_shutdown_pending();
			dup2(stop_dead_fd, stop_listen_fd);
		}
	}
	errno = saved;
}

void
serve_signals_setup(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

void
serve_own_socket(const char *unix_path)
{
	stop_own_socket = true;
	stop_unix_path = unix_path;
}

int
serve_cgi(struct app *app)
{
	enum service_status st = server_handle(app, &transport_cgi_io);

	/* Close standard output now: the web server ends the response at
	 * EOF, so what follows (freeing, unmapping the model, the exit
	 * itself: about half a millisecond) is off the client's clock. */
	if (fclose(stdout) != 0)
		st = SERVICE_ERR_IO;
	return st == SERVICE_OK ? 0 : 1;
}

/* Waits until fd is readable, with the stop signals let through only in
 * ppoll; false when a stop signal came first.  For a kept connection
 * (nginx fastcgi_keep_conn), whose read the fd swap cannot interrupt
 * without breaking a request, and for a listening socket another process
 * left non-blocking. */
static bool
wait_readable(int fd)
{
	struct pollfd p = { fd, POLLIN, 0 };
	sigset_t stop, old;
	bool ready = false;

	sigemptyset(&stop);
	sigaddset(&stop, SIGTERM);
	sigaddset(&stop, SIGINT);
	if (sigprocmask(SIG_BLOCK, &stop, &old) != 0)
		return !stop_requested;
	while (!stop_requested) {
		int n = ppoll(&p, 1, NULL, &old);

		if (n > 0 || (n < 0 && errno != EINTR)) {
			ready = true;  /* transport_accept reports errors */
			break;
		}
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
	return ready;
}

int
serve_fcgi(struct app *app, int sock)
{
	struct transport_conn *conn;
	long long drain_end = 0;
	int rc;

	request_seed_ids();  /* in every worker: they must not share ids */
	stop_dead_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (stop_dead_fd < 0) {
		fprintf(stderr, "tagifai-fcgi: socket: %s\n", strerror(errno));
		return 1;
	}
	if (transport_conn_new(sock, &conn) != SERVICE_OK) {
		fprintf(stderr, "tagifai-fcgi: FCGX_InitRequest failed\n");
		return 1;
	}
	stop_listen_fd = sock;
	for (;;) {
		int kept = transport_kept_fd(conn);

		if (stop_requested && !stop_draining)
			break;
		if (stop_draining) {
			if (drain_end == 0)
				drain_end = util_clock_ms() +
					    LISTEN_DRAIN_MAX_MS;
			else if (util_clock_ms() > drain_end)
				break;
		}
		if (kept >= 0 && !wait_readable(kept))
			break;
		rc = transport_accept(conn);
		if (rc == -EAGAIN || rc == -EWOULDBLOCK) {
			/* A non-blocking socket with nothing queued: drained
			 * (after a last look for a connect() racing the stop),
			 * or not stopping yet: the master's signal is on its
			 * way, or another program left the socket so. */
			if (stop_draining) {
				if (!listen_queue_refills(sock))
					break;
			} else {
				(void)wait_readable(sock); /* the top sees a stop */
			}
			continue;
		}
		if (rc < 0) {
			if (!stop_requested)
				fprintf(stderr, "tagifai-fcgi: accept failed; "
					"exiting\n");
			break;
		}
		if (server_handle(app, transport_io(conn)) != SERVICE_OK)
			fprintf(stderr, "tagifai-fcgi: client went away\n");
		transport_finish(conn);
	}
	transport_conn_free(conn);
	fprintf(stderr, "tagifai-fcgi: %s\n",
		stop_requested ? "stopped by signal" : "stopped");
	return stop_requested ? 0 : 1;
}
