/* SPDX-License-Identifier: MIT
 * core/status.h - status codes shared by every core module.
 *
 * Every fallible core function returns an enum core_status; CORE_OK is 0.
 * Where a caller needs more than the code (a file name, a line number), the
 * function also fills a struct core_error with one human sentence.
 */
#ifndef CORE_STATUS_H
#define CORE_STATUS_H

#include <stdarg.h>
#include <stddef.h>

enum core_status {
	CORE_OK = 0,
	CORE_ERR_NOMEM,      /* allocation failed */
	CORE_ERR_IO,         /* open/read/write/mmap failed */
	CORE_ERR_FORMAT,     /* not one of our files (bad magic, foreign) */
	CORE_ERR_VERSION,    /* our format, but a version we do not read */
	CORE_ERR_CORRUPT,    /* truncated, checksum mismatch, bad offsets */
	CORE_ERR_INPUT,      /* bad input data (CSV, JSON, arguments) */
	CORE_ERR_LIMIT,      /* a documented size limit was exceeded */
	CORE__MAX
};

#define CORE_ERROR_MAX 512

/* A human-readable explanation filled by functions that can fail on input. */
struct core_error {
	char msg[CORE_ERROR_MAX];
};

/* Static English text for a status; never NULL. */
const char *core_strerror(enum core_status st);

/* printf-style helper: writes into err (if not NULL) and returns st. */
enum core_status core_fail(struct core_error *err, enum core_status st,
			   const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* As core_fail, with the message prefixed by "where: " (a file name, or
 * "file:line"), the form of every message about an input. */
enum core_status core_fail_at(struct core_error *err, enum core_status st,
			      const char *where, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
enum core_status core_vfail_at(struct core_error *err, enum core_status st,
			       const char *where, const char *fmt, va_list ap)
	__attribute__((format(printf, 4, 0)));

#define CORE_WARN_UNUSED __attribute__((warn_unused_result))

#endif
