/* SPDX-License-Identifier: MIT
 * core/clean.c - the reference's clean_text (tagifai_core.py), byte for
 * byte, without a regex engine.
 *
 * The Python steps and what they reduce to (doc/CLEANING.md has the proofs
 * and examples):
 *
 *   1. text.lower()                 -> decode + lower, one code point at a
 *                                      time (clean_unicode_lower)
 *   2. \b(w1|w2|...)\b\s* -> ""     -> a left-to-right scan that tries the
 *                                      stopwords in list order at every word
 *                                      boundary; \b, \w and \s are always
 *                                      judged on the *input* string, as
 *                                      re.sub does
 *   3. spacing around punctuation,
 *      [^A-Za-z0-9]+ -> " ",
 *      " +" -> " ", strip()         -> every maximal run of characters other
 *                                      than ASCII letters and digits becomes
 *                                      one space, none at either end (the
 *                                      spacing step only adds characters to
 *                                      runs that exist already)
 *   4. http\S+ -> ""                -> on that ASCII text, delete "http"
 *                                      plus the rest of its token when at
 *                                      least one non-space follows it
 *   5. optional Porter stemming     -> core/clean_stem.c
 *
 * Steps 2 and 3 are fused: the scan emits the surviving code points straight
 * into the ASCII output.  Each decoded code point is stored with its class
 * (\w, \s or other) in the top bits, so the scan never looks a class up.
 *
 * Finding the stopword at a boundary: a stopword made only of \w code
 * points ("pure") can only match the whole \w run that starts there (the
 * \b after it needs a non-word next), so one hash lookup of that run finds
 * the earliest such word.  Stopwords with a non-word code point ("don't")
 * are tried one by one, in list order, from a chain indexed by their first
 * code point, and only while they come before the pure word found.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/clean.h"
#include "core/clean_stem.h"
#include "core/clean_unicode.h"
#include "util/buf.h"

/* Smallest allocation for the per-call buffers, so that typical texts never
 * grow them twice. */
#define CLEAN_MIN_BUF 256

/* A code point packed with its class: bits 0-20 the code point, bits 24-25
 * the enum clean_uclass. */
#define PACK(cp, cls) ((uint32_t)(cp) | ((uint32_t)(cls) << 24))
#define CP_OF(x) ((x) & 0x1FFFFFu)
#define IS_WORD(x) (((x) >> 24) == CLEAN_UCLASS_WORD)
#define IS_SPACE(x) (((x) >> 24) == CLEAN_UCLASS_SPACE)
#define NO_WORD (-1)

struct stopword {
	uint32_t off;           /* first code point in cleaner->cps */
	uint32_t len;           /* code points, >= 1 */
	uint32_t hash;          /* run_hash() of the code points */
	bool pure;              /* every code point is \w */
	int32_t next;           /* impure words only: the next impure word
				 * with the same first code point (or, for
				 * non-ASCII ones, the next impure word
				 * starting above ASCII), in list order */
};

struct cleaner {
	bool lower;
	bool stem;
	struct clean_stem_lib *stem_lib;  /* opened when stem */
	size_t nwords;
	struct stopword *words;
	uint32_t *cps;                  /* packed code points of all words */
	int32_t *table;                 /* pure words by hash, open addressing;
					 * NO_WORD marks an empty slot */
	uint32_t table_mask;            /* slots - 1 (a power of two) */
	int32_t first_ascii[128];       /* first impure word per first byte */
	int32_t first_other;            /* first impure word above ASCII */
	uint32_t ascii_packed[128];     /* byte -> packed (lowered) code point */
	bool ascii_alnum[128];          /* [A-Za-z0-9] */
};

/* FNV-1a over packed code points. */
static inline uint32_t
run_hash(const uint32_t *cp, size_t n)
{
	uint32_t h = 2166136261u;
	size_t i;

	for (i = 0; i < n; i++)
		h = (h ^ cp[i]) * 16777619u;
	return h;
}

/* Python's re treats these as syntax, not literals; we only do literals. */
static const char regex_meta[] = ".^$*+?{}[]\\|()";

/* Whether the pure word at table index k has the code points of w. */
static bool
same_word(const struct cleaner *c, int32_t k, const struct stopword *w)
{
	const struct stopword *v = &c->words[k];

	return v->len == w->len && v->hash == w->hash &&
	       memcmp(c->cps + v->off, c->cps + w->off,
		      w->len * sizeof(uint32_t)) == 0;
}

