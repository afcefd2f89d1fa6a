/* SPDX-License-Identifier: MIT
 * store/jobs_run.c - the runner's side of batch jobs (store/jobs.h):
 * claiming a job under its lock, reading its items, committing results
 * chunk by chunk, finishing or failing it; failing the jobs of a deleted
 * version, and removing the lock files of jobs that have ended.
 *
 * A result is small: the tag's index and the probabilities as
 * little-endian doubles; the class names (JSON strings) are recorded on
 * the job with its first chunk (store/jobs_read.c makes the text POST
 * /predict writes from them).  A job's lock is an flock on
 * dir/jobs/<id>.lock, removed only once the job has ended (its status can
 * never go back, so no runner wants that lock again).
 */
#include <dirent.h>

#include "store/jobs.h"
#include "store/jobs_internal.h"
#include "store/sqlite_internal.h"

/* Probabilities a result holds at most (core allows 16 classes). */
#define CLASSES_MAX 64
/* Jobs one claim looks at: more live runners than this is unlikely. */
#define CLAIM_CANDIDATES 64

void
store_job_release(int lock_fd)
{
	if (lock_fd >= 0)
		close(lock_fd);
}

/* A job's status can never go back once it has ended, so its lock file
 * is dead: the jobs that ended without removing theirs (failed with
 * their version, or a runner's claim that came too late) lose it here.
 * A lock file without a job may be a store_job_create in flight. */
enum store_status
store_jobs_gc(struct store *s, struct store_error *err)
{
	char path[PATH_MAX_LEN], id[STORE_JOB_ID_MAX + 1];
	struct dirent *e;
	sqlite3_stmt *q = NULL;
	enum store_status st;
	DIR *d;

	snprintf(path, sizeof(path), "%s/" STORE_JOBS_DIR, s->dir);
	d = opendir(path);
	if (d == NULL)
		return errno == ENOENT ? STORE_OK :
			fail(err, STORE_ERR_IO, "%s: %s", path,
			     strerror(errno));
	st = prepare(s, "SELECT 1 FROM jobs WHERE id=?1 AND status NOT IN "
		     "('queued', 'running')", &q, err);
	while (st == STORE_OK && (e = readdir(d)) != NULL) {
		size_t len = strlen(e->d_name);
		int rc;

		if (len <= 5 || len - 5 > STORE_JOB_ID_MAX ||
		    strcmp(e->d_name + len - 5, ".lock") != 0)
			continue;
		snprintf(id, sizeof(id), "%.*s", (int)(len - 5), e->d_name);
		sqlite3_bind_text(q, 1, id, -1, SQLITE_STATIC);
		rc = sqlite3_step(q);
		sqlite3_reset(q);
		if (rc == SQLITE_ROW)
			lock_remove(s, id);
		else if (rc != SQLITE_DONE)
			st = db_fail(s, rc, err);
	}
	sqlite3_finalize(q);
	closedir(d);
	return st;
}

enum store_status
store_job_fail(struct store *s, const char *id, const char *owner,
	       const char *message, struct store_error *err)
{
	struct job_state js;
	enum store_status st;

	st = job_begin(s, id, owner, true, &js, err);
	if (st != STORE_OK)
		return st;
	st = end_unfinished(s, js.seq, message ? message : "failed", err);
	st = end(s, st, err);
	if (st == STORE_OK)
		lock_remove(s, id);
	return st;
}

static enum store_status
seq_row(sqlite3_stmt *q, void *row, struct store_error *err)
{
	(void)err;
	*(long long *)row = sqlite3_column_int64(q, 0);
	return STORE_OK;
}

static const struct row_type seq_rows = { sizeof(long long), seq_row, NULL };

