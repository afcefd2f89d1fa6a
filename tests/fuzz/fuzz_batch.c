/* SPDX-License-Identifier: MIT
 * tests/fuzz/fuzz_batch.c - libFuzzer harness for the body of
 * POST /batch-jobs (fcgi/batch_body.c): JSON or NDJSON read into a
 * job's inputs, or refused.
 *
 * The whole input is the body; it is read as JSON and as NDJSON, each
 * with the default limits and with tight ones (3 items, 10 characters a
 * text), the NDJSON ones with a query.  Checks: accepted, the inputs
 * number 1..max, their ids are 1..128 printable ASCII bytes and unique,
 * their texts valid UTF-8 of 1..max characters; refused, the answer is
 * 400 or a 422 whose body is valid UTF-8 JSON {"detail": [...]} with at
 * least one problem, each with a loc starting at "body" or "query" -
 * never a 500.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "fcgi/batch_body.h"
#include "schemas/pyjson.h"
#include "store/jobs.h"
#include "tests/fuzz/fuzz_common.h"
#include "util/utf8.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

static int by_id(const void *a, const void *b)
{
	const struct store_job_input *x = a, *y = b;
	size_t n = x->id_len < y->id_len ? x->id_len : y->id_len;
	int d = memcmp(x->id, y->id, n);

	return d != 0 ? d : (x->id_len > y->id_len) - (x->id_len < y->id_len);
}

static void check_accepted(struct batch_body *b,
			   const struct schema_limits *lim)
{
	FUZZ_CHECK(b->n >= 1 && b->n <= lim->value[SCHEMA_LIMIT_BATCH_ITEMS],
		   "1..max items");
	for (size_t i = 0; i < b->n; i++) {
		const struct store_job_input *in = &b->inputs[i];
		size_t chars = pyjson_codepoints(in->text, in->text_len);

		FUZZ_CHECK(store_item_id_ok(in->id, in->id_len),
			   "ids are 1..128 printable bytes");
		FUZZ_CHECK(util_utf8_valid(in->text, in->text_len),
			   "texts are UTF-8");
		FUZZ_CHECK(chars >= 1 &&
			   chars <= lim->value[SCHEMA_LIMIT_TEXT_CHARS],
			   "texts within their length");
	}
	qsort(b->inputs, b->n, sizeof(*b->inputs), by_id);
	for (size_t i = 1; i < b->n; i++)
		FUZZ_CHECK(by_id(&b->inputs[i - 1], &b->inputs[i]) != 0,
			   "ids are unique");
}

static void check_refused(const struct response *res)
{
	cJSON *j, *e, *first;

	FUZZ_CHECK(res->status == 400 || res->status == 422,
		   "refused with 400 or 422, never 500");
	if (res->status != 422)
		return;
	FUZZ_CHECK(util_utf8_valid(res->body, res->len), "422 is UTF-8");
	j = cJSON_ParseWithLength(res->body, res->len);
	FUZZ_CHECK(j != NULL, "422 is JSON");
	FUZZ_CHECK(cJSON_GetArraySize(cJSON_GetObjectItem(j, "detail")) > 0,
		   "422 lists a problem");
	cJSON_ArrayForEach(e, cJSON_GetObjectItem(j, "detail")) {
		first = cJSON_GetArrayItem(cJSON_GetObjectItem(e, "loc"), 0);
		FUZZ_CHECK(cJSON_IsString(first) &&
			   (strcmp(first->valuestring, "body") == 0 ||
			    strcmp(first->valuestring, "query") == 0),
			   "a problem's loc starts at body or query");
		FUZZ_CHECK(cJSON_IsString(cJSON_GetObjectItem(e, "type")),
			   "a problem has a type");
	}
	cJSON_Delete(j);
}

static void read_as(const char *body, size_t len, enum batch_body_type t,
		    const char *query, const struct schema_limits *lim)
{
	struct request req;
	struct response res;
	struct batch_body b;

	memset(&req, 0, sizeof(req));
	memset(&res, 0, sizeof(res));
	req.body = (char *)body;
	req.body_len = len;
	req.target.query = (char *)query;
	strcpy(req.id, "fuzz");
	if (batch_body_read(&req, t, lim, &b, &res))
		check_accepted(&b, lim);
	else
		check_refused(&res);
	batch_body_free(&b);
	response_free(&res);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char query[] = "model=m&version=2";
	static char empty[] = "";
	const char *body = (const char *)data;
	struct schema_limits lim, tight;

	schema_limits_default(&lim);
	tight = lim;
	tight.value[SCHEMA_LIMIT_BATCH_ITEMS] = 3;
	tight.value[SCHEMA_LIMIT_TEXT_CHARS] = 10;
	read_as(body, size, BATCH_BODY_JSON, empty, &lim);
	read_as(body, size, BATCH_BODY_JSON, empty, &tight);
	read_as(body, size, BATCH_BODY_NDJSON, query, &lim);
	read_as(body, size, BATCH_BODY_NDJSON, empty, &tight);
	return 0;
}
