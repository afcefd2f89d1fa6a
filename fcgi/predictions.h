/* SPDX-License-Identifier: MIT
 * fcgi/predictions.h - GET /predictions/{item-id}: the answer a batch job
 * stored for an item, read from the registry without running a model
 * (issue 13, doc/API.md "Batch jobs").
 */
#ifndef FCGI_PREDICTIONS_H
#define FCGI_PREDICTIONS_H

#include "fcgi/handlers.h"

/* 200 with data.prediction and X-Prediction-Source: batch; 404 for an
 * id no succeeded job covered; 503 + Retry-After when the store fails. */
route_handler handle_prediction_get;

#endif
