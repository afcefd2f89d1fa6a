/* SPDX-License-Identifier: MIT
 * fcgi/main.c - tagifai-fcgi: options, the model loaded once, and the
 * FastCGI accept loop (or one plain CGI request).
 *
 * Transports (only this file and the io adapters below touch fcgiapp.h):
 *   - spawn-fcgi, lighttpd bin-path, Apache mod_fcgid: the listening
 *     socket is fd 0 (FastCGI spec section 2.2);
 *   - --listen unix:PATH | HOST:PORT: our own socket (FCGX_OpenSocket);
 *   - plain CGI: FCGX_IsCGI() is true, answer one request from environ
 *     and stdin on stdout, then exit.
 * SIGTERM/SIGINT: the request in flight is finished, then exit 0.  The
 * wait for a connection is a plain blocking accept(), with no poll()
 * before it; the handler (SA_RESTART, so a running request never sees
 * EINTR) sets a flag and makes sure that accept() cannot sleep on:
 *  - on a socket of our own (--listen without --workers, or the master's
 *    socket once the master is stopping: master_begin_drain) the socket
 *    is made non-blocking, a unix socket's path is removed, and the
 *    connections already queued are served before exiting (drain), so a
 *    stop loses no request the web server had handed over;
 *  - on a shared socket (spawn-fcgi -F N, a web server's process manager)
 *    the others keep serving: a socket that is not listening is put in
 *    place of the listening fd, and accept() fails at once.
 * A kept connection (nginx fastcgi_keep_conn) is waited for in ppoll:
 * wait_readable.
 * --workers N: this process becomes the pre-fork master of fcgi/master.c,
 * which forks N workers running serve_fcgi on the same socket, respawns
 * them and reloads the model on SIGHUP (doc/SUPERVISION.md).
 */
#define _GNU_SOURCE 1  /* ppoll */
#include <errno.h>
#include <fcgiapp.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "fcgi/app.h"
#include "fcgi/master.h"
#include "util/clock.h"
#include "fcgi/server.h"

#ifndef TAGIFAI_MODELDIR
#define TAGIFAI_MODELDIR "/usr/local/share/tagifai-fcgi/models"
#endif
#ifndef TAGIFAI_WWWDIR
#define TAGIFAI_WWWDIR "/usr/local/share/tagifai-fcgi/www"
#endif

#define MAIN_DEFAULT_BACKLOG 64

extern char **environ;

/* Longest drain after a stop signal, and how long an empty queue is
 * watched before the drain counts as done (a connect() racing the stop). */
#define MAIN_DRAIN_MAX_MS 2000
#define MAIN_DRAIN_QUIET_MS 20

/* Stop state, shared with the signal handler (see the top of the file). */
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
			master_begin_drain(stop_listen_fd, stop_unix_path);
		fl = fcntl(stop_listen_fd, F_GETFL);
		if (fl >= 0 && (fl & O_NONBLOCK)) {
			stop_draining = 1;
		} else if (stop_dead_fd >= 0) {
			FCGX_ShutdownPending();
			dup2(stop_dead_fd, stop_listen_fd);
		}
	}
	errno = saved;
}

/* ---- transports ---------------------------------------------------- */

static char **
fcgi_vars(void *ctx)
{
	return ((FCGX_Request *)ctx)->envp;
}

static long
fcgi_read(void *ctx, char *buf, size_t n)
{
	int want = n > INT_MAX ? INT_MAX : (int)n;

	return FCGX_GetStr(buf, want, ((FCGX_Request *)ctx)->in);
}

static int
fcgi_write(void *ctx, const char *buf, size_t n)
{
	FCGX_Stream *out = ((FCGX_Request *)ctx)->out;

	while (n > 0) {
		int k = n > INT_MAX ? INT_MAX : (int)n;

		if (FCGX_PutStr(buf, k, out) != k)
			return -1;
		buf += k;
		n -= (size_t)k;
	}
	return 0;
}

static char **
cgi_vars(void *ctx)
{
	(void)ctx;
	return environ;
}

static long
cgi_read(void *ctx, char *buf, size_t n)
{
	size_t k = fread(buf, 1, n, stdin);

	(void)ctx;
	if (k == 0 && ferror(stdin))
		return -1;
	return (long)k;
}

static int
cgi_write(void *ctx, const char *buf, size_t n)
{
	(void)ctx;
	return fwrite(buf, 1, n, stdout) == n ? 0 : -1;
}

/* ---- options ------------------------------------------------------- */

