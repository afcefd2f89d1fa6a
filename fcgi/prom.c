/* SPDX-License-Identifier: MIT
 * fcgi/prom.c - the Prometheus text format writer (fcgi/prom.h), after
 * "Exposition formats", text format 0.0.4: one sample a line,
 * name{label="value",...} value, label values with \\, \" and \n.
 */
#include <math.h>
#include <stdio.h>

#include "fcgi/prom.h"

void
prom_family(struct util_buf *b, const char *name, const char *type,
	    const char *help)
{
	util_buf_addf(b, "# HELP %s %s\n# TYPE %s %s\n", name, help, name,
		      type);
}

void
prom_escape(struct util_buf *b, const char *value)
{
	for (const char *p = value; *p != '\0'; p++) {
		switch (*p) {
		case '\\': util_buf_adds(b, "\\\\"); break;
		case '"': util_buf_adds(b, "\\\""); break;
		case '\n': util_buf_adds(b, "\\n"); break;
		default: util_buf_add(b, p, 1); break;
		}
	}
}

static void
head(struct util_buf *b, const char *name, const struct prom_label *labels,
     size_t n)
{
	util_buf_adds(b, name);
	if (n == 0) {
		util_buf_adds(b, " ");
		return;
	}
	util_buf_adds(b, "{");
	for (size_t i = 0; i < n; i++) {
		if (i > 0)
			util_buf_adds(b, ",");
		util_buf_adds(b, labels[i].name);
		util_buf_adds(b, "=\"");
		prom_escape(b, labels[i].value);
		util_buf_adds(b, "\"");
	}
	util_buf_adds(b, "} ");
}

void
prom_uint(struct util_buf *b, const char *name,
	  const struct prom_label *labels, size_t n, uint64_t v)
{
	head(b, name, labels, n);
	util_buf_add_uint(b, v);
	util_buf_adds(b, "\n");
}

void
prom_micro(struct util_buf *b, const char *name,
	   const struct prom_label *labels, size_t n, uint64_t micro)
{
	head(b, name, labels, n);
	util_buf_addf(b, "%llu.%06llu\n",
		      (unsigned long long)(micro / 1000000u),
		      (unsigned long long)(micro % 1000000u));
}

void
prom_real(struct util_buf *b, const char *name,
	  const struct prom_label *labels, size_t n, double v)
{
	head(b, name, labels, n);
	/* The format takes Go's ParseFloat spellings: %.17g round-trips a
	 * double; infinities and NaN have their own words. */
	if (isnan(v))
		util_buf_adds(b, "NaN");
	else if (isinf(v))
		util_buf_adds(b, v > 0 ? "+Inf" : "-Inf");
	else
		util_buf_addf(b, "%.17g", v);
	util_buf_adds(b, "\n");
}
