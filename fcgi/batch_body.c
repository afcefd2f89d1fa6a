/* SPDX-License-Identifier: MIT
 * fcgi/batch_body.c - reads the body of POST /batch-jobs.  The bytes
 * are parsed by schemas/pyjson.c (the whole body, or one NDJSON line at
 * a time) and checked by schemas/validate.c; this file only collects
 * what the validator accepted, checks that ids are unique and writes
 * the 422.  The problems are written out as they come (the sink's
 * on_problem), not kept as cJSON: a million items may each have one.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "fcgi/batch_body.h"
#include "fcgi/models.h"
#include "schemas/pyjson.h"
#include "schemas/validate.h"
#include "util/buf.h"
#include "util/json.h"

#define ITEMS_MIN_CAP 64
#define HAS_ID 1
#define HAS_TEXT 2

/* One item as collected: offsets into the strings (they move while the
 * buffer grows). */
struct batch_item {
	size_t id_off, id_len, text_off, text_len;
	size_t where;          /* JSON: its index; NDJSON: its line */
	unsigned has;          /* HAS_ID | HAS_TEXT */
};

struct collect {
	enum batch_body_type type;
	struct util_buf strings;
	struct batch_item *items;
	size_t n, cap;
	size_t cur;            /* NDJSON: the item being read */
	size_t line;           /* NDJSON: its line */
	char *model;
	bool has_version;
	size_t version_off, version_len;   /* its digits, in strings */
	struct util_buf detail;  /* "{"detail":[..." */
	size_t problems;
	bool nomem;
};

static bool
add_problem_text(struct collect *c, const char *text)
{
	util_buf_adds(&c->detail, c->problems++ > 0 ? "," : "{\"detail\":[");
	util_buf_adds(&c->detail, text);
	return c->detail.st == UTIL_OK;
}

static bool
on_problem(void *ctx, const cJSON *e)
{
	char *text = cJSON_PrintUnformatted(e);
	bool ok = text != NULL && add_problem_text(ctx, text);

	free(text);
	return ok;
}

/* A problem this file finds, at loc (a JSON array's text); ctx is a
 * JSON object's text or NULL. */
static void
add_problem(struct collect *c, const char *loc, const char *msg,
	    const char *type, const char *ctx)
{
	struct util_buf b = UTIL_BUF_INIT(4096);
	char *text;

	util_buf_adds(&b, "{\"loc\":");
	util_buf_adds(&b, loc);
	util_buf_adds(&b, ",\"msg\":");
	util_json_str(&b, msg, strlen(msg));
	util_buf_adds(&b, ",\"type\":");
	util_json_str(&b, type, strlen(type));
	if (ctx != NULL) {
		util_buf_adds(&b, ",\"ctx\":");
		util_buf_adds(&b, ctx);
	}
	util_buf_adds(&b, "}");
	text = util_buf_take(&b, NULL);
	if (text == NULL || !add_problem_text(c, text))
		c->nomem = true;
	free(text);
}

/* At an item's key: ["body","items",where,key] (JSON) or
 * ["body",where,key] (NDJSON). */
static void
item_problem(struct collect *c, size_t where, const char *key,
	     const char *msg, const char *type)
{
	char loc[96];

	snprintf(loc, sizeof(loc), "[\"body\",%s%zu%s%s%s]",
		 c->type == BATCH_BODY_JSON ? "\"items\"," : "", where,
		 key ? ",\"" : "", key ? key : "", key ? "\"" : "");
	add_problem(c, loc, msg, type, NULL);
}

static struct batch_item *
item_at(struct collect *c, size_t i)
{
	if (i >= c->n) {
		void *p = c->items;

		if (util_array_reserve(&p, &c->cap, i + 1, sizeof(*c->items),
				       ITEMS_MIN_CAP) != UTIL_OK)
			return NULL;
		c->items = p;
		memset(c->items + c->n, 0, (i + 1 - c->n) * sizeof(*c->items));
		c->n = i + 1;
	}
	return &c->items[i];
}

/* The validator's accepted values: loc ["body","model"|"version"], or
 * ["body","items",i,"id"|"text"] (JSON), ["body",line,"id"|"text"]. */
