/* SPDX-License-Identifier: MIT
 * tests/fuzz/make_seeds.c - writes the tiny models that seed the
 * fuzz_artifact corpus (tests/fuzz/corpus/fuzz_artifact/): the same
 * model fuzz_common.c builds, through the real artifact_write, once with
 * lower=True and NLTK's stopwords and once with stem=True and three
 * stopwords.  Usage: make_seeds DIR.  Run by hand when the artifact
 * format changes; the outputs are committed.
 */
#include <stdio.h>

#include "tests/fuzz/fuzz_common.h"

/* The replay main() is not linked here; these satisfy the prototypes. */
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	(void)data;
	(void)size;
	return 0;
}

int main(int argc, char **argv)
{
	char path[4096];

	if (argc != 2) {
		fprintf(stderr, "usage: make_seeds DIR\n");
		return 2;
	}
	snprintf(path, sizeof(path), "%s/tiny-lower-english.tagifai", argv[1]);
	if (fuzz_write_tiny(path, true, false, true) != 0)
		return 1;
	snprintf(path, sizeof(path), "%s/tiny-stem-3words.tagifai", argv[1]);
	if (fuzz_write_tiny(path, false, true, false) != 0)
		return 1;
	return 0;
}
