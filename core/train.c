/* SPDX-License-Identifier: MIT
 * core/train.c - train.py in C: data, features, SGD, threshold, report.
 *
 * Each random stage draws from its own split_rng stream of the seed:
 * 1 the dataset shuffle, 2 the stratified split, 3 the oversampler, and
 * 4 + k the SGD sample orders of class k (core/sgd.c).
 */
#include <cjson/cJSON.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/artifact.h"
#include "core/clean.h"
#include "core/dataset.h"
#include "core/jsonw.h"
#include "core/oversample.h"
#include "core/sgd.h"
#include "core/split.h"
#include "core/tfidf_fit.h"
#include "core/train.h"
#include "util/file.h"

#define STREAM_SHUFFLE 1
#define STREAM_SPLIT 2
#define STREAM_OVERSAMPLE 3
#define NGRAM_MIN 2

void
train_args_default(struct train_args *a)
{
	memset(a, 0, sizeof(*a));
	a->shuffle = true;
	a->subset = -1;
	a->min_freq = 75;
	a->lower = true;
	a->stem = false;
	strcpy(a->analyzer, "char_wb");
	a->ngram_max_range = 8;
	a->alpha = 1e-4;
	a->learning_rate = 0.1469;
	a->power_t = 0.159;
	a->num_epochs = 100;
}

static bool
integral(const cJSON *v, double lo, double hi)
{
	return cJSON_IsNumber(v) && v->valuedouble == floor(v->valuedouble) &&
	       v->valuedouble >= lo && v->valuedouble <= hi;
}

enum core_status
train_args_parse(const char *text, size_t len, struct train_args *a,
		 struct core_error *err)
{
	enum core_status st = CORE_OK;
	struct train_args t = *a;
	cJSON *root;
	const cJSON *v;

	if (len > TRAIN_MAX_ARGS_BYTES)
		return core_fail(err, CORE_ERR_LIMIT,
				 "arguments larger than %zu bytes",
				 TRAIN_MAX_ARGS_BYTES);
	root = cJSON_ParseWithLength(text, len);
	if (root == NULL || !cJSON_IsObject(root)) {
		st = core_fail(err, CORE_ERR_INPUT,
			       "arguments are not a JSON object");
		goto out;
	}
	cJSON_ArrayForEach(v, root) {
		const char *k = v->string;
		bool ok = true;

		if (strcmp(k, "shuffle") == 0) {
			ok = cJSON_IsBool(v);
			t.shuffle = cJSON_IsTrue(v);
		} else if (strcmp(k, "subset") == 0) {
			ok = cJSON_IsNull(v) || integral(v, 1, 1e9);
			t.subset = cJSON_IsNull(v) ? -1 : (long)v->valuedouble;
		} else if (strcmp(k, "min_freq") == 0) {
			ok = integral(v, 0, 1e9);
			t.min_freq = ok ? (long)v->valuedouble : 0;
		} else if (strcmp(k, "lower") == 0) {
			ok = cJSON_IsBool(v);
			t.lower = cJSON_IsTrue(v);
		} else if (strcmp(k, "stem") == 0) {
			ok = cJSON_IsBool(v);
			t.stem = cJSON_IsTrue(v);
		} else if (strcmp(k, "analyzer") == 0) {
			ok = cJSON_IsString(v) &&
			     strcmp(v->valuestring, "char_wb") == 0;
			if (ok)
				strcpy(t.analyzer, "char_wb");
		} else if (strcmp(k, "ngram_max_range") == 0) {
			ok = integral(v, NGRAM_MIN, CORE_MAX_NGRAM);
			t.ngram_max_range = ok ? (unsigned)v->valuedouble : 0;
		} else if (strcmp(k, "alpha") == 0) {
			ok = cJSON_IsNumber(v) && v->valuedouble >= 0.0;
			t.alpha = v->valuedouble;
		} else if (strcmp(k, "learning_rate") == 0) {
			ok = cJSON_IsNumber(v) && v->valuedouble > 0.0;
			t.learning_rate = v->valuedouble;
		} else if (strcmp(k, "power_t") == 0) {
			ok = cJSON_IsNumber(v);
			t.power_t = v->valuedouble;
		} else if (strcmp(k, "num_epochs") == 0) {
			ok = integral(v, 1, SGD_MAX_EPOCHS);
			t.num_epochs = ok ? (unsigned)v->valuedouble : 0;
		} else if (strcmp(k, "threshold") == 0) {
			ok = true;  /* an output of training */
		} else {
			st = core_fail(err, CORE_ERR_INPUT,
				       "unknown argument '%s'", k);
			goto out;
		}
		if (!ok) {
			st = core_fail(err, CORE_ERR_INPUT,
				       "argument '%s' has a bad type or value "
				       "(analyzer must be \"char_wb\", "
				       "ngram_max_range %d..%d, num_epochs "
				       "1..%d)", k, NGRAM_MIN, CORE_MAX_NGRAM,
				       SGD_MAX_EPOCHS);
			goto out;
		}
	}
	*a = t;
out:
	cJSON_Delete(root);
	return st;
}

