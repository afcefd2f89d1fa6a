/* SPDX-License-Identifier: MIT
 * schemas/pyjson.c - a port of CPython 3.11's JSON scanner
 * (Modules/_json.c: scan_once_unicode, _parse_object_unicode,
 * _parse_array_unicode, scanstring_unicode, _match_number_unicode and
 * Lib/json/decoder.py JSONDecoder.decode) so that invalid bodies get the
 * same "Expecting ..." messages and positions as the reference service.
 *
 * The scanner works on bytes; positions are converted to code points only
 * when an error is reported.  Nodes and decoded strings live in one arena
 * freed with the document.
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/hex.h"
#include "util/json.h"
#include "util/utf8.h"
#include "schemas/pyjson.h"
#include "util/float_repr.h"

#define ARENA_BLOCK 65536      /* largest block */
#define ARENA_FIRST_MIN 512     /* smallest first block */

struct block {
	struct block *next;
	size_t used, cap;
	_Alignas(max_align_t) unsigned char data[];
};

struct pyjson_doc {
	struct block *blocks;
	size_t next_cap;        /* size of the next block */
	struct pyjson *root;
};

struct scan {
	const char *s;
	size_t len;
	struct pyjson_doc *doc;
	const char *msg;    /* syntax error message */
	size_t pos;         /* byte offset of the error */
	enum pyjson_status st;
	unsigned depth;
};

static void *
arena_alloc(struct pyjson_doc *doc, size_t n)
{
	struct block *b = doc->blocks;
	void *p;

	n = (n + 15) & ~(size_t)15;
	if (b == NULL || b->cap - b->used < n) {
		size_t cap = n > doc->next_cap ? n : doc->next_cap;

		b = malloc(sizeof(*b) + cap);
		if (b == NULL)
			return NULL;
		if (doc->next_cap < ARENA_BLOCK)
			doc->next_cap *= 2;
		b->cap = cap;
		b->used = 0;
		b->next = doc->blocks;
		doc->blocks = b;
	}
	p = b->data + b->used;
	b->used += n;
	return p;
}

static bool
is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static size_t
skip_ws(const struct scan *sc, size_t i)
{
	while (i < sc->len && is_ws(sc->s[i]))
		i++;
	return i;
}

static struct pyjson *
fail(struct scan *sc, const char *msg, size_t pos)
{
	sc->st = PYJSON_ERR_SYNTAX;
	sc->msg = msg;
	sc->pos = pos;
	return NULL;
}

static struct pyjson *
node(struct scan *sc, enum pyjson_type t)
{
	struct pyjson *n = arena_alloc(sc->doc, sizeof(*n));

	if (n == NULL) {
		sc->st = PYJSON_ERR_NOMEM;
		return NULL;
	}
	memset(n, 0, sizeof(*n));
	n->type = t;
	return n;
}

/* Reads 4 hex digits at s[i..i+4); -1 if one is not hex. */
static long
hex4(const char *s, size_t i)
{
	long v = 0;

	for (size_t k = 0; k < 4; k++) {
		int h = util_hex_digit(s[i + k]);

		if (h < 0)
			return -1;
		v = v * 16 + h;
	}
	return v;
}

static void
put_utf8(unsigned char *o, size_t *n, unsigned long c)
{
	if (c < 0x80) {
		o[(*n)++] = (unsigned char)c;
	} else if (c < 0x800) {
		o[(*n)++] = (unsigned char)(0xC0 | (c >> 6));
		o[(*n)++] = (unsigned char)(0x80 | (c & 0x3F));
	} else if (c < 0x10000) {
		o[(*n)++] = (unsigned char)(0xE0 | (c >> 12));
		o[(*n)++] = (unsigned char)(0x80 | ((c >> 6) & 0x3F));
		o[(*n)++] = (unsigned char)(0x80 | (c & 0x3F));
	} else {
		o[(*n)++] = (unsigned char)(0xF0 | (c >> 18));
		o[(*n)++] = (unsigned char)(0x80 | ((c >> 12) & 0x3F));
		o[(*n)++] = (unsigned char)(0x80 | ((c >> 6) & 0x3F));
		o[(*n)++] = (unsigned char)(0x80 | (c & 0x3F));
	}
}

/* scanstring_unicode: s[end] is the first byte after the opening quote.
 * Decoded text never grows (an escape of 6 bytes yields at most 3, a pair
 * of 12 yields 4), so the output is sized by the input span. */
