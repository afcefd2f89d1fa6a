/* SPDX-License-Identifier: MIT
 * fcgi/listen.h - the listening socket: opened for --listen, put back in
 * blocking mode for accept(), and drained on a stop.
 *
 * A drain serves the connections the web server already queued instead
 * of dropping them: new connections are refused (a unix socket's path is
 * removed, so the web server answers 503 at once) and the socket is made
 * non-blocking, so accept() returns what is queued, then EAGAIN.  The
 * master drains before it signals its workers; a single process with its
 * own --listen socket drains from its stop handler (fcgi/serve.c).
 */
#ifndef FCGI_LISTEN_H
#define FCGI_LISTEN_H

#include <stdbool.h>

#include "fcgi/status.h"

/* Longest drain after a stop signal, and how long an empty queue is
 * watched before the drain counts as done (a connect() racing the stop). */
#define LISTEN_DRAIN_MAX_MS 2000
#define LISTEN_DRAIN_QUIET_MS 20

/* The path of a --listen unix socket ("unix:PATH", or an address with no
 * ':', which libfcgi reads as a path), or NULL (TCP, or no --listen). */
const char *listen_unix_path(const char *listen);

/* Opens --listen's socket into *sock.  SERVICE_ERR_IO when it cannot. */
enum service_status listen_open(const char *listen, int backlog, int *sock)
	SERVICE_WARN_UNUSED;

/* Makes sock blocking: every process then sleeps in accept() and the
 * kernel wakes one per connection.  A socket left non-blocking by a
 * stopped instance (a drain) is put back.  SERVICE_ERR_IO on failure. */
enum service_status listen_blocking(int sock) SERVICE_WARN_UNUSED;

/* Starts a drain of sock (see above); unix_path, when not NULL, is
 * removed.  The socket must be one only we accept on.  Async-signal-safe.
 */
void listen_begin_drain(int sock, const char *unix_path);

/* True when a connection arrives on sock within LISTEN_DRAIN_QUIET_MS:
 * a drain that found the queue empty keeps going. */
bool listen_queue_refills(int sock);

#endif