/* Decodes one stopword into packed code points at c->cps + off. */
static enum core_status
add_word(struct cleaner *c, size_t idx, const char *w, uint32_t *off,
	 struct core_error *err)
{
	const unsigned char *s = (const unsigned char *)w;
	size_t len, i = 0;
	uint32_t n = 0, cp;
	int32_t *tail;
	struct stopword *sw;

	if (w == NULL || w[0] == '\0')
		return core_fail(err, CORE_ERR_INPUT,
				 "stopword %zu is empty", idx);
	len = strlen(w);
	if (len > CLEAN_MAX_STOPWORD_LEN)
		return core_fail(err, CORE_ERR_LIMIT,
				 "stopword %zu is longer than %d bytes", idx,
				 CLEAN_MAX_STOPWORD_LEN);
	if (strpbrk(w, regex_meta) != NULL)
		return core_fail(err, CORE_ERR_INPUT,
				 "stopword %zu (\"%s\") contains a regex "
				 "metacharacter", idx, w);
	while (i < len) {
		size_t k = clean_unicode_decode(s + i, len - i, &cp);

		if (cp == CLEAN_UNICODE_REPLACEMENT && k == 1 && s[i] >= 0x80)
			return core_fail(err, CORE_ERR_INPUT,
					 "stopword %zu is not valid UTF-8",
					 idx);
		c->cps[*off + n++] = PACK(cp, clean_unicode_class(cp));
		i += k;
	}
	sw = &c->words[idx];
	sw->off = *off;
	sw->len = n;
	sw->hash = run_hash(c->cps + *off, n);
	sw->next = NO_WORD;
	sw->pure = true;
	for (i = 0; i < n; i++)
		sw->pure = sw->pure && IS_WORD(c->cps[*off + i]);
	*off += n;
	if (sw->pure) {
		/* Keep only the first of equal words: it is the one the
		 * alternation would take. */
		uint32_t slot = sw->hash & c->table_mask;

		for (; c->table[slot] != NO_WORD;
		     slot = (slot + 1) & c->table_mask)
			if (same_word(c, c->table[slot], sw))
				return CORE_OK;
		c->table[slot] = (int32_t)idx;
		return CORE_OK;
	}
	/* Append to the end of its chain so that chains keep list order. */
	cp = CP_OF(c->cps[sw->off]);
	tail = cp < 128 ? &c->first_ascii[cp] : &c->first_other;
	while (*tail != NO_WORD)
		tail = &c->words[*tail].next;
	*tail = (int32_t)idx;
	return CORE_OK;
}

enum core_status
cleaner_new(bool lower, bool stem, const char *const *stopwords, size_t n,
	    struct cleaner **out, struct core_error *err)
{
	enum core_status rc = CORE_OK;
	struct cleaner *c;
	size_t i, slots, total = 0;
	uint32_t off = 0;

	if (n > CLEAN_MAX_STOPWORDS)
		return core_fail(err, CORE_ERR_LIMIT,
				 "more than %d stopwords", CLEAN_MAX_STOPWORDS);
	c = calloc(1, sizeof(*c));
	if (c == NULL)
		return core_fail(err, CORE_ERR_NOMEM, "no memory for cleaner");
	c->lower = lower;
	c->stem = stem;
	if (stem) {
		rc = clean_stem_lib_open(&c->stem_lib, err);
		if (rc != CORE_OK)
			goto out;
	}
	c->nwords = n;
	c->first_other = NO_WORD;
	for (i = 0; i < 128; i++) {
		uint32_t lc[2];

		c->first_ascii[i] = NO_WORD;
		(void)clean_unicode_lower((uint32_t)i, lc);
		lc[0] = lower ? lc[0] : (uint32_t)i;
		c->ascii_packed[i] = PACK(lc[0], clean_unicode_class(lc[0]));
		c->ascii_alnum[i] = (i >= '0' && i <= '9') ||
				    (i >= 'A' && i <= 'Z') ||
				    (i >= 'a' && i <= 'z');
	}
	for (i = 0; i < n; i++)
		total += stopwords[i] ? strlen(stopwords[i]) : 0;
	/* At most half full, so probes stay short. */
	for (slots = 16; slots < 2 * n; slots *= 2)
		;
	c->table_mask = (uint32_t)(slots - 1);
	c->table = malloc(slots * sizeof(*c->table));
	c->words = calloc(n ? n : 1, sizeof(*c->words));
	c->cps = calloc(total ? total : 1, sizeof(*c->cps));
	if (c->table == NULL || c->words == NULL || c->cps == NULL) {
		rc = core_fail(err, CORE_ERR_NOMEM, "no memory for stopwords");
		goto out;
	}
	for (i = 0; i < slots; i++)
		c->table[i] = NO_WORD;
	for (i = 0; i < n; i++) {
		rc = add_word(c, i, stopwords[i], &off, err);
		if (rc != CORE_OK)
			goto out;
	}
	*out = c;
out:
	if (rc != CORE_OK)
		cleaner_free(c);
	return rc;
}