enum store_status
store_jobs_fail_version(struct store *s, const char *name, long long version,
			const char *why, struct store_error *err)
{
	sqlite3_stmt *q = NULL;
	size_t n;
	enum store_status st;

	/* A few at a time: ending one changes the rows the query walks. */
	do {
		void *rows = NULL;
		const long long *seq;

		n = 0;
		st = prepare(s, "SELECT seq FROM jobs WHERE status IN "
			     "('queued', 'running') AND model=?1 AND "
			     "(?2 = 0 OR version=?2) ORDER BY seq", &q, err);
		if (st != STORE_OK)
			return st;
		sqlite3_bind_text(q, 1, name, -1, SQLITE_STATIC);
		sqlite3_bind_int64(q, 2, version);
		st = rows_read(s, q, &seq_rows, CLAIM_CANDIDATES, &rows, &n,
			       err);
		seq = rows;
		for (size_t i = 0; i < n && st == STORE_OK; i++)
			st = end_unfinished(s, seq[i], why, err);
		free(rows);
	} while (st == STORE_OK && n == CLAIM_CANDIDATES);
	/* Their lock files stay until store_gc: removing one before the
	 * commit could let a second runner lock a job still running. */
	return st;
}

/* Inside a transaction: makes the job running under owner if it is
 * still queued or running (its lock now ours); *took tells. */
static enum store_status
take(struct store *s, const char *id, const char *owner, bool *took,
     struct store_error *err)
{
	sqlite3_stmt *q = NULL;
	enum store_status st;
	int rc = SQLITE_DONE;

	st = prepare(s, "UPDATE jobs SET status='running', owner=?2, "
		     "started_at=coalesce(started_at, " NOW ") WHERE id=?1 "
		     "AND status IN ('queued', 'running')", &q, err);
	if (st != STORE_OK)
		return st;
	sqlite3_bind_text(q, 1, id, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 2, owner ? owner : "", -1, SQLITE_STATIC);
	rc = sqlite3_step(q);
	sqlite3_finalize(q);
	if (rc != SQLITE_DONE)
		return db_fail(s, rc, err);
	*took = sqlite3_changes(s->db) == 1;
	return STORE_OK;
}

/* A job a claim may take: its id. */
struct candidate {
	char id[STORE_JOB_ID_MAX + 1];
};

static enum store_status
candidate_row(sqlite3_stmt *q, void *row, struct store_error *err)
{
	struct candidate *c = row;

	(void)err;
	copy(c->id, sizeof(c->id), sqlite3_column_text(q, 0));
	return STORE_OK;
}

static const struct row_type candidate_rows = {
	sizeof(struct candidate), candidate_row, NULL
};

enum store_status
store_job_claim(struct store *s, const char *owner, struct store_job *out,
		int *lock_fd, struct store_error *err)
{
	const struct candidate *ids;
	sqlite3_stmt *q = NULL;
	void *rows = NULL;
	size_t n = 0;
	enum store_status st;

	/* Running jobs first (their runner may have died), then queued,
	 * oldest first: the index on (status, seq) serves both. */
	st = prepare(s, "SELECT id FROM jobs WHERE status IN ('running', "
		     "'queued') ORDER BY status = 'queued', seq", &q, err);
	if (st != STORE_OK)
		return st;
	st = rows_read(s, q, &candidate_rows, CLAIM_CANDIDATES, &rows, &n,
		       err);
	ids = rows;
	for (size_t i = 0; i < n && st == STORE_OK; i++) {
		bool took = false;
		int fd = -1;

		st = lock_take(s, ids[i].id, &fd, err);
		if (st != STORE_OK || fd < 0)
			continue;
		/* Locked: the status decides, read again under the write
		 * lock (another runner may have ended it meanwhile). */
		st = exec(s, "BEGIN IMMEDIATE", err);
		if (st == STORE_OK) {
			st = take(s, ids[i].id, owner, &took, err);
			st = end(s, st, err);
		}
		if (st == STORE_OK && took)
			st = store_job_get(s, ids[i].id, out, err);
		if (st == STORE_OK && took) {
			*lock_fd = fd;
			free(rows);
			return STORE_OK;
		}
		store_job_release(fd);
	}
	free(rows);
	if (st != STORE_OK)
		return st;
	return fail(err, STORE_ERR_NOT_FOUND, "no job to run");
}

