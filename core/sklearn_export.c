/* SPDX-License-Identifier: MIT
 * core/sklearn_export.c - reading a scikit-learn export into a model_spec.
 *
 * Every check names the member at fault; the first failure is returned
 * (never hidden in a macro) with a sentence in err.  cJSON's position of a
 * parse error is taken from ParseWithLengthOpts, not from its global
 * error pointer, so this is safe to call from several threads.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "core/sklearn_export.h"
#include "util/file.h"

static enum core_status
read_text(const char *path, char **text, size_t *len, struct core_error *err)
{
	switch (util_file_read(path, SKLEARN_EXPORT_MAX_BYTES, text, len)) {
	case UTIL_OK:
		return CORE_OK;
	case UTIL_ERR_IO:
		return core_fail(err, CORE_ERR_IO, "%s: %s", path,
				 strerror(errno));
	case UTIL_ERR_LIMIT:
		return core_fail(err, CORE_ERR_LIMIT, "%s: over %zu bytes",
				 path, SKLEARN_EXPORT_MAX_BYTES);
	default:
		return core_fail(err, CORE_ERR_NOMEM, "out of memory");
	}
}

static const cJSON *
member(const cJSON *o, const char *key)
{
	return cJSON_GetObjectItemCaseSensitive(o, key);
}

/* An integral number in [lo, hi]. */
static bool
get_index(const cJSON *v, double lo, double hi, long *out)
{
	if (!cJSON_IsNumber(v) || v->valuedouble != floor(v->valuedouble) ||
	    v->valuedouble < lo || v->valuedouble > hi)
		return false;
	*out = (long)v->valuedouble;
	return true;
}

/* Fills n doubles from a JSON array of exactly n numbers. */
static bool
get_doubles(const cJSON *a, double *out, size_t n)
{
	size_t i = 0;
	const cJSON *v;

	if (!cJSON_IsArray(a) || (size_t)cJSON_GetArraySize(a) != n)
		return false;
	cJSON_ArrayForEach(v, a) {
		if (!cJSON_IsNumber(v))
			return false;
		out[i++] = v->valuedouble;
	}
	return true;
}

/* classes, other_index, threshold. */
static enum core_status
load_classes(const char *name, const cJSON *e, struct sklearn_export *x,
	     struct core_error *err)
{
	struct model_spec *s = &x->spec;
	const cJSON *cl = member(e, "classes"), *v;
	size_t i = 0;
	long k;

	if (!cJSON_IsArray(cl) || cJSON_GetArraySize(cl) < 2 ||
	    cJSON_GetArraySize(cl) > CORE_MAX_CLASSES)
		return core_fail_at(err, CORE_ERR_INPUT, name, "\"classes\" must be an array of 2 "
			       "to %d names", CORE_MAX_CLASSES);
	cJSON_ArrayForEach(v, cl) {
		if (!cJSON_IsString(v))
			return core_fail_at(err, CORE_ERR_INPUT, name, "\"classes\"[%zu] is not a "
				       "string", i);
		x->classes[i++] = v->valuestring;
	}
	s->n_classes = i;
	s->classes = x->classes;
	if (!get_index(member(e, "other_index"), 0, (double)s->n_classes - 1,
		       &k))
		return core_fail_at(err, CORE_ERR_INPUT, name, "\"other_index\" must be a class "
			       "index");
	s->other_index = (unsigned)k;
	v = member(e, "threshold");
	if (!cJSON_IsNumber(v))
		return core_fail_at(err, CORE_ERR_INPUT, name, "\"threshold\" must be a number");
	s->threshold = v->valuedouble;
	return CORE_OK;
}

/* preprocessing {lower, stem, stopwords}. */
static enum core_status
load_preprocessing(const char *name, const cJSON *pre,
		   struct sklearn_export *x, struct core_error *err)
{
	struct model_spec *s = &x->spec;
	const cJSON *v, *w;
	size_t i = 0;

