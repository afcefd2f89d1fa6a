/* SPDX-License-Identifier: MIT
 * core/oversample.c - RandomOverSampler(sampling_strategy="all").
 */
#include <stdlib.h>

#include "core/oversample.h"

enum core_status
oversample_all(const unsigned *y, size_t n, size_t n_classes,
	       struct split_rng *r, size_t **out, size_t *n_out,
	       struct core_error *err)
{
	enum core_status st = CORE_OK;
	size_t *count = NULL, *members = NULL, *res = NULL;
	size_t most = 0, total = 0, m;

	if (n == 0)
		return core_fail(err, CORE_ERR_INPUT, "no samples");
	count = calloc(n_classes, sizeof(*count));
	members = malloc(n * sizeof(*members));
	if (count == NULL || members == NULL)
		goto nomem;
	for (size_t i = 0; i < n; i++)
		count[y[i]]++;
	for (size_t k = 0; k < n_classes; k++)
		if (count[k] > most)
			most = count[k];
	for (size_t k = 0; k < n_classes; k++)
		total += count[k] ? most : 0;
	res = malloc(total * sizeof(*res));
	if (res == NULL)
		goto nomem;
	for (size_t i = 0; i < n; i++)
		res[i] = i;
	m = n;
	for (size_t k = 0; k < n_classes; k++) {
		size_t c = 0;

		if (count[k] == 0)
			continue;
		for (size_t i = 0; i < n; i++)
			if (y[i] == k)
				members[c++] = i;
		for (size_t j = count[k]; j < most; j++)
			res[m++] = members[split_rng_below(r, c)];
	}
	*out = res;
	*n_out = m;
	res = NULL;
	goto out;
nomem:
	st = core_fail(err, CORE_ERR_NOMEM, "out of memory");
out:
	free(count);
	free(members);
	free(res);
	return st;
}
