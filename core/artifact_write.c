/* SPDX-License-Identifier: MIT
 * core/artifact_write.c - serialises a struct model_spec into the binary
 * artifact format of doc/ARTIFACT.md and writes it atomically.
 *
 * The whole file is built in memory (a few megabytes for the reference
 * model), checksummed, written to a temporary file next to the target,
 * flushed with fsync and renamed over the target, so a reader never sees a
 * half-written model.
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/artifact.h"
#include "core/artifact_format.h"
#include "core/clean.h"
#include "core/model.h"
#include "core/ngram.h"
#include "core/vocab.h"
#include "util/buf.h"

_Static_assert(sizeof(struct artifact_header) == ARTIFACT_HEADER_SIZE,
	       "header layout");
_Static_assert(sizeof(struct artifact_section) == 24, "section layout");
_Static_assert(sizeof(struct vocab_slot) == 16, "slot layout");

#define ARTIFACT_MAX_STOPWORDS 100000u
#define ARTIFACT_MAX_JSON (16u << 20)

/* A growable output buffer; on allocation failure it remembers it and
 * every later append is a no-op, so callers check once at the end. */
/* First capacity of the file being built. */
#define ARTIFACT_WRITE_MIN_CAP 4096

struct obuf {
	unsigned char *p;
	size_t len, cap;
	int failed;
};

static void *
reserve(struct obuf *b, size_t n)
{
	if (b->failed)
		return NULL;
	if (n > SIZE_MAX - b->len) {
		b->failed = 1;
		return NULL;
	}
	if (b->len + n > b->cap) {
		size_t old = b->cap;
		void *np = b->p;

		if (util_array_reserve(&np, &b->cap, b->len + n, 1,
				       ARTIFACT_WRITE_MIN_CAP) != UTIL_OK) {
			b->failed = 1;
			return NULL;
		}
		b->p = np;
		/* Padding and unused bytes of the file are zero. */
		memset(b->p + old, 0, b->cap - old);
	}
	void *at = b->p + b->len;

	b->len += n;
	return at;
}

static void
put(struct obuf *b, const void *data, size_t n)
{
	void *at = reserve(b, n);

	if (at != NULL && n > 0)
		memcpy(at, data, n);
}

static void
put_u32(struct obuf *b, uint32_t v)
{
	put(b, &v, sizeof(v));
}

static void
align8(struct obuf *b)
{
	size_t pad = (ARTIFACT_ALIGN - b->len % ARTIFACT_ALIGN) % ARTIFACT_ALIGN;

	(void)reserve(b, pad); /* zero-filled by reserve */
}

/* String list: u32 count, u32 0, u32 off[count + 1], then the strings,
 * each with its NUL; off[i] is relative to the first string byte. */
static void
put_strings(struct obuf *b, const char *const *s, size_t n)
{
	uint32_t off = 0;

	put_u32(b, (uint32_t)n);
	put_u32(b, 0);
	put_u32(b, 0);
	for (size_t i = 0; i < n; i++) {
		off += (uint32_t)(strlen(s[i]) + 1);
		put_u32(b, off);
	}
	for (size_t i = 0; i < n; i++)
		put(b, s[i], strlen(s[i]) + 1);
}

static int
all_finite(const double *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!isfinite(v[i]))
			return 0;
	return 1;
}

static enum core_status
check_strings(const char *what, const char *const *s, size_t n,
	      size_t max_len, struct core_error *err)
{
	size_t total = 0;

	if (n > 0 && s == NULL)
		return core_fail(err, CORE_ERR_INPUT, "%s: missing list", what);
	for (size_t i = 0; i < n; i++) {
		if (s[i] == NULL)
			return core_fail(err, CORE_ERR_INPUT,
					 "%s %zu is missing", what, i);
		size_t l = strlen(s[i]);

		if (max_len && l > max_len)
			return core_fail(err, CORE_ERR_LIMIT,
					 "%s %zu is %zu bytes, over %zu", what,
					 i, l, max_len);
		total += l + 1;
		if (total > UINT32_MAX / 2)
			return core_fail(err, CORE_ERR_LIMIT,
					 "%s: too many bytes", what);
	}
	return CORE_OK;
}

