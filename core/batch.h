/* SPDX-License-Identifier: MIT
 * core/batch.h - tagging many inputs on several threads, output in order.
 *
 * A batch tags inputs 0..n-1: job k (a thread with its own scratch; the
 * model is shared read-only) takes the k-th contiguous share, and each
 * job writes into memory (a lone job straight to the output), so the
 * output is written in input order and is the same whatever the number
 * of jobs.  A failing input ends the output
 * after the inputs before it (and its own message), as with one job.
 * What an input is and what its output looks like are the caller's: it
 * says so through struct batch_ops (`tagifai predict` reads JSON Lines and
 * writes JSON; the batch jobs to come will do their own).
 */
#ifndef CORE_BATCH_H
#define CORE_BATCH_H

#include <stddef.h>
#include <stdio.h>

#include "core/model.h"
#include "core/status.h"

#define BATCH_MAX_JOBS 64

/* One input while it is being tagged. */
struct batch_item {
	const char *text;   /* set by prepare: the text to tag */
	size_t len;
	void *data;         /* the caller's, e.g. the parsed input line */
};

struct batch_ops {
	/* In a job's thread: sets it->text and it->len for input i.  Nonzero
	 * stops the batch at i (the reason written to err). */
	int (*prepare)(void *ctx, size_t i, struct batch_item *it, FILE *err);
	/* In a job's thread, after input i was tagged with status st (p and
	 * the cleaned text in s are valid when st is CORE_OK): writes the
	 * input's output to out, messages to err.  Nonzero, or st other
	 * than CORE_OK, stops the batch after i. */
	int (*emit)(void *ctx, size_t i, const struct batch_item *it,
		    enum core_status st, const struct prediction *p,
		    const struct model_scratch *s, FILE *out, FILE *err);
	/* Frees it->data after emit (or after a failed prepare); may be NULL. */
	void (*release)(void *ctx, struct batch_item *it);
};

struct batch {
	const struct model *m;
	size_t njobs;
	struct model_scratch *scratch[BATCH_MAX_JOBS];
};

/* Prepares njobs (1..BATCH_MAX_JOBS) jobs for model m, which must outlive
 * b.  CORE_ERR_INPUT for a bad njobs, CORE_ERR_NOMEM; free b with
 * batch_close in either case. */
enum core_status batch_open(struct batch *b, const struct model *m,
			    size_t njobs) CORE_WARN_UNUSED;
void batch_close(struct batch *b);

/* Tags inputs 0..n-1 and writes their outputs to out and their messages
 * to err, in input order, up to the first input that fails.  Returns
 * CORE_OK; the failing model_predict status, or CORE_ERR_INPUT when
 * prepare or emit said stop; CORE_ERR_NOMEM, with nothing tagged or
 * written, when the jobs' memory streams cannot be opened. */
enum core_status batch_run(struct batch *b, size_t n,
			   const struct batch_ops *ops, void *ctx, FILE *out,
			   FILE *err) CORE_WARN_UNUSED;

#endif
