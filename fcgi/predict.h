/* SPDX-License-Identifier: MIT
 * fcgi/predict.h - POST /predict: parse, validate, run the model, answer.
 */
#ifndef FCGI_PREDICT_H
#define FCGI_PREDICT_H

#include "fcgi/handlers.h"

/* The handler of POST /predict.  The body was read and its size and media
 * type checked; this answers 200, 400 (JSON nested too deep or an integer
 * too long, like the reference), 422 (jsondecode or validation) or 500
 * (out of memory). */
route_handler handle_predict;

/* POST /models/{model-name}/predict and
 * POST /models/{model-name}/versions/{version}/predict: the same body,
 * validation and answer, by that model's active (or that) version, which
 * data.model and X-Model name; 404 for an unknown model or version. */
route_handler handle_model_predict;

#endif
