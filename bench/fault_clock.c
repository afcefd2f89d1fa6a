/* SPDX-License-Identifier: MIT
 * bench/fault_clock.c - what a page costs a short process: 256 fresh
 * anonymous pages touched one by one (a page fault each), against the
 * same pages faulted in by one mmap(MAP_POPULATE) call, in microseconds
 * per page (medians of RUNS).  Why the plain CGI path populates its
 * scratch and heap in one call (README, "Plain CGI").  Built and run by
 * bench/cgi_parts.sh.
 *
 * Usage: fault_clock [RUNS]   (default 21)
 */
#define _GNU_SOURCE 1
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <time.h>

#define PAGES 256
#define MAX_RUNS 1001

static double
now_us(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e6 + (double)t.tv_nsec / 1e3;
}

static int
cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Maps PAGES pages (populated or not), writes a byte in each; returns
 * the microseconds of the mmap and the writes. */
static double
one(int populate)
{
	size_t len = (size_t)PAGES * 4096;
	double t0 = now_us(), t1;
	volatile char *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS |
				(populate ? MAP_POPULATE : 0), -1, 0);

	if (p == MAP_FAILED) {
		perror("fault_clock: mmap");
		exit(1);
	}
	for (size_t i = 0; i < len; i += 4096)
		p[i] = 1;
	t1 = now_us();
	munmap((void *)p, len);
	return t1 - t0;
}

int
main(int argc, char **argv)
{
	static double t[2][MAX_RUNS];
	int runs = argc > 1 ? atoi(argv[1]) : 21;

	if (runs < 1 || runs > MAX_RUNS) {
		fprintf(stderr, "usage: fault_clock [RUNS]\n");
		return 2;
	}
	for (int r = 0; r < runs; r++) {
		t[0][r] = one(0) / PAGES;
		t[1][r] = one(1) / PAGES;
	}
	qsort(t[0], (size_t)runs, sizeof(double), cmp);
	qsort(t[1], (size_t)runs, sizeof(double), cmp);
	printf("fault_us_per_page=%.2f\npopulate_us_per_page=%.2f\n",
	       t[0][runs / 2], t[1][runs / 2]);
	return 0;
}
