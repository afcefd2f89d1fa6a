/* SPDX-License-Identifier: MIT
 * tests/fuzz/fuzz_common.h - helpers shared by the libFuzzer harnesses and
 * their replay drivers: a tiny model built with the real artifact writer,
 * and the replay main() used when a harness is compiled with
 * -DFUZZ_REPLAY (no libFuzzer: each file named on the command line is fed
 * to LLVMFuzzerTestOneInput once, with one TAP line per file).
 */
#ifndef TESTS_FUZZ_COMMON_H
#define TESTS_FUZZ_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/artifact.h"
#include "core/model.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* Fills spec with a small but realistic model: 4 classes, char_wb
 * n-grams nmin..nmax of a few dozen words, deterministic weights.  lower
 * and stem set the cleaning flags; english selects NLTK's stopword list
 * (else three words).  The arrays live in static storage, so spec stays
 * valid until the next call. */
void fuzz_tiny_spec(struct model_spec *spec, bool lower, bool stem,
		    bool english);

/* Writes the tiny model to path.  Returns 0, or -1 with a message on
 * stderr. */
int fuzz_write_tiny(const char *path, bool lower, bool stem, bool english);

/* Writes the tiny model to a fresh temporary file and opens it; the file
 * is removed at once (the mapping keeps it alive).  Aborts on failure:
 * the harness cannot run without its model. */
struct model *fuzz_open_tiny(bool lower, bool stem, bool english);

/* Aborts with msg when cond is false: an invariant the harness checks
 * failed, which libFuzzer reports as a crash with the input. */
#define FUZZ_CHECK(cond, msg) fuzz_check((cond), (msg), __FILE__, __LINE__)
void fuzz_check(bool cond, const char *msg, const char *file, int line);

#endif
