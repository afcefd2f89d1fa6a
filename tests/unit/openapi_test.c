/* SPDX-License-Identifier: MIT
 * tests/unit/openapi_test.c - the OpenAPI document is valid JSON, names
 * every API route of the route table, carries the reference's info, tags,
 * examples and components, our limits and error answers, and the mount
 * prefix as its server.
 */
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "fcgi/route.h"
#include "schemas/openapi.h"
#include "tests/unit/tap.h"

static cJSON *
at(cJSON *j, const char *path)
{
	char buf[256], *save = NULL, *part;

	strncpy(buf, path, sizeof(buf) - 1);
	buf[sizeof(buf) - 1] = '\0';
	for (part = strtok_r(buf, "|", &save); part && j;
	     part = strtok_r(NULL, "|", &save))
		j = cJSON_IsArray(j) ? cJSON_GetArrayItem(j, atoi(part))
				     : cJSON_GetObjectItemCaseSensitive(j, part);
	return j;
}

static const char *
str_at(cJSON *j, const char *path)
{
	cJSON *v = at(j, path);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

int
main(void)
{
	struct schema_limits lim;
	struct openapi_path *paths;
	size_t n_paths;
	char *doc;
	cJSON *j;

	schema_limits_default(&lim);
	lim.value[SCHEMA_LIMIT_TEXTS] = 7;
	paths = calloc(route_count, sizeof(*paths));
	n_paths = paths ? route_openapi_paths(paths, 0) : 0;
	tap_ok(n_paths == 32, "thirty-two rows of the table are API operations "
	       "(%zu)", n_paths);
	doc = openapi_render("/api", &lim, paths, n_paths);
	j = doc ? cJSON_Parse(doc) : NULL;
	tap_ok(j != NULL, "openapi_render should give valid JSON");
	tap_str_eq(str_at(j, "openapi"), "3.0.2", "openapi version");
	tap_str_eq(str_at(j, "info|title"), "TagIfAI - Made With ML", "title");
	tap_str_eq(str_at(j, "info|description"),
		   "Classify machine learning projects.", "description");
	tap_str_eq(str_at(j, "info|version"), "0.1", "version");
	tap_str_eq(str_at(j, "servers|0|url"), "/api",
		   "servers should hold the mount prefix");
	for (size_t i = 0; i < route_count; i++) {
		const struct route *r = &route_table[i];
		char path[128], *colon;

		snprintf(path, sizeof(path), "paths|%s|%s", r->pattern,
			 route_openapi_method(r->methods));
		/* "{item-id:path}" is written "{item-id}" */
		if ((colon = strstr(path, ":path}")) != NULL)
			memmove(colon, colon + 5, strlen(colon + 5) + 1);
		tap_ok((at(j, path) != NULL) == (r->op != NULL),
		       "route %s should %sbe in the document", r->pattern,
		       r->op ? "" : "not ");
		if (r->op != NULL)
			tap_str_eq(str_at(j, strcat(path, "|operationId")),
				   r->op->operation_id,
				   "route %s carries its operation", r->pattern);
	}
	tap_ok(cJSON_GetArraySize(at(j, "paths")) == 24,
	       "the document has no path outside the route table");
	tap_str_eq(str_at(j, "paths|/args/{arg}|get|parameters|0|name"),
		   "arg", "the path parameter comes from the pattern");
	tap_str_eq(str_at(j, "paths|/args/{arg}|get|parameters|0|in"),
		   "path", "... in the path");
	tap_str_eq(str_at(j, "paths|/args/{arg}|get|parameters|0|schema|"
			  "title"), "Arg", "... titled as FastAPI does");
	tap_str_eq(str_at(j, "paths|/args/{arg}|get|responses|404|"
			  "description"), "Unknown argument",
		   "/args/{arg} documents its 404");
	tap_str_eq(str_at(j, "paths|/|get|tags|0"), "General", "tag General");
	tap_str_eq(str_at(j, "paths|/performance|get|tags|0"), "Performance",
		   "tag Performance");
	tap_str_eq(str_at(j, "paths|/args/{arg}|get|tags|0"), "Arguments",
		   "tag Arguments");
	tap_str_eq(str_at(j, "paths|/predict|post|tags|0"), "Prediction",
		   "tag Prediction");
	tap_str_eq(str_at(j, "paths|/performance|get|parameters|0|name"),
		   "filter", "the filter query parameter");
	for (int i = 0; i < 3; i++) {
		static const char *const codes[] = { "413", "415", "422" };
		char path[96];

		snprintf(path, sizeof(path),
			 "paths|/predict|post|responses|%s", codes[i]);
		tap_ok(at(j, path) != NULL, "/predict documents %s", codes[i]);
	}
	tap_str_eq(str_at(j, "paths|/predict|post|requestBody|content|"
			  "application/json|schema|$ref"),
		   "#/components/schemas/PredictPayload", "request body ref");
	tap_str_eq(str_at(j, "components|schemas|PredictPayload|example|"
			  "texts|0|text"),
		   "Transfer learning with transformers for text "
		   "classification.", "first example text");
	tap_str_eq(str_at(j, "components|schemas|PredictPayload|example|"
			  "texts|1|text"),
		   "Generative adversarial networks in both PyTorch and "
		   "TensorFlow.", "second example text");
	tap_ok(cJSON_GetNumberValue(at(j, "components|schemas|PredictPayload|"
				       "properties|texts|maxItems")) == 7,
	       "maxItems should be the configured limit");
	tap_ok(cJSON_GetNumberValue(at(j, "components|schemas|Text|"
				       "properties|text|minLength")) == 1,
	       "Text.text minLength 1");
	tap_str_eq(str_at(j, "paths|/batch-jobs|post|requestBody|content|"
			  "application/x-ndjson|schema|$ref"),
		   "#/components/schemas/BatchItem",
		   "POST /batch-jobs takes NDJSON lines of BatchItem");
	tap_str_eq(str_at(j, "paths|/batch-jobs|post|requestBody|content|"
			  "application/json|schema|$ref"),
		   "#/components/schemas/BatchJobRequest", "... or JSON");
	tap_ok(cJSON_GetNumberValue(at(j, "components|schemas|"
				       "BatchJobRequest|properties|items|"
				       "maxItems")) == 1000000,
	       "the items' maxItems is --max-batch-items");
	tap_ok(at(j, "components|schemas|BatchItem|properties|text|$ref") ==
	       NULL, "an item's text is not a reference");
	tap_ok(cJSON_GetNumberValue(at(j, "components|schemas|BatchItem|"
				       "properties|text|maxLength")) == 20000,
	       "an item's text has /predict's maxLength");
	tap_str_eq(str_at(j, "components|schemas|BatchItem|properties|id|"
			  "pattern"), "^[ -~]{1,128}$", "an id's pattern");
	tap_str_eq(str_at(j, "paths|/batch-jobs|post|responses|202|content|"
			  "application/json|schema|properties|data|"
			  "properties|job|$ref"),
		   "#/components/schemas/BatchJob",
		   "POST /batch-jobs answers 202 with data.job");
	tap_ok(at(j, "paths|/batch-jobs|post|responses|200") == NULL,
	       "... and no 200");
	tap_str_eq(str_at(j, "components|schemas|BatchJob|properties|"
			  "finished_at|type"), "string", "finished_at");
	tap_ok(cJSON_IsTrue(at(j, "components|schemas|BatchJob|properties|"
			       "finished_at|nullable")), "... may be null");
	tap_str_eq(str_at(j, "paths|/predictions/{item-id}|get|parameters|0|"
			  "name"), "item-id", "the item id is a path "
		   "parameter");
	tap_str_eq(str_at(j, "components|schemas|StoredPrediction|"
			  "properties|probabilities|additionalProperties|"
			  "type"), "number", "probabilities map to numbers");
	tap_str_eq(str_at(j, "components|schemas|StoredPrediction|"
			  "properties|stale|type"), "boolean", "stale");
	tap_str_eq(str_at(j, "components|schemas|HTTPValidationError|"
			  "properties|detail|items|$ref"),
		   "#/components/schemas/ValidationError",
		   "HTTPValidationError component");
	tap_str_eq(str_at(j, "components|schemas|ValidationError|properties|"
			  "type|title"), "Error Type", "ValidationError component");
	cJSON_Delete(j);
	free(doc);
	doc = openapi_render("", &lim, paths, n_paths);
	j = doc ? cJSON_Parse(doc) : NULL;
	tap_str_eq(str_at(j, "servers|0|url"), "/",
		   "an empty prefix should give the server /");
	cJSON_Delete(j);
	free(doc);
	free(paths);
	return tap_done();
}