	if (!cJSON_IsObject(pre))
		return core_fail_at(err, CORE_ERR_INPUT, name, "\"preprocessing\" must be an object");
	v = member(pre, "lower");
	if (!cJSON_IsBool(v))
		return core_fail_at(err, CORE_ERR_INPUT, name, "\"preprocessing.lower\" must be "
			       "true or false");
	s->lower = cJSON_IsTrue(v);
	v = member(pre, "stem");
	if (!cJSON_IsBool(v))
		return core_fail_at(err, CORE_ERR_INPUT, name, "\"preprocessing.stem\" must be "
			       "true or false");
	s->stem = cJSON_IsTrue(v);
	v = member(pre, "stopwords");
	if (!cJSON_IsArray(v))
		return core_fail_at(err, CORE_ERR_INPUT, name, "\"preprocessing.stopwords\" must be "
			       "an array");
	s->n_stopwords = (size_t)cJSON_GetArraySize(v);
	x->stopwords = calloc(s->n_stopwords + 1, sizeof(char *));
	if (x->stopwords == NULL)
		return core_fail(err, CORE_ERR_NOMEM, "out of memory");
	cJSON_ArrayForEach(w, v) {
		if (!cJSON_IsString(w))
			return core_fail_at(err, CORE_ERR_INPUT, name, "stopword %zu is not a "
				       "string", i);
		x->stopwords[i++] = w->valuestring;
	}
	s->stopwords = x->stopwords;
	return CORE_OK;
}

/* The vectorizer options this project implements, and nothing else. */
static enum core_status
check_vectorizer(const char *name, const cJSON *vec, struct core_error *err)
{
	const cJSON *v;

	if (!cJSON_IsObject(vec))
		return core_fail_at(err, CORE_ERR_INPUT, name, "\"vectorizer\" must be an object");
	v = member(vec, "analyzer");
	if (!cJSON_IsString(v) || strcmp(v->valuestring, "char_wb") != 0)
		return core_fail_at(err, CORE_ERR_INPUT, name, "only analyzer \"char_wb\" is "
			       "supported");
	v = member(vec, "lowercase");
	if (v != NULL && !cJSON_IsTrue(v))
		return core_fail_at(err, CORE_ERR_INPUT, name, "only lowercase=true is supported");
	v = member(vec, "norm");
	if (v != NULL && (!cJSON_IsString(v) || strcmp(v->valuestring, "l2")))
		return core_fail_at(err, CORE_ERR_INPUT, name, "only norm=\"l2\" is supported");
	v = member(vec, "use_idf");
	if (v != NULL && !cJSON_IsTrue(v))
		return core_fail_at(err, CORE_ERR_INPUT, name, "only use_idf=true is supported");
	v = member(vec, "sublinear_tf");
	if (v != NULL && !cJSON_IsFalse(v))
		return core_fail_at(err, CORE_ERR_INPUT, name, "only sublinear_tf=false is "
			       "supported");
	return CORE_OK;
}

/* vectorizer {ngram_range, vocabulary, idf}; needs n_classes for coef. */
static enum core_status
load_vectorizer(const char *name, const cJSON *vec, struct sklearn_export *x,
		struct core_error *err)
{
	struct model_spec *s = &x->spec;
	const cJSON *v, *w;
	enum core_status st;
	long lo, hi, k;

	st = check_vectorizer(name, vec, err);
	if (st != CORE_OK)
		return st;
	v = member(vec, "ngram_range");
	if (!cJSON_IsArray(v) || cJSON_GetArraySize(v) != 2 ||
	    !get_index(cJSON_GetArrayItem(v, 0), 1, CORE_MAX_NGRAM, &lo) ||
	    !get_index(cJSON_GetArrayItem(v, 1), 1, CORE_MAX_NGRAM, &hi) ||
	    lo > hi)
		return core_fail_at(err, CORE_ERR_INPUT, name, "\"ngram_range\" must be [min, max] "
			       "within 1..%d", CORE_MAX_NGRAM);
	s->ngram_min = (unsigned)lo;
	s->ngram_max = (unsigned)hi;
	v = member(vec, "vocabulary");
	if (!cJSON_IsObject(v) || cJSON_GetArraySize(v) < 1)
		return core_fail_at(err, CORE_ERR_INPUT, name, "\"vocabulary\" must be a non-empty "
			       "object");
	s->n_features = (size_t)cJSON_GetArraySize(v);
	x->terms = calloc(s->n_features, sizeof(char *));
	x->idf = malloc(s->n_features * sizeof(double));
	x->coef = calloc(s->n_features, s->n_classes * sizeof(double));
	if (x->terms == NULL || x->idf == NULL || x->coef == NULL)
		return core_fail(err, CORE_ERR_NOMEM, "out of memory");
	cJSON_ArrayForEach(w, v) {
		if (!get_index(w, 0, (double)s->n_features - 1, &k))
			return core_fail_at(err, CORE_ERR_INPUT, name, "vocabulary[\"%s\"] is not a "
				       "feature index below %zu", w->string,
				       s->n_features);
		if (x->terms[k] != NULL)
			return core_fail_at(err, CORE_ERR_INPUT, name, "feature %ld is both \"%s\" "
				       "and \"%s\"", k, x->terms[k], w->string);
		x->terms[k] = w->string;
	}
	s->terms = x->terms;
	if (!get_doubles(member(vec, "idf"), x->idf, s->n_features))
		return core_fail_at(err, CORE_ERR_INPUT, name, "\"idf\" must be %zu numbers",
			       s->n_features);
	s->idf = x->idf;
	return CORE_OK;
}

