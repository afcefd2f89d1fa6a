/* SPDX-License-Identifier: MIT
 * store/jobs.c - batch jobs (store/jobs.h) over the registry's SQLite
 * connection (schema: migration 3 in store/sqlite.c): the submitter's
 * side.  Status names, job ids, and creating, reading, listing and
 * cancelling jobs; the runner's side is store/jobs_run.c, the stored
 * predictions store/jobs_read.c, what they share store/jobs_internal.h.
 *
 * An item's rows are keyed by KEY(job seq, index), so a job's items and
 * results are one range of rowid tables, appended in input order (the
 * cheapest insert SQLite has).  Writes are single BEGIN IMMEDIATE
 * transactions.  A job created claimed (`tagifai batch run`) takes its
 * lock before its row is visible.
 */
#include <stdint.h>

#include "store/jobs.h"
#include "store/jobs_internal.h"
#include "store/sqlite_internal.h"

#define JOB_ID_PREFIX "job-"
#define JOB_ID_BYTES 16

#define JOB_COLUMNS "id, status, model, version, items_total, " \
	"items_done, created_at, coalesce(started_at, ''), " \
	"coalesce(finished_at, ''), submitted_by, error"

static const char *const status_names[STORE_JOB__MAX] = {
	[STORE_JOB_QUEUED] = "queued",
	[STORE_JOB_RUNNING] = "running",
	[STORE_JOB_SUCCEEDED] = "succeeded",
	[STORE_JOB_FAILED] = "failed",
	[STORE_JOB_CANCELLED] = "cancelled",
};

const char *
store_job_status_name(enum store_job_status st)
{
	if ((unsigned)st >= STORE_JOB__MAX)
		return "unknown";
	return status_names[st];
}

void
store_job_clear(struct store_job *j)
{
	free(j->error);
	j->error = NULL;
}

void
store_jobs_free(struct store_job *j, size_t n)
{
	for (size_t i = 0; j != NULL && i < n; i++)
		store_job_clear(&j[i]);
	free(j);
}

bool
store_item_id_ok(const char *id, size_t len)
{
	if (len == 0 || len > STORE_ITEM_ID_MAX)
		return false;
	for (size_t i = 0; i < len; i++)
		if (id[i] < 0x20 || id[i] > 0x7e)
			return false;
	return true;
}

static enum store_status
read_job(sqlite3_stmt *q, struct store_job *j)
{
	const unsigned char *error = sqlite3_column_text(q, 10);

	memset(j, 0, sizeof(*j));
	copy(j->id, sizeof(j->id), sqlite3_column_text(q, 0));
	j->status = status_parse(sqlite3_column_text(q, 1));
	copy(j->model, sizeof(j->model), sqlite3_column_text(q, 2));
	j->version = sqlite3_column_int64(q, 3);
	j->items_total = sqlite3_column_int64(q, 4);
	j->items_done = sqlite3_column_int64(q, 5);
	copy(j->created_at, sizeof(j->created_at), sqlite3_column_text(q, 6));
	copy(j->started_at, sizeof(j->started_at), sqlite3_column_text(q, 7));
	copy(j->finished_at, sizeof(j->finished_at),
	     sqlite3_column_text(q, 8));
	copy(j->submitted_by, sizeof(j->submitted_by),
	     sqlite3_column_text(q, 9));
	if (error != NULL && (j->error = dup_text(error)) == NULL)
		return STORE_ERR_NOMEM;
	return STORE_OK;
}

enum store_status
store_job_get(struct store *s, const char *id, struct store_job *out,
	      struct store_error *err)
{
	sqlite3_stmt *q = NULL;
	enum store_status st;
	int rc = SQLITE_DONE;

	st = prepare(s, "SELECT " JOB_COLUMNS " FROM jobs WHERE id=?1", &q,
		     err);
	if (st != STORE_OK)
		return st;
	sqlite3_bind_text(q, 1, id, -1, SQLITE_STATIC);
	rc = sqlite3_step(q);
	if (rc == SQLITE_ROW)
		st = read_job(q, out);
	else if (rc == SQLITE_DONE)
		st = fail(err, STORE_ERR_NOT_FOUND, "Job '%s' not found", id);
	else
		st = db_fail(s, rc, err);
	sqlite3_finalize(q);
	if (st == STORE_ERR_NOMEM)
		st = fail(err, st, "out of memory");
	return st;
}

/* read_job fails only for memory. */
static enum store_status
job_row(sqlite3_stmt *q, void *row, struct store_error *err)
{
	enum store_status st = read_job(q, row);

	return st == STORE_OK ? st : fail(err, st, "out of memory");
}

static void
job_row_clear(void *row)
{
	store_job_clear(row);
}

static const struct row_type job_rows = {
	sizeof(struct store_job), job_row, job_row_clear
};

enum store_status
store_job_list(struct store *s, struct store_job **out, size_t *n,
	       struct store_error *err)
{
	sqlite3_stmt *q = NULL;
	void *rows = NULL;
	enum store_status st;