static void
usage(FILE *f)
{
	fprintf(f,
"usage: tagifai-fcgi [OPTIONS]\n"
"Serve the TagIfAI API over FastCGI (or answer one CGI request).\n\n"
"  --model PATH         model artifact (TAGIFAI_MODEL; default\n"
"                       " TAGIFAI_MODELDIR "/default.tagifai)\n"
"  --listen ADDR        unix:PATH or HOST:PORT (TAGIFAI_LISTEN; default:\n"
"                       the FastCGI socket on fd 0)\n"
"  --backlog N          listen backlog (default %d)\n"
"  --workers N          pre-fork N supervised workers on the socket and\n"
"                       reload the model on SIGHUP (TAGIFAI_WORKERS;\n"
"                       default: serve in this process)\n"
"  --www DIR            pages and static/ (TAGIFAI_WWW; default\n"
"                       " TAGIFAI_WWWDIR ")\n"
"  --prefix /mount      mount prefix (TAGIFAI_PREFIX; default: SCRIPT_NAME\n"
"                       when PATH_INFO is set, else none)\n"
"  --max-body BYTES     largest request body (TAGIFAI_MAX_BODY; %u)\n"
"  --max-texts N        texts per request (TAGIFAI_MAX_TEXTS; %d)\n"
"  --max-text-chars N   characters per text (TAGIFAI_MAX_TEXT_CHARS; %d)\n"
"  --access-log         a line per request on stderr (TAGIFAI_ACCESS_LOG=1;\n"
"                       default: only failures, the web server logs access)\n"
"  --help, --version\n",
		MAIN_DEFAULT_BACKLOG, APP_DEFAULT_MAX_BODY,
		SCHEMA_DEFAULT_MAX_TEXTS, SCHEMA_DEFAULT_MAX_TEXT_CHARS);
}

/* Parses a positive decimal size no larger than max. */
static int
parse_size(const char *opt, const char *s, size_t max,
	   size_t *out)
{
	char *end;
	unsigned long long v;

	errno = 0;
	if (s[0] < '0' || s[0] > '9')
		goto bad;
	v = strtoull(s, &end, 10);
	if (errno != 0 || *end != '\0' || v == 0 || v > max)
		goto bad;
	*out = (size_t)v;
	return 0;
bad:
	fprintf(stderr, "tagifai-fcgi: %s: expected a number from 1 to %zu, "
		"got '%s'\n", opt, max, s);
	return -1;
}

enum opt_id {
	OPT_MODEL = 256, OPT_LISTEN, OPT_BACKLOG, OPT_WWW, OPT_PREFIX,
	OPT_MAX_BODY, OPT_MAX_TEXTS, OPT_MAX_TEXT_CHARS, OPT_HELP,
	OPT_VERSION, OPT_WORKERS, OPT_ACCESS_LOG
};

static int
env_size(const char *name, const char *opt, size_t max,
	 size_t *out)
{
	const char *v = getenv(name);

	if (v == NULL || *v == '\0')
		return 0;
	return parse_size(opt, v, max, out);
}

static const char *
env_str(const char *name, const char *dflt)
{
	const char *v = getenv(name);

	return v != NULL && *v != '\0' ? v : dflt;
}

