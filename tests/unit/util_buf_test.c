/* SPDX-License-Identifier: MIT
 * tests/unit/util_buf_test.c - the bounded buffer: appends, the maximum,
 * sticky failure, take/free, and overflow-checked array growth.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "tests/unit/tap.h"

static void
util_buf_should_append_and_take(void)
{
	struct util_buf b = UTIL_BUF_INIT(64);
	size_t len = 0;
	char *s;

	util_buf_adds(&b, "ab");
	util_buf_add(&b, "cdef", 2);
	util_buf_add_uint(&b, 0);
	util_buf_add_uint(&b, 18446744073709551615ull);
	util_buf_addf(&b, "-%d-%s", 42, "x");
	s = util_buf_take(&b, &len);
	tap_str_eq(s, "abcd018446744073709551615-42-x",
		   "util_buf should concatenate every kind of append");
	tap_ok(len == strlen("abcd018446744073709551615-42-x"),
	       "util_buf_take should report the length");
	tap_ok(b.data == NULL && b.len == 0 && b.max == 64,
	       "util_buf_take should empty the buffer and keep its maximum");
	free(s);
	s = util_buf_take(&b, &len);
	tap_str_eq(s, "", "util_buf_take of an empty buffer should give \"\"");
	tap_ok(len == 0, "util_buf_take of an empty buffer should give length 0");
	free(s);
}

static void
util_buf_should_stop_at_its_maximum(void)
{
	struct util_buf b = UTIL_BUF_INIT(8);

	util_buf_adds(&b, "12345678");
	tap_ok(b.st == UTIL_OK && b.len == 8,
	       "util_buf should accept exactly its maximum");
	tap_ok(b.cap <= 9, "util_buf should not allocate past max + 1 (cap %zu)",
	       b.cap);
	util_buf_adds(&b, "9");
	tap_ok(b.st == UTIL_ERR_LIMIT, "util_buf should fail one byte over");
	tap_ok(b.len == 8, "a failed append should leave the text as it was");
	util_buf_adds(&b, "");
	tap_ok(b.st == UTIL_ERR_LIMIT, "the failure should be sticky");
	tap_ok(util_buf_take(&b, NULL) == NULL,
	       "util_buf_take of a failed buffer should give NULL");
	util_buf_free(&b);
	tap_ok(b.st == UTIL_OK && b.max == 8,
	       "util_buf_free should clear the failure, keep the maximum");
}

static void
util_buf_should_refuse_a_size_that_overflows(void)
{
	struct util_buf b = UTIL_BUF_INIT(SIZE_MAX);

	util_buf_adds(&b, "x");
	tap_ok(!util_buf_reserve(&b, SIZE_MAX - 1),
	       "util_buf_reserve should refuse len + extra + 1 past SIZE_MAX");
	tap_ok(b.st == UTIL_ERR_NOMEM, "and report UTIL_ERR_NOMEM");
	util_buf_free(&b);
}

static void
util_buf_should_grow_by_doubling(void)
{
	struct util_buf b = UTIL_BUF_INIT(1 << 20);
	size_t caps[8], n = 0;
	int ok = 1;

	for (int i = 0; i < 3000; i++) {
		size_t before = b.cap;

		util_buf_add(&b, "x", 1);
		if (b.cap != before && n < 8)
			caps[n++] = b.cap;
	}
	for (size_t i = 1; i < n; i++)
		ok = ok && caps[i] == 2 * caps[i - 1];
	tap_ok(b.st == UTIL_OK && b.len == 3000 && n == 5 && caps[0] == 256 &&
	       ok, "util_buf should start at 256 and double (%zu growths)", n);
	util_buf_free(&b);
}

static void
util_array_reserve_should_double_and_check_overflow(void)
{
	int *a = NULL;
	size_t cap = 0;
	void *p = NULL;
	enum util_status st = util_array_reserve(&p, &cap, 5, sizeof(int), 4);

	tap_ok(st == UTIL_OK && cap == 8,
	       "util_array_reserve should double from min_cap (cap %zu)", cap);
	a = p;
	a[7] = 7;
	tap_ok(util_array_reserve(&p, &cap, 8, sizeof(int), 4) == UTIL_OK &&
	       p == a, "util_array_reserve should not move what already fits");
	tap_ok(util_array_reserve(&p, &cap, SIZE_MAX / 2, sizeof(int), 4) ==
	       UTIL_ERR_NOMEM && cap == 8 && p == a,
	       "util_array_reserve should refuse an overflowing byte size");
	free(p);
}

int
main(void)
{
	util_buf_should_append_and_take();
	util_buf_should_stop_at_its_maximum();
	util_buf_should_refuse_a_size_that_overflows();
	util_buf_should_grow_by_doubling();
	util_array_reserve_should_double_and_check_overflow();
	return tap_done();
}
