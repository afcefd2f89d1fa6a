/* SPDX-License-Identifier: MIT
 * core/csv_reader.c - RFC 4180 CSV into a table of strings, via libcsv.
 *
 * libcsv (csv.h) is a push parser: we hand it the file one physical line
 * at a time so that we always know which line a callback fires on, and it
 * calls field_done for each field and record_done at each record end.
 * Callbacks cannot stop the parser, so the first error is remembered in
 * struct reader and everything after it is ignored.  Strict mode makes a
 * quote inside an unquoted field, or text after a closing quote, a parse
 * error (RFC 4180 section 2, rules 5-7); CSV_STRICT_FINI makes an
 * unterminated quoted field at end of file one too.
 */
#include <csv.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/csv_reader.h"
#include "util/buf.h"
#include "util/file.h"
#include "util/utf8.h"

/* First capacity of the cell and line arrays. */
#define CSV_READER_MIN_CAP 64

struct reader {
	const char *name;
	size_t line;            /* line of the chunk being parsed */
	size_t record_line;     /* line the current record started on */
	bool at_record_start;   /* no field of the next record seen yet */
	char **fields;          /* the record being built */
	size_t n_fields;
	struct csv_table *t;
	size_t cells_cap;
	size_t lines_cap;
	enum core_status st;    /* first failure, CORE_OK until then */
	struct core_error *err;
};

static void
drop_fields(struct reader *r)
{
	for (size_t i = 0; i < r->n_fields; i++)
		free(r->fields[i]);
	r->n_fields = 0;
}

static void
field_done(void *s, size_t len, void *data)
{
	struct reader *r = data;
	char *copy;

	if (r->st != CORE_OK)
		return;
	r->at_record_start = false;
	if (r->n_fields == CSV_READER_MAX_COLUMNS) {
		r->st = core_fail(r->err, CORE_ERR_LIMIT,
				  "%s:%zu: more than %d fields in a record",
				  r->name, r->record_line,
				  CSV_READER_MAX_COLUMNS);
		return;
	}
	if (len > 0 && !util_utf8_valid(s, len)) {
		r->st = core_fail(r->err, CORE_ERR_INPUT,
				  "%s:%zu: field %zu is not valid UTF-8",
				  r->name, r->record_line, r->n_fields + 1);
		return;
	}
	copy = malloc(len + 1);
	if (copy == NULL) {
		r->st = core_fail(r->err, CORE_ERR_NOMEM, "out of memory");
		return;
	}
	if (len > 0)
		memcpy(copy, s, len);
	copy[len] = '\0';
	r->fields[r->n_fields++] = copy;
}

/* Grows an array of r's table; false when out of memory. */
static bool
grow(void **p, size_t *cap, size_t need, size_t size)
{
	return util_array_reserve(p, cap, need, size, CSV_READER_MIN_CAP) ==
	       UTIL_OK;
}

static void
record_done(int c, void *data)
{
	struct reader *r = data;
	struct csv_table *t = r->t;
	size_t need;

	(void)c;
	if (r->st != CORE_OK)
		return;
	r->at_record_start = true;
	if (t->header == NULL) {
		t->header = malloc(r->n_fields * sizeof(*t->header));
		if (t->header == NULL) {
			r->st = core_fail(r->err, CORE_ERR_NOMEM,
					  "out of memory");
			return;
		}
		memcpy(t->header, r->fields, r->n_fields * sizeof(char *));
		t->n_cols = r->n_fields;
		r->n_fields = 0;
		return;
	}
	if (r->n_fields != t->n_cols) {
		r->st = core_fail(r->err, CORE_ERR_INPUT,
				  "%s:%zu: record has %zu fields, the header "
				  "has %zu", r->name, r->record_line,
				  r->n_fields, t->n_cols);
		return;
	}
	need = (t->n_rows + 1) * t->n_cols;
	if (!grow((void **)&t->cells, &r->cells_cap, need, sizeof(char *)) ||
	    !grow((void **)&t->lines, &r->lines_cap, t->n_rows + 1,
		  sizeof(size_t))) {
		r->st = core_fail(r->err, CORE_ERR_NOMEM, "out of memory");
		return;
	}
	memcpy(t->cells + t->n_rows * t->n_cols, r->fields,
	       t->n_cols * sizeof(char *));
	t->lines[t->n_rows] = r->record_line;
	t->n_rows++;
	r->n_fields = 0;
}

