/* SPDX-License-Identifier: MIT
 * fcgi/listen.c - the listening socket and its drain.
 */
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>

#include "fcgi/listen.h"
#include "fcgi/transport.h"

const char *
listen_unix_path(const char *listen)
{
	if (listen == NULL)
		return NULL;
	if (strncmp(listen, "unix:", 5) == 0)
		return listen + 5;
	return strchr(listen, ':') == NULL ? listen : NULL;
}

enum service_status
listen_open(const char *listen, int backlog, int *sock)
{
	*sock = transport_listen(listen, backlog);
	return *sock < 0 ? SERVICE_ERR_IO : SERVICE_OK;
}

enum service_status
listen_blocking(int sock)
{
	int fl = fcntl(sock, F_GETFL);

	if (fl < 0 || fcntl(sock, F_SETFL, fl & ~O_NONBLOCK) < 0)
		return SERVICE_ERR_IO;
	return SERVICE_OK;
}

void
listen_begin_drain(int sock, const char *unix_path)
{
	int fl;

	if (unix_path != NULL)
		unlink(unix_path);
	fl = fcntl(sock, F_GETFL);
	if (fl >= 0)
		fcntl(sock, F_SETFL, fl | O_NONBLOCK);
}

bool
listen_queue_refills(int sock)
{
	struct pollfd p = { sock, POLLIN, 0 };

	return poll(&p, 1, LISTEN_DRAIN_QUIET_MS) > 0;
}
