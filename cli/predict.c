/* SPDX-License-Identifier: MIT
 * cli/predict.c - `tagifai predict`: tag texts from the command line
 * or from standard input, one JSON object per text on standard output.
 *
 * Input lines are either JSON Lines (an object with a "text" string; the
 * other members, e.g. "id", are copied to the output) or raw text.  The
 * probabilities are printed as Python's repr() prints them (shortest text
 * that reads back to the same double), so the output can be compared bit
 * for bit with the reference.  The threads and the ordering are
 * core/batch.c's; this file reads the lines and writes the JSON.
 */
#include <getopt.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "cli/cli.h"
#include "core/batch.h"
#include "core/model.h"
#include "util/buf.h"
#include "util/float_repr.h"
#include "util/json.h"

/* Longest input line read from standard input, in bytes. */
#define PREDICT_MAX_LINE ((size_t)4 << 20)

/* Longest class name as JSON, in bytes (names are short; a bound anyway). */
#define PREDICT_MAX_NAME_JSON ((size_t)1 << 20)

/* Lines a job takes per round; a round reads jobs times that. */
#define PREDICT_BLOCK 512
#define PREDICT_MAX_JOBS BATCH_MAX_JOBS

static pthread_mutex_t parse_lock = PTHREAD_MUTEX_INITIALIZER;

/* The inputs of one batch: command-line texts or a round of lines. */
struct inputs {
	const struct model *m;
	bool details;
	bool json_lines;          /* lines may be JSON objects (stdin) */
	char **lines;
	size_t *lens;
	unsigned long *linenos;   /* NULL for command-line texts */
	struct util_buf names[CORE_MAX_CLASSES]; /* class names, as JSON */
};

static void
usage(FILE *f)
{
	fprintf(f,
		"usage: tagifai predict [--model PATH] [--details] [--jobs N] [TEXT...]\n"
		"\n"
		"Tags each TEXT argument, or else each line of standard input.\n"
		"A line holding a JSON object with a \"text\" string is read as\n"
		"JSON Lines (its other members, e.g. \"id\", are copied to the\n"
		"output); any other line is the text itself.  Empty lines are\n"
		"skipped.  Writes one JSON object per text:\n"
		"  {..., \"input_text\": ..., \"predicted_tag\": ...,\n"
		"   \"probabilities\": {class: p, ...}}\n"
		"with p printed as Python's repr().  --details adds \"cleaned\", \"nnz\"\n"
		"and \"decision_function\".  Standard input is tagged by --jobs\n"
		"threads (default: the processors online, at most 8; 1 to %d);\n"
		"the output keeps the input order.  The model defaults to\n"
		"$TAGIFAI_MODEL, else %s.\n", PREDICT_MAX_JOBS, cli_default_model());
}

/* Escapes the class names once, for every line.  Returns 0, or -1 when
 * out of memory (names are freed by names_free either way). */
static int
names_build(struct inputs *in)
{
	for (size_t k = 0; k < model_class_count(in->m); k++) {
		const char *name = model_class_name(in->m, k);

		util_buf_init(&in->names[k], PREDICT_MAX_NAME_JSON);
		util_json_str(&in->names[k], name, strlen(name));
		if (in->names[k].st != UTIL_OK)
			return -1;
	}
	return 0;
}

static void
names_free(struct inputs *in)
{
	for (size_t k = 0; k < CORE_MAX_CLASSES; k++)
		util_buf_free(&in->names[k]);
}

/* One output line is gathered here and written with one fwrite: stdio's
 * cost per call was a third of the output's instructions. */
#define PREDICT_LINE_BUF 4096

struct line {
	FILE *f;
	size_t n;
	char buf[PREDICT_LINE_BUF];
};

/* util_json_put: appends p[0..n), writing the line out first when full. */
static void
line_put(void *ctx, const char *p, size_t n)
{
	struct line *l = ctx;

	if (n > sizeof(l->buf) - l->n) {
		fwrite(l->buf, 1, l->n, l->f);
		l->n = 0;
		if (n > sizeof(l->buf)) {
			fwrite(p, 1, n, l->f);
			return;
		}
	}
	memcpy(l->buf + l->n, p, n);
	l->n += n;
}

