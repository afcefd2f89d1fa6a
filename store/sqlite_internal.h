/* SPDX-License-Identifier: MIT
 * store/sqlite_internal.h - what the files of the SQLite registry share
 * (store/sqlite.c: models, versions, users; store/jobs.c, jobs_run.c and
 * jobs_read.c: batch jobs): the connection and the small helpers every
 * statement goes through.
 * Not an interface: nothing outside store/ includes it.
 */
#ifndef STORE_SQLITE_INTERNAL_H
#define STORE_SQLITE_INTERNAL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>
#include <sqlite3.h>

#include "store/store.h"
#include "util/buf.h"

/* Paths we build are the registry directory plus at most this much. */
#define PATH_TAIL_MAX 400
#define DIR_MAX 3600
#define PATH_MAX_LEN (DIR_MAX + PATH_TAIL_MAX)
#define NOW "strftime('%Y-%m-%dT%H:%M:%SZ','now')"

struct store {
	sqlite3 *db;
	char dir[DIR_MAX];
	char gen_path[PATH_MAX_LEN];
	/* The key of the API keys' hashes (STORE_SECRET_NAME), read on
	 * first need (a process that never sees a key needs no access). */
	unsigned char secret[crypto_generichash_KEYBYTES];
	bool have_secret;
	/* The batch jobs' statements kept for the connection's life (the
	 * hot paths), finalized by store_close; NULL until first use. */
	sqlite3_stmt *q_prediction;  /* store/jobs_read.c */
	sqlite3_stmt *q_put;         /* store/jobs_read.c: the hot path */
	sqlite3_stmt *q_put_job;     /* its job, when not the last seen */
	struct job_seen *seen;       /* store/jobs_read.c: its last job */
	sqlite3_stmt *q_result;      /* store/jobs_run.c: one result row */
	sqlite3_stmt *q_results;     /* ROWS_PER_INSERT result rows */
};