static enum core_status
check_spec(const struct model_spec *s, struct core_error *err)
{
	enum core_status rc;
	const char *id[2] = { s->name, s->version };

	rc = check_strings("identity field", id, 2, ARTIFACT_MAX_NAME, err);
	if (rc != CORE_OK)
		return rc;
	if (s->n_classes < 2 || s->n_classes > CORE_MAX_CLASSES)
		return core_fail(err, CORE_ERR_LIMIT,
				 "%zu classes; a model has 2 to %d",
				 s->n_classes, CORE_MAX_CLASSES);
	rc = check_strings("class", s->classes, s->n_classes, 0, err);
	if (rc != CORE_OK)
		return rc;
	for (size_t k = 0; k < s->n_classes; k++)
		if (s->classes[k][0] == '\0')
			return core_fail(err, CORE_ERR_INPUT,
					 "class %zu has an empty name", k);
	if (s->other_index >= s->n_classes)
		return core_fail(err, CORE_ERR_INPUT,
				 "other_index %u is not a class index",
				 s->other_index);
	if (!isfinite(s->threshold))
		return core_fail(err, CORE_ERR_INPUT, "threshold is not finite");
	if (s->n_stopwords > ARTIFACT_MAX_STOPWORDS)
		return core_fail(err, CORE_ERR_LIMIT, "%zu stopwords, over %u",
				 s->n_stopwords, ARTIFACT_MAX_STOPWORDS);
	rc = check_strings("stopword", s->stopwords, s->n_stopwords, 0, err);
	if (rc != CORE_OK)
		return rc;
	if (s->ngram_min < 1 || s->ngram_min > s->ngram_max ||
	    s->ngram_max > CORE_MAX_NGRAM)
		return core_fail(err, CORE_ERR_INPUT,
				 "n-gram range (%u, %u) is not within 1..%d",
				 s->ngram_min, s->ngram_max, CORE_MAX_NGRAM);
	if (s->n_features < 1 || s->n_features > ARTIFACT_MAX_FEATURES)
		return core_fail(err, CORE_ERR_LIMIT,
				 "%zu features; a model has 1 to %lu",
				 s->n_features,
				 (unsigned long)ARTIFACT_MAX_FEATURES);
	rc = check_strings("term", s->terms, s->n_features, CORE_MAX_NGRAM,
			   err);
	if (rc != CORE_OK)
		return rc;
	for (size_t j = 0; j < s->n_features; j++)
		if (s->terms[j][0] == '\0')
			return core_fail(err, CORE_ERR_INPUT,
					 "term %zu is empty", j);
	if (s->idf == NULL || s->coef == NULL || s->intercept == NULL)
		return core_fail(err, CORE_ERR_INPUT,
				 "idf, coef or intercept missing");
	if (!all_finite(s->idf, s->n_features))
		return core_fail(err, CORE_ERR_INPUT, "idf has a non-finite value");
	if (!all_finite(s->coef, s->n_features * s->n_classes))
		return core_fail(err, CORE_ERR_INPUT, "coef has a non-finite value");
	if (!all_finite(s->intercept, s->n_classes))
		return core_fail(err, CORE_ERR_INPUT,
				 "intercept has a non-finite value");
	/* The reader builds a cleaner from these; refuse what it would. */
	struct cleaner *c = NULL;

	rc = cleaner_new(s->lower, s->stem, s->stopwords, s->n_stopwords, &c,
			 err);
	if (rc != CORE_OK)
		return rc;
	cleaner_free(c);
	if ((s->args_json && strlen(s->args_json) > ARTIFACT_MAX_JSON) ||
	    (s->performance_json &&
	     strlen(s->performance_json) > ARTIFACT_MAX_JSON))
		return core_fail(err, CORE_ERR_LIMIT, "JSON text over %u bytes",
				 ARTIFACT_MAX_JSON);
	return CORE_OK;
}

