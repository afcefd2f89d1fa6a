/* SPDX-License-Identifier: MIT
 * cli/main.c - `tagifai`: train, evaluate, inspect and run models
 * from the command line.  Dispatches to one file per subcommand.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

#ifndef TAGIFAI_MODELDIR
#define TAGIFAI_MODELDIR "/usr/local/share/tagifai-fcgi/models"
#endif

struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
};

static const struct command commands[] = {
	{ "train", cli_train, "train a model from CSV and write an artifact" },
	{ "evaluate", cli_evaluate, "score a model on a labelled CSV" },
	{ "predict", cli_predict, "tag texts (argument, JSON Lines or lines on stdin)" },
	{ "import", cli_import, "write an artifact from a scikit-learn export" },
	{ "info", cli_info, "show a model's identity, classes and arguments" },
	{ "models", cli_models, "the model registry: list, create, push, "
	  "show, activate, rollback, activations, delete" },
	{ "users", cli_users, "users and API keys: create, list, delete, "
	  "keys, key-create, key-delete" },
	{ "batch", cli_batch, "batch jobs: submit, run, status, list, wait, "
	  "results, cancel, runner" },
	{ "batch-runner", cli_batch_runner, "the batch-job runner service "
	  "(batch runner)" },
};

const char *cli_default_model(void)
{
	const char *env = getenv("TAGIFAI_MODEL");

	if (env != NULL && env[0] != '\0')
		return env;
	return TAGIFAI_MODELDIR "/default.tagifai";
}

static void usage(FILE *f)
{
	fprintf(f, "usage: tagifai COMMAND [OPTIONS]\n\ncommands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %-13s %s\n", commands[i].name, commands[i].summary);
	fprintf(f, "\nRun `tagifai COMMAND --help` for a command's options.\n");
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		usage(stdout);
		return 0;
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(argv[1], commands[i].name) == 0)
			return commands[i].run(argc - 1, argv + 1);
	fprintf(stderr, "tagifai: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return 2;
}