static bool
scan_string(struct scan *sc, size_t end, const char **text,
	    size_t *tlen, bool *bad, size_t *next_out)
{
	const char *s = sc->s;
	size_t len = sc->len, begin = end - 1, next, cap = 0, n = 0;
	unsigned char *o;
	bool lone = false;

	/* Find the closing quote first to size the output. */
	for (next = end; next < len && s[next] != '"'; next++)
		if (s[next] == '\\')
			next++;
	cap = (next < len ? next : len) - end + 1;
	o = arena_alloc(sc->doc, cap);
	if (o == NULL) {
		sc->st = PYJSON_ERR_NOMEM;
		return false;
	}
	for (;;) {
		unsigned long c;
		unsigned char d = 0;

		for (next = end; next < len; next++) {
			d = (unsigned char)s[next];
			if (d == '"' || d == '\\')
				break;
			if (d <= 0x1f) {
				fail(sc, "Invalid control character at", next);
				return false;
			}
		}
		if (next >= len || !(d == '"' || d == '\\')) {
			fail(sc, "Unterminated string starting at", begin);
			return false;
		}
		memcpy(o + n, s + end, next - end);
		n += next - end;
		if (d == '"') {
			end = next + 1;
			break;
		}
		next++;
		if (next == len) {
			fail(sc, "Unterminated string starting at", begin);
			return false;
		}
		c = (unsigned char)s[next];
		if (c != 'u') {
			end = next + 1;
			switch (c) {
			case '"': case '\\': case '/': break;
			case 'b': c = '\b'; break;
			case 'f': c = '\f'; break;
			case 'n': c = '\n'; break;
			case 'r': c = '\r'; break;
			case 't': c = '\t'; break;
			default: c = 0;
			}
			if (c == 0) {
				fail(sc, "Invalid \\escape", end - 2);
				return false;
			}
		} else {
			long v;

			next++;
			end = next + 4;
			if (end >= len) {
				fail(sc, "Invalid \\uXXXX escape", next - 1);
				return false;
			}
			v = hex4(s, next);
			if (v < 0) {
				fail(sc, "Invalid \\uXXXX escape", end - 5);
				return false;
			}
			c = (unsigned long)v;
			next = end;
			if (c >= 0xD800 && c <= 0xDBFF && end + 6 < len &&
			    s[next] == '\\' && s[next + 1] == 'u') {
				long v2;

				end += 6;
				v2 = hex4(s, next + 2);
				if (v2 < 0) {
					fail(sc, "Invalid \\uXXXX escape", end - 5);
					return false;
				}
				if (v2 >= 0xDC00 && v2 <= 0xDFFF)
					c = 0x10000 + ((c - 0xD800) << 10) +
					    ((unsigned long)v2 - 0xDC00);
				else
					end -= 6;
			}
			if (c >= 0xD800 && c <= 0xDFFF) {
				/* A lone surrogate: Python keeps it in the
				 * str; we keep U+FFFD and flag the string. */
				lone = true;
				c = 0xFFFD;
			}
		}
		put_utf8(o, &n, c);
	}
	o[n] = '\0';
	*text = (const char *)o;
	*tlen = n;
	*bad = lone || !util_utf8_valid((const char *)o, n);
	*next_out = end;
	return true;
}

static struct pyjson *scan_once(struct scan *sc, size_t idx, size_t *next);

static struct pyjson *
parse_object(struct scan *sc, size_t idx, size_t *nx)
{
	const char *s = sc->s;
	size_t len = sc->len, next;
	struct pyjson *obj = node(sc, PYJSON_OBJECT), *last = NULL;

	if (obj == NULL)
		return NULL;
	idx = skip_ws(sc, idx);
	if (idx >= len || s[idx] != '}') {
		for (;;) {
			const char *key;
			size_t klen;
			bool kbad;
			struct pyjson *val;

			if (idx >= len || s[idx] != '"')
				return fail(sc, "Expecting property name "
					    "enclosed in double quotes", idx);
			if (!scan_string(sc, idx + 1, &key, &klen, &kbad,
					 &next))
				return NULL;
			idx = skip_ws(sc, next);
			if (idx >= len || s[idx] != ':')
				return fail(sc, "Expecting ':' delimiter", idx);
			idx = skip_ws(sc, idx + 1);
			val = scan_once(sc, idx, &next);
			if (val == NULL)
				return NULL;
			val->key = key;
			val->key_len = klen;
			if (last == NULL)
				obj->first = val;
			else
				last->next = val;
			last = val;
			obj->count++;
			idx = skip_ws(sc, next);
			if (idx < len && s[idx] == '}')
				break;
			if (idx >= len || s[idx] != ',')
				return fail(sc, "Expecting ',' delimiter", idx);
			idx = skip_ws(sc, idx + 1);
		}
	}
	*nx = idx + 1;
	return obj;
}

