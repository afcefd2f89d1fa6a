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

enum schema_kind {
	SCHEMA_OBJECT,
	SCHEMA_ARRAY,
	SCHEMA_STRING,
	SCHEMA_INTEGER,            /* described only (OpenAPI) */
	SCHEMA__MAX
};

/* Start-up-configurable limits a schema may refer to. */
enum schema_limit {
	SCHEMA_LIMIT_NONE = 0,
	SCHEMA_LIMIT_TEXTS,        /* items in PredictPayload.texts */
	SCHEMA_LIMIT_TEXT_CHARS,   /* code points in Text.text */
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
};

/* The request body of POST /predict and its items (predict_schema.c). */
extern const struct schema schema_predict_payload;
extern const struct schema schema_text;

/* The registry's request bodies (registry_schema.c). */
extern const struct schema schema_model_create;
extern const struct schema schema_active_version;

/* Default limits (SCHEMA_DEFAULT_*). */
void schema_limits_default(struct schema_limits *l);

#endif
