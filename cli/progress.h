/* SPDX-License-Identifier: MIT
 * cli/progress.h - a progress bar on standard error for long commands
 * (`tagifai batch run` and `wait`): items done of the total, items per
 * second and the time left, redrawn in place at most every
 * PROGRESS_REDRAW_MS.  It draws only on a terminal: when standard error
 * is a file or a pipe (cron, a log) nothing is written, so logs hold no
 * carriage returns.
 */
#ifndef CLI_PROGRESS_H
#define CLI_PROGRESS_H

#include <stdbool.h>
#include <stdio.h>

#define PROGRESS_REDRAW_MS 100
#define PROGRESS_WIDTH 24      /* cells of the bar itself */

struct progress {
	FILE *f;               /* NULL: not a terminal, draws nothing */
	long long t0_ms;       /* when counting started */
	long long done0;       /* items already done then (a resumed job) */
	long long last_ms;     /* last redraw */
	bool drawn;
};

/* Starts a bar on f when f is a terminal (isatty), else an inert one. */
void progress_start(struct progress *p, FILE *f);

/* Shows done of total: redraws when PROGRESS_REDRAW_MS have passed since
 * the last redraw, or when done == total. */
void progress_update(struct progress *p, long long done, long long total);

/* Ends the line of a bar that was drawn. */
void progress_end(struct progress *p);

#endif
