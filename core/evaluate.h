/* SPDX-License-Identifier: MIT
 * core/evaluate.h - scoring a model on labelled rows.
 *
 * Predictions go through model_predict, the call the server makes, so the
 * numbers describe exactly what is served.  The report is core/metrics.c's:
 * weighted and per-class precision, recall, F1 and support, plus the
 * course's two slices.  `tagifai evaluate` prints it; batch jobs will
 * store it.
 */
#ifndef CORE_EVALUATE_H
#define CORE_EVALUATE_H

#include "core/dataset.h"
#include "core/metrics.h"
#include "core/model.h"
#include "core/status.h"

/* Tags every row of d with m and fills rep.  CORE_ERR_INPUT (err names
 * file and line) for a row whose tag is not one of m's classes; a failed
 * prediction's status, with file and line; CORE_ERR_NOMEM. */
enum core_status evaluate_model(const struct model *m,
				const struct dataset *d,
				struct metrics_report *rep,
				struct core_error *err) CORE_WARN_UNUSED;

#endif
