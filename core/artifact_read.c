/* SPDX-License-Identifier: MIT
 * core/artifact_read.c - model_open and model_close: map an artifact
 * (doc/ARTIFACT.md) read-only and validate it before anything uses it.
 *
 * This file is the one place that reads untrusted artifact bytes.  It
 * checks, in order: file type and size, magic, byte order, format version,
 * the recorded size, the XXH3-64 checksum, then every section's bounds,
 * alignment, counts and sizes.  Any failure unmaps the file and names the
 * problem in err.
 *
 * Opening must be cheap: a plain CGI request pays for it every time.  So
 * the work is one pass over the file at memory speed (the checksum, on a
 * mapping populated in one system call) plus checks that cost O(1) per
 * section, with three exceptions that are linear but vectorised or tiny:
 * the finite-float scan, the small string lists (identity, classes,
 * stopwords) and the search for an empty hash slot.  The two big tables
 * are not checked entry by entry; instead the code that reads them is
 * safe with any bytes in them, a checksum notwithstanding:
 *  - hash slots: vocab_lookup (core/vocab.h) bounds the feature index and
 *    relies only on the empty slot found here to end its probe;
 *  - term offsets: model_term (core/model.c) bounds each offset by the
 *    string data, whose last byte is checked to be a NUL.
 * A damaged table can then only give wrong answers, never read outside
 * the mapping, and a checksummed file comes from a writer that built the
 * tables correctly (artifact_write.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/artifact_format.h"
#include "core/clean.h"
#include "core/model_impl.h"

struct span {
	const unsigned char *p;
	size_t len;
};

static enum core_status
bad(struct core_error *err, const char *path, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static enum core_status
bad(struct core_error *err, const char *path, const char *fmt, ...)
{
	char where[CORE_ERROR_MAX];
	enum core_status st;
	va_list ap;

	snprintf(where, sizeof(where), "%s: corrupt model", path);
	va_start(ap, fmt);
	st = core_vfail_at(err, CORE_ERR_CORRUPT, where, fmt, ap);
	va_end(ap);
	return st;
}

static uint32_t
rd32(const unsigned char *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

/* Checks the shape of a string list occupying all of s, in O(1): the
 * offset table fits, its ends match the string data, and the data ends
 * with a NUL, so any offset below off[count] starts a terminated string
 * inside the section.  Enough for the big terms list (see model_term). */
static enum core_status
parse_strlist_shape(struct span s, const char *what, struct strlist *out,
		    const char *path, struct core_error *err)
{
	if (s.len < 12)
		return bad(err, path, "%s: list too short", what);
	size_t count = rd32(s.p);

	if (count > (s.len - 12) / 4)
		return bad(err, path, "%s: count %zu does not fit", what, count);
	const uint32_t *off = (const uint32_t *)(s.p + 8);
	size_t head = 8 + 4 * (count + 1);
	size_t dlen = s.len - head;
	const char *data = (const char *)s.p + head;

	if (off[0] != 0 || off[count] != dlen)
		return bad(err, path, "%s: string data is %zu bytes, table says %u",
			   what, dlen, off[count]);
	if (count > 0 && data[dlen - 1] != '\0')
		return bad(err, path, "%s: string data does not end with a NUL",
			   what);
	out->count = count;
	out->off = off;
	out->data = data;
	return CORE_OK;
}

/* Validates a small string list occupying all of s, string by string:
 * these (identity, classes, stopwords) are used as C strings without
 * further checks. */
static enum core_status
parse_strlist(struct span s, const char *what, struct strlist *out,
	      const char *path, struct core_error *err)
{
	enum core_status rc = parse_strlist_shape(s, what, out, path, err);

	if (rc != CORE_OK)
		return rc;
	size_t count = out->count;
	const uint32_t *off = out->off;
	const char *data = out->data;

	for (size_t i = 0; i < count; i++) {
		if (off[i + 1] <= off[i])
			return bad(err, path, "%s: string %zu has no bytes",
				   what, i);
		size_t l = off[i + 1] - off[i];

		if (memchr(data + off[i], '\0', l) != data + off[i + 1] - 1)
			return bad(err, path, "%s: string %zu is not terminated",
				   what, i);
	}
	return CORE_OK;
}