static struct pyjson *
parse_array(struct scan *sc, size_t idx, size_t *nx)
{
	const char *s = sc->s;
	size_t len = sc->len, next;
	struct pyjson *arr = node(sc, PYJSON_ARRAY), *last = NULL;

	if (arr == NULL)
		return NULL;
	idx = skip_ws(sc, idx);
	if (idx >= len || s[idx] != ']') {
		for (;;) {
			struct pyjson *val = scan_once(sc, idx, &next);

			if (val == NULL)
				return NULL;
			if (last == NULL)
				arr->first = val;
			else
				last->next = val;
			last = val;
			arr->count++;
			idx = skip_ws(sc, next);
			if (idx < len && s[idx] == ']')
				break;
			if (idx >= len || s[idx] != ',')
				return fail(sc, "Expecting ',' delimiter", idx);
			idx = skip_ws(sc, idx + 1);
		}
	}
	*nx = idx + 1;
	return arr;
}

static bool
is_digit(const struct scan *sc, size_t i)
{
	return i < sc->len && sc->s[i] >= '0' && sc->s[i] <= '9';
}

/* _match_number_unicode; a non-number is "Expecting value" at start. */
static struct pyjson *
match_number(struct scan *sc, size_t start,
	     size_t *nx)
{
	const char *s = sc->s;
	size_t idx = start, len = sc->len, digits;
	bool is_float = false;
	struct pyjson *n;

	if (idx < len && s[idx] == '-') {
		idx++;
		if (idx >= len)
			return fail(sc, "Expecting value", start);
	}
	if (idx < len && s[idx] >= '1' && s[idx] <= '9') {
		idx++;
		while (is_digit(sc, idx))
			idx++;
	} else if (idx < len && s[idx] == '0') {
		idx++;
	} else {
		return fail(sc, "Expecting value", start);
	}
	digits = idx - start;
	if (idx + 1 < len && s[idx] == '.' && is_digit(sc, idx + 1)) {
		is_float = true;
		idx += 2;
		while (is_digit(sc, idx))
			idx++;
	}
	if (idx + 1 < len && (s[idx] == 'e' || s[idx] == 'E')) {
		size_t e_start = idx++;

		if (idx + 1 < len && (s[idx] == '-' || s[idx] == '+'))
			idx++;
		while (is_digit(sc, idx))
			idx++;
		if (s[idx - 1] >= '0' && s[idx - 1] <= '9')
			is_float = true;
		else
			idx = e_start;
	}
	n = node(sc, is_float ? PYJSON_FLOAT : PYJSON_INT);
	if (n == NULL)
		return NULL;
	n->text = s + start;
	n->len = idx - start;
	if (is_float) {
		char tmp[64], *copy = tmp;

		if (n->len >= sizeof(tmp)) {
			copy = arena_alloc(sc->doc, n->len + 1);
			if (copy == NULL) {
				sc->st = PYJSON_ERR_NOMEM;
				return NULL;
			}
		}
		memcpy(copy, n->text, n->len);
		copy[n->len] = '\0';
		n->num = strtod(copy, NULL);
	} else if (digits - (s[start] == '-') > PYJSON_MAX_INT_DIGITS) {
		sc->st = PYJSON_ERR_INT;
		return NULL;
	}
	*nx = idx;
	return n;
}

static bool
match_word(const struct scan *sc, size_t idx, const char *w)
{
	size_t n = strlen(w);

	return idx + n <= sc->len && memcmp(sc->s + idx, w, n) == 0;
}

static struct pyjson *
constant(struct scan *sc, enum pyjson_type t,
	 size_t idx, size_t n, double num, size_t *nx)
{
	struct pyjson *v = node(sc, t);

	if (v == NULL)
		return NULL;
	v->text = sc->s + idx;
	v->len = n;
	v->num = num;
	*nx = idx + n;
	return v;
}

