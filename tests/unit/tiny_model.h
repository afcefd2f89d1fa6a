/* SPDX-License-Identifier: MIT
 * tests/unit/tiny_model.h - a three-class scikit-learn export small enough
 * to reason about, and the model it makes: "cat" texts are cv, "dog"
 * texts nlp (char_wb 2..3-grams " c", "ca", "at" and " d", "do", "og";
 * idf 1, no intercept, threshold 0 so the best class always wins).
 */
#ifndef TESTS_TINY_MODEL_H
#define TESTS_TINY_MODEL_H

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "core/artifact.h"
#include "core/model.h"
#include "core/sklearn_export.h"

static const char tiny_export[] =
	"{\"classes\": [\"cv\", \"nlp\", \"other\"], \"other_index\": 2,\n"
	" \"threshold\": 0.0,\n"
	" \"preprocessing\": {\"lower\": true, \"stem\": false,\n"
	"                   \"stopwords\": [\"the\"]},\n"
	" \"vectorizer\": {\"analyzer\": \"char_wb\", \"ngram_range\": [2, 3],\n"
	"   \"lowercase\": true, \"norm\": \"l2\",\n"
	"   \"vocabulary\": {\" c\": 0, \"ca\": 1, \"at\": 2, \" d\": 3,\n"
	"                  \"do\": 4, \"og\": 5},\n"
	"   \"idf\": [1.0, 1.0, 1.0, 1.0, 1.0, 1.0]},\n"
	" \"model\": {\"coef\": [[1.0, 2.0, 2.0, 0.0, 0.0, 0.0],\n"
	"                      [0.0, 0.0, 0.0, 1.0, 2.0, 2.0],\n"
	"                      [0.0, 0.0, 0.0, 0.0, 0.0, 0.0]],\n"
	"           \"intercept\": [0.0, 0.0, 0.25]}}\n";

/* Writes the tiny model to path and opens it; NULL on failure (with a
 * TAP diagnostic). */
__attribute__((unused))
static struct model *
tiny_model_open(const char *path)
{
	struct sklearn_export x;
	struct core_error err = { "" };
	struct model *m = NULL;

	if (sklearn_export_parse("tiny", tiny_export, strlen(tiny_export), &x,
				 &err) != CORE_OK) {
		printf("# tiny export: %s\n", err.msg);
		sklearn_export_free(&x);
		return NULL;
	}
	x.spec.name = "tiny";
	x.spec.version = "1";
	x.spec.args_json = "{}";
	x.spec.performance_json = "{}";
	if (artifact_write(path, &x.spec, &err) != CORE_OK ||
	    model_open(path, &m, &err) != CORE_OK) {
		printf("# tiny model: %s\n", err.msg);
		m = NULL;
	}
	sklearn_export_free(&x);
	unlink(path);
	return m;
}

#endif
