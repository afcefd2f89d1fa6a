/* SPDX-License-Identifier: MIT
 * tests/fuzz/fuzz_csv.c - libFuzzer harness for csv_reader_parse
 * (core/csv_reader.c over libcsv), which reads training data.
 *
 * The whole input is the CSV text.  A refused input must leave the
 * out-param alone and explain itself; an accepted table must have the
 * shape the header promises (every cell NUL-terminated, header names
 * found by csv_reader_column, line numbers not decreasing and within
 * the input's line count).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/csv_reader.h"
#include "tests/fuzz/fuzz_common.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct csv_table *t = NULL;
	struct core_error err = { { 0 } };
	enum core_status st;
	size_t lines = 1;

	st = csv_reader_parse("fuzz.csv", (const char *)data, size, &t, &err);
	if (st != CORE_OK) {
		FUZZ_CHECK(t == NULL, "out-param left alone on failure");
		FUZZ_CHECK(st == CORE_ERR_INPUT || st == CORE_ERR_LIMIT ||
			   st == CORE_ERR_NOMEM, "status");
		FUZZ_CHECK(err.msg[0] != '\0', "failure explained");
		return 0;
	}
	for (size_t i = 0; i < size; i++)
		lines += data[i] == '\n';
	FUZZ_CHECK(t->n_cols >= 1 && t->n_cols <= CSV_READER_MAX_COLUMNS,
		   "column count");
	for (size_t c = 0; c < t->n_cols; c++) {
		long found = csv_reader_column(t, t->header[c]);

		FUZZ_CHECK(found >= 0 && (size_t)found <= c,
			   "header name found at or before its column");
	}
	for (size_t r = 0; r < t->n_rows; r++) {
		/* Lines count LF only; libcsv also ends records at a bare
		 * CR, so several records may share a line (even the
		 * header's, see tests/fuzz/regress/fuzz_csv/). */
		FUZZ_CHECK(t->lines[r] >= 1 && t->lines[r] <= lines,
			   "record line in range");
		FUZZ_CHECK(r == 0 || t->lines[r] >= t->lines[r - 1],
			   "record lines do not decrease");
		for (size_t c = 0; c < t->n_cols; c++)
			FUZZ_CHECK(strlen(csv_reader_cell(t, r, c)) <= size,
				   "cell length");
	}
	csv_reader_free(t);
	return 0;
}
