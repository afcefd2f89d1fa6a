/* SPDX-License-Identifier: MIT
 * core/vocab.h - the vocabulary hash table stored in an artifact.
 *
 * Maps a packed n-gram key (core/ngram.h) to its feature index.  The table
 * is written by artifact_write and used in place from the mapped file, so
 * the hash below is part of the file format (doc/ARTIFACT.md, "HASH"):
 *
 *   slots  = 2^bits, the smallest power of two >= 2 * n_features (>= 8)
 *   home   = (key * 0x9E3779B97F4A7C15) mod 2^64, shifted right 64 - bits
 *   probe  = home, home + 1, ... (mod slots) until the key or an empty slot
 *   empty  = key 0 (no n-gram packs to 0: n >= 1 and text has no NUL)
 *
 * Keys are inserted in ascending feature order.  A lookup is safe even in
 * a table nobody validated slot by slot: see vocab_lookup.
 */
#ifndef CORE_VOCAB_H
#define CORE_VOCAB_H

#include <stddef.h>
#include <stdint.h>

#define VOCAB_HASH_MUL UINT64_C(0x9E3779B97F4A7C15) /* 2^64 / golden ratio */
#define VOCAB_MIN_BITS 3
#define VOCAB_MAX_BITS 31
#define VOCAB_NONE UINT32_MAX /* returned by vocab_find when absent */

/* One slot, 16 bytes, little-endian on disk like everything else. */
struct vocab_slot {
	uint64_t key;      /* packed n-gram; 0 = empty */
	uint32_t index;    /* feature index; 0 in empty slots */
	uint32_t reserved; /* 0 */
};

/* log2 of the slot count for n features (load factor <= 1/2). */
static inline unsigned
vocab_bits_for(size_t n_features)
{
	unsigned bits = VOCAB_MIN_BITS;

	while (bits < VOCAB_MAX_BITS && ((size_t)1 << bits) < 2 * n_features)
		bits++;
	return bits;
}

static inline size_t
vocab_home(uint64_t key, unsigned bits)
{
	return (size_t)((key * VOCAB_HASH_MUL) >> (64 - bits));
}

/* The feature index of key: a value < n_features, or n_features when the
 * key is absent.  The result can index an array of n_features + 1 entries
 * (the vectorizer's counts keep a sentinel at n_features).
 *
 * model_open checks the table's shape but not every slot (that would cost
 * a pass over megabytes at every process start), so a damaged file whose
 * checksum was forged must still be safe here:
 *  - the probe ends: model_open makes sure the table has an empty slot,
 *    and a linear probe that wraps around meets it within 2^bits steps;
 *  - the result is in range: a slot holding an index >= n_features reads
 *    as absent, which costs one compare and a conditional move.
 * Written so the compiler can select the result without a branch. */
static inline uint32_t
vocab_lookup_from(const struct vocab_slot *slots, unsigned bits, size_t home,
		  uint64_t key, uint32_t n_features)
{
	size_t mask = ((size_t)1 << bits) - 1;
	size_t i = home & mask;
	uint64_t k;

	/* One combined test per probe: at load <= 1/2 most probes stop at
	 * the home slot, so this branch predicts well whether the key is
	 * there or not. */
	while ((k = slots[i].key) != key && k != 0)
		i = (i + 1) & mask;
	uint32_t index = slots[i].index;

	return (k == key && index < n_features) ? index : n_features;
}

/* The same, computing the home slot; vocab_lookup_from takes it from a
 * caller that already computed it (to prefetch the slot). */
static inline uint32_t
vocab_lookup(const struct vocab_slot *slots, unsigned bits, uint64_t key,
	     uint32_t n_features)
{
	return vocab_lookup_from(slots, bits, vocab_home(key, bits), key,
				 n_features);
}

/* The feature index of key, or VOCAB_NONE when absent. */
static inline uint32_t
vocab_find(const struct vocab_slot *slots, unsigned bits, uint64_t key)
{
	return vocab_lookup(slots, bits, key, VOCAB_NONE);
}

#endif