enum core_status
train_args_load(const char *path, struct train_args *a,
		struct core_error *err)
{
	struct core_error why = { "" };
	enum core_status st;
	char *text = NULL;
	size_t len = 0;

	switch (util_file_read(path, TRAIN_MAX_ARGS_BYTES, &text, &len)) {
	case UTIL_OK:
		break;
	case UTIL_ERR_IO:
		return core_fail_at(err, CORE_ERR_IO, path, "%s",
				    strerror(errno));
	case UTIL_ERR_LIMIT:
		return core_fail_at(err, CORE_ERR_LIMIT, path, "arguments "
				    "larger than %zu bytes",
				    TRAIN_MAX_ARGS_BYTES);
	default:
		return core_fail(err, CORE_ERR_NOMEM, "out of memory");
	}
	st = train_args_parse(text, len, a, &why);
	free(text);
	if (st != CORE_OK)
		return core_fail_at(err, st, path, "%s", why.msg);
	return CORE_OK;
}

char *
train_args_json(const struct train_args *a, double threshold)
{
	struct jsonw w = JSONW_INIT;

	jsonw_begin_object(&w);
	jsonw_key(&w, "shuffle");
	jsonw_bool(&w, a->shuffle);
	jsonw_key(&w, "subset");
	if (a->subset < 0)
		jsonw_null(&w);
	else
		jsonw_int(&w, a->subset);
	jsonw_key(&w, "min_freq");
	jsonw_int(&w, a->min_freq);
	jsonw_key(&w, "lower");
	jsonw_bool(&w, a->lower);
	jsonw_key(&w, "stem");
	jsonw_bool(&w, a->stem);
	jsonw_key(&w, "analyzer");
	jsonw_string(&w, a->analyzer);
	jsonw_key(&w, "ngram_max_range");
	jsonw_int(&w, a->ngram_max_range);
	jsonw_key(&w, "alpha");
	jsonw_double(&w, a->alpha);
	jsonw_key(&w, "learning_rate");
	jsonw_double(&w, a->learning_rate);
	jsonw_key(&w, "power_t");
	jsonw_double(&w, a->power_t);
	jsonw_key(&w, "num_epochs");
	jsonw_int(&w, a->num_epochs);
	jsonw_key(&w, "threshold");
	jsonw_double(&w, threshold);
	jsonw_end_object(&w);
	return jsonw_finish(&w);
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

double
train_quantile(double *x, size_t n, double q)
{
	double pos, t, lo, hi, diff;
	size_t i;

	qsort(x, n, sizeof(*x), cmp_double);
	/* numpy 1.24 _quantile, method "linear": virtual index (n - 1) q,
	 * then _lerp, which computes from the nearer end. */
	pos = (double)(n - 1) * q;
	i = (size_t)floor(pos);
	if (i >= n - 1)
		return x[n - 1];
	t = pos - (double)i;
	lo = x[i];
	hi = x[i + 1];
	diff = hi - lo;
	if (t >= 0.5)
		return hi - diff * (1.0 - t);
	return lo + diff * t;
}

/* Everything train_run allocates, released in one place. */
struct run {
	struct dataset *data, *hold;
	struct cleaner *cleaner;
	char **clean_data, **clean_hold;
	size_t *order;                 /* dataset rows used, shuffled */
	const char **classes;
	size_t n_classes;
	unsigned *y, *y_hold, *y_train, *y_val, *pred;
	size_t *train, *val, *over;
	const char **texts;
	struct tfidf *tf;
	struct tfidf_rows *x_train, *x_val, *x_hold;
	double *coef, *intercept, *scores;
	char *args_json, *perf_json;
};

static void
run_release(struct run *r)
{
	for (size_t i = 0; r->clean_data && i < r->data->n; i++)
		free(r->clean_data[i]);
	for (size_t i = 0; r->clean_hold && i < r->hold->n; i++)
		free(r->clean_hold[i]);
	free(r->clean_data);
	free(r->clean_hold);
	cleaner_free(r->cleaner);
	dataset_free(r->data);
	dataset_free(r->hold);
	free(r->order);
	free(r->classes);
	free(r->y);
	free(r->y_hold);
	free(r->y_train);
	free(r->y_val);
	free(r->pred);
	free(r->train);
	free(r->val);
	free(r->over);
	free(r->texts);
	tfidf_free(r->tf);
	tfidf_rows_free(r->x_train);
	tfidf_rows_free(r->x_val);
	tfidf_rows_free(r->x_hold);
	free(r->coef);
	free(r->intercept);
	free(r->scores);
	free(r->args_json);
	free(r->perf_json);
}

__attribute__((format(printf, 2, 3)))
static void
note(const struct train_options *o, const char *fmt, ...)
{
	va_list ap;

	if (!o->progress)
		return;
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fflush(stderr);
}

static void
epoch_progress(size_t k, unsigned epoch, void *arg)
{
	const struct train_options *o = arg;

	if (o->progress && (epoch % 10 == 0 || epoch == o->args->num_epochs))
		fprintf(stderr, "\rtagifai: SGD class %zu epoch %u/%u%s",
			k + 1, epoch, o->args->num_epochs,
			epoch == o->args->num_epochs ? "\n" : "");
}

/* Cleans every text of d into a new array of strings. */
static enum core_status
clean_all(const struct cleaner *c, const struct dataset *d, char ***out,
	  struct core_error *err)
{
	enum core_status st = CORE_OK;
	struct clean_buf buf = { 0 };
	char **res = calloc(d->n + 1, sizeof(*res));

	if (res == NULL)
		return core_fail(err, CORE_ERR_NOMEM, "out of memory");
	for (size_t i = 0; i < d->n; i++) {
		st = cleaner_run(c, d->text[i], strlen(d->text[i]), &buf);
		if (st != CORE_OK) {
			core_fail(err, st, "%s:%zu: cleaning failed: %s",
				  d->path, d->line[i], core_strerror(st));
			break;
		}
		res[i] = strdup(buf.out);
		if (res[i] == NULL) {
			st = core_fail(err, CORE_ERR_NOMEM, "out of memory");
			break;
		}
	}
	clean_buf_release(&buf);
	if (st != CORE_OK) {
		for (size_t i = 0; i < d->n; i++)
			free(res[i]);
		free(res);
		return st;
	}
	*out = res;
	return CORE_OK;
}

/* Rows of X, labels and predictions: the reference's custom_predict. */
static void
predict_rows(const struct run *r, const struct tfidf_rows *X,
	     double threshold, unsigned other, unsigned *pred,
	     unsigned *argmax, double *top)
{
	size_t nf = r->tf->n_features;

	for (size_t i = 0; i < X->n_rows; i++) {
		double prob[CORE_MAX_CLASSES];
		size_t best = 0;

		sgd_predict_proba(X, i, nf, r->n_classes, r->coef,
				  r->intercept, prob, NULL);
		for (size_t k = 1; k < r->n_classes; k++)
			if (prob[k] > prob[best])
				best = k;
		if (top != NULL)
			top[i] = prob[best];
		if (argmax != NULL)
			argmax[i] = (unsigned)best;
		if (pred != NULL)
			pred[i] = prob[best] > threshold ? (unsigned)best :
				other;
	}
}

static enum core_status
index_of(const char *const *classes, size_t n, const char *tag,
	 unsigned *out)
{
	for (size_t k = 0; k < n; k++)
		if (strcmp(classes[k], tag) == 0) {
			*out = (unsigned)k;
			return CORE_OK;
		}
	return CORE_ERR_INPUT;
}

/* One spare element so that a zero count still allocates. */
#define ALLOC(p, n) ((p) = calloc((size_t)(n) + 1, sizeof(*(p))))

enum core_status
train_run(const struct train_options *o, struct train_summary *sum,
	  struct core_error *err)
{
	const struct train_args *a = o->args;
	struct run r = { 0 };
	struct split_rng rng;
	struct train_summary s = { 0 };
	struct sgd_params sp;
	struct model_spec spec = { 0 };
	enum core_status st;
	size_t n, n_train, n_val, n_over, nf;
	unsigned other = 0;

	note(o, "tagifai: reading %s\n", o->data_path);
	st = dataset_load(o->data_path, &r.data, err);
	if (st != CORE_OK)
		goto out;
	st = dataset_load(o->holdout_path, &r.hold, err);
	if (st != CORE_OK)
		goto out;

	/* The reference: df.sample(frac=1) when shuffle, then df[:subset]. */
	n = r.data->n;
	if (ALLOC(r.order, n) == NULL)
		goto nomem;
	for (size_t i = 0; i < n; i++)
		r.order[i] = i;
	if (a->shuffle) {
		split_rng_seed(&rng, o->seed, STREAM_SHUFFLE);
		split_shuffle(r.order, n, &rng);
	}
	if (a->subset >= 0 && (size_t)a->subset < n)
		n = (size_t)a->subset;
	s.n_rows = n;

	note(o, "tagifai: cleaning %zu texts\n", n + r.hold->n);
	st = cleaner_new(a->lower, a->stem, clean_stopwords_english,
			 clean_stopwords_english_count, &r.cleaner, err);
	if (st != CORE_OK)
		goto out;
	st = clean_all(r.cleaner, r.data, &r.clean_data, err);
	if (st != CORE_OK)
		goto out;
	st = clean_all(r.cleaner, r.hold, &r.clean_hold, err);
	if (st != CORE_OK)
		goto out;

	/* Labels: sorted classes of the rows used; "other" must be one. */
	st = dataset_classes(r.data, r.order, n, CORE_MAX_CLASSES,
			     &r.classes, &r.n_classes, err);
	if (st != CORE_OK)
		goto out;
	if (index_of(r.classes, r.n_classes, TRAIN_OTHER_CLASS, &other)
	    != CORE_OK) {
		st = core_fail(err, CORE_ERR_INPUT,
			       "%s: no row is tagged '%s', the fallback "
			       "class", o->data_path, TRAIN_OTHER_CLASS);
		goto out;
	}
	if (ALLOC(r.y, n) == NULL || ALLOC(r.y_hold, r.hold->n) == NULL)
		goto nomem;
	for (size_t i = 0; i < n; i++)
		(void)index_of(r.classes, r.n_classes,
			       r.data->tag[r.order[i]], &r.y[i]);
	st = dataset_encode(r.hold, r.classes, r.n_classes, r.y_hold, err);
	if (st != CORE_OK)
		goto out;

	/* Split positions 0..n-1 of order. */
	split_rng_seed(&rng, o->seed, STREAM_SPLIT);
	st = split_stratified(r.y, n, r.n_classes, SPLIT_VAL_FRACTION, &rng,
			      &r.train, &n_train, &r.val, &n_val, err);
	if (st != CORE_OK)
		goto out;
	s.n_train = n_train;
	s.n_val = n_val;
	s.n_holdout = r.hold->n;

	/* Vocabulary from the train texts; vectorize the three sets. */
	if (ALLOC(r.texts, n + r.hold->n) == NULL ||
	    ALLOC(r.y_train, n_train) == NULL || ALLOC(r.y_val, n_val) == NULL)
		goto nomem;
	for (size_t i = 0; i < n_train; i++) {
		r.texts[i] = r.clean_data[r.order[r.train[i]]];
		r.y_train[i] = r.y[r.train[i]];
	}
	note(o, "tagifai: fitting the vocabulary on %zu texts\n", n_train);
	st = tfidf_fit(r.texts, n_train, NGRAM_MIN, a->ngram_max_range, &r.tf,
		       err);
	if (st != CORE_OK)
		goto out;
	nf = r.tf->n_features;
	s.n_features = nf;
	st = tfidf_transform(r.tf, r.texts, n_train, &r.x_train, err);
	if (st != CORE_OK)
		goto out;
	for (size_t i = 0; i < n_val; i++) {
		r.texts[i] = r.clean_data[r.order[r.val[i]]];
		r.y_val[i] = r.y[r.val[i]];
	}
	st = tfidf_transform(r.tf, r.texts, n_val, &r.x_val, err);
	if (st != CORE_OK)
		goto out;
	st = tfidf_transform(r.tf, (const char *const *)r.clean_hold,
			     r.hold->n, &r.x_hold, err);
	if (st != CORE_OK)
		goto out;

	split_rng_seed(&rng, o->seed, STREAM_OVERSAMPLE);
	st = oversample_all(r.y_train, n_train, r.n_classes, &rng, &r.over,
			    &n_over, err);
	if (st != CORE_OK)
		goto out;
	s.n_oversampled = n_over;
	{
		unsigned *y_over = calloc(n_over, sizeof(*y_over));

		if (y_over == NULL)
			goto nomem;
		for (size_t i = 0; i < n_over; i++)
			y_over[i] = r.y_train[r.over[i]];
		free(r.y_train);
		r.y_train = y_over;
	}

	if (ALLOC(r.coef, r.n_classes * nf) == NULL ||
	    ALLOC(r.intercept, r.n_classes) == NULL)
		goto nomem;
	sp.alpha = a->alpha;
	sp.eta0 = a->learning_rate;
	sp.intercept_decay = TRAIN_INTERCEPT_DECAY;
	sp.epochs = a->num_epochs;
	sp.seed = o->seed;
	note(o, "tagifai: SGD on %zu samples\n", n_over);
	st = sgd_fit(r.x_train, nf, r.over, r.y_train, n_over, r.n_classes,
		     &sp, r.coef, r.intercept, epoch_progress, (void *)o, err);
	if (st != CORE_OK)
		goto out;

	/* Threshold: the first quartile of the validation top probability. */
	if (ALLOC(r.scores, n_val > r.hold->n ? n_val : r.hold->n) == NULL ||
	    ALLOC(r.pred, r.hold->n) == NULL)
		goto nomem;
	predict_rows(&r, r.x_val, 0.0, other, NULL, NULL, r.scores);
	s.threshold = train_quantile(r.scores, n_val,
				     TRAIN_THRESHOLD_QUANTILE);

	/* Holdout, with the threshold and (for information) without. */
	predict_rows(&r, r.x_hold, s.threshold, other, r.pred, NULL, NULL);
	metrics_compute(r.y_hold, r.pred, r.hold->n, r.n_classes,
			(const char *const *)r.hold->tag,
			(const char *const *)r.clean_hold, &s.holdout);
	{
		struct metrics_report plain;

		predict_rows(&r, r.x_hold, 0.0, other, NULL, r.pred, NULL);
		metrics_compute(r.y_hold, r.pred, r.hold->n, r.n_classes,
				NULL, NULL, &plain);
		s.argmax_f1 = plain.overall.f1;
	}

	r.args_json = train_args_json(a, s.threshold);
	r.perf_json = metrics_json(&s.holdout, r.classes);
	if (r.args_json == NULL || r.perf_json == NULL)
		goto nomem;
	spec.name = o->name;
	spec.version = o->version;
	spec.n_classes = r.n_classes;
	spec.classes = r.classes;
	spec.other_index = other;
	spec.threshold = s.threshold;
	spec.lower = a->lower;
	spec.stem = a->stem;
	spec.n_stopwords = clean_stopwords_english_count;
	spec.stopwords = clean_stopwords_english;
	spec.ngram_min = NGRAM_MIN;
	spec.ngram_max = a->ngram_max_range;
	spec.n_features = nf;
	spec.terms = r.tf->terms;
	spec.idf = r.tf->idf;
	spec.coef = r.coef;
	spec.intercept = r.intercept;
	spec.args_json = r.args_json;
	spec.performance_json = r.perf_json;
	note(o, "tagifai: writing %s\n", o->out_path);
	st = artifact_write(o->out_path, &spec, err);
	if (st != CORE_OK)
		goto out;
	*sum = s;
	goto out;
nomem:
	st = core_fail(err, CORE_ERR_NOMEM, "out of memory");
out:
	run_release(&r);
	return st;
}
