/* SPDX-License-Identifier: MIT
 * tests/unit/batch_body_test.c - the body of POST /batch-jobs
 * (fcgi/batch_body.c): JSON and NDJSON read into a job's inputs, texts
 * checked as /predict's, ids printable and unique, every problem listed
 * in one 422 with its loc, the item limit, the query of an NDJSON body.
 */
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "fcgi/batch_body.h"
#include "tests/unit/tap.h"

static struct schema_limits lim;

/* Reads body as t with query q; the answer in res when refused. */
static bool
read_body(const char *body, enum batch_body_type t, const char *q,
	  struct batch_body *b, struct response *res)
{
	static char empty[] = "";
	struct request req;

	memset(&req, 0, sizeof(req));
	memset(res, 0, sizeof(*res));
	req.body = (char *)body;
	req.body_len = strlen(body);
	req.target.query = (char *)(q ? q : empty);
	strcpy(req.id, "test");
	return batch_body_read(&req, t, &lim, b, res);
}

/* The locs and types of a 422, "loc type|loc type|...". */
static char *
problems(const struct response *res)
{
	static char out[4096];
	cJSON *j = res->status == 422 ?
		cJSON_ParseWithLength(res->body, res->len) : NULL;
	cJSON *e;

	out[0] = '\0';
	cJSON_ArrayForEach(e, cJSON_GetObjectItem(j, "detail")) {
		char *loc = cJSON_PrintUnformatted(cJSON_GetObjectItem(e,
								       "loc"));

		if (out[0] != '\0')
			strcat(out, "|");
		if (loc != NULL &&
		    strlen(out) + strlen(loc) + 80 < sizeof(out)) {
			strcat(out, loc);
			strcat(out, " ");
			strcat(out, cJSON_GetStringValue(cJSON_GetObjectItem(e,
								"type")));
		}
		free(loc);
	}
	cJSON_Delete(j);
	return out;
}

static void
json_should_give_the_inputs(void)
{
	struct batch_body b;
	struct response res;

	tap_ok(read_body("{\"items\":[{\"id\":\"a\",\"text\":\"one\"},"
			 "{\"id\":\"b/2\",\"text\":7}]}", BATCH_BODY_JSON,
			 NULL, &b, &res) && b.n == 2 && b.model == NULL &&
	       b.version == 0, "a JSON body gives its items, no model");
	tap_ok(b.n == 2 && b.inputs[1].id_len == 3 &&
	       memcmp(b.inputs[1].id, "b/2", 3) == 0 &&
	       b.inputs[1].text_len == 1 && b.inputs[1].text[0] == '7',
	       "ids as sent; a number is a text as /predict coerces it");
	batch_body_free(&b);
	tap_ok(read_body("{\"model\":\"large\",\"version\":2,\"items\":"
			 "[{\"id\":\"a\",\"text\":\"one\"}]}", BATCH_BODY_JSON,
			 "model=x&version=9", &b, &res) &&
	       b.model != NULL && strcmp(b.model, "large") == 0 &&
	       b.version == 2, "model and version from the body, not the "
	       "query");
	batch_body_free(&b);
}

static void
json_should_list_every_problem(void)
{
	struct batch_body b;
	struct response res;
	const char *body = "{\"version\":\"2\",\"items\":["
			   "{\"text\":\"no id\"},"
			   "{\"id\":\"a\",\"text\":\"\"},"
			   "{\"id\":\"tab\\there\",\"text\":\"x\"},"
			   "{\"id\":5,\"text\":\"x\"},"
			   "{\"id\":\"a\",\"text\":\"again\"},"
			   "{\"id\":\"a\",\"text\":\"and again\"}]}";

	tap_ok(!read_body(body, BATCH_BODY_JSON, NULL, &b, &res) &&
	       res.status == 422, "a bad JSON body is 422");
	tap_str_eq(problems(&res),
		   "[\"body\",\"version\"] type_error.integer|"
		   "[\"body\",\"items\",0,\"id\"] value_error.missing|"
		   "[\"body\",\"items\",1,\"text\"] "
		   "value_error.any_str.min_length|"
		   "[\"body\",\"items\",2,\"id\"] value_error.str.regex|"
		   "[\"body\",\"items\",3,\"id\"] type_error.str|"
		   "[\"body\",\"items\",4,\"id\"] value_error.duplicate|"
		   "[\"body\",\"items\",5,\"id\"] value_error.duplicate",
		   "every problem is listed, in order, duplicates last");
	tap_ok(res.body != NULL && strstr(res.body, "\"duplicate id: item 1 "
					  "has it\"") != NULL,
	       "a duplicate names the first item with its id");
	response_free(&res);
	batch_body_free(&b);
	tap_ok(!read_body("{\"items\":[{\"id\":\"x\",\"text\":\"t\"}",
			  BATCH_BODY_JSON, NULL, &b, &res),
	       "a syntax error is refused");
	tap_str_eq(problems(&res), "[\"body\",31] value_error.jsondecode",
		   "... as /predict's jsondecode");
	response_free(&res);
	batch_body_free(&b);
	tap_ok(!read_body("{\"version\":0,\"items\":[]}", BATCH_BODY_JSON,
			  NULL, &b, &res), "no items is refused");
	tap_str_eq(problems(&res),
		   "[\"body\",\"version\"] value_error.number.not_gt|"
		   "[\"body\",\"items\"] value_error.list.min_items",
		   "version 0 and an empty list");
	response_free(&res);
	batch_body_free(&b);
}

