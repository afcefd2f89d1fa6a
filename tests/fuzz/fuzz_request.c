/* SPDX-License-Identifier: MIT
 * tests/fuzz/fuzz_request.c - libFuzzer harness for the whole request
 * path: server_handle (fcgi/server.c) with an in-memory transport, so
 * request building (fcgi/request.c, fcgi/url.c), routing, the handlers,
 * schemas/ and the tiny model all see fuzzer bytes, exactly as the
 * FastCGI and CGI transports would hand them over.
 *
 * Input: CGI parameters as "NAME=VALUE" lines up to the first empty line,
 * then the body.  The body is read in chunks of 1 + (input size mod 13)
 * bytes to exercise short reads.  The app has a 4 KiB body limit so 413
 * is reachable.  Checks on every answer: a "Status: NNN Phrase" line with
 * a status the API documents and never 500 (bad input gets a 4xx),
 * "Name: value" header lines without stray CR/LF (no header injection),
 * Content-Length equal to the body (none for HEAD), X-Request-Id present,
 * and a JSON body that is valid UTF-8 and parses.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fcgi/app.h"
#include "fcgi/server.h"
#include "schemas/pyjson.h"
#include "util/utf8.h"
#include "tests/fuzz/fuzz_common.h"

#ifndef FUZZ_WWW_DIR
#define FUZZ_WWW_DIR "www"
#endif

#define FUZZ_MAX_PARAMS 64
#define FUZZ_MAX_BODY 4096
#define FUZZ_MAX_OUT ((size_t)16 << 20)

struct fake {
	char *names[FUZZ_MAX_PARAMS];
	char *values[FUZZ_MAX_PARAMS];
	char *vars[FUZZ_MAX_PARAMS + 1];  /* "name=value", NULL-terminated */
	size_t n;
	const char *body;
	size_t body_len, body_pos, chunk;
	char *out;
	size_t out_len, out_cap;
};

static struct app app;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char dir[] = "/tmp/fuzz-request-XXXXXX";
	char path[sizeof(dir) + 32], err[1024];
	struct app_config cfg = { 0 };

	(void)argc;
	(void)argv;
	if (mkdtemp(dir) == NULL)
		abort();
	snprintf(path, sizeof(path), "%s/tiny.tagifai", dir);
	if (fuzz_write_tiny(path, true, false, true) != 0)
		abort();
	cfg.model_path = path;
	cfg.www_dir = FUZZ_WWW_DIR;
	cfg.max_body = FUZZ_MAX_BODY;
	cfg.backlog = 1;
	schema_limits_default(&cfg.limits);
	if (app_init(&app, &cfg, err, sizeof(err)) != SERVICE_OK) {
		fprintf(stderr, "fuzz_request: app_init: %s\n", err);
		abort();
	}
	/* The mapping keeps the model; cfg.model_path is only for logs. */
	unlink(path);
	rmdir(dir);
	app.cfg.model_path = "fuzz-tiny";
	return 0;
}

static const char *fake_param(void *ctx, const char *name)
{
	struct fake *f = ctx;

	for (size_t i = 0; i < f->n; i++)
		if (f->values[i] != NULL && strcmp(f->names[i], name) == 0)
			return f->values[i];
	return NULL;
}

static char **fake_vars(void *ctx)
{
	return ((struct fake *)ctx)->vars;
}

static long fake_read(void *ctx, char *buf, size_t n)
{
	struct fake *f = ctx;
	size_t k = f->body_len - f->body_pos;

	if (k > n)
		k = n;
	if (k > f->chunk)
		k = f->chunk;
	memcpy(buf, f->body + f->body_pos, k);
	f->body_pos += k;
	return (long)k;
}

static int fake_write(void *ctx, const char *buf, size_t n)
{
	struct fake *f = ctx;

	FUZZ_CHECK(n <= FUZZ_MAX_OUT - f->out_len, "response size bound");
	/* One byte more than the data: check_response's sscanf reads the
	 * output as a string, so it must end with a NUL. */
	if (f->out_len + n + 1 > f->out_cap) {
		size_t cap = (f->out_len + n + 1) * 2;
		char *p = realloc(f->out, cap);

		FUZZ_CHECK(p != NULL, "realloc");
		f->out = p;
		f->out_cap = cap;
	}
	memcpy(f->out + f->out_len, buf, n);
	f->out_len += n;
	f->out[f->out_len] = '\0';
	return 0;
}

