/* SPDX-License-Identifier: MIT
 * bench/open_clock.c - what a model open costs, by an in-process clock:
 * mmap with MAP_POPULATE, the checksum alone (twice: pages cold, then
 * warm), model_open and model_close, in microseconds.  Built by
 * bench/cgi_parts.sh against a build's core/ and util/ libraries.
 *
 * Usage: open_clock MODEL [RUNS]   (prints the median of RUNS, default 21)
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/artifact_format.h"
#include "core/model.h"

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

int
main(int argc, char **argv)
{
	static double t[5][MAX_RUNS];
	static const char *const names[5] = {
		"mmap_populate_us", "checksum_cold_us", "checksum_warm_us",
		"model_open_us", "model_close_us",
	};
	int runs = argc > 2 ? atoi(argv[2]) : 21;

	if (argc < 2 || runs < 1 || runs > MAX_RUNS) {
		fprintf(stderr, "usage: open_clock MODEL [RUNS]\n");
		return 2;
	}
	for (int r = 0; r < runs; r++) {
		struct core_error err;
		struct model *m = NULL;
		struct stat st;
		double t0, t1, t2, t3, t4, t5;
		void *p;
		int fd = open(argv[1], O_RDONLY);

		if (fd < 0 || fstat(fd, &st) != 0 || st.st_size < 64) {
			fprintf(stderr, "open_clock: cannot read %s\n", argv[1]);
			return 1;
		}
		t0 = now_us();
		p = mmap(NULL, (size_t)st.st_size, PROT_READ,
			 MAP_PRIVATE | MAP_POPULATE, fd, 0);
		t1 = now_us();
		if (p == MAP_FAILED)
			return 1;
		(void)artifact_checksum((const char *)p + 32,
					(size_t)st.st_size - 32);
		t2 = now_us();
		(void)artifact_checksum((const char *)p + 32,
					(size_t)st.st_size - 32);
		t3 = now_us();
		munmap(p, (size_t)st.st_size);
		close(fd);
		t4 = now_us();
		if (model_open(argv[1], &m, &err) != CORE_OK) {
			fprintf(stderr, "open_clock: %s\n", err.msg);
			return 1;
		}
		t5 = now_us();
		model_close(m);
		t[0][r] = t1 - t0;
		t[1][r] = t2 - t1;
		t[2][r] = t3 - t2;
		t[3][r] = t5 - t4;
		t[4][r] = now_us() - t5;
	}
	for (int k = 0; k < 5; k++) {
		qsort(t[k], (size_t)runs, sizeof(double), cmp);
		printf("%s=%.0f\n", names[k], t[k][runs / 2]);
	}
	return 0;
}
