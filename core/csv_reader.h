/* SPDX-License-Identifier: MIT
 * core/csv_reader.h - reading a labelled CSV file into memory (RFC 4180).
 *
 * The parsing itself is Debian's libcsv in strict mode: quoted fields may
 * hold commas, doubled quotes and line breaks; records end with LF or CRLF.
 * On top of it this module keeps the first record as the header, checks
 * that every record has as many fields as the header, that the bytes are
 * UTF-8 (a leading BOM is dropped), and remembers the line each record
 * starts on so callers can name it in their own messages.  Unquoted fields
 * keep their surrounding spaces, as pandas.read_csv does.
 */
#ifndef CORE_CSV_READER_H
#define CORE_CSV_READER_H

#include <stddef.h>

#include "core/status.h"

#define CSV_READER_MAX_BYTES ((size_t)256 << 20) /* whole file */
#define CSV_READER_MAX_COLUMNS 256               /* fields per record */

struct csv_table {
	size_t n_cols;       /* fields of the header */
	size_t n_rows;       /* data records, the header excluded */
	char **header;       /* n_cols NUL-terminated names */
	char **cells;        /* n_rows * n_cols, row-major, NUL-terminated */
	size_t *lines;       /* 1-based line each data record starts on */
};

/* Parses the CSV in buf[0..len) (name is used in messages only).
 * On success *out is a table the caller frees with csv_reader_free.
 * Returns CORE_ERR_INPUT with "name:line: problem" in err for malformed
 * CSV (unterminated quote, stray quote, ragged record, invalid UTF-8, no
 * header), CORE_ERR_LIMIT when a limit above is exceeded, CORE_ERR_NOMEM.
 * On failure *out is left alone. */
enum core_status csv_reader_parse(const char *name, const char *buf,
				  size_t len, struct csv_table **out,
				  struct core_error *err) CORE_WARN_UNUSED;

/* Reads the file at path and parses it as csv_reader_parse does; also
 * CORE_ERR_IO when the file cannot be read. */
enum core_status csv_reader_load(const char *path, struct csv_table **out,
				 struct core_error *err) CORE_WARN_UNUSED;

void csv_reader_free(struct csv_table *t);

/* Index of the header column called name, or -1 when there is none. */
long csv_reader_column(const struct csv_table *t, const char *name);

/* The field of data record row in column col (both in range). */
const char *csv_reader_cell(const struct csv_table *t, size_t row,
			    size_t col);

#endif
