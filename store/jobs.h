/* SPDX-License-Identifier: MIT
 * store/jobs.h - batch jobs: inputs submitted once, predictions computed
 * by a runner outside any request, stored in registry.db and answered by
 * item id.  Implemented over the same SQLite connection as store/store.h
 * (store/jobs.c, store/jobs_run.c: the runner's side, store/jobs_read.c:
 * the predictions); nothing here knows HTTP.
 *
 * Life of a job: store_job_create stores the job row and all its items in
 * one transaction (queued).  A runner claims it (running), reads items in
 * input order, and commits their results chunk by chunk with
 * store_job_progress (items_done grows; the results stay invisible).
 * store_job_finish makes them visible all at once (succeeded): in the
 * same transaction every item id now points to this job.  A cancelled or
 * failed job's results (and its items: nothing reads them again) are
 * deleted with its status change.
 *
 * Runners: any number may work on one registry.  A runner works on a job
 * only while it holds the job's lock (an exclusive flock on
 * dir/jobs/<id>.lock, released by the kernel when the runner dies), so
 * two runners never process a job at once; a running job whose lock is
 * free belongs to a runner that died and is claimed again, resuming from
 * items_done.  Progress also names the runner (owner) and requires the
 * job to be running: a runner whose job was cancelled or failed (its
 * version deleted) is refused (STORE_ERR_CONFLICT) at its next write and
 * writes nothing.  A kill -9 at any instant leaves the job queued, or
 * running with whole chunks committed: never half-visible.
 */
#ifndef STORE_JOBS_H
#define STORE_JOBS_H

#include <stdbool.h>
#include <stddef.h>

#include "store/store.h"

struct util_buf;

#define STORE_JOB_ID_MAX 36      /* "job-" + 32 hex digits (16 random bytes) */
#define STORE_ITEM_ID_MAX 128    /* bytes: 1..128 printable ASCII */
#define STORE_JOB_ITEMS_MAX 1000000   /* --max-batch-items default */
#define STORE_JOBS_DIR "jobs"    /* dir/jobs/<id>.lock */
#define STORE_PAGE_MAX 1000      /* predictions a page returns at most */

enum store_job_status {
	STORE_JOB_QUEUED,
	STORE_JOB_RUNNING,
	STORE_JOB_SUCCEEDED,
	STORE_JOB_FAILED,
	STORE_JOB_CANCELLED,
	STORE_JOB__MAX
};

/* "queued" ...; never NULL for a valid status. */
const char *store_job_status_name(enum store_job_status st);

struct store_job {
	char id[STORE_JOB_ID_MAX + 1];
	enum store_job_status status;
	char model[STORE_NAME_MAX + 1];
	long long version;
	long long items_total;
	long long items_done;
	char created_at[STORE_TIME_MAX];
	char started_at[STORE_TIME_MAX];   /* "": not yet */
	char finished_at[STORE_TIME_MAX];  /* "": not yet */
	char submitted_by[STORE_NAME_MAX + 1];
	char *error;                       /* owned; NULL: none */
};

void store_job_clear(struct store_job *j);
void store_jobs_free(struct store_job *j, size_t n);

/* True when id[0..len) is 1..STORE_ITEM_ID_MAX printable ASCII bytes
 * (0x20..0x7e). */
bool store_item_id_ok(const char *id, size_t len);

/* One input of a job, as submitted (borrowed). */
struct store_job_input {
	const char *id;
	size_t id_len;
	const char *text;
	size_t text_len;
};

/* Creates a queued job of inputs[0..n) for version of model (version 0:
 * the model's active version, resolved now and recorded).  Ids must be
 * valid and unique (the caller validates; a duplicate here is
 * STORE_ERR_INVALID).  The job and its items are one transaction.
 * With lock_fd not NULL the job is created already claimed by owner
 * (running, its lock held in *lock_fd): `tagifai batch run` runs the job
 * it records.  STORE_ERR_NOT_FOUND (no such model or version),
 * STORE_ERR_INVALID, STORE_ERR_BUSY, STORE_ERR_IO. */
enum store_status store_job_create(struct store *s, const char *model,
				   long long version,
				   const struct store_job_input *inputs,
				   size_t n, const char *by,
				   const char *owner, int *lock_fd,
				   struct store_job *out,
				   struct store_error *err) STORE_WARN_UNUSED;

enum store_status store_job_get(struct store *s, const char *id,
				struct store_job *out,
				struct store_error *err) STORE_WARN_UNUSED;

/* Jobs, newest first, at most STORE_LIST_MAX (store_jobs_free). */
enum store_status store_job_list(struct store *s, struct store_job **out,
				 size_t *n, struct store_error *err)
	STORE_WARN_UNUSED;

/* Cancels a queued or running job (its partial results are deleted).
 * STORE_ERR_NOT_FOUND; STORE_ERR_CONFLICT when it has already finished
 * (succeeded, failed or cancelled). *out is the job after. */
enum store_status store_job_cancel(struct store *s, const char *id,
				   struct store_job *out,
				   struct store_error *err) STORE_WARN_UNUSED;