static bool
on_field(void *ctx, const struct validate_loc *at, const char *s,
	 size_t len)
{
	struct collect *c = ctx;
	const char *key = at->n >= 2 ? at->part[at->n - 1].key : NULL;
	struct batch_item *it;
	size_t off = c->strings.len, i;

	if (key == NULL)
		return true;
	if (at->n == 2 && strcmp(key, "model") == 0) {
		free(c->model);
		c->model = strndup(s, len);
		return c->model != NULL;
	}
	util_buf_add(&c->strings, s, len);
	util_buf_add(&c->strings, "", 1);   /* NUL: store ids as C strings */
	if (c->strings.st != UTIL_OK)
		return false;
	if (at->n == 2 && strcmp(key, "version") == 0) {
		c->has_version = true;
		c->version_off = off;
		c->version_len = len;
		return true;
	}
	i = c->type == BATCH_BODY_NDJSON ? c->cur : at->part[at->n - 2].index;
	if ((it = item_at(c, i)) == NULL)
		return false;
	it->where = c->type == BATCH_BODY_NDJSON ? c->line : i;
	if (strcmp(key, "id") == 0) {
		it->id_off = off;
		it->id_len = len;
		it->has |= HAS_ID;
	} else {
		it->text_off = off;
		it->text_len = len;
		it->has |= HAS_TEXT;
	}
	return true;
}

struct id_ref {
	const char *id;
	size_t len;
	size_t k;      /* index in items */
};

static int
by_id(const void *a, const void *b)
{
	const struct id_ref *x = a, *y = b;
	size_t n = x->len < y->len ? x->len : y->len;
	int d = memcmp(x->id, y->id, n);

	if (d != 0)
		return d;
	if (x->len != y->len)
		return x->len < y->len ? -1 : 1;
	return x->k < y->k ? -1 : x->k > y->k;
}

/* A later item with an id an earlier one has. */
struct dup {
	size_t k, first;
};

static int
by_k(const void *a, const void *b)
{
	const struct dup *x = a, *y = b;

	return x->k < y->k ? -1 : x->k > y->k;
}

/* Lists every id that an earlier item already has, in item order. */
static void
duplicates(struct collect *c)
{
	struct id_ref *r = calloc(c->n ? c->n : 1, sizeof(*r));
	struct dup *d = calloc(c->n ? c->n : 1, sizeof(*d));
	size_t n = 0, n_dup = 0;
	char msg[96];

	if (r == NULL || d == NULL) {
		c->nomem = true;
		goto out;
	}
	for (size_t k = 0; k < c->n; k++)
		if (c->items[k].has & HAS_ID)
			r[n++] = (struct id_ref){ c->strings.data +
				c->items[k].id_off, c->items[k].id_len, k };
	qsort(r, n, sizeof(*r), by_id);
	for (size_t j = 1, first = 0; j < n; j++) {
		if (r[j].len == r[first].len &&
		    memcmp(r[j].id, r[first].id, r[j].len) == 0)
			d[n_dup++] = (struct dup){ r[j].k, r[first].k };
		else
			first = j;
	}
	qsort(d, n_dup, sizeof(*d), by_k);
	for (size_t j = 0; j < n_dup; j++) {
		snprintf(msg, sizeof(msg), c->type == BATCH_BODY_JSON ?
			 "duplicate id: item %zu has it" :
			 "duplicate id: line %zu has it",
			 c->items[d[j].first].where);
		item_problem(c, c->items[d[j].k].where, "id", msg,
			     "value_error.duplicate");
	}
out:
	free(r);
	free(d);
}

/* The whole body at once (schema_batch_job_request).  False after
 * answering 400. */
static bool
read_json(const struct request *req, const struct schema_limits *lim,
	  struct collect *c, const struct validate_sink *sink,
	  struct response *res)
{
	struct pyjson_doc *doc = NULL;
	struct pyjson_error pe = { 0 };
	cJSON *detail;

