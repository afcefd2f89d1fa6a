/* SPDX-License-Identifier: MIT
 * tests/unit/artifact_test.c - artifact_write and model_open
 * (core/artifact_write.c, core/artifact_read.c): a round trip through a
 * small model, then damaged files, each of which must be refused with the
 * right status and a message, never a crash.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <xxhash.h>

#include "core/artifact.h"
#include "core/artifact_format.h"
#include "core/model.h"
#include "core/model_info.h"
#include "core/ngram.h"
#include "tests/unit/tap.h"

static char dir[256];

static const char *const classes[3] = { "alpha", "beta", "other" };
static const char *const stopwords[2] = { "the", "don't" };
static const char *const terms[6] = { " a", "ab", "b ", " c", "cd", "d " };
static const double idf[6] = { 1.5, 1.25, 2.0, 1.0, 1.75, 1.125 };
static const double coef[3 * 6] = {
	0.5, -0.25, 0.125, 1.0, -1.0, 0.75,
	-0.5, 0.25, 0.0, 0.5, 0.5, -0.75,
	0.0, 0.0, 0.0, 0.0, 0.0, 0.0,
};
static const double intercept[3] = { 0.1, -0.1, 0.0 };

static struct model_spec
tiny_spec(void)
{
	struct model_spec s = {
		.name = "tiny", .version = "1.2.3", .n_classes = 3,
		.classes = classes, .other_index = 2, .threshold = 0.5,
		.lower = true, .stem = false, .n_stopwords = 2,
		.stopwords = stopwords, .ngram_min = 2, .ngram_max = 3,
		.n_features = 6, .terms = terms, .idf = idf, .coef = coef,
		.intercept = intercept, .args_json = "{\"alpha\":0.0001}",
		.performance_json = "{\"overall\":{}}",
	};
	return s;
}

static unsigned char *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	unsigned char *buf;
	long n;

	if (f == NULL)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	if (buf != NULL && fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	*len = (size_t)n;
	return buf;
}

static void
spit(const char *path, const unsigned char *data, size_t len)
{
	FILE *f = fopen(path, "wb");

	if (f == NULL)
		return;
	if (len > 0)
		fwrite(data, 1, len, f);
	fclose(f);
}

/* Opens path and expects status want (and a message when failing). */
static void
expect_open(const char *path, enum core_status want, const char *what)
{
	struct core_error err = { "" };
	struct model *m = NULL;
	enum core_status got = model_open(path, &m, &err);

	if (!tap_ok(got == want && m == NULL && err.msg[0],
		    "model_open_should_refuse_%s", what))
		printf("#   want: %s\n#   got:  %s\n", core_strerror(want),
		       core_strerror(got));
	printf("#   %s\n", err.msg);
	model_close(m);
}

/* artifact_checksum (xxhash.h compiled in, AVX2 kernels where the CPU
 * has them) must equal the system libxxhash's XXH3_64bits at every
 * length: short inputs, each tail of the 1 KiB blocks, and megabytes. */
static void
artifact_checksum_should_equal_libxxhash(void)
{
	size_t big = (size_t)1 << 20, same = 0, tried = 0;
	unsigned char *buf = malloc(big + 7);
	uint64_t x = UINT64_C(0x9E3779B97F4A7C15);

	if (buf == NULL) {
		tap_ok(0, "artifact_checksum buffer");
		return;
	}
	for (size_t i = 0; i < big + 7; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		buf[i] = (unsigned char)x;
	}
	for (size_t len = 0; len <= 4200; len++, tried++)
		same += artifact_checksum(buf + (len & 7), len) ==
			XXH3_64bits(buf + (len & 7), len);
	for (size_t len = big - 64; len <= big; len += 7, tried++)
		same += artifact_checksum(buf, len) == XXH3_64bits(buf, len);
	tap_ok(same == tried, "artifact_checksum_should_equal_libxxhash "
	       "(%zu of %zu lengths)", same, tried);
	free(buf);
}

static void
resum(unsigned char *p, size_t len)
{
	uint64_t sum = artifact_checksum(p + ARTIFACT_SUM_START,
					 len - ARTIFACT_SUM_START);

	memcpy(p + 24, &sum, sizeof(sum));
}

