/* SPDX-License-Identifier: MIT
 * core/model.h - a loaded TagIfAI model: the one handle callers use.
 *
 * A model is an artifact file mapped read-only (see doc/ARTIFACT.md); many
 * worker processes share its pages.  A model is immutable once open, so any
 * number of predictions may use it at once, each with its own scratch.
 * There is no global model: the service may hold several handles side by
 * side (versions, activate/rollback).
 */
#ifndef CORE_MODEL_H
#define CORE_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/status.h"

#define CORE_MAX_CLASSES 16   /* classes per model */
#define CORE_MAX_NGRAM 8      /* n-grams are packed into 64-bit keys */

struct model;
struct model_scratch;

struct model_identity {
	const char *name;     /* e.g. "tagifai-default" */
	const char *version;  /* e.g. "2026.11.27" */
	const char *checksum; /* hex digest of the file's payload */
};

struct prediction {
	unsigned tag;                    /* index of the predicted class */
	unsigned argmax;                 /* index of the most probable class */
	double prob[CORE_MAX_CLASSES];   /* per-class probabilities, sum 1 */
	double decision[CORE_MAX_CLASSES];
	size_t nnz;                      /* non-zero tf-idf features */
};

/* Maps and validates the artifact at path.  On success *out owns the
 * mapping (free with model_close).  On failure returns CORE_ERR_IO, _FORMAT,
 * _VERSION or _CORRUPT, leaves *out alone and explains in err. */
enum core_status model_open(const char *path, struct model **out,
			    struct core_error *err) CORE_WARN_UNUSED;
void model_close(struct model *m);

const struct model_identity *model_identity(const struct model *m);
size_t model_class_count(const struct model *m);
const char *model_class_name(const struct model *m, size_t k);
double model_threshold(const struct model *m);
/* JSON text (an object) of the training arguments / performance report;
 * owned by the model, valid until model_close. */
const char *model_args_json(const struct model *m);
const char *model_performance_json(const struct model *m);

/* Working memory for predictions: one per thread.  Free with
 * model_scratch_free; NULL on allocation failure. */
struct model_scratch *model_scratch_new(const struct model *m);
void model_scratch_free(struct model_scratch *s);

/* Cleans, vectorizes and classifies len bytes of UTF-8 text.
 * Returns CORE_OK, CORE_ERR_NOMEM or CORE_ERR_LIMIT (text over the limit). */
enum core_status model_predict(const struct model *m, struct model_scratch *s,
			       const char *text, size_t len,
			       struct prediction *out) CORE_WARN_UNUSED;
/* The cleaned text of the scratch's last prediction (NUL-terminated). */
const char *model_scratch_cleaned(const struct model_scratch *s);

#endif
