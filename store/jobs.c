/* SPDX-License-Identifier: MIT
 * store/jobs.c - batch jobs (store/jobs.h) over the registry's SQLite
 * connection (schema: migration 3 in store/sqlite.c).
 *
 * An item's rows are keyed by KEY(job seq, index), so a job's items and
 * results are one range of rowid tables, appended in input order (the
 * cheapest insert SQLite has).  A result is small: the tag's index and
 * the probabilities as
 * little-endian doubles; the text POST /predict writes is made on read
 * from the class names (JSON strings) recorded on the job with its first
 * chunk, each number printed with util_float_repr.  Writes are single
 * BEGIN IMMEDIATE transactions; a job's lock is an flock on
 * dir/jobs/<id>.lock, removed only once the job has ended (its status can
 * never go back, so no runner wants that lock again).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store/jobs.h"
#include "store/sqlite_internal.h"
#include "util/float_repr.h"

#define JOB_ID_PREFIX "job-"
#define JOB_ID_BYTES 16
/* Probabilities a result holds at most (core allows 16 classes). */
#define CLASSES_MAX 64
/* Jobs one claim looks at: more live runners than this is unlikely. */
#define CLAIM_CANDIDATES 64
/* The rows of item idx of job seq: idx < 2^32 items a job. */
#define KEY_BITS 32
#define KEY(seq, idx) (((long long)(seq) << KEY_BITS) + (long long)(idx))
/* The keys of job ?1 (its seq), in SQL. */
#define JOB_KEYS "BETWEEN (?1 << 32) AND (?1 << 32) + 4294967295"

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

