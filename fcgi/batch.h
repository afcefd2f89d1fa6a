/* SPDX-License-Identifier: MIT
 * fcgi/batch.h - the handlers of the batch jobs' routes (issue 13,
 * doc/API.md "Batch jobs"): submit, list, show, cancel and page through
 * a job's predictions (GET /predictions/{item-id} is fcgi/predictions.h).
 * The jobs run elsewhere (jobs/runner.h); these only read and write the
 * store (store/jobs.h).
 */
#ifndef FCGI_BATCH_H
#define FCGI_BATCH_H

#include "fcgi/handlers.h"
#include "store/jobs.h"

#define BATCH_PAGE_DEFAULT 100    /* ?limit= of a predictions page */

route_handler handle_batch_submit;       /* POST /batch-jobs */
route_handler handle_batch_list;         /* GET /batch-jobs */
route_handler handle_batch_get;          /* GET /batch-jobs/{job-id} */
route_handler handle_batch_cancel;       /* DELETE /batch-jobs/{job-id} */
route_handler handle_batch_predictions;  /* GET .../{job-id}/predictions */

/* Appends {"id","input_text","predicted_tag","probabilities" of p,
 * without the closing brace: the text POST /predict writes. */
void batch_add_prediction(struct util_buf *b,
			  const struct store_prediction *p);

#endif
