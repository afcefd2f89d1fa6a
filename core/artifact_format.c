/* SPDX-License-Identifier: MIT
 * core/artifact_format.c - helpers shared by the artifact writer and
 * reader: section names for messages and the checksum.
 *
 * The checksum is XXH3-64 from the system's libxxhash: it runs at memory
 * speed (several bytes per cycle with SIMD), where the byte-at-a-time
 * FNV-1a 64 of format version 1 took most of the ~19 ms a model open
 * cost.  It detects accidental damage (truncation, bit rot, a partial
 * copy); it is not a signature, and model_open does not rely on it for
 * memory safety.
 */
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

uint64_t
artifact_checksum(const void *data, size_t len)
{
	return (uint64_t)XXH3_64bits(data, len);
}
