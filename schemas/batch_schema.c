/* SPDX-License-Identifier: MIT
 * schemas/batch_schema.c - the shapes of the batch routes (issue 13,
 * doc/API.md "Batch jobs"): the body of POST /batch-jobs, checked by
 * schemas/validate.c (fcgi/batch_body.c calls it), and the answers'
 * data, described in /openapi.json.  An item's text is Text.text of
 * POST /predict (schema_text_string): the same rules and limits.
 */
#include "schemas/schema.h"

/* Item ids: 1..128 printable ASCII bytes (store/jobs.h,
 * STORE_ITEM_ID_MAX; this layer does not include the store). */
#define ITEM_ID_MAX 128
#define ITEM_ID_PATTERN "^[ -~]{1,128}$"

static bool
item_id_ok(const char *s, size_t len)
{
	if (len == 0 || len > ITEM_ID_MAX)
		return false;
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] > 0x7e)
			return false;
	return true;
}

static const struct schema id_string = {
	.kind = SCHEMA_STRING,
	.title = "Id",
	.min_length = 1,
	.pattern = ITEM_ID_PATTERN,
	.match = item_id_ok,
	.description = "1 to 128 printable ASCII characters, unique within "
		       "the job",
};

static const struct schema_field item_fields[] = {
	{ "id", "Id", &id_string, true },
	{ "text", "Text", &schema_text_string, true },
};

const struct schema schema_batch_item = {
	.kind = SCHEMA_OBJECT,
	.name = "BatchItem",
	.title = "BatchItem",
	.fields = item_fields,
	.n_fields = sizeof(item_fields) / sizeof(item_fields[0]),
	.description = "One input of a job; with Content-Type "
		       "application/x-ndjson, one line of the body.",
	.example = "{\"id\":\"1234\",\"text\":\"Transfer learning with "
		   "transformers for text classification.\"}",
};

static const struct schema items_array = {
	.kind = SCHEMA_ARRAY,
	.title = "Items",
	.items = &schema_batch_item,
	.min_items = 1,
	.min_items_msg = "ensure this value has at least 1 items",
	.min_items_type = "value_error.list.min_items",
	.max_items = SCHEMA_LIMIT_BATCH_ITEMS,
};

static const struct schema model_string = {
	.kind = SCHEMA_STRING,
	.title = "Model",
	.min_length = 1,
	.description = "A registered model (default: the default model)",
};

static const struct schema version_integer = {
	.kind = SCHEMA_INTEGER,
	.title = "Version",
	.positive = true,
	.description = "One of its versions (default: its active one)",
};

static const struct schema_field job_request_fields[] = {
	{ "model", "Model", &model_string, false },
	{ "version", "Version", &version_integer, false },
	{ "items", "Items", &items_array, true },
};

const struct schema schema_batch_job_request = {
	.kind = SCHEMA_OBJECT,
	.name = "BatchJobRequest",
	.title = "BatchJobRequest",
	.fields = job_request_fields,
	.n_fields = sizeof(job_request_fields) /
		    sizeof(job_request_fields[0]),
	.example = "{\"model\":\"tagifai\",\"items\":["
		   "{\"id\":\"1234\",\"text\":\"Transfer learning with "
		   "transformers for text classification.\"},"
		   "{\"id\":\"1235\",\"text\":\"Generative adversarial "
		   "networks in both PyTorch and TensorFlow.\"}]}",
};

/* ---- the answers (described only) ---- */

static const struct schema a_string = { .kind = SCHEMA_STRING,
					.title = "String" };
static const struct schema a_time = {
	.kind = SCHEMA_STRING, .title = "Time",
	.description = "UTC, ISO 8601 (2026-12-02T13:09:53Z)",
};
static const struct schema a_time_or_null = {
	.kind = SCHEMA_STRING, .title = "Time", .nullable = true,
	.description = "UTC, ISO 8601; null: not yet",
};
static const struct schema a_count = { .kind = SCHEMA_INTEGER,
				       .title = "Count" };
static const struct schema a_version = { .kind = SCHEMA_INTEGER,
					 .title = "Version",
					 .positive = true };
static const struct schema a_status = {
	.kind = SCHEMA_STRING, .title = "Status",
	.description = "queued, running, succeeded, failed or cancelled",
};
static const struct schema an_error = {
	.kind = SCHEMA_STRING, .title = "Error", .nullable = true,
	.description = "why the job failed; null otherwise",
};
static const struct schema a_probability = { .kind = SCHEMA_NUMBER,
					     .title = "Probability" };
