/* SPDX-License-Identifier: MIT
 * tests/unit/validate_test.c - schemas/pyjson.c and schemas/validate.c:
 * CPython's JSON error messages and positions, and every 422 problem of
 * the /predict body in pydantic 1.10's words.  The expected strings were
 * taken from the reference service (FastAPI 0.92, pydantic 1.10.4).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "schemas/pyjson.h"
#include "schemas/validate.h"
#include "tests/unit/tap.h"

struct collected {
	char text[256];
	size_t n;
};

static bool
collect(void *ctx, const char *s, size_t len)
{
	struct collected *c = ctx;
	size_t used = strlen(c->text);

	if (used + len + 2 < sizeof(c->text)) {
		memcpy(c->text + used, s, len);
		c->text[used + len] = '|';
		c->text[used + len + 1] = '\0';
	}
	c->n++;
	return true;
}

/* Runs body through parse + validate and returns the 422 detail (or
 * "OK:<texts>") as compact JSON; caller frees. */
static char *
answer(const char *body, size_t max_texts, size_t max_chars)
{
	struct pyjson_doc *doc = NULL;
	struct pyjson_error pe;
	struct schema_limits lim;
	struct collected c = { "", 0 };
	struct validate_sink sink = { collect, &c, NULL, NULL };
	cJSON *detail = cJSON_CreateArray();
	enum pyjson_status ps = PYJSON_OK;
	char *out;

	schema_limits_default(&lim);
	if (max_texts)
		lim.value[SCHEMA_LIMIT_TEXTS] = max_texts;
	if (max_chars)
		lim.value[SCHEMA_LIMIT_TEXT_CHARS] = max_chars;
	if (*body)
		ps = pyjson_parse(body, strlen(body), &doc, &pe);
	if (ps == PYJSON_ERR_SYNTAX) {
		if (validate_jsondecode(&pe, body, strlen(body), detail) !=
		    VALIDATE_INVALID)
			return strdup("nomem");
	} else if (ps != PYJSON_OK) {
		cJSON_Delete(detail);
		return strdup(pyjson_strerror(ps));
	} else if (validate_body(&schema_predict_payload, pyjson_root(doc),
				 &lim, &sink, detail) == VALIDATE_OK) {
		char *ok = malloc(strlen(c.text) + 4);

		strcpy(ok, "OK:");
		strcat(ok, c.text);
		cJSON_Delete(detail);
		pyjson_free(doc);
		return ok;
	}
	out = cJSON_PrintUnformatted(detail);
	cJSON_Delete(detail);
	pyjson_free(doc);
	return out;
}

#define E(loc, msg, type) "{\"loc\":" loc ",\"msg\":\"" msg "\",\"type\":\"" type "\"}"
#define MIN1 "{\"loc\":[\"body\",\"texts\",0,\"text\"],\"msg\":\"ensure this " \
	"value has at least 1 characters\",\"type\":" \
	"\"value_error.any_str.min_length\",\"ctx\":{\"limit_value\":1}}"