static void
round_trip(const char *path)
{
	struct model_spec s = tiny_spec();
	struct core_error err = { "" };
	struct model *m = NULL;
	struct model_scratch *sc;
	struct prediction p;
	unsigned lo = 0, hi = 0;

	tap_ok(artifact_write(path, &s, &err) == CORE_OK,
	       "artifact_write_should_write_a_valid_spec %s", err.msg);
	if (model_open(path, &m, &err) != CORE_OK) {
		tap_ok(0, "model_open_should_open_what_was_written: %s", err.msg);
		return;
	}
	tap_ok(1, "model_open_should_open_what_was_written");
	tap_str_eq(model_identity(m)->name, "tiny", "identity name");
	tap_str_eq(model_identity(m)->version, "1.2.3", "identity version");
	tap_ok(strlen(model_identity(m)->checksum) == 16,
	       "identity checksum is 16 hex digits");
	tap_ok(model_class_count(m) == 3, "model_class_count_should_be_3");
	tap_str_eq(model_class_name(m, 1), "beta", "class 1");
	tap_ok(model_class_name(m, 3) == NULL, "class out of range is NULL");
	tap_ok(model_threshold(m) == 0.5, "threshold round-trips");
	tap_str_eq(model_args_json(m), "{\"alpha\":0.0001}", "args JSON");
	tap_str_eq(model_performance_json(m), "{\"overall\":{}}",
		   "performance JSON");
	model_ngram_range(m, &lo, &hi);
	tap_ok(lo == 2 && hi == 3 && model_feature_count(m) == 6 &&
	       model_other_index(m) == 2 && model_lowercases(m) &&
	       !model_stems(m), "n-gram range, features, other, flags");
	tap_str_eq(model_term(m, 4), "cd", "term 4");
	tap_str_eq(model_stopword(m, 1), "don't", "stopword 1");
	sc = model_scratch_new(m);
	tap_ok(sc != NULL && model_predict(m, sc, "AB the CD!", 10, &p) ==
	       CORE_OK, "model_predict_should_run_on_the_tiny_model");
	if (sc != NULL) {
		tap_str_eq(model_scratch_cleaned(sc), "ab cd",
			   "model_predict_should_clean_with_the_stored_stopwords");
		/* " ab " gives " a" "ab" "b " (+ " ab" absent), " cd " gives
		 * " c" "cd" "d ": all six features once. */
		tap_ok(p.nnz == 6 && p.tag < 3 &&
		       p.prob[0] + p.prob[1] + p.prob[2] > 0.999999,
		       "model_predict_should_fill_the_prediction (nnz %zu)",
		       p.nnz);
	}
	model_scratch_free(sc);
	model_close(m);
	model_close(NULL);
}

static void
write_should_refuse_bad_specs(const char *path)
{
	static const char *const dup[6] = { " a", "ab", "b ", " c", "ab",
					    "d " };
	static const char *const long_term[6] = { " a", "ab", "b ",
						  "abcdefghi", "cd", "d " };
	struct core_error err = { "" };
	struct model_spec s;

	s = tiny_spec();
	s.terms = dup;
	tap_ok(artifact_write(path, &s, &err) == CORE_ERR_INPUT && err.msg[0],
	       "artifact_write_should_refuse_duplicate_terms: %s", err.msg);
	s = tiny_spec();
	s.terms = long_term;
	tap_ok(artifact_write(path, &s, &err) == CORE_ERR_LIMIT,
	       "artifact_write_should_refuse_a_term_over_8_bytes: %s", err.msg);
	s = tiny_spec();
	s.other_index = 3;
	tap_ok(artifact_write(path, &s, &err) == CORE_ERR_INPUT,
	       "artifact_write_should_refuse_a_bad_other_index: %s", err.msg);
	s = tiny_spec();
	s.ngram_max = 9;
	tap_ok(artifact_write(path, &s, &err) == CORE_ERR_INPUT,
	       "artifact_write_should_refuse_a_bad_ngram_range: %s", err.msg);
	s = tiny_spec();
	s.n_classes = 1;
	tap_ok(artifact_write(path, &s, &err) == CORE_ERR_LIMIT,
	       "artifact_write_should_refuse_one_class: %s", err.msg);
	s = tiny_spec();
	tap_ok(artifact_write("/nonexistent-dir/x.tagifai", &s, &err) ==
	       CORE_ERR_IO, "artifact_write_should_report_io_errors: %s",
	       err.msg);
}

/* Opens path, which must open, and predicts; returns the row's nnz or
 * (size_t)-1. */