static struct pyjson *
scan_once(struct scan *sc, size_t idx, size_t *nx)
{
	struct pyjson *v = NULL;

	if (idx >= sc->len)
		return fail(sc, "Expecting value", idx);
	if (++sc->depth > PYJSON_MAX_DEPTH) {
		sc->st = PYJSON_ERR_DEPTH;
		return NULL;
	}
	switch (sc->s[idx]) {
	case '"': {
		const char *t;
		size_t tl;
		bool bad;

		v = node(sc, PYJSON_STRING);
		if (v != NULL && scan_string(sc, idx + 1, &t, &tl, &bad, nx)) {
			v->text = t;
			v->len = tl;
			v->bad_unicode = bad;
		} else {
			v = NULL;
		}
		goto out;
	}
	case '{':
		v = parse_object(sc, idx + 1, nx);
		goto out;
	case '[':
		v = parse_array(sc, idx + 1, nx);
		goto out;
	case 'n':
		if (match_word(sc, idx, "null")) {
			v = constant(sc, PYJSON_NULL, idx, 4, 0, nx);
			goto out;
		}
		break;
	case 't':
		if (match_word(sc, idx, "true")) {
			v = constant(sc, PYJSON_TRUE, idx, 4, 0, nx);
			goto out;
		}
		break;
	case 'f':
		if (match_word(sc, idx, "false")) {
			v = constant(sc, PYJSON_FALSE, idx, 5, 0, nx);
			goto out;
		}
		break;
	case 'N':
		if (match_word(sc, idx, "NaN")) {
			v = constant(sc, PYJSON_FLOAT, idx, 3, NAN, nx);
			goto out;
		}
		break;
	case 'I':
		if (match_word(sc, idx, "Infinity")) {
			v = constant(sc, PYJSON_FLOAT, idx, 8, INFINITY, nx);
			goto out;
		}
		break;
	case '-':
		if (match_word(sc, idx, "-Infinity")) {
			v = constant(sc, PYJSON_FLOAT, idx, 9, -INFINITY, nx);
			goto out;
		}
		break;
	default:
		break;
	}
	v = match_number(sc, idx, nx);
out:
	sc->depth--;
	return v;
}

size_t
pyjson_codepoints(const char *s, size_t len)
{
	size_t n = 0;

	for (size_t i = 0; i < len; i++)
		if (((unsigned char)s[i] & 0xC0) != 0x80)
			n++;
	return n;
}

static void
fill_error(const char *s, size_t len, size_t byte_pos,
	   const char *msg, struct pyjson_error *err)
{
	size_t last_nl = (size_t)-1;

	if (err == NULL)
		return;
	if (byte_pos > len)
		byte_pos = len;
	err->msg = msg;
	err->pos = pyjson_codepoints(s, byte_pos);
	err->lineno = 1;
	for (size_t i = 0; i < byte_pos; i++)
		if (s[i] == '\n') {
			err->lineno++;
			last_nl = i;
		}
	/* colno = pos - doc.rfind('\n', 0, pos), in code points. */
	if (last_nl == (size_t)-1)
		err->colno = err->pos + 1;
	else
		err->colno = pyjson_codepoints(s + last_nl,
					       byte_pos - last_nl);
}

enum pyjson_status
pyjson_parse(const char *buf, size_t len,
	     struct pyjson_doc **out,
	     struct pyjson_error *err)
{
	struct scan sc = { 0 };
	struct pyjson_doc *doc = calloc(1, sizeof(*doc));
	size_t idx, next = 0;
	enum pyjson_status st;

	if (doc == NULL)
		return PYJSON_ERR_NOMEM;
	/* Blocks start near the size a body of len bytes needs and double:
	 * a fixed 64 KiB block for a 100-byte body made malloc do more work
	 * (consolidating its free lists) than the parse itself. */
	doc->next_cap = ARENA_FIRST_MIN;
	while (doc->next_cap < ARENA_BLOCK && doc->next_cap < 4 * len)
		doc->next_cap *= 2;
	/* json.loads(bytes) decodes with 'utf-8-sig' when a BOM leads. */
	if (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0) {
		buf += 3;
		len -= 3;
	}
	sc.s = buf;
	sc.len = len;
	sc.doc = doc;
	idx = skip_ws(&sc, 0);
	doc->root = scan_once(&sc, idx, &next);
	if (doc->root == NULL) {
		st = sc.st;
		goto fail;
	}
	idx = skip_ws(&sc, next);
	if (idx != len) {
		fail(&sc, "Extra data", idx);
		st = PYJSON_ERR_SYNTAX;
		goto fail;
	}
	*out = doc;
	return PYJSON_OK;
fail:
	if (st == PYJSON_ERR_SYNTAX)
		fill_error(buf, len, sc.pos, sc.msg, err);
	pyjson_free(doc);
	return st;
}

const struct pyjson *
pyjson_root(const struct pyjson_doc *doc)
{
	return doc ? doc->root : NULL;
}