static const char *
str_at(const struct strlist *l, size_t i)
{
	return l->data + l->off[i];
}

/* Whether all n doubles are finite.  A double is Inf or NaN iff its 11
 * exponent bits are all ones, and then adding 1 at the exponent's lowest
 * bit carries into bit 63.  OR-ing those sums has no branch and no
 * floating point.  Written on 4-lane vectors, which the default target
 * splits into SSE2 pairs and the AVX2 copy below runs whole: the weights
 * are a megabyte and this runs at every open, so at every plain CGI
 * request. */
static inline __attribute__((always_inline)) int
finite_body(const double *v, size_t n)
{
	typedef uint64_t v4du __attribute__((vector_size(32)));
	const v4du exp_mask = { UINT64_C(0x7ff0000000000000),
				UINT64_C(0x7ff0000000000000),
				UINT64_C(0x7ff0000000000000),
				UINT64_C(0x7ff0000000000000) };
	const v4du carry = { UINT64_C(1) << 52, UINT64_C(1) << 52,
			     UINT64_C(1) << 52, UINT64_C(1) << 52 };
	v4du acc4 = { 0, 0, 0, 0 };
	uint64_t acc = 0;
	size_t i = 0;

	for (; i + 4 <= n; i += 4) {
		v4du b;

		memcpy(&b, &v[i], sizeof(b));
		acc4 |= (b & exp_mask) + carry;
	}
	acc = acc4[0] | acc4[1] | acc4[2] | acc4[3];
	for (; i < n; i++) {
		uint64_t b;

		memcpy(&b, &v[i], sizeof(b));
		acc |= (b & exp_mask[0]) + carry[0];
	}
	return (acc >> 63) == 0;
}

#if defined(__x86_64__) && defined(__GNUC__)
__attribute__((target("avx2"))) static int
finite_avx2(const double *v, size_t n)
{
	return finite_body(v, n);
}
#endif

static int
finite_all(const double *v, size_t n)
{
#if defined(__x86_64__) && defined(__GNUC__)
	if (__builtin_cpu_supports("avx2"))
		return finite_avx2(v, n);
#endif
	return finite_body(v, n);
}

/* A NUL-terminated text filling the whole section. */
static enum core_status
parse_text(struct span s, const char *what, const char **out,
	   const char *path, struct core_error *err)
{
	if (s.len == 0 || memchr(s.p, '\0', s.len) != s.p + s.len - 1)
		return bad(err, path, "%s: text is not one NUL-terminated string",
			   what);
	*out = (const char *)s.p;
	return CORE_OK;
}

/* Checks the hash table's shape: the slot count, the key count and the
 * load factor.  Slots are not checked one by one (see the top of the
 * file); the one thing vocab_lookup needs from them is an empty slot, so
 * that every probe ends.  At load <= 1/2 the scan finds one in a few
 * slots; only a damaged table makes it scan them all. */
static enum core_status
parse_hash(struct span s, struct model *m, const char *path,
	   struct core_error *err)
{
	size_t n = m->terms.count;

	if (s.len < 8)
		return bad(err, path, "hash: section too short");
	unsigned bits = rd32(s.p);
	size_t count = rd32(s.p + 4);

	if (bits < VOCAB_MIN_BITS || bits > VOCAB_MAX_BITS)
		return bad(err, path, "hash: %u bits out of range", bits);
	size_t nslots = (size_t)1 << bits;

	if (s.len - 8 != nslots * sizeof(struct vocab_slot))
		return bad(err, path, "hash: %zu bytes for %zu slots",
			   s.len - 8, nslots);
	if (count != n || 2 * n > nslots)
		return bad(err, path,
			   "hash: %zu keys in %zu slots for %zu features",
			   count, nslots, n);
	const struct vocab_slot *slots = (const struct vocab_slot *)(s.p + 8);
	size_t i = 0;

