/* SPDX-License-Identifier: MIT
 * core/ngram.h - sklearn's char_wb n-grams, packed into 64-bit keys.
 *
 * The text is what the cleaner produced (ASCII).  As sklearn's
 * _char_wb_ngrams: lowercase, split on whitespace, pad each word as " w ",
 * for n = nmin..nmax emit every n-gram of the padded word; when the padded
 * word is not longer than n, emit it once and skip the larger n.
 * A key holds the n-gram's bytes, first byte in the lowest 8 bits; since the
 * text has no NUL bytes, n-grams up to CORE_MAX_NGRAM bytes map one to one.
 */
#ifndef CORE_NGRAM_H
#define CORE_NGRAM_H

#include <stddef.h>
#include <stdint.h>

#include "core/model.h"

/* Upper bound of the keys ngram_extract emits for len bytes of text. */
size_t ngram_max_count(size_t len, unsigned nmin, unsigned nmax);

/* Writes the n-grams of text, in sklearn's order, to keys (room for
 * ngram_max_count(len, ...) keys); returns how many.  Requires
 * 1 <= nmin <= nmax <= CORE_MAX_NGRAM. */
size_t ngram_extract(const char *text, size_t len, unsigned nmin,
		     unsigned nmax, uint64_t *keys);

/* Packs n <= CORE_MAX_NGRAM bytes (no NUL) into a key, and back: unpack
 * writes the bytes and a NUL to out and returns n. */
uint64_t ngram_pack(const char *s, size_t n);
size_t ngram_unpack(uint64_t key, char out[CORE_MAX_NGRAM + 1]);

#endif
