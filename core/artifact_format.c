/* SPDX-License-Identifier: MIT
 * core/artifact_format.c - helpers shared by the artifact writer and
 * reader: section names for messages and the checksum.
 *
 * The checksum is XXH3-64, from the system's xxhash.h compiled in
 * (XXH_INLINE_ALL): it runs at memory speed (several bytes per cycle with
 * SIMD), where the byte-at-a-time FNV-1a 64 of format version 1 took most
 * of the ~19 ms a model open cost.  It detects accidental damage
 * (truncation, bit rot, a partial copy); it is not a signature, and
 * model_open does not rely on it for memory safety.
 *
 * Every plain CGI request opens the model, so the checksum is on its
 * path: on a CPU with AVX2 the long-input loop runs with xxHash's AVX2
 * kernels (half the instructions of the SSE2 ones that the x86-64
 * baseline allows), chosen at run time.  Both give the same value, as
 * XXH3 is defined independently of the vector width.  Compiling xxhash.h
 * in also spares every process the loading of libxxhash.so.
 */
#define XXH_INLINE_ALL
#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>  /* the AVX2 types xxhash.h's kernels use */
#define XXH_DISPATCH_AVX2 1
#define XXH_TARGET_AVX2 __attribute__((__target__("avx2")))
#define CHECKSUM_AVX2 1
#endif
#include <xxhash.h>

#include "core/artifact_format.h"

static const char *const section_names[SECTION__MAX] = {
	"none",         /* SECTION_NONE */
	"identity",     /* SECTION_IDENTITY */
	"classes",      /* SECTION_CLASSES */
	"cleaning",     /* SECTION_CLEANING */
	"ngram",        /* SECTION_NGRAM */
	"terms",        /* SECTION_TERMS */
	"hash",         /* SECTION_HASH */
	"idf",          /* SECTION_IDF */
	"weights",      /* SECTION_WEIGHTS */
	"intercepts",   /* SECTION_INTERCEPTS */
	"threshold",    /* SECTION_THRESHOLD */
	"other",        /* SECTION_OTHER */
	"args",         /* SECTION_ARGS */
	"performance",  /* SECTION_PERFORMANCE */
};

const char *
artifact_section_name(uint32_t type)
{
	if (type >= SECTION__MAX)
		return "unknown";
	return section_names[type];
}

#ifdef CHECKSUM_AVX2
/* XXH3_64bits(data, len) for len > XXH3_MIDSIZE_MAX, the way
 * XXH3_hashLong_64b_default computes it, with the AVX2 kernels. */
XXH_TARGET_AVX2 static uint64_t
checksum_long_avx2(const void *data, size_t len)
{
	return XXH3_hashLong_64b_internal(data, len, XXH3_kSecret,
					  sizeof(XXH3_kSecret),
					  XXH3_accumulate_512_avx2,
					  XXH3_scrambleAcc_avx2);
}
#endif

uint64_t
artifact_checksum(const void *data, size_t len)
{
#ifdef CHECKSUM_AVX2
	if (len > XXH3_MIDSIZE_MAX && __builtin_cpu_supports("avx2"))
		return checksum_long_avx2(data, len);
#endif
	return (uint64_t)XXH3_64bits(data, len);
}
