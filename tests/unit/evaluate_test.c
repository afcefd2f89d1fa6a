/* SPDX-License-Identifier: MIT
 * tests/unit/evaluate_test.c - the evaluation loop (core/evaluate.c) on
 * the tiny model: the metrics of known predictions, and a tag the model
 * does not know.
 */
#include <stdlib.h>
#include <string.h>

#include "core/dataset.h"
#include "core/evaluate.h"
#include "tests/unit/tap.h"
#include "tests/unit/tiny_model.h"

static char dir[] = "/tmp/evaluate_test.XXXXXX";

static struct dataset *
load(const char *csv)
{
	char path[64];
	struct dataset *d = NULL;
	struct core_error err = { "" };
	FILE *f;

	snprintf(path, sizeof(path), "%s/rows.csv", dir);
	f = fopen(path, "w");
	if (f == NULL || fputs(csv, f) < 0 || fclose(f) != 0 ||
	    dataset_load(path, &d, &err) != CORE_OK) {
		printf("Bail out! cannot load %s: %s\n", path, err.msg);
		exit(1);
	}
	unlink(path);
	return d;
}

static int
near(double a, double b)
{
	return a - b < 1e-12 && b - a < 1e-12;
}

static void
evaluate_model_should_score_the_predictions(const struct model *m)
{
	/* cat -> cv, dog -> nlp: rows 1 and 2 right, row 3 (a cv) wrong. */
	struct dataset *d = load("title,description,tag\n"
				 "cat,cat,cv\n"
				 "dog,dog,nlp\n"
				 "dog,dog,cv\n");
	struct metrics_report rep;
	struct core_error err = { "" };

	tap_ok(evaluate_model(m, d, &rep, &err) == CORE_OK,
	       "evaluate_model should score three rows %s", err.msg);
	tap_ok(rep.n_classes == 3 && rep.overall.num_samples == 3,
	       "the report should cover 3 classes and 3 samples");
	tap_ok(near(rep.cls[0].precision, 1.0) && near(rep.cls[0].recall, 0.5) &&
	       rep.cls[0].num_samples == 2,
	       "cv: precision 1, recall 1/2, 2 samples (got %g %g %zu)",
	       rep.cls[0].precision, rep.cls[0].recall, rep.cls[0].num_samples);
	tap_ok(near(rep.cls[1].precision, 0.5) && near(rep.cls[1].recall, 1.0),
	       "nlp: precision 1/2, recall 1 (got %g %g)",
	       rep.cls[1].precision, rep.cls[1].recall);
	/* weighted recall = (2 * 0.5 + 1 * 1.0) / 3 */
	tap_ok(near(rep.overall.recall, 2.0 / 3.0),
	       "the weighted recall should be 2/3 (got %.17g)",
	       rep.overall.recall);
	dataset_free(d);
}

static void
evaluate_model_should_refuse_an_unknown_tag(const struct model *m)
{
	struct dataset *d = load("title,description,tag\n"
				 "cat,cat,cv\n"
				 "fish,fish,mlops\n");
	struct metrics_report rep;
	struct core_error err = { "" };

	tap_ok(evaluate_model(m, d, &rep, &err) == CORE_ERR_INPUT &&
	       strstr(err.msg, "rows.csv:3") && strstr(err.msg, "mlops"),
	       "a tag the model lacks should be CORE_ERR_INPUT naming the "
	       "line: %s", err.msg);
	dataset_free(d);
}

int
main(void)
{
	char path[64];
	struct model *m;

	if (mkdtemp(dir) == NULL) {
		printf("Bail out! mkdtemp\n");
		return 1;
	}
	snprintf(path, sizeof(path), "%s/tiny.tagifai", dir);
	m = tiny_model_open(path);
	if (m == NULL) {
		printf("Bail out! no tiny model\n");
		return 1;
	}
	evaluate_model_should_score_the_predictions(m);
	evaluate_model_should_refuse_an_unknown_tag(m);
	model_close(m);
	rmdir(dir);
	return tap_done();
}
