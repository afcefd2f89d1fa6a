/* SPDX-License-Identifier: MIT
 * fcgi/transport.h - FastCGI and plain CGI behind struct request_io.  The
 * only file that includes fcgiapp.h: the rest of the service sees CGI
 * variables, a body reader and a writer (fcgi/request.h).
 *
 * Where the FastCGI socket comes from:
 *   - spawn-fcgi, lighttpd bin-path, Apache mod_fcgid: the listening
 *     socket is fd 0 (FastCGI spec section 2.2);
 *   - --listen unix:PATH | HOST:PORT: our own (transport_listen);
 *   - plain CGI: transport_is_cgi() is true; one request from environ
 *     and stdin, answered on stdout (transport_cgi_io).
 */
#ifndef FCGI_TRANSPORT_H
#define FCGI_TRANSPORT_H

#include <stdbool.h>

#include "fcgi/request.h"
#include "fcgi/status.h"

/* Once per process, before anything else here. */
enum service_status transport_init(void) SERVICE_WARN_UNUSED;

/* True when started as a plain CGI program (fd 0 is not a socket). */
bool transport_is_cgi(void);

/* Opens a listening socket: "unix:PATH" or a bare path, ":PORT" or
 * "HOST:PORT" (libfcgi's syntax; a unix path is replaced).  The
 * descriptor, or -1. */
int transport_listen(const char *listen, int backlog);

/* The plain CGI request: environ, stdin, stdout. */
extern const struct request_io transport_cgi_io;

/* One FastCGI request slot accepting on a listening socket. */
struct transport_conn;

enum service_status transport_conn_new(int sock, struct transport_conn **out)
	SERVICE_WARN_UNUSED;
void transport_conn_free(struct transport_conn *c);

/* Waits for the next request (on the kept connection, else a new one):
 * 0, or a negative errno (-EAGAIN on a non-blocking socket with nothing
 * queued) or libfcgi error. */
int transport_accept(struct transport_conn *c);

/* The connection the web server keeps open between requests (nginx
 * fastcgi_keep_conn), or -1. */
int transport_kept_fd(const struct transport_conn *c);

/* The accepted request's io, valid until transport_finish. */
const struct request_io *transport_io(struct transport_conn *c);

/* Ends the accepted request (flushes the answer). */
void transport_finish(struct transport_conn *c);

/* Tells libfcgi to stop accepting.  Async-signal-safe. */
void transport_shutdown_pending(void);

#endif
