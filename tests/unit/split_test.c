/* SPDX-License-Identifier: MIT
 * tests/unit/split_test.c - core/split.c and core/oversample.c: the
 * generator is deterministic, the split is a stratified partition with
 * sklearn's proportions, and oversampling balances every class.
 */
#include <stdlib.h>
#include <string.h>

#include "core/oversample.h"
#include "core/split.h"
#include "tests/unit/tap.h"

static void
split_rng_should_be_deterministic_per_seed_and_stream(void)
{
	struct split_rng a, b, c, d;
	int same = 1, differ_seed = 0, differ_stream = 0;

	split_rng_seed(&a, 42, 1);
	split_rng_seed(&b, 42, 1);
	split_rng_seed(&c, 43, 1);
	split_rng_seed(&d, 42, 2);
	for (int i = 0; i < 100; i++) {
		uint64_t x = split_rng_next(&a);

		same &= x == split_rng_next(&b);
		differ_seed |= x != split_rng_next(&c);
		differ_stream |= x != split_rng_next(&d);
	}
	tap_ok(same, "split_rng_should_repeat_for_one_seed");
	tap_ok(differ_seed, "split_rng_should_differ_between_seeds");
	tap_ok(differ_stream, "split_rng_should_differ_between_streams");
}

static void
split_shuffle_should_permute(void)
{
	struct split_rng r;
	size_t idx[50], seen[50] = { 0 };
	int ok = 1, moved = 0;

	for (size_t i = 0; i < 50; i++)
		idx[i] = i;
	split_rng_seed(&r, 7, 0);
	split_shuffle(idx, 50, &r);
	for (size_t i = 0; i < 50; i++) {
		ok &= idx[i] < 50 && seen[idx[i]]++ == 0;
		moved += idx[i] != i;
	}
	tap_ok(ok && moved > 0, "split_shuffle_should_permute");
	for (int i = 0; i < 1000; i++)
		ok &= split_rng_below(&r, 3) < 3;
	tap_ok(ok, "split_rng_below_should_stay_in_range");
}

/* Counts of each class among items idx[0..n). */
static void
class_counts(const unsigned *y, const size_t *idx, size_t n, size_t *out,
	     size_t k)
{
	memset(out, 0, k * sizeof(*out));
	for (size_t i = 0; i < n; i++)
		out[y[idx[i]]]++;
}

static void
split_stratified_should_keep_proportions(void)
{
	/* 560 items, classes 400/100/60: 15% -> ceil(84) validation items,
	 * exactly 60/15/9 per class. */
	enum { N = 560 };
	unsigned y[N];
	size_t *tr = NULL, *va = NULL, *tr2 = NULL, *va2 = NULL;
	size_t ntr = 0, nva = 0, ntr2 = 0, nva2 = 0, cv[3], ct[3];
	char seen[N] = { 0 };
	struct split_rng r;
	enum core_status st;
	int partition = 1;

	for (size_t i = 0; i < N; i++)
		y[i] = i % 28 < 20 ? 0 : (i % 28 < 25 ? 1 : 2);
	split_rng_seed(&r, 1, 2);
	st = split_stratified(y, N, 3, SPLIT_VAL_FRACTION, &r, &tr, &ntr,
			      &va, &nva, NULL);
	tap_ok(st == CORE_OK && nva == 84 && ntr == 476,
	       "split_stratified_should_take_15_percent (val %zu)", nva);
	if (st != CORE_OK)
		return;
	class_counts(y, va, nva, cv, 3);
	class_counts(y, tr, ntr, ct, 3);
	tap_ok(cv[0] == 60 && cv[1] == 15 && cv[2] == 9,
	       "split_stratified_should_stratify_validation (%zu/%zu/%zu)",
	       cv[0], cv[1], cv[2]);
	tap_ok(ct[0] == 340 && ct[1] == 85 && ct[2] == 51,
	       "split_stratified_should_stratify_train");
	for (size_t i = 0; i < ntr; i++)
		partition &= seen[tr[i]]++ == 0;
	for (size_t i = 0; i < nva; i++)
		partition &= seen[va[i]]++ == 0;
	tap_ok(partition, "split_stratified_should_partition_the_items");

	split_rng_seed(&r, 1, 2);
	st = split_stratified(y, N, 3, SPLIT_VAL_FRACTION, &r, &tr2, &ntr2,
			      &va2, &nva2, NULL);
	tap_ok(st == CORE_OK && ntr2 == ntr && nva2 == nva &&
	       memcmp(tr, tr2, ntr * sizeof(*tr)) == 0 &&
	       memcmp(va, va2, nva * sizeof(*va)) == 0,
	       "split_stratified_should_be_deterministic");
	free(tr2);
	free(va2);
	split_rng_seed(&r, 2, 2);
	st = split_stratified(y, N, 3, SPLIT_VAL_FRACTION, &r, &tr2, &ntr2,
			      &va2, &nva2, NULL);
	tap_ok(st == CORE_OK && memcmp(va, va2, nva * sizeof(*va)) != 0,
	       "split_stratified_should_depend_on_the_seed");
	free(tr);
	free(va);
	free(tr2);
	free(va2);
}

