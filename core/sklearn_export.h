/* SPDX-License-Identifier: MIT
 * core/sklearn_export.h - a scikit-learn export as a model_spec.
 *
 * The export (the reference peer's export.json, or the output of
 * tools/export_sklearn.py) holds classes, other_index, threshold,
 * preprocessing {lower, stem, stopwords}, vectorizer {analyzer=char_wb,
 * ngram_range, vocabulary, idf, ...} and model {coef, intercept}.  It is
 * read with cJSON, whose number parser uses strtod, so the shortest-repr
 * floats Python wrote come back as the exact same doubles.  `tagifai
 * import` writes the spec with artifact_write; the registry's upload path
 * will do the same.
 */
#ifndef CORE_SKLEARN_EXPORT_H
#define CORE_SKLEARN_EXPORT_H

#include <stddef.h>

#include "core/artifact.h"
#include "core/model.h"
#include "core/status.h"

/* Largest JSON file read (the reference export is 4.8 MB). */
#define SKLEARN_EXPORT_MAX_BYTES ((size_t)512 << 20)

/* A parsed export.  spec's strings and arrays point into the rest, which
 * the struct owns: keep it alive while spec is used.  spec.name, version,
 * args_json and performance_json are left NULL for the caller to set. */
struct sklearn_export {
	struct model_spec spec;
	void *json;                          /* the parsed document (cJSON) */
	const char *classes[CORE_MAX_CLASSES];
	const char **stopwords;
	const char **terms;
	double *idf, *coef;
	double intercept[CORE_MAX_CLASSES];
};

/* Parses text[0..len) (name is used in messages).  On success x owns
 * what it needs; free it with sklearn_export_free (also after a
 * failure).  CORE_ERR_INPUT with err naming the problem (and, for text
 * that is not JSON, the byte offset) when it is not a usable export. */
enum core_status sklearn_export_parse(const char *name, const char *text,
				      size_t len, struct sklearn_export *x,
				      struct core_error *err) CORE_WARN_UNUSED;

/* Reads the file at path and parses it as sklearn_export_parse does. */
enum core_status sklearn_export_load(const char *path,
				     struct sklearn_export *x,
				     struct core_error *err) CORE_WARN_UNUSED;

void sklearn_export_free(struct sklearn_export *x);

/* Reads the file at path, which must hold one JSON object, and returns
 * its text without the whitespace outside strings (number literals stay
 * byte for byte) in *out (caller frees): how args.json and
 * performance.json are stored in an artifact. */
enum core_status sklearn_export_object_load(const char *path, char **out,
					    struct core_error *err)
	CORE_WARN_UNUSED;

#endif