static enum store_job_status
status_parse(const unsigned char *text)
{
	for (int k = 0; k < STORE_JOB__MAX; k++)
		if (text != NULL && strcmp((const char *)text,
					   status_names[k]) == 0)
			return (enum store_job_status)k;
	return STORE_JOB_FAILED;
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

enum store_status
store_job_list(struct store *s, struct store_job **out, size_t *n,
	       struct store_error *err)
{
	sqlite3_stmt *q = NULL;
	struct store_job *j = NULL;
	size_t count = 0;
	enum store_status st;
	int rc = SQLITE_DONE;

	st = prepare(s, "SELECT " JOB_COLUMNS " FROM jobs ORDER BY seq DESC "
		     "LIMIT ?1", &q, err);
	if (st != STORE_OK)
		return st;
	sqlite3_bind_int(q, 1, STORE_LIST_MAX);
	while ((rc = sqlite3_step(q)) == SQLITE_ROW && count < STORE_LIST_MAX) {
		void *grown = realloc(j, (count + 1) * sizeof(*j));

		if (grown == NULL) {
			st = fail(err, STORE_ERR_NOMEM, "out of memory");
			goto out;
		}
		j = grown;
		st = read_job(q, &j[count]);
		count++;
		if (st != STORE_OK) {
			st = fail(err, st, "out of memory");
			goto out;
		}
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		st = db_fail(s, rc, err);
out:
	sqlite3_finalize(q);
	if (st != STORE_OK) {
		store_jobs_free(j, count);
		return st;
	}
	*out = j;
	*n = count;
	return STORE_OK;
}

/* ---- locks ---- */

static void
lock_path(const struct store *s, const char *id, char *buf, size_t len)
{
	snprintf(buf, len, "%s/" STORE_JOBS_DIR "/%s.lock", s->dir, id);
}

/* Takes job id's lock without waiting: *fd is the held lock, or -1 when
 * another process holds it. */
static enum store_status
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
static void
lock_remove(struct store *s, const char *id)
{
	char path[PATH_MAX_LEN];

	lock_path(s, id, path, sizeof(path));
	(void)unlink(path);
}

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
static enum store_status
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

/* ---- ending ---- */

/* Inside a transaction: the job's state as a writer needs it. */
struct job_state {
	long long seq;
	enum store_job_status status;
	long long done;
	long long total;
	bool has_classes;
	bool owned;          /* running under the owner asked about */
};

static enum store_status
job_state(struct store *s, const char *id, const char *owner,
	  struct job_state *js, struct store_error *err)
{
	sqlite3_stmt *q = NULL;
	enum store_status st;
	int rc = SQLITE_DONE;

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
static enum store_status
owned(struct store *s, const char *id, const char *owner,
      struct job_state *js, struct store_error *err)
{
	enum store_status st = job_state(s, id, owner, js, err);

	if (st != STORE_OK || js->owned)
		return st;
	if (js->status != STORE_JOB_RUNNING)
		return fail(err, STORE_ERR_CONFLICT, "Job '%s' is %s", id,
			    status_names[js->status]);
	return fail(err, STORE_ERR_CONFLICT, "Job '%s' is running under "
		    "another runner", id);
}

/* Sets ?1 = seq, runs sql. */
static enum store_status
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
static enum store_status
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
	sqlite3_bind_text(q, 2, status_names[why ? STORE_JOB_FAILED :
					     STORE_JOB_CANCELLED], -1,
			  SQLITE_STATIC);
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

enum store_status
store_job_cancel(struct store *s, const char *id, struct store_job *out,
		 struct store_error *err)
{
	struct job_state js;
	enum store_status st;

	st = exec(s, "BEGIN IMMEDIATE", err);
	if (st != STORE_OK)
		return st;
	st = job_state(s, id, NULL, &js, err);
	if (st == STORE_OK && js.status != STORE_JOB_QUEUED &&
	    js.status != STORE_JOB_RUNNING)
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

enum store_status
store_job_fail(struct store *s, const char *id, const char *owner,
	       const char *message, struct store_error *err)
{
	struct job_state js;
	enum store_status st;

	st = exec(s, "BEGIN IMMEDIATE", err);
	if (st != STORE_OK)
		return st;
	st = owned(s, id, owner, &js, err);
	if (st == STORE_OK)
		st = end_unfinished(s, js.seq, message ? message : "failed",
				    err);
	st = end(s, st, err);
	if (st == STORE_OK)
		lock_remove(s, id);
	return st;
}

enum store_status
store_jobs_fail_version(struct store *s, const char *name, long long version,
			const char *why, struct store_error *err)
{
	sqlite3_stmt *q = NULL;
	long long seq[CLAIM_CANDIDATES];
	size_t n;
	enum store_status st;
	int rc = SQLITE_DONE;

	/* A few at a time: ending one changes the rows the query walks. */
	do {
		n = 0;
		st = prepare(s, "SELECT seq FROM jobs WHERE status IN "
			     "('queued', 'running') AND model=?1 AND "
			     "(?2 = 0 OR version=?2) ORDER BY seq", &q, err);
		if (st != STORE_OK)
			return st;
		sqlite3_bind_text(q, 1, name, -1, SQLITE_STATIC);
		sqlite3_bind_int64(q, 2, version);
		while (n < CLAIM_CANDIDATES &&
		       (rc = sqlite3_step(q)) == SQLITE_ROW)
			seq[n++] = sqlite3_column_int64(q, 0);
		if (n < CLAIM_CANDIDATES && rc != SQLITE_DONE)
			st = db_fail(s, rc, err);
		sqlite3_finalize(q);
		q = NULL;
		for (size_t i = 0; i < n && st == STORE_OK; i++)
			st = end_unfinished(s, seq[i], why, err);
	} while (st == STORE_OK && n == CLAIM_CANDIDATES);
	/* Their lock files stay until store_gc: removing one before the
	 * commit could let a second runner lock a job still running. */
	return st;
}

/* ---- the runner's side ---- */

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

enum store_status
store_job_claim(struct store *s, const char *owner, struct store_job *out,
		int *lock_fd, struct store_error *err)
{
	char ids[CLAIM_CANDIDATES][STORE_JOB_ID_MAX + 1];
	sqlite3_stmt *q = NULL;
	size_t n = 0;
	enum store_status st;
	int rc = SQLITE_DONE;

	/* Running jobs first (their runner may have died), then queued,
	 * oldest first: the index on (status, seq) serves both. */
	st = prepare(s, "SELECT id FROM jobs WHERE status IN ('running', "
		     "'queued') ORDER BY status = 'queued', seq", &q, err);
	if (st != STORE_OK)
		return st;
	while (n < CLAIM_CANDIDATES && (rc = sqlite3_step(q)) == SQLITE_ROW)
		copy(ids[n++], sizeof(ids[0]), sqlite3_column_text(q, 0));
	if (n < CLAIM_CANDIDATES && rc != SQLITE_DONE)
		st = db_fail(s, rc, err);
	sqlite3_finalize(q);
	for (size_t i = 0; i < n && st == STORE_OK; i++) {
		bool took = false;
		int fd = -1;

		st = lock_take(s, ids[i], &fd, err);
		if (st != STORE_OK || fd < 0)
			continue;
		/* Locked: the status decides, read again under the write
		 * lock (another runner may have ended it meanwhile). */
		st = exec(s, "BEGIN IMMEDIATE", err);
		if (st == STORE_OK) {
			st = take(s, ids[i], owner, &took, err);
			st = end(s, st, err);
		}
		if (st == STORE_OK && took)
			st = store_job_get(s, ids[i], out, err);
		if (st == STORE_OK && took) {
			*lock_fd = fd;
			return STORE_OK;
		}
		store_job_release(fd);
	}
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

enum store_status
store_job_items(struct store *s, const char *id, long long from, size_t max,
		struct store_job_item **out, size_t *n,
		struct store_error *err)
{
	sqlite3_stmt *q = NULL;
	struct store_job_item *it = NULL;
	size_t count = 0;
	enum store_status st;
	int rc = SQLITE_DONE;

	if (max > 0) {
		it = calloc(max, sizeof(*it));
		if (it == NULL)
			return fail(err, STORE_ERR_NOMEM, "out of memory");
	}
	st = prepare(s, "SELECT key & 4294967295, item_id, text FROM "
		     "job_items WHERE key BETWEEN (SELECT seq << 32 FROM jobs "
		     "WHERE id=?1) + ?2 AND (SELECT seq << 32 FROM jobs WHERE "
		     "id=?1) + 4294967295 ORDER BY key LIMIT ?3", &q, err);
	if (st != STORE_OK)
		goto out;
	sqlite3_bind_text(q, 1, id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 2, from);
	sqlite3_bind_int64(q, 3, (long long)max);
	while (count < max && (rc = sqlite3_step(q)) == SQLITE_ROW) {
		const unsigned char *item = sqlite3_column_text(q, 1);
		size_t id_len = (size_t)sqlite3_column_bytes(q, 1);
		const void *text = sqlite3_column_blob(q, 2);
		size_t len = (size_t)sqlite3_column_bytes(q, 2);
		/* One allocation an item: the id, then the text. */
		char *p = malloc(id_len + len + 2);

		if (p == NULL) {
			st = fail(err, STORE_ERR_NOMEM, "out of memory");
			goto out;
		}
		memcpy(p, item ? (const void *)item : "", id_len);
		p[id_len] = '\0';
		if (len > 0)
			memcpy(p + id_len + 1, text, len);
		p[id_len + 1 + len] = '\0';
		it[count].index = sqlite3_column_int64(q, 0);
		it[count].id = p;
		it[count].text = p + id_len + 1;
		it[count].text_len = len;
		count++;
	}
	if (count < max && rc != SQLITE_DONE)
		st = db_fail(s, rc, err);
out:
	sqlite3_finalize(q);
	if (st != STORE_OK) {
		store_job_items_free(it, count);
		return st;
	}
	*out = it;
	*n = count;
	return STORE_OK;
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

static void
put_le(unsigned char *b, double d)
{
	uint64_t u;

	memcpy(&u, &d, sizeof(u));
	for (int i = 0; i < 8; i++)
		b[i] = (unsigned char)(u >> (8 * i));
}

static double
get_le(const unsigned char *b)
{
	uint64_t u = 0;
	double d;

	for (int i = 0; i < 8; i++)
		u |= (uint64_t)b[i] << (8 * i);
	memcpy(&d, &u, sizeof(d));
	return d;
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
	st = exec(s, "BEGIN IMMEDIATE", err);
	if (st != STORE_OK)
		return st;
	st = owned(s, id, owner, &js, err);
	if (st == STORE_OK && from != js.done)
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

	st = exec(s, "BEGIN IMMEDIATE", err);
	if (st != STORE_OK)
		return st;
	st = owned(s, id, owner, &js, err);
	if (st == STORE_OK && js.done < js.total)
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

/* ---- reading predictions ---- */

void
store_prediction_clear(struct store_prediction *p)
{
	free(p->item_id);
	free(p->input_text);
	free(p->predicted_tag);
	free(p->probabilities);
	p->item_id = p->input_text = p->predicted_tag = p->probabilities =
		NULL;
}

void
store_predictions_free(struct store_prediction *p, size_t n)
{
	for (size_t i = 0; p != NULL && i < n; i++)
		store_prediction_clear(&p[i]);
	free(p);
}

/* The end of the JSON string that starts at p (a quote): past its
 * closing quote. */
static const char *
json_string_end(const char *p)
{
	for (p++; *p != '\0' && *p != '"'; p++)
		if (*p == '\\' && p[1] != '\0')
			p++;
	return *p == '"' ? p + 1 : p;
}

/* The class name the JSON string q[0..len) spells (malloc'd).  Class
 * names are printable, so the escapes are the short ones. */
static char *
json_unquote(const char *q, size_t len)
{
	char *t = malloc(len), *o = t;

	if (t == NULL)
		return NULL;
	for (size_t i = 1; i + 1 < len; i++) {
		char c = q[i];

		if (c == '\\' && i + 2 < len) {
			c = q[++i];
			switch (c) {
			case 'b': c = '\b'; break;
			case 'f': c = '\f'; break;
			case 'n': c = '\n'; break;
			case 'r': c = '\r'; break;
			case 't': c = '\t'; break;
			case 'u':
				if (i + 4 < len) {
					c = (char)strtol((char[]){ q[i + 3],
						q[i + 4], '\0' }, NULL, 16);
					i += 4;
				}
				break;
			default: break;
			}
		}
		*o++ = c;
	}
	*o = '\0';
	return t;
}

/* Fills p's tag and probabilities from a result: classes is the job's
 * ["a","b"] text, blob its doubles. */
static enum store_status
format_result(const char *classes, unsigned tag, const unsigned char *blob,
	      size_t blob_len, struct store_prediction *p,
	      struct store_error *err)
{
	size_t n = blob_len / 8, len;
	const char *c = classes ? classes : "";
	char num[UTIL_FLOAT_REPR_MAX], *o;

	len = strlen(c) + n * (UTIL_FLOAT_REPR_MAX + 2) + 3;
	p->probabilities = o = malloc(len);
	if (o == NULL)
		return fail(err, STORE_ERR_NOMEM, "out of memory");
	*o++ = '{';
	for (size_t k = 0; k < n; k++) {
		const char *q = strchr(c, '"'), *qe;
		size_t l;

		if (q == NULL)
			return fail(err, STORE_ERR_IO, "a job's classes do not "
				    "match its results");
		qe = json_string_end(q);
		if (k > 0)
			*o++ = ',';
		memcpy(o, q, (size_t)(qe - q));
		o += qe - q;
		*o++ = ':';
		util_float_repr(get_le(blob + 8 * k), num);
		l = strlen(num);
		memcpy(o, num, l);
		o += l;
		if (k == tag && (p->predicted_tag = json_unquote(q, (size_t)
						      (qe - q))) == NULL)
			return fail(err, STORE_ERR_NOMEM, "out of memory");
		c = qe;
	}
	*o++ = '}';
	*o = '\0';
	if (p->predicted_tag == NULL)
		return fail(err, STORE_ERR_IO, "a result's tag %u is not one of "
			    "its %zu classes", tag, n);
	return STORE_OK;
}

/* Reads one prediction from q: item_id, text, tag, probs, job id,
 * model, version, finished_at, classes, active version. */
static enum store_status
read_prediction(sqlite3_stmt *q, struct store_prediction *p,
		struct store_error *err)
{
	const void *text = sqlite3_column_blob(q, 1);
	size_t len = (size_t)sqlite3_column_bytes(q, 1);
	enum store_status st;

	memset(p, 0, sizeof(*p));
	p->item_id = dup_text(sqlite3_column_text(q, 0));
	p->input_text = malloc(len + 1);
	if (p->item_id == NULL || p->input_text == NULL) {
		store_prediction_clear(p);
		return fail(err, STORE_ERR_NOMEM, "out of memory");
	}
	if (len > 0)
		memcpy(p->input_text, text, len);
	p->input_text[len] = '\0';
	st = format_result((const char *)sqlite3_column_text(q, 8),
			   (unsigned)sqlite3_column_int(q, 2),
			   sqlite3_column_blob(q, 3),
			   (size_t)sqlite3_column_bytes(q, 3), p, err);
	if (st != STORE_OK) {
		store_prediction_clear(p);
		return st;
	}
	copy(p->job_id, sizeof(p->job_id), sqlite3_column_text(q, 4));
	copy(p->model, sizeof(p->model), sqlite3_column_text(q, 5));
	p->version = sqlite3_column_int64(q, 6);
	copy(p->computed_at, sizeof(p->computed_at),
	     sqlite3_column_text(q, 7));
	p->stale = sqlite3_column_int64(q, 9) != p->version;
	return STORE_OK;
}

#define PREDICTION_COLUMNS "i.item_id, i.text, r.tag, r.probs, j.id, " \
	"j.model, j.version, coalesce(j.finished_at, ''), j.classes, " \
	"coalesce((SELECT active_version FROM models WHERE name=j.model), 0)"

enum store_status
store_job_predictions(struct store *s, const char *id, long long offset,
		      long long limit, struct store_prediction **out,
		      size_t *n, struct store_error *err)
{
	struct job_state js;
	sqlite3_stmt *q = NULL;
	struct store_prediction *p = NULL;
	size_t count = 0;
	enum store_status st;
	int rc = SQLITE_DONE;

	if (offset < 0 || limit < 1 || limit > STORE_PAGE_MAX)
		return fail(err, STORE_ERR_INVALID, "offset must be 0 or more "
			    "and limit 1 to %d", STORE_PAGE_MAX);
	/* One read transaction: the status and the rows agree. */
	st = exec(s, "BEGIN", err);
	if (st != STORE_OK)
		return st;
	st = job_state(s, id, NULL, &js, err);
	if (st == STORE_OK && js.status != STORE_JOB_SUCCEEDED)
		st = fail(err, STORE_ERR_CONFLICT, "Job '%s' is %s; its "
			  "predictions are there once it has succeeded", id,
			  status_names[js.status]);
	if (st == STORE_OK)
		st = prepare(s, "SELECT " PREDICTION_COLUMNS " FROM job_items i "
			     "JOIN job_results r ON r.key=i.key JOIN jobs j ON "
			     "j.seq=?1 WHERE i.key BETWEEN (?1 << 32) + ?2 AND "
			     "(?1 << 32) + 4294967295 ORDER BY i.key LIMIT ?3",
			     &q, err);
	if (st == STORE_OK) {
		p = calloc((size_t)limit, sizeof(*p));
		if (p == NULL)
			st = fail(err, STORE_ERR_NOMEM, "out of memory");
	}
	if (st == STORE_OK) {
		sqlite3_bind_int64(q, 1, js.seq);
		sqlite3_bind_int64(q, 2, offset);
		sqlite3_bind_int64(q, 3, limit);
		while (st == STORE_OK && (rc = sqlite3_step(q)) == SQLITE_ROW) {
			st = read_prediction(q, &p[count], err);
			if (st == STORE_OK)
				count++;
		}
		if (st == STORE_OK && rc != SQLITE_DONE)
			st = db_fail(s, rc, err);
	}
	sqlite3_finalize(q);
	(void)end(s, STORE_ERR_IO, err);   /* a read: always ROLLBACK */
	if (st != STORE_OK) {
		store_predictions_free(p, count);
		return st;
	}
	*out = p;
	*n = count;
	return STORE_OK;
}

enum store_status
store_prediction_get(struct store *s, const char *item_id, size_t len,
		     struct store_prediction *out, struct store_error *err)
{
	enum store_status st;
	int rc = SQLITE_DONE;

	if (!store_item_id_ok(item_id, len))
		return fail(err, STORE_ERR_NOT_FOUND, "No prediction for this "
			    "id");
	/* The hot path: one statement, prepared once per connection, so
	 * one read transaction and no parsing. */
	if (s->q_prediction == NULL) {
		st = prepare(s, "SELECT " PREDICTION_COLUMNS " FROM item_latest l "
			     "JOIN job_items i ON i.key=l.key JOIN job_results r "
			     "ON r.key=l.key JOIN jobs j ON j.seq=l.key >> 32 "
			     "WHERE l.item_id=?1", &s->q_prediction, err);
		if (st != STORE_OK)
			return st;
	}
	sqlite3_bind_text(s->q_prediction, 1, item_id, (int)len,
			  SQLITE_STATIC);
	rc = sqlite3_step(s->q_prediction);
	if (rc == SQLITE_ROW)
		st = read_prediction(s->q_prediction, out, err);
	else if (rc == SQLITE_DONE)
		st = fail(err, STORE_ERR_NOT_FOUND, "No prediction for id "
			  "'%.*s'", (int)len, item_id);
	else
		st = db_fail(s, rc, err);
	sqlite3_reset(s->q_prediction);
	sqlite3_clear_bindings(s->q_prediction);
	return st;
}

void
store_jobs_close(struct store *s)
{
	sqlite3_finalize(s->q_prediction);
	sqlite3_finalize(s->q_result);
	sqlite3_finalize(s->q_results);
	s->q_prediction = s->q_result = s->q_results = NULL;
}