static const struct {
	const char *name, *body, *want;
	size_t max_texts, max_chars;
} cases[] = {
	{ "valid texts are collected in order",
	  "{\"texts\":[{\"text\":\"a\"},{\"text\":\"b c\"}]}", "OK:a|b c|", 0, 0 },
	{ "numbers and booleans are coerced like pydantic v1",
	  "{\"texts\":[{\"text\":123},{\"text\":1.5},{\"text\":true},"
	  "{\"text\":false},{\"text\":-0},{\"text\":1e16},{\"text\":1E5},"
	  "{\"text\":1e-5},{\"text\":NaN},{\"text\":-Infinity},"
	  "{\"text\":1e400},{\"text\":12345678901234567890}]}",
	  "OK:123|1.5|True|False|0|1e+16|100000.0|1e-05|nan|-inf|inf|"
	  "12345678901234567890|", 0, 0 },
	{ "the last duplicate key wins",
	  "{\"texts\":[{\"text\":\"a\"}],\"texts\":[{\"text\":\"b\",\"text\":"
	  "\"c\"}]}", "OK:c|", 0, 0 },
	{ "escapes are decoded",
	  "{\"texts\":[{\"text\":\"\\u00e9\\ud83d\\ude00\\n\\/\"}]}",
	  "OK:\xc3\xa9\xf0\x9f\x98\x80\n/|", 0, 0 },
	{ "empty list",
	  "{\"texts\":[]}",
	  "[" E("[\"body\",\"texts\"]", "List of texts to classify cannot be "
	  "empty.", "value_error") "]", 0, 0 },
	{ "empty text", "{\"texts\":[{\"text\":\"\"}]}", "[" MIN1 "]", 0, 0 },
	{ "missing text", "{\"texts\":[{}]}",
	  "[" E("[\"body\",\"texts\",0,\"text\"]", "field required",
		"value_error.missing") "]", 0, 0 },
	{ "missing texts", "{}",
	  "[" E("[\"body\",\"texts\"]", "field required",
		"value_error.missing") "]", 0, 0 },
	{ "a list body is dict()-ed to {}", "[]",
	  "[" E("[\"body\",\"texts\"]", "field required",
		"value_error.missing") "]", 0, 0 },
	/* pydantic v1 runs dict() on a non-dict model value (corpus 048). */
	{ "a list of [string, value] pairs is dict()-ed",
	  "{\"texts\":[[[\"text\",\"hi\"]],[[\"text\",\"a\"],"
	  "[\"x\",1],[\"text\",\"b\"]]]}", "OK:hi|b|", 0, 0 },
	{ "a body of pairs is dict()-ed",
	  "[[\"texts\",[{\"text\":\"hi\"}]]]", "OK:hi|", 0, 0 },
	{ "the values of pairs are validated",
	  "{\"texts\":[[[\"text\",\"\"]],[[\"text\",null]],"
	  "[[\"tex\",\"hi\"]]]}",
	  "[" MIN1 ","
	  E("[\"body\",\"texts\",1,\"text\"]", "none is not an allowed "
	    "value", "type_error.none.not_allowed") ","
	  E("[\"body\",\"texts\",2,\"text\"]", "field required",
	    "value_error.missing") "]", 0, 0 },
	{ "lists that are not [string, value] pairs are not dicts",
	  "{\"texts\":[[[\"text\",\"hi\"],[\"x\"]],[[1,2]],"
	  "[[\"text\",\"a\",\"b\"]],[[[\"a\"],\"b\"]]]}",
	  "[" E("[\"body\",\"texts\",0]", "value is not a valid dict",
		"type_error.dict") ","
	  E("[\"body\",\"texts\",1]", "value is not a valid dict",
		"type_error.dict") ","
	  E("[\"body\",\"texts\",2]", "value is not a valid dict",
		"type_error.dict") ","
	  E("[\"body\",\"texts\",3]", "value is not a valid dict",
		"type_error.dict") "]", 0, 0 },
	{ "missing body", "",
	  "[" E("[\"body\"]", "field required", "value_error.missing") "]", 0, 0 },
	{ "null body", "null",
	  "[" E("[\"body\"]", "field required", "value_error.missing") "]", 0, 0 },
	{ "body not an object", "5",
	  "[" E("[\"body\"]", "value is not a valid dict",
		"type_error.dict") "]", 0, 0 },
	{ "texts null", "{\"texts\":null}",
	  "[" E("[\"body\",\"texts\"]", "none is not an allowed value",
		"type_error.none.not_allowed") "]", 0, 0 },
	{ "texts not a list", "{\"texts\":\"abc\"}",
	  "[" E("[\"body\",\"texts\"]", "value is not a valid list",
		"type_error.list") "]", 0, 0 },
	{ "every item problem is listed",
	  "{\"texts\":[{\"text\":\"\"},{},{\"text\":null},{\"text\":[1]},"
	  "{\"text\":{}},{\"text\":1},5,\"x\",null,[],\"\"]}",
	  "[" MIN1 ","
	  E("[\"body\",\"texts\",1,\"text\"]", "field required",
	    "value_error.missing") ","
	  E("[\"body\",\"texts\",2,\"text\"]", "none is not an allowed value",
	    "type_error.none.not_allowed") ","
	  E("[\"body\",\"texts\",3,\"text\"]", "str type expected",
	    "type_error.str") ","
	  E("[\"body\",\"texts\",4,\"text\"]", "str type expected",
	    "type_error.str") ","
	  E("[\"body\",\"texts\",6]", "value is not a valid dict",
	    "type_error.dict") ","
	  E("[\"body\",\"texts\",7]", "value is not a valid dict",
	    "type_error.dict") ","
	  E("[\"body\",\"texts\",8]", "none is not an allowed value",
	    "type_error.none.not_allowed") ","
	  E("[\"body\",\"texts\",9,\"text\"]", "field required",
	    "value_error.missing") ","
	  E("[\"body\",\"texts\",10,\"text\"]", "field required",
	    "value_error.missing") "]", 0, 0 },
	{ "too many texts",
	  "{\"texts\":[{\"text\":\"a\"},{\"text\":\"b\"},{\"text\":\"c\"}]}",
	  "[{\"loc\":[\"body\",\"texts\"],\"msg\":\"ensure this value has at "
	  "most 2 items\",\"type\":\"value_error.list.max_items\",\"ctx\":"
	  "{\"limit_value\":2}}]", 2, 0 },
	{ "a text too long counts code points",
	  "{\"texts\":[{\"text\":\"\xc3\xa9\xc3\xa9\xc3\xa9\"},"
	  "{\"text\":\"abcd\"}]}",
	  "[{\"loc\":[\"body\",\"texts\",1,\"text\"],\"msg\":\"ensure this "
	  "value has at most 3 characters\",\"type\":"
	  "\"value_error.any_str.max_length\",\"ctx\":{\"limit_value\":3}}]",
	  0, 3 },
	{ "invalid UTF-8 in a text",
	  "{\"texts\":[{\"text\":\"a\xff\"}]}",
	  "[" E("[\"body\",\"texts\",0,\"text\"]", "text is not valid UTF-8 "
	  "(invalid bytes or a lone surrogate escape)",
	  "value_error.unicode") "]", 0, 0 },
	{ "a lone surrogate escape in a text",
	  "{\"texts\":[{\"text\":\"\\ud800x\"}]}",
	  "[" E("[\"body\",\"texts\",0,\"text\"]", "text is not valid UTF-8 "
	  "(invalid bytes or a lone surrogate escape)",
	  "value_error.unicode") "]", 0, 0 },
	{ "an encoded surrogate in a text",
	  "{\"texts\":[{\"text\":\"\xed\xa0\x80\"}]}",
	  "[" E("[\"body\",\"texts\",0,\"text\"]", "text is not valid UTF-8 "
	  "(invalid bytes or a lone surrogate escape)",
	  "value_error.unicode") "]", 0, 0 },
	{ "garbage", "garbage",
	  "[{\"loc\":[\"body\",0],\"msg\":\"Expecting value: line 1 column 1 "
	  "(char 0)\",\"type\":\"value_error.jsondecode\",\"ctx\":{\"msg\":"
	  "\"Expecting value\",\"doc\":\"garbage\",\"pos\":0,\"lineno\":1,"
	  "\"colno\":1}}]", 0, 0 },
	{ "jsondecode positions count code points and lines",
	  "\n\"\xc3\xa9\" x",
	  "[{\"loc\":[\"body\",5],\"msg\":\"Extra data: line 2 column 5 "
	  "(char 5)\",\"type\":\"value_error.jsondecode\",\"ctx\":{\"msg\":"
	  "\"Extra data\",\"doc\":\"\\n\\\"\xc3\xa9\\\" x\",\"pos\":5,"
	  "\"lineno\":2,\"colno\":5}}]", 0, 0 },
	{ "an unclosed nest reports where a value was expected",
	  "[[[",
	  "[{\"loc\":[\"body\",3],\"msg\":\"Expecting value: line 1 column "
	  "4 (char 3)\",\"type\":\"value_error.jsondecode\",\"ctx\":{"
	  "\"msg\":\"Expecting value\",\"doc\":\"[[[\",\"pos\":3,"
	  "\"lineno\":1,\"colno\":4}}]", 0, 0 },
};

