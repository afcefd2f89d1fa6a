/* SPDX-License-Identifier: MIT
 * core/metrics.h - precision, recall and F1 as the reference reports them.
 *
 * Per class and "weighted" averages follow sklearn 1.2's
 * precision_recall_fscore_support: a ratio with a zero denominator is 0
 * (zero_division's value), F1 = 2 p r / (p + r) or 0, and the weighted
 * average is sum(metric_k * support_k) / sum(support_k) over the classes.
 * Slices follow the Made With ML course's slicing functions, scored with
 * average="micro" as the course does; a slice with no sample is left out.
 */
#ifndef CORE_METRICS_H
#define CORE_METRICS_H

#include <stdbool.h>
#include <stddef.h>

#include "core/model.h"

enum metrics_slice {
	METRICS_SLICE_NLP_CNN,     /* NLP projects that use convolution */
	METRICS_SLICE_SHORT_TEXT,  /* fewer than 8 words */
	METRICS_SLICE__MAX
};

/* Names indexed by enum metrics_slice. */
extern const char *const metrics_slice_names[METRICS_SLICE__MAX];

struct metrics_prf {
	double precision, recall, f1;
	size_t num_samples;
};

struct metrics_report {
	size_t n_classes;
	struct metrics_prf overall;                    /* weighted */
	struct metrics_prf cls[CORE_MAX_CLASSES];
	bool has_slice[METRICS_SLICE__MAX];
	struct metrics_prf slice[METRICS_SLICE__MAX];  /* micro */
};

/* Whether a sample belongs to slice s: nlp_cnn = the true tag is
 * natural-language-processing and the cleaned text contains "cnn" or
 * "convolution"; short_text = the cleaned text has fewer than 8
 * space-separated words. */
bool metrics_in_slice(enum metrics_slice s, const char *true_tag,
		      const char *cleaned);

/* Fills rep from labels y_true/y_pred[0..n) (< n_classes <=
 * CORE_MAX_CLASSES).  true_tags and cleaned (n each) decide the slices;
 * both may be NULL to skip the slices. */
void metrics_compute(const unsigned *y_true, const unsigned *y_pred,
		     size_t n, size_t n_classes,
		     const char *const *true_tags,
		     const char *const *cleaned, struct metrics_report *rep);

/* The report as JSON text:
 * {"overall":{"precision","recall","f1","num_samples"},
 *  "class":{name:{...}}, "slices":{name:{...}}}.
 * Returns a malloc'd string (caller frees) or NULL on allocation failure. */
char *metrics_json(const struct metrics_report *rep,
		   const char *const *classes);

#endif
