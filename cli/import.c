/* SPDX-License-Identifier: MIT
 * cli/import.c - `tagifai import`: turn a scikit-learn export (the
 * reference peer's export.json, or tools/export_sklearn.py's output) plus
 * args.json and performance.json into a binary model artifact.
 *
 * The export is read with cJSON, whose number parser uses strtod, so the
 * shortest-repr floats Python wrote come back as the exact same doubles.
 * args and performance are stored as compact JSON text with every number
 * literal kept exactly as written.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "core/artifact.h"
#include "cli/cli.h"
#include "core/model.h"
#include "util/file.h"

/* Largest JSON input file we read (the reference export is 4.8 MB). */
#define IMPORT_MAX_FILE ((size_t)512 << 20)

static void
usage(FILE *f)
{
	fprintf(f,
		"usage: tagifai import --export EXPORT.json --args ARGS.json\n"
		"                      --performance PERF.json --name NAME\n"
		"                      --version VERSION -o OUT.tagifai\n"
		"\n"
		"Writes a model artifact (doc/ARTIFACT.md) from a scikit-learn\n"
		"export: classes, other_index, threshold, preprocessing\n"
		"{lower, stem, stopwords}, vectorizer {analyzer=char_wb,\n"
		"ngram_range, vocabulary, idf, ...}, model {coef, intercept}.\n"
		"ARGS.json and PERF.json must hold JSON objects; they are stored\n"
		"as they are (compacted).  The output is replaced atomically.\n");
}

/* Reads a whole file; caller frees *out.  Returns 0 or -1 with a message
 * printed. */
static int
read_file(const char *path, char **out, size_t *outlen)
{
	switch (util_file_read(path, IMPORT_MAX_FILE, out, outlen)) {
	case UTIL_OK:
		return 0;
	case UTIL_ERR_IO:
		fprintf(stderr, "tagifai import: %s: %s\n", path, strerror(errno));
		return -1;
	case UTIL_ERR_LIMIT:
		fprintf(stderr, "tagifai import: %s: over %zu bytes\n", path,
			IMPORT_MAX_FILE);
		return -1;
	default:
		fprintf(stderr, "tagifai import: out of memory\n");
		return -1;
	}
}

/* Copies JSON text without the whitespace outside strings; the number
 * literals stay byte for byte. */
static void
compact_json(char *s)
{
	char *w = s;
	int in_str = 0;

	for (char *r = s; *r; r++) {
		if (in_str) {
			*w++ = *r;
			if (*r == '\\' && r[1]) {
				*w++ = *++r;
			} else if (*r == '"') {
				in_str = 0;
			}
		} else if (*r == '"') {
			in_str = 1;
			*w++ = *r;
		} else if (*r != ' ' && *r != '\t' && *r != '\n' && *r != '\r') {
			*w++ = *r;
		}
	}
	*w = '\0';
}

/* Reads path as a JSON object; returns its compact text (caller frees). */
static char *
read_object_text(const char *path)
{
	char *text = NULL;
	size_t len;
	cJSON *j;

	if (read_file(path, &text, &len) != 0)
		return NULL;
	j = cJSON_ParseWithLength(text, len);
	if (j == NULL || !cJSON_IsObject(j)) {
		fprintf(stderr, "tagifai import: %s: not a JSON object\n", path);
		cJSON_Delete(j);
		free(text);
		return NULL;
	}
	cJSON_Delete(j);
	compact_json(text);
	return text;
}

static const cJSON *
member(const cJSON *o, const char *key)
{
	return cJSON_GetObjectItemCaseSensitive(o, key);
}

/* An integral number in [lo, hi]. */
static int
get_index(const cJSON *v, double lo, double hi, long *out)
{
	if (!cJSON_IsNumber(v) || v->valuedouble != floor(v->valuedouble) ||
	    v->valuedouble < lo || v->valuedouble > hi)
		return -1;
	*out = (long)v->valuedouble;
	return 0;
}

/* Fills n doubles from a JSON array of exactly n numbers. */
static int
get_doubles(const cJSON *a, double *out, size_t n)
{
	size_t i = 0;
	const cJSON *v;

	if (!cJSON_IsArray(a) || (size_t)cJSON_GetArraySize(a) != n)
		return -1;
	cJSON_ArrayForEach(v, a) {
		if (!cJSON_IsNumber(v))
			return -1;
		out[i++] = v->valuedouble;
	}
	return 0;
}

struct import {
	struct model_spec spec;
	const char *classes[CORE_MAX_CLASSES];
	const char **stopwords;
	const char **terms;
	double *idf, *coef;
	double intercept[CORE_MAX_CLASSES];
};