static void
validate_body_should_answer_like_the_reference(void)
{
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *got = answer(cases[i].body, cases[i].max_texts,
				   cases[i].max_chars);

		tap_str_eq(got, cases[i].want, "validate: %s", cases[i].name);
		free(got);
	}
}

static const struct {
	const char *doc, *msg;
	size_t pos;
} syntax[] = {
	{ "", "Expecting value", 0 },
	{ "  ", "Expecting value", 2 },
	{ "{\"texts\": [1, 2", "Expecting ',' delimiter", 15 },
	{ "{\"texts\":[{\"text\":\"a\"}]} x", "Extra data", 25 },
	{ "{\"a\": 1,}", "Expecting property name enclosed in double quotes",
	  8 },
	{ "{\"a\" 1}", "Expecting ':' delimiter", 5 },
	{ "[1,]", "Expecting value", 3 },
	{ "{\"a", "Unterminated string starting at", 1 },
	{ "\"a\\", "Unterminated string starting at", 0 },
	{ "\"a\\x\"", "Invalid \\escape", 2 },
	{ "\"\\u12\"", "Invalid \\uXXXX escape", 2 },
	{ "\"\\u12x4\"", "Invalid \\uXXXX escape", 2 },
	{ "\"\\ud800\\u12x4\"", "Invalid \\uXXXX escape", 8 },
	{ "\"a\tb\"", "Invalid control character at", 2 },
	{ "[tru]", "Expecting value", 1 },
	{ "[-]", "Expecting value", 1 },
	{ "[01]", "Expecting ',' delimiter", 2 },
	{ "[1.]", "Expecting ',' delimiter", 2 },
	{ "[.5]", "Expecting value", 1 },
	{ "nul", "Expecting value", 0 },
};

