/* SPDX-License-Identifier: MIT
 * cli/predict.c - `tagifai predict`: tag texts from the command line
 * or from standard input, one JSON object per text on standard output.
 *
 * Input lines are either JSON Lines (an object with a "text" string; the
 * other members, e.g. "id", are copied to the output) or raw text.  The
 * probabilities are printed as Python's repr() prints them (shortest text
 * that reads back to the same double), so the output can be compared bit
 * for bit with the reference.
 */
#include <getopt.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "cli/cli.h"
#include "util/float_repr.h"
#include "cli/out.h"
#include "core/model.h"

/* Longest input line read from standard input, in bytes. */
#define PREDICT_MAX_LINE ((size_t)4 << 20)

/* Lines a worker thread takes per round; a round reads jobs times that. */
#define PREDICT_BLOCK 512
#define PREDICT_MAX_JOBS 64

static pthread_mutex_t parse_lock = PTHREAD_MUTEX_INITIALIZER;

struct run {
	const struct model *m;
	struct model_scratch *s;
	int details;
	unsigned long lineno; /* 0 for command-line texts */
	FILE *out;            /* where predictions go */
	FILE *err;            /* where this run's messages go */
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

static void
print_classes(FILE *f, const struct model *m, const double *v)
{
	char num[UTIL_FLOAT_REPR_MAX];

	putc('{', f);
	for (size_t k = 0; k < model_class_count(m); k++) {
		const char *name = model_class_name(m, k);

		if (k)
			putc(',', f);
		cli_json_string(f, name, strlen(name));
		putc(':', f);
		fputs(util_float_repr(v[k], num), f);
	}
	putc('}', f);
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

/* Predicts one text and prints its line; extra (may be NULL) is the
 * input object whose other members are copied.  Returns 0 or 1. */
static int
predict_one(struct run *r, const char *text, size_t len, const cJSON *extra)
{
	struct prediction p;
	enum core_status rc;
	const cJSON *it;
	FILE *f = r->out;
	int first = 1;

	rc = model_predict(r->m, r->s, text, len, &p);
	if (rc != CORE_OK) {
		if (r->lineno)
			fprintf(r->err, "tagifai predict: line %lu: %s\n",
				r->lineno, core_strerror(rc));
		else
			fprintf(r->err, "tagifai predict: %s\n",
				core_strerror(rc));
		return 1;
	}
	putc('{', f);
	cJSON_ArrayForEach(it, extra) {
		char *v;

		if (it->string == NULL || reserved_key(it->string))
			continue;
		v = cJSON_PrintUnformatted(it);
		if (v == NULL) {
			fprintf(r->err, "tagifai predict: out of memory\n");
			return 1;
		}
		if (!first)
			putc(',', f);
		cli_json_string(f, it->string, strlen(it->string));
		fprintf(f, ":%s", v);
		free(v);
		first = 0;
	}
	if (!first)
		putc(',', f);
	fputs("\"input_text\":", f);
	cli_json_string(f, text, len);
	fputs(",\"predicted_tag\":", f);
	cli_json_string(f, model_class_name(r->m, p.tag),
			strlen(model_class_name(r->m, p.tag)));
	fputs(",\"probabilities\":", f);
	print_classes(f, r->m, p.prob);
	if (r->details) {
		const char *c = model_scratch_cleaned(r->s);

		fputs(",\"cleaned\":", f);
		cli_json_string(f, c, strlen(c));
		fprintf(f, ",\"nnz\":%zu,\"decision_function\":", p.nnz);
		print_classes(f, r->m, p.decision);
	}
	fputs("}\n", f);
	return 0;
}

/* Reads one line into *buf (without the newline and a trailing CR).
 * Returns 1 with a line, 0 at EOF, -1 if the line is too long (the rest
 * of it is consumed). */
static int
read_line(FILE *in, char **buf, size_t *cap, size_t *len)
{
	size_t n = 0;
	int c, too_long = 0;

	if (*cap == 0) {
		*buf = malloc(4096);
		if (*buf == NULL)
			return -1;
		*cap = 4096;
	}
	while ((c = getc_unlocked(in)) != EOF && c != '\n') {
		if (too_long)
			continue;
		if (n + 1 >= *cap) {
			size_t ncap = *cap * 2;
			char *nb;

			if (ncap > PREDICT_MAX_LINE + 1) {
				too_long = 1;
				continue;
			}
			nb = realloc(*buf, ncap);
			if (nb == NULL) {
				too_long = 1;
				continue;
			}
			*buf = nb;
			*cap = ncap;
		}
		(*buf)[n++] = (char)c;
	}
	if (c == EOF && n == 0 && !too_long)
		return 0;
	if (too_long)
		return -1;
	if (n > 0 && (*buf)[n - 1] == '\r')
		n--;
	(*buf)[n] = '\0';
	*len = n;
	return 1;
}

static int
predict_line(struct run *r, const char *line, size_t len)
{
	const char *p = line;
	cJSON *j = NULL;
	int status;

	while (*p == ' ' || *p == '\t')
		p++;
	if (*p == '{') {
		/* cJSON's parser writes its global error position: one parse
		 * at a time across the jobs. */
		pthread_mutex_lock(&parse_lock);
		j = cJSON_ParseWithLength(line, len);
		pthread_mutex_unlock(&parse_lock);
	}
	if (j != NULL && cJSON_IsObject(j)) {
		const cJSON *t = cJSON_GetObjectItemCaseSensitive(j, "text");

		if (t != NULL) {
			if (!cJSON_IsString(t)) {
				fprintf(r->err, "tagifai predict: line %lu: "
					"\"text\" is not a string\n", r->lineno);
				cJSON_Delete(j);
				return 1;
			}
			status = predict_one(r, t->valuestring,
					     strlen(t->valuestring), j);
			cJSON_Delete(j);
			return status;
		}
	}
	cJSON_Delete(j);
	return predict_one(r, line, len, NULL);
}

/* Standard input is read in rounds of up to jobs * PREDICT_BLOCK lines;
 * each job (a thread, with its own scratch) predicts a contiguous share
 * into memory, and the shares are written in input order, so the output is
 * the same whatever the number of jobs.  A failing line ends the output
 * after the lines before it, as with one job. */
struct job {
	struct run r;
	char **lines;              /* borrowed from the round */
	const size_t *lens;
	const unsigned long *linenos;
	size_t n;
	char *out_buf, *err_buf;   /* open_memstream buffers */
	size_t out_len, err_len;
	int status;
};

struct round {
	char **lines;
	size_t *lens;
	unsigned long *linenos;
	size_t n, cap;
};

static void *
job_main(void *arg)
{
	struct job *j = arg;

	for (size_t i = 0; i < j->n; i++) {
		j->r.lineno = j->linenos[i];
		if (predict_line(&j->r, j->lines[i], j->lens[i])) {
			j->status = 1;
			break;
		}
	}
	return NULL;
}

/* Runs the round's lines on the jobs and writes their output in order.
 * Returns 0, or 1 after a failing line (its message written). */
static int
run_round(struct job *jobs, size_t njobs, const struct round *rd)
{
	pthread_t tid[PREDICT_MAX_JOBS];
	int started[PREDICT_MAX_JOBS] = { 0 };
	size_t per = (rd->n + njobs - 1) / njobs, at = 0;
	int failed = 0;

	for (size_t k = 0; k < njobs; k++) {
		struct job *j = &jobs[k];

		j->n = at < rd->n ? (rd->n - at < per ? rd->n - at : per) : 0;
		j->lines = rd->lines + at;
		j->lens = rd->lens + at;
		j->linenos = rd->linenos + at;
		at += j->n;
		j->status = 0;
		j->r.out = open_memstream(&j->out_buf, &j->out_len);
		j->r.err = open_memstream(&j->err_buf, &j->err_len);
		if (j->r.out == NULL || j->r.err == NULL) {
			/* give up on this job: report it in order below */
			j->status = 2;
			continue;
		}
		if (k > 0 && j->n > 0 &&
		    pthread_create(&tid[k], NULL, job_main, j) == 0)
			started[k] = 1;
	}
	for (size_t k = 0; k < njobs; k++) {
		struct job *j = &jobs[k];

		if (started[k])
			pthread_join(tid[k], NULL);
		else if (j->status == 0)
			job_main(j);   /* job 0, or a thread that did not start */
	}
	for (size_t k = 0; k < njobs; k++) {
		struct job *j = &jobs[k];

		if (j->r.out != NULL)
			fclose(j->r.out);
		if (j->r.err != NULL)
			fclose(j->r.err);
		if (!failed) {
			if (j->status == 2)
				fprintf(stderr, "tagifai predict: out of memory\n");
			fwrite(j->out_buf, 1, j->out_len, stdout);
			fwrite(j->err_buf, 1, j->err_len, stderr);
			failed = j->status != 0;
		}
		free(j->out_buf);
		free(j->err_buf);
		j->out_buf = j->err_buf = NULL;
		j->r.out = j->r.err = NULL;
	}
	return failed;
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

/* Tags every line of standard input with njobs jobs.  Returns 0 or 1. */
static int
predict_stream(struct job *jobs, size_t njobs)
{
	struct round rd = { 0 };
	char *line = NULL;
	size_t cap = 0, len;
	unsigned long lineno = 0;
	int got = 1, status = 1;

	rd.cap = njobs * PREDICT_BLOCK;
	rd.lines = calloc(rd.cap, sizeof(*rd.lines));
	rd.lens = calloc(rd.cap, sizeof(*rd.lens));
	rd.linenos = calloc(rd.cap, sizeof(*rd.linenos));
	if (rd.lines == NULL || rd.lens == NULL || rd.linenos == NULL) {
		fprintf(stderr, "tagifai predict: out of memory\n");
		goto out;
	}
	while (got != 0) {
		while (rd.n < rd.cap && (got = read_line(stdin, &line, &cap, &len)) > 0) {
			lineno++;
			if (len > 0 && round_add(&rd, line, len, lineno) != 0) {
				got = -1;
				lineno--;   /* reported below as this line */
				break;
			}
		}
		if (rd.n > 0 && run_round(jobs, njobs, &rd) != 0)
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
	free(line);
	return status;
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
	struct run r = { 0 };
	struct job jobs[PREDICT_MAX_JOBS];
	size_t njobs = default_jobs(), made = 0;
	char *end;
	int c, status = 1;

	memset(jobs, 0, sizeof(jobs));
	optind = 1;
	while ((c = getopt_long(argc, argv, "m:j:h", opts, NULL)) != -1) {
		switch (c) {
		case 'm': path = optarg; break;
		case 'd': r.details = 1; break;
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
	r.m = m;
	r.out = stdout;
	r.err = stderr;
	if (optind < argc) {
		r.s = model_scratch_new(m);
		if (r.s == NULL) {
			fprintf(stderr, "tagifai predict: out of memory\n");
			goto out;
		}
		for (int i = optind; i < argc; i++)
			if (predict_one(&r, argv[i], strlen(argv[i]), NULL))
				goto out;
	} else {
		/* The model is shared read-only; each job has its scratch. */
		for (made = 0; made < njobs; made++) {
			jobs[made].r = r;
			jobs[made].r.s = model_scratch_new(m);
			if (jobs[made].r.s == NULL) {
				fprintf(stderr, "tagifai predict: out of memory\n");
				goto out;
			}
		}
		if (predict_stream(jobs, njobs) != 0)
			goto out;
	}
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "tagifai predict: write error\n");
		goto out;
	}
	status = 0;
out:
	fflush(stdout);
	for (size_t k = 0; k < made; k++)
		model_scratch_free(jobs[k].r.s);
	model_scratch_free(r.s);
	model_close(m);
	return status;
}
