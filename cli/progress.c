/* SPDX-License-Identifier: MIT
 * cli/progress.c - the progress bar of cli/progress.h.  The rate counts
 * only the items done since the bar started, so a resumed job's earlier
 * items do not inflate it.
 */
#include <unistd.h>

#include "cli/progress.h"
#include "util/clock.h"

void
progress_start(struct progress *p, FILE *f)
{
	p->f = f != NULL && isatty(fileno(f)) ? f : NULL;
	p->t0_ms = util_clock_ms();
	p->done0 = -1;
	p->last_ms = 0;
	p->drawn = false;
}

/* "1:02:03" or "2:03"; "-" when unknown. */
static void
duration(char *buf, size_t len, double s)
{
	long long t;

	if (!(s >= 0) || s > 360000) {
		snprintf(buf, len, "-");
		return;
	}
	t = (long long)(s + 0.5);
	if (t >= 3600)
		snprintf(buf, len, "%lld:%02lld:%02lld", t / 3600,
			 t / 60 % 60, t % 60);
	else
		snprintf(buf, len, "%lld:%02lld", t / 60, t % 60);
}

void
progress_update(struct progress *p, long long done, long long total)
{
	char bar[PROGRESS_WIDTH + 1], eta[32];
	long long now;
	double s, rate = 0;
	int fill;

	if (p->f == NULL)
		return;
	now = util_clock_ms();
	if (p->done0 < 0)
		p->done0 = done;
	if (p->drawn && done < total && now - p->last_ms < PROGRESS_REDRAW_MS)
		return;
	p->last_ms = now;
	s = (double)(now - p->t0_ms) / 1000.0;
	if (s > 0 && done > p->done0)
		rate = (double)(done - p->done0) / s;
	fill = total > 0 ? (int)(PROGRESS_WIDTH * done / total) : 0;
	for (int k = 0; k < PROGRESS_WIDTH; k++)
		bar[k] = k < fill ? '#' : '.';
	bar[PROGRESS_WIDTH] = '\0';
	duration(eta, sizeof(eta), rate > 0 ? (double)(total - done) / rate
		 : -1);
	/* \r and clear-to-end: the line is redrawn in place. */
	fprintf(p->f, "\r[%s] %lld/%lld items  %.0f items/s  ETA %s\033[K",
		bar, done, total, rate, eta);
	fflush(p->f);
	p->drawn = true;
}

void
progress_end(struct progress *p)
{
	if (p->f != NULL && p->drawn)
		fputc('\n', p->f);
	p->drawn = false;
}
