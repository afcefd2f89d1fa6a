/* SPDX-License-Identifier: MIT
 * tests/fuzz/fuzz_clean.c - libFuzzer harness for the text path of a
 * prediction: cleaner_run (core/clean.c) with lower and stem on or off,
 * ngram_extract (core/ngram.c) on its output, and model_predict
 * (core/model.c: cleaner + vectorizer + classifier) on two tiny models.
 *
 * Input: byte 0 selects the options (bit 0 lower, bit 1 stem, bits 2-4
 * ngram min - 1, bits 5-7 the span added for max), the rest is the text.
 * Besides memory errors it checks the documented invariants: cleaned text
 * is [A-Za-z0-9 ] (no capitals with lower=True and no stemming; spaces
 * may double or lead, since links are removed after the collapse, as in
 * the reference), a reused buffer gives the
 * same result as a fresh one, n-gram counts stay under ngram_max_count
 * and keys round-trip, probabilities are in [0, 1] and sum to 1, and the
 * model's cleaned text equals the cleaner's.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clean.h"
#include "core/model.h"
#include "core/model_info.h"
#include "core/ngram.h"
#include "tests/fuzz/fuzz_common.h"

/* cleaners[lower][stem], all with the English stopwords. */
static struct cleaner *cleaners[2][2];
static struct clean_buf reused;
static struct model *models[2];        /* lower+english, stem+3 words */
static struct model_scratch *scratch[2];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct core_error err = { { 0 } };

	(void)argc;
	(void)argv;
	for (int l = 0; l < 2; l++)
		for (int s = 0; s < 2; s++)
			if (cleaner_new(l, s, clean_stopwords_english,
					clean_stopwords_english_count,
					&cleaners[l][s], &err) != CORE_OK) {
				fprintf(stderr, "cleaner_new: %s\n", err.msg);
				abort();
			}
	models[0] = fuzz_open_tiny(true, false, true);
	models[1] = fuzz_open_tiny(false, true, false);
	for (int i = 0; i < 2; i++) {
		scratch[i] = model_scratch_new(models[i]);
		FUZZ_CHECK(scratch[i] != NULL, "model_scratch_new");
	}
	return 0;
}

static void check_cleaned(const char *s, size_t len, bool lower, bool stem)
{
	FUZZ_CHECK(strlen(s) == len, "cleaned length");
	if (len == 0)
		return;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
			  c == ' ' || (c >= 'A' && c <= 'Z');

		FUZZ_CHECK(ok, "cleaned byte outside [A-Za-z0-9 ]");
		FUZZ_CHECK(!(lower && !stem && c >= 'A' && c <= 'Z'),
			   "capital letter with lower=True");
	}
}

static void check_ngrams(const char *s, size_t len, unsigned nmin,
			 unsigned nmax)
{
	size_t cap = ngram_max_count(len, nmin, nmax);
	uint64_t *keys = malloc((cap ? cap : 1) * sizeof(*keys));
	size_t n;

	FUZZ_CHECK(keys != NULL, "malloc");
	n = ngram_extract(s, len, nmin, nmax, keys);
	FUZZ_CHECK(n <= cap, "ngram_extract over ngram_max_count");
	for (size_t i = 0; i < n; i++) {
		char t[CORE_MAX_NGRAM + 1];
		size_t k = ngram_unpack(keys[i], t);

		FUZZ_CHECK(k >= 1 && k <= nmax, "n-gram length");
		FUZZ_CHECK(ngram_pack(t, k) == keys[i], "pack(unpack(key))");
	}
	free(keys);
}

static void check_predict(int which, const char *text, size_t len,
			  const char *expect_cleaned)
{
	struct prediction p;
	const struct model *m = models[which];
	enum core_status st = model_predict(m, scratch[which], text, len, &p);
	size_t k = model_class_count(m);
	double sum = 0.0;

	FUZZ_CHECK(st == CORE_OK || st == CORE_ERR_LIMIT, "model_predict");
	if (st != CORE_OK)
		return;
	FUZZ_CHECK(p.tag < k && p.argmax < k, "tag in range");
	FUZZ_CHECK(p.nnz <= model_feature_count(m), "nnz in range");
	for (size_t i = 0; i < k; i++) {
		FUZZ_CHECK(p.prob[i] >= 0.0 && p.prob[i] <= 1.0,
			   "probability in [0, 1]");
		FUZZ_CHECK(isfinite(p.decision[i]), "finite decision");
		sum += p.prob[i];
	}
	FUZZ_CHECK(fabs(sum - 1.0) < 1e-9, "probabilities sum to 1");
	if (expect_cleaned != NULL)
		FUZZ_CHECK(strcmp(model_scratch_cleaned(scratch[which]),
				  expect_cleaned) == 0,
			   "model cleans as cleaner_run");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct clean_buf fresh = { 0 };
	bool lower, stem;
	unsigned nmin, nmax;
	const char *text;
	size_t len;

	if (size == 0)
		return 0;
	lower = data[0] & 1;
	stem = (data[0] >> 1) & 1;
	nmin = ((data[0] >> 2) & 7) + 1;
	nmax = nmin + ((data[0] >> 5) & 7);
	if (nmax > CORE_MAX_NGRAM)
		nmax = CORE_MAX_NGRAM;
	text = (const char *)data + 1;
	len = size - 1;

	FUZZ_CHECK(cleaner_run(cleaners[lower][stem], text, len, &reused) ==
		   CORE_OK, "cleaner_run (reused buffer)");
	check_cleaned(reused.out, reused.len, lower, stem);
	FUZZ_CHECK(cleaner_run(cleaners[lower][stem], text, len, &fresh) ==
		   CORE_OK, "cleaner_run (fresh buffer)");
	FUZZ_CHECK(fresh.len == reused.len &&
		   memcmp(fresh.out, reused.out, fresh.len) == 0,
		   "reused and fresh buffers agree");
	clean_buf_release(&fresh);

	check_ngrams(reused.out, reused.len, nmin, nmax);

	/* Model 0 cleans with lower=True, no stemming, English stopwords:
	 * exactly cleaners[1][0]. */
	if (lower && !stem)
		check_predict(0, text, len, reused.out);
	else
		check_predict(0, text, len, NULL);
	check_predict(1, text, len, NULL);
	return 0;
}
