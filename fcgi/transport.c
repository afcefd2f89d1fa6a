/* SPDX-License-Identifier: MIT
 * fcgi/transport.c - struct request_io over libfcgi (FastCGI) and over
 * environ/stdin/stdout (CGI).
 */
#include <fcgiapp.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fcgi/transport.h"

extern char **environ;

struct transport_conn {
	FCGX_Request req;
	struct request_io io;
};

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

const struct request_io transport_cgi_io = {
	cgi_vars, cgi_read, cgi_write, NULL
};

enum service_status
transport_init(void)
{
	return FCGX_Init() == 0 ? SERVICE_OK : SERVICE_ERR_IO;
}

bool
transport_is_cgi(void)
{
	return FCGX_IsCGI() != 0;
}

int
transport_listen(const char *listen, int backlog)
{
	/* libfcgi wants "unix path" or ":port"/"host:port". */
	if (strncmp(listen, "unix:", 5) == 0)
		listen += 5;
	return FCGX_OpenSocket(listen, backlog);
}

/* A process accepts on one slot; keeping it off the heap leaves the
 * heap as the requests' allocations found it before the split (malloc's
 * cost per request depends on what sits beside them). */
static struct transport_conn the_conn;
static bool the_conn_used;

enum service_status
transport_conn_new(int sock, struct transport_conn **out)
{
	struct transport_conn *c = &the_conn;

	*out = NULL;
	if (the_conn_used)
		return SERVICE_ERR_IO;
	memset(c, 0, sizeof(*c));
	if (FCGX_InitRequest(&c->req, sock, 0) != 0)
		return SERVICE_ERR_IO;
	the_conn_used = true;
	c->io.vars = fcgi_vars;
	c->io.read = fcgi_read;
	c->io.write = fcgi_write;
	c->io.ctx = &c->req;
	*out = c;
	return SERVICE_OK;
}

void
transport_conn_free(struct transport_conn *c)
{
	if (c == NULL)
		return;
	FCGX_Free(&c->req, 1);
	the_conn_used = false;
}

int
transport_accept(struct transport_conn *c)
{
	return FCGX_Accept_r(&c->req);
}

int
transport_kept_fd(const struct transport_conn *c)
{
	return c->req.ipcFd;
}

const struct request_io *
transport_io(struct transport_conn *c)
{
	return &c->io;
}

void
transport_finish(struct transport_conn *c)
{
	FCGX_Finish_r(&c->req);
}

void
transport_shutdown_pending(void)
{
	FCGX_ShutdownPending();
}
