/* SPDX-License-Identifier: MIT
 * fcgi/www.c - loads the pages and static files: all at start-up for
 * FastCGI, or the one a plain CGI request asks for.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fcgi/www.h"
#include "util/buf.h"
#include "util/file.h"

static const char *const page_file[WWW__MAX] = {
	"docs.html",    /* WWW_DOCS */
	"redoc.html",   /* WWW_REDOC */
	"demo.html",    /* WWW_DEMO */
};

static const struct {
	const char *ext;
	const char *type;
} types[] = {
	{ ".html", "text/html; charset=utf-8" },
	{ ".css", "text/css; charset=utf-8" },
	{ ".js", "text/javascript; charset=utf-8" },
	{ ".json", "application/json" },
	{ ".map", "application/json" },
	{ ".png", "image/png" },
	{ ".svg", "image/svg+xml" },
	{ ".ico", "image/x-icon" },
	{ ".txt", "text/plain; charset=utf-8" },
	{ ".woff2", "font/woff2" },
};

const char *
www_content_type(const char *name)
{
	size_t n = strlen(name);

	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		size_t e = strlen(types[i].ext);

		if (n >= e && strcmp(name + n - e, types[i].ext) == 0)
			return types[i].type;
	}
	if (n >= 8 && strcmp(name + n - 8, ".LICENSE") == 0)
		return "text/plain; charset=utf-8";
	return "application/octet-stream";
}

/* Reads a regular file of at most WWW_MAX_FILE bytes; NULL otherwise. */
static char *
slurp(const char *path, size_t *len)
{
	struct stat sb;
	char *data;

	if (stat(path, &sb) != 0 || !S_ISREG(sb.st_mode) ||
	    util_file_read(path, WWW_MAX_FILE, &data, len) != UTIL_OK)
		return NULL;
	return data;
}

static enum service_status
walk(struct www *w, const char *dir, const char *rel, int depth)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	enum service_status rc = SERVICE_OK;

	if (d == NULL)
		return SERVICE_OK;
	while ((e = readdir(d)) != NULL && w->n_files < WWW_MAX_FILES) {
		char path[4096], name[WWW_MAX_NAME];
		struct stat sb;

		if (e->d_name[0] == '.')
			continue;
		if (snprintf(path, sizeof(path), "%s/%s", dir, e->d_name) >=
			    (int)sizeof(path) ||
		    snprintf(name, sizeof(name), "%s%s%s", rel,
			     *rel ? "/" : "", e->d_name) >= (int)sizeof(name))
			continue;
		if (stat(path, &sb) != 0)
			continue;
		if (S_ISDIR(sb.st_mode)) {
			if (depth < WWW_MAX_DEPTH) {
				rc = walk(w, path, name, depth + 1);
				if (rc != SERVICE_OK)
					break;
			}
		} else if (S_ISREG(sb.st_mode)) {
			struct www_file *f = &w->files[w->n_files];

			f->data = slurp(path, &f->len);
			if (f->data == NULL)
				continue;
			f->name = strdup(name);
			if (f->name == NULL) {
				free(f->data);
				rc = SERVICE_ERR_NOMEM;
				break;
			}
			f->type = www_content_type(name);
			w->n_files++;
		}
	}
	closedir(d);
	return rc;
}

enum service_status
www_load(struct www *w, const char *dir, bool lazy, char *notes,
	 size_t notes_len)
{
	char path[4096];
	size_t missing = 0;

	memset(w, 0, sizeof(*w));
	w->files = calloc(WWW_MAX_FILES, sizeof(*w->files));
	if (w->files == NULL)
		return SERVICE_ERR_NOMEM;
	if (lazy) {
		/* One request per process: read only what it asks for. */
		w->lazy = true;
		w->dir = strdup(dir);
		if (w->dir == NULL) {
			www_free(w);
			return SERVICE_ERR_NOMEM;
		}
		snprintf(notes, notes_len, "www %s: read on demand", dir);
		return SERVICE_OK;
	}
	for (int i = 0; i < WWW__MAX; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, page_file[i]);
		w->page[i] = slurp(path, &w->page_len[i]);
		w->page_tried[i] = true;
		missing += w->page[i] == NULL;
	}
	snprintf(path, sizeof(path), "%s/static", dir);
	if (walk(w, path, "", 0) != SERVICE_OK) {
		www_free(w);
		return SERVICE_ERR_NOMEM;
	}
	if (missing == WWW__MAX && w->n_files == 0)
		snprintf(notes, notes_len, "www %s missing: /docs /redoc "
			 "/demo /static answer 404", dir);
	else
		snprintf(notes, notes_len, "www %s: %zu of %d pages, %zu "
			 "static files", dir, (size_t)WWW__MAX - missing,
			 WWW__MAX, w->n_files);
	return SERVICE_OK;
}

