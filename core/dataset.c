/* SPDX-License-Identifier: MIT
 * core/dataset.c - CSV rows to (text, tag) pairs and label encoding.
 */
#include <stdlib.h>
#include <string.h>

#include "core/csv_reader.h"
#include "core/dataset.h"

static const char *const required[] = { "title", "description", "tag" };

void
dataset_free(struct dataset *d)
{
	if (d == NULL)
		return;
	for (size_t i = 0; i < d->n; i++) {
		free(d->text[i]);
		free(d->tag[i]);
	}
	free(d->text);
	free(d->tag);
	free(d->line);
	free(d->path);
	free(d);
}

char *
dataset_join(const char *const *fields, size_t n)
{
	size_t len = 1, at = 0;
	char *s;

	for (size_t k = 0; k < n; k++)
		len += strlen(fields[k]) + (k > 0);
	s = malloc(len);
	if (s == NULL)
		return NULL;
	for (size_t k = 0; k < n; k++) {
		size_t l = strlen(fields[k]);

		if (k > 0)
			s[at++] = ' ';
		memcpy(s + at, fields[k], l);
		at += l;
	}
	s[at] = '\0';
	return s;
}

enum core_status
dataset_load(const char *path, struct dataset **out, struct core_error *err)
{
	enum core_status st;
	struct csv_table *t = NULL;
	struct dataset *d = NULL;
	long col[3];

	st = csv_reader_load(path, &t, err);
	if (st != CORE_OK)
		goto out;
	for (size_t k = 0; k < 3; k++) {
		col[k] = csv_reader_column(t, required[k]);
		if (col[k] < 0) {
			st = core_fail(err, CORE_ERR_INPUT,
				       "%s:1: missing column '%s'", path,
				       required[k]);
			goto out;
		}
	}
	if (t->n_rows > DATASET_MAX_ROWS) {
		st = core_fail(err, CORE_ERR_LIMIT, "%s: more than %d rows",
			       path, DATASET_MAX_ROWS);
		goto out;
	}
	d = calloc(1, sizeof(*d));
	if (d == NULL)
		goto nomem;
	d->path = strdup(path);
	d->text = calloc(t->n_rows + 1, sizeof(char *));
	d->tag = calloc(t->n_rows + 1, sizeof(char *));
	d->line = calloc(t->n_rows + 1, sizeof(size_t));
	if (d->path == NULL || d->text == NULL || d->tag == NULL ||
	    d->line == NULL)
		goto nomem;
	for (size_t i = 0; i < t->n_rows; i++) {
		const char *parts[2] = {
			csv_reader_cell(t, i, (size_t)col[0]),
			csv_reader_cell(t, i, (size_t)col[1]),
		};
		const char *tag = csv_reader_cell(t, i, (size_t)col[2]);

		if (tag[0] == '\0') {
			d->n = i;
			st = core_fail(err, CORE_ERR_INPUT,
				       "%s:%zu: empty tag", path, t->lines[i]);
			goto out;
		}
		d->text[i] = dataset_join(parts, 2);
		d->tag[i] = strdup(tag);
		d->n = i + 1;
		if (d->text[i] == NULL || d->tag[i] == NULL)
			goto nomem;
		d->line[i] = t->lines[i];
	}
	goto out;
nomem:
	st = core_fail(err, CORE_ERR_NOMEM, "out of memory");
out:
	csv_reader_free(t);
	if (st == CORE_OK)
		*out = d;
	else
		dataset_free(d);
	return st;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

enum core_status
dataset_classes(const struct dataset *d, const size_t *rows, size_t n,
		size_t max_classes, const char ***classes, size_t *n_classes,
		struct core_error *err)
{
	enum core_status st = CORE_OK;
	const char **all;
	size_t m = 0;

	if (rows == NULL)
		n = d->n;
	if (n == 0)
		return core_fail(err, CORE_ERR_INPUT, "%s: no rows", d->path);
	all = malloc(n * sizeof(*all));
	if (all == NULL)
		return core_fail(err, CORE_ERR_NOMEM, "out of memory");
	for (size_t i = 0; i < n; i++)
		all[i] = d->tag[rows ? rows[i] : i];
	qsort(all, n, sizeof(*all), cmp_str);
	for (size_t i = 0; i < n; i++)
		if (m == 0 || strcmp(all[m - 1], all[i]) != 0)
			all[m++] = all[i];
	if (m > max_classes) {
		st = core_fail(err, CORE_ERR_LIMIT,
			       "%s: %zu distinct tags, at most %zu supported",
			       d->path, m, max_classes);
		free(all);
		return st;
	}
	*classes = all;
	*n_classes = m;
	return CORE_OK;
}

enum core_status
dataset_encode(const struct dataset *d, const char *const *classes,
	       size_t n_classes, unsigned *y, struct core_error *err)
{
	for (size_t i = 0; i < d->n; i++) {
		size_t k = 0;

		while (k < n_classes && strcmp(classes[k], d->tag[i]) != 0)
			k++;
		if (k == n_classes)
			return core_fail(err, CORE_ERR_INPUT,
					 "%s:%zu: unknown tag '%s'", d->path,
					 d->line[i], d->tag[i]);
		y[i] = (unsigned)k;
	}
	return CORE_OK;
}