static void
line_puts(struct line *l, const char *s)
{
	line_put(l, s, strlen(s));
}

static void
line_json(struct line *l, const char *s, size_t len)
{
	util_json_write(line_put, l, s, len);
}

static void
line_flush(struct line *l)
{
	if (l->n > 0)
		fwrite(l->buf, 1, l->n, l->f);
	l->n = 0;
}

static void
put_name(struct line *l, const struct inputs *in, size_t k)
{
	line_put(l, in->names[k].data, in->names[k].len);
}

static void
print_classes(struct line *l, const struct inputs *in, const double *v)
{
	char num[UTIL_FLOAT_REPR_MAX];

	for (size_t k = 0; k < model_class_count(in->m); k++) {
		line_put(l, k ? "," : "{", 1);
		put_name(l, in, k);
		line_put(l, ":", 1);
		line_puts(l, util_float_repr(v[k], num));
	}
	line_put(l, "}", 1);
}

static int
reserved_key(const char *k)
{
	static const char *const keys[] = {
		"text", "input_text", "predicted_tag", "probabilities",
		"cleaned", "nnz", "decision_function",
	};

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (strcmp(k, keys[i]) == 0)
			return 1;
	return 0;
}

/* Writes input i's line: the other members of its JSON object (extra,
 * may be NULL), the text, the tag and the probabilities. */
static int
emit(void *ctx, size_t i, const struct batch_item *it, enum core_status st,
     const struct prediction *p, const struct model_scratch *s, FILE *f,
     FILE *err)
{
	const struct inputs *in = ctx;
	const cJSON *extra = it->data, *m;
	struct line l;
	int first = 1;

	if (st != CORE_OK) {
		if (in->linenos != NULL)
			fprintf(err, "tagifai predict: line %lu: %s\n",
				in->linenos[i], core_strerror(st));
		else
			fprintf(err, "tagifai predict: %s\n", core_strerror(st));
		return 1;
	}
	l.f = f;
	l.n = 0;
	line_put(&l, "{", 1);
	cJSON_ArrayForEach(m, extra) {
		char *v;

		if (m->string == NULL || reserved_key(m->string))
			continue;
		v = cJSON_PrintUnformatted(m);
		if (v == NULL) {
			line_flush(&l);
			fprintf(err, "tagifai predict: out of memory\n");
			return 1;
		}
		if (!first)
			line_put(&l, ",", 1);
		line_json(&l, m->string, strlen(m->string));
		line_put(&l, ":", 1);
		line_puts(&l, v);
		free(v);
		first = 0;
	}
	if (!first)
		line_put(&l, ",", 1);
	line_puts(&l, "\"input_text\":");
	line_json(&l, it->text, it->len);
	line_puts(&l, ",\"predicted_tag\":");
	put_name(&l, in, p->tag);
	line_puts(&l, ",\"probabilities\":");
	print_classes(&l, in, p->prob);
	if (in->details) {
		const char *c = model_scratch_cleaned(s);
		char nnz[32];

		line_puts(&l, ",\"cleaned\":");
		line_json(&l, c, strlen(c));
		snprintf(nnz, sizeof(nnz), "%zu", p->nnz);
		line_puts(&l, ",\"nnz\":");
		line_puts(&l, nnz);
		line_puts(&l, ",\"decision_function\":");
		print_classes(&l, in, p->decision);
	}
	line_puts(&l, "}\n");
	line_flush(&l);
	return 0;
}

/* Reads one line into b (without the newline and a trailing CR; b's
 * maximum is the longest line).  Returns 1 with a line, 0 at EOF, -1 if
 * the line is too long or memory ran out (the rest of it is consumed). */