void
www_free(struct www *w)
{
	for (int i = 0; i < WWW__MAX; i++)
		free(w->page[i]);
	for (size_t i = 0; w->files != NULL && i < w->n_files; i++) {
		free(w->files[i].name);
		free(w->files[i].data);
	}
	free(w->files);
	free(w->dir);
	memset(w, 0, sizeof(*w));
}

const char *
www_page(struct www *w, enum www_page p, size_t *len)
{
	if ((unsigned)p >= WWW__MAX)
		return NULL;
	if (w->lazy && !w->page_tried[p]) {
		char path[4096];

		w->page_tried[p] = true;
		if (snprintf(path, sizeof(path), "%s/%s", w->dir,
			     page_file[p]) < (int)sizeof(path))
			w->page[p] = slurp(path, &w->page_len[p]);
	}
	*len = w->page_len[p];
	return w->page[p];
}

bool
www_name_ok(const char *name)
{
	size_t parts = 0, n = strlen(name);
	const char *p = name;

	if (n == 0 || n >= WWW_MAX_NAME)
		return false;
	for (;;) {
		const char *slash = strchr(p, '/');
		size_t k = slash ? (size_t)(slash - p) : strlen(p);

		/* The walk skips names starting with '.' (so "." and ".."
		 * too) and goes WWW_MAX_DEPTH folders down. */
		if (k == 0 || p[0] == '.' || ++parts > WWW_MAX_DEPTH + 1)
			return false;
		if (slash == NULL)
			return true;
		p = slash + 1;
	}
}

/* Lazy: reads static/<name> into the table (once per name). */
static const struct www_file *
load_one(struct www *w, const char *name)
{
	struct www_file *f;
	char path[4096];

	if (!www_name_ok(name) || w->n_files >= WWW_MAX_FILES ||
	    snprintf(path, sizeof(path), "%s/static/%s", w->dir, name) >=
		    (int)sizeof(path))
		return NULL;
	f = &w->files[w->n_files];
	f->data = slurp(path, &f->len);
	if (f->data == NULL)
		return NULL;
	f->name = strdup(name);
	if (f->name == NULL) {
		free(f->data);
		f->data = NULL;
		return NULL;
	}
	f->type = www_content_type(name);
	w->n_files++;
	return f;
}

const struct www_file *
www_find(struct www *w, const char *name)
{
	/* The table only holds names found at start-up; ".." can never
	 * match one, but refuse it explicitly all the same. */
	if (strstr(name, "..") != NULL)
		return NULL;
	for (size_t i = 0; i < w->n_files; i++)
		if (strcmp(w->files[i].name, name) == 0)
			return &w->files[i];
	return w->lazy ? load_one(w, name) : NULL;
}

static const char *
find(const char *p, const char *end, const char *m,
     size_t mlen)
{
	for (; (size_t)(end - p) >= mlen; p++)
		if (*p == *m && memcmp(p, m, mlen) == 0)
			return p;
	return NULL;
}

char *
www_render(const char *page, size_t len, const char *base,
	   size_t *out_len)
{
	static const char mark[] = "@BASE@";
	struct util_buf b = UTIL_BUF_INIT(WWW_MAX_PAGE);
	const char *p = page, *end = page + len, *hit;

	while ((hit = find(p, end, mark, sizeof(mark) - 1))) {
		util_buf_add(&b, p, (size_t)(hit - p));
		util_buf_adds(&b, base);
		p = hit + sizeof(mark) - 1;
	}
	util_buf_add(&b, p, (size_t)(end - p));
	return util_buf_take(&b, out_len);
}