/* Builds the vocabulary table into b (bits, count, slots). */
static enum core_status
put_hash(struct obuf *b, const struct model_spec *s, struct core_error *err)
{
	unsigned bits = vocab_bits_for(s->n_features);
	size_t nslots = (size_t)1 << bits;

	put_u32(b, bits);
	put_u32(b, (uint32_t)s->n_features);
	if (nslots > (SIZE_MAX - b->len) / sizeof(struct vocab_slot))
		return core_fail(err, CORE_ERR_LIMIT, "hash table too large");
	size_t at = b->len;

	if (reserve(b, nslots * sizeof(struct vocab_slot)) == NULL)
		return CORE_OK; /* reported by the caller via b->failed */
	for (size_t j = 0; j < s->n_features; j++) {
		struct vocab_slot *slots = (struct vocab_slot *)(b->p + at);
		uint64_t key = ngram_pack(s->terms[j], strlen(s->terms[j]));
		size_t i = vocab_home(key, bits);

		while (slots[i].key != 0) {
			if (slots[i].key == key)
				return core_fail(err, CORE_ERR_INPUT,
						 "terms %u and %zu are both '%s'",
						 slots[i].index, j, s->terms[j]);
			i = (i + 1) & (nslots - 1);
		}
		slots[i].key = key;
		slots[i].index = (uint32_t)j;
	}
	return CORE_OK;
}

static enum core_status
build(struct obuf *b, const struct model_spec *s, struct core_error *err)
{
	struct artifact_section table[SECTION__MAX];
	unsigned nsec = SECTION__MAX - 1;
	size_t K = s->n_classes, n = s->n_features;
	const char *id[2] = { s->name, s->version };
	enum core_status rc = CORE_OK;

	(void)reserve(b, ARTIFACT_HEADER_SIZE + nsec * sizeof(table[0]));
	align8(b);
	for (unsigned t = 1; t <= nsec; t++) {
		struct artifact_section *sec = &table[t - 1];
		size_t start = b->len;

		switch ((enum artifact_section_type)t) {
		case SECTION_IDENTITY:
			put_strings(b, id, 2);
			break;
		case SECTION_CLASSES:
			put_strings(b, s->classes, K);
			break;
		case SECTION_CLEANING:
			put_u32(b, s->lower ? 1 : 0);
			put_u32(b, s->stem ? 1 : 0);
			put_strings(b, s->stopwords, s->n_stopwords);
			break;
		case SECTION_NGRAM:
			put_u32(b, s->ngram_min);
			put_u32(b, s->ngram_max);
			break;
		case SECTION_TERMS:
			put_strings(b, s->terms, n);
			break;
		case SECTION_HASH:
			rc = put_hash(b, s, err);
			break;
		case SECTION_IDF:
			put(b, s->idf, n * sizeof(double));
			break;
		case SECTION_WEIGHTS: {
			/* Feature-major: the K weights of feature j are
			 * adjacent, one cache line per looked-up feature. */
			double *w = reserve(b, n * K * sizeof(double));

			for (size_t j = 0; w != NULL && j < n; j++)
				for (size_t k = 0; k < K; k++)
					w[j * K + k] = s->coef[k * n + j];
			break;
		}
		case SECTION_INTERCEPTS:
			put(b, s->intercept, K * sizeof(double));
			break;
		case SECTION_THRESHOLD:
			put(b, &s->threshold, sizeof(double));
			break;
		case SECTION_OTHER:
			put_u32(b, s->other_index);
			put_u32(b, 0);
			break;
		case SECTION_ARGS: {
			const char *j = s->args_json ? s->args_json : "{}";

			put(b, j, strlen(j) + 1);
			break;
		}
		case SECTION_PERFORMANCE: {
			const char *j = s->performance_json ?
				s->performance_json : "{}";

			put(b, j, strlen(j) + 1);
			break;
		}
		case SECTION_NONE:
		case SECTION__MAX:
			break;
		}
		if (rc != CORE_OK)
			return rc;
		sec->type = t;
		sec->reserved = 0;
		sec->offset = start;
		sec->length = b->len - start;
		align8(b);
	}
	if (b->failed)
		return core_fail(err, CORE_ERR_NOMEM,
				 "out of memory building the artifact");

	struct artifact_header h;

	memset(&h, 0, sizeof(h));
	memcpy(h.magic, ARTIFACT_MAGIC, ARTIFACT_MAGIC_LEN);
	h.version = ARTIFACT_VERSION;
	h.endian = ARTIFACT_ENDIAN;
	h.file_size = b->len;
	h.section_count = nsec;
	h.table_offset = ARTIFACT_HEADER_SIZE;
	memcpy(b->p, &h, sizeof(h));
	memcpy(b->p + ARTIFACT_HEADER_SIZE, table, nsec * sizeof(table[0]));
	h.checksum = artifact_checksum(b->p + ARTIFACT_SUM_START,
				       b->len - ARTIFACT_SUM_START);
	memcpy(b->p, &h, sizeof(h));
	return CORE_OK;
}

