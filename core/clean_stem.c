/* SPDX-License-Identifier: MIT
 * core/clean_stem.c - word-by-word Porter stemming with libstemmer, for the
 * cleaner's stem=True option.
 *
 * libstemmer's sb_stemmer_stem() returns a pointer into the stemmer's own
 * memory, valid until the next call, so each stem is copied out at once
 * into a growable buffer that the struct owns.
 */
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libstemmer.h>

#include "core/clean_stem.h"

struct clean_stem {
	struct sb_stemmer *sb;
	char *out;
	size_t cap;
};

struct clean_stem *
clean_stem_new(void)
{
	struct clean_stem *st = calloc(1, sizeof(*st));

	if (st == NULL)
		return NULL;
	/* Only the algorithm name can make this fail besides memory, and
	 * "porter" is in every libstemmer build (sb_stemmer_list()). */
	st->sb = sb_stemmer_new("porter", NULL);
	if (st->sb == NULL) {
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
	sb_stemmer_delete(st->sb);
	free(st->out);
	free(st);
}

/* Makes room for need bytes in st->out. */
static enum core_status
reserve(struct clean_stem *st, size_t need)
{
	char *p;
	size_t cap;

	if (need <= st->cap)
		return CORE_OK;
	cap = st->cap ? st->cap : 64;
	while (cap < need) {
		if (cap > SIZE_MAX / 2)
			return CORE_ERR_NOMEM;
		cap *= 2;
	}
	p = realloc(st->out, cap);
	if (p == NULL)
		return CORE_ERR_NOMEM;
	st->out = p;
	st->cap = cap;
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
			const sb_symbol *s = sb_stemmer_stem(st->sb,
				(const sb_symbol *)w, (int)wlen);

			if (s == NULL) {
				rc = CORE_ERR_NOMEM;
				goto out;
			}
			w = (const char *)s;
			wlen = (size_t)sb_stemmer_length(st->sb);
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
