/* SPDX-License-Identifier: MIT
 * tests/unit/batch_test.c - the ordered multi-threaded batch
 * (core/batch.c) on the tiny model: the same output in input order for
 * 1, 3 and 7 jobs, a failing input ends the output after the inputs
 * before it, and the job count limits.
 */
#include <stdlib.h>
#include <string.h>

#include "core/batch.h"
#include "tests/unit/tap.h"
#include "tests/unit/tiny_model.h"

#define N_INPUTS 40

struct ctx {
	const struct model *m;
	char text[N_INPUTS][16];
	size_t fail_at;           /* prepare refuses this input */
};

static int
prepare(void *c, size_t i, struct batch_item *it, FILE *err)
{
	struct ctx *x = c;

	if (i == x->fail_at) {
		fprintf(err, "input %zu refused\n", i);
		return 1;
	}
	it->text = x->text[i];
	it->len = strlen(x->text[i]);
	return 0;
}

static int
emit(void *c, size_t i, const struct batch_item *it, enum core_status st,
     const struct prediction *p, const struct model_scratch *s, FILE *out,
     FILE *err)
{
	struct ctx *x = c;

	(void)err;
	if (st != CORE_OK)
		return 1;
	fprintf(out, "%zu %s %s [%s]\n", i, it->text,
		model_class_name(x->m, p->tag), model_scratch_cleaned(s));
	return 0;
}

static const struct batch_ops ops = { prepare, emit, NULL };

/* Runs the inputs on njobs jobs; returns the output (caller frees). */
static char *
run(struct ctx *x, size_t njobs, enum core_status *st, char **errs)
{
	struct batch b;
	char *out = NULL;
	size_t out_len = 0, err_len = 0;
	FILE *fo = open_memstream(&out, &out_len);
	FILE *fe = open_memstream(errs, &err_len);

	if (fo == NULL || fe == NULL ||
	    batch_open(&b, x->m, njobs) != CORE_OK) {
		printf("Bail out! batch_open\n");
		exit(1);
	}
	*st = batch_run(&b, N_INPUTS, &ops, x, fo, fe);
	batch_close(&b);
	fclose(fo);
	fclose(fe);
	return out;
}

static void
batch_run_should_keep_input_order(struct ctx *x)
{
	enum core_status st;
	char *one, *three, *seven, *errs = NULL;
	char want[64];

	x->fail_at = (size_t)-1;
	one = run(x, 1, &st, &errs);
	tap_ok(st == CORE_OK && errs[0] == '\0', "one job should tag them all");
	free(errs);
	tap_ok(strncmp(one, "0 cat 0 cv [cat 0]\n1 dog 1 nlp [dog 1]\n", 38) == 0,
	       "each input should get its own tag, in order");
	snprintf(want, sizeof(want), "\n%d dog %d nlp [dog %d]\n", N_INPUTS - 1,
		 N_INPUTS - 1, N_INPUTS - 1);
	tap_ok(strstr(one, want) != NULL &&
	       strlen(strstr(one, want)) == strlen(want),
	       "the last input should come last");
	three = run(x, 3, &st, &errs);
	free(errs);
	seven = run(x, 7, &st, &errs);
	free(errs);
	tap_str_eq(three, one, "3 jobs should write what 1 job writes");
	tap_str_eq(seven, one, "7 jobs should write what 1 job writes");
	free(one);
	free(three);
	free(seven);
}

static void
batch_run_should_stop_at_a_failing_input(struct ctx *x)
{
	enum core_status st;
	char *out, *errs = NULL;
	char last[64];

	x->fail_at = 17;
	out = run(x, 4, &st, &errs);
	snprintf(last, sizeof(last), "16 cat 16 cv [cat 16]\n");
	tap_ok(st == CORE_ERR_INPUT, "a refused input should fail the batch");
	tap_ok(strlen(out) >= strlen(last) &&
	       strcmp(out + strlen(out) - strlen(last), last) == 0,
	       "the output should end with the input before the failing one");
	tap_ok(strncmp(out, "0 cat", 5) == 0,
	       "the inputs before it should all be written");
	tap_str_eq(errs, "input 17 refused\n",
		   "only the failing input's message should be written");
	free(out);
	free(errs);
}

static void
batch_open_should_check_the_job_count(const struct model *m)
{
	struct batch b;

	tap_ok(batch_open(&b, m, 0) == CORE_ERR_INPUT, "0 jobs is refused");
	batch_close(&b);
	tap_ok(batch_open(&b, m, BATCH_MAX_JOBS + 1) == CORE_ERR_INPUT,
	       "more than BATCH_MAX_JOBS is refused");
	batch_close(&b);
	tap_ok(batch_open(&b, m, BATCH_MAX_JOBS) == CORE_OK &&
	       b.njobs == BATCH_MAX_JOBS, "BATCH_MAX_JOBS jobs is accepted");
	batch_close(&b);
}

int
main(void)
{
	char dir[] = "/tmp/batch_test.XXXXXX", path[64];
	static struct ctx x;

	if (mkdtemp(dir) == NULL) {
		printf("Bail out! mkdtemp\n");
		return 1;
	}
	snprintf(path, sizeof(path), "%s/tiny.tagifai", dir);
	x.m = tiny_model_open(path);
	rmdir(dir);
	if (x.m == NULL) {
		printf("Bail out! no tiny model\n");
		return 1;
	}
	for (size_t i = 0; i < N_INPUTS; i++)
		snprintf(x.text[i], sizeof(x.text[i]), "%s %zu",
			 i % 2 ? "dog" : "cat", i);
	batch_run_should_keep_input_order(&x);
	batch_run_should_stop_at_a_failing_input(&x);
	batch_open_should_check_the_job_count(x.m);
	model_close((struct model *)x.m);
	return tap_done();
}
