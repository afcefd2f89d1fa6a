/* SPDX-License-Identifier: MIT
 * util/status.c - text for util status codes.
 */
#include "util/status.h"

static const char *const status_text[UTIL__MAX] = {
	"success",              /* UTIL_OK */
	"out of memory",        /* UTIL_ERR_NOMEM */
	"input/output error",   /* UTIL_ERR_IO */
	"limit exceeded",       /* UTIL_ERR_LIMIT */
};

const char *
util_strerror(enum util_status st)
{
	if ((unsigned)st >= UTIL__MAX)
		return "unknown error";
	return status_text[st];
}
