/* SPDX-License-Identifier: MIT
 * fcgi/batch_body.h - the body of POST /batch-jobs read into a job's
 * inputs: JSON {"model","version","items":[{"id","text"}...]}, or
 * application/x-ndjson (one {"id","text"} a line, model and version in
 * the query).  Items are checked by schemas/validate.c against
 * schema_batch_item, whose text is /predict's Text.text; ids must also be
 * unique.  Every problem is listed in one 422 in FastAPI's shape:
 * loc ["body","items",3,"id"] for JSON, ["body",LINE,"id"] for NDJSON
 * (lines count from 1; blank lines are skipped).
 */
#ifndef FCGI_BATCH_BODY_H
#define FCGI_BATCH_BODY_H

#include <stdbool.h>
#include <stddef.h>

#include "fcgi/request.h"
#include "fcgi/respond.h"
#include "schemas/schema.h"
#include "store/jobs.h"

enum batch_body_type {
	BATCH_BODY_JSON,
	BATCH_BODY_NDJSON
};

struct batch_item;

struct batch_body {
	char *model;          /* owned; NULL: the default model */
	long long version;    /* 0: the model's active version */
	struct store_job_input *inputs;   /* n, pointing into strings */
	size_t n;
	/* private */
	char *strings;
	struct batch_item *items;
};

/* Reads req's body of type t (its size and media type were checked)
 * into *out: true, or false after answering res (400 for JSON nested too
 * deep, 422 with every problem, 500 out of memory).  lim holds the texts'
 * length limit and SCHEMA_LIMIT_BATCH_ITEMS.  Free *out with
 * batch_body_free in either case. */
bool batch_body_read(const struct request *req, enum batch_body_type t,
		     const struct schema_limits *lim, struct batch_body *out,
		     struct response *res);

void batch_body_free(struct batch_body *b);

#endif
