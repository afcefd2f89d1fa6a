/* SPDX-License-Identifier: MIT
 * fcgi/www.h - the pages (/docs, /redoc, /demo) and static files.
 *
 * A FastCGI process reads them once at start-up into memory, and then
 * requests never touch the file system: a static file is found by exact
 * name in a table built from <www>/static/, so no path a client sends can
 * reach another file.  A plain CGI process answers one request, so it
 * reads nothing at start-up ("lazy"): a page when it is asked for, and a
 * static file by its name, which must then look like a name the start-up
 * walk could have found (www_name_ok).
 */
#ifndef FCGI_WWW_H
#define FCGI_WWW_H

#include <stdbool.h>
#include <stddef.h>

#include "fcgi/status.h"

#define WWW_MAX_FILES 256            /* files under static/ */
#define WWW_MAX_FILE (8u << 20)      /* bytes per file */
#define WWW_MAX_DEPTH 4              /* sub-folders under static/ */
#define WWW_MAX_NAME 1024            /* bytes of a name under static/ */
#define WWW_MAX_PAGE ((size_t)1 << 30) /* a page with @BASE@ filled in */

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
	char *dir;                 /* lazy only: the folder */
	bool lazy;
	bool page_tried[WWW__MAX]; /* lazy only: page[] was looked for */
};

/* Prepares dir's pages and static files: reads them all now, or with
 * lazy only remembers dir (plain CGI).  Missing files are not errors
 * (the routes answer 404): SERVICE_OK, or SERVICE_ERR_NOMEM.
 * notes receives a short summary for the ready line.  Free with
 * www_free in every case. */
enum service_status www_load(struct www *w, const char *dir, bool lazy,
			     char *notes, size_t notes_len)
	SERVICE_WARN_UNUSED;
void www_free(struct www *w);

/* Page p (reading it now when lazy), its length in *len; NULL when
 * missing.  Owned by w. */
const char *www_page(struct www *w, enum www_page p, size_t *len);

/* The static file called name (a path under static/), or NULL.  When
 * lazy, a name that passes www_name_ok is read now and kept in w. */
const struct www_file *www_find(struct www *w, const char *name);

/* True when name could be a file of the start-up walk: 1 to
 * WWW_MAX_DEPTH + 1 non-empty '/'-separated parts, none starting with
 * '.', shorter than WWW_MAX_NAME. */
bool www_name_ok(const char *name);

/* Content-Type for a file name, by extension. */
const char *www_content_type(const char *name);

/* A copy of page with every "@BASE@" replaced by base; malloc'd (caller
 * frees), NULL on allocation failure. */
char *www_render(const char *page, size_t len, const char *base,
		 size_t *out_len);

#endif
