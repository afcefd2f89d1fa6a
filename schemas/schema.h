/* SPDX-License-Identifier: MIT
 * schemas/schema.h - request/response shapes declared once, as data.
 *
 * A struct schema describes a JSON value the way a pydantic v1 model does
 * (objects with fields, arrays with items, strings with length bounds and
 * custom messages).  The same constant tables drive the validator
 * (schemas/validate.c, 422 answers) and the OpenAPI document
 * (schemas/openapi.c), so the two cannot drift apart.
 *
 * Limits that an operator may change at start-up (texts per request,
 * characters per text) are not stored in the tables: a schema names the
 * limit (enum schema_limit) and callers pass the values.
 */
#ifndef SCHEMAS_SCHEMA_H
#define SCHEMAS_SCHEMA_H

#include <stdbool.h>
#include <stddef.h>

#define SCHEMA_DEFAULT_MAX_TEXTS 1000
#define SCHEMA_DEFAULT_MAX_TEXT_CHARS 20000
#define SCHEMA_DEFAULT_MAX_BATCH_ITEMS 1000000  /* --max-batch-items */

enum schema_kind {
	SCHEMA_OBJECT,
	SCHEMA_ARRAY,
	SCHEMA_STRING,
	SCHEMA_INTEGER,            /* a JSON integer (no coercion) */
	SCHEMA_NUMBER,             /* described only (OpenAPI) */
	SCHEMA_BOOLEAN,            /* described only (OpenAPI) */
	SCHEMA__MAX
};

/* Start-up-configurable limits a schema may refer to. */
enum schema_limit {
	SCHEMA_LIMIT_NONE = 0,
	SCHEMA_LIMIT_TEXTS,        /* items in PredictPayload.texts */
	SCHEMA_LIMIT_TEXT_CHARS,   /* code points in Text.text */
	SCHEMA_LIMIT_BATCH_ITEMS,  /* items of a batch job */
	SCHEMA_LIMIT__MAX
};

struct schema_limits {
	size_t value[SCHEMA_LIMIT__MAX];  /* indexed by enum schema_limit */
};

struct schema;

struct schema_field {
	const char *name;
	const char *title;
	const struct schema *type;
	bool required;
};

struct schema {
	enum schema_kind kind;
	const char *name;          /* component name ("Text"), or NULL */
	const char *title;
	const char *description;   /* or NULL */
	/* SCHEMA_OBJECT */
	const struct schema_field *fields;
	size_t n_fields;
	const char *example;       /* JSON text, or NULL */
	/* Described only: the schema of the values of a map ("additional
	 * Properties"), or NULL. */
	const struct schema *additional;
	/* SCHEMA_ARRAY */
	const struct schema *items;
	size_t min_items;
	const char *min_items_msg;   /* custom message (pydantic @validator) */
	const char *min_items_type;  /* its error type, e.g. "value_error" */
	enum schema_limit max_items;
	/* SCHEMA_STRING */
	size_t min_length;           /* code points */
	enum schema_limit max_length;
	bool coerce;                 /* numbers/bools become str (pydantic v1) */
	/* A constr(regex=pattern): match decides (after the lengths), the
	 * pattern is what the 422 and OpenAPI show.  NULL: none. */
	const char *pattern;
	bool (*match)(const char *s, size_t len);
	/* SCHEMA_INTEGER */
	bool positive;               /* refuse 0 and below */
	/* Any kind, described only: the value may be null (a response). */
	bool nullable;
};

/* The request body of POST /predict and its items (predict_schema.c). */
extern const struct schema schema_predict_payload;
extern const struct schema schema_text;

/* The registry's request bodies (registry_schema.c). */
extern const struct schema schema_model_create;
extern const struct schema schema_active_version;

/* The batch jobs' request bodies (batch_schema.c): the JSON body of
 * POST /batch-jobs and one item (also one line of an NDJSON body); the
 * item's text is Text.text (schema_text_string), validated the same. */
extern const struct schema schema_text_string;
extern const struct schema schema_batch_job_request;
extern const struct schema schema_batch_item;

/* The batch routes' answers (data of the envelope), for OpenAPI. */
extern const struct schema schema_batch_job_data;
extern const struct schema schema_batch_jobs_data;
extern const struct schema schema_batch_page_data;
extern const struct schema schema_prediction_data;

/* Default limits (SCHEMA_DEFAULT_*). */
void schema_limits_default(struct schema_limits *l);

#endif