static void
pyjson_parse_should_fail_like_cpython(void)
{
	for (size_t i = 0; i < sizeof(syntax) / sizeof(syntax[0]); i++) {
		struct pyjson_doc *doc = NULL;
		struct pyjson_error pe = { 0 };
		enum pyjson_status st = pyjson_parse(syntax[i].doc,
						     strlen(syntax[i].doc),
						     &doc, &pe);

		tap_ok(st == PYJSON_ERR_SYNTAX && pe.msg != NULL &&
		       strcmp(pe.msg, syntax[i].msg) == 0 &&
		       pe.pos == syntax[i].pos,
		       "pyjson_parse should say '%s' at %zu for '%s' (got "
		       "'%s' at %zu)", syntax[i].msg, syntax[i].pos,
		       syntax[i].doc, pe.msg ? pe.msg : "", pe.pos);
		pyjson_free(doc);
	}
}

/* Hostile corpus 070/071: a raw NUL is echoed as \u0000, not a cut. */
static void
validate_jsondecode_should_echo_nul_bytes(void)
{
	static const struct {
		const char *doc;
		size_t len;
		const char *want;
	} nul[] = {
		{ "{\"texts\":[{\"text\":\"a\0b\"}]}", 26,
		  "[{\"loc\":[\"body\",20],\"msg\":\"Invalid control "
		  "character at: line 1 column 21 (char 20)\",\"type\":"
		  "\"value_error.jsondecode\",\"ctx\":{\"msg\":\"Invalid "
		  "control character at\",\"doc\":\"{\\\"texts\\\":[{"
		  "\\\"text\\\":\\\"a\\u0000b\\\"}]}\",\"pos\":20,"
		  "\"lineno\":1,\"colno\":21}}]" },
		{ "{\"texts\":\0[{\"text\":\"a\"}]}", 25,
		  "[{\"loc\":[\"body\",9],\"msg\":\"Expecting value: "
		  "line 1 column 10 (char 9)\",\"type\":"
		  "\"value_error.jsondecode\",\"ctx\":{\"msg\":\"Expecting "
		  "value\",\"doc\":\"{\\\"texts\\\":\\u0000[{"
		  "\\\"text\\\":\\\"a\\\"}]}\",\"pos\":9,"
		  "\"lineno\":1,\"colno\":10}}]" },
	};

	for (size_t i = 0; i < sizeof(nul) / sizeof(nul[0]); i++) {
		struct pyjson_doc *doc = NULL;
		struct pyjson_error pe = { 0 };
		cJSON *detail = cJSON_CreateArray();
		char *got = NULL;

		if (pyjson_parse(nul[i].doc, nul[i].len, &doc, &pe) ==
			    PYJSON_ERR_SYNTAX &&
		    validate_jsondecode(&pe, nul[i].doc, nul[i].len,
					detail) == VALIDATE_INVALID)
			got = cJSON_PrintUnformatted(detail);
		tap_str_eq(got, nul[i].want, "validate_jsondecode should "
			   "echo the NUL of case %zu as \\u0000", i);
		free(got);
		cJSON_Delete(detail);
		pyjson_free(doc);
	}
}

