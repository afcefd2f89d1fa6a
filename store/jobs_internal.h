/* SPDX-License-Identifier: MIT
 * store/jobs_internal.h - what the three files of batch jobs share
 * (store/jobs.c: the submitter's side; store/jobs_run.c: the runner's;
 * store/jobs_read.c: the stored predictions): how an item's rows are
 * keyed, a result's bytes, the job locks, a job's state as a writer reads
 * it, and ending a job that did not succeed.  Not an interface: only
 * those files include it.
 */
#ifndef STORE_JOBS_INTERNAL_H
#define STORE_JOBS_INTERNAL_H

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store/jobs.h"
#include "store/sqlite_internal.h"

/* The rows of item idx of job seq: idx < 2^32 items a job. */
#define KEY_BITS 32
#define KEY(seq, idx) (((long long)(seq) << KEY_BITS) + (long long)(idx))
/* The keys of job ?1 (its seq), in SQL. */
#define JOB_KEYS "BETWEEN (?1 << 32) AND (?1 << 32) + 4294967295"

/* Frees what store/jobs_read.c keeps on the connection (store_jobs_close). */
void jobs_read_close(struct store *s);

/* A status as stored; text we do not know reads as failed. */
static inline enum store_job_status
status_parse(const unsigned char *text)
{
	for (int k = 0; text != NULL && k < STORE_JOB__MAX; k++) {
		enum store_job_status st = (enum store_job_status)k;

		if (strcmp((const char *)text, store_job_status_name(st)) == 0)
			return st;
	}
	return STORE_JOB_FAILED;
}

/* A result's probabilities are little-endian doubles, 8 bytes each. */
static inline void
put_le(unsigned char *b, double d)
{
	uint64_t u;

	memcpy(&u, &d, sizeof(u));
	for (int i = 0; i < 8; i++)
		b[i] = (unsigned char)(u >> (8 * i));
}

static inline double
get_le(const unsigned char *b)
{
	uint64_t u = 0;
	double d;

	for (int i = 0; i < 8; i++)
		u |= (uint64_t)b[i] << (8 * i);
	memcpy(&d, &u, sizeof(d));
	return d;
}

/* ---- locks ---- */

static inline void
lock_path(const struct store *s, const char *id, char *buf, size_t len)
{
	snprintf(buf, len, "%s/" STORE_JOBS_DIR "/%s.lock", s->dir, id);
}

/* Takes job id's lock without waiting: *fd is the held lock, or -1 when
 * another process holds it. */
static inline enum store_status
lock_take(struct store *s, const char *id, int *fd, struct store_error *err)
{
	char path[PATH_MAX_LEN];
	int f;

	*fd = -1;
	snprintf(path, sizeof(path), "%s/" STORE_JOBS_DIR, s->dir);
	if (mkdir(path, 0755) != 0 && errno != EEXIST)
		return fail(err, STORE_ERR_IO, "%s: cannot create: %s", path,
			    strerror(errno));
	lock_path(s, id, path, sizeof(path));
	f = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (f < 0)
		return fail(err, STORE_ERR_IO, "%s: %s", path, strerror(errno));
	while (flock(f, LOCK_EX | LOCK_NB) != 0) {
		if (errno == EINTR)
			continue;
		close(f);
		if (errno == EWOULDBLOCK)
			return STORE_OK;
		return fail(err, STORE_ERR_IO, "%s: flock: %s", path,
			    strerror(errno));
	}
	*fd = f;
	return STORE_OK;
}

/* After the commit that ended job id: nobody takes its lock again. */
static inline void
lock_remove(struct store *s, const char *id)
{
	char path[PATH_MAX_LEN];

	lock_path(s, id, path, sizeof(path));
	(void)unlink(path);
}

/* ---- writing ---- */

/* Rows one multi-row INSERT writes: a statement's fixed cost (starting,
 * halting, resetting) is paid once for all of them. */
#define ROWS_PER_INSERT 32
#define INSERT_SQL_MAX (128 + ROWS_PER_INSERT * 10)

/* Binds the three values of row i (the r-th of its statement) at
 * parameters at, at + 1, at + 2. */
typedef void bind_row(sqlite3_stmt *q, int at, size_t i, size_t r,
		      void *ctx);

/* Writes rows 0..n-1, each of three values bound by bind, with head
 * ("INSERT INTO t (a, b, c)"): ROWS_PER_INSERT at a time through *many,
 * the rest one at a time through *one (each prepared on first use and
 * kept: the caller finalizes them). */
static inline enum store_status
insert_rows(struct store *s, const char *head, sqlite3_stmt **many,
	    sqlite3_stmt **one, size_t n, bind_row *bind, void *ctx,
	    struct store_error *err)
{
	enum store_status st = STORE_OK;

	for (size_t i = 0; i < n && st == STORE_OK;) {
		size_t rows = n - i >= ROWS_PER_INSERT ? ROWS_PER_INSERT : 1;
		sqlite3_stmt **q = rows > 1 ? many : one;
		int rc;

		if (*q == NULL) {
			char sql[INSERT_SQL_MAX];
			size_t o = (size_t)snprintf(sql, sizeof(sql),
						    "%s VALUES (?,?,?)", head);

			for (size_t r = 1; r < rows && o < sizeof(sql); r++)
				o += (size_t)snprintf(sql + o, sizeof(sql) - o,
						      ",(?,?,?)");
			st = prepare(s, sql, q, err);
			if (st != STORE_OK)
				break;
		}
		for (size_t r = 0; r < rows; r++)
			bind(*q, 1 + 3 * (int)r, i + r, r, ctx);
		rc = sqlite3_step(*q);
		if (rc != SQLITE_DONE)
			st = db_fail(s, rc, err);
		sqlite3_reset(*q);
		i += rows;
	}
	return st;
}