static size_t
open_and_predict(const char *path, const char *text)
{
	struct core_error err = { "" };
	struct model *m = NULL;
	struct model_scratch *sc;
	struct prediction pr;
	size_t nnz = (size_t)-1;

	if (model_open(path, &m, &err) != CORE_OK) {
		printf("#   %s\n", err.msg);
		return nnz;
	}
	sc = model_scratch_new(m);
	if (sc != NULL && model_predict(m, sc, text, strlen(text), &pr) ==
	    CORE_OK && pr.tag < model_class_count(m))
		nnz = pr.nnz;
	model_scratch_free(sc);
	model_close(m);
	return nnz;
}

/* The hash table is not checked slot by slot at open (doc/ARTIFACT.md,
 * "Validation"): damage under a valid checksum must be harmless at
 * lookup, and a table without an empty slot must be refused. */
static void
damaged_hash(const char *bad, const unsigned char *orig, unsigned char *p,
	     size_t len, struct artifact_section sec)
{
	size_t first = 0;

	for (size_t s = sec.offset + 8; s < sec.offset + sec.length; s += 16) {
		uint64_t k;

		memcpy(&k, orig + s, 8);
		if (k != 0 && first == 0)
			first = s;
	}
	/* A slot's key swapped for another n-gram's: wrong counts, no
	 * harm. */
	memcpy(p, orig, len);
	{
		uint64_t k = ngram_pack("zz", 2);

		memcpy(p + first, &k, 8);
	}
	resum(p, len);
	spit(bad, p, len);
	tap_ok(open_and_predict(bad, "ab cd zz") != (size_t)-1,
	       "model_predict_should_survive_a_slot_not_matching_its_term");
	/* Every slot's feature index far beyond the features: every
	 * n-gram must read as absent. */
	memcpy(p, orig, len);
	for (size_t s = sec.offset + 8; s < sec.offset + sec.length; s += 16) {
		uint32_t huge = 0xfffffff0u;

		memcpy(p + s + 8, &huge, 4);
	}
	resum(p, len);
	spit(bad, p, len);
	tap_ok(open_and_predict(bad, "ab cd") == 0,
	       "vocab_lookup_should_read_an_out_of_range_index_as_absent");
	/* No empty slot: a probe for an absent key would never end. */
	memcpy(p, orig, len);
	for (size_t s = sec.offset + 8; s < sec.offset + sec.length; s += 16) {
		uint64_t k;

		memcpy(&k, p + s, 8);
		if (k == 0) {
			k = ngram_pack("qq", 2);
			memcpy(p + s, &k, 8);
		}
	}
	resum(p, len);
	spit(bad, p, len);
	expect_open(bad, CORE_ERR_CORRUPT, "a_hash_table_without_an_empty_slot");
}

/* A NaN, then an infinity, at every position of an idf or weights
 * section: the scan goes four doubles at a time, then one at a time for
 * the tail, so every lane and the tail must see it. */
static void
non_finite(const char *bad, const unsigned char *orig, unsigned char *p,
	   size_t len, struct artifact_section sec)
{
	static const uint64_t bits[] = {
		UINT64_C(0x7ff8000000000000),   /* NaN */
		UINT64_C(0xfff0000000000000),   /* -inf */
	};
	size_t n = sec.length / 8, refused = 0;

	for (size_t b = 0; b < 2; b++) {
		for (size_t i = 0; i < n; i++) {
			struct core_error err = { "" };
			struct model *m = NULL;

			memcpy(p, orig, len);
			memcpy(p + sec.offset + 8 * i, &bits[b], 8);
			resum(p, len);
			spit(bad, p, len);
			if (model_open(bad, &m, &err) == CORE_ERR_CORRUPT &&
			    strstr(err.msg, "not finite") != NULL)
				refused++;
			model_close(m);
		}
	}
	tap_ok(n > 0 && refused == 2 * n, "model_open_should_refuse_a_non_"
	       "finite_%s_at_every_position (%zu of %zu)",
	       artifact_section_name(sec.type), refused, 2 * n);
}