static inline enum store_status
fail(struct store_error *err, enum store_status st, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static inline enum store_status
fail(struct store_error *err, enum store_status st, const char *fmt, ...)
{
	va_list ap;

	if (err != NULL) {
		va_start(ap, fmt);
		vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
		va_end(ap);
	}
	return st;
}

/* Maps an SQLite result code to ours, with its message in err. */
static inline enum store_status
db_fail(struct store *s, int rc, struct store_error *err)
{
	const char *msg = s->db ? sqlite3_errmsg(s->db) : sqlite3_errstr(rc);

	switch (rc & 0xff) {
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return fail(err, STORE_ERR_BUSY, "%s/" STORE_DB_NAME ": %s",
			    s->dir, msg);
	case SQLITE_NOMEM:
		return fail(err, STORE_ERR_NOMEM, "out of memory");
	default:
		return fail(err, STORE_ERR_IO, "%s/" STORE_DB_NAME ": %s",
			    s->dir, msg);
	}
}

static inline enum store_status
exec(struct store *s, const char *sql, struct store_error *err)
{
	int rc = sqlite3_exec(s->db, sql, NULL, NULL, NULL);

	return rc == SQLITE_OK ? STORE_OK : db_fail(s, rc, err);
}

static inline enum store_status
prepare(struct store *s, const char *sql, sqlite3_stmt **st,
	struct store_error *err)
{
	int rc = sqlite3_prepare_v2(s->db, sql, -1, st, NULL);

	return rc == SQLITE_OK ? STORE_OK : db_fail(s, rc, err);
}

/* Ends a transaction begun with exec("BEGIN..."): COMMIT when st is
 * STORE_OK (a failed COMMIT becomes the status), ROLLBACK otherwise. */
static inline enum store_status
end(struct store *s, enum store_status st, struct store_error *err)
{
	if (st == STORE_OK)
		return exec(s, "COMMIT", err);
	if (!sqlite3_get_autocommit(s->db))
		(void)sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	return st;
}

static inline void
copy(char *dst, size_t len, const unsigned char *src)
{
	snprintf(dst, len, "%s", src ? (const char *)src : "");
}

static inline char *
dup_text(const unsigned char *src)
{
	return strdup(src ? (const char *)src : "");
}

/* Runs sql with ?1 = name (?2 = version); *changes gets the rows hit. */
static inline enum store_status
run(struct store *s, const char *sql, const char *name, long long version,
    int *changes, struct store_error *err)
{
	sqlite3_stmt *q = NULL;
	enum store_status st = prepare(s, sql, &q, err);
	int rc;

	if (st != STORE_OK)
		return st;
	sqlite3_bind_text(q, 1, name, -1, SQLITE_STATIC);
	if (sqlite3_bind_parameter_count(q) >= 2)
		sqlite3_bind_int64(q, 2, version);
	rc = sqlite3_step(q);
	sqlite3_finalize(q);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		return db_fail(s, rc, err);
	if (changes != NULL)
		*changes = sqlite3_changes(s->db);
	return STORE_OK;
}

/* One integer from sql with ?1 = name (?2 = version); *found false when
 * there is no row. */
static inline enum store_status
scalar(struct store *s, const char *sql, const char *name,
       long long version, long long *v, bool *found, struct store_error *err)
{
	sqlite3_stmt *q = NULL;
	enum store_status st = prepare(s, sql, &q, err);
	int rc;

	if (st != STORE_OK)
		return st;
	sqlite3_bind_text(q, 1, name, -1, SQLITE_STATIC);
	if (sqlite3_bind_parameter_count(q) >= 2)
		sqlite3_bind_int64(q, 2, version);
	rc = sqlite3_step(q);
	*found = rc == SQLITE_ROW;
	if (rc == SQLITE_ROW)
		*v = sqlite3_column_int64(q, 0);
	sqlite3_finalize(q);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		return db_fail(s, rc, err);
	return STORE_OK;
}


/* What rows_read needs of one kind of row: its size, how to read it
 * from the current row of a statement, and how to free what it owns. */
struct row_type {
	size_t size;
	/* Fills row (zeroed) from q; on failure row must still be fit for
	 * clear, and err says why when the caller's message needs it. */
	enum store_status (*read)(sqlite3_stmt *q, void *row,
				  struct store_error *err);
	void (*clear)(void *row);       /* NULL: a row owns nothing */
};

/* The array starts this large and doubles (util_array_reserve). */
#define ROWS_MIN_CAP 16

/* Steps q (prepared and bound by the caller; finalized here) through at
 * most max rows, each read by t->read into an array that doubles as it
 * grows (util_array_reserve checks every size): *rows holds *n of them,
 * freed by the caller as the list it returns.  On failure nothing is
 * left: the rows read so far are cleared and freed, *rows and *n
 * untouched.  A step that fails is db_fail's status, an array that cannot
 * grow STORE_ERR_NOMEM, a read that fails its own status. */
static inline enum store_status
rows_read(struct store *s, sqlite3_stmt *q, const struct row_type *t,
	  size_t max, void **rows, size_t *n, struct store_error *err)
{
	void *v = NULL;
	size_t cap = 0, count = 0;
	enum store_status st = STORE_OK;
	int rc = SQLITE_DONE;

	while (st == STORE_OK && count < max &&
	       (rc = sqlite3_step(q)) == SQLITE_ROW) {
		char *row;

		if (util_array_reserve(&v, &cap, count + 1, t->size,
				       ROWS_MIN_CAP) != UTIL_OK) {
			st = fail(err, STORE_ERR_NOMEM, "out of memory");
			break;
		}
		row = (char *)v + count * t->size;
		memset(row, 0, t->size);
		st = t->read(q, row, err);
		count++;
	}
	if (st == STORE_OK && rc != SQLITE_ROW && rc != SQLITE_DONE)
		st = db_fail(s, rc, err);
	sqlite3_finalize(q);
	if (st != STORE_OK) {
		for (size_t i = 0; t->clear != NULL && i < count; i++)
			t->clear((char *)v + i * t->size);
		free(v);
		return st;
	}
	*rows = v;
	*n = count;
	return STORE_OK;
}


/* Batch jobs, for store/sqlite.c. */

/* Finalizes the connection's job statements (store_close; store/jobs.c). */
void store_jobs_close(struct store *s);

/* Inside a write transaction: fails the queued and running jobs of
 * version of model name (every version when version is 0) with why,
 * deleting their partial results. */
enum store_status store_jobs_fail_version(struct store *s, const char *name,
					  long long version, const char *why,
					  struct store_error *err);

/* Removes the lock files of jobs that have ended (store_gc;
 * store/jobs_run.c, like store_jobs_fail_version). */
enum store_status store_jobs_gc(struct store *s, struct store_error *err);

#endif
