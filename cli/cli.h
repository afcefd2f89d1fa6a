/* SPDX-License-Identifier: MIT
 * cli/cli.h - the subcommands of the `tagifai` tool.
 *
 * Each takes the arguments after the subcommand name (argv[0] is the
 * subcommand) and returns the process exit status: 0 success, 1 failure,
 * 2 usage error.  Each prints its own --help.
 */
#ifndef CLI_CLI_H
#define CLI_CLI_H

int cli_train(int argc, char **argv);     /* cli/train.c */
int cli_evaluate(int argc, char **argv);  /* cli/evaluate.c */
int cli_predict(int argc, char **argv);   /* cli/predict.c */
int cli_import(int argc, char **argv);    /* cli/import.c */
int cli_info(int argc, char **argv);      /* cli/info.c */
int cli_models(int argc, char **argv);    /* cli/models.c */
int cli_users(int argc, char **argv);     /* cli/users.c */
int cli_batch(int argc, char **argv);     /* cli/batch.c */
/* `tagifai batch-runner`: `tagifai batch runner`, as the issue spells it. */
int cli_batch_runner(int argc, char **argv);

/* The model a subcommand uses when none is named: $TAGIFAI_MODEL, else the
 * installed default (TAGIFAI_MODELDIR/default.tagifai). */
const char *cli_default_model(void);

#endif