void
store_job_items_free(struct store_job_item *it, size_t n)
{
	for (size_t i = 0; it != NULL && i < n; i++)
		free(it[i].id);
	free(it);
}

static enum store_status
item_row(sqlite3_stmt *q, void *row, struct store_error *err)
{
	struct store_job_item *it = row;
	const unsigned char *item = sqlite3_column_text(q, 1);
	size_t id_len = (size_t)sqlite3_column_bytes(q, 1);
	const void *text = sqlite3_column_blob(q, 2);
	size_t len = (size_t)sqlite3_column_bytes(q, 2);
	/* One allocation an item: the id, then the text. */
	char *p = malloc(id_len + len + 2);

	if (p == NULL)
		return fail(err, STORE_ERR_NOMEM, "out of memory");
	memcpy(p, item ? (const void *)item : "", id_len);
	p[id_len] = '\0';
	if (len > 0)
		memcpy(p + id_len + 1, text, len);
	p[id_len + 1 + len] = '\0';
	it->index = sqlite3_column_int64(q, 0);
	it->id = p;
	it->text = p + id_len + 1;
	it->text_len = len;
	return STORE_OK;
}

static void
item_row_clear(void *row)
{
	free(((struct store_job_item *)row)->id);
}

static const struct row_type item_rows = {
	sizeof(struct store_job_item), item_row, item_row_clear
};

enum store_status
store_job_items(struct store *s, const char *id, long long from, size_t max,
		struct store_job_item **out, size_t *n,
		struct store_error *err)
{
	sqlite3_stmt *q = NULL;
	void *rows = NULL;
	enum store_status st;

	st = prepare(s, "SELECT key & 4294967295, item_id, text FROM "
		     "job_items WHERE key BETWEEN (SELECT seq << 32 FROM jobs "
		     "WHERE id=?1) + ?2 AND (SELECT seq << 32 FROM jobs WHERE "
		     "id=?1) + 4294967295 ORDER BY key LIMIT ?3", &q, err);
	if (st != STORE_OK)
		return st;
	sqlite3_bind_text(q, 1, id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 2, from);
	sqlite3_bind_int64(q, 3, (long long)max);
	st = rows_read(s, q, &item_rows, max, &rows, n, err);
	if (st == STORE_OK)
		*out = rows;
	return st;
}

/* ["a","b"] from the class names as JSON strings (malloc'd). */
static char *
classes_text(const char *const *class_json, size_t n)
{
	size_t len = 3;
	char *t, *o;

	for (size_t k = 0; k < n; k++)
		len += strlen(class_json[k]) + 1;
	t = malloc(len);
	if (t == NULL)
		return NULL;
	o = t;
	*o++ = '[';
	for (size_t k = 0; k < n; k++) {
		size_t l = strlen(class_json[k]);

		if (k > 0)
			*o++ = ',';
		memcpy(o, class_json[k], l);
		o += l;
	}
	*o++ = ']';
	*o = '\0';
	return t;
}

struct results_ctx {
	long long key;                 /* the first result's */
	const struct store_job_result *r;
	size_t n_classes;
	unsigned char blob[ROWS_PER_INSERT][CLASSES_MAX * 8];
};

/* Bound STATIC: each row of a statement has its own bytes, copied by
 * SQLite as the statement is stepped. */
static void
bind_result(sqlite3_stmt *q, int at, size_t i, size_t r, void *ctx)
{
	struct results_ctx *c = ctx;

	for (size_t k = 0; k < c->n_classes; k++)
		put_le(c->blob[r] + 8 * k, c->r[i].prob[k]);
	sqlite3_bind_int64(q, at, c->key + (long long)i);
	sqlite3_bind_int(q, at + 1, (int)c->r[i].tag);
	sqlite3_bind_blob(q, at + 2, c->blob[r], (int)(8 * c->n_classes),
			  SQLITE_STATIC);
}