/* Returns -1 on error (exit 2), 1 for --help/--version (exit 0), 0. */
static int
options(int argc, char **argv, struct app_config *c, size_t *workers)
{
	static const struct option longopts[] = {
		{ "model", required_argument, NULL, OPT_MODEL },
		{ "listen", required_argument, NULL, OPT_LISTEN },
		{ "backlog", required_argument, NULL, OPT_BACKLOG },
		{ "www", required_argument, NULL, OPT_WWW },
		{ "prefix", required_argument, NULL, OPT_PREFIX },
		{ "max-body", required_argument, NULL, OPT_MAX_BODY },
		{ "max-texts", required_argument, NULL, OPT_MAX_TEXTS },
		{ "max-text-chars", required_argument, NULL,
		  OPT_MAX_TEXT_CHARS },
		{ "workers", required_argument, NULL, OPT_WORKERS },
		{ "access-log", no_argument, NULL, OPT_ACCESS_LOG },
		{ "help", no_argument, NULL, OPT_HELP },
		{ "version", no_argument, NULL, OPT_VERSION },
		{ NULL, 0, NULL, 0 },
	};
	size_t backlog = MAIN_DEFAULT_BACKLOG;
	size_t *lim = c->limits.value;
	int ch;

	c->model_path = env_str("TAGIFAI_MODEL",
				TAGIFAI_MODELDIR "/default.tagifai");
	c->listen = env_str("TAGIFAI_LISTEN", NULL);
	c->www_dir = env_str("TAGIFAI_WWW", TAGIFAI_WWWDIR);
	c->prefix = env_str("TAGIFAI_PREFIX", NULL);
	c->max_body = APP_DEFAULT_MAX_BODY;
	c->access_log = strcmp(env_str("TAGIFAI_ACCESS_LOG", "0"), "0") != 0;
	schema_limits_default(&c->limits);
	if (env_size("TAGIFAI_MAX_BODY", "TAGIFAI_MAX_BODY",
		     APP_MAX_MAX_BODY, &c->max_body) != 0 ||
	    env_size("TAGIFAI_WORKERS", "TAGIFAI_WORKERS",
		     MASTER_MAX_WORKERS, workers) != 0 ||
	    env_size("TAGIFAI_MAX_TEXTS", "TAGIFAI_MAX_TEXTS", 1000000,
		     &lim[SCHEMA_LIMIT_TEXTS]) != 0 ||
	    env_size("TAGIFAI_MAX_TEXT_CHARS", "TAGIFAI_MAX_TEXT_CHARS",
		     10000000, &lim[SCHEMA_LIMIT_TEXT_CHARS]) != 0)
		return -1;
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (ch) {
		case OPT_MODEL: c->model_path = optarg; break;
		case OPT_LISTEN: c->listen = optarg; break;
		case OPT_BACKLOG:
			if (parse_size("--backlog", optarg, 65535,
				       &backlog) != 0)
				return -1;
			break;
		case OPT_WORKERS:
			if (parse_size("--workers", optarg, MASTER_MAX_WORKERS,
				       workers) != 0)
				return -1;
			break;
		case OPT_ACCESS_LOG: c->access_log = true; break;
		case OPT_WWW: c->www_dir = optarg; break;
		case OPT_PREFIX: c->prefix = optarg; break;
		case OPT_MAX_BODY:
			if (parse_size("--max-body", optarg, APP_MAX_MAX_BODY,
				       &c->max_body) != 0)
				return -1;
			break;
		case OPT_MAX_TEXTS:
			if (parse_size("--max-texts", optarg, 1000000,
				       &lim[SCHEMA_LIMIT_TEXTS]) != 0)
				return -1;
			break;
		case OPT_MAX_TEXT_CHARS:
			if (parse_size("--max-text-chars", optarg, 10000000,
				       &lim[SCHEMA_LIMIT_TEXT_CHARS]) != 0)
				return -1;
			break;
		case OPT_HELP:
			usage(stdout);
			return 1;
		case OPT_VERSION:
			printf("tagifai-fcgi %s\n", PACKAGE_VERSION);
			return 1;
		default:
			usage(stderr);
			return -1;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "tagifai-fcgi: unexpected argument '%s'\n",
			argv[optind]);
		return -1;
	}
	if (c->prefix != NULL && c->prefix[0] != '\0' && c->prefix[0] != '/') {
		fprintf(stderr, "tagifai-fcgi: --prefix must start with '/'\n");
		return -1;
	}
	c->backlog = (int)backlog;
	return 0;
}

/* ---- serving ------------------------------------------------------- */

static int
serve_cgi(struct app *app)
{
	struct request_io io = { cgi_vars, cgi_read, cgi_write, NULL };
	int rc = server_handle(app, &io);

	/* Close standard output now: the web server ends the response at
	 * EOF, so what follows (freeing, unmapping the model, the exit
	 * itself: about half a millisecond) is off the client's clock. */
	if (fclose(stdout) != 0)
		rc = -1;
	return rc == 0 ? 0 : 1;
}

/* The path of a --listen unix socket (libfcgi reads an address with a
 * ':' as host:port), or NULL. */
static const char *
listen_unix_path(const char *listen)
{
	if (listen == NULL)
		return NULL;
	if (strncmp(listen, "unix:", 5) == 0)
		return listen + 5;
	return strchr(listen, ':') == NULL ? listen : NULL;
}

/* libfcgi wants "unix path" or ":port"/"host:port". */
static int
open_listen(const char *listen, int backlog)
{
	const char *path = listen;

	if (strncmp(listen, "unix:", 5) == 0)
		path = listen + 5;
	return FCGX_OpenSocket(path, backlog);
}

static void
ready_line(const struct app *app, const char *where)
{
	const struct model_identity *id = model_identity(app->model);

	fprintf(stderr, "tagifai-fcgi: ready: model %s version %s checksum %s"
		" (%s); listening on %s; max body %zu, max texts %zu, max "
		"text chars %zu; %s\n", id->name, id->version, id->checksum,
		app->cfg.model_path, where, app->cfg.max_body,
		app->cfg.limits.value[SCHEMA_LIMIT_TEXTS],
		app->cfg.limits.value[SCHEMA_LIMIT_TEXT_CHARS],
		app->www_notes);
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
			ready = true;  /* FCGX_Accept_r reports errors */
			break;
		}
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
	return ready;
}

