/* SPDX-License-Identifier: MIT
 * core/dataset.h - labelled rows for training and evaluation.
 *
 * A dataset is read from a CSV with the reference's columns (id,
 * created_on, title, description, tag; found by name, extra columns are
 * ignored, id and created_on are optional).  Each row's text is
 * title + " " + description, as the reference's preprocess() builds it.
 * Labels are encoded as the reference's LabelEncoder does: the sorted
 * (byte order) unique tags, index = position.
 */
#ifndef CORE_DATASET_H
#define CORE_DATASET_H

#include <stddef.h>

#include "core/status.h"

#define DATASET_MAX_ROWS 1000000

struct dataset {
	size_t n;            /* rows */
	char **text;         /* title + " " + description, UTF-8 */
	char **tag;          /* true tag */
	size_t *line;        /* CSV line each row starts on */
	char *path;          /* the file, for messages */
};

/* Loads the CSV at path.  On success *out is freed with dataset_free.
 * Fails with the csv_reader statuses, or CORE_ERR_INPUT naming the file
 * (and line) when a required column is missing or a tag is empty. */
enum core_status dataset_load(const char *path, struct dataset **out,
			      struct core_error *err) CORE_WARN_UNUSED;
void dataset_free(struct dataset *d);

/* The text of a row: fields[0..n) joined by one space, as the reference's
 * preprocess() joins title and description (every caller that builds a
 * text from columns uses this one).  Returns a string the caller frees,
 * or NULL when out of memory. */
char *dataset_join(const char *const *fields, size_t n);

/* The sorted unique tags of rows[0..n) (all rows if rows is NULL).
 * *classes is an array of *n_classes pointers into d (valid while d lives);
 * the caller frees the array with free().  CORE_ERR_LIMIT when there are
 * more than max_classes tags, CORE_ERR_INPUT when there is none. */
enum core_status dataset_classes(const struct dataset *d, const size_t *rows,
				 size_t n, size_t max_classes,
				 const char ***classes, size_t *n_classes,
				 struct core_error *err) CORE_WARN_UNUSED;

/* y[i] = index of d->tag[i] in classes, for every row.  CORE_ERR_INPUT
 * naming file and line for a tag that is not one of the classes. */
enum core_status dataset_encode(const struct dataset *d,
				const char *const *classes, size_t n_classes,
				unsigned *y, struct core_error *err)
	CORE_WARN_UNUSED;

#endif