/* Inside a transaction: the job's state as a writer needs it. */
struct job_state {
	long long seq;
	enum store_job_status status;
	long long done;
	long long total;
	bool has_classes;
	bool owned;          /* running under the owner asked about */
};

static inline enum store_status
job_state(struct store *s, const char *id, const char *owner,
	  struct job_state *js, struct store_error *err)
{
	sqlite3_stmt *q = NULL;
	enum store_status st;
	int rc = SQLITE_DONE;

	/* Inlined, the callers' reads after a failure look possible to
	 * gcc's -Wmaybe-uninitialized; they never happen. */
	memset(js, 0, sizeof(*js));
	st = prepare(s, "SELECT seq, status, items_done, items_total, "
		     "classes IS NOT NULL, coalesce(owner, '') = ?2 FROM jobs "
		     "WHERE id=?1", &q, err);
	if (st != STORE_OK)
		return st;
	sqlite3_bind_text(q, 1, id, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 2, owner ? owner : "", -1, SQLITE_STATIC);
	rc = sqlite3_step(q);
	if (rc == SQLITE_ROW) {
		js->seq = sqlite3_column_int64(q, 0);
		js->status = status_parse(sqlite3_column_text(q, 1));
		js->done = sqlite3_column_int64(q, 2);
		js->total = sqlite3_column_int64(q, 3);
		js->has_classes = sqlite3_column_int(q, 4) != 0;
		js->owned = js->status == STORE_JOB_RUNNING &&
			sqlite3_column_int(q, 5) != 0;
	} else if (rc == SQLITE_DONE) {
		st = fail(err, STORE_ERR_NOT_FOUND, "Job '%s' not found", id);
	} else {
		st = db_fail(s, rc, err);
	}
	sqlite3_finalize(q);
	return st;
}

/* The job must be running under owner for its runner to write. */
static inline enum store_status
owned(struct store *s, const char *id, const char *owner,
      struct job_state *js, struct store_error *err)
{
	enum store_status st = job_state(s, id, owner, js, err);

	if (st != STORE_OK || js->owned)
		return st;
	if (js->status != STORE_JOB_RUNNING)
		return fail(err, STORE_ERR_CONFLICT, "Job '%s' is %s", id,
			    store_job_status_name(js->status));
	return fail(err, STORE_ERR_CONFLICT, "Job '%s' is running under "
		    "another runner", id);
}

/* Begins a write transaction and reads job id's state in it; with
 * must_own the job must be running under owner, too (owned).  On failure
 * the transaction is over: the caller only returns the status. */
static inline enum store_status
job_begin(struct store *s, const char *id, const char *owner, bool must_own,
	  struct job_state *js, struct store_error *err)
{
	enum store_status st = exec(s, "BEGIN IMMEDIATE", err);

	if (st != STORE_OK)
		return st;
	st = must_own ? owned(s, id, owner, js, err) :
		job_state(s, id, owner, js, err);
	return st == STORE_OK ? st : end(s, st, err);
}

/* Sets ?1 = seq, runs sql. */
static inline enum store_status
run_seq(struct store *s, const char *sql, long long seq,
	struct store_error *err)
{
	sqlite3_stmt *q = NULL;
	enum store_status st = prepare(s, sql, &q, err);
	int rc = SQLITE_DONE;

	if (st != STORE_OK)
		return st;
	sqlite3_bind_int64(q, 1, seq);
	rc = sqlite3_step(q);
	sqlite3_finalize(q);
	return rc == SQLITE_DONE ? STORE_OK : db_fail(s, rc, err);
}

/* Inside a transaction: ends job seq as failed (why) or cancelled (why
 * NULL), deleting what it computed and its inputs (nothing reads them
 * again). */
static inline enum store_status
end_unfinished(struct store *s, long long seq, const char *why,
	       struct store_error *err)
{
	sqlite3_stmt *q = NULL;
	enum store_status st;
	int rc = SQLITE_DONE;

	st = prepare(s, "UPDATE jobs SET status=?2, error=?3, finished_at="
		     NOW " WHERE seq=?1", &q, err);
	if (st != STORE_OK)
		return st;
	sqlite3_bind_int64(q, 1, seq);
	sqlite3_bind_text(q, 2, store_job_status_name(why ? STORE_JOB_FAILED :
				STORE_JOB_CANCELLED), -1, SQLITE_STATIC);
	if (why != NULL)
		sqlite3_bind_text(q, 3, why, -1, SQLITE_STATIC);
	rc = sqlite3_step(q);
	sqlite3_finalize(q);
	if (rc != SQLITE_DONE)
		return db_fail(s, rc, err);
	st = run_seq(s, "DELETE FROM job_results WHERE key " JOB_KEYS, seq,
		     err);
	if (st == STORE_OK)
		st = run_seq(s, "DELETE FROM job_items WHERE key " JOB_KEYS, seq,
			     err);
	return st;
}

#endif