	st = prepare(s, "SELECT " JOB_COLUMNS " FROM jobs ORDER BY seq DESC "
		     "LIMIT ?1", &q, err);
	if (st != STORE_OK)
		return st;
	sqlite3_bind_int(q, 1, STORE_LIST_MAX);
	st = rows_read(s, q, &job_rows, STORE_LIST_MAX, &rows, n, err);
	if (st == STORE_OK)
		*out = rows;
	return st;
}

/* ---- creating ---- */

/* Ids seen so far, an open-addressing set of input indexes + 1. */
struct id_set {
	size_t *slot;
	size_t mask;
};

static size_t
id_hash(const char *p, size_t n)
{
	uint64_t h = 1469598103934665603ULL;   /* FNV-1a */

	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)p[i]) * 1099511628211ULL;
	return (size_t)(h ^ (h >> 29));
}

/* Checks every id, and that none repeats: its index in *dup (or n). */
static enum store_status
ids_check(const struct store_job_input *in, size_t n, size_t *dup,
	  struct store_error *err)
{
	struct id_set set = { NULL, 0 };
	size_t cap = 16;

	*dup = n;
	for (size_t i = 0; i < n; i++)
		if (!store_item_id_ok(in[i].id, in[i].id_len))
			return fail(err, STORE_ERR_INVALID, "item %zu: an id "
				    "is 1 to %d printable ASCII characters",
				    i, STORE_ITEM_ID_MAX);
	while (cap < 2 * n)
		cap *= 2;
	set.slot = calloc(cap, sizeof(*set.slot));
	if (set.slot == NULL)
		return fail(err, STORE_ERR_NOMEM, "out of memory");
	set.mask = cap - 1;
	for (size_t i = 0; i < n && *dup == n; i++) {
		size_t h = id_hash(in[i].id, in[i].id_len) & set.mask;

		for (; set.slot[h] != 0; h = (h + 1) & set.mask) {
			const struct store_job_input *o = &in[set.slot[h] - 1];

			if (o->id_len == in[i].id_len &&
			    memcmp(o->id, in[i].id, o->id_len) == 0) {
				*dup = i;
				break;
			}
		}
		set.slot[h] = i + 1;
	}
	free(set.slot);
	if (*dup < n)
		return fail(err, STORE_ERR_INVALID, "item %zu: the id '%.*s' "
			    "is not unique within the job", *dup,
			    (int)in[*dup].id_len, in[*dup].id);
	return STORE_OK;
}

/* Inside a transaction: *version (0: the active one) of model exists. */
static enum store_status
resolve_version(struct store *s, const char *model, long long *version,
		struct store_error *err)
{
	long long v = 0;
	bool found = false;
	enum store_status st;

	if (*version == 0) {
		st = scalar(s, "SELECT coalesce(active_version, 0) FROM models "
			    "WHERE name=?1", model, 0, &v, &found, err);
		if (st != STORE_OK)
			return st;
		if (!found)
			return fail(err, STORE_ERR_NOT_FOUND, "Model '%s' not "
				    "found", model);
		if (v == 0)
			return fail(err, STORE_ERR_NOT_FOUND, "Model '%s' has "
				    "no active version", model);
		*version = v;
		return STORE_OK;
	}
	st = scalar(s, "SELECT 1 FROM models WHERE name=?1", model, 0, &v,
		    &found, err);
	if (st == STORE_OK && !found)
		return fail(err, STORE_ERR_NOT_FOUND, "Model '%s' not found",
			    model);
	if (st == STORE_OK)
		st = scalar(s, "SELECT 1 FROM versions WHERE model=?1 AND "
			    "version=?2", model, *version, &v, &found, err);
	if (st == STORE_OK && !found)
		return fail(err, STORE_ERR_NOT_FOUND, "Version %lld of model "
			    "'%s' not found", *version, model);
	return st;
}

struct items_ctx {
	long long seq;
	const struct store_job_input *in;
};

static void
bind_item(sqlite3_stmt *q, int at, size_t i, size_t r, void *ctx)
{
	const struct items_ctx *c = ctx;
	const struct store_job_input *in = &c->in[i];

	(void)r;
	sqlite3_bind_int64(q, at, KEY(c->seq, i));
	sqlite3_bind_text(q, at + 1, in->id, (int)in->id_len, SQLITE_STATIC);
	sqlite3_bind_text(q, at + 2, in->text ? in->text : "",
			  (int)in->text_len, SQLITE_STATIC);
}