static const struct schema a_stale = {
	.kind = SCHEMA_BOOLEAN, .title = "Stale",
	.description = "the model's active version is no longer the one "
		       "that computed it",
};

static const struct schema probabilities = {
	.kind = SCHEMA_OBJECT,
	.title = "Probabilities",
	.additional = &a_probability,
	.description = "class: probability, in the model's class order, "
		       "as POST /predict writes them",
};

static const struct schema_field job_fields[] = {
	{ "id", "Id", &a_string, true },
	{ "status", "Status", &a_status, true },
	{ "model", "Model", &a_string, true },
	{ "version", "Version", &a_version, true },
	{ "items_total", "Items Total", &a_count, true },
	{ "items_done", "Items Done", &a_count, true },
	{ "created_at", "Created At", &a_time, true },
	{ "started_at", "Started At", &a_time_or_null, true },
	{ "finished_at", "Finished At", &a_time_or_null, true },
	{ "submitted_by", "Submitted By", &a_string, true },
	{ "error", "Error", &an_error, true },
};

static const struct schema job = {
	.kind = SCHEMA_OBJECT,
	.name = "BatchJob",
	.title = "BatchJob",
	.fields = job_fields,
	.n_fields = sizeof(job_fields) / sizeof(job_fields[0]),
};

static const struct schema_field job_data_fields[] = {
	{ "job", "Job", &job, true },
};

const struct schema schema_batch_job_data = {
	.kind = SCHEMA_OBJECT,
	.title = "BatchJobData",
	.fields = job_data_fields,
	.n_fields = 1,
};

static const struct schema jobs_array = {
	.kind = SCHEMA_ARRAY,
	.title = "Jobs",
	.items = &job,
	.description = "newest first",
};

static const struct schema_field jobs_data_fields[] = {
	{ "jobs", "Jobs", &jobs_array, true },
};

const struct schema schema_batch_jobs_data = {
	.kind = SCHEMA_OBJECT,
	.title = "BatchJobsData",
	.fields = jobs_data_fields,
	.n_fields = 1,
};

static const struct schema_field batch_prediction_fields[] = {
	{ "id", "Id", &a_string, true },
	{ "input_text", "Input Text", &a_string, true },
	{ "predicted_tag", "Predicted Tag", &a_string, true },
	{ "probabilities", "Probabilities", &probabilities, true },
};

static const struct schema batch_prediction = {
	.kind = SCHEMA_OBJECT,
	.name = "BatchPrediction",
	.title = "BatchPrediction",
	.fields = batch_prediction_fields,
	.n_fields = sizeof(batch_prediction_fields) /
		    sizeof(batch_prediction_fields[0]),
};

static const struct schema predictions_array = {
	.kind = SCHEMA_ARRAY,
	.title = "Predictions",
	.items = &batch_prediction,
	.description = "in input order",
};

static const struct schema_field page_fields[] = {
	{ "job_id", "Job Id", &a_string, true },
	{ "offset", "Offset", &a_count, true },
	{ "limit", "Limit", &a_count, true },
	{ "items_total", "Items Total", &a_count, true },
	{ "predictions", "Predictions", &predictions_array, true },
};

const struct schema schema_batch_page_data = {
	.kind = SCHEMA_OBJECT,
	.title = "BatchPredictionsData",
	.fields = page_fields,
	.n_fields = sizeof(page_fields) / sizeof(page_fields[0]),
};

static const struct schema_field stored_fields[] = {
	{ "id", "Id", &a_string, true },
	{ "input_text", "Input Text", &a_string, true },
	{ "predicted_tag", "Predicted Tag", &a_string, true },
	{ "probabilities", "Probabilities", &probabilities, true },
	{ "model", "Model", &a_string, true },
	{ "version", "Version", &a_version, true },
	{ "job_id", "Job Id", &a_string, true },
	{ "computed_at", "Computed At", &a_time, true },
	{ "stale", "Stale", &a_stale, true },
};

static const struct schema stored_prediction = {
	.kind = SCHEMA_OBJECT,
	.name = "StoredPrediction",
	.title = "StoredPrediction",
	.fields = stored_fields,
	.n_fields = sizeof(stored_fields) / sizeof(stored_fields[0]),
};

static const struct schema_field prediction_data_fields[] = {
	{ "prediction", "Prediction", &stored_prediction, true },
};

const struct schema schema_prediction_data = {
	.kind = SCHEMA_OBJECT,
	.title = "StoredPredictionData",
	.fields = prediction_data_fields,
	.n_fields = 1,
};
