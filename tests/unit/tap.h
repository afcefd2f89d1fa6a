/* SPDX-License-Identifier: MIT
 * tests/unit/tap.h - a minimal TAP producer for the C unit tests.
 *
 * Each check prints "ok N - name" or "not ok N - name"; tap_done() prints
 * the plan and returns the exit status.  automake's tap-driver.sh counts
 * them, and .ci/run sums the counts over every suite.
 */
#ifndef TESTS_TAP_H
#define TESTS_TAP_H

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int tap_count;
static int tap_failed;

__attribute__((format(printf, 2, 3)))
static int tap_ok(int cond, const char *fmt, ...)
{
	va_list ap;

	tap_count++;
	printf("%sok %d - ", cond ? "" : "not ", tap_count);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	if (!cond)
		tap_failed++;
	fflush(stdout);
	return cond;
}

/* Compare strings; on mismatch show both as TAP diagnostics. */
#define tap_str_eq(got, want, ...) do {                                     \
	const char *tap_g_ = (got), *tap_w_ = (want);                        \
	int tap_c_ = tap_g_ && tap_w_ && strcmp(tap_g_, tap_w_) == 0;        \
	if (!tap_ok(tap_c_, __VA_ARGS__))                                    \
		printf("#   got:  '%s'\n#   want: '%s'\n",                   \
		       tap_g_ ? tap_g_ : "(null)", tap_w_ ? tap_w_ : "(null)"); \
} while (0)

static int tap_done(void)
{
	printf("1..%d\n", tap_count);
	return tap_failed ? 1 : 0;
}

#endif