static void
damaged_files(const char *good)
{
	char bad[300];
	size_t len;
	unsigned char *orig = slurp(good, &len);
	unsigned char *p = malloc(len + 1);
	static const size_t cuts[] = { 4, 8, 40, 63, 64, 100, 1000 };
	struct artifact_header h;

	if (orig == NULL || p == NULL) {
		tap_ok(0, "read back the artifact");
		return;
	}
	snprintf(bad, sizeof(bad), "%s/bad.tagifai", dir);
	memcpy(&h, orig, sizeof(h));

	spit(bad, orig, 0);
	expect_open(bad, CORE_ERR_FORMAT, "an_empty_file");
	for (size_t i = 0; i < sizeof(cuts) / sizeof(cuts[0]); i++) {
		char what[64];

		spit(bad, orig, cuts[i]);
		snprintf(what, sizeof(what), "a_file_truncated_to_%zu", cuts[i]);
		expect_open(bad, CORE_ERR_CORRUPT, what);
	}
	spit(bad, orig, len / 2);
	expect_open(bad, CORE_ERR_CORRUPT, "a_file_truncated_to_half");
	spit(bad, orig, len - 1);
	expect_open(bad, CORE_ERR_CORRUPT, "a_file_missing_its_last_byte");

	/* One flipped bit in every section, first and last byte. */
	for (uint32_t i = 0; i < h.section_count; i++) {
		struct artifact_section sec;

		memcpy(&sec, orig + ARTIFACT_HEADER_SIZE + i * sizeof(sec),
		       sizeof(sec));
		for (int end = 0; end < 2; end++) {
			char what[96];
			size_t at = sec.offset + (end ? sec.length - 1 : 0);

			memcpy(p, orig, len);
			p[at] ^= (unsigned char)(end ? 0x80 : 0x01);
			spit(bad, p, len);
			snprintf(what, sizeof(what), "a_flipped_bit_in_%s_%s",
				 artifact_section_name(sec.type),
				 end ? "end" : "start");
			expect_open(bad, CORE_ERR_CORRUPT, what);
		}
	}
	memcpy(p, orig, len);
	p[ARTIFACT_HEADER_SIZE + 9] ^= 0x04; /* section table */
	spit(bad, p, len);
	expect_open(bad, CORE_ERR_CORRUPT, "a_flipped_bit_in_the_section_table");
	memcpy(p, orig, len);
	p[26] ^= 0x10; /* stored checksum */
	spit(bad, p, len);
	expect_open(bad, CORE_ERR_CORRUPT, "a_flipped_bit_in_the_checksum");
	memcpy(p, orig, len);
	p[17] ^= 0x01; /* file size */
	spit(bad, p, len);
	expect_open(bad, CORE_ERR_CORRUPT, "a_flipped_bit_in_the_file_size");
	memcpy(p, orig, len);
	p[2] ^= 0x01; /* magic */
	spit(bad, p, len);
	expect_open(bad, CORE_ERR_FORMAT, "a_flipped_bit_in_the_magic");
	memcpy(p, orig, len);
	p[8] = ARTIFACT_VERSION + 1; /* version */
	spit(bad, p, len);
	expect_open(bad, CORE_ERR_VERSION, "a_newer_format_version");
	memcpy(p, orig, len);
	p[8] = 1; /* the FNV-1a 64 format of the first releases */
	spit(bad, p, len);
	{
		struct core_error err = { "" };
		struct model *m = NULL;

		tap_ok(model_open(bad, &m, &err) == CORE_ERR_VERSION &&
		       strstr(err.msg, "format version 1, this build reads 2"),
		       "model_open_should_name_both_versions_for_a_version_1_"
		       "file: %s", err.msg);
		model_close(m);
	}
	memcpy(p, orig, len);
	p[12] = 1; p[13] = 2; p[14] = 3; p[15] = 4; /* big-endian mark */
	spit(bad, p, len);
	expect_open(bad, CORE_ERR_FORMAT, "the_other_byte_order");

	/* Structural damage with a valid checksum: the validator, not the
	 * checksum, must catch these. */
	for (uint32_t i = 0; i < h.section_count; i++) {
		struct artifact_section sec;
		size_t at = ARTIFACT_HEADER_SIZE + i * sizeof(sec);
		char what[96];

		memcpy(&sec, orig + at, sizeof(sec));
		memcpy(p, orig, len);
		sec.length += 8;
		if (sec.offset + sec.length > len)
			sec.length = len - sec.offset + 8;
		memcpy(p + at, &sec, sizeof(sec));
		resum(p, len);
		spit(bad, p, len);
		snprintf(what, sizeof(what), "a_resized_%s_section",
			 artifact_section_name(sec.type));
		expect_open(bad, CORE_ERR_CORRUPT, what);
		if (sec.type == SECTION_OTHER) {
			memcpy(p, orig, len);
			p[sec.offset] = 7;
			resum(p, len);
			spit(bad, p, len);
			expect_open(bad, CORE_ERR_CORRUPT,
				    "an_other_index_beyond_the_classes");
		}
		if (sec.type == SECTION_HASH)
			damaged_hash(bad, orig, p, len, sec);
		if (sec.type == SECTION_IDF || sec.type == SECTION_WEIGHTS)
			non_finite(bad, orig, p, len, sec);
	}
	memcpy(p, orig, len);
	{
		uint32_t big = 1000;

		memcpy(p + 32, &big, 4); /* section count */
		resum(p, len);
		spit(bad, p, len);
		expect_open(bad, CORE_ERR_CORRUPT, "a_huge_section_count");
	}

	spit(bad, (const unsigned char *)"{\"format\": \"something else\"}\n"
	     "and more text to pass the header size.........................",
	     90);
	expect_open(bad, CORE_ERR_FORMAT, "a_foreign_file");
	expect_open(dir, CORE_ERR_IO, "a_directory");
	snprintf(bad, sizeof(bad), "%s/missing.tagifai", dir);
	expect_open(bad, CORE_ERR_IO, "a_missing_file");
	free(orig);
	free(p);
}