/* Installs the stop handler.  Called before the ready line, so a signal
 * sent as soon as the line appears is never lost: the loop checks the
 * flag before every accept. */
static void
signals_setup(void)
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

/* After accept() found the queue empty while draining: true when a new
 * connection arrives within MAIN_DRAIN_QUIET_MS (keep draining). */
static bool
queue_refills(int sock)
{
	struct pollfd p = { sock, POLLIN, 0 };

	return poll(&p, 1, MAIN_DRAIN_QUIET_MS) > 0;
}

static int
serve_fcgi(struct app *app, int sock)
{
	FCGX_Request req;
	struct request_io io = { fcgi_vars, fcgi_read, fcgi_write, &req };
	long long drain_end = 0;
	int rc;

	request_seed_ids();  /* in every worker: they must not share ids */
	stop_dead_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (stop_dead_fd < 0) {
		fprintf(stderr, "tagifai-fcgi: socket: %s\n", strerror(errno));
		return 1;
	}
	if (FCGX_InitRequest(&req, sock, 0) != 0) {
		fprintf(stderr, "tagifai-fcgi: FCGX_InitRequest failed\n");
		return 1;
	}
	stop_listen_fd = sock;
	for (;;) {
		if (stop_requested && !stop_draining)
			break;
		if (stop_draining) {
			if (drain_end == 0)
				drain_end = util_clock_ms() + MAIN_DRAIN_MAX_MS;
			else if (util_clock_ms() > drain_end)
				break;
		}
		if (req.ipcFd >= 0 && !wait_readable(req.ipcFd))
			break;
		rc = FCGX_Accept_r(&req);
		if (rc == -EAGAIN || rc == -EWOULDBLOCK) {
			/* A non-blocking socket with nothing queued: drained
			 * (after a last look for a connect() racing the stop),
			 * or not stopping yet: the master's signal is on its
			 * way, or another program left the socket so. */
			if (stop_draining) {
				if (!queue_refills(sock))
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
		if (server_handle(app, &io) != 0)
			fprintf(stderr, "tagifai-fcgi: client went away\n");
		FCGX_Finish_r(&req);
	}
	FCGX_Free(&req, 1);
	fprintf(stderr, "tagifai-fcgi: %s\n",
		stop_requested ? "stopped by signal" : "stopped");
	return stop_requested ? 0 : 1;
}

int
main(int argc, char **argv)
{
	struct app_config cfg = { 0 };
	struct app app;
	char err[1024];
	int sock = 0, rc;
	size_t workers = 0;
	bool cgi;

	rc = options(argc, argv, &cfg, &workers);
	if (rc != 0)
		return rc < 0 ? 2 : 0;
	if (FCGX_Init() != 0) {
		fprintf(stderr, "tagifai-fcgi: FCGX_Init failed\n");
		return 1;
	}
	/* Checked once: with --listen we never are CGI. */
	cgi = cfg.listen == NULL && FCGX_IsCGI();
	/* A CGI process answers one request: read pages and reports only if
	 * that request needs them. */
	cfg.lazy = cgi;
	if (app_init(&app, &cfg, err, sizeof(err)) != 0) {
		fprintf(stderr, "tagifai-fcgi: %s\n", err);
		return 1;
	}
	if (cgi) {
		rc = serve_cgi(&app);
		app_free(&app);
		return rc;
	}
	if (cfg.listen != NULL) {
		sock = open_listen(cfg.listen, cfg.backlog);
		if (sock < 0) {
			fprintf(stderr, "tagifai-fcgi: cannot listen on %s\n",
				cfg.listen);
			app_free(&app);
			return 1;
		}
	}
	/* Every process blocks in accept() (the kernel wakes one per
	 * connection); a socket left non-blocking by a stopped instance
	 * (a drain) is put back. */
	rc = fcntl(sock, F_GETFL);
	if (rc < 0 || fcntl(sock, F_SETFL, rc & ~O_NONBLOCK) < 0)
		fprintf(stderr, "tagifai-fcgi: cannot make the socket "
			"blocking: %s\n", strerror(errno));
	signals_setup();
	ready_line(&app, cfg.listen ? cfg.listen : "fd 0");
	if (workers > 0) {
		/* The pre-fork master (fcgi/master.c); it frees app. */
		struct master_config mc = { (unsigned)workers, sock,
					    listen_unix_path(cfg.listen),
					    serve_fcgi };

		return master_run(&app, &mc);
	}
	stop_own_socket = cfg.listen != NULL;
	stop_unix_path = listen_unix_path(cfg.listen);
	rc = serve_fcgi(&app, sock);
	app_free(&app);
	return rc;
}
