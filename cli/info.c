/* SPDX-License-Identifier: MIT
 * cli/info.c - `tagifai info`: what an artifact holds (identity,
 * classes, n-gram range, feature count, threshold, cleaning flags, the
 * training arguments), as text or as one JSON object.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/out.h"
#include "core/model.h"
#include "core/model_info.h"

static void
usage(FILE *f)
{
	fprintf(f,
		"usage: tagifai info [--model PATH] [--json]\n"
		"\n"
		"Shows a model's identity (name, version, checksum), classes,\n"
		"n-gram range, feature count, threshold, cleaning flags and\n"
		"training arguments.  --json prints one JSON object instead\n"
		"(it also carries the performance report).  The model defaults\n"
		"to $TAGIFAI_MODEL, else %s.\n", cli_default_model());
}

static void
json_str(FILE *f, const char *s)
{
	cli_json_string(f, s, strlen(s));
}

static void
print_json(FILE *f, const char *path, const struct model *m)
{
	const struct model_identity *id = model_identity(m);
	unsigned lo, hi;

	model_ngram_range(m, &lo, &hi);
	fputs("{\"name\":", f);
	json_str(f, id->name);
	fputs(",\"version\":", f);
	json_str(f, id->version);
	fputs(",\"checksum\":", f);
	json_str(f, id->checksum);
	fputs(",\"path\":", f);
	json_str(f, path);
	fprintf(f, ",\"file_size\":%zu,\"classes\":[", model_file_size(m));
	for (size_t k = 0; k < model_class_count(m); k++) {
		if (k)
			putc(',', f);
		json_str(f, model_class_name(m, k));
	}
	fprintf(f, "],\"other_index\":%u,\"ngram_range\":[%u,%u],"
		"\"features\":%zu,\"threshold\":%.17g,\"lower\":%s,"
		"\"stem\":%s,\"stopwords\":%zu,\"args\":%s,\"performance\":%s}\n",
		model_other_index(m), lo, hi, model_feature_count(m),
		model_threshold(m), model_lowercases(m) ? "true" : "false",
		model_stems(m) ? "true" : "false", model_stopword_count(m),
		model_args_json(m), model_performance_json(m));
}

static void
print_text(FILE *f, const char *path, const struct model *m)
{
	const struct model_identity *id = model_identity(m);
	unsigned lo, hi;

	model_ngram_range(m, &lo, &hi);
	fprintf(f, "model:      %s (%zu bytes)\n", path, model_file_size(m));
	fprintf(f, "name:       %s\n", id->name);
	fprintf(f, "version:    %s\n", id->version);
	fprintf(f, "checksum:   %s (XXH3-64)\n", id->checksum);
	fprintf(f, "classes:   ");
	for (size_t k = 0; k < model_class_count(m); k++)
		fprintf(f, " %s", model_class_name(m, k));
	fprintf(f, "\nother:      %s\n",
		model_class_name(m, model_other_index(m)));
	fprintf(f, "n-grams:    char_wb %u..%u\n", lo, hi);
	fprintf(f, "features:   %zu\n", model_feature_count(m));
	fprintf(f, "threshold:  %.17g\n", model_threshold(m));
	fprintf(f, "cleaning:   lower=%s stem=%s stopwords=%zu\n",
		model_lowercases(m) ? "true" : "false",
		model_stems(m) ? "true" : "false", model_stopword_count(m));
	fprintf(f, "args:       %s\n", model_args_json(m));
}

int
cli_info(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "model", required_argument, NULL, 'm' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *path = NULL;
	struct core_error err = { "" };
	struct model *m = NULL;
	int c, json = 0;

	optind = 1;
	while ((c = getopt_long(argc, argv, "m:h", opts, NULL)) != -1) {
		switch (c) {
		case 'm': path = optarg; break;
		case 'j': json = 1; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "tagifai info: unexpected argument '%s'\n",
			argv[optind]);
		usage(stderr);
		return 2;
	}
	if (path == NULL)
		path = cli_default_model();
	if (model_open(path, &m, &err) != CORE_OK) {
		fprintf(stderr, "tagifai info: %s\n", err.msg);
		return 1;
	}
	if (json)
		print_json(stdout, path, m);
	else
		print_text(stdout, path, m);
	model_close(m);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "tagifai info: write error\n");
		return 1;
	}
	return 0;
}
