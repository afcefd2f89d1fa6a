/* SPDX-License-Identifier: MIT
 * tests/fuzz/fuzz_common.c - the tiny model of the fuzz harnesses, built
 * with artifact_write so model_open sees exactly what production writes,
 * and the replay driver (FUZZ_REPLAY) that runs a harness over files
 * without libFuzzer, for `make check` with any compiler.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/clean.h"
#include "core/ngram.h"
#include "tests/fuzz/fuzz_common.h"

#define TINY_CLASSES 4
#define TINY_MAX_FEATURES 1024
#define TINY_NGRAM_MIN 2
#define TINY_NGRAM_MAX 4

static const char *const tiny_classes[TINY_CLASSES] = {
	"computer-vision", "mlops", "natural-language-processing", "other",
};
static const char *const tiny_stopwords[3] = { "the", "don't", "of" };
static const char *const tiny_words[] = {
	"image", "segmentation", "object", "detection", "pixel", "cnn",
	"model", "deploy", "monitoring", "pipeline", "docker", "serving",
	"text", "token", "transformer", "bert", "language", "translation",
	"graph", "data", "learn", "train", "gan", "net",
};

static char tiny_term_buf[TINY_MAX_FEATURES][CORE_MAX_NGRAM + 1];
static const char *tiny_terms[TINY_MAX_FEATURES];
static double tiny_idf[TINY_MAX_FEATURES];
static double tiny_coef[TINY_CLASSES * TINY_MAX_FEATURES];
static double tiny_intercept[TINY_CLASSES];

/* Provided by the sanitizer runtimes; NULL in a plain replay build. */
void __sanitizer_report_error_summary(const char *summary)
	__attribute__((weak));

void fuzz_check(bool cond, const char *msg, const char *file, int line)
{
	char text[512];

	if (cond)
		return;
	snprintf(text, sizeof(text), "%s:%d: fuzz invariant failed: %s",
		 file, line, msg);
	fprintf(stderr, "%s\n", text);
	/* With -close_fd_mask=2 stderr is gone; the sanitizer's report
	 * descriptor is not, so the summary still names the invariant. */
	if (__sanitizer_report_error_summary != NULL)
		__sanitizer_report_error_summary(text);
	abort();
}

/* A small deterministic generator (xorshift64), so the model is the same
 * on every run and every machine. */
static double next_weight(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return (double)(int64_t)(*s % 2001) / 1000.0 - 1.0;
}

static size_t tiny_terms_fill(void)
{
	size_t n = 0;
	uint64_t keys[256];

	for (size_t w = 0; w < sizeof(tiny_words) / sizeof(*tiny_words); w++) {
		const char *word = tiny_words[w];
		size_t k = ngram_extract(word, strlen(word), TINY_NGRAM_MIN,
					 TINY_NGRAM_MAX, keys);

		for (size_t i = 0; i < k && n < TINY_MAX_FEATURES; i++) {
			char t[CORE_MAX_NGRAM + 1];
			bool dup = false;

			ngram_unpack(keys[i], t);
			for (size_t j = 0; j < n && !dup; j++)
				dup = strcmp(tiny_term_buf[j], t) == 0;
			if (dup)
				continue;
			memcpy(tiny_term_buf[n], t, sizeof(t));
			tiny_terms[n] = tiny_term_buf[n];
			n++;
		}
	}
	return n;
}

