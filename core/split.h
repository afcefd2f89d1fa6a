/* SPDX-License-Identifier: MIT
 * core/split.h - seeded randomness, shuffles and the stratified split.
 *
 * Training must be reproducible from a seed on every platform, so it uses
 * its own generator instead of rand(): splitmix64 (Steele, Lea and Flood,
 * "Fast splittable pseudorandom number generators", OOPSLA 2014; the
 * constants of Vigna's public-domain splitmix64.c).  It passes BigCrush,
 * has a 2^64 period and one 64-bit word of state.  Each stage of training
 * (shuffle, split, oversampling, SGD) draws from its own stream, derived
 * from (seed, stream number), so changing one stage does not shift the
 * random numbers of the others.
 */
#ifndef CORE_SPLIT_H
#define CORE_SPLIT_H

#include <stddef.h>
#include <stdint.h>

#include "core/status.h"

#define SPLIT_VAL_FRACTION 0.15  /* the reference's validation share */

struct split_rng {
	uint64_t state;
};

/* Seeds r for stream number stream of seed. */
void split_rng_seed(struct split_rng *r, uint64_t seed, uint64_t stream);
uint64_t split_rng_next(struct split_rng *r);
/* Uniform in [0, n), n >= 1, without modulo bias (rejection). */
size_t split_rng_below(struct split_rng *r, size_t n);

/* Fisher-Yates shuffle of idx[0..n). */
void split_shuffle(size_t *idx, size_t n, struct split_rng *r);

/* Stratified split of the items 0..n-1 with labels y (< n_classes), as
 * sklearn's train_test_split(stratify=y): the validation set has
 * ceil(val_fraction * n) items, shared among classes in proportion to
 * their counts (floors first, then the largest remainders, ties to the
 * lower class index); within each class the members are shuffled and the
 * first ones go to validation.  Both outputs are then shuffled.
 * *train and *val are malloc'd (caller frees).  CORE_ERR_INPUT if
 * val_fraction is not in (0, 1) or either side would be empty,
 * CORE_ERR_NOMEM.  On failure the outputs are left alone. */
enum core_status split_stratified(const unsigned *y, size_t n,
				  size_t n_classes, double val_fraction,
				  struct split_rng *r, size_t **train,
				  size_t *n_train, size_t **val,
				  size_t *n_val,
				  struct core_error *err) CORE_WARN_UNUSED;

#endif
