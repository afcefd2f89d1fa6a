/* SPDX-License-Identifier: MIT
 * tests/unit/sklearn_export_test.c - reading a scikit-learn export
 * (core/sklearn_export.c): every field of a good one, each kind of bad
 * one named in the message, the JSON error offset, args/performance
 * compaction, and files.
 */
#include <stdlib.h>
#include <string.h>

#include "core/sklearn_export.h"
#include "tests/unit/tap.h"
#include "tests/unit/tiny_model.h"

static void
sklearn_export_parse_should_fill_the_spec(void)
{
	struct sklearn_export x;
	struct core_error err = { "" };
	const struct model_spec *s = &x.spec;

	tap_ok(sklearn_export_parse("tiny", tiny_export, strlen(tiny_export),
				    &x, &err) == CORE_OK,
	       "sklearn_export_parse should accept the tiny export %s", err.msg);
	tap_ok(s->n_classes == 3 && strcmp(s->classes[1], "nlp") == 0 &&
	       s->other_index == 2 && s->threshold == 0.0,
	       "classes, other_index and threshold should be read");
	tap_ok(s->lower && !s->stem && s->n_stopwords == 1 &&
	       strcmp(s->stopwords[0], "the") == 0,
	       "preprocessing should be read");
	tap_ok(s->ngram_min == 2 && s->ngram_max == 3 && s->n_features == 6 &&
	       strcmp(s->terms[4], "do") == 0 && s->idf[5] == 1.0,
	       "the vocabulary should be placed by feature index");
	tap_ok(s->coef[0 * 6 + 1] == 2.0 && s->coef[1 * 6 + 5] == 2.0 &&
	       s->intercept[2] == 0.25,
	       "coef rows and intercept should be read class-major");
	tap_ok(s->name == NULL && s->args_json == NULL,
	       "identity and reports should be left to the caller");
	sklearn_export_free(&x);
}

/* Replaces the first occurrence of from in tiny_export by to. */
static char *
variant(const char *from, const char *to)
{
	const char *hit = strstr(tiny_export, from);
	size_t n = strlen(tiny_export) - strlen(from) + strlen(to);
	char *s = malloc(n + 1);

	if (hit == NULL || s == NULL) {
		printf("Bail out! bad variant %s\n", from);
		exit(1);
	}
	memcpy(s, tiny_export, (size_t)(hit - tiny_export));
	strcpy(s + (hit - tiny_export), to);
	strcat(s, hit + strlen(from));
	return s;
}

static const struct {
	const char *from, *to, *want;
} bad[] = {
	{ "[\"cv\", \"nlp\", \"other\"]", "[\"cv\"]", "\"classes\" must be" },
	{ "\"nlp\"", "7", "\"classes\"[1] is not a string" },
	{ "\"other_index\": 2", "\"other_index\": 3", "\"other_index\"" },
	{ "\"threshold\": 0.0", "\"threshold\": \"x\"", "\"threshold\"" },
	{ "\"lower\": true", "\"lower\": 1", "preprocessing.lower" },
	{ "[\"the\"]", "[1]", "stopword 0 is not a string" },
	{ "\"char_wb\"", "\"word\"", "analyzer \"char_wb\"" },
	{ "\"l2\"", "\"l1\"", "norm=\"l2\"" },
	{ "[2, 3]", "[3, 2]", "\"ngram_range\"" },
	{ "\"og\": 5", "\"og\": 4", "feature 4 is both" },
	{ "\"og\": 5", "\"og\": 9", "vocabulary[\"og\"]" },
	{ "1.0, 1.0, 1.0, 1.0, 1.0, 1.0]", "1.0]", "\"idf\" must be 6" },
	{ "[0.0, 0.0, 0.0, 0.0, 0.0, 0.0]]", "[0.0]]", "\"coef\"[2] must be" },
	{ "[0.0, 0.0, 0.25]", "[0.0]", "\"intercept\" must be 3" },
};

static void
sklearn_export_parse_should_name_what_is_wrong(void)
{
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct sklearn_export x;
		struct core_error err = { "" };
		char *text = variant(bad[i].from, bad[i].to);
		enum core_status st;

		st = sklearn_export_parse("e.json", text, strlen(text), &x, &err);
		tap_ok(st == CORE_ERR_INPUT && strstr(err.msg, bad[i].want) &&
		       strncmp(err.msg, "e.json: ", 8) == 0,
		       "sklearn_export_parse should refuse %s -> %s: %s",
		       bad[i].from, bad[i].to, err.msg);
		sklearn_export_free(&x);
		free(text);
	}
}

static void
sklearn_export_parse_should_give_the_json_error_offset(void)
{
	struct sklearn_export x;
	struct core_error err = { "" };

	tap_ok(sklearn_export_parse("b.json", "{\"a\": nope}", 11, &x, &err) ==
	       CORE_ERR_INPUT && strcmp(err.msg, "b.json: invalid JSON near "
					"byte 6") == 0,
	       "invalid JSON should be reported with its offset: %s", err.msg);
	sklearn_export_free(&x);
	tap_ok(sklearn_export_parse("c.json", "[1]", 3, &x, &err) ==
	       CORE_ERR_INPUT && strstr(err.msg, "not a JSON object"),
	       "a JSON array should be refused: %s", err.msg);
	sklearn_export_free(&x);
}

static void
sklearn_export_load_should_read_files(void)
{
	char dir[] = "/tmp/sklearn_export_test.XXXXXX", path[64];
	struct sklearn_export x;
	struct core_error err = { "" };
	char *text = NULL;
	FILE *f;

	if (mkdtemp(dir) == NULL) {
		printf("Bail out! mkdtemp\n");
		exit(1);
	}
	snprintf(path, sizeof(path), "%s/args.json", dir);
	f = fopen(path, "w");
	fputs("{ \"a\" : [1.50, 2e-05],\n \"s\": \"x y\\\" z\" }\n", f);
	fclose(f);
	tap_ok(sklearn_export_object_load(path, &text, &err) == CORE_OK &&
	       strcmp(text, "{\"a\":[1.50,2e-05],\"s\":\"x y\\\" z\"}") == 0,
	       "sklearn_export_object_load should compact outside strings only");
	free(text);
	text = NULL;
	tap_ok(sklearn_export_load(path, &x, &err) == CORE_ERR_INPUT &&
	       strstr(err.msg, "\"classes\""),
	       "sklearn_export_load should check what it reads: %s", err.msg);
	sklearn_export_free(&x);
	unlink(path);
	tap_ok(sklearn_export_load(path, &x, &err) == CORE_ERR_IO &&
	       strstr(err.msg, "args.json") && strstr(err.msg, "No such file"),
	       "a missing file should be CORE_ERR_IO naming it: %s", err.msg);
	sklearn_export_free(&x);
	tap_ok(sklearn_export_object_load(dir, &text, &err) == CORE_ERR_IO &&
	       text == NULL, "a folder should be CORE_ERR_IO: %s", err.msg);
	rmdir(dir);
}

int
main(void)
{
	sklearn_export_parse_should_fill_the_spec();
	sklearn_export_parse_should_name_what_is_wrong();
	sklearn_export_parse_should_give_the_json_error_offset();
	sklearn_export_load_should_read_files();
	return tap_done();
}
