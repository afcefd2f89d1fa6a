/* SPDX-License-Identifier: MIT
 * cli/evaluate.c - `tagifai evaluate`: score a model artifact on a
 * labelled CSV.  The loop is core/evaluate.c's; this file parses
 * options and prints the report.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/dataset.h"
#include "core/evaluate.h"
#include "core/metrics.h"
#include "core/model.h"

static void
usage(FILE *f)
{
	fprintf(f,
		"usage: tagifai evaluate [--model PATH] --data CSV [--json]\n"
		"\n"
		"Tags every row of CSV (columns title, description, tag; text =\n"
		"title + \" \" + description) with the model and prints weighted\n"
		"and per-class precision, recall, F1 and num_samples, and the\n"
		"slices nlp_cnn and short_text.\n"
		"\n"
		"  --model PATH   artifact (default $TAGIFAI_MODEL, else the\n"
		"                 installed default.tagifai)\n"
		"  --data CSV     labelled rows (e.g. holdout.csv)\n"
		"  --json         print the report as JSON (performance shape)\n"
		"  -h, --help     this help\n");
}

static void
print_row(const char *name, const struct metrics_prf *m)
{
	printf("%-30s %9.4f %9.4f %9.4f %7zu\n", name, m->precision,
	       m->recall, m->f1, m->num_samples);
}

static void
print_text(const struct metrics_report *rep, const struct model *m)
{
	printf("%-30s %9s %9s %9s %7s\n", "", "precision", "recall", "f1",
	       "samples");
	print_row("overall (weighted)", &rep->overall);
	for (size_t k = 0; k < rep->n_classes; k++)
		print_row(model_class_name(m, k), &rep->cls[k]);
	for (int s = 0; s < METRICS_SLICE__MAX; s++) {
		char label[64];

		snprintf(label, sizeof(label), "slice %s (micro)",
			 metrics_slice_names[s]);
		if (rep->has_slice[s])
			print_row(label, &rep->slice[s]);
		else
			printf("%-30s (no samples)\n", label);
	}
}

int
cli_evaluate(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "model", required_argument, NULL, 'm' },
		{ "data", required_argument, NULL, 'd' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *model_path = NULL, *data_path = NULL;
	const char *classes[CORE_MAX_CLASSES];
	struct core_error err = { { 0 } };
	struct model *m = NULL;
	struct dataset *d = NULL;
	struct metrics_report rep;
	enum core_status st;
	bool json = false;
	size_t nk;
	int c, rc = 1;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'm':
			model_path = optarg;
			break;
		case 'd':
			data_path = optarg;
			break;
		case 'j':
			json = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc || data_path == NULL) {
		fprintf(stderr, "tagifai evaluate: --data is required\n");
		usage(stderr);
		return 2;
	}
	if (model_path == NULL)
		model_path = cli_default_model();
	st = model_open(model_path, &m, &err);
	if (st != CORE_OK) {
		fprintf(stderr, "tagifai evaluate: %s: %s\n", model_path,
			err.msg);
		goto out;
	}
	st = dataset_load(data_path, &d, &err);
	if (st != CORE_OK) {
		fprintf(stderr, "tagifai evaluate: %s\n", err.msg);
		goto out;
	}
	st = evaluate_model(m, d, &rep, &err);
	if (st != CORE_OK) {
		fprintf(stderr, "tagifai evaluate: %s\n", err.msg);
		goto out;
	}
	nk = model_class_count(m);
	for (size_t k = 0; k < nk; k++)
		classes[k] = model_class_name(m, k);
	if (json) {
		char *text = metrics_json(&rep, classes);

		if (text == NULL) {
			fprintf(stderr, "tagifai evaluate: out of memory\n");
			goto out;
		}
		printf("%s\n", text);
		free(text);
	} else {
		print_text(&rep, m);
	}
	rc = 0;
out:
	dataset_free(d);
	model_close(m);
	return rc;
}
