/* SPDX-License-Identifier: MIT
 * core/artifact.h - writing a model artifact (the format: doc/ARTIFACT.md).
 *
 * struct model_spec is the in-memory description of everything a run
 * needs; `tagifai train` and `tagifai import` (the sklearn exporter) fill
 * one and call artifact_write.  Reading is model_open (core/model.h).
 */
#ifndef CORE_ARTIFACT_H
#define CORE_ARTIFACT_H

#include <stdbool.h>
#include <stddef.h>

#include "core/status.h"

struct model_spec {
	const char *name;               /* identity */
	const char *version;
	size_t n_classes;               /* <= CORE_MAX_CLASSES */
	const char *const *classes;     /* class names, row order of coef */
	unsigned other_index;           /* fallback class under threshold */
	double threshold;
	bool lower;                     /* cleaning flags */
	bool stem;
	size_t n_stopwords;
	const char *const *stopwords;   /* in regex alternation order */
	unsigned ngram_min, ngram_max;  /* char_wb range, max <= CORE_MAX_NGRAM */
	size_t n_features;
	const char *const *terms;       /* term of feature j */
	const double *idf;              /* n_features */
	const double *coef;             /* n_classes x n_features, class-major */
	const double *intercept;        /* n_classes */
	const char *args_json;          /* JSON object text */
	const char *performance_json;   /* JSON object text */
};

/* Writes spec to path atomically (temporary file + rename).
 * Returns CORE_OK, CORE_ERR_INPUT (spec inconsistent), CORE_ERR_LIMIT or
 * CORE_ERR_IO; err says which. */
enum core_status artifact_write(const char *path, const struct model_spec *spec,
				struct core_error *err) CORE_WARN_UNUSED;

#endif
