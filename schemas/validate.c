/* SPDX-License-Identifier: MIT
 * schemas/validate.c - the pydantic v1 rules our schemas use.
 *
 * Order and wording follow pydantic 1.10 (pydantic/errors.py,
 * pydantic/validators.py): None is refused before type checks, a model
 * accepts only a dict (or what dict() turns into one: an empty list or an
 * empty string become {}, a list of [string, value] pairs a dict of
 * them), strings accept numbers and booleans by str(),
 * lengths count code points, and a list's own validators run only when all
 * of its items were valid.  Every problem is reported, not only the first.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/float_repr.h"
#include "util/buf.h"
#include "util/json.h"
#include "schemas/validate.h"


struct vctx {
	const struct schema_limits *lim;
	const struct validate_sink *sink;
	cJSON *detail;
	bool nomem;
	bool invalid;
};

static cJSON *
loc_json(const struct validate_loc *loc)
{
	cJSON *a = cJSON_CreateArray();

	if (a == NULL)
		return NULL;
	for (size_t i = 0; i < loc->n; i++) {
		cJSON *it = loc->part[i].key != NULL
			? cJSON_CreateString(loc->part[i].key)
			: cJSON_CreateNumber((double)loc->part[i].index);

		if (it == NULL || !cJSON_AddItemToArray(a, it)) {
			cJSON_Delete(it);
			cJSON_Delete(a);
			return NULL;
		}
	}
	return a;
}

/* Appends {"loc","msg","type"} (+ ctx {"limit_value": limit} when
 * with_limit, ctx {"pattern": pattern} when pattern is not NULL) to the
 * detail array, or hands it to the sink's on_problem. */
static void
problem_ctx(struct vctx *v, const struct validate_loc *loc, const char *msg,
	    const char *type, bool with_limit, size_t limit,
	    const char *pattern)
{
	cJSON *e = cJSON_CreateObject(), *l = loc_json(loc), *ctx;

	v->invalid = true;
	if (e == NULL || l == NULL || !cJSON_AddItemToObject(e, "loc", l)) {
		cJSON_Delete(l);
		goto fail;
	}
	if (cJSON_AddStringToObject(e, "msg", msg) == NULL ||
	    cJSON_AddStringToObject(e, "type", type) == NULL)
		goto fail;
	if (with_limit || pattern != NULL) {
		ctx = cJSON_AddObjectToObject(e, "ctx");
		if (ctx == NULL || (with_limit &&
		    cJSON_AddNumberToObject(ctx, "limit_value",
					    (double)limit) == NULL) ||
		    (pattern != NULL &&
		     cJSON_AddStringToObject(ctx, "pattern", pattern) == NULL))
			goto fail;
	}
	if (v->sink != NULL && v->sink->on_problem != NULL) {
		if (!v->sink->on_problem(v->sink->ctx, e))
			goto fail;
		cJSON_Delete(e);
		return;
	}
	if (!cJSON_AddItemToArray(v->detail, e))
		goto fail;
	return;
fail:
	cJSON_Delete(e);
	v->nomem = true;
}

static void
problem(struct vctx *v, const struct validate_loc *loc, const char *msg,
	const char *type, bool with_limit, size_t limit)
{
	problem_ctx(v, loc, msg, type, with_limit, limit, NULL);
}

/* Hands an accepted value to the sink. */
static void
deliver(struct vctx *v, const struct validate_loc *loc, const char *s,
	size_t len, bool string)
{
	const struct validate_sink *k = v->sink;

	if (k == NULL)
		return;
	if (k->on_field != NULL) {
		if (!k->on_field(k->ctx, loc, s, len))
			v->nomem = true;
	} else if (string && k->on_string != NULL &&
		   !k->on_string(k->ctx, s, len)) {
		v->nomem = true;
	}
}

static bool
push(struct validate_loc *loc, const char *key, size_t index)
{
	if (loc->n >= VALIDATE_LOC_MAX)
		return false;
	loc->part[loc->n].key = key;
	loc->part[loc->n].index = index;
	loc->n++;
	return true;
}

static void check(struct vctx *v, const struct schema *s,
		  const struct pyjson *val, struct validate_loc *loc);

