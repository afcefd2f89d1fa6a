/* SPDX-License-Identifier: MIT
 * core/oversample.h - random oversampling of the minority classes.
 *
 * imbalanced-learn's RandomOverSampler(sampling_strategy="all"): every
 * class is brought to the majority class's count by drawing its own
 * samples uniformly with replacement.  The result lists the original
 * samples first, in order, then the drawn ones class by class, as
 * imblearn's fit_resample stacks them.
 */
#ifndef CORE_OVERSAMPLE_H
#define CORE_OVERSAMPLE_H

#include <stddef.h>

#include "core/split.h"
#include "core/status.h"

/* y[0..n) are labels < n_classes.  *out (malloc'd, caller frees) receives
 * *n_out sample positions in [0, n).  CORE_ERR_NOMEM, or CORE_ERR_INPUT if
 * n is 0.  On failure the outputs are left alone. */
enum core_status oversample_all(const unsigned *y, size_t n,
				size_t n_classes, struct split_rng *r,
				size_t **out, size_t *n_out,
				struct core_error *err) CORE_WARN_UNUSED;

#endif
