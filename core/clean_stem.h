/* SPDX-License-Identifier: MIT
 * core/clean_stem.h - Porter stemming of cleaned text, word by word.
 *
 * The 2022 lesson stems with NLTK's PorterStemmer, one space-separated word
 * at a time.  We use Snowball's "porter" algorithm from libstemmer (the
 * original 1980 Porter algorithm), which differs from NLTK's default
 * NLTK_EXTENSIONS mode on a few words; doc/CLEANING.md lists what we know.
 * A stemmer holds mutable state: use one per thread (core/clean.c keeps one
 * in each struct clean_buf).
 *
 * libstemmer is opened at run time (dlopen), and only by cleaners that
 * stem: linked like the other libraries, its relocation tables (every
 * language's stemmer) cost each process about a millisecond at start-up,
 * which a plain CGI request pays every time, for models that never stem.
 */
#ifndef CORE_CLEAN_STEM_H
#define CORE_CLEAN_STEM_H

#include <stddef.h>

#include "core/status.h"

/* Words this long or shorter are left as they are, as NLTK and Porter's
 * reference C code do (Snowball alone would turn "is" into "i"). */
#define CLEAN_STEM_MIN_KEEP 2

struct clean_stem;
struct clean_stem_lib;

/* Opens libstemmer (its soname found by configure) and checks that it has
 * the "porter" algorithm; CORE_ERR_IO with dlerror()'s reason in err (may
 * be NULL) when it cannot.  Shared by threads; close with
 * clean_stem_lib_close when no stemmer of it is left. */
enum core_status clean_stem_lib_open(struct clean_stem_lib **out,
				     struct core_error *err) CORE_WARN_UNUSED;
void clean_stem_lib_close(struct clean_stem_lib *lib);

/* Creates a stemmer of lib; it holds its own reference to the library, so
 * it may outlive lib.  Returns NULL when out of memory (libstemmer does
 * not say more).  Free with clean_stem_free. */
struct clean_stem *clean_stem_new(const struct clean_stem_lib *lib);
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
