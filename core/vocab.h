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
 * Keys are inserted in ascending feature order.
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

/* The slot position holding key, or (size_t)-1.  The table always has an
 * empty slot (load <= 1/2), so the probe ends. */
static inline size_t
vocab_slot_of(const struct vocab_slot *slots, unsigned bits, uint64_t key)
{
	size_t mask = ((size_t)1 << bits) - 1;
	size_t i = vocab_home(key, bits);
	uint64_t k;

	/* One combined test per probe: at load <= 1/2 most probes stop at
	 * the home slot, so this branch predicts well whether the key is
	 * there or not. */
	while ((k = slots[i].key) != key && k != 0)
		i = (i + 1) & mask;
	return k == key ? i : (size_t)-1;
}

/* The feature index of key, or absent when key is not in the table.
 * Written so the compiler can select the result without a branch. */
static inline uint32_t
vocab_find_or(const struct vocab_slot *slots, unsigned bits, uint64_t key,
	      uint32_t absent)
{
	size_t mask = ((size_t)1 << bits) - 1;
	size_t i = vocab_home(key, bits);
	uint64_t k;

	while ((k = slots[i].key) != key && k != 0)
		i = (i + 1) & mask;
	uint32_t index = slots[i].index;

	return k == key ? index : absent;
}

/* The feature index of key, or VOCAB_NONE. */
static inline uint32_t
vocab_find(const struct vocab_slot *slots, unsigned bits, uint64_t key)
{
	return vocab_find_or(slots, bits, key, VOCAB_NONE);
}

#endif
