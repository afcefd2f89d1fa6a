/* SPDX-License-Identifier: MIT
 * core/clean_stem.c - word-by-word Porter stemming with libstemmer, for the
 * cleaner's stem=True option.
 *
 * libstemmer's sb_stemmer_stem() returns a pointer into the stemmer's own
 * memory, valid until the next call, so each stem is copied out at once
 * into a growable buffer that the struct owns.  The library is opened with
 * dlopen (see clean_stem.h for why).
 */
#include <dlfcn.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libstemmer.h>

#include "core/clean_stem.h"
#include "util/buf.h"

/* First capacity of the stemmed text. */
#define CLEAN_STEM_MIN_CAP 64

#ifndef TAGIFAI_STEMMER_SONAME
#define TAGIFAI_STEMMER_SONAME "libstemmer.so.0d"  /* Debian's */
#endif

/* The four libstemmer functions used, with libstemmer.h's types. */
struct clean_stem_lib {
	void *handle;
	struct sb_stemmer *(*create)(const char *algorithm,
				     const char *charenc);
	void (*destroy)(struct sb_stemmer *sb);
	const sb_symbol *(*stem)(struct sb_stemmer *sb, const sb_symbol *word,
				 int size);
	int (*length)(struct sb_stemmer *sb);
};

/* A stemmer keeps its own reference to the library (a second dlopen of a
 * loaded library only counts it), so it may outlive the cleaner that
 * made it: a struct clean_buf can move on to another cleaner. */
struct clean_stem {
	struct clean_stem_lib lib;
	struct sb_stemmer *sb;
	char *out;
	size_t cap;
};

enum core_status
clean_stem_lib_open(struct clean_stem_lib **out, struct core_error *err)
{
	struct clean_stem_lib *lib = calloc(1, sizeof(*lib));
	struct sb_stemmer *probe;
	const char *why;

	if (lib == NULL)
		return core_fail(err, CORE_ERR_NOMEM, "out of memory");
	lib->handle = dlopen(TAGIFAI_STEMMER_SONAME, RTLD_NOW | RTLD_LOCAL);
	if (lib->handle == NULL) {
		why = dlerror();
		goto fail;
	}
	/* POSIX's way to turn a data pointer into a function pointer. */
	*(void **)&lib->create = dlsym(lib->handle, "sb_stemmer_new");
	*(void **)&lib->destroy = dlsym(lib->handle, "sb_stemmer_delete");
	*(void **)&lib->stem = dlsym(lib->handle, "sb_stemmer_stem");
	*(void **)&lib->length = dlsym(lib->handle, "sb_stemmer_length");
	if (!lib->create || !lib->destroy || !lib->stem || !lib->length) {
		why = "a sb_stemmer_* function is missing";
		goto fail;
	}
	/* "porter" is in every libstemmer build (sb_stemmer_list()); this
	 * checks once what clean_stem_new then takes for granted. */
	probe = lib->create("porter", NULL);
	if (probe == NULL) {
		why = "no \"porter\" algorithm";
		goto fail;
	}
	lib->destroy(probe);
	*out = lib;
	return CORE_OK;
fail:
	core_fail(err, CORE_ERR_IO, "stemming needs libstemmer (%s): %s",
		  TAGIFAI_STEMMER_SONAME, why ? why : "cannot open it");
	clean_stem_lib_close(lib);
	return CORE_ERR_IO;
}

void
clean_stem_lib_close(struct clean_stem_lib *lib)
{
	if (lib == NULL)
		return;
	if (lib->handle != NULL)
		dlclose(lib->handle);
	free(lib);
}

struct clean_stem *
clean_stem_new(const struct clean_stem_lib *lib)
{
	struct clean_stem *st = calloc(1, sizeof(*st));

	if (st == NULL)
		return NULL;
	st->lib = *lib;
	st->lib.handle = dlopen(TAGIFAI_STEMMER_SONAME, RTLD_NOW | RTLD_LOCAL);
	if (st->lib.handle == NULL) {
		free(st);
		return NULL;
	}
	st->sb = lib->create("porter", NULL);
	if (st->sb == NULL) {
		dlclose(st->lib.handle);
		free(st);
		return NULL;
	}
	return st;
}

void
clean_stem_free(struct clean_stem *st)
{
	if (st == NULL)
		return;
	st->lib.destroy(st->sb);
	dlclose(st->lib.handle);
	free(st->out);
	free(st);
}

/* Makes room for need bytes in st->out. */
static enum core_status
reserve(struct clean_stem *st, size_t need)
{
	void *p = st->out;

	if (need <= st->cap)
		return CORE_OK;
	if (util_array_reserve(&p, &st->cap, need, 1, CLEAN_STEM_MIN_CAP) !=
	    UTIL_OK)
		return CORE_ERR_NOMEM;
	st->out = p;
	return CORE_OK;
}

enum core_status
clean_stem_text(struct clean_stem *st, const char *text, size_t len,
		const char **out, size_t *out_len)
{
	enum core_status rc;
	size_t i = 0, o = 0;

	/* A stem is never longer than its word in practice, but do not rely
	 * on it: reserve() is called again per word below. */
	rc = reserve(st, len + 1);
	if (rc != CORE_OK)
		goto out;
	while (i < len) {
		size_t start = i, wlen;
		const char *w;

		if (text[i] == ' ') {
			st->out[o++] = ' ';
			i++;
			continue;
		}
		while (i < len && text[i] != ' ')
			i++;
		w = text + start;
		wlen = i - start;
		if (wlen > CLEAN_STEM_MIN_KEEP && wlen <= INT_MAX) {
			const sb_symbol *s = st->lib.stem(st->sb,
				(const sb_symbol *)w, (int)wlen);

			if (s == NULL) {
				rc = CORE_ERR_NOMEM;
				goto out;
			}
			w = (const char *)s;
			wlen = (size_t)st->lib.length(st->sb);
		}
		rc = reserve(st, o + wlen + (len - i) + 1);
		if (rc != CORE_OK)
			goto out;
		memcpy(st->out + o, w, wlen);
		o += wlen;
	}
	st->out[o] = '\0';
	*out = st->out;
	*out_len = o;
out:
	return rc;
}