static int
read_line(FILE *in, struct util_buf *b)
{
	bool too_long = false;
	int c;

	b->len = 0;
	while ((c = getc_unlocked(in)) != EOF && c != '\n') {
		if (too_long)
			continue;
		if (b->len + 1 >= b->cap && !util_buf_reserve(b, 1)) {
			too_long = true;
			continue;
		}
		b->data[b->len++] = (char)c;
	}
	if (c == EOF && b->len == 0 && !too_long)
		return 0;
	if (too_long || !util_buf_reserve(b, 0))
		return -1;
	if (b->len > 0 && b->data[b->len - 1] == '\r')
		b->len--;
	b->data[b->len] = '\0';
	return 1;
}

/* A line holding a JSON object with a "text" member is read as JSON
 * Lines; any other line (and every command-line text) is the text. */
static int
prepare(void *ctx, size_t i, struct batch_item *it, FILE *err)
{
	const struct inputs *in = ctx;
	const char *line = in->lines[i], *p = line;
	cJSON *j = NULL;

	it->text = line;
	it->len = in->lens[i];
	while (in->json_lines && (*p == ' ' || *p == '\t'))
		p++;
	if (in->json_lines && *p == '{') {
		/* cJSON's parser writes its global error position: one parse
		 * at a time across the jobs. */
		pthread_mutex_lock(&parse_lock);
		j = cJSON_ParseWithLength(line, in->lens[i]);
		pthread_mutex_unlock(&parse_lock);
	}
	if (j != NULL && cJSON_IsObject(j)) {
		const cJSON *t = cJSON_GetObjectItemCaseSensitive(j, "text");

		if (t != NULL) {
			it->data = j;
			if (!cJSON_IsString(t)) {
				fprintf(err, "tagifai predict: line %lu: "
					"\"text\" is not a string\n",
					in->linenos[i]);
				return 1;
			}
			it->text = t->valuestring;
			it->len = strlen(t->valuestring);
			return 0;
		}
	}
	cJSON_Delete(j);
	return 0;
}

static void
release(void *ctx, struct batch_item *it)
{
	(void)ctx;
	cJSON_Delete(it->data);
	it->data = NULL;
}

static const struct batch_ops predict_ops = { prepare, emit, release };

/* Standard input is read in rounds of up to jobs * PREDICT_BLOCK lines,
 * each tagged as one batch. */
struct round {
	char **lines;
	size_t *lens;
	unsigned long *linenos;
	size_t n, cap;
};

/* Tags the round's lines.  Returns 0, or 1 after a failing line (its
 * message written). */
static int
run_round(struct batch *b, const struct inputs *base, const struct round *rd)
{
	struct inputs in = *base;
	enum core_status st;

	in.lines = rd->lines;
	in.lens = rd->lens;
	in.linenos = rd->linenos;
	st = batch_run(b, rd->n, &predict_ops, &in, stdout, stderr);
	if (st == CORE_ERR_NOMEM)
		fprintf(stderr, "tagifai predict: out of memory\n");
	return st != CORE_OK;
}

static void
round_clear(struct round *rd)
{
	for (size_t i = 0; i < rd->n; i++)
		free(rd->lines[i]);
	rd->n = 0;
}

/* Keeps a copy of line number no.  Returns 0 or -1 (out of memory). */
static int
round_add(struct round *rd, const char *line, size_t len, unsigned long no)
{
	char *copy = malloc(len + 1);

	if (copy == NULL)
		return -1;
	memcpy(copy, line, len + 1);
	rd->lines[rd->n] = copy;
	rd->lens[rd->n] = len;
	rd->linenos[rd->n] = no;
	rd->n++;
	return 0;
}

