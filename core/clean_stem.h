/* SPDX-License-Identifier: MIT
 * core/clean_stem.h - Porter stemming of cleaned text, word by word.
 *
 * The 2022 lesson stems with NLTK's PorterStemmer, one space-separated word
 * at a time.  We use Snowball's "porter" algorithm from libstemmer (the
 * original 1980 Porter algorithm), which differs from NLTK's default
 * NLTK_EXTENSIONS mode on a few words; doc/CLEANING.md lists what we know.
 * A stemmer holds mutable state: use one per thread (core/clean.c keeps one
 * in each struct clean_buf).
 */
#ifndef CORE_CLEAN_STEM_H
#define CORE_CLEAN_STEM_H

#include <stddef.h>

#include "core/status.h"

/* Words this long or shorter are left as they are, as NLTK and Porter's
 * reference C code do (Snowball alone would turn "is" into "i"). */
#define CLEAN_STEM_MIN_KEEP 2

struct clean_stem;

/* Creates a stemmer.  Returns NULL when out of memory (libstemmer does not
 * say more).  Free with clean_stem_free. */
struct clean_stem *clean_stem_new(void);
void clean_stem_free(struct clean_stem *st);

/* Stems each maximal run of non-space bytes of text[0..len) and keeps every
 * space where it was (so "a  b" keeps its two spaces, like Python's
 * " ".join(stem(w) for w in text.split(" "))).  On CORE_OK, *out points to
 * a NUL-terminated result of *out_len bytes owned by st, valid until the
 * next call on st.  Fails with CORE_ERR_NOMEM, leaving *out alone. */
enum core_status clean_stem_text(struct clean_stem *st, const char *text,
				 size_t len, const char **out,
				 size_t *out_len) CORE_WARN_UNUSED;

#endif
