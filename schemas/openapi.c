/* SPDX-License-Identifier: MIT
 * schemas/openapi.c - generates the OpenAPI 3.0 document.
 *
 * The layout copies what FastAPI 0.92 generates for the reference app
 * (key order, titles, operation ids, the HTTPValidationError and
 * ValidationError components) and adds what this service does on top:
 * 413/415 answers for /predict, the configured upper limits (maxItems,
 * maxLength) and a servers entry for the mount prefix so Swagger UI sends
 * requests to the right place.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "schemas/openapi.h"
#include "schemas/pyjson.h"
#include "util/buf.h"
#include "util/json.h"

/* Every cJSON_Add* below frees on failure and returns NULL; the document
 * is checked once at the end by printing it (a NULL anywhere makes the
 * later Add calls fail on NULL parents, which cJSON tolerates). */
static cJSON *
json_response(cJSON *responses, const char *code,
	      const char *description)
{
	cJSON *r = cJSON_AddObjectToObject(responses, code);
	cJSON *c, *m;

	cJSON_AddStringToObject(r, "description", description);
	c = cJSON_AddObjectToObject(r, "content");
	m = cJSON_AddObjectToObject(c, "application/json");
	return cJSON_AddObjectToObject(m, "schema");
}

static void
ref(cJSON *obj, const char *name)
{
	char buf[96];

	strcpy(buf, "#/components/schemas/");
	strncat(buf, name, sizeof(buf) - strlen(buf) - 1);
	cJSON_AddStringToObject(obj, "$ref", buf);
}

static void
add_detail_error(cJSON *responses, const char *code,
		 const char *description)
{
	cJSON *s = json_response(responses, code, description);
	cJSON *p;

	cJSON_AddStringToObject(s, "type", "object");
	p = cJSON_AddObjectToObject(s, "properties");
	p = cJSON_AddObjectToObject(p, "detail");
	cJSON_AddStringToObject(p, "title", "Detail");
	cJSON_AddStringToObject(p, "type", "string");
}

static void
add_param(cJSON *params, const char *name, const char *in, bool required,
	  const char *title)
{
	cJSON *po = cJSON_CreateObject(), *ps;

	if (!cJSON_AddItemToArray(params, po)) {
		cJSON_Delete(po);
		return;
	}
	cJSON_AddBoolToObject(po, "required", required);
	ps = cJSON_AddObjectToObject(po, "schema");
	cJSON_AddStringToObject(ps, "title", title);
	cJSON_AddStringToObject(ps, "type", "string");
	cJSON_AddStringToObject(po, "name", name);
	cJSON_AddStringToObject(po, "in", in);
}

/* FastAPI's title of a parameter: name.replace("_", " ").title(). */
static void
param_title(const char *name, size_t len, char *out)
{
	bool word = false;

	for (size_t i = 0; i < len; i++) {
		char c = name[i] == '_' ? ' ' : name[i];
		bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');

		if (alpha && !word && c >= 'a' && c <= 'z')
			c = (char)(c - 'a' + 'A');
		else if (alpha && word && c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		word = alpha;
		out[i] = c;
	}
	out[len] = '\0';
}

/* The "{name}" (or "{name:path}") parameters of path, in order. */
static void
add_path_params(cJSON *params, const char *path)
{
	for (const char *p = strchr(path, '{'); p != NULL;
	     p = strchr(p, '{')) {
		char name[OPENAPI_PARAM_NAME_MAX];
		char title[OPENAPI_PARAM_NAME_MAX];
		size_t len = strcspn(++p, ":}");

		if (len >= sizeof(name))
			continue;
		memcpy(name, p, len);
		name[len] = '\0';
		param_title(name, len, title);
		add_param(params, name, "path", true, title);
	}
}

static void describe(cJSON *o, const struct schema *s,
		     const struct schema_limits *lim, cJSON *schemas);

/* The path as OpenAPI writes it: "{file:path}" is "{file}". */
static void
path_key(const char *path, char *out, size_t len)
{
	size_t n = 0;

	for (const char *p = path; *p != '\0' && n + 1 < len; p++) {
		if (strncmp(p, ":path}", 6) == 0)
			p += 5;
		out[n++] = *p;
	}
	out[n] = '\0';
}

/* The success answer: the envelope around op->data, its keys in the
 * order fcgi/envelope.c writes them. */
static void
add_success(cJSON *responses, const struct openapi_op *op,
	    const struct schema_limits *lim, cJSON *schemas)
{
	static const char *const keys[][2] = {
		{ "message", "string" }, { "method", "string" },
		{ "status-code", "integer" }, { "timestamp", "string" },
		{ "url", "string" },
	};
	const char *code = op->accepted ? "202" : op->created ? "201" : "200";
	const char *what = op->accepted ? "Accepted" : op->created ?
			   "Created" : "Successful Response";
	cJSON *s = json_response(responses, code, what), *p, *t;

	cJSON_AddStringToObject(s, "title", op->response_title);
	cJSON_AddStringToObject(s, "type", "object");
	if (op->data == NULL)
		return;
	p = cJSON_AddObjectToObject(s, "properties");
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		t = cJSON_AddObjectToObject(p, keys[i][0]);
		cJSON_AddStringToObject(t, "type", keys[i][1]);
	}
	describe(cJSON_AddObjectToObject(p, "data"), op->data, lim, schemas);
}

