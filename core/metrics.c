/* SPDX-License-Identifier: MIT
 * core/metrics.c - classification metrics and the performance report.
 *
 * The arithmetic follows sklearn 1.2.1 (sklearn/metrics/_classification.py)
 * step by step so that the numbers agree to the last bit: precision =
 * tp / (tp + fp), recall = tp / (tp + fn), f = (1 + 1) p r / (p + r) with a
 * zero denominator replaced by 1 (so f = 0), and np.average's weighted sum
 * of products over the weights' sum, summed left to right (numpy's pairwise
 * sum is a plain loop under 8 terms).
 */
#include <stdlib.h>
#include <string.h>

#include "core/jsonw.h"
#include "core/metrics.h"

const char *const metrics_slice_names[METRICS_SLICE__MAX] = {
	"nlp_cnn",     /* METRICS_SLICE_NLP_CNN */
	"short_text",  /* METRICS_SLICE_SHORT_TEXT */
};

#define SHORT_TEXT_WORDS 8

static size_t
count_words(const char *s)
{
	size_t words = 0;
	int in_word = 0;

	for (; *s != '\0'; s++) {
		int space = *s == ' ' || (*s >= '\t' && *s <= '\r');

		if (!space && !in_word)
			words++;
		in_word = !space;
	}
	return words;
}

bool
metrics_in_slice(enum metrics_slice s, const char *true_tag,
		 const char *cleaned)
{
	switch (s) {
	case METRICS_SLICE_NLP_CNN:
		return strcmp(true_tag, "natural-language-processing") == 0 &&
		       (strstr(cleaned, "cnn") != NULL ||
			strstr(cleaned, "convolution") != NULL);
	case METRICS_SLICE_SHORT_TEXT:
		return count_words(cleaned) < SHORT_TEXT_WORDS;
	case METRICS_SLICE__MAX:
		break;
	}
	return false;
}

static double
ratio(size_t num, size_t den)
{
	return den == 0 ? 0.0 : (double)num / (double)den;
}

static void
fill(struct metrics_prf *m, size_t tp, size_t pred, size_t truth)
{
	double denom;

	m->precision = ratio(tp, pred);
	m->recall = ratio(tp, truth);
	denom = 1.0 * m->precision + m->recall;
	if (denom == 0.0)
		denom = 1.0;
	m->f1 = (1.0 + 1.0) * m->precision * m->recall / denom;
	m->num_samples = truth;
}

void
metrics_compute(const unsigned *y_true, const unsigned *y_pred, size_t n,
		size_t n_classes, const char *const *true_tags,
		const char *const *cleaned, struct metrics_report *rep)
{
	size_t tp[CORE_MAX_CLASSES] = { 0 }, pred[CORE_MAX_CLASSES] = { 0 };
	size_t truth[CORE_MAX_CLASSES] = { 0 };
	double wp = 0.0, wr = 0.0, wf = 0.0, wsum = 0.0;

	memset(rep, 0, sizeof(*rep));
	rep->n_classes = n_classes;
	for (size_t i = 0; i < n; i++) {
		truth[y_true[i]]++;
		pred[y_pred[i]]++;
		if (y_true[i] == y_pred[i])
			tp[y_true[i]]++;
	}
	for (size_t k = 0; k < n_classes; k++) {
		fill(&rep->cls[k], tp[k], pred[k], truth[k]);
		wp += rep->cls[k].precision * (double)truth[k];
		wr += rep->cls[k].recall * (double)truth[k];
		wf += rep->cls[k].f1 * (double)truth[k];
		wsum += (double)truth[k];
	}
	if (wsum > 0.0) {
		rep->overall.precision = wp / wsum;
		rep->overall.recall = wr / wsum;
		rep->overall.f1 = wf / wsum;
	}
	rep->overall.num_samples = n;
	if (true_tags == NULL || cleaned == NULL)
		return;
	for (int s = 0; s < METRICS_SLICE__MAX; s++) {
		size_t hits = 0, members = 0;

		for (size_t i = 0; i < n; i++) {
			if (!metrics_in_slice((enum metrics_slice)s,
					      true_tags[i], cleaned[i]))
				continue;
			members++;
			hits += y_true[i] == y_pred[i];
		}
		if (members == 0)
			continue;
		/* micro average over single-label samples: every sample is
		 * one prediction and one truth, so tp = hits and both
		 * denominators are the slice size. */
		rep->has_slice[s] = true;
		fill(&rep->slice[s], hits, members, members);
	}
}

static void
prf_json(struct jsonw *w, const struct metrics_prf *m)
{
	jsonw_begin_object(w);
	jsonw_key(w, "precision");
	jsonw_double(w, m->precision);
	jsonw_key(w, "recall");
	jsonw_double(w, m->recall);
	jsonw_key(w, "f1");
	jsonw_double(w, m->f1);
	jsonw_key(w, "num_samples");
	jsonw_int(w, (long long)m->num_samples);
	jsonw_end_object(w);
}

char *
metrics_json(const struct metrics_report *rep, const char *const *classes)
{
	struct jsonw w = JSONW_INIT;

	jsonw_begin_object(&w);
	jsonw_key(&w, "overall");
	prf_json(&w, &rep->overall);
	jsonw_key(&w, "class");
	jsonw_begin_object(&w);
	for (size_t k = 0; k < rep->n_classes; k++) {
		jsonw_key(&w, classes[k]);
		prf_json(&w, &rep->cls[k]);
	}
	jsonw_end_object(&w);
	jsonw_key(&w, "slices");
	jsonw_begin_object(&w);
	for (int s = 0; s < METRICS_SLICE__MAX; s++) {
		if (!rep->has_slice[s])
			continue;
		jsonw_key(&w, metrics_slice_names[s]);
		prf_json(&w, &rep->slice[s]);
	}
	jsonw_end_object(&w);
	jsonw_end_object(&w);
	return jsonw_finish(&w);
}