	if (req->body_len > 0) {
		switch (pyjson_parse(req->body, req->body_len, &doc, &pe)) {
		case PYJSON_OK:
			break;
		case PYJSON_ERR_SYNTAX:
			detail = cJSON_CreateArray();
			if (detail == NULL ||
			    validate_jsondecode(&pe, req->body, req->body_len,
						detail) != VALIDATE_INVALID ||
			    !on_problem(c, cJSON_GetArrayItem(detail, 0)))
				c->nomem = true;
			cJSON_Delete(detail);
			return true;
		case PYJSON_ERR_DEPTH:
		case PYJSON_ERR_INT:
			/* FastAPI's answer to any other decoding error. */
			respond_error(res, HTTP_ERR_BODY_PARSE);
			return false;
		default:
			c->nomem = true;
			return true;
		}
	}
	if (validate_body(&schema_batch_job_request, pyjson_root(doc), lim,
			  sink, NULL) == VALIDATE_ERR_NOMEM)
		c->nomem = true;
	pyjson_free(doc);
	return true;
}

/* The next line of [*p, end): its start and length without "\r\n"; *p
 * moves past it. */
static const char *
next_line(const char **p, const char *end, size_t *len)
{
	const char *s = *p, *nl = memchr(s, '\n', (size_t)(end - s));
	const char *e = nl ? nl : end;

	*p = nl ? nl + 1 : end;
	if (e > s && e[-1] == '\r')
		e--;
	*len = (size_t)(e - s);
	return s;
}

static bool
blank(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (s[i] != ' ' && s[i] != '\t')
			return false;
	return true;
}

/* One line: a JSON syntax error at ["body", line], else the item's
 * problems. */
static void
read_line(struct collect *c, const char *s, size_t len,
	  const struct schema_limits *lim, const struct validate_sink *sink)
{
	struct validate_loc at = { .n = 2 };
	struct pyjson_doc *doc = NULL;
	struct pyjson_error pe = { 0 };
	cJSON *detail, *e, *loc;

	at.part[0].key = "body";
	at.part[1].index = c->line;
	switch (pyjson_parse(s, len, &doc, &pe)) {
	case PYJSON_OK:
		break;
	case PYJSON_ERR_SYNTAX:
		/* FastAPI's jsondecode detail, its loc the line's. */
		detail = cJSON_CreateArray();
		if (detail == NULL ||
		    validate_jsondecode(&pe, s, len, detail) !=
			    VALIDATE_INVALID)
			goto nomem;
		e = cJSON_GetArrayItem(detail, 0);
		loc = cJSON_GetObjectItemCaseSensitive(e, "loc");
		if (!cJSON_ReplaceItemInArray(loc, 1,
				cJSON_CreateNumber((double)c->line)) ||
		    !on_problem(c, e))
			c->nomem = true;
		cJSON_Delete(detail);
		return;
	case PYJSON_ERR_DEPTH:
	case PYJSON_ERR_INT:
		item_problem(c, c->line, NULL, "JSON nested too deep or an "
			     "integer too long", "value_error.jsondecode");
		return;
	default:
		c->nomem = true;
		return;
	}
	if (validate_at(&schema_batch_item, pyjson_root(doc), &at, lim, sink,
			NULL) == VALIDATE_ERR_NOMEM)
		c->nomem = true;
	pyjson_free(doc);
	return;
nomem:
	cJSON_Delete(detail);
	c->nomem = true;
}

/* model= and version= of the query (NDJSON). */
static void
read_query(const struct request *req, struct collect *c)
{
	char *v = NULL;
	long long version;

	if (url_query_get(req->target.query, "model", &c->model) !=
	    SERVICE_OK ||
	    url_query_get(req->target.query, "version", &v) != SERVICE_OK) {
		c->nomem = true;
		return;
	}
	if (c->model != NULL && c->model[0] == '\0') {
		free(c->model);
		c->model = NULL;
	}
	if (v != NULL && !models_version(v, strlen(v), &version))
		add_problem(c, "[\"query\",\"version\"]", "value is not a "
			    "valid integer", "type_error.integer", NULL);
	else if (v != NULL)
		util_buf_addf(&c->strings, "%lld", version);
	if (v != NULL && c->strings.st == UTIL_OK) {
		c->has_version = true;
		c->version_off = 0;
		c->version_len = c->strings.len;
		util_buf_add(&c->strings, "", 1);
	}
	free(v);
}