void
cleaner_free(struct cleaner *c)
{
	if (c == NULL)
		return;
	free(c->table);
	free(c->words);
	free(c->cps);
	clean_stem_lib_close(c->stem_lib);
	free(c);
}

/* Grows *p (of *cap elements of size elem) to hold at least need. */
static enum core_status
grow(void **p, size_t *cap, size_t need, size_t elem)
{
	/* Checked here first: the buffers are reused, so most calls return
	 * at once without a call into util. */
	if (need <= *cap)
		return CORE_OK;
	if (util_array_reserve(p, cap, need, elem, CLEAN_MIN_BUF) != UTIL_OK)
		return CORE_ERR_NOMEM;
	return CORE_OK;
}

/* Decodes (and with lower=True lowercases) text into packed code points;
 * returns how many.  cp must hold len entries: no byte yields more than one
 * code point (U+0130, the only one that lowers to two, takes two bytes). */
static size_t
decode(const struct cleaner *c, const unsigned char *s, size_t len,
       uint32_t *cp)
{
	size_t i = 0, n = 0;

	while (i < len) {
		uint32_t v, lc[2];
		size_t k, m;

		if (s[i] < 0x80) {
			cp[n++] = c->ascii_packed[s[i++]];
			continue;
		}
		i += clean_unicode_decode(s + i, len - i, &v);
		if (!c->lower) {
			cp[n++] = PACK(v, clean_unicode_class(v));
			continue;
		}
		m = clean_unicode_lower(v, lc);
		for (k = 0; k < m; k++)
			cp[n++] = PACK(lc[k], clean_unicode_class(lc[k]));
	}
	return n;
}

/* \b between cp[i-1] and cp[i]; positions 0 and n border a non-word. */
static inline bool
boundary(const uint32_t *cp, size_t n, size_t i)
{
	bool before = i > 0 && IS_WORD(cp[i - 1]);
	bool after = i < n && IS_WORD(cp[i]);

	return before != after;
}

/* The earliest pure stopword equal to cp[i..r), or NO_WORD. */
static int32_t
find_pure(const struct cleaner *c, const uint32_t *cp, size_t i, size_t r)
{
	uint32_t h = run_hash(cp + i, r - i);
	uint32_t slot = h & c->table_mask;
	int32_t k;

	for (; (k = c->table[slot]) != NO_WORD;
	     slot = (slot + 1) & c->table_mask) {
		const struct stopword *w = &c->words[k];

		if (w->hash == h && w->len == r - i &&
		    memcmp(c->cps + w->off, cp + i,
			   w->len * sizeof(uint32_t)) == 0)
			return k;
	}
	return NO_WORD;
}

/* Tries \b(w1|w2|...)\b\s* at position i (where \b holds already): the
 * first word in list order that matches wins.  On a match returns true and
 * the end of the match (after \s*) in *end. */
static bool
match_at(const struct cleaner *c, const uint32_t *cp, size_t n, size_t i,
	 size_t *end)
{
	uint32_t first = CP_OF(cp[i]);
	int32_t best = NO_WORD, k;
	size_t e;

	if (IS_WORD(cp[i])) {
		for (e = i + 1; e < n && IS_WORD(cp[e]); e++)
			;
		best = find_pure(c, cp, i, e);
	}
	k = first < 128 ? c->first_ascii[first] : c->first_other;
	for (; k != NO_WORD && (best == NO_WORD || k < best);
	     k = c->words[k].next) {
		const struct stopword *w = &c->words[k];
		const uint32_t *ws = c->cps + w->off;
		size_t j;

		if (w->len > n - i || ws[0] != cp[i])
			continue;
		for (j = 1; j < w->len && ws[j] == cp[i + j]; j++)
			;
		if (j == w->len && boundary(cp, n, i + w->len)) {
			best = k;
			break;
		}
	}
	if (best == NO_WORD)
		return false;
	e = i + c->words[best].len;
	while (e < n && IS_SPACE(cp[e]))
		e++;
	*end = e;
	return true;
}