static void
add_operation(cJSON *paths, const struct openapi_path *at,
	      const struct schema_limits *lim, cJSON *schemas)
{
	const struct openapi_op *op = at->op;
	char key[256];
	cJSON *item, *o, *a, *responses;

	path_key(at->path, key, sizeof(key));
	item = cJSON_GetObjectItemCaseSensitive(paths, key);
	if (item == NULL)
		item = cJSON_AddObjectToObject(paths, key);
	o = cJSON_AddObjectToObject(item, at->method);
	a = cJSON_AddArrayToObject(o, "tags");
	cJSON_AddItemToArray(a, cJSON_CreateString(op->tag));
	cJSON_AddStringToObject(o, "summary", op->summary);
	cJSON_AddStringToObject(o, "description", op->description);
	cJSON_AddStringToObject(o, "operationId", op->operation_id);
	if (op->n_params > 0 || strchr(at->path, '{') != NULL) {
		a = cJSON_AddArrayToObject(o, "parameters");
		add_path_params(a, at->path);
		for (size_t i = 0; i < op->n_params; i++)
			add_param(a, op->params[i].name, op->params[i].in,
				  op->params[i].required,
				  op->params[i].title);
	}
	if (op->body != NULL) {
		cJSON *rb = cJSON_AddObjectToObject(o, "requestBody");
		cJSON *c = cJSON_AddObjectToObject(rb, "content");

		if (op->ndjson != NULL)
			cJSON_AddStringToObject(rb, "description", "JSON, or "
				"application/x-ndjson: one item a line, the "
				"model and version in the query");
		ref(cJSON_AddObjectToObject(cJSON_AddObjectToObject(c,
			"application/json"), "schema"), op->body->name);
		if (op->ndjson != NULL)
			ref(cJSON_AddObjectToObject(cJSON_AddObjectToObject(c,
				"application/x-ndjson"), "schema"),
			    op->ndjson->name);
		cJSON_AddBoolToObject(rb, "required", true);
	} else if (op->upload) {
		/* A file: Swagger UI offers a file picker for binary. */
		cJSON *rb = cJSON_AddObjectToObject(o, "requestBody");
		cJSON *c = cJSON_AddObjectToObject(rb, "content");
		cJSON *m = cJSON_AddObjectToObject(c,
						   "application/octet-stream");

		m = cJSON_AddObjectToObject(m, "schema");
		cJSON_AddStringToObject(m, "type", "string");
		cJSON_AddStringToObject(m, "format", "binary");
		m = cJSON_AddObjectToObject(c, "application/json");
		m = cJSON_AddObjectToObject(m, "schema");
		cJSON_AddStringToObject(m, "type", "object");
		cJSON_AddStringToObject(m, "description", "a scikit-learn "
					"export (tools/export_sklearn.py)");
		cJSON_AddBoolToObject(rb, "required", true);
	}
	responses = cJSON_AddObjectToObject(o, "responses");
	add_success(responses, op, lim, schemas);
	for (size_t i = 0; i < op->n_errors; i++)
		add_detail_error(responses, op->errors[i].code,
				 op->errors[i].description);
	if (at->role != NULL) {
		cJSON *sec = cJSON_AddArrayToObject(o, "security");
		cJSON *req = cJSON_CreateObject();

		if (!cJSON_AddItemToArray(sec, req))
			cJSON_Delete(req);
		else
			cJSON_AddArrayToObject(req, "APIKey");
		cJSON_AddStringToObject(o, "x-role", at->role);
		add_detail_error(responses, "401", "Not authenticated: no valid "
				 "API key (WWW-Authenticate: Bearer)");
		add_detail_error(responses, "403", "Not enough permissions: the "
				 "key's user lacks the role");
	}
	if (op->validates)
		ref(json_response(responses, "422", "Validation Error"),
		    "HTTPValidationError");
}