	while (i < nslots && slots[i].key != 0)
		i++;
	if (i == nslots)
		return bad(err, path, "hash: no empty slot");
	m->vec.slots = slots;
	m->vec.bits = bits;
	return CORE_OK;
}

/* Checks the header and the section table; fills sec[type]. */
static enum core_status
parse_header(const unsigned char *p, size_t size, struct span *sec,
	     const char *path, struct core_error *err)
{
	struct artifact_header h;

	memcpy(&h, p, sizeof(h));
	if (h.endian == 0x04030201u)
		return core_fail(err, CORE_ERR_FORMAT,
				 "%s: model written with the other byte order",
				 path);
	if (h.endian != ARTIFACT_ENDIAN)
		return core_fail(err, CORE_ERR_FORMAT,
				 "%s: not a tagifai model (bad byte-order mark)",
				 path);
	if (h.version != ARTIFACT_VERSION)
		return core_fail(err, CORE_ERR_VERSION,
				 "%s: model format version %u, this build reads "
				 "%u (train or import the model again)", path,
				 h.version, ARTIFACT_VERSION);
	if (h.file_size != size)
		return bad(err, path, "header says %llu bytes, file has %zu "
			   "(truncated?)", (unsigned long long)h.file_size, size);
	uint64_t sum = artifact_checksum(p + ARTIFACT_SUM_START,
					 size - ARTIFACT_SUM_START);

	if (sum != h.checksum)
		return bad(err, path, "checksum mismatch (XXH3-64 %016llx, "
			   "header says %016llx)", (unsigned long long)sum,
			   (unsigned long long)h.checksum);
	if (h.table_offset != ARTIFACT_HEADER_SIZE ||
	    h.section_count > ARTIFACT_MAX_SECTIONS ||
	    ARTIFACT_HEADER_SIZE + (size_t)h.section_count *
	    sizeof(struct artifact_section) > size)
		return bad(err, path, "section table out of bounds");
	size_t table_end = ARTIFACT_HEADER_SIZE + (size_t)h.section_count *
		sizeof(struct artifact_section);

	for (uint32_t i = 0; i < h.section_count; i++) {
		struct artifact_section s;

		memcpy(&s, p + ARTIFACT_HEADER_SIZE + i * sizeof(s), sizeof(s));
		if (s.offset % ARTIFACT_ALIGN != 0 || s.offset < table_end ||
		    s.offset > size || s.length > size - s.offset)
			return bad(err, path, "section %s out of bounds "
				   "(offset %llu, length %llu)",
				   artifact_section_name(s.type),
				   (unsigned long long)s.offset,
				   (unsigned long long)s.length);
		if (s.type == SECTION_NONE || s.type >= SECTION__MAX)
			continue; /* unknown types are extensions: ignored */
		if (sec[s.type].p != NULL)
			return bad(err, path, "section %s appears twice",
				   artifact_section_name(s.type));
		sec[s.type].p = p + s.offset;
		sec[s.type].len = (size_t)s.length;
	}
	for (unsigned t = 1; t < SECTION__MAX; t++)
		if (sec[t].p == NULL)
			return bad(err, path, "section %s is missing",
				   artifact_section_name(t));
	return CORE_OK;
}

static enum core_status
parse_sections(struct span *sec, struct model *m, const char *path,
	       struct core_error *err)
{
	struct strlist l;
	enum core_status rc;

	rc = parse_strlist(sec[SECTION_IDENTITY], "identity", &l, path, err);
	if (rc != CORE_OK)
		return rc;
	if (l.count != 2)
		return bad(err, path, "identity: %zu fields, want 2", l.count);
	m->identity.name = str_at(&l, 0);
	m->identity.version = str_at(&l, 1);

	rc = parse_strlist(sec[SECTION_CLASSES], "classes", &l, path, err);
	if (rc != CORE_OK)
		return rc;
	if (l.count < 2 || l.count > CORE_MAX_CLASSES)
		return bad(err, path, "classes: %zu classes", l.count);
	m->n_classes = l.count;
	for (size_t k = 0; k < l.count; k++)
		m->classes[k] = str_at(&l, k);

