/* SPDX-License-Identifier: MIT
 * core/model_info.h - read-only details of an open model beyond
 * core/model.h, for `tagifai info`, exporters and tests.
 */
#ifndef CORE_MODEL_INFO_H
#define CORE_MODEL_INFO_H

#include <stdbool.h>
#include <stddef.h>

#include "core/model.h"

size_t model_feature_count(const struct model *m);
void model_ngram_range(const struct model *m, unsigned *nmin,
		       unsigned *nmax);
unsigned model_other_index(const struct model *m);
bool model_lowercases(const struct model *m);
bool model_stems(const struct model *m);
size_t model_stopword_count(const struct model *m);
/* Term of feature j (< model_feature_count) / stopword i; owned by the
 * model, NULL when out of range. */
const char *model_term(const struct model *m, size_t j);
const char *model_stopword(const struct model *m, size_t i);
/* Bytes of the mapped artifact file. */
size_t model_file_size(const struct model *m);

#endif