static void
pyjson_dump_should_print_like_python(void)
{
	static const struct {
		const char *in, *want;
	} dumps[] = {
		{ "{\"a\":1.0,\"b\":1,\"c\":0.0001,\"d\":1e-7,\"e\":-0}",
		  "{\"a\":1.0,\"b\":1,\"c\":0.0001,\"d\":1e-07,\"e\":0}" },
		{ "{\"a\":1,\"b\":2,\"a\":3}", "{\"a\":3,\"b\":2}" },
		{ "[\"\\u0001\\u001f\\\"\\\\\\/\\b\\f\\n\\r\\t\", null, true]",
		  "[\"\\u0001\\u001f\\\"\\\\/\\b\\f\\n\\r\\t\",null,true]" },
		{ "[NaN, Infinity, -Infinity, 1e400, 123456789012345678901]",
		  "[NaN,Infinity,-Infinity,Infinity,123456789012345678901]" },
		{ "[0.6341494637432107, 100.0, 1e16, 123456789.125]",
		  "[0.6341494637432107,100.0,1e+16,123456789.125]" },
	};

	for (size_t i = 0; i < sizeof(dumps) / sizeof(dumps[0]); i++) {
		struct pyjson_doc *doc = NULL;
		char *got = NULL;

		if (pyjson_parse(dumps[i].in, strlen(dumps[i].in), &doc,
				 NULL) == PYJSON_OK)
			got = pyjson_dump(pyjson_root(doc));
		tap_str_eq(got, dumps[i].want, "pyjson_dump should print %s",
			   dumps[i].want);
		free(got);
		pyjson_free(doc);
	}
}

static void
pyjson_parse_should_refuse_deep_nesting(void)
{
	char doc[2 * (PYJSON_MAX_DEPTH + 1) + 1];
	struct pyjson_doc *d = NULL;
	size_t n = PYJSON_MAX_DEPTH;

	memset(doc, '[', n);
	memset(doc + n, ']', n);
	tap_ok(pyjson_parse(doc, 2 * n, &d, NULL) == PYJSON_OK,
	       "pyjson_parse should accept %zu nested arrays", n);
	pyjson_free(d);
	d = NULL;
	n++;
	memset(doc, '[', n);
	memset(doc + n, ']', n);
	tap_ok(pyjson_parse(doc, 2 * n, &d, NULL) == PYJSON_ERR_DEPTH,
	       "pyjson_parse should refuse %zu nested arrays", n);
	pyjson_free(d);
}