void fuzz_tiny_spec(struct model_spec *spec, bool lower, bool stem,
		    bool english)
{
	uint64_t s = UINT64_C(0x9e3779b97f4a7c15);
	size_t n = tiny_terms_fill();

	for (size_t j = 0; j < n; j++) {
		tiny_idf[j] = 1.0 + (next_weight(&s) + 1.0) * 2.0;
		for (size_t k = 0; k < TINY_CLASSES; k++)
			tiny_coef[k * n + j] = next_weight(&s) * 3.0;
	}
	for (size_t k = 0; k < TINY_CLASSES; k++)
		tiny_intercept[k] = next_weight(&s) * 0.1;
	memset(spec, 0, sizeof(*spec));
	spec->name = "fuzz-tiny";
	spec->version = "0.0.1";
	spec->n_classes = TINY_CLASSES;
	spec->classes = tiny_classes;
	spec->other_index = TINY_CLASSES - 1;
	spec->threshold = 0.5;
	spec->lower = lower;
	spec->stem = stem;
	spec->n_stopwords = english ? clean_stopwords_english_count : 3;
	spec->stopwords = english ? clean_stopwords_english : tiny_stopwords;
	spec->ngram_min = TINY_NGRAM_MIN;
	spec->ngram_max = TINY_NGRAM_MAX;
	spec->n_features = n;
	spec->terms = tiny_terms;
	spec->idf = tiny_idf;
	spec->coef = tiny_coef;
	spec->intercept = tiny_intercept;
	spec->args_json = "{\"shuffle\":true,\"subset\":null,\"min_freq\":75,"
			  "\"lower\":true,\"stem\":false,\"analyzer\":"
			  "\"char_wb\",\"ngram_max_range\":4,\"alpha\":"
			  "0.0001,\"learning_rate\":0.1,\"power_t\":0.1,"
			  "\"threshold\":0.5,\"num_epochs\":1}";
	spec->performance_json = "{\"overall\":{\"precision\":0.5,\"recall\":"
				 "0.5,\"f1\":0.5,\"num_samples\":4.0},"
				 "\"class\":{},\"slices\":{}}";
}

int fuzz_write_tiny(const char *path, bool lower, bool stem, bool english)
{
	struct model_spec spec;
	struct core_error err = { { 0 } };
	enum core_status st;

	fuzz_tiny_spec(&spec, lower, stem, english);
	st = artifact_write(path, &spec, &err);
	if (st != CORE_OK) {
		fprintf(stderr, "fuzz: artifact_write %s: %s\n", path,
			err.msg[0] ? err.msg : core_strerror(st));
		return -1;
	}
	return 0;
}

struct model *fuzz_open_tiny(bool lower, bool stem, bool english)
{
	char dir[] = "/tmp/fuzz-model-XXXXXX";
	char path[sizeof(dir) + 32];
	struct core_error err = { { 0 } };
	struct model *m = NULL;

	if (mkdtemp(dir) == NULL) {
		perror("fuzz: mkdtemp");
		abort();
	}
	snprintf(path, sizeof(path), "%s/tiny.tagifai", dir);
	if (fuzz_write_tiny(path, lower, stem, english) != 0)
		abort();
	if (model_open(path, &m, &err) != CORE_OK) {
		fprintf(stderr, "fuzz: model_open %s: %s\n", path, err.msg);
		abort();
	}
	unlink(path);
	rmdir(dir);
	return m;
}

#ifdef FUZZ_REPLAY
/* Replays each file through the harness.  A crash or a failed invariant
 * aborts the program, so the TAP stream stops early and the test driver
 * reports the missing lines as a failure. */
#define REPLAY_MAX_BYTES ((size_t)4 << 20)

int main(int argc, char **argv)
{
	int failed = 0;

	LLVMFuzzerInitialize(&argc, &argv);
	printf("1..%d\n", argc - 1);
	fflush(stdout);
	for (int i = 1; i < argc; i++) {
		FILE *f = fopen(argv[i], "rb");
		uint8_t *buf = malloc(REPLAY_MAX_BYTES);
		size_t n = 0;

		if (f == NULL || buf == NULL) {
			printf("not ok %d - %s: cannot read\n", i, argv[i]);
			failed = 1;
			if (f != NULL)
				fclose(f);
			free(buf);
			continue;
		}
		n = fread(buf, 1, REPLAY_MAX_BYTES, f);
		fclose(f);
		/* A copy of exactly n bytes, so ASan sees reads past the
		 * input as libFuzzer would. */
		uint8_t *exact = malloc(n ? n : 1);

		if (exact == NULL) {
			printf("not ok %d - %s: out of memory\n", i, argv[i]);
			failed = 1;
			free(buf);
			continue;
		}
		memcpy(exact, buf, n);
		free(buf);
		LLVMFuzzerTestOneInput(exact, n);
		free(exact);
		printf("ok %d - %s (%zu bytes)\n", i, argv[i], n);
		fflush(stdout);
	}
	return failed;
}
#endif