	struct span c = sec[SECTION_CLEANING];

	if (c.len < 8 || rd32(c.p) > 1 || rd32(c.p + 4) > 1)
		return bad(err, path, "cleaning: bad flags");
	m->lower = rd32(c.p) != 0;
	m->stem = rd32(c.p + 4) != 0;
	rc = parse_strlist((struct span){ c.p + 8, c.len - 8 }, "stopwords",
			   &m->stopwords, path, err);
	if (rc != CORE_OK)
		return rc;

	struct span g = sec[SECTION_NGRAM];

	if (g.len != 8)
		return bad(err, path, "ngram: %zu bytes, want 8", g.len);
	m->vec.ngram_min = rd32(g.p);
	m->vec.ngram_max = rd32(g.p + 4);
	if (m->vec.ngram_min < 1 || m->vec.ngram_min > m->vec.ngram_max ||
	    m->vec.ngram_max > CORE_MAX_NGRAM)
		return bad(err, path, "ngram: range (%u, %u)", m->vec.ngram_min,
			   m->vec.ngram_max);

	rc = parse_strlist_shape(sec[SECTION_TERMS], "terms", &m->terms, path,
				 err);
	if (rc != CORE_OK)
		return rc;
	size_t n = m->terms.count, K = m->n_classes;

	if (n < 1 || n > ARTIFACT_MAX_FEATURES)
		return bad(err, path, "terms: %zu features", n);
	m->vec.n_features = n;
	rc = parse_hash(sec[SECTION_HASH], m, path, err);
	if (rc != CORE_OK)
		return rc;

	if (sec[SECTION_IDF].len != n * sizeof(double))
		return bad(err, path, "idf: %zu bytes for %zu features",
			   sec[SECTION_IDF].len, n);
	m->vec.idf = (const double *)sec[SECTION_IDF].p;
	if (sec[SECTION_WEIGHTS].len != n * K * sizeof(double))
		return bad(err, path, "weights: %zu bytes for %zu x %zu",
			   sec[SECTION_WEIGHTS].len, n, K);
	m->clf.weights = (const double *)sec[SECTION_WEIGHTS].p;
	if (sec[SECTION_INTERCEPTS].len != K * sizeof(double))
		return bad(err, path, "intercepts: %zu bytes for %zu classes",
			   sec[SECTION_INTERCEPTS].len, K);
	m->clf.intercept = (const double *)sec[SECTION_INTERCEPTS].p;
	if (sec[SECTION_THRESHOLD].len != sizeof(double))
		return bad(err, path, "threshold: %zu bytes",
			   sec[SECTION_THRESHOLD].len);
	memcpy(&m->clf.threshold, sec[SECTION_THRESHOLD].p, sizeof(double));
	if (!finite_all(m->vec.idf, n) || !finite_all(m->clf.weights, n * K) ||
	    !finite_all(m->clf.intercept, K) ||
	    !finite_all(&m->clf.threshold, 1))
		return bad(err, path, "a number is not finite");
	if (sec[SECTION_OTHER].len != 8 || rd32(sec[SECTION_OTHER].p) >= K)
		return bad(err, path, "other: bad class index");
	m->clf.other_index = rd32(sec[SECTION_OTHER].p);
	m->clf.n_classes = K;

	rc = parse_text(sec[SECTION_ARGS], "args", &m->args_json, path, err);
	if (rc != CORE_OK)
		return rc;
	return parse_text(sec[SECTION_PERFORMANCE], "performance",
			  &m->performance_json, path, err);
}

/* The file's size class decides FORMAT (not ours) or CORRUPT (ours, cut
 * short) before the header can be read. */
static enum core_status
check_small(const unsigned char *p, size_t size, const char *path,
	    struct core_error *err)
{
	if (size == 0)
		return core_fail(err, CORE_ERR_FORMAT,
				 "%s: not a tagifai model (empty file)", path);
	size_t cmp = size < ARTIFACT_MAGIC_LEN ? size : ARTIFACT_MAGIC_LEN;