/* Inside a transaction: the job row and its items. */
static enum store_status
insert_job(struct store *s, const char *id, const char *model,
	   long long version, const struct store_job_input *in, size_t n,
	   const char *by, const char *owner, struct store_error *err)
{
	sqlite3_stmt *q = NULL;
	enum store_status st;
	long long seq;
	int rc = SQLITE_DONE;

	st = prepare(s, "INSERT INTO jobs (id, status, model, version, "
		     "items_total, created_at, started_at, submitted_by, "
		     "owner) VALUES (?1, ?2, ?3, ?4, ?5, " NOW ", CASE WHEN "
		     "?6 IS NULL THEN NULL ELSE " NOW " END, ?7, ?6)", &q, err);
	if (st != STORE_OK)
		return st;
	sqlite3_bind_text(q, 1, id, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 2, status_names[owner ? STORE_JOB_RUNNING :
					     STORE_JOB_QUEUED], -1,
			  SQLITE_STATIC);
	sqlite3_bind_text(q, 3, model, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 4, version);
	sqlite3_bind_int64(q, 5, (long long)n);
	if (owner != NULL)
		sqlite3_bind_text(q, 6, owner, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 7, by ? by : "", -1, SQLITE_STATIC);
	rc = sqlite3_step(q);
	sqlite3_finalize(q);
	if (rc != SQLITE_DONE)
		return db_fail(s, rc, err);
	seq = sqlite3_last_insert_rowid(s->db);
	{
		struct items_ctx c = { seq, in };
		sqlite3_stmt *one = NULL, *many = NULL;

		st = insert_rows(s, "INSERT INTO job_items (key, item_id, "
				 "text)", &many, &one, n, bind_item, &c, err);
		sqlite3_finalize(one);
		sqlite3_finalize(many);
	}
	return st;
}

enum store_status
store_job_create(struct store *s, const char *model, long long version,
		 const struct store_job_input *inputs, size_t n,
		 const char *by, const char *owner, int *lock_fd,
		 struct store_job *out, struct store_error *err)
{
	char id[STORE_JOB_ID_MAX + 1];
	unsigned char raw[JOB_ID_BYTES];
	size_t dup;
	int fd = -1;
	enum store_status st;

	if (n == 0 || n >= (size_t)1 << KEY_BITS)
		return fail(err, STORE_ERR_INVALID, "a job needs at least one "
			    "item, and fewer than 2^%d", KEY_BITS);
	if (version < 0)
		return fail(err, STORE_ERR_INVALID, "a version is a positive "
			    "number");
	if (!store_name_ok(model))
		return fail(err, STORE_ERR_NOT_FOUND, "Model '%s' not found",
			    model);
	for (size_t i = 0; i < n; i++)
		if (inputs[i].text_len > (size_t)INT32_MAX)
			return fail(err, STORE_ERR_INVALID, "item %zu: the text "
				    "is too long", i);
	st = ids_check(inputs, n, &dup, err);
	if (st != STORE_OK)
		return st;
	randombytes_buf(raw, sizeof(raw));
	memcpy(id, JOB_ID_PREFIX, sizeof(JOB_ID_PREFIX) - 1);
	sodium_bin2hex(id + sizeof(JOB_ID_PREFIX) - 1,
		       sizeof(id) - (sizeof(JOB_ID_PREFIX) - 1), raw,
		       sizeof(raw));
	/* A job created claimed is locked before its running row is
	 * visible, so no other runner ever sees it running and unlocked. */
	if (lock_fd != NULL) {
		st = lock_take(s, id, &fd, err);
		if (st == STORE_OK && fd < 0)
			st = fail(err, STORE_ERR_BUSY, "%s: locked", id);
		if (st != STORE_OK)
			return st;
	}
	st = exec(s, "BEGIN IMMEDIATE", err);
	if (st == STORE_OK) {
		st = resolve_version(s, model, &version, err);
		if (st == STORE_OK)
			st = insert_job(s, id, model, version, inputs, n, by,
					lock_fd ? (owner ? owner : "") : NULL,
					err);
		st = end(s, st, err);
	}
	if (st == STORE_OK && out != NULL)
		st = store_job_get(s, id, out, err);
	if (st != STORE_OK && fd >= 0) {
		/* No row names it (or the row is there but unread: the lock
		 * is released and a runner resumes the job). */
		lock_remove(s, id);
		store_job_release(fd);
		return st;
	}
	if (lock_fd != NULL)
		*lock_fd = fd;
	return st;
}

enum store_status
store_job_cancel(struct store *s, const char *id, struct store_job *out,
		 struct store_error *err)
{
	struct job_state js;
	enum store_status st;

	st = job_begin(s, id, NULL, false, &js, err);
	if (st != STORE_OK)
		return st;
	if (js.status != STORE_JOB_QUEUED && js.status != STORE_JOB_RUNNING)
		st = fail(err, STORE_ERR_CONFLICT, "Job '%s' has already "
			  "finished (%s)", id, status_names[js.status]);
	if (st == STORE_OK)
		st = end_unfinished(s, js.seq, NULL, err);
	st = end(s, st, err);
	if (st != STORE_OK)
		return st;
	lock_remove(s, id);
	return out ? store_job_get(s, id, out, err) : STORE_OK;
}

void
store_jobs_close(struct store *s)
{
	sqlite3_finalize(s->q_prediction);
	sqlite3_finalize(s->q_put);
	sqlite3_finalize(s->q_put_job);
	sqlite3_finalize(s->q_result);
	sqlite3_finalize(s->q_results);
	s->q_prediction = s->q_put = s->q_put_job = NULL;
	s->q_result = s->q_results = NULL;
	jobs_read_close(s);
}