/* on_field: "loc=value;" for every accepted value. */
static bool
field(void *ctx, const struct validate_loc *at, const char *s, size_t len)
{
	char *out = ctx;

	for (size_t i = 0; i < at->n; i++) {
		size_t used = strlen(out);

		if (at->part[i].key != NULL)
			snprintf(out + used, 512 - used, "%s.", at->part[i].key);
		else
			snprintf(out + used, 512 - used, "%zu.",
				 at->part[i].index);
	}
	strncat(out, s, len);
	strcat(out, ";");
	return true;
}

/* on_problem: the problem's text, appended with a '|'. */
static bool
problem_text(void *ctx, const cJSON *e)
{
	char *out = ctx, *text = cJSON_PrintUnformatted(e);

	if (text == NULL)
		return false;
	if (strlen(out) + strlen(text) + 2 < 1024) {
		strcat(out, text);
		strcat(out, "|");
	}
	free(text);
	return true;
}

static void
validate_at_should_give_places_and_stream_problems(void)
{
	static const char line[] = "{\"id\":\"a\\u0001\",\"text\":7}";
	static const char job[] = "{\"version\":3,\"items\":[{\"id\":\"x\","
				  "\"text\":\"t\"}]}";
	struct validate_loc at = { .n = 2 };
	struct schema_limits lim;
	struct pyjson_doc *doc = NULL;
	struct pyjson_error pe;
	char fields[512] = "", problems[1024] = "";
	struct validate_sink sink = { NULL, fields, field, NULL };
	struct validate_sink stream = { NULL, problems, NULL, problem_text };
	cJSON *detail = cJSON_CreateArray();

	schema_limits_default(&lim);
	at.part[0].key = "body";
	at.part[1].index = 4;
	tap_ok(pyjson_parse(line, strlen(line), &doc, &pe) == PYJSON_OK &&
	       validate_at(&schema_batch_item, pyjson_root(doc), &at, &lim,
			   &stream, detail) == VALIDATE_INVALID,
	       "validate_at: a non-printable id is invalid");
	tap_str_eq(problems, "{\"loc\":[\"body\",4,\"id\"],\"msg\":\"string "
		   "does not match regex \\\"^[ -~]{1,128}$\\\"\",\"type\":"
		   "\"value_error.str.regex\",\"ctx\":{\"pattern\":"
		   "\"^[ -~]{1,128}$\"}}|",
		   "validate_at: locs start at its place; on_problem gets "
		   "each problem, pydantic's regex words");
	tap_ok(cJSON_GetArraySize(detail) == 0,
	       "validate_at: with on_problem, detail stays empty");
	pyjson_free(doc);
	doc = NULL;
	tap_ok(pyjson_parse(job, strlen(job), &doc, &pe) == PYJSON_OK &&
	       validate_body(&schema_batch_job_request, pyjson_root(doc), &lim,
			     &sink, detail) == VALIDATE_OK,
	       "validate_body: a batch job");
	tap_str_eq(fields, "body.version.3;body.items.0.id.x;"
		   "body.items.0.text.t;",
		   "on_field gets strings and integers with their places");
	pyjson_free(doc);
	cJSON_Delete(detail);
}

int
main(void)
{
	pyjson_parse_should_refuse_deep_nesting();
	validate_at_should_give_places_and_stream_problems();
	validate_body_should_answer_like_the_reference();
	pyjson_parse_should_fail_like_cpython();
	validate_jsondecode_should_echo_nul_bytes();
	pyjson_dump_should_print_like_python();
	return tap_done();
}