static void add_schema(cJSON *schemas, const struct schema *s,
		       const struct schema_limits *lim);

/* A field's schema: a reference to a named one, else written here. */
static void
field(cJSON *p, const struct schema *t, const struct schema_limits *lim,
      cJSON *schemas)
{
	if (t->name != NULL) {
		ref(p, t->name);
		add_schema(schemas, t, lim);
	} else {
		describe(p, t, lim, schemas);
	}
}

static void
describe(cJSON *o, const struct schema *s,
	 const struct schema_limits *lim, cJSON *schemas)
{
	cJSON *props = NULL, *req = NULL;

	switch (s->kind) {
	case SCHEMA_STRING:
		cJSON_AddStringToObject(o, "title", s->title);
		if (s->min_length > 0)
			cJSON_AddNumberToObject(o, "minLength",
						(double)s->min_length);
		if (s->max_length != SCHEMA_LIMIT_NONE)
			cJSON_AddNumberToObject(o, "maxLength",
				(double)lim->value[s->max_length]);
		if (s->pattern != NULL)
			cJSON_AddStringToObject(o, "pattern", s->pattern);
		cJSON_AddStringToObject(o, "type", "string");
		break;
	case SCHEMA_INTEGER:
		cJSON_AddStringToObject(o, "title", s->title);
		cJSON_AddStringToObject(o, "type", "integer");
		cJSON_AddNumberToObject(o, "minimum", s->positive ? 1 : 0);
		break;
	case SCHEMA_NUMBER:
	case SCHEMA_BOOLEAN:
		cJSON_AddStringToObject(o, "title", s->title);
		cJSON_AddStringToObject(o, "type", s->kind == SCHEMA_NUMBER ?
					"number" : "boolean");
		break;
	case SCHEMA_ARRAY:
		cJSON_AddStringToObject(o, "title", s->title);
		if (s->min_items > 0)
			cJSON_AddNumberToObject(o, "minItems",
						(double)s->min_items);
		if (s->max_items != SCHEMA_LIMIT_NONE)
			cJSON_AddNumberToObject(o, "maxItems",
				(double)lim->value[s->max_items]);
		cJSON_AddStringToObject(o, "type", "array");
		field(cJSON_AddObjectToObject(o, "items"), s->items, lim,
		      schemas);
		break;
	case SCHEMA_OBJECT:
		cJSON_AddStringToObject(o, "title", s->title);
		req = NULL;
		/* OpenAPI 3.0: "required", when present, is not empty. */
		for (size_t i = 0; i < s->n_fields; i++) {
			if (!s->fields[i].required)
				continue;
			if (req == NULL)
				req = cJSON_AddArrayToObject(o, "required");
			cJSON_AddItemToArray(req, cJSON_CreateString(
				s->fields[i].name));
		}
		cJSON_AddStringToObject(o, "type", "object");
		if (s->n_fields > 0)
			props = cJSON_AddObjectToObject(o, "properties");
		for (size_t i = 0; i < s->n_fields; i++)
			field(cJSON_AddObjectToObject(props, s->fields[i].name),
			      s->fields[i].type, lim, schemas);
		if (s->additional != NULL)
			field(cJSON_AddObjectToObject(o,
				"additionalProperties"), s->additional, lim,
			      schemas);
		if (s->example != NULL) {
			cJSON *ex = cJSON_Parse(s->example);

			if (ex != NULL && !cJSON_AddItemToObject(o, "example",
								 ex))
				cJSON_Delete(ex);
		}
		break;
	default:
		break;
	}
	if (s->nullable)
		cJSON_AddBoolToObject(o, "nullable", true);
	if (s->description != NULL)
		cJSON_AddStringToObject(o, "description", s->description);
}

static void
add_schema(cJSON *schemas, const struct schema *s,
	   const struct schema_limits *lim)
{
	if (cJSON_GetObjectItemCaseSensitive(schemas, s->name) != NULL)
		return;
	describe(cJSON_AddObjectToObject(schemas, s->name), s, lim, schemas);
}

