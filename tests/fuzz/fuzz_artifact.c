/* SPDX-License-Identifier: MIT
 * tests/fuzz/fuzz_artifact.c - libFuzzer harness for model_open
 * (core/artifact_read.c), the one reader of untrusted artifact bytes.
 *
 * The input is written to a memfd and opened through /proc/self/fd, so the
 * reader maps it as it maps a file.  Since random bytes almost never pass
 * the size and checksum checks, each input is tried twice: as it is, and
 * (when it is at least a header long) with the recorded file size and
 * the checksum (artifact_checksum) repaired, which lets the fuzzer reach
 * the section checks.  A refused file must come back with a status and a message; an
 * accepted one must predict without memory errors, with its accessors in
 * range.
 */
#define _GNU_SOURCE 1  /* memfd_create */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "core/artifact_format.h"
#include "core/model.h"
#include "core/model_info.h"
#include "tests/fuzz/fuzz_common.h"

static const char *const texts[] = {
	"", "Transfer learning with BERT for text classification",
	"Object detection: YOLO, pixels and CNNs!", "the of don't",
	"MLOps pipeline: serving models with Docker http://x.y",
};

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

static void exercise(const struct model *m)
{
	struct model_scratch *s = model_scratch_new(m);
	const struct model_identity *id = model_identity(m);
	size_t k = model_class_count(m);
	unsigned nmin, nmax;

	FUZZ_CHECK(s != NULL, "model_scratch_new");
	FUZZ_CHECK(id->name && id->version && id->checksum, "identity");
	FUZZ_CHECK(k >= 1 && k <= CORE_MAX_CLASSES, "class count");
	for (size_t i = 0; i < k; i++)
		FUZZ_CHECK(model_class_name(m, i) != NULL, "class name");
	FUZZ_CHECK(model_args_json(m) && model_performance_json(m), "json");
	model_ngram_range(m, &nmin, &nmax);
	FUZZ_CHECK(nmin >= 1 && nmin <= nmax && nmax <= CORE_MAX_NGRAM,
		   "n-gram range");
	FUZZ_CHECK(model_other_index(m) < k, "other index");
	for (size_t j = 0; j < model_feature_count(m); j++)
		FUZZ_CHECK(model_term(m, j) != NULL, "term");
	for (size_t i = 0; i < model_stopword_count(m); i++)
		FUZZ_CHECK(model_stopword(m, i) != NULL, "stopword");
	for (size_t t = 0; t < sizeof(texts) / sizeof(*texts); t++) {
		struct prediction p;
		enum core_status st = model_predict(m, s, texts[t],
						    strlen(texts[t]), &p);

		FUZZ_CHECK(st == CORE_OK, "model_predict on an open model");
		FUZZ_CHECK(p.tag < k && p.argmax < k, "tag in range");
		for (size_t i = 0; i < k; i++)
			FUZZ_CHECK(!(p.prob[i] < 0.0 || p.prob[i] > 1.0),
				   "probability in [0, 1]");
	}
	model_scratch_free(s);
}

static void try_open(int fd, const uint8_t *data, size_t size)
{
	char path[64];
	struct model *m = NULL;
	struct core_error err = { { 0 } };
	enum core_status st;

	if (ftruncate(fd, 0) != 0 || lseek(fd, 0, SEEK_SET) != 0 ||
	    (size > 0 && write(fd, data, size) != (ssize_t)size))
		abort();
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	st = model_open(path, &m, &err);
	if (st != CORE_OK) {
		FUZZ_CHECK(m == NULL, "out-param left alone on failure");
		FUZZ_CHECK(st < CORE__MAX, "status in range");
		FUZZ_CHECK(err.msg[0] != '\0', "failure explained");
		return;
	}
	exercise(m);
	model_close(m);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int fd = memfd_create("fuzz-artifact", MFD_CLOEXEC);

	if (fd < 0)
		abort();
	try_open(fd, data, size);
	if (size >= ARTIFACT_HEADER_SIZE) {
		uint8_t *fixed = malloc(size);
		uint64_t fsize = size, sum;

		if (fixed == NULL)
			abort();
		memcpy(fixed, data, size);
		memcpy(fixed + 16, &fsize, sizeof(fsize));
		sum = artifact_checksum(fixed + ARTIFACT_SUM_START,
					size - ARTIFACT_SUM_START);
		memcpy(fixed + 24, &sum, sizeof(sum));
		if (memcmp(fixed, data, size) != 0)
			try_open(fd, fixed, size);
		free(fixed);
	}
	close(fd);
	return 0;
}