void
pyjson_free(struct pyjson_doc *doc)
{
	struct block *b, *nb;

	if (doc == NULL)
		return;
	for (b = doc->blocks; b != NULL; b = nb) {
		nb = b->next;
		free(b);
	}
	free(doc);
}

const char *
pyjson_strerror(enum pyjson_status st)
{
	static const char *const text[PYJSON__MAX] = {
		"success",                      /* PYJSON_OK */
		"out of memory",                /* PYJSON_ERR_NOMEM */
		"invalid JSON",                 /* PYJSON_ERR_SYNTAX */
		"JSON nested too deeply",       /* PYJSON_ERR_DEPTH */
		"integer has too many digits",  /* PYJSON_ERR_INT */
	};

	if ((unsigned)st >= PYJSON__MAX)
		return "unknown error";
	return text[st];
}

const struct pyjson *
pyjson_get(const struct pyjson *obj, const char *key)
{
	const struct pyjson *found = NULL;
	size_t klen = strlen(key);

	if (obj == NULL || obj->type != PYJSON_OBJECT)
		return NULL;
	for (const struct pyjson *m = obj->first; m != NULL; m = m->next)
		if (m->key_len == klen && memcmp(m->key, key, klen) == 0)
			found = m;
	return found;
}

size_t
pyjson_number_str(const struct pyjson *v, char *buf, size_t cap)
{
	char tmp[UTIL_FLOAT_REPR_MAX];
	const char *p;
	size_t n;

	switch (v->type) {
	case PYJSON_TRUE: p = "True"; n = 4; break;
	case PYJSON_FALSE: p = "False"; n = 5; break;
	case PYJSON_FLOAT:
		p = util_float_repr(v->num, tmp);
		n = strlen(p);
		break;
	case PYJSON_INT:
		p = v->text;
		n = v->len;
		if (n == 2 && memcmp(p, "-0", 2) == 0) {
			p = "0";
			n = 1;
		}
		break;
	default:
		return 0;
	}
	if (n + 1 > cap)
		return 0;
	memcpy(buf, p, n);
	buf[n] = '\0';
	return n;
}

static bool
same_key(const struct pyjson *a, const struct pyjson *b)
{
	return a->key_len == b->key_len &&
	       memcmp(a->key, b->key, a->key_len) == 0;
}

static void
dump(struct util_buf *b, const struct pyjson *v)
{
	char tmp[UTIL_FLOAT_REPR_MAX];
	const struct pyjson *m, *p;
	bool first = true;

	switch (v->type) {
	case PYJSON_NULL: util_buf_adds(b, "null"); break;
	case PYJSON_TRUE: util_buf_adds(b, "true"); break;
	case PYJSON_FALSE: util_buf_adds(b, "false"); break;
	case PYJSON_INT:
		pyjson_number_str(v, tmp, sizeof(tmp)) ?
			util_buf_adds(b, tmp) : util_buf_add(b, v->text, v->len);
		break;
	case PYJSON_FLOAT:
		if (isnan(v->num))
			util_buf_adds(b, "NaN");
		else if (isinf(v->num))
			util_buf_adds(b, v->num < 0 ? "-Infinity" : "Infinity");
		else
			util_buf_adds(b, util_float_repr(v->num, tmp));
		break;
	case PYJSON_STRING: util_json_str(b, v->text, v->len); break;
	case PYJSON_ARRAY:
		util_buf_adds(b, "[");
		for (m = v->first; m != NULL; m = m->next) {
			if (m != v->first)
				util_buf_adds(b, ",");
			dump(b, m);
		}
		util_buf_adds(b, "]");
		break;
	case PYJSON_OBJECT:
		/* A dict keeps a key at its first place with its last
		 * value: print each key once, where it first appears. */
		util_buf_adds(b, "{");
		for (m = v->first; m != NULL; m = m->next) {
			const struct pyjson *last = m;

			for (p = v->first; p != m; p = p->next)
				if (same_key(p, m))
					break;
			if (p != m)
				continue;
			for (p = m->next; p != NULL; p = p->next)
				if (same_key(p, m))
					last = p;
			if (!first)
				util_buf_adds(b, ",");
			first = false;
			util_json_str(b, m->key, m->key_len);
			util_buf_adds(b, ":");
			dump(b, last);
		}
		util_buf_adds(b, "}");
		break;
	default:
		break;
	}
}

char *
pyjson_dump(const struct pyjson *v)
{
	struct util_buf b = UTIL_BUF_INIT(PYJSON_TEXT_MAX);

	dump(&b, v);
	return util_buf_take(&b, NULL);
}
