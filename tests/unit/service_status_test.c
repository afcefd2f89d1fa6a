/* SPDX-License-Identifier: MIT
 * tests/unit/service_status_test.c - the service layer's status texts: every
 * status has its own, and a value outside the enum still gets one.
 */
#include <string.h>

#include "fcgi/status.h"
#include "tests/unit/tap.h"

int
main(void)
{
	for (int i = 0; i < SERVICE__MAX; i++) {
		const char *t = service_strerror((enum service_status)i);
		int unique = 1;

		for (int k = 0; k < i; k++)
			unique &= strcmp(t, service_strerror(
					     (enum service_status)k)) != 0;
		tap_ok(t != NULL && t[0] != '\0' && unique &&
		       strcmp(t, "unknown status") != 0,
		       "status %d has its own text ('%s')", i, t);
	}
	tap_str_eq(service_strerror(SERVICE__MAX), "unknown status",
		   "a value past the enum");
	tap_str_eq(service_strerror((enum service_status)-1),
		   "unknown status", "a negative value");
	return tap_done();
}