/* Tags every line of standard input.  Returns 0 or 1. */
static int
predict_stream(struct batch *b, const struct inputs *base)
{
	struct round rd = { 0 };
	struct util_buf line = UTIL_BUF_INIT(PREDICT_MAX_LINE);
	unsigned long lineno = 0;
	int got = 1, status = 1;

	rd.cap = b->njobs * PREDICT_BLOCK;
	rd.lines = calloc(rd.cap, sizeof(*rd.lines));
	rd.lens = calloc(rd.cap, sizeof(*rd.lens));
	rd.linenos = calloc(rd.cap, sizeof(*rd.linenos));
	if (rd.lines == NULL || rd.lens == NULL || rd.linenos == NULL) {
		fprintf(stderr, "tagifai predict: out of memory\n");
		goto out;
	}
	while (got != 0) {
		while (rd.n < rd.cap && (got = read_line(stdin, &line)) > 0) {
			lineno++;
			if (line.len > 0 &&
			    round_add(&rd, line.data, line.len, lineno) != 0) {
				got = -1;
				lineno--;   /* reported below as this line */
				break;
			}
		}
		if (rd.n > 0 && run_round(b, base, &rd) != 0)
			goto out;
		round_clear(&rd);
		if (got < 0) {
			fprintf(stderr, "tagifai predict: line %lu: longer than "
				"%zu bytes (or out of memory)\n", lineno + 1,
				PREDICT_MAX_LINE);
			goto out;
		}
	}
	if (ferror(stdin)) {
		fprintf(stderr, "tagifai predict: read error on stdin\n");
		goto out;
	}
	status = 0;
out:
	round_clear(&rd);
	free(rd.lines);
	free(rd.lens);
	free(rd.linenos);
	util_buf_free(&line);
	return status;
}

/* Tags the command-line texts, on one job. */
static int
predict_args(struct batch *b, const struct inputs *base, char **texts,
	     size_t n)
{
	struct inputs in = *base;
	size_t *lens = calloc(n + 1, sizeof(*lens));
	enum core_status st;

	if (lens == NULL) {
		fprintf(stderr, "tagifai predict: out of memory\n");
		return 1;
	}
	for (size_t i = 0; i < n; i++)
		lens[i] = strlen(texts[i]);
	in.lines = texts;
	in.lens = lens;
	st = batch_run(b, n, &predict_ops, &in, stdout, stderr);
	if (st == CORE_ERR_NOMEM)
		fprintf(stderr, "tagifai predict: out of memory\n");
	free(lens);
	return st != CORE_OK;
}

/* The default number of jobs: the processors online, at most 8. */
static size_t
default_jobs(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	if (n < 1)
		return 1;
	return n > 8 ? 8 : (size_t)n;
}

int
cli_predict(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "model", required_argument, NULL, 'm' },
		{ "details", no_argument, NULL, 'd' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *path = NULL;
	struct core_error err = { "" };
	struct model *m = NULL;
	struct inputs in = { 0 };
	struct batch b = { 0 };
	size_t njobs = default_jobs();
	char *end;
	int c, status = 1;

	optind = 1;
	while ((c = getopt_long(argc, argv, "m:j:h", opts, NULL)) != -1) {
		switch (c) {
		case 'm': path = optarg; break;
		case 'd': in.details = true; break;
		case 'j':
			njobs = strtoul(optarg, &end, 10);
			if (*optarg < '0' || *optarg > '9' || *end != '\0' ||
			    njobs < 1 || njobs > PREDICT_MAX_JOBS) {
				fprintf(stderr, "tagifai predict: --jobs takes "
					"1 to %d\n", PREDICT_MAX_JOBS);
				return 2;
			}
			break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (path == NULL)
		path = cli_default_model();
	if (model_open(path, &m, &err) != CORE_OK) {
		fprintf(stderr, "tagifai predict: %s\n", err.msg);
		return 1;
	}
	in.m = m;
	if (names_build(&in) != 0) {
		fprintf(stderr, "tagifai predict: out of memory\n");
		goto out;
	}
	/* The command-line texts are few: one job, no JSON Lines. */
	in.json_lines = optind == argc;
	if (batch_open(&b, m, optind < argc ? 1 : njobs) != CORE_OK) {
		fprintf(stderr, "tagifai predict: out of memory\n");
		goto out;
	}
	if (optind < argc ? predict_args(&b, &in, argv + optind,
					 (size_t)(argc - optind)) :
			    predict_stream(&b, &in))
		goto out;
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "tagifai predict: write error\n");
		goto out;
	}
	status = 0;
out:
	fflush(stdout);
	batch_close(&b);
	names_free(&in);
	model_close(m);
	return status;
}
