/* SPDX-License-Identifier: MIT
 * core/artifact_format.h - the on-disk layout of a model artifact, shared
 * by the writer (artifact_write.c) and the reader (artifact_read.c).
 *
 * doc/ARTIFACT.md is the normative description; this header is its C
 * transcription.  All integers and floats are little-endian, IEEE 754
 * binary64 for floats; every section starts at a multiple of 8 bytes so
 * arrays are used in place from a read-only mapping.
 */
#ifndef CORE_ARTIFACT_FORMAT_H
#define CORE_ARTIFACT_FORMAT_H

#include <stddef.h>
#include <stdint.h>

#define ARTIFACT_MAGIC "TAGIFAI\0"       /* 8 bytes */
#define ARTIFACT_MAGIC_LEN 8
#define ARTIFACT_VERSION 2u              /* 1 used FNV-1a 64: refused */
#define ARTIFACT_ENDIAN 0x01020304u      /* reads 0x04030201 if swapped */
#define ARTIFACT_HEADER_SIZE 64u
#define ARTIFACT_SUM_START 32u           /* checksum covers [32, size) */
#define ARTIFACT_ALIGN 8u
#define ARTIFACT_MAX_SECTIONS 64u
#define ARTIFACT_MAX_NAME 128u           /* identity name/version bytes */
#define ARTIFACT_MAX_FEATURES (UINT32_C(1) << 28)

/* Header, offsets in bytes. */
struct artifact_header {
	char magic[ARTIFACT_MAGIC_LEN];  /* 0 */
	uint32_t version;                /* 8 */
	uint32_t endian;                 /* 12 */
	uint64_t file_size;              /* 16 */
	uint64_t checksum;               /* 24: XXH3-64 of [32, size) */
	uint32_t section_count;          /* 32 */
	uint32_t table_offset;           /* 36: = 64 */
	uint8_t reserved[24];            /* 40: zero */
};

/* Section table entry, 24 bytes. */
struct artifact_section {
	uint32_t type;      /* enum artifact_section_type */
	uint32_t reserved;  /* zero */
	uint64_t offset;    /* from the file start, multiple of 8 */
	uint64_t length;    /* bytes, without the padding that follows */
};

enum artifact_section_type {
	SECTION_NONE = 0,
	SECTION_IDENTITY,     /* string list: name, version */
	SECTION_CLASSES,      /* string list: class names */
	SECTION_CLEANING,     /* u32 lower, u32 stem, string list: stopwords */
	SECTION_NGRAM,        /* u32 min, u32 max */
	SECTION_TERMS,        /* string list: term of feature j */
	SECTION_HASH,         /* u32 bits, u32 count, struct vocab_slot[2^bits] */
	SECTION_IDF,          /* f64[n_features] */
	SECTION_WEIGHTS,      /* f64[n_features * n_classes], w[j*K + k] */
	SECTION_INTERCEPTS,   /* f64[n_classes] */
	SECTION_THRESHOLD,    /* f64 threshold */
	SECTION_OTHER,        /* u32 other_index, u32 zero */
	SECTION_ARGS,         /* JSON object text + NUL */
	SECTION_PERFORMANCE,  /* JSON object text + NUL */
	SECTION__MAX
};

/* Name of a section type for messages ("weights"); "unknown" if out of
 * range. */
const char *artifact_section_name(uint32_t type);

/* The format's checksum: XXH3-64 (seed 0, xxHash 0.8) of len bytes.
 * For a file it covers [ARTIFACT_SUM_START, file size).  Cannot fail. */
uint64_t artifact_checksum(const void *data, size_t len);

#endif