/* model {coef, intercept}. */
static enum core_status
load_model(const char *name, const cJSON *mdl, struct sklearn_export *x,
	   struct core_error *err)
{
	struct model_spec *s = &x->spec;
	const cJSON *v, *w;
	size_t i = 0;

	if (!cJSON_IsObject(mdl))
		return core_fail_at(err, CORE_ERR_INPUT, name, "\"model\" must be an object");
	v = member(mdl, "coef");
	if (!cJSON_IsArray(v) || (size_t)cJSON_GetArraySize(v) != s->n_classes)
		return core_fail_at(err, CORE_ERR_INPUT, name, "\"coef\" must have %zu rows",
			       s->n_classes);
	cJSON_ArrayForEach(w, v) {
		if (!get_doubles(w, x->coef + i * s->n_features, s->n_features))
			return core_fail_at(err, CORE_ERR_INPUT, name, "\"coef\"[%zu] must be %zu "
				       "numbers", i, s->n_features);
		i++;
	}
	s->coef = x->coef;
	if (!get_doubles(member(mdl, "intercept"), x->intercept, s->n_classes))
		return core_fail_at(err, CORE_ERR_INPUT, name, "\"intercept\" must be %zu numbers",
			       s->n_classes);
	s->intercept = x->intercept;
	return CORE_OK;
}

enum core_status
sklearn_export_parse(const char *name, const char *text, size_t len,
		     struct sklearn_export *x, struct core_error *err)
{
	const char *end = NULL;
	const cJSON *e;
	enum core_status st;

	memset(x, 0, sizeof(*x));
	x->json = cJSON_ParseWithLengthOpts(text, len, &end, false);
	if (x->json == NULL)
		return core_fail_at(err, CORE_ERR_INPUT, name, "invalid JSON near byte %td",
			       end != NULL ? end - text : (ptrdiff_t)0);
	e = x->json;
	if (!cJSON_IsObject(e))
		return core_fail_at(err, CORE_ERR_INPUT, name, "not a JSON object");
	st = load_classes(name, e, x, err);
	if (st == CORE_OK)
		st = load_preprocessing(name, member(e, "preprocessing"), x,
					err);
	if (st == CORE_OK)
		st = load_vectorizer(name, member(e, "vectorizer"), x, err);
	if (st == CORE_OK)
		st = load_model(name, member(e, "model"), x, err);
	return st;
}

enum core_status
sklearn_export_load(const char *path, struct sklearn_export *x,
		    struct core_error *err)
{
	enum core_status st;
	char *text = NULL;
	size_t len = 0;

	memset(x, 0, sizeof(*x));
	st = read_text(path, &text, &len, err);
	if (st != CORE_OK)
		return st;
	st = sklearn_export_parse(path, text, len, x, err);
	free(text);
	return st;
}

void
sklearn_export_free(struct sklearn_export *x)
{
	cJSON_Delete(x->json);
	free(x->stopwords);
	free(x->terms);
	free(x->idf);
	free(x->coef);
	memset(x, 0, sizeof(*x));
}

/* Removes the whitespace outside strings, in place. */
static void
compact_json(char *s)
{
	char *w = s;
	bool in_str = false;

	for (char *r = s; *r; r++) {
		if (in_str) {
			*w++ = *r;
			if (*r == '\\' && r[1])
				*w++ = *++r;
			else if (*r == '"')
				in_str = false;
		} else if (*r == '"') {
			in_str = true;
			*w++ = *r;
		} else if (*r != ' ' && *r != '\t' && *r != '\n' && *r != '\r') {
			*w++ = *r;
		}
	}
	*w = '\0';
}

enum core_status
sklearn_export_object_load(const char *path, char **out,
			   struct core_error *err)
{
	enum core_status st;
	char *text = NULL;
	size_t len = 0;
	cJSON *j;

	st = read_text(path, &text, &len, err);
	if (st != CORE_OK)
		return st;
	j = cJSON_ParseWithLength(text, len);
	if (j == NULL || !cJSON_IsObject(j)) {
		cJSON_Delete(j);
		free(text);
		return core_fail_at(err, CORE_ERR_INPUT, path, "not a JSON object");
	}
	cJSON_Delete(j);
	compact_json(text);
	*out = text;
	return CORE_OK;
}
