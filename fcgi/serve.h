/* SPDX-License-Identifier: MIT
 * fcgi/serve.h - the accept loop of one process, its plain CGI
 * counterpart, and how a stop signal ends them.
 *
 * SIGTERM/SIGINT: the request in flight is finished, then exit 0.  The
 * wait for a connection is a plain blocking accept(), with no poll()
 * before it; the handler (SA_RESTART, so a running request never sees
 * EINTR) sets a flag and makes sure that accept() cannot sleep on:
 *  - on a socket of our own (--listen without --workers, or the master's
 *    socket once the master is stopping: listen_begin_drain) the socket
 *    is non-blocking, and the connections already queued are served
 *    before exiting (drain), so a stop loses no request the web server
 *    had handed over;
 *  - on a shared socket (spawn-fcgi -F N, a web server's process manager)
 *    the others keep serving: a socket that is not listening is put in
 *    place of the listening fd, and accept() fails at once.
 * A kept connection (nginx fastcgi_keep_conn) is waited for in ppoll.
 */
#ifndef FCGI_SERVE_H
#define FCGI_SERVE_H

#include "fcgi/app.h"

/* Installs the stop handlers (and ignores SIGPIPE).  Called before the
 * ready line, so a signal sent as soon as the line appears is never
 * lost: the loop checks the flag before every accept. */
void serve_signals_setup(void);

/* The socket serve_fcgi will accept on is ours alone (--listen without
 * --workers): a stop drains it, removing unix_path when not NULL. */
void serve_own_socket(const char *unix_path);

/* Answers the one request of a plain CGI process.  Standard output is
 * closed as soon as the answer is written.  The exit status. */
int serve_cgi(struct app *app);

/* Serves app on listening socket sock until a stop signal (or an accept
 * failure); a master_serve_fn.  The exit status: 0 after a signal. */
int serve_fcgi(struct app *app, int sock);

#endif