static enum core_status
write_atomic(const char *path, const unsigned char *data, size_t len,
	     struct core_error *err)
{
	size_t plen = strlen(path);
	char *tmp = malloc(plen + sizeof(".tmp.XXXXXX"));
	enum core_status rc = CORE_OK;
	int fd = -1, created = 0;

	if (tmp == NULL)
		return core_fail(err, CORE_ERR_NOMEM, "out of memory");
	memcpy(tmp, path, plen);
	memcpy(tmp + plen, ".tmp.XXXXXX", sizeof(".tmp.XXXXXX"));
	fd = mkstemp(tmp);
	if (fd < 0) {
		rc = core_fail(err, CORE_ERR_IO, "%s: cannot create: %s", tmp,
			       strerror(errno));
		goto out;
	}
	created = 1;
	for (size_t done = 0; done < len;) {
		ssize_t w = write(fd, data + done, len - done);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			rc = core_fail(err, CORE_ERR_IO, "%s: write: %s", tmp,
				       strerror(w < 0 ? errno : EIO));
			goto out;
		}
		done += (size_t)w;
	}
	if (fchmod(fd, 0644) != 0 || fsync(fd) != 0) {
		rc = core_fail(err, CORE_ERR_IO, "%s: %s", tmp, strerror(errno));
		goto out;
	}
	if (close(fd) != 0) {
		fd = -1;
		rc = core_fail(err, CORE_ERR_IO, "%s: close: %s", tmp,
			       strerror(errno));
		goto out;
	}
	fd = -1;
	if (rename(tmp, path) != 0)
		rc = core_fail(err, CORE_ERR_IO, "%s: rename: %s", path,
			       strerror(errno));
out:
	if (fd >= 0)
		close(fd);
	if (rc != CORE_OK && created)
		unlink(tmp);
	free(tmp);
	return rc;
}

enum core_status
artifact_write(const char *path, const struct model_spec *spec,
	       struct core_error *err)
{
	struct obuf b = { 0 };
	enum core_status rc;

	if (path == NULL || spec == NULL)
		return core_fail(err, CORE_ERR_INPUT, "no path or no model");
	rc = check_spec(spec, err);
	if (rc != CORE_OK)
		goto out;
	rc = build(&b, spec, err);
	if (rc != CORE_OK)
		goto out;
	rc = write_atomic(path, b.p, b.len, err);
out:
	free(b.p);
	return rc;
}