/* The FastAPI components for 422 answers, in FastAPI's words. */
static const char validation_components[] =
	"{\"HTTPValidationError\":{\"title\":\"HTTPValidationError\","
	"\"type\":\"object\",\"properties\":{\"detail\":{\"title\":"
	"\"Detail\",\"type\":\"array\",\"items\":{\"$ref\":"
	"\"#/components/schemas/ValidationError\"}}}},"
	"\"ValidationError\":{\"title\":\"ValidationError\",\"required\":"
	"[\"loc\",\"msg\",\"type\"],\"type\":\"object\",\"properties\":{"
	"\"loc\":{\"title\":\"Location\",\"type\":\"array\",\"items\":{"
	"\"anyOf\":[{\"type\":\"string\"},{\"type\":\"integer\"}]}},"
	"\"msg\":{\"title\":\"Message\",\"type\":\"string\"},"
	"\"type\":{\"title\":\"Error Type\",\"type\":\"string\"}}}}";

/* The url comes from the request (SCRIPT_NAME): cJSON would copy its
 * bytes raw, invalid UTF-8 included, so it is written by util/json.h. */
static bool
add_url(cJSON *srv, const char *url)
{
	struct util_buf b = UTIL_BUF_INIT(PYJSON_TEXT_MAX);
	char *text;
	bool ok;

	util_json_str(&b, url, strlen(url));
	text = util_buf_take(&b, NULL);
	ok = text != NULL && cJSON_AddRawToObject(srv, "url", text) != NULL;
	free(text);
	return ok;
}

char *
openapi_render(const char *server_url, const struct schema_limits *lim,
	       const struct openapi_path *ops, size_t n_ops)
{
	cJSON *doc = cJSON_CreateObject(), *info, *servers, *srv, *paths;
	cJSON *comp, *schemas, *fixed = NULL;
	char *out = NULL;

	if (doc == NULL)
		return NULL;
	cJSON_AddStringToObject(doc, "openapi", "3.0.2");
	info = cJSON_AddObjectToObject(doc, "info");
	cJSON_AddStringToObject(info, "title", OPENAPI_TITLE);
	cJSON_AddStringToObject(info, "description", OPENAPI_DESCRIPTION);
	cJSON_AddStringToObject(info, "version", OPENAPI_VERSION);
	servers = cJSON_AddArrayToObject(doc, "servers");
	srv = cJSON_CreateObject();
	if (!cJSON_AddItemToArray(servers, srv))
		cJSON_Delete(srv);
	else if (!add_url(srv, server_url && *server_url ? server_url : "/"))
		goto out;
	paths = cJSON_AddObjectToObject(doc, "paths");
	comp = cJSON_CreateObject();
	schemas = cJSON_AddObjectToObject(comp, "schemas");
	for (size_t i = 0; i < n_ops; i++)
		add_operation(paths, &ops[i], lim, schemas);
	/* components after paths, as FastAPI writes them. */
	if (!cJSON_AddItemToObject(doc, "components", comp)) {
		cJSON_Delete(comp);
		goto out;
	}
	for (size_t i = 0; i < n_ops; i++) {
		cJSON *ss, *k;

		if (ops[i].role == NULL)
			continue;
		/* Swagger UI's "Authorize" sends it on every call. */
		ss = cJSON_AddObjectToObject(comp, "securitySchemes");
		k = cJSON_AddObjectToObject(ss, "APIKey");
		cJSON_AddStringToObject(k, "type", "http");
		cJSON_AddStringToObject(k, "scheme", "bearer");
		cJSON_AddStringToObject(k, "description", "An API key "
					"(tgf_<id>_<secret>) from `tagifai users` "
					"or POST /users/{user-name}/api-keys");
		break;
	}
	fixed = cJSON_Parse(validation_components);
	if (fixed == NULL)
		goto out;
	if (!cJSON_AddItemReferenceToObject(schemas, "HTTPValidationError",
		cJSON_GetObjectItemCaseSensitive(fixed,
						 "HTTPValidationError")))
		goto out;
	for (size_t i = 0; i < n_ops; i++) {
		if (ops[i].op->body != NULL)
			add_schema(schemas, ops[i].op->body, lim);
		if (ops[i].op->ndjson != NULL)
			add_schema(schemas, ops[i].op->ndjson, lim);
	}
	if (!cJSON_AddItemReferenceToObject(schemas, "ValidationError",
		cJSON_GetObjectItemCaseSensitive(fixed, "ValidationError")))
		goto out;
	out = cJSON_PrintUnformatted(doc);
out:
	cJSON_Delete(doc);
	cJSON_Delete(fixed);
	return out;
}