/* Stopword removal fused with the ASCII squeeze; returns the output length
 * (out must hold n + 1 bytes). */
static size_t
squeeze(const struct cleaner *c, const uint32_t *cp, size_t n, char *out)
{
	size_t i = 0, o = 0, end;
	bool gap = false, prev = false;  /* prev: cp[i - 1] is \w */

	while (i < n) {
		bool word = IS_WORD(cp[i]);
		uint32_t v;

		/* boundary(cp, n, i), with the class of cp[i - 1] carried. */
		if (c->nwords > 0 && word != prev &&
		    match_at(c, cp, n, i, &end)) {
			i = end;
			prev = IS_WORD(cp[end - 1]);
			continue;
		}
		prev = word;
		v = CP_OF(cp[i++]);
		if (v < 128 && c->ascii_alnum[v]) {
			if (gap && o > 0)
				out[o++] = ' ';
			gap = false;
			out[o++] = (char)v;
		} else {
			gap = true;
		}
	}
	return o;
}

/* Where the first "http" followed by a non-space starts, or n: nothing
 * before it moves, and most texts have none. */
static size_t
first_link(const char *s, size_t n)
{
	size_t i = 0;

	while (n - i > 4) {
		const char *h = memchr(s + i, 'h', n - i - 4);

		if (h == NULL)
			return n;
		i = (size_t)(h - s);
		if (memcmp(s + i, "http", 4) == 0 && s[i + 4] != ' ')
			return i;
		i++;
	}
	return n;
}

/* http\S+ -> "" on text made of [A-Za-z0-9 ] only; in place. */
static size_t
drop_links(char *s, size_t n)
{
	size_t i = first_link(s, n), o = i;

	while (i < n) {
		if (n - i > 4 && memcmp(s + i, "http", 4) == 0 &&
		    s[i + 4] != ' ') {
			for (i += 4; i < n && s[i] != ' '; i++)
				;
			continue;
		}
		s[o++] = s[i++];
	}
	return o;
}

enum core_status
cleaner_run(const struct cleaner *c, const char *text, size_t len,
	    struct clean_buf *buf)
{
	enum core_status rc;
	size_t n, o;
	void *p;

	if (len >= SIZE_MAX / sizeof(uint32_t))
		return CORE_ERR_NOMEM;
	p = buf->cp;
	rc = grow(&p, &buf->cp_cap, len ? len : 1, sizeof(*buf->cp));
	buf->cp = p;
	if (rc != CORE_OK)
		goto out;
	p = buf->out;
	rc = grow(&p, &buf->cap, len + 1, 1);
	buf->out = p;
	if (rc != CORE_OK)
		goto out;
	n = decode(c, (const unsigned char *)text, len, buf->cp);
	o = squeeze(c, buf->cp, n, buf->out);
	o = drop_links(buf->out, o);
	buf->out[o] = '\0';
	buf->len = o;
	if (c->stem && o > 0) {
		const char *st;
		size_t st_len;

		if (buf->aux == NULL) {
			buf->aux = clean_stem_new(c->stem_lib);
			if (buf->aux == NULL) {
				rc = CORE_ERR_NOMEM;
				goto out;
			}
		}
		rc = clean_stem_text(buf->aux, buf->out, o, &st, &st_len);
		if (rc != CORE_OK)
			goto out;
		p = buf->out;
		rc = grow(&p, &buf->cap, st_len + 1, 1);
		buf->out = p;
		if (rc != CORE_OK)
			goto out;
		memcpy(buf->out, st, st_len + 1);
		buf->len = st_len;
	}
out:
	return rc;
}

void
clean_buf_release(struct clean_buf *buf)
{
	if (buf == NULL)
		return;
	clean_stem_free(buf->aux);
	free(buf->out);
	free(buf->cp);
	memset(buf, 0, sizeof(*buf));
}