/* One item a line: counted first, so a body over the limit is refused
 * before any line is parsed. */
static void
read_ndjson(const struct request *req, const struct schema_limits *lim,
	    struct collect *c, const struct validate_sink *sink)
{
	size_t max = lim->value[SCHEMA_LIMIT_BATCH_ITEMS], count = 0, len;
	const char *p = req->body, *end = p + req->body_len, *s;
	char msg[96], ctx[64];

	read_query(req, c);
	while (p < end) {
		s = next_line(&p, end, &len);
		count += !blank(s, len);
	}
	if (count == 0 || count > max) {
		snprintf(msg, sizeof(msg), "ensure this value has at %s %zu "
			 "items", count ? "most" : "least", count ? max : 1);
		snprintf(ctx, sizeof(ctx), "{\"limit_value\":%zu}",
			 count ? max : 1);
		add_problem(c, "[\"body\"]", msg, count ?
			    "value_error.list.max_items" :
			    "value_error.list.min_items", ctx);
		return;
	}
	p = req->body;
	for (c->line = 1; p < end && !c->nomem; c->line++) {
		s = next_line(&p, end, &len);
		if (blank(s, len))
			continue;
		read_line(c, s, len, lim, sink);
		c->cur++;
	}
}

/* The inputs from what was collected (no problem found). */
static bool
inputs(struct collect *c, struct batch_body *out)
{
	if (c->n > 0 && (out->inputs = calloc(c->n, sizeof(*out->inputs))) ==
	    NULL)
		return false;
	for (size_t k = 0; k < c->n; k++) {
		const struct batch_item *it = &c->items[k];

		out->inputs[k] = (struct store_job_input){
			c->strings.data + it->id_off, it->id_len,
			c->strings.data + it->text_off, it->text_len };
	}
	out->n = c->n;
	out->version = 0;
	if (c->has_version) {
		/* Digits the validator accepted; past LLONG_MAX no version
		 * exists: LLONG_MAX is not found either. */
		errno = 0;
		out->version = strtoll(c->strings.data + c->version_off, NULL,
				       10);
		if (errno == ERANGE)
			out->version = LLONG_MAX;
	}
	out->model = c->model;
	c->model = NULL;
	out->strings = c->strings.data;
	c->strings.data = NULL;
	out->items = c->items;
	c->items = NULL;
	return true;
}

bool
batch_body_read(const struct request *req, enum batch_body_type t,
		const struct schema_limits *lim, struct batch_body *out,
		struct response *res)
{
	struct collect c = { .type = t };
	struct validate_sink sink = { NULL, &c, on_field, on_problem };
	bool ok = false;
	char *text;
	size_t len;

	memset(out, 0, sizeof(*out));
	util_buf_init(&c.strings, PYJSON_TEXT_MAX);
	util_buf_init(&c.detail, RESPOND_BODY_MAX);
	if (t == BATCH_BODY_NDJSON)
		read_ndjson(req, lim, &c, &sink);
	else if (!read_json(req, lim, &c, &sink, res))
		goto out;
	if (!c.nomem)
		duplicates(&c);
	if (c.nomem || c.strings.st != UTIL_OK)
		goto nomem;
	if (c.problems > 0) {
		util_buf_adds(&c.detail, "]}");
		text = util_buf_take(&c.detail, &len);
		if (text == NULL)
			goto nomem;
		respond_json(res, 422, text, len);
		goto out;
	}
	if (!inputs(&c, out))
		goto nomem;
	ok = true;
	goto out;
nomem:
	fprintf(stderr, "tagifai-fcgi: batch: out of memory id=%s\n",
		req->id);
	respond_error(res, HTTP_ERR_INTERNAL);
out:
	free(c.model);
	free(c.items);
	util_buf_free(&c.strings);
	util_buf_free(&c.detail);
	return ok;
}

void
batch_body_free(struct batch_body *b)
{
	free(b->model);
	free(b->inputs);
	free(b->strings);
	free(b->items);
	memset(b, 0, sizeof(*b));
}
