/* SPDX-License-Identifier: MIT
 * core/status.c - text for core status codes and the error-filling helper.
 */
#include <stdarg.h>
#include <stdio.h>

#include "core/status.h"

static const char *const status_text[CORE__MAX] = {
	"success",                       /* CORE_OK */
	"out of memory",                 /* CORE_ERR_NOMEM */
	"input/output error",            /* CORE_ERR_IO */
	"not a tagifai model file",      /* CORE_ERR_FORMAT */
	"unsupported format version",    /* CORE_ERR_VERSION */
	"corrupt or truncated file",     /* CORE_ERR_CORRUPT */
	"invalid input",                 /* CORE_ERR_INPUT */
	"limit exceeded",                /* CORE_ERR_LIMIT */
};

const char *core_strerror(enum core_status st)
{
	if ((unsigned)st >= CORE__MAX)
		return "unknown error";
	return status_text[st];
}

enum core_status core_fail(struct core_error *err, enum core_status st,
			   const char *fmt, ...)
{
	va_list ap;

	if (err == NULL)
		return st;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return st;
}

enum core_status
core_vfail_at(struct core_error *err, enum core_status st, const char *where,
	      const char *fmt, va_list ap)
{
	int n;

	if (err == NULL)
		return st;
	n = snprintf(err->msg, sizeof(err->msg), "%s: ", where);
	if (n >= 0 && (size_t)n < sizeof(err->msg))
		vsnprintf(err->msg + n, sizeof(err->msg) - (size_t)n, fmt, ap);
	return st;
}

enum core_status
core_fail_at(struct core_error *err, enum core_status st, const char *where,
	     const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	st = core_vfail_at(err, st, where, fmt, ap);
	va_end(ap);
	return st;
}
