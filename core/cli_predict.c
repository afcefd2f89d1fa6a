/* SPDX-License-Identifier: MIT
 * core/cli_predict.c - `tagifai predict`: tag texts from the command line
 * or from standard input, one JSON object per text on standard output.
 *
 * Input lines are either JSON Lines (an object with a "text" string; the
 * other members, e.g. "id", are copied to the output) or raw text.  The
 * probabilities are printed with %.17g, which reads back to the same
 * double, so the output can be compared bit for bit with the reference.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "core/cli.h"
#include "core/cli_out.h"
#include "core/model.h"

/* Longest input line read from standard input, in bytes. */
#define PREDICT_MAX_LINE ((size_t)4 << 20)

struct run {
	const struct model *m;
	struct model_scratch *s;
	int details;
	unsigned long lineno; /* 0 for command-line texts */
};

static void
usage(FILE *f)
{
	fprintf(f,
		"usage: tagifai predict [--model PATH] [--details] [TEXT...]\n"
		"\n"
		"Tags each TEXT argument, or else each line of standard input.\n"
		"A line holding a JSON object with a \"text\" string is read as\n"
		"JSON Lines (its other members, e.g. \"id\", are copied to the\n"
		"output); any other line is the text itself.  Empty lines are\n"
		"skipped.  Writes one JSON object per text:\n"
		"  {..., \"input_text\": ..., \"predicted_tag\": ...,\n"
		"   \"probabilities\": {class: p, ...}}\n"
		"with p printed as %%.17g.  --details adds \"cleaned\", \"nnz\"\n"
		"and \"decision_function\".  The model defaults to\n"
		"$TAGIFAI_MODEL, else %s.\n", cli_default_model());
}

static void
print_classes(FILE *f, const struct model *m, const double *v)
{
	putc('{', f);
	for (size_t k = 0; k < model_class_count(m); k++) {
		const char *name = model_class_name(m, k);

		if (k)
			putc(',', f);
		cli_json_string(f, name, strlen(name));
		fprintf(f, ":%.17g", v[k]);
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
	FILE *f = stdout;
	int first = 1;

	rc = model_predict(r->m, r->s, text, len, &p);
	if (rc != CORE_OK) {
		if (r->lineno)
			fprintf(stderr, "tagifai predict: line %lu: %s\n",
				r->lineno, core_strerror(rc));
		else
			fprintf(stderr, "tagifai predict: %s\n",
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
			fprintf(stderr, "tagifai predict: out of memory\n");
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
	while ((c = getc(in)) != EOF && c != '\n') {
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
	if (*p == '{')
		j = cJSON_ParseWithLength(line, len);
	if (j != NULL && cJSON_IsObject(j)) {
		const cJSON *t = cJSON_GetObjectItemCaseSensitive(j, "text");

		if (t != NULL) {
			if (!cJSON_IsString(t)) {
				fprintf(stderr, "tagifai predict: line %lu: "
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

int
cli_predict(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "model", required_argument, NULL, 'm' },
		{ "details", no_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *path = NULL;
	struct core_error err = { "" };
	struct model *m = NULL;
	struct run r = { 0 };
	char *line = NULL;
	size_t cap = 0, len;
	int c, status = 1;

	optind = 1;
	while ((c = getopt_long(argc, argv, "m:h", opts, NULL)) != -1) {
		switch (c) {
		case 'm': path = optarg; break;
		case 'd': r.details = 1; break;
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
	r.s = model_scratch_new(m);
	if (r.s == NULL) {
		fprintf(stderr, "tagifai predict: out of memory\n");
		goto out;
	}
	if (optind < argc) {
		for (int i = optind; i < argc; i++)
			if (predict_one(&r, argv[i], strlen(argv[i]), NULL))
				goto out;
	} else {
		int got;

		while ((got = read_line(stdin, &line, &cap, &len)) != 0) {
			r.lineno++;
			if (got < 0) {
				fprintf(stderr, "tagifai predict: line %lu: longer "
					"than %zu bytes (or out of memory)\n",
					r.lineno, PREDICT_MAX_LINE);
				goto out;
			}
			if (len == 0)
				continue;
			if (predict_line(&r, line, len))
				goto out;
		}
		if (ferror(stdin)) {
			fprintf(stderr, "tagifai predict: read error on stdin\n");
			goto out;
		}
	}
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "tagifai predict: write error\n");
		goto out;
	}
	status = 0;
out:
	fflush(stdout);
	free(line);
	model_scratch_free(r.s);
	model_close(m);
	return status;
}
