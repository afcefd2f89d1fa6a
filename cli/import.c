/* SPDX-License-Identifier: MIT
 * cli/import.c - `tagifai import`: turn a scikit-learn export (the
 * reference peer's export.json, or tools/export_sklearn.py's output) plus
 * args.json and performance.json into a binary model artifact.  The
 * reading is core/sklearn_export.c's; this file parses options and prints.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/artifact.h"
#include "core/sklearn_export.h"

static void
usage(FILE *f)
{
	fprintf(f,
		"usage: tagifai import --export EXPORT.json --args ARGS.json\n"
		"                      --performance PERF.json --name NAME\n"
		"                      --version VERSION -o OUT.tagifai\n"
		"\n"
		"Writes a model artifact (doc/ARTIFACT.md) from a scikit-learn\n"
		"export: classes, other_index, threshold, preprocessing\n"
		"{lower, stem, stopwords}, vectorizer {analyzer=char_wb,\n"
		"ngram_range, vocabulary, idf, ...}, model {coef, intercept}.\n"
		"ARGS.json and PERF.json must hold JSON objects; they are stored\n"
		"as they are (compacted).  The output is replaced atomically.\n");
}

int
cli_import(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "export", required_argument, NULL, 'e' },
		{ "args", required_argument, NULL, 'a' },
		{ "performance", required_argument, NULL, 'p' },
		{ "name", required_argument, NULL, 'n' },
		{ "version", required_argument, NULL, 'v' },
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *exp_path = NULL, *args_path = NULL, *perf_path = NULL;
	const char *name = NULL, *version = NULL, *out_path = NULL;
	struct sklearn_export x = { 0 };
	struct core_error err = { "" };
	char *args = NULL, *perf = NULL;
	int c, status = 1;

	optind = 1;
	while ((c = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
		switch (c) {
		case 'e': exp_path = optarg; break;
		case 'a': args_path = optarg; break;
		case 'p': perf_path = optarg; break;
		case 'n': name = optarg; break;
		case 'v': version = optarg; break;
		case 'o': out_path = optarg; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind != argc || !exp_path || !args_path || !perf_path || !name ||
	    !version || !out_path) {
		fprintf(stderr, "tagifai import: --export, --args, --performance, "
			"--name, --version and -o are all required\n");
		usage(stderr);
		return 2;
	}
	if (sklearn_export_object_load(args_path, &args, &err) != CORE_OK ||
	    sklearn_export_object_load(perf_path, &perf, &err) != CORE_OK ||
	    sklearn_export_load(exp_path, &x, &err) != CORE_OK) {
		fprintf(stderr, "tagifai import: %s\n", err.msg);
		goto out;
	}
	x.spec.name = name;
	x.spec.version = version;
	x.spec.args_json = args;
	x.spec.performance_json = perf;
	if (artifact_write(out_path, &x.spec, &err) != CORE_OK) {
		fprintf(stderr, "tagifai import: %s\n", err.msg);
		goto out;
	}
	printf("wrote %s: %zu classes, %zu features, n-grams %u..%u\n",
	       out_path, x.spec.n_classes, x.spec.n_features,
	       x.spec.ngram_min, x.spec.ngram_max);
	status = 0;
out:
	sklearn_export_free(&x);
	free(args);
	free(perf);
	return status;
}