static void
limits_should_apply(void)
{
	struct batch_body b;
	struct response res;

	lim.value[SCHEMA_LIMIT_BATCH_ITEMS] = 2;
	lim.value[SCHEMA_LIMIT_TEXT_CHARS] = 5;
	tap_ok(!read_body("{\"items\":[{\"id\":\"a\",\"text\":\"1\"},"
			  "{\"id\":\"b\",\"text\":\"2\"},{\"id\":\"c\"}]}",
			  BATCH_BODY_JSON, NULL, &b, &res), "3 items over 2");
	tap_str_eq(problems(&res), "[\"body\",\"items\"] "
		   "value_error.list.max_items",
		   "one problem for too many items, none for each item");
	response_free(&res);
	batch_body_free(&b);
	tap_ok(!read_body("{\"id\":\"a\",\"text\":\"1\"}\n{\"id\":\"b\"}\n"
			  "{}\n", BATCH_BODY_NDJSON, NULL, &b, &res),
	       "3 lines over 2");
	tap_str_eq(problems(&res), "[\"body\"] value_error.list.max_items",
		   "NDJSON lines count as items");
	response_free(&res);
	batch_body_free(&b);
	tap_ok(!read_body("{\"items\":[{\"id\":\"a\",\"text\":\"123456\"}]}",
			  BATCH_BODY_JSON, NULL, &b, &res),
	       "a text over --max-text-chars");
	tap_str_eq(problems(&res), "[\"body\",\"items\",0,\"text\"] "
		   "value_error.any_str.max_length", "... as /predict says");
	response_free(&res);
	batch_body_free(&b);
	schema_limits_default(&lim);
}

static void
ndjson_should_read_lines(void)
{
	struct batch_body b;
	struct response res;

	tap_ok(read_body("{\"id\":\"1\",\"text\":\"one\"}\r\n\n  \n"
			 "{\"id\":\"2\",\"text\":\"two\"}", BATCH_BODY_NDJSON,
			 "model=large&version=3", &b, &res) && b.n == 2 &&
	       b.version == 3 && strcmp(b.model, "large") == 0,
	       "NDJSON: CRLF, blank lines, no final newline; the query");
	tap_ok(b.n == 2 && b.inputs[1].text_len == 3 &&
	       memcmp(b.inputs[1].text, "two", 3) == 0, "the second item");
	batch_body_free(&b);
	tap_ok(!read_body("{\"id\":\"1\",\"text\":\"one\"}\n"
			  "{\"id\":\"2\",\"text\":\n"
			  "\n"
			  "{\"text\":\"x\"}\n"
			  "{\"id\":\"1\",\"text\":\"dup\"}\n"
			  "[1]\n", BATCH_BODY_NDJSON, "version=x", &b, &res),
	       "a bad NDJSON body is refused");
	tap_str_eq(problems(&res),
		   "[\"query\",\"version\"] type_error.integer|"
		   "[\"body\",2] value_error.jsondecode|"
		   "[\"body\",4,\"id\"] value_error.missing|"
		   "[\"body\",6] type_error.dict|"
		   "[\"body\",5,\"id\"] value_error.duplicate",
		   "locs name lines from 1 (blank lines counted)");
	tap_ok(res.body != NULL && strstr(res.body, "line 1 has it") != NULL,
	       "a duplicate names the line with the first");
	response_free(&res);
	batch_body_free(&b);
	tap_ok(!read_body("\n\n", BATCH_BODY_NDJSON, NULL, &b, &res),
	       "an empty NDJSON body is refused");
	tap_str_eq(problems(&res), "[\"body\"] value_error.list.min_items",
		   "... as an empty list");
	response_free(&res);
	batch_body_free(&b);
}

int
main(void)
{
	schema_limits_default(&lim);
	json_should_give_the_inputs();
	json_should_list_every_problem();
	limits_should_apply();
	ndjson_should_read_lines();
	return tap_done();
}