static void
check_string(struct vctx *v, const struct schema *s,
	     const struct pyjson *val, struct validate_loc *loc)
{
	char tmp[UTIL_FLOAT_REPR_MAX], msg[96];
	const char *str;
	size_t len, chars, max = v->lim->value[s->max_length];

	if (val->type == PYJSON_STRING) {
		if (val->bad_unicode) {
			problem(v, loc, "text is not valid UTF-8 (invalid "
				"bytes or a lone surrogate escape)",
				"value_error.unicode", false, 0);
			return;
		}
		str = val->text;
		len = val->len;
	} else if (s->coerce && val->type == PYJSON_INT) {
		str = val->text;
		len = val->len;
		if (len == 2 && memcmp(str, "-0", 2) == 0) {
			str = "0";
			len = 1;
		}
	} else if (s->coerce && (val->type == PYJSON_FLOAT ||
				 val->type == PYJSON_TRUE ||
				 val->type == PYJSON_FALSE)) {
		len = pyjson_number_str(val, tmp, sizeof(tmp));
		str = tmp;
	} else {
		problem(v, loc, "str type expected", "type_error.str", false, 0);
		return;
	}
	chars = pyjson_codepoints(str, len);
	if (chars < s->min_length) {
		snprintf(msg, sizeof(msg), "ensure this value has at least "
			 "%zu characters", s->min_length);
		problem(v, loc, msg, "value_error.any_str.min_length", true,
			s->min_length);
		return;
	}
	if (s->max_length != SCHEMA_LIMIT_NONE && chars > max) {
		snprintf(msg, sizeof(msg), "ensure this value has at most "
			 "%zu characters", max);
		problem(v, loc, msg, "value_error.any_str.max_length", true,
			max);
		return;
	}
	if (s->match != NULL && !s->match(str, len)) {
		char rmsg[160];

		snprintf(rmsg, sizeof(rmsg), "string does not match regex "
			 "\"%s\"", s->pattern);
		problem_ctx(v, loc, rmsg, "value_error.str.regex", false, 0,
			    s->pattern);
		return;
	}
	deliver(v, loc, str, len, true);
}

/* pydantic's StrictInt (no "3", no 3.0), with conint(gt=0) when the
 * schema says positive. */
static void
check_integer(struct vctx *v, const struct schema *s,
	      const struct pyjson *val, struct validate_loc *loc)
{
	if (val->type != PYJSON_INT) {
		problem(v, loc, "value is not a valid integer",
			"type_error.integer", false, 0);
		return;
	}
	if (s->positive && (val->text[0] == '-' ||
			    (val->len == 1 && val->text[0] == '0'))) {
		problem(v, loc, "ensure this value is greater than 0",
			"value_error.number.not_gt", true, 0);
		return;
	}
	deliver(v, loc, val->text, val->len, false);
}

static void
check_array(struct vctx *v, const struct schema *s,
	    const struct pyjson *val, struct validate_loc *loc)
{
	char msg[96];
	size_t max = v->lim->value[s->max_items], i = 0;
	bool had_invalid = v->invalid;
	const struct pyjson *it;

	if (val->type != PYJSON_ARRAY) {
		problem(v, loc, "value is not a valid list", "type_error.list",
			false, 0);
		return;
	}
	if (s->max_items != SCHEMA_LIMIT_NONE && val->count > max) {
		snprintf(msg, sizeof(msg), "ensure this value has at most "
			 "%zu items", max);
		problem(v, loc, msg, "value_error.list.max_items", true, max);
		return;
	}
	v->invalid = false;
	for (it = val->first; it != NULL && !v->nomem; it = it->next, i++) {
		if (!push(loc, NULL, i))
			continue;
		check(v, s->items, it, loc);
		loc->n--;
	}
	if (!v->invalid && val->count < s->min_items)
		problem(v, loc, s->min_items_msg ? s->min_items_msg
			: "ensure this value has at least the minimum items",
			s->min_items_type ? s->min_items_type
			: "value_error.list.min_items", false, 0);
	v->invalid = v->invalid || had_invalid;
}

/* True when dict(val) would give a dict with string keys: a list of
 * [key, value] lists whose keys are strings (pydantic v1's Model.validate
 * calls dict() on anything that is not a dict).  An empty list counts. */
static bool
pair_list(const struct pyjson *val)
{
	if (val->type != PYJSON_ARRAY)
		return false;
	for (const struct pyjson *it = val->first; it != NULL; it = it->next)
		if (it->type != PYJSON_ARRAY || it->count != 2 ||
		    it->first->type != PYJSON_STRING)
			return false;
	return true;
}

/* The value of the last pair called name (dict(): the last one wins). */
static const struct pyjson *
pair_get(const struct pyjson *val, const char *name)
{
	const struct pyjson *found = NULL;
	size_t n = strlen(name);

	for (const struct pyjson *it = val->first; it != NULL; it = it->next)
		if (it->first->len == n && memcmp(it->first->text, name, n) == 0)
			found = it->first->next;
	return found;
}

static void
check_object(struct vctx *v, const struct schema *s,
	     const struct pyjson *val, struct validate_loc *loc)
{
	bool pairs = pair_list(val);

	/* pydantic's Model.validate tries dict(value): [] and "" give {},
	 * and so does a list of [string, value] pairs.  (Other iterables of
	 * pairs, such as ["ab"] or [[1, 2]], stay a type_error.dict here:
	 * pydantic makes {"a": "b"} or fails on the non-string key.) */
	if (val->type != PYJSON_OBJECT && !pairs &&
	    !(val->type == PYJSON_STRING && val->len == 0)) {
		problem(v, loc, "value is not a valid dict", "type_error.dict",
			false, 0);
		return;
	}
	for (size_t f = 0; f < s->n_fields && !v->nomem; f++) {
		const struct schema_field *fd = &s->fields[f];
		const struct pyjson *m = val->type == PYJSON_OBJECT
			? pyjson_get(val, fd->name)
			: pairs ? pair_get(val, fd->name) : NULL;

		if (!push(loc, fd->name, 0))
			continue;
		if (m == NULL) {
			if (fd->required)
				problem(v, loc, "field required",
					"value_error.missing", false, 0);
		} else {
			check(v, fd->type, m, loc);
		}
		loc->n--;
	}
}