/* libcsv trims spaces and tabs around unquoted fields unless told that no
 * byte is a space; pandas keeps them, and so do we. */
static int
no_space(unsigned char c)
{
	(void)c;
	return 0;
}

enum core_status
csv_reader_parse(const char *name, const char *buf, size_t len,
		 struct csv_table **out, struct core_error *err)
{
	struct csv_parser p;
	struct reader r = { .name = name, .line = 1, .record_line = 1,
			    .at_record_start = true, .err = err };
	bool parser_ready = false;
	size_t pos = 0;

	if (len > CSV_READER_MAX_BYTES) {
		r.st = core_fail(err, CORE_ERR_LIMIT,
				 "%s: larger than %zu bytes", name,
				 CSV_READER_MAX_BYTES);
		goto out;
	}
	r.t = calloc(1, sizeof(*r.t));
	r.fields = malloc(CSV_READER_MAX_COLUMNS * sizeof(char *));
	if (r.t == NULL || r.fields == NULL) {
		r.st = core_fail(err, CORE_ERR_NOMEM, "out of memory");
		goto out;
	}
	if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI) != 0) {
		r.st = core_fail(err, CORE_ERR_NOMEM, "out of memory");
		goto out;
	}
	parser_ready = true;
	csv_set_space_func(&p, no_space);
	if (len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0)
		pos = 3;
	while (pos < len && r.st == CORE_OK) {
		const char *nl = memchr(buf + pos, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - (buf + pos)) + 1 : len - pos;

		if (r.at_record_start)
			r.record_line = r.line;

		if (csv_parse(&p, buf + pos, n, field_done, record_done, &r)
		    != n && r.st == CORE_OK) {
			r.st = core_fail(err, CORE_ERR_INPUT,
					 "%s:%zu: malformed quoting (%s)",
					 name, r.line,
					 csv_strerror(csv_error(&p)));
			goto out;
		}
		pos += n;
		r.line++;
	}
	if (r.st != CORE_OK)
		goto out;
	r.line--;  /* csv_fini flushes what the last line left open */
	if (csv_fini(&p, field_done, record_done, &r) != 0 &&
	    r.st == CORE_OK) {
		r.st = core_fail(err, CORE_ERR_INPUT,
				 "%s:%zu: unterminated quoted field", name,
				 r.record_line);
		goto out;
	}
	if (r.st == CORE_OK && r.t->header == NULL)
		r.st = core_fail(err, CORE_ERR_INPUT, "%s:1: no header row",
				 name);
out:
	if (parser_ready)
		csv_free(&p);
	if (r.fields != NULL)
		drop_fields(&r);
	free(r.fields);
	if (r.st == CORE_OK)
		*out = r.t;
	else
		csv_reader_free(r.t);
	return r.st;
}

enum core_status
csv_reader_load(const char *path, struct csv_table **out,
		struct core_error *err)
{
	enum core_status st;
	char *buf = NULL;
	size_t len = 0;

	switch (util_file_read(path, CSV_READER_MAX_BYTES, &buf, &len)) {
	case UTIL_OK:
		break;
	case UTIL_ERR_IO:
		return core_fail(err, CORE_ERR_IO, "%s: %s", path,
				 strerror(errno));
	case UTIL_ERR_LIMIT:
		return core_fail(err, CORE_ERR_LIMIT,
				 "%s: larger than %zu bytes", path,
				 CSV_READER_MAX_BYTES);
	default:
		return core_fail(err, CORE_ERR_NOMEM, "out of memory");
	}
	st = csv_reader_parse(path, buf, len, out, err);
	free(buf);
	return st;
}

void
csv_reader_free(struct csv_table *t)
{
	if (t == NULL)
		return;
	for (size_t i = 0; t->header != NULL && i < t->n_cols; i++)
		free(t->header[i]);
	for (size_t i = 0; t->cells != NULL && i < t->n_rows * t->n_cols; i++)
		free(t->cells[i]);
	free(t->header);
	free(t->cells);
	free(t->lines);
	free(t);
}

long
csv_reader_column(const struct csv_table *t, const char *name)
{
	for (size_t i = 0; i < t->n_cols; i++)
		if (strcmp(t->header[i], name) == 0)
			return (long)i;
	return -1;
}

const char *
csv_reader_cell(const struct csv_table *t, size_t row, size_t col)
{
	return t->cells[row * t->n_cols + col];
}
