/* SPDX-License-Identifier: MIT
 * fcgi/www.h - the pages (/docs, /redoc, /demo) and static files, read
 * once at start-up into memory.
 *
 * Requests never touch the file system: a static file is found by exact
 * name in a table built from <www>/static/ at start-up, so no path a
 * client sends can reach another file.
 */
#ifndef FCGI_WWW_H
#define FCGI_WWW_H

#include <stddef.h>

#define WWW_MAX_FILES 256            /* files under static/ */
#define WWW_MAX_FILE (8u << 20)      /* bytes per file */
#define WWW_MAX_DEPTH 4              /* sub-folders under static/ */

enum www_page {
	WWW_DOCS,    /* docs.html */
	WWW_REDOC,   /* redoc.html */
	WWW_DEMO,    /* demo.html */
	WWW__MAX
};

struct www_file {
	char *name;            /* path under static/, e.g. "vendor/x.js" */
	char *data;
	size_t len;
	const char *type;      /* Content-Type */
};

struct www {
	char *page[WWW__MAX];      /* NULL when missing */
	size_t page_len[WWW__MAX];
	struct www_file *files;
	size_t n_files;
};

/* Loads dir's pages and static files.  Missing files are not errors (the
 * routes answer 404); returns 0, or -1 on allocation failure.  notes
 * receives a short summary for the ready line. */
int www_load(struct www *w, const char *dir, char *notes, size_t notes_len);
void www_free(struct www *w);

/* The static file called name, or NULL. */
const struct www_file *www_find(const struct www *w, const char *name);

/* Content-Type for a file name, by extension. */
const char *www_content_type(const char *name);

/* A copy of page with every "@BASE@" replaced by base; malloc'd (caller
 * frees), NULL on allocation failure. */
char *www_render(const char *page, size_t len, const char *base,
		 size_t *out_len);

#endif
