/* SPDX-License-Identifier: MIT
 * core/clean.h - the reference's clean_text, byte for byte.
 *
 * Python (tagifai_core.clean_text): lower() -> remove stopwords with
 * \b(w1|w2|...)\b\s* under Python re's Unicode rules -> space out
 * punctuation -> [^A-Za-z0-9]+ to one space -> collapse spaces -> strip ->
 * remove http\S+ -> optional Porter stemming.  The output is ASCII.
 */
#ifndef CORE_CLEAN_H
#define CORE_CLEAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/status.h"

/* Limits on the stopword list given to cleaner_new (the English list has
 * 179 words of at most 10 bytes). */
#define CLEAN_MAX_STOPWORDS 65536
#define CLEAN_MAX_STOPWORD_LEN 256

struct cleaner;

/* Growable buffers a cleaner works in; zero-initialise, reuse across calls,
 * release with clean_buf_release. */
struct clean_buf {
	char *out;          /* NUL-terminated cleaned text */
	size_t len;         /* bytes in out, without the NUL */
	size_t cap;
	uint32_t *cp;       /* decoded code points (internal) */
	size_t cp_cap;
	void *aux;          /* internal (stemmer state etc.) */
};

/* Compiles the stopword alternation (order matters, as in the regex).
 * stopwords are UTF-8; n may be 0.  Caller frees with cleaner_free.
 * Each word is a literal: an empty word, a word with a regex metacharacter
 * (.^$*+?{}[]\|()) or invalid UTF-8 fails with CORE_ERR_INPUT, more than
 * CLEAN_MAX_STOPWORDS words or a word over CLEAN_MAX_STOPWORD_LEN bytes
 * with CORE_ERR_LIMIT; err (may be NULL) says which.  The cleaner is
 * read-only afterwards: threads may share it, each with its own struct
 * clean_buf. */
enum core_status cleaner_new(bool lower, bool stem,
			     const char *const *stopwords, size_t n,
			     struct cleaner **out,
			     struct core_error *err) CORE_WARN_UNUSED;
void cleaner_free(struct cleaner *c);

/* Cleans len bytes of text into buf->out.  Invalid UTF-8 bytes are read as
 * U+FFFD (doc/CLEANING.md).  Returns CORE_OK or CORE_ERR_NOMEM.  Once the
 * buffers have grown to the largest text seen (they keep at least
 * len + 1 bytes and len code points), calls allocate nothing, except the
 * first stem=True call on a buffer, which creates its stemmer.  After a
 * failure buf->out is unspecified, but buf can still be reused or released. */
enum core_status cleaner_run(const struct cleaner *c, const char *text,
			     size_t len, struct clean_buf *buf) CORE_WARN_UNUSED;
void clean_buf_release(struct clean_buf *buf);

/* NLTK's 179 English stopwords, in corpus order (the reference's list). */
extern const char *const clean_stopwords_english[];
extern const size_t clean_stopwords_english_count;

#endif
