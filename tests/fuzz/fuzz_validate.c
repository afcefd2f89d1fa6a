/* SPDX-License-Identifier: MIT
 * tests/fuzz/fuzz_validate.c - libFuzzer harness for the predict body
 * path of schemas/: pyjson_parse (schemas/pyjson.c, Python's json.loads),
 * validate_body against schema_predict_payload and validate_jsondecode
 * (schemas/validate.c), and pyjson_dump.
 *
 * The whole input is the body.  It is validated twice, with the default
 * limits and with tight ones (3 texts, 10 characters), so the max_items
 * and max_length branches run.  Checks: a failed parse leaves its
 * out-param alone; every 422 detail is a non-empty array that prints as
 * valid UTF-8 JSON; accepted strings are valid UTF-8 within the limit;
 * pyjson_dump output re-parses to the same dump.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "schemas/pyjson.h"
#include "util/utf8.h"
#include "schemas/schema.h"
#include "schemas/validate.h"
#include "tests/fuzz/fuzz_common.h"

struct seen {
	const struct schema_limits *lim;
	size_t n;
};

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

static bool on_string(void *ctx, const char *s, size_t len)
{
	struct seen *seen = ctx;

	FUZZ_CHECK(util_utf8_valid(s, len), "accepted text is UTF-8");
	FUZZ_CHECK(pyjson_codepoints(s, len) <=
		   seen->lim->value[SCHEMA_LIMIT_TEXT_CHARS],
		   "accepted text within max length");
	FUZZ_CHECK(pyjson_codepoints(s, len) >= 1, "accepted text not empty");
	seen->n++;
	return true;
}

/* The detail must print, parse back, and be valid UTF-8. */
static void check_detail(cJSON *detail)
{
	char *text = cJSON_PrintUnformatted(detail);
	cJSON *back;

	FUZZ_CHECK(text != NULL, "detail prints");
	FUZZ_CHECK(util_utf8_valid(text, strlen(text)),
		   "detail is valid UTF-8");
	back = cJSON_Parse(text);
	FUZZ_CHECK(back != NULL && cJSON_IsArray(back) &&
		   cJSON_GetArraySize(back) > 0, "detail is a non-empty array");
	cJSON_Delete(back);
	free(text);
}

static void validate(const struct pyjson *root,
		     const struct schema_limits *lim)
{
	struct seen seen = { lim, 0 };
	struct validate_sink sink = { on_string, &seen, NULL, NULL };
	cJSON *detail = cJSON_CreateArray();
	enum validate_status vs;

	FUZZ_CHECK(detail != NULL, "cJSON_CreateArray");
	vs = validate_body(&schema_predict_payload, root, lim, &sink, detail);
	FUZZ_CHECK(vs == VALIDATE_OK || vs == VALIDATE_INVALID,
		   "validate_body status");
	if (vs == VALIDATE_OK) {
		FUZZ_CHECK(cJSON_GetArraySize(detail) == 0, "OK has no detail");
		FUZZ_CHECK(seen.n >= 1 &&
			   seen.n <= lim->value[SCHEMA_LIMIT_TEXTS],
			   "OK has 1..max texts");
	} else {
		check_detail(detail);
	}
	cJSON_Delete(detail);
}

/* dump(parse(text)), or NULL. */
static char *redump(const char *text)
{
	struct pyjson_doc *doc = NULL;
	struct pyjson_error pe = { 0 };
	char *out;

	FUZZ_CHECK(pyjson_parse(text, strlen(text), &doc, &pe) == PYJSON_OK,
		   "pyjson_dump output parses");
	out = pyjson_dump(pyjson_root(doc));
	pyjson_free(doc);
	return out;
}

/* The dump of a valid UTF-8 body parses back to itself.  Invalid bytes
 * are dumped as U+FFFD (util/json.h), which can merge two keys into one:
 * then the dump is stable from its first re-parse on. */
static void check_dump(const struct pyjson *root, bool lossless)
{
	char *dump = pyjson_dump(root), *again, *third;

	FUZZ_CHECK(dump != NULL, "pyjson_dump");
	again = redump(dump);
	FUZZ_CHECK(again != NULL, "pyjson_dump");
	if (lossless) {
		FUZZ_CHECK(strcmp(again, dump) == 0,
			   "dump(parse(dump)) == dump");
	} else {
		third = redump(again);
		FUZZ_CHECK(third != NULL && strcmp(third, again) == 0,
			   "a dump is stable after one re-parse");
		free(third);
	}
	free(again);
	free(dump);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *body = (const char *)data;
	struct pyjson_doc *doc = NULL;
	struct pyjson_error pe = { 0 };
	struct schema_limits lim, tight;
	enum pyjson_status ps;

	schema_limits_default(&lim);
	tight = lim;
	tight.value[SCHEMA_LIMIT_TEXTS] = 3;
	tight.value[SCHEMA_LIMIT_TEXT_CHARS] = 10;
	if (size == 0) {
		/* An empty body is "no body" (JSON null) for FastAPI. */
		validate(NULL, &lim);
		return 0;
	}
	ps = pyjson_parse(body, size, &doc, &pe);
	switch (ps) {
	case PYJSON_OK:
		FUZZ_CHECK(doc != NULL && pyjson_root(doc) != NULL, "root");
		validate(pyjson_root(doc), &lim);
		validate(pyjson_root(doc), &tight);
		check_dump(pyjson_root(doc), util_utf8_valid(body, size));
		pyjson_free(doc);
		break;
	case PYJSON_ERR_SYNTAX: {
		cJSON *detail = cJSON_CreateArray();

		FUZZ_CHECK(doc == NULL, "out-param left alone");
		FUZZ_CHECK(pe.msg != NULL && pe.lineno >= 1 && pe.colno >= 1,
			   "error position");
		FUZZ_CHECK(pe.pos <= pyjson_codepoints(body, size),
			   "error position inside the document");
		FUZZ_CHECK(validate_jsondecode(&pe, body, size, detail) ==
			   VALIDATE_INVALID, "validate_jsondecode");
		check_detail(detail);
		cJSON_Delete(detail);
		break;
	}
	case PYJSON_ERR_DEPTH:
	case PYJSON_ERR_INT:
		FUZZ_CHECK(doc == NULL, "out-param left alone");
		break;
	default:
		FUZZ_CHECK(false, "pyjson_parse status");
	}
	return 0;
}