static void
check(struct vctx *v, const struct schema *s,
      const struct pyjson *val, struct validate_loc *loc)
{
	if (val->type == PYJSON_NULL) {
		problem(v, loc, "none is not an allowed value",
			"type_error.none.not_allowed", false, 0);
		return;
	}
	switch (s->kind) {
	case SCHEMA_OBJECT: check_object(v, s, val, loc); break;
	case SCHEMA_ARRAY: check_array(v, s, val, loc); break;
	case SCHEMA_STRING: check_string(v, s, val, loc); break;
	case SCHEMA_INTEGER: check_integer(v, s, val, loc); break;
	default: break;
	}
}

enum validate_status
validate_body(const struct schema *s,
	      const struct pyjson *body,
	      const struct schema_limits *lim,
	      const struct validate_sink *sink,
	      cJSON *detail)
{
	struct vctx v = { lim, sink, detail, false, false };
	struct validate_loc loc = { .n = 0 };

	push(&loc, "body", 0);
	/* FastAPI treats an empty body and JSON null as a missing body. */
	if (body == NULL || body->type == PYJSON_NULL)
		problem(&v, &loc, "field required", "value_error.missing",
			false, 0);
	else
		check(&v, s, body, &loc);
	if (v.nomem)
		return VALIDATE_ERR_NOMEM;
	return v.invalid ? VALIDATE_INVALID : VALIDATE_OK;
}

enum validate_status
validate_at(const struct schema *s, const struct pyjson *val,
	    const struct validate_loc *at, const struct schema_limits *lim,
	    const struct validate_sink *sink, cJSON *detail)
{
	struct vctx v = { lim, sink, detail, false, false };
	struct validate_loc loc = *at;

	check(&v, s, val, &loc);
	if (v.nomem)
		return VALIDATE_ERR_NOMEM;
	return v.invalid ? VALIDATE_INVALID : VALIDATE_OK;
}

enum validate_status
validate_jsondecode(const struct pyjson_error *err,
		    const char *doc, size_t len,
		    cJSON *detail)
{
	char msg[192];
	struct util_buf quoted = UTIL_BUF_INIT(PYJSON_TEXT_MAX);
	char *clean = NULL;
	cJSON *e = cJSON_CreateObject(), *loc, *ctx;
	enum validate_status st = VALIDATE_ERR_NOMEM;

	if (e == NULL)
		goto out;
	loc = cJSON_AddArrayToObject(e, "loc");
	if (loc == NULL ||
	    !cJSON_AddItemToArray(loc, cJSON_CreateString("body")) ||
	    !cJSON_AddItemToArray(loc, cJSON_CreateNumber((double)err->pos)))
		goto out;
	snprintf(msg, sizeof(msg), "%s: line %zu column %zu (char %zu)",
		 err->msg, err->lineno, err->colno, err->pos);
	if (cJSON_AddStringToObject(e, "msg", msg) == NULL ||
	    cJSON_AddStringToObject(e, "type", "value_error.jsondecode") ==
		    NULL)
		goto out;
	ctx = cJSON_AddObjectToObject(e, "ctx");
	/* The document is echoed whole, NUL bytes included (as \u0000):
	 * cJSON strings stop at the first NUL, so the JSON string is written
	 * by the length-aware buf_add_json_str and added raw.  Invalid UTF-8
	 * becomes U+FFFD so the answer stays valid UTF-8 JSON. */
	if (len >= 3 && memcmp(doc, "\xEF\xBB\xBF", 3) == 0) {
		doc += 3;
		len -= 3;
	}
	util_json_str(&quoted, doc, len);
	clean = util_buf_take(&quoted, NULL);
	if (ctx == NULL || clean == NULL ||
	    cJSON_AddStringToObject(ctx, "msg", err->msg) == NULL ||
	    cJSON_AddRawToObject(ctx, "doc", clean) == NULL ||
	    cJSON_AddNumberToObject(ctx, "pos", (double)err->pos) == NULL ||
	    cJSON_AddNumberToObject(ctx, "lineno", (double)err->lineno) ==
		    NULL ||
	    cJSON_AddNumberToObject(ctx, "colno", (double)err->colno) == NULL)
		goto out;
	if (!cJSON_AddItemToArray(detail, e))
		goto out;
	e = NULL;
	st = VALIDATE_INVALID;
out:
	free(clean);
	cJSON_Delete(e);
	return st;
}

const char *
validate_strerror(enum validate_status st)
{
	static const char *const text[VALIDATE__MAX] = {
		"valid",              /* VALIDATE_OK */
		"invalid request",    /* VALIDATE_INVALID */
		"out of memory",      /* VALIDATE_ERR_NOMEM */
	};

	if ((unsigned)st >= VALIDATE__MAX)
		return "unknown error";
	return text[st];
}
