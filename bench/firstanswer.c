/* SPDX-License-Identifier: MIT
 * bench/firstanswer.c - time from a server's process start to its first answer.
 *
 * Starts the command given after "--" in its own session, then tries to
 * connect to 127.0.0.1:PORT every millisecond; once connected it sends one
 * request (FastCGI GET / with --proto fcgi, HTTP/1.0 GET / with --proto http)
 * and waits for the answer.  Prints one line
 *     ready_ms=<ms from fork to the end of the answer> status=<code> pid=<pid>
 * then stops the server's session (SIGTERM to its process group, SIGKILL
 * after 5 s).  Exit status: 0 when the answer came with status 200, 1 on a
 * timeout, another status or an error, 2 on a usage error.
 *
 * Build: gcc -O2 -o firstanswer bench/firstanswer.c
 * Usage: firstanswer [--proto fcgi|http] [--port N] [--timeout-ms N] -- CMD ARGS...
 * Only 127.0.0.1 is ever contacted.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

enum { ANSWER_MAX = 65536, STOP_WAIT_MS = 5000, RETRY_NS = 1000000 };

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int write_all(int fd, const unsigned char *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Append one FastCGI record to out; returns the new length. */
static size_t fcgi_record(unsigned char *out, size_t at, int type,
			  const unsigned char *body, size_t len)
{
	unsigned char *h = out + at;

	h[0] = 1;
	h[1] = (unsigned char)type;
	h[2] = 0;
	h[3] = 1;
	h[4] = (unsigned char)(len >> 8);
	h[5] = (unsigned char)(len & 0xff);
	h[6] = 0;
	h[7] = 0;
	if (len > 0)
		memcpy(h + 8, body, len);
	return at + 8 + len;
}

static size_t fcgi_param(unsigned char *out, size_t at, const char *name,
			 const char *value)
{
	size_t nl = strlen(name), vl = strlen(value);

	out[at++] = (unsigned char)nl;  /* all names and values here are < 128 */
	out[at++] = (unsigned char)vl;
	memcpy(out + at, name, nl);
	memcpy(out + at + nl, value, vl);
	return at + nl + vl;
}

/* Build a FastCGI GET / request; returns its length. */
static size_t fcgi_request(unsigned char *out, int port)
{
	static const unsigned char begin[8] = { 0, 1, 0, 0, 0, 0, 0, 0 };
	unsigned char params[1024];
	char portstr[16];
	size_t p = 0, at = 0;

	snprintf(portstr, sizeof portstr, "%d", port);
	p = fcgi_param(params, p, "GATEWAY_INTERFACE", "CGI/1.1");
	p = fcgi_param(params, p, "REQUEST_METHOD", "GET");
	p = fcgi_param(params, p, "REQUEST_URI", "/");
	p = fcgi_param(params, p, "DOCUMENT_URI", "/");
	p = fcgi_param(params, p, "SCRIPT_NAME", "");
	p = fcgi_param(params, p, "PATH_INFO", "/");
	p = fcgi_param(params, p, "QUERY_STRING", "");
	p = fcgi_param(params, p, "CONTENT_LENGTH", "");
	p = fcgi_param(params, p, "CONTENT_TYPE", "");
	p = fcgi_param(params, p, "SERVER_PROTOCOL", "HTTP/1.1");
	p = fcgi_param(params, p, "SERVER_NAME", "127.0.0.1");
	p = fcgi_param(params, p, "SERVER_ADDR", "127.0.0.1");
	p = fcgi_param(params, p, "SERVER_PORT", portstr);
	p = fcgi_param(params, p, "REMOTE_ADDR", "127.0.0.1");
	p = fcgi_param(params, p, "HTTP_HOST", "127.0.0.1");
	at = fcgi_record(out, at, 1, begin, sizeof begin);
	at = fcgi_record(out, at, 4, params, p);
	at = fcgi_record(out, at, 4, NULL, 0);
	at = fcgi_record(out, at, 5, NULL, 0);
	return at;
}

/* Status of a CGI-style header block ("Status: NNN", 200 when absent). */
static int cgi_status(const char *head)
{
	const char *s = strstr(head, "Status:");

	if (s == NULL || (strstr(head, "\r\n\r\n") && s > strstr(head, "\r\n\r\n")))
		return 200;
	return atoi(s + 7);
}