#define FAIL(...) do { fprintf(stderr, "tagifai import: %s: ", path); \
	fprintf(stderr, __VA_ARGS__); fputc('\n', stderr); return -1; } while (0)

/* Fills im from the parsed export; pointers borrow from e. */
static int
load_export(const char *path, const cJSON *e, struct import *im)
{
	struct model_spec *s = &im->spec;
	const cJSON *cl = member(e, "classes"), *pre = member(e, "preprocessing");
	const cJSON *vec = member(e, "vectorizer"), *mdl = member(e, "model");
	const cJSON *v;
	long x, lo, hi;
	size_t i;

	if (!cJSON_IsObject(e))
		FAIL("not a JSON object");
	if (!cJSON_IsArray(cl) || cJSON_GetArraySize(cl) < 2 ||
	    cJSON_GetArraySize(cl) > CORE_MAX_CLASSES)
		FAIL("\"classes\" must be an array of 2 to %d names",
		     CORE_MAX_CLASSES);
	i = 0;
	cJSON_ArrayForEach(v, cl) {
		if (!cJSON_IsString(v))
			FAIL("\"classes\"[%zu] is not a string", i);
		im->classes[i++] = v->valuestring;
	}
	s->n_classes = i;
	s->classes = im->classes;
	if (get_index(member(e, "other_index"), 0, (double)s->n_classes - 1,
		      &x) != 0)
		FAIL("\"other_index\" must be a class index");
	s->other_index = (unsigned)x;
	v = member(e, "threshold");
	if (!cJSON_IsNumber(v))
		FAIL("\"threshold\" must be a number");
	s->threshold = v->valuedouble;

	if (!cJSON_IsObject(pre))
		FAIL("\"preprocessing\" must be an object");
	v = member(pre, "lower");
	if (!cJSON_IsBool(v))
		FAIL("\"preprocessing.lower\" must be true or false");
	s->lower = cJSON_IsTrue(v);
	v = member(pre, "stem");
	if (!cJSON_IsBool(v))
		FAIL("\"preprocessing.stem\" must be true or false");
	s->stem = cJSON_IsTrue(v);
	v = member(pre, "stopwords");
	if (!cJSON_IsArray(v))
		FAIL("\"preprocessing.stopwords\" must be an array");
	s->n_stopwords = (size_t)cJSON_GetArraySize(v);
	im->stopwords = calloc(s->n_stopwords + 1, sizeof(char *));
	if (im->stopwords == NULL)
		FAIL("out of memory");
	i = 0;
	const cJSON *w;

	cJSON_ArrayForEach(w, v) {
		if (!cJSON_IsString(w))
			FAIL("stopword %zu is not a string", i);
		im->stopwords[i++] = w->valuestring;
	}
	s->stopwords = im->stopwords;

	if (!cJSON_IsObject(vec))
		FAIL("\"vectorizer\" must be an object");
	v = member(vec, "analyzer");
	if (!cJSON_IsString(v) || strcmp(v->valuestring, "char_wb") != 0)
		FAIL("only analyzer \"char_wb\" is supported");
	v = member(vec, "lowercase");
	if (v != NULL && !cJSON_IsTrue(v))
		FAIL("only lowercase=true is supported");
	v = member(vec, "norm");
	if (v != NULL && (!cJSON_IsString(v) || strcmp(v->valuestring, "l2")))
		FAIL("only norm=\"l2\" is supported");
	v = member(vec, "use_idf");
	if (v != NULL && !cJSON_IsTrue(v))
		FAIL("only use_idf=true is supported");
	v = member(vec, "sublinear_tf");
	if (v != NULL && !cJSON_IsFalse(v))
		FAIL("only sublinear_tf=false is supported");
	v = member(vec, "ngram_range");
	if (!cJSON_IsArray(v) || cJSON_GetArraySize(v) != 2 ||
	    get_index(cJSON_GetArrayItem(v, 0), 1, CORE_MAX_NGRAM, &lo) != 0 ||
	    get_index(cJSON_GetArrayItem(v, 1), 1, CORE_MAX_NGRAM, &hi) != 0 ||
	    lo > hi)
		FAIL("\"ngram_range\" must be [min, max] within 1..%d",
		     CORE_MAX_NGRAM);
	s->ngram_min = (unsigned)lo;
	s->ngram_max = (unsigned)hi;
	v = member(vec, "vocabulary");
	if (!cJSON_IsObject(v) || cJSON_GetArraySize(v) < 1)
		FAIL("\"vocabulary\" must be a non-empty object");
	s->n_features = (size_t)cJSON_GetArraySize(v);
	im->terms = calloc(s->n_features, sizeof(char *));
	im->idf = malloc(s->n_features * sizeof(double));
	im->coef = malloc(s->n_features * s->n_classes * sizeof(double));
	if (im->terms == NULL || im->idf == NULL || im->coef == NULL)
		FAIL("out of memory");
	cJSON_ArrayForEach(w, v) {
		if (get_index(w, 0, (double)s->n_features - 1, &x) != 0)
			FAIL("vocabulary[\"%s\"] is not a feature index below %zu",
			     w->string, s->n_features);
		if (im->terms[x] != NULL)
			FAIL("feature %ld is both \"%s\" and \"%s\"", x,
			     im->terms[x], w->string);
		im->terms[x] = w->string;
	}
	s->terms = im->terms;
	if (get_doubles(member(vec, "idf"), im->idf, s->n_features) != 0)
		FAIL("\"idf\" must be %zu numbers", s->n_features);
	s->idf = im->idf;

	if (!cJSON_IsObject(mdl))
		FAIL("\"model\" must be an object");
	v = member(mdl, "coef");
	if (!cJSON_IsArray(v) || (size_t)cJSON_GetArraySize(v) != s->n_classes)
		FAIL("\"coef\" must have %zu rows", s->n_classes);
	i = 0;
	cJSON_ArrayForEach(w, v) {
		if (get_doubles(w, im->coef + i * s->n_features,
				s->n_features) != 0)
			FAIL("\"coef\"[%zu] must be %zu numbers", i,
			     s->n_features);
		i++;
	}
	s->coef = im->coef;
	if (get_doubles(member(mdl, "intercept"), im->intercept,
			s->n_classes) != 0)
		FAIL("\"intercept\" must be %zu numbers", s->n_classes);
	s->intercept = im->intercept;
	return 0;
}

