/* SPDX-License-Identifier: MIT
 * tests/unit/status_test.c - core's status codes and error messages
 * (core/status.c): every code has its own text, and the helpers that
 * fill struct core_error return the status they were given.
 */
#include <string.h>

#include "core/status.h"
#include "tests/unit/tap.h"

static void
core_strerror_should_name_every_status(void)
{
	int distinct = 1;

	for (int a = 0; a < CORE__MAX; a++)
		for (int b = a + 1; b < CORE__MAX; b++)
			if (strcmp(core_strerror(a), core_strerror(b)) == 0)
				distinct = 0;
	tap_ok(distinct, "core_strerror should give each status its own text");
	tap_str_eq(core_strerror(CORE_ERR_CORRUPT), "corrupt or truncated file",
		   "core_strerror(CORE_ERR_CORRUPT)");
	tap_str_eq(core_strerror(CORE__MAX), "unknown error",
		   "core_strerror of an unknown code");
}

static void
core_fail_at_should_prefix_the_place(void)
{
	struct core_error err = { "" };

	tap_ok(core_fail_at(&err, CORE_ERR_INPUT, "data.csv:7", "field %d is "
			    "empty", 3) == CORE_ERR_INPUT,
	       "core_fail_at should return the status it was given");
	tap_str_eq(err.msg, "data.csv:7: field 3 is empty",
		   "core_fail_at should write \"where: message\"");
	tap_ok(core_fail(&err, CORE_ERR_NOMEM, "out of %s", "memory") ==
	       CORE_ERR_NOMEM && strcmp(err.msg, "out of memory") == 0,
	       "core_fail should write the message alone");
	tap_ok(core_fail_at(NULL, CORE_ERR_IO, "x", "y") == CORE_ERR_IO,
	       "a NULL err should be allowed");
}

static void
core_fail_at_should_truncate_safely(void)
{
	struct core_error err = { "" };
	char where[2 * CORE_ERROR_MAX];

	memset(where, 'w', sizeof(where) - 1);
	where[sizeof(where) - 1] = '\0';
	core_fail_at(&err, CORE_ERR_INPUT, where, "%s", "tail");
	tap_ok(strlen(err.msg) == CORE_ERROR_MAX - 1,
	       "a long place should be cut at CORE_ERROR_MAX - 1 bytes");
}

int
main(void)
{
	core_strerror_should_name_every_status();
	core_fail_at_should_prefix_the_place();
	core_fail_at_should_truncate_safely();
	return tap_done();
}