/* Splits "NAME=VALUE\n" lines up to an empty line; the rest is body. */
static void parse_input(struct fake *f, const char *p, size_t size)
{
	const char *end = p + size;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *line_end = nl ? nl : end;
		const char *eq;

		if (line_end == p) {   /* empty line: the body follows */
			p = nl ? nl + 1 : end;
			break;
		}
		eq = memchr(p, '=', (size_t)(line_end - p));
		if (eq != NULL && f->n < FUZZ_MAX_PARAMS) {
			/* The service reads "NAME=VALUE" as a C string, so a
			 * NUL ends it early: name and value are taken from
			 * what it sees (no '=' left: a variable without a
			 * value, which fake_param does not find either). */
			char *var = strndup(p, (size_t)(line_end - p));
			char *veq;

			FUZZ_CHECK(var != NULL, "strndup");
			veq = strchr(var, '=');
			f->vars[f->n] = var;
			f->names[f->n] = strndup(var, veq ? (size_t)(veq - var)
							  : strlen(var));
			f->values[f->n] = veq ? strdup(veq + 1) : NULL;
			FUZZ_CHECK(f->names[f->n] && (!veq || f->values[f->n]),
				   "strndup");
			f->n++;
		}
		p = nl ? nl + 1 : end;
	}
	f->body = p;
	f->body_len = (size_t)(end - p);
}

static bool known_status(int s)
{
	static const int ok[] = { 200, 307, 400, 401, 403, 404, 405, 413,
				  415, 422 };

	for (size_t i = 0; i < sizeof(ok) / sizeof(*ok); i++)
		if (s == ok[i])
			return true;
	return false;
}

static void check_response(const struct fake *f, bool head)
{
	const char *p = f->out, *end = f->out + f->out_len, *hdr_end;
	const char *body;
	size_t clen = (size_t)-1, body_len;
	bool json = false, have_id = false;
	int status = 0;
	char phrase[64];

	FUZZ_CHECK(f->out_len > 0, "an answer was written");
	/* The header block: find "\r\n\r\n" within the output. */
	hdr_end = NULL;
	for (const char *q = p; q + 4 <= end; q++)
		if (memcmp(q, "\r\n\r\n", 4) == 0) {
			hdr_end = q;
			break;
		}
	FUZZ_CHECK(hdr_end != NULL, "headers end with a blank line");
	FUZZ_CHECK(sscanf(p, "Status: %3d %63[^\r\n]", &status, phrase) == 2,
		   "status line");
	FUZZ_CHECK(known_status(status), "documented non-500 status");
	/* Every line of the block is "Name: value", no bare CR or LF. */
	for (const char *line = p; line < hdr_end;) {
		const char *crlf = line;
		const char *colon;

		while (crlf < hdr_end && !(crlf[0] == '\r' && crlf[1] == '\n'))
			crlf++;
		for (const char *q = line; q < crlf; q++)
			FUZZ_CHECK(*q != '\r' && *q != '\n' && *q != '\0',
				   "no CR, LF or NUL inside a header");
		colon = memchr(line, ':', (size_t)(crlf - line));
		FUZZ_CHECK(colon != NULL && colon > line && colon[1] == ' ',
			   "header line is Name: value");
		if (strncmp(line, "Content-Length: ", 16) == 0)
			clen = strtoul(line + 16, NULL, 10);
		if (strncmp(line, "Content-Type: application/json", 30) == 0)
			json = true;
		if (strncmp(line, "X-Request-Id: ", 14) == 0)
			have_id = colon + 2 < crlf;
		line = crlf + 2;
	}
	FUZZ_CHECK(have_id, "X-Request-Id present");
	body = hdr_end + 4;
	body_len = (size_t)(end - body);
	FUZZ_CHECK(clen != (size_t)-1, "Content-Length present");
	if (head) {
		FUZZ_CHECK(body_len == 0, "no body for HEAD");
		return;
	}
	FUZZ_CHECK(clen == body_len, "Content-Length matches the body");
	if (json && body_len > 0) {
		struct pyjson_doc *doc = NULL;
		struct pyjson_error pe = { 0 };

		FUZZ_CHECK(util_utf8_valid(body, body_len),
			   "JSON body is valid UTF-8");
		FUZZ_CHECK(pyjson_parse(body, body_len, &doc, &pe) ==
			   PYJSON_OK, "JSON body parses");
		pyjson_free(doc);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fake f = { 0 };
	struct request_io io = { fake_vars, fake_read, fake_write, &f };
	const char *method;
	enum service_status rc;

	parse_input(&f, (const char *)data, size);
	f.chunk = 1 + size % 13;
	rc = server_handle(&app, &io);
	FUZZ_CHECK(rc == SERVICE_OK, "server_handle with a working "
		   "transport");
	method = fake_param(&f, "REQUEST_METHOD");
	check_response(&f, method != NULL && strcmp(method, "HEAD") == 0);
	for (size_t i = 0; i < f.n; i++) {
		free(f.names[i]);
		free(f.values[i]);
		free(f.vars[i]);
	}
	free(f.out);
	return 0;
}