/* Random damage with a recomputed checksum, so that only the structural
 * validation stands between the bytes and the code that indexes them.
 * Every open must either fail with a message or give a model that
 * predicts; a crash or a sanitizer report fails the test. */
#define FUZZ_ROUNDS 400

static void
model_open_should_survive_random_damage(const char *good)
{
	char bad[300];
	size_t len;
	unsigned char *orig = slurp(good, &len);
	unsigned char *p = malloc(len + 1);
	uint64_t rng = UINT64_C(0x2545F4914F6CDD1D);
	int refused = 0, opened = 0, silent = 0;

	if (orig == NULL || p == NULL) {
		tap_ok(0, "read back the artifact");
		free(orig);
		free(p);
		return;
	}
	snprintf(bad, sizeof(bad), "%s/fuzz.tagifai", dir);
	for (int round = 0; round < FUZZ_ROUNDS; round++) {
		struct core_error err = { "" };
		struct model *m = NULL;
		int flips;

		memcpy(p, orig, len);
		rng ^= rng << 13; rng ^= rng >> 7; rng ^= rng << 17;
		flips = 1 + (int)(rng % 3);
		for (int f = 0; f < flips; f++) {
			rng ^= rng << 13; rng ^= rng >> 7; rng ^= rng << 17;
			size_t at = ARTIFACT_SUM_START +
				(size_t)(rng % (len - ARTIFACT_SUM_START));

			p[at] ^= (unsigned char)(1u << ((rng >> 32) % 8));
		}
		resum(p, len);
		spit(bad, p, len);
		if (model_open(bad, &m, &err) == CORE_OK) {
			struct model_scratch *sc = model_scratch_new(m);
			struct prediction pr;

			opened++;
			if (sc == NULL || model_predict(m, sc, "ab cd the x", 11,
							&pr) != CORE_OK)
				silent++;
			model_scratch_free(sc);
			model_close(m);
		} else if (err.msg[0] == '\0') {
			silent++;
		} else {
			refused++;
		}
	}
	tap_ok(silent == 0 && refused + opened == FUZZ_ROUNDS,
	       "model_open_should_survive_random_damage (%d refused, %d "
	       "harmless, %d without a message)", refused, opened, silent);
	unlink(bad);
	free(orig);
	free(p);
}

int
main(void)
{
	const char *tmp = getenv("TMPDIR");
	char path[300];

	artifact_checksum_should_equal_libxxhash();
	snprintf(dir, sizeof(dir), "%s/artifact_test.XXXXXX",
		 tmp && tmp[0] ? tmp : "/tmp");
	if (mkdtemp(dir) == NULL) {
		tap_ok(0, "mkdtemp");
		return tap_done();
	}
	snprintf(path, sizeof(path), "%s/tiny.tagifai", dir);
	round_trip(path);
	damaged_files(path);
	model_open_should_survive_random_damage(path);
	write_should_refuse_bad_specs(path);
	{
		struct core_error err = { "" };
		struct model *m = NULL;

		tap_ok(model_open(path, &m, &err) == CORE_OK,
		       "artifact_write_should_leave_the_old_file_after_failing");
		model_close(m);
	}
	unlink(path);
	snprintf(path, sizeof(path), "%s/bad.tagifai", dir);
	unlink(path);
	rmdir(dir);
	return tap_done();
}
