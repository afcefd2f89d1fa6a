/* SPDX-License-Identifier: MIT
 * core/ngram.c - sklearn's char_wb n-gram analyzer over bytes, emitting
 * packed 64-bit keys instead of strings.
 *
 * This mirrors scikit-learn 1.2.1 _VectorizerMixin._char_wb_ngrams:
 *
 *     text = _white_spaces.sub(" ", text)        # r"\s\s+" -> " "
 *     for w in text.split():
 *         w = " " + w + " "
 *         for n in range(min_n, max_n + 1):
 *             offset = 0
 *             append(w[offset:offset + n])
 *             while offset + n < len(w):
 *                 offset += 1
 *                 append(w[offset:offset + n])
 *             if offset == 0:                    # short word: once only
 *                 break
 *
 * preceded by the vectorizer's lowercase=True (str.lower()).  Collapsing
 * whitespace runs cannot change what str.split() returns, so we only split.
 * The input is the cleaner's output, which is ASCII; we work on bytes and
 * treat exactly the ASCII characters Python's str.split() and str.lower()
 * treat specially: whitespace is \t \n \v \f \r, 0x1c-0x1f and space, and
 * lower-casing maps A-Z only.  Other bytes (non-ASCII) are kept as bytes,
 * which differs from Python's code-point n-grams; the cleaner never emits
 * them.
 */
#include <string.h>

#include "core/ngram.h"

/* Python's str.isspace() for ASCII code points. */
static int
is_space(unsigned char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r') || (c >= 0x1c && c <= 0x1f);
}

static unsigned char
lower(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') ? (unsigned char)(c + ('a' - 'A')) : c;
}

size_t
ngram_max_count(size_t len, unsigned nmin, unsigned nmax)
{
	/* A word of m bytes pads to m + 2 and yields at most m + 2 n-grams
	 * for each n; there are at most (len + 1) / 2 words, so the padded
	 * lengths sum to at most len + 2 * ((len + 1) / 2) <= 2 * len + 1. */
	if (nmax < nmin)
		return 0;
	return (size_t)(nmax - nmin + 1) * (2 * len + 1);
}

uint64_t
ngram_pack(const char *s, size_t n)
{
	uint64_t key = 0;

	for (size_t i = 0; i < n && i < CORE_MAX_NGRAM; i++)
		key |= (uint64_t)(unsigned char)s[i] << (8 * i);
	return key;
}

size_t
ngram_unpack(uint64_t key, char out[CORE_MAX_NGRAM + 1])
{
	size_t n = 0;

	while (n < CORE_MAX_NGRAM && (key >> (8 * n)) != 0) {
		out[n] = (char)((key >> (8 * n)) & 0xff);
		n++;
	}
	out[n] = '\0';
	return n;
}

/* The low n bytes of a little-endian 64-bit load, n in 1..8. */
static uint64_t
low_bytes(uint64_t v, size_t n)
{
	return n >= 8 ? v : v & ((UINT64_C(1) << (8 * n)) - 1);
}

static uint64_t
load64(const unsigned char *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

/* Emits the n-grams of one padded word w[0..wl), wl >= 3, followed by at
 * least 8 readable bytes.  The key of the n bytes at offset o is an 8-byte
 * load masked to n bytes (the key layout is little-endian, as in
 * ngram_pack), so each key costs a load, an AND and a store.  This relies
 * on a little-endian host, which model_open already requires. */
static size_t
word_ngrams(const unsigned char *w, size_t wl, unsigned nmin, unsigned nmax,
	    uint64_t *keys)
{
	size_t count = 0;

	for (unsigned n = nmin; n <= nmax; n++) {
		if (wl <= n) {
			/* The whole padded word, once; larger n are skipped. */
			keys[count++] = low_bytes(load64(w), wl);
			break;
		}
		uint64_t mask = low_bytes(~UINT64_C(0), n);

		for (size_t o = 0; o + n <= wl; o++)
			keys[count++] = load64(w + o) & mask;
	}
	return count;
}

size_t
ngram_extract(const char *text, size_t len, unsigned nmin, unsigned nmax,
	      uint64_t *keys)
{
	/* Room for the longest padded word we handle in one piece; longer
	 * words are handled with the same code on a heap-free sliding pass,
	 * see below. */
	unsigned char w[256 + 2 + 8] = { 0 }; /* 8 bytes of slack, load64 */
	size_t count = 0;
	size_t i = 0;

	if (nmin < 1 || nmax < nmin || nmax > CORE_MAX_NGRAM)
		return 0;
	while (i < len) {
		while (i < len && is_space((unsigned char)text[i]))
			i++;
		if (i >= len)
			break;
		size_t start = i;

		while (i < len && !is_space((unsigned char)text[i]))
			i++;
		size_t m = i - start;

		if (m + 2 + 8 <= sizeof(w)) {
			w[0] = ' ';
			for (size_t j = 0; j < m; j++)
				w[j + 1] = lower((unsigned char)text[start + j]);
			w[m + 1] = ' ';
			count += word_ngrams(w, m + 2, nmin, nmax, keys + count);
			continue;
		}
		/* A long word (m + 2 > nmax always here): for each n, slide
		 * over the virtual padded word " " + text + " ". */
		for (unsigned n = nmin; n <= nmax; n++) {
			size_t wl = m + 2;

			for (size_t o = 0; o + n <= wl; o++) {
				uint64_t key = 0;

				for (unsigned b = 0; b < n; b++) {
					size_t p = o + b;
					unsigned char c = (p == 0 || p == wl - 1)
						? ' '
						: lower((unsigned char)text[start + p - 1]);

					key |= (uint64_t)c << (8 * b);
				}
				keys[count++] = key;
			}
		}
	}
	return count;
}