/* Inside the chunk's transaction: one row a result, through the
 * connection's INSERTs (prepared once, rebound for every chunk: no
 * allocation per row). */
static enum store_status
insert_results(struct store *s, long long seq, long long from,
	       const struct store_job_result *r, size_t n, size_t n_classes,
	       struct store_error *err)
{
	struct results_ctx c;
	enum store_status st;

	c.key = KEY(seq, from);
	c.r = r;
	c.n_classes = n_classes;
	st = insert_rows(s, "INSERT INTO job_results (key, tag, probs)",
			 &s->q_results, &s->q_result, n, bind_result, &c, err);
	return st;
}

enum store_status
store_job_progress(struct store *s, const char *id, const char *owner,
		   long long from, const struct store_job_result *r,
		   size_t n, const char *const *class_json, size_t n_classes,
		   struct store_error *err)
{
	struct job_state js;
	sqlite3_stmt *q = NULL;
	char *classes = NULL;
	enum store_status st;
	int rc = SQLITE_DONE;

	if (n_classes == 0 || n_classes > CLASSES_MAX)
		return fail(err, STORE_ERR_INVALID, "%zu classes: 1 to %d "
			    "expected", n_classes, CLASSES_MAX);
	for (size_t i = 0; i < n; i++)
		if (r[i].tag >= n_classes)
			return fail(err, STORE_ERR_INVALID, "result %zu: tag "
				    "%u of %zu classes", i, r[i].tag,
				    n_classes);
	st = job_begin(s, id, owner, true, &js, err);
	if (st != STORE_OK)
		return st;
	if (from != js.done)
		st = fail(err, STORE_ERR_CONFLICT, "Job '%s' has %lld items "
			  "done, not %lld", id, js.done, from);
	if (st == STORE_OK && (long long)n > js.total - from)
		st = fail(err, STORE_ERR_INVALID, "Job '%s' has %lld items, "
			  "not %lld", id, js.total, from + (long long)n);
	if (st == STORE_OK && !js.has_classes &&
	    (classes = classes_text(class_json, n_classes)) == NULL)
		st = fail(err, STORE_ERR_NOMEM, "out of memory");
	if (st == STORE_OK)
		st = insert_results(s, js.seq, from, r, n, n_classes, err);
	if (st == STORE_OK)
		st = prepare(s, "UPDATE jobs SET items_done=?2, "
			     "classes=coalesce(classes, ?3) WHERE seq=?1", &q,
			     err);
	if (st == STORE_OK) {
		sqlite3_bind_int64(q, 1, js.seq);
		sqlite3_bind_int64(q, 2, from + (long long)n);
		if (classes != NULL)
			sqlite3_bind_text(q, 3, classes, -1, SQLITE_STATIC);
		rc = sqlite3_step(q);
		if (rc != SQLITE_DONE)
			st = db_fail(s, rc, err);
	}
	sqlite3_finalize(q);
	free(classes);
	return end(s, st, err);
}

enum store_status
store_job_finish(struct store *s, const char *id, const char *owner,
		 struct store_error *err)
{
	struct job_state js;
	enum store_status st;

	st = job_begin(s, id, owner, true, &js, err);
	if (st != STORE_OK)
		return st;
	if (js.done < js.total)
		st = fail(err, STORE_ERR_CONFLICT, "Job '%s' has %lld of %lld "
			  "items done", id, js.done, js.total);
	if (st == STORE_OK)
		st = run_seq(s, "UPDATE jobs SET status='succeeded', "
			     "finished_at=" NOW " WHERE seq=?1", js.seq, err);
	/* REPLACE: an id a former job covered now names this one. */
	if (st == STORE_OK)
		st = run_seq(s, "INSERT OR REPLACE INTO item_latest (item_id, "
			     "key) SELECT item_id, key FROM job_items WHERE "
			     "key " JOB_KEYS, js.seq, err);
	st = end(s, st, err);
	if (st == STORE_OK)
		lock_remove(s, id);
	return st;
}