/* Read a FastCGI answer up to END_REQUEST; returns the status or -1. */
static int fcgi_answer(int fd)
{
	static unsigned char buf[ANSWER_MAX];
	static char out[ANSWER_MAX + 1];
	size_t have = 0, olen = 0;

	for (;;) {
		ssize_t n = read(fd, buf + have, sizeof buf - have);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		have += (size_t)n;
		while (have >= 8) {
			size_t len = ((size_t)buf[4] << 8) | buf[5];
			size_t rec = 8 + len + buf[6];

			if (have < rec)
				break;
			if (buf[1] == 6 && olen + len <= ANSWER_MAX) {
				memcpy(out + olen, buf + 8, len);
				olen += len;
			}
			if (buf[1] == 3) {
				out[olen] = '\0';
				return cgi_status(out);
			}
			memmove(buf, buf + rec, have - rec);
			have -= rec;
		}
		if (have == sizeof buf)
			return -1;
	}
}

/* Read an HTTP answer's status line; returns the status or -1. */
static int http_answer(int fd)
{
	char buf[ANSWER_MAX];
	size_t have = 0;
	ssize_t n;

	while ((n = read(fd, buf + have, sizeof buf - 1 - have)) > 0) {
		have += (size_t)n;
		buf[have] = '\0';
		if (strstr(buf, "\r\n\r\n") || have == sizeof buf - 1)
			break;
	}
	if (have < 12 || strncmp(buf, "HTTP/", 5) != 0)
		return -1;
	return atoi(buf + 9);
}

static void stop_session(pid_t pid)
{
	double until = now_ms() + STOP_WAIT_MS;
	struct timespec tick = { 0, 10000000 };

	kill(-pid, SIGTERM);
	while (now_ms() < until) {
		if (waitpid(pid, NULL, WNOHANG) == pid) {
			kill(-pid, SIGKILL);  /* leftovers of the session, if any */
			return;
		}
		nanosleep(&tick, NULL);
	}
	kill(-pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

static int usage(void)
{
	fputs("usage: firstanswer [--proto fcgi|http] [--port N] [--timeout-ms N] -- CMD ARGS...\n",
	      stderr);
	return 2;
}

int main(int argc, char **argv)
{
	int port = 18205, http = 0, i, status = -1;
	double timeout_ms = 20000, t0, ready = -1;
	struct timespec retry = { 0, RETRY_NS };
	struct sockaddr_in sa;
	unsigned char req[2048];
	size_t reqlen;
	pid_t pid;

	for (i = 1; i < argc && strcmp(argv[i], "--") != 0; i++) {
		if (strcmp(argv[i], "--proto") == 0 && i + 1 < argc)
			http = strcmp(argv[++i], "http") == 0;
		else if (strcmp(argv[i], "--port") == 0 && i + 1 < argc)
			port = atoi(argv[++i]);
		else if (strcmp(argv[i], "--timeout-ms") == 0 && i + 1 < argc)
			timeout_ms = atof(argv[++i]);
		else
			return usage();
	}
	if (i + 1 >= argc || port <= 0)
		return usage();
	if (http) {
		reqlen = (size_t)snprintf((char *)req, sizeof req,
			"GET / HTTP/1.0\r\nHost: 127.0.0.1:%d\r\n\r\n", port);
	} else {
		reqlen = fcgi_request(req, port);
	}
	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	sa.sin_port = htons((unsigned short)port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);

	t0 = now_ms();
	pid = fork();
	if (pid < 0) {
		perror("fork");
		return 1;
	}
	if (pid == 0) {
		setsid();
		execvp(argv[i + 1], argv + i + 1);
		perror(argv[i + 1]);
		_exit(127);
	}
	while (now_ms() - t0 < timeout_ms) {
		int fd = socket(AF_INET, SOCK_STREAM, 0);

		if (fd < 0) {
			perror("socket");
			break;
		}
		if (connect(fd, (struct sockaddr *)&sa, sizeof sa) == 0) {
			if (write_all(fd, req, reqlen) == 0)
				status = http ? http_answer(fd) : fcgi_answer(fd);
			close(fd);
			if (status > 0) {
				ready = now_ms() - t0;
				break;
			}
		} else {
			close(fd);
		}
		if (waitpid(pid, NULL, WNOHANG) == pid) {
			fprintf(stderr, "firstanswer: the server exited before answering\n");
			return 1;
		}
		nanosleep(&retry, NULL);
	}
	stop_session(pid);
	if (ready < 0) {
		fprintf(stderr, "firstanswer: no answer within %.0f ms\n", timeout_ms);
		return 1;
	}
	printf("ready_ms=%.3f status=%d pid=%d\n", ready, status, (int)pid);
	return status == 200 ? 0 : 1;
}
