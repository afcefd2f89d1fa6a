/* SPDX-License-Identifier: MIT
 * schemas/registry_schema.c - the request bodies of the registry's
 * routes, for /openapi.json: POST /models and
 * PUT /models/{model-name}/active-version.  fcgi/models.c checks them
 * (422 names the field and the rule).
 */
#include "schemas/schema.h"

static const struct schema name_string = {
	.kind = SCHEMA_STRING,
	.title = "Name",
	.min_length = 1,
	.description = "^[a-z0-9][a-z0-9-]{0,62}$",
};

static const struct schema description_string = {
	.kind = SCHEMA_STRING,
	.title = "Description",
};

static const struct schema_field model_create_fields[] = {
	{ "name", "Name", &name_string, true },
	{ "description", "Description", &description_string, false },
};

const struct schema schema_model_create = {
	.kind = SCHEMA_OBJECT,
	.name = "ModelCreate",
	.title = "ModelCreate",
	.fields = model_create_fields,
	.n_fields = sizeof(model_create_fields) /
		    sizeof(model_create_fields[0]),
	.example = "{\"name\":\"tagifai-large\","
		   "\"description\":\"More n-grams\"}",
};

static const struct schema version_integer = {
	.kind = SCHEMA_INTEGER,
	.title = "Version",
	.positive = true,
};

static const struct schema_field active_fields[] = {
	{ "version", "Version", &version_integer, true },
};

const struct schema schema_active_version = {
	.kind = SCHEMA_OBJECT,
	.name = "ActiveVersion",
	.title = "ActiveVersion",
	.fields = active_fields,
	.n_fields = sizeof(active_fields) / sizeof(active_fields[0]),
	.example = "{\"version\":1}",
};