static void
split_stratified_should_give_remainders_to_largest_fractions(void)
{
	/* 15 items 7/5/3: ceil(2.25) = 3 validation items; exact shares
	 * 1.4/1.0/0.6 -> floors 1/1/0, the spare one to class 2 (.6). */
	static const unsigned y[15] = { 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1,
					2, 2, 2 };
	size_t *tr = NULL, *va = NULL, ntr, nva, cv[3];
	struct split_rng r;
	enum core_status st;

	split_rng_seed(&r, 3, 2);
	st = split_stratified(y, 15, 3, SPLIT_VAL_FRACTION, &r, &tr, &ntr,
			      &va, &nva, NULL);
	if (st == CORE_OK)
		class_counts(y, va, nva, cv, 3);
	tap_ok(st == CORE_OK && nva == 3 && cv[0] == 1 && cv[1] == 1 &&
	       cv[2] == 1,
	       "split_stratified_should_give_remainders_to_largest_fractions");
	free(tr);
	free(va);
}

static void
split_stratified_should_reject_bad_arguments(void)
{
	static const unsigned y[4] = { 0, 1, 0, 1 };
	size_t *tr = NULL, *va = NULL, ntr = 0, nva = 0;
	struct split_rng r;
	struct core_error err = { { 0 } };

	split_rng_seed(&r, 1, 2);
	tap_ok(split_stratified(y, 4, 2, 0.0, &r, &tr, &ntr, &va, &nva,
				&err) == CORE_ERR_INPUT && tr == NULL,
	       "split_stratified_should_reject_fraction_0");
	tap_ok(split_stratified(y, 4, 2, 0.15, &r, &tr, &ntr, &va, &nva,
				&err) == CORE_ERR_INPUT && tr == NULL,
	       "split_stratified_should_reject_too_few_rows (%s)", err.msg);
}

static void
oversample_all_should_balance_classes(void)
{
	static const unsigned y[10] = { 0, 0, 0, 0, 0, 0, 1, 1, 2, 0 };
	size_t *out = NULL, n = 0, cnt[3] = { 0 };
	struct split_rng r;
	enum core_status st;
	int prefix = 1, same_class = 1;

	split_rng_seed(&r, 5, 3);
	st = oversample_all(y, 10, 3, &r, &out, &n, NULL);
	tap_ok(st == CORE_OK && n == 21,
	       "oversample_all_should_bring_all_to_majority (n %zu)", n);
	if (st != CORE_OK)
		return;
	for (size_t i = 0; i < n; i++) {
		cnt[y[out[i]]]++;
		if (i < 10)
			prefix &= out[i] == i;
	}
	for (size_t i = 10; i < 15; i++)
		same_class &= y[out[i]] == 1;
	tap_ok(cnt[0] == 7 && cnt[1] == 7 && cnt[2] == 7,
	       "oversample_all_should_balance_classes");
	tap_ok(prefix && same_class,
	       "oversample_all_should_keep_originals_then_draw_by_class");
	free(out);
}

int
main(void)
{
	split_rng_should_be_deterministic_per_seed_and_stream();
	split_shuffle_should_permute();
	split_stratified_should_keep_proportions();
	split_stratified_should_give_remainders_to_largest_fractions();
	split_stratified_should_reject_bad_arguments();
	oversample_all_should_balance_classes();
	return tap_done();
}