	if (memcmp(p, ARTIFACT_MAGIC, cmp) != 0)
		return core_fail(err, CORE_ERR_FORMAT,
				 "%s: not a tagifai model (bad magic)", path);
	if (size < ARTIFACT_HEADER_SIZE)
		return bad(err, path, "truncated to %zu bytes, shorter than "
			   "the %u-byte header", size, ARTIFACT_HEADER_SIZE);
	return CORE_OK;
}

enum core_status
model_open(const char *path, struct model **out, struct core_error *err)
{
	struct span sec[SECTION__MAX];
	struct model *m = NULL;
	struct stat st;
	void *map = MAP_FAILED;
	size_t size = 0;
	enum core_status rc = CORE_OK;
	int fd;

	memset(sec, 0, sizeof(sec));
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return core_fail(err, CORE_ERR_IO, "%s: cannot open model: %s",
				 path, strerror(errno));
	if (fstat(fd, &st) != 0) {
		rc = core_fail(err, CORE_ERR_IO, "%s: %s", path, strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		rc = core_fail(err, CORE_ERR_IO, "%s: not a regular file", path);
		goto out;
	}
	size = (size_t)st.st_size;
	if (size > 0) {
		/* MAP_POPULATE maps the whole file (from the page cache) in
		 * this call: the checksum reads every page anyway, and one
		 * call is cheaper than a page fault per few pages. */
		map = mmap(NULL, size, PROT_READ, MAP_PRIVATE | MAP_POPULATE,
			   fd, 0);
		if (map == MAP_FAILED) {
			rc = core_fail(err, CORE_ERR_IO, "%s: mmap: %s", path,
				       strerror(errno));
			goto out;
		}
	}
	rc = check_small(map == MAP_FAILED ? (const unsigned char *)"" : map,
			 size, path, err);
	if (rc != CORE_OK)
		goto out;
	rc = parse_header(map, size, sec, path, err);
	if (rc != CORE_OK)
		goto out;
	m = calloc(1, sizeof(*m));
	if (m == NULL) {
		rc = core_fail(err, CORE_ERR_NOMEM, "out of memory");
		goto out;
	}
	m->map = map;
	m->size = size;
	rc = parse_sections(sec, m, path, err);
	if (rc != CORE_OK)
		goto out;
	{
		uint64_t sum;

		memcpy(&sum, (const unsigned char *)map + 24, sizeof(sum));
		snprintf(m->checksum_hex, sizeof(m->checksum_hex), "%016llx",
			 (unsigned long long)sum);
		m->identity.checksum = m->checksum_hex;
	}
	m->stopword_ptrs = calloc(m->stopwords.count + 1,
				  sizeof(*m->stopword_ptrs));
	if (m->stopword_ptrs == NULL) {
		rc = core_fail(err, CORE_ERR_NOMEM, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < m->stopwords.count; i++)
		m->stopword_ptrs[i] = str_at(&m->stopwords, i);
	rc = cleaner_new(m->lower, m->stem, m->stopword_ptrs,
			 m->stopwords.count, &m->cleaner, err);
	if (rc != CORE_OK) {
		/* Stopwords our writer would not store: a damaged or
		 * foreign file, whatever the cleaner called it. */
		if (rc != CORE_ERR_NOMEM) {
			char why[CORE_ERROR_MAX];

			snprintf(why, sizeof(why), "%s", err ? err->msg : "");
			rc = bad(err, path, "cleaning: %s", why);
		}
		goto out;
	}
	*out = m;
	m = NULL;
	map = MAP_FAILED;
out:
	if (m != NULL) {
		free(m->stopword_ptrs);
		free(m);
	}
	if (map != MAP_FAILED)
		munmap(map, size);
	close(fd);
	return rc;
}

void
model_close(struct model *m)
{
	if (m == NULL)
		return;
	cleaner_free(m->cleaner);
	free(m->stopword_ptrs);
	munmap((void *)m->map, m->size);
	free(m);
}
