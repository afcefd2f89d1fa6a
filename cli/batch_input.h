/* SPDX-License-Identifier: MIT
 * cli/batch_input.h - the inputs of a batch job read from a file, for
 * `tagifai batch submit` and `tagifai batch run`.
 *
 * Two formats: CSV (core/csv_reader.h; the id column and the text columns
 * found by name, the text being the columns joined as core/dataset.h's
 * dataset_join joins title and description for training), and JSON Lines
 * (one object a line with "id", a string or an integer, and "text", or
 * else the text columns as string members; empty lines skipped).  Every
 * item is checked as POST /batch-jobs checks it: an id of 1 to
 * STORE_ITEM_ID_MAX printable ASCII bytes, unique in the file, and a
 * non-empty text.
 */
#ifndef CLI_BATCH_INPUT_H
#define CLI_BATCH_INPUT_H

#include <stddef.h>
#include <stdio.h>

#include "store/jobs.h"

#define BATCH_INPUT_MAX_BYTES ((size_t)256 << 20) /* the whole file */
#define BATCH_INPUT_MAX_LINE ((size_t)4 << 20)    /* one JSON line */
#define BATCH_INPUT_MAX_COLUMNS 16                /* text columns */
#define BATCH_INPUT_MAX_ERRORS 20  /* problems reported before "N more" */

enum batch_input_format {
	BATCH_INPUT_AUTO,   /* by the name (.csv, .jsonl, .ndjson), else the
			     * first byte ('{': JSON Lines) */
	BATCH_INPUT_CSV,
	BATCH_INPUT_JSONL,
	BATCH_INPUT__MAX
};

struct batch_input_opts {
	const char *path;
	enum batch_input_format format;
	const char *id_column;      /* CSV column / JSON member; "id" */
	const char *text_columns;   /* comma-separated; "title,description" */
	size_t max_items;           /* 1..STORE_JOB_ITEMS_MAX */
	const char *prog;           /* message prefix, "tagifai batch" */
};

struct batch_input {
	size_t n;
	struct store_job_input *items;  /* point into ids and texts */
	char **ids;                     /* owned */
	char **texts;                   /* owned */
};

/* Reads and checks every item of o->path into *out (batch_input_free).
 * Returns 0, or 1 after writing every problem found (each naming the
 * file and its line, at most BATCH_INPUT_MAX_ERRORS of them, then how
 * many more) to err; on failure *out is left empty. */
int batch_input_load(const struct batch_input_opts *o, struct batch_input *out,
		     FILE *err);
void batch_input_free(struct batch_input *in);

#endif
