/* SPDX-License-Identifier: MIT
 * tests/unit/clean_tool.c - a driver for the cleaner, for
 * tests/clean_parity.test (and for a quick timing by hand).
 *
 * Usage: clean_tool [--no-lower] [--stem] [--raw] [--bench N] < input
 *        clean_tool --classes
 *
 * Each input line is one text, written in hex (so that NUL bytes, newlines
 * and invalid UTF-8 can be given), or as it is with --raw; an empty line is
 * the empty text.  Each text's cleaned form is printed on its own line.
 * --bench N cleans the whole input N more times and prints the mean CPU
 * time per text to stderr (no test looks at it).  --classes prints, for
 * every code point, the classes that the cleaner sees without and with lower(),
 * in the format of tests/clean_expected.py classes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/clean.h"
#include "core/clean_unicode.h"
#include "util/hex.h"

/* Longest input line we read (bytes of hex). */
#define TOOL_MAX_LINE (1u << 24)

struct text {
	char *s;
	size_t len;
};

/* One class letter per code point: the ASCII letter or digit itself, or
 * w (\w), s (\s) or o (other); as in clean_expected.py. */
static void
put_class(uint32_t cp, char *dst, size_t *n)
{
	if (cp < 128 && ((cp >= '0' && cp <= '9') || (cp >= 'A' && cp <= 'Z') ||
			 (cp >= 'a' && cp <= 'z'))) {
		dst[(*n)++] = (char)cp;
		return;
	}
	switch (clean_unicode_class(cp)) {
	case CLEAN_UCLASS_WORD:
		dst[(*n)++] = 'w';
		break;
	case CLEAN_UCLASS_SPACE:
		dst[(*n)++] = 's';
		break;
	default:
		dst[(*n)++] = 'o';
		break;
	}
}

/* Prints "first last plain lowered" for each run of code points with the
 * same classes, where plain is the class of the code point and lowered the
 * classes of its lowercase form. */
static int
dump_classes(void)
{
	char prev[8] = "", cur[8];
	uint32_t cp, first = 0;

	for (cp = 0; cp <= CLEAN_UNICODE_MAX + 1; cp++) {
		if (cp <= CLEAN_UNICODE_MAX) {
			uint32_t lc[2];
			size_t n = 0, k, m;

			put_class(cp, cur, &n);
			cur[n++] = ' ';
			m = clean_unicode_lower(cp, lc);
			for (k = 0; k < m; k++)
				put_class(lc[k], cur, &n);
			cur[n] = '\0';
		} else {
			cur[0] = '\0';
		}
		if (cp > 0 && strcmp(cur, prev) != 0) {
			printf("%x %x %s\n", (unsigned)first, (unsigned)cp - 1,
			       prev);
			first = cp;
		}
		memcpy(prev, cur, sizeof(prev));
	}
	return 0;
}

/* Reads every line of stdin into texts; returns the count or -1. */
static long
read_texts(bool raw, struct text **out)
{
	struct text *t = NULL;
	size_t n = 0, cap = 0;
	char *line = NULL;
	size_t lcap = 0;
	ssize_t got;

	while ((got = getline(&line, &lcap, stdin)) >= 0) {
		size_t len = (size_t)got, i;
		char *s;

		if (len > 0 && line[len - 1] == '\n')
			len--;
		if (len > TOOL_MAX_LINE || (!raw && len % 2 != 0))
			goto bad;
		if (n == cap) {
			struct text *nt;

			cap = cap ? cap * 2 : 256;
			nt = realloc(t, cap * sizeof(*t));
			if (nt == NULL)
				goto bad;
			t = nt;
		}
		s = malloc(len + 1);
		if (s == NULL)
			goto bad;
		if (raw) {
			memcpy(s, line, len);
			t[n].len = len;
		} else {
			for (i = 0; i < len; i += 2) {
				int hi = util_hex_digit(line[i]);
				int lo = util_hex_digit(line[i + 1]);

				if (hi < 0 || lo < 0) {
					free(s);
					goto bad;
				}
				s[i / 2] = (char)(hi * 16 + lo);
			}
			t[n].len = len / 2;
		}
		s[t[n].len] = '\0';
		t[n++].s = s;
	}
	free(line);
	*out = t;
	return (long)n;
bad:
	fprintf(stderr, "clean_tool: bad input line %zu\n", n + 1);
	free(line);
	while (n > 0)
		free(t[--n].s);
	free(t);
	return -1;
}

int
main(int argc, char **argv)
{
	struct cleaner *c = NULL;
	struct clean_buf buf = {0};
	struct core_error err = {{0}};
	struct text *t = NULL;
	bool lower = true, stem = false, raw = false;
	long n = 0, i, reps = 0, r;
	int status = 1;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--classes") == 0)
			return dump_classes();
		else if (strcmp(argv[i], "--no-lower") == 0)
			lower = false;
		else if (strcmp(argv[i], "--stem") == 0)
			stem = true;
		else if (strcmp(argv[i], "--raw") == 0)
			raw = true;
		else if (strcmp(argv[i], "--bench") == 0 && i + 1 < argc)
			reps = atol(argv[++i]);
		else {
			fprintf(stderr, "usage: clean_tool [--no-lower] [--stem]"
				" [--raw] [--bench N] | --classes\n");
			return 2;
		}
	}
	if (cleaner_new(lower, stem, clean_stopwords_english,
			clean_stopwords_english_count, &c, &err) != CORE_OK) {
		fprintf(stderr, "clean_tool: %s\n", err.msg);
		goto out;
	}
	n = read_texts(raw, &t);
	if (n < 0)
		goto out;
	for (i = 0; i < n; i++) {
		if (cleaner_run(c, t[i].s, t[i].len, &buf) != CORE_OK) {
			fprintf(stderr, "clean_tool: out of memory\n");
			goto out;
		}
		printf("%s\n", buf.out);
	}
	if (reps > 0 && n > 0) {
		struct timespec a, b;
		double ns;

		clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &a);
		for (r = 0; r < reps; r++)
			for (i = 0; i < n; i++)
				if (cleaner_run(c, t[i].s, t[i].len, &buf) !=
				    CORE_OK)
					goto out;
		clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &b);
		ns = (double)(b.tv_sec - a.tv_sec) * 1e9 +
		     (double)(b.tv_nsec - a.tv_nsec);
		fprintf(stderr, "clean_tool: %.1f CPU ns/text over %ld texts x %ld\n",
			ns / (double)n / (double)reps, n, reps);
	}
	status = fflush(stdout) == 0 ? 0 : 1;
out:
	for (i = 0; i < n; i++)
		free(t[i].s);
	free(t);
	clean_buf_release(&buf);
	cleaner_free(c);
	return status;
}