/* One stored prediction.  probabilities is the JSON object text
 * {"class":p,...} exactly as POST /predict writes it (class names in the
 * artifact's order, numbers as util_float_repr prints them). */
struct store_prediction {
	char *item_id;                 /* owned */
	char *input_text;              /* owned */
	char *predicted_tag;           /* owned: the class name, not JSON */
	char *probabilities;           /* owned: JSON object text */
	char model[STORE_NAME_MAX + 1];
	long long version;
	char job_id[STORE_JOB_ID_MAX + 1];
	char computed_at[STORE_TIME_MAX]; /* the job's finished_at */
	bool stale;  /* the model's active version is not this version */
};

void store_prediction_clear(struct store_prediction *p);
void store_predictions_free(struct store_prediction *p, size_t n);

/* Predictions offset.. of a succeeded job, input order, at most limit
 * (1..STORE_PAGE_MAX).  STORE_ERR_NOT_FOUND (no such job);
 * STORE_ERR_CONFLICT when the job has not succeeded (err says its
 * status). */
enum store_status store_job_predictions(struct store *s, const char *id,
					long long offset, long long limit,
					struct store_prediction **out,
					size_t *n, struct store_error *err)
	STORE_WARN_UNUSED;

/* The prediction for item_id from the most recently succeeded job that
 * covered it.  STORE_ERR_NOT_FOUND.  Meant for every request: the
 * statement is prepared once per connection. */
enum store_status store_prediction_get(struct store *s, const char *item_id,
				       size_t len,
				       struct store_prediction *out,
				       struct store_error *err)
	STORE_WARN_UNUSED;

/* store_prediction_get for every request, with no allocation of its
 * own: appends the prediction for item_id to b as the JSON object
 * {"id":...,"input_text":...,"predicted_tag":...,"probabilities":{...}},
 * the bytes store_prediction_get's fields make, and fills out's model,
 * version, job_id, computed_at and stale (its owned pointers are NULL:
 * store_prediction_clear is not needed).  The statement is prepared once
 * per connection, and the class names of the last job read are kept on
 * it (a succeeded job's row never changes); the stale flag is read in
 * the same transaction as the row, every time.  STORE_ERR_NOT_FOUND;
 * STORE_ERR_NOMEM when b has failed (its limit).  On failure b is as it
 * was (unless b itself failed) and out untouched. */
enum store_status store_prediction_put(struct store *s, const char *item_id,
				       size_t len, struct util_buf *b,
				       struct store_prediction *out,
				       struct store_error *err)
	STORE_WARN_UNUSED;

/* ---- the runner's side ---- */

/* Claims the next job for owner (any text naming this runner, e.g.
 * "batch-runner pid 123 on host"): the oldest running job whose lock is
 * free (its runner died), else the oldest queued one; it becomes
 * running under owner, started_at set when it was not, and *lock_fd
 * holds its lock until store_job_release.  STORE_ERR_NOT_FOUND when
 * there is none. */
enum store_status store_job_claim(struct store *s, const char *owner,
				  struct store_job *out, int *lock_fd,
				  struct store_error *err) STORE_WARN_UNUSED;

/* Releases a job's lock (closes lock_fd; -1 is ignored). */
void store_job_release(int lock_fd);

/* One item as the runner reads it (owned by the array). */
struct store_job_item {
	long long index;     /* 0-based position in the job */
	char *id;
	char *text;
	size_t text_len;
};

/* Items from.. of job id, at most max, in input order
 * (store_job_items_free). */
enum store_status store_job_items(struct store *s, const char *id,
				  long long from, size_t max,
				  struct store_job_item **out, size_t *n,
				  struct store_error *err) STORE_WARN_UNUSED;
void store_job_items_free(struct store_job_item *it, size_t n);

/* One computed result: the tag's index and n_classes probabilities. */
struct store_job_result {
	unsigned tag;
	const double *prob;
};

/* Stores results for items from..from+n-1 (from must equal items_done)
 * and advances items_done, in one transaction, if the job is still
 * running under owner; else STORE_ERR_CONFLICT and nothing is written
 * (the runner stops the job).  class_json holds the artifact's class
 * names as JSON strings. */
enum store_status store_job_progress(struct store *s, const char *id,
				     const char *owner, long long from,
				     const struct store_job_result *r,
				     size_t n, const char *const *class_json,
				     size_t n_classes,
				     struct store_error *err)
	STORE_WARN_UNUSED;

/* Marks the job succeeded and points every one of its item ids at it,
 * one transaction.  STORE_ERR_CONFLICT as for progress, or when
 * items_done < items_total. */
enum store_status store_job_finish(struct store *s, const char *id,
				   const char *owner,
				   struct store_error *err) STORE_WARN_UNUSED;

/* Marks the job failed with message (its results deleted).
 * STORE_ERR_CONFLICT as for progress. */
enum store_status store_job_fail(struct store *s, const char *id,
				 const char *owner, const char *message,
				 struct store_error *err) STORE_WARN_UNUSED;

#endif
