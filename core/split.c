/* SPDX-License-Identifier: MIT
 * core/split.c - splitmix64, Fisher-Yates and the stratified split.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/split.h"

#define GOLDEN 0x9e3779b97f4a7c15ULL

static uint64_t
mix(uint64_t z)
{
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

void
split_rng_seed(struct split_rng *r, uint64_t seed, uint64_t stream)
{
	r->state = mix(seed + GOLDEN) ^ mix((stream + 1) * GOLDEN);
}

uint64_t
split_rng_next(struct split_rng *r)
{
	r->state += GOLDEN;
	return mix(r->state);
}

size_t
split_rng_below(struct split_rng *r, size_t n)
{
	/* Reject the top partial copy of [0, n) so every value is equally
	 * likely. */
	uint64_t limit = UINT64_MAX - UINT64_MAX % (uint64_t)n;
	uint64_t x;

	do
		x = split_rng_next(r);
	while (x >= limit);
	return (size_t)(x % (uint64_t)n);
}

void
split_shuffle(size_t *idx, size_t n, struct split_rng *r)
{
	for (size_t i = n; i > 1; i--) {
		size_t j = split_rng_below(r, i);
		size_t tmp = idx[i - 1];

		idx[i - 1] = idx[j];
		idx[j] = tmp;
	}
}

enum core_status
split_stratified(const unsigned *y, size_t n, size_t n_classes,
		 double val_fraction, struct split_rng *r, size_t **train,
		 size_t *n_train, size_t **val, size_t *n_val,
		 struct core_error *err)
{
	enum core_status st = CORE_OK;
	size_t *count = NULL, *take = NULL, *members = NULL;
	size_t *tr = NULL, *va = NULL;
	double *rem = NULL;
	size_t nv, given = 0, ntr = 0, nva = 0;

	if (!(val_fraction > 0.0 && val_fraction < 1.0) || n_classes == 0)
		return core_fail(err, CORE_ERR_INPUT,
				 "validation fraction must be in (0, 1)");
	nv = (size_t)ceil(val_fraction * (double)n);
	if (nv == 0 || nv >= n || nv < n_classes || n - nv < n_classes)
		return core_fail(err, CORE_ERR_INPUT,
				 "%zu rows are too few to split %zu classes",
				 n, n_classes);
	count = calloc(n_classes, sizeof(*count));
	take = calloc(n_classes, sizeof(*take));
	rem = calloc(n_classes, sizeof(*rem));
	members = malloc(n * sizeof(*members));
	tr = malloc(n * sizeof(*tr));
	va = malloc(n * sizeof(*va));
	if (!count || !take || !rem || !members || !tr || !va) {
		st = core_fail(err, CORE_ERR_NOMEM, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < n; i++)
		count[y[i]]++;
	/* sklearn's _approximate_mode: floor of the expected counts, then
	 * one more to the classes with the largest remainders. */
	for (size_t k = 0; k < n_classes; k++) {
		double exact = (double)nv * (double)count[k] / (double)n;

		take[k] = (size_t)floor(exact);
		rem[k] = exact - (double)take[k];
		given += take[k];
	}
	while (given < nv) {
		size_t best = n_classes;

		for (size_t k = 0; k < n_classes; k++)
			if (take[k] < count[k] &&
			    (best == n_classes || rem[k] > rem[best]))
				best = k;
		if (best == n_classes)
			break;
		take[best]++;
		rem[best] = -1.0;
		given++;
	}
	for (size_t k = 0; k < n_classes; k++) {
		size_t m = 0;

		for (size_t i = 0; i < n; i++)
			if (y[i] == k)
				members[m++] = i;
		split_shuffle(members, m, r);
		for (size_t i = 0; i < m; i++) {
			if (i < take[k])
				va[nva++] = members[i];
			else
				tr[ntr++] = members[i];
		}
	}
	split_shuffle(tr, ntr, r);
	split_shuffle(va, nva, r);
	*train = tr;
	*n_train = ntr;
	*val = va;
	*n_val = nva;
	tr = va = NULL;
out:
	free(count);
	free(take);
	free(rem);
	free(members);
	free(tr);
	free(va);
	return st;
}