int
cli_import(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "export", required_argument, NULL, 'e' },
		{ "args", required_argument, NULL, 'a' },
		{ "performance", required_argument, NULL, 'p' },
		{ "name", required_argument, NULL, 'n' },
		{ "version", required_argument, NULL, 'v' },
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *exp_path = NULL, *args_path = NULL, *perf_path = NULL;
	const char *name = NULL, *version = NULL, *out_path = NULL;
	struct import im;
	struct core_error err = { "" };
	char *text = NULL, *args = NULL, *perf = NULL;
	cJSON *e = NULL;
	size_t len;
	int c, status = 1;

	memset(&im, 0, sizeof(im));
	optind = 1;
	while ((c = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
		switch (c) {
		case 'e': exp_path = optarg; break;
		case 'a': args_path = optarg; break;
		case 'p': perf_path = optarg; break;
		case 'n': name = optarg; break;
		case 'v': version = optarg; break;
		case 'o': out_path = optarg; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind != argc || !exp_path || !args_path || !perf_path || !name ||
	    !version || !out_path) {
		fprintf(stderr, "tagifai import: --export, --args, --performance, "
			"--name, --version and -o are all required\n");
		usage(stderr);
		return 2;
	}
	args = read_object_text(args_path);
	if (args == NULL)
		goto out;
	perf = read_object_text(perf_path);
	if (perf == NULL)
		goto out;
	if (read_file(exp_path, &text, &len) != 0)
		goto out;
	e = cJSON_ParseWithLength(text, len);
	if (e == NULL) {
		fprintf(stderr, "tagifai import: %s: invalid JSON near byte %td\n",
			exp_path, cJSON_GetErrorPtr() ?
			cJSON_GetErrorPtr() - text : (ptrdiff_t)0);
		goto out;
	}
	if (load_export(exp_path, e, &im) != 0)
		goto out;
	im.spec.name = name;
	im.spec.version = version;
	im.spec.args_json = args;
	im.spec.performance_json = perf;
	if (artifact_write(out_path, &im.spec, &err) != CORE_OK) {
		fprintf(stderr, "tagifai import: %s\n", err.msg);
		goto out;
	}
	printf("wrote %s: %zu classes, %zu features, n-grams %u..%u\n",
	       out_path, im.spec.n_classes, im.spec.n_features,
	       im.spec.ngram_min, im.spec.ngram_max);
	status = 0;
out:
	cJSON_Delete(e);
	free(text);
	free(args);
	free(perf);
	free(im.stopwords);
	free(im.terms);
	free(im.idf);
	free(im.coef);
	return status;
}
