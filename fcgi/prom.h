/* SPDX-License-Identifier: MIT
 * fcgi/prom.h - the Prometheus text exposition format 0.0.4, written into
 * a struct util_buf: a family's HELP and TYPE lines, then its samples.
 * Label values are escaped as the format says (backslash, double quote,
 * line feed); names are the caller's constants.  Nothing here knows what
 * the metrics mean (fcgi/observe.c does).
 */
#ifndef FCGI_PROM_H
#define FCGI_PROM_H

#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"

#define PROM_CONTENT_TYPE "text/plain; version=0.0.4; charset=utf-8"

/* A label: name and value (any bytes up to its NUL). */
struct prom_label {
	const char *name;
	const char *value;
};

/* "# HELP name help\n# TYPE name type\n"; type is "counter", "gauge",
 * "histogram".  help must not hold a line feed or backslash. */
void prom_family(struct util_buf *b, const char *name, const char *type,
		 const char *help);

/* One sample: name{labels} value, for an integer and a real value. */
void prom_uint(struct util_buf *b, const char *name,
	       const struct prom_label *labels, size_t n, uint64_t v);
void prom_real(struct util_buf *b, const char *name,
	       const struct prom_label *labels, size_t n, double v);

/* One sample of micro-units shown as units with six exact decimals
 * (12345 -> "0.012345"): durations and CPU time kept in microseconds. */
void prom_micro(struct util_buf *b, const char *name,
		const struct prom_label *labels, size_t n, uint64_t micro);

/* Appends value escaped for a label value, without the quotes. */
void prom_escape(struct util_buf *b, const char *value);

#endif
