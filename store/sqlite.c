/* SPDX-License-Identifier: MIT
 * store/sqlite.c - the registry (store/store.h) over SQLite.
 *
 * registry.db is in WAL mode (readers never block the one writer), with a
 * busy timeout so the rare management writes queue instead of failing;
 * a write that still finds the lock taken is STORE_ERR_BUSY, which the
 * service answers 503.  Every write is one BEGIN IMMEDIATE transaction:
 * version numbers come from models.latest_version inside it, so
 * concurrent uploads get distinct, consecutive numbers, and numbers of
 * deleted versions are never reused.  The schema is versioned with
 * PRAGMA user_version and the migrations[] below, applied in order.
 */
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>
#include <sqlite3.h>

#include "core/model.h"
#include "core/model_info.h"
#include "store/sqlite_internal.h"
#include "store/store.h"
#include "util/file.h"

/* The artifact's name: the SHA-256 of its bytes in hex (libsodium). */
static void
checksum_hex(const void *data, size_t len, char hex[STORE_CHECKSUM_HEX])
{
	unsigned char sum[crypto_hash_sha256_BYTES];

	crypto_hash_sha256(sum, data, len);
	sodium_bin2hex(hex, STORE_CHECKSUM_HEX, sum, sizeof(sum));
}

/* The seed artifact, and any push from a file, is read up to this. */
#define STORE_FILE_MAX ((size_t)1 << 30)
/* registry.db is read through a mapping of at most this many bytes. */
#define STORE_MMAP_TEXT "1073741824"

/* The text of the test prediction every new artifact must answer. */
#define PROBE_TEXT "Transfer learning with transformers for text classification"

/* Migration n (1-based) brings the schema from user_version n-1 to n.
 * Append only: a released migration never changes. */
static const char *const migrations[] = {
	"CREATE TABLE models ("
	" name TEXT PRIMARY KEY,"
	" description TEXT NOT NULL DEFAULT '',"
	" active_version INTEGER,"
	" latest_version INTEGER NOT NULL DEFAULT 0,"
	" created_at TEXT NOT NULL,"
	" updated_at TEXT NOT NULL);"
	"CREATE TABLE versions ("
	" model TEXT NOT NULL REFERENCES models(name) ON DELETE CASCADE,"
	" version INTEGER NOT NULL,"
	" checksum TEXT NOT NULL,"
	" size INTEGER NOT NULL,"
	" classes TEXT NOT NULL,"
	" n_features INTEGER NOT NULL,"
	" created_at TEXT NOT NULL,"
	" created_by TEXT NOT NULL,"
	" PRIMARY KEY (model, version),"
	" UNIQUE (model, checksum));"
	"CREATE TABLE activations ("
	" id INTEGER PRIMARY KEY AUTOINCREMENT,"
	" model TEXT NOT NULL REFERENCES models(name) ON DELETE CASCADE,"
	" version INTEGER NOT NULL,"
	" previous_version INTEGER,"
	" activated_at TEXT NOT NULL,"
	" activated_by TEXT NOT NULL);"
	"CREATE INDEX activations_model ON activations(model, id);"
	"CREATE TABLE state (key TEXT PRIMARY KEY, value INTEGER NOT NULL);"
	"INSERT INTO state VALUES ('generation', 1);",
	/* 2: users and API keys (only the keyed hash of a key's secret). */
	"CREATE TABLE users ("
	" name TEXT PRIMARY KEY,"
	" roles INTEGER NOT NULL,"
	" created_at TEXT NOT NULL);"
	"CREATE TABLE api_keys ("
	" id TEXT PRIMARY KEY,"
	" user TEXT NOT NULL REFERENCES users(name) ON DELETE CASCADE,"
	" hash BLOB NOT NULL,"
	" created_at TEXT NOT NULL,"
	" expires_at TEXT,"
	" last_used_at TEXT);"
	"CREATE INDEX api_keys_user ON api_keys(user);",
	/* 3: batch jobs (store/jobs.c).  An item's rows are keyed by
	 * (job seq << 32) + its 0-based index: a job's items and results are
	 * one range of a rowid table, appended in order.  A result is the
	 * tag's index and the probabilities as little-endian doubles,
	 * formatted on read.  item_latest points an item id at the newest
	 * succeeded job's row for it (GET /predictions/{id}). */
	"CREATE TABLE jobs ("
	" seq INTEGER PRIMARY KEY,"
	" id TEXT NOT NULL UNIQUE,"
	" status TEXT NOT NULL,"
	" model TEXT NOT NULL,"
	" version INTEGER NOT NULL,"
	" items_total INTEGER NOT NULL,"
	" items_done INTEGER NOT NULL DEFAULT 0,"
	" created_at TEXT NOT NULL,"
	" started_at TEXT,"
	" finished_at TEXT,"
	" submitted_by TEXT NOT NULL,"
	" owner TEXT,"
	" error TEXT,"
	" classes TEXT);"
	"CREATE INDEX jobs_status ON jobs(status, seq);"
	"CREATE TABLE job_items ("
	" key INTEGER PRIMARY KEY,"
	" item_id TEXT NOT NULL,"
	" text TEXT NOT NULL);"
	"CREATE TABLE job_results ("
	" key INTEGER PRIMARY KEY,"
	" tag INTEGER NOT NULL,"
	" probs BLOB NOT NULL);"
	"CREATE TABLE item_latest ("
	" item_id TEXT PRIMARY KEY,"
	" key INTEGER NOT NULL) WITHOUT ROWID;",
};
#define N_MIGRATIONS (sizeof(migrations) / sizeof(migrations[0]))

static const char *const texts[STORE__MAX] = {
	[STORE_OK] = "success",
	[STORE_ERR_NOMEM] = "out of memory",
	[STORE_ERR_NOT_FOUND] = "not found",
	[STORE_ERR_EXISTS] = "already exists",
	[STORE_ERR_CONFLICT] = "conflicts with the registry's state",
	[STORE_ERR_INVALID] = "invalid input",
	[STORE_ERR_BUSY] = "registry busy",
	[STORE_ERR_IO] = "registry storage failure",
	[STORE_ERR_DENIED] = "not authenticated",
};

const char *
store_strerror(enum store_status st)
{
	if ((unsigned)st >= STORE__MAX || texts[st] == NULL)
		return "unknown status";
	return texts[st];
}


bool
store_name_ok(const char *name)
{
	size_t n = strlen(name);

	if (n == 0 || n > STORE_NAME_MAX || name[0] == '-')
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((name[i] >= 'a' && name[i] <= 'z') ||
		      (name[i] >= '0' && name[i] <= '9') || name[i] == '-'))
			return false;
	return true;
}

/* fsync of a directory, so a rename in it is durable. */
static int
sync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int rc;

	if (fd < 0)
		return -1;
	rc = fsync(fd);
	close(fd);
	return rc;
}

/* Writes data to path through a temporary file in dir/tmp: write,
 * fsync, rename, fsync of the directory. */
static enum store_status
write_durable(struct store *s, const char *path, const void *data,
	      size_t len, int mode, struct store_error *err)
{
	char tmp[PATH_MAX_LEN], dir[PATH_MAX_LEN];
	const char *p = data;
	enum store_status st = STORE_OK;
	int fd;

	snprintf(tmp, sizeof(tmp), "%s/tmp/write.XXXXXX", s->dir);
	fd = mkstemp(tmp);
	if (fd < 0)
		return fail(err, STORE_ERR_IO, "%s: cannot create: %s", tmp,
			    strerror(errno));
	for (size_t done = 0; done < len;) {
		ssize_t w = write(fd, p + done, len - done);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			st = fail(err, STORE_ERR_IO, "%s: write: %s", tmp,
				  strerror(w < 0 ? errno : EIO));
			goto out;
		}
		done += (size_t)w;
	}
	if (fchmod(fd, (mode_t)mode) != 0 || fsync(fd) != 0) {
		st = fail(err, STORE_ERR_IO, "%s: %s", tmp, strerror(errno));
		goto out;
	}
	if (close(fd) != 0) {
		fd = -1;
		st = fail(err, STORE_ERR_IO, "%s: close: %s", tmp,
			  strerror(errno));
		goto out;
	}
	fd = -1;
	if (rename(tmp, path) != 0) {
		st = fail(err, STORE_ERR_IO, "%s: rename: %s", path,
			  strerror(errno));
		goto out;
	}
	snprintf(dir, sizeof(dir), "%s", path);
	*strrchr(dir, '/') = '\0';
	if (sync_dir(dir) != 0)
		st = fail(err, STORE_ERR_IO, "%s: fsync: %s", dir,
			  strerror(errno));
out:
	if (fd >= 0)
		close(fd);
	if (st != STORE_OK)
		unlink(tmp);
	return st;
}

/* Replaces the generation file with the database's generation, after a
 * commit that changed what is served.  A failure is reported but the
 * commit stands: processes without the shared page then notice later. */
static enum store_status
publish_generation(struct store *s, struct store_error *err)
{
	sqlite3_stmt *q = NULL;
	long long gen = 0;
	char text[32];
	int n;
	enum store_status st;

	st = prepare(s, "SELECT value FROM state WHERE key='generation'", &q,
		     err);
	if (st != STORE_OK)
		return st;
	if (sqlite3_step(q) == SQLITE_ROW)
		gen = sqlite3_column_int64(q, 0);
	sqlite3_finalize(q);
	n = snprintf(text, sizeof(text), "%lld\n", gen);
	return write_durable(s, s->gen_path, text, (size_t)n, 0644, err);
}

static enum store_status
bump_generation(struct store *s, struct store_error *err)
{
	return exec(s, "UPDATE state SET value = value + 1 "
		    "WHERE key='generation'", err);
}

static enum store_status
user_version(struct store *s, long long *v, struct store_error *err)
{
	sqlite3_stmt *q = NULL;
	enum store_status st = prepare(s, "PRAGMA user_version", &q, err);

	if (st != STORE_OK)
		return st;
	*v = sqlite3_step(q) == SQLITE_ROW ? sqlite3_column_int64(q, 0) : 0;
	sqlite3_finalize(q);
	return STORE_OK;
}

/* Brings the schema up to date.  An up-to-date database is only read,
 * so opening never waits for a writer. */
static enum store_status
migrate(struct store *s, struct store_error *err)
{
	long long have = 0;
	char sql[64];
	enum store_status st;

	st = user_version(s, &have, err);
	if (st != STORE_OK || have == (long long)N_MIGRATIONS)
		return st;
	st = exec(s, "BEGIN IMMEDIATE", err);
	if (st != STORE_OK)
		return st;
	/* Again under the lock: another process may have migrated. */
	st = user_version(s, &have, err);
	if (st != STORE_OK)
		return end(s, st, err);
	if (have > (long long)N_MIGRATIONS)
		return end(s, fail(err, STORE_ERR_IO, "%s/" STORE_DB_NAME
				   ": schema version %lld is newer than this "
				   "program's %zu", s->dir, have,
				   N_MIGRATIONS), err);
	for (size_t i = (size_t)have; i < N_MIGRATIONS && st == STORE_OK;
	     i++) {
		st = exec(s, migrations[i], err);
		snprintf(sql, sizeof(sql), "PRAGMA user_version = %zu", i + 1);
		if (st == STORE_OK)
			st = exec(s, sql, err);
	}
	return end(s, st, err);
}

/* Reads the server secret, exactly its size, from a file only its owner
 * may read. */
static enum store_status
read_secret(struct store *s, const char *path, struct store_error *err)
{
	struct stat sb;
	ssize_t got;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);

	if (fd < 0)
		return fail(err, STORE_ERR_IO, "%s: %s", path, strerror(errno));
	if (fstat(fd, &sb) != 0 || (sb.st_mode & 077) != 0 ||
	    sb.st_size != (off_t)sizeof(s->secret)) {
		close(fd);
		return fail(err, STORE_ERR_IO, "%s: must be a file of %zu bytes "
			    "readable by its owner only (mode 0600)", path,
			    sizeof(s->secret));
	}
	got = read(fd, s->secret, sizeof(s->secret));
	close(fd);
	if (got != (ssize_t)sizeof(s->secret))
		return fail(err, STORE_ERR_IO, "%s: short read", path);
	s->have_secret = true;
	return STORE_OK;
}

/* Loads the server secret once per connection, creating it on first use: written whole under
 * a private name, then linked into place, so concurrent first opens
 * agree on one secret. */
static enum store_status
load_secret(struct store *s, struct store_error *err)
{
	char path[PATH_MAX_LEN], tmp[PATH_MAX_LEN];
	unsigned char fresh[sizeof(s->secret)];
	enum store_status st = STORE_OK;
	int fd;

	if (s->have_secret)
		return STORE_OK;
	snprintf(path, sizeof(path), "%s/" STORE_SECRET_NAME, s->dir);
	if (access(path, F_OK) == 0)
		return read_secret(s, path, err);
	snprintf(tmp, sizeof(tmp), "%s/tmp/" STORE_SECRET_NAME "-%ld", s->dir,
		 (long)getpid());
	(void)unlink(tmp);
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return fail(err, STORE_ERR_IO, "%s: %s", tmp, strerror(errno));
	randombytes_buf(fresh, sizeof(fresh));
	if (write(fd, fresh, sizeof(fresh)) != (ssize_t)sizeof(fresh) ||
	    fsync(fd) != 0)
		st = fail(err, STORE_ERR_IO, "%s: %s", tmp, strerror(errno));
	sodium_memzero(fresh, sizeof(fresh));
	if (close(fd) != 0 && st == STORE_OK)
		st = fail(err, STORE_ERR_IO, "%s: %s", tmp, strerror(errno));
	if (st == STORE_OK && link(tmp, path) != 0 && errno != EEXIST)
		st = fail(err, STORE_ERR_IO, "%s: %s", path, strerror(errno));
	(void)unlink(tmp);
	if (st == STORE_OK)
		st = sync_dir(s->dir) == 0 ? STORE_OK :
			fail(err, STORE_ERR_IO, "%s: %s", s->dir,
			     strerror(errno));
	return st == STORE_OK ? read_secret(s, path, err) : st;
}

static enum store_status
make_dir(const char *path, struct store_error *err)
{
	if (mkdir(path, 0755) != 0 && errno != EEXIST)
		return fail(err, STORE_ERR_IO, "%s: cannot create: %s", path,
			    strerror(errno));
	return STORE_OK;
}

enum store_status
store_open(const char *dir, struct store **out, struct store_error *err)
{
	struct store *s = calloc(1, sizeof(*s));
	char path[PATH_MAX_LEN];
	enum store_status st;
	int rc;

	if (s == NULL)
		return fail(err, STORE_ERR_NOMEM, "out of memory");
	if (strlen(dir) >= DIR_MAX) {
		st = fail(err, STORE_ERR_IO, "registry path too long");
		goto fail;
	}
	snprintf(s->dir, sizeof(s->dir), "%s", dir);
	snprintf(s->gen_path, sizeof(s->gen_path), "%s/"
		 STORE_GENERATION_NAME, dir);
	st = make_dir(s->dir, err);
	snprintf(path, sizeof(path), "%s/artifacts", dir);
	if (st == STORE_OK)
		st = make_dir(path, err);
	snprintf(path, sizeof(path), "%s/tmp", dir);
	if (st == STORE_OK)
		st = make_dir(path, err);
	if (st != STORE_OK)
		goto fail;
	/* Without SQLite's memory statistics (which nothing here reads)
	 * its every malloc and free skips a mutex: a few percent of a
	 * GET /predictions/{id}.  A process-wide setting, possible only
	 * before SQLite initializes, so this first open alone makes it
	 * (later ones get SQLITE_MISUSE, ignored).  Debian's SQLite is
	 * built without lookaside, so malloc is all there is. */
	(void)sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
	snprintf(path, sizeof(path), "%s/" STORE_DB_NAME, dir);
	rc = sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE |
			     SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		st = db_fail(s, rc, err);
		goto fail;
	}
	sqlite3_busy_timeout(s->db, STORE_BUSY_TIMEOUT_MS);
	/* WAL: readers and the writer do not block each other; synchronous
	 * FULL: a commit is on disk when COMMIT returns.  mmap_size: the
	 * database's pages are read from a shared mapping, not by a pread()
	 * each (GET /predictions/{id} read a page or two per request). */
	st = exec(s, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; "
		  "PRAGMA foreign_keys=ON; PRAGMA mmap_size=" STORE_MMAP_TEXT,
		  err);
	if (st == STORE_OK)
		st = migrate(s, err);
	if (st == STORE_OK && access(s->gen_path, F_OK) != 0)
		st = publish_generation(s, err);
	if (st != STORE_OK)
		goto fail;
	*out = s;
	return STORE_OK;
fail:
	store_close(s);
	return st;
}

void
store_close(struct store *s)
{
	if (s == NULL)
		return;
	sodium_memzero(s->secret, sizeof(s->secret));
	store_jobs_close(s);
	sqlite3_close(s->db);
	free(s);
}

void
store_artifact_path(const struct store *s, const char *checksum, char *buf,
		    size_t len)
{
	snprintf(buf, len, "%s/artifacts/%s.tagifai", s->dir, checksum);
}

void
store_tmp_path(const struct store *s, const char *what, char *buf,
	       size_t len)
{
	snprintf(buf, len, "%s/tmp/%s-%ld.tagifai", s->dir, what,
		 (long)getpid());
}

const char *
store_generation_path(const struct store *s)
{
	return s->gen_path;
}

/* ---- models ---- */

#define MODEL_COLUMNS "name, description, coalesce(active_version, 0), " \
	"latest_version, created_at, updated_at"

/* A row of MODEL_COLUMNS into m (a struct store_model: rows_read's
 * signature); it fails only for memory, and writes nothing in err. */
static enum store_status
read_model(sqlite3_stmt *q, void *row, struct store_error *err)
{
	struct store_model *m = row;

	(void)err;
	memset(m, 0, sizeof(*m));
	copy(m->name, sizeof(m->name), sqlite3_column_text(q, 0));
	m->description = dup_text(sqlite3_column_text(q, 1));
	m->active_version = sqlite3_column_int64(q, 2);
	m->latest_version = sqlite3_column_int64(q, 3);
	copy(m->created_at, sizeof(m->created_at), sqlite3_column_text(q, 4));
	copy(m->updated_at, sizeof(m->updated_at), sqlite3_column_text(q, 5));
	return m->description ? STORE_OK : STORE_ERR_NOMEM;
}

void
store_model_clear(struct store_model *m)
{
	free(m->description);
	m->description = NULL;
}

void
store_models_free(struct store_model *m, size_t n)
{
	for (size_t i = 0; m != NULL && i < n; i++)
		store_model_clear(&m[i]);
	free(m);
}

static void
model_row_clear(void *row)
{
	store_model_clear(row);
}

static const struct row_type model_rows = {
	sizeof(struct store_model), read_model, model_row_clear
};

enum store_status
store_model_list(struct store *s, const char *filter,
		 struct store_model **out, size_t *n, struct store_error *err)
{
	sqlite3_stmt *q = NULL;
	void *rows = NULL;
	enum store_status st;

	st = prepare(s, "SELECT " MODEL_COLUMNS " FROM models WHERE "
		     "?1 IS NULL OR instr(name, ?1) > 0 ORDER BY name", &q,
		     err);
	if (st != STORE_OK)
		return st;
	if (filter != NULL)
		sqlite3_bind_text(q, 1, filter, -1, SQLITE_STATIC);
	st = rows_read(s, q, &model_rows, STORE_LIST_MAX, &rows, n, err);
	if (st == STORE_OK)
		*out = rows;
	return st;
}

enum store_status
store_model_get(struct store *s, const char *name, struct store_model *out,
		struct store_error *err)
{
	sqlite3_stmt *q = NULL;
	enum store_status st;
	int rc;

	st = prepare(s, "SELECT " MODEL_COLUMNS " FROM models WHERE name=?1",
		     &q, err);
	if (st != STORE_OK)
		return st;
	sqlite3_bind_text(q, 1, name, -1, SQLITE_STATIC);
	rc = sqlite3_step(q);
	if (rc == SQLITE_ROW)
		st = read_model(q, out, err);
	else if (rc == SQLITE_DONE)
		st = fail(err, STORE_ERR_NOT_FOUND, "Model '%s' not found",
			  name);
	else
		st = db_fail(s, rc, err);
	sqlite3_finalize(q);
	if (st != STORE_OK && rc == SQLITE_ROW)
		store_model_clear(out);
	return st;
}

enum store_status
store_model_create(struct store *s, const char *name,
		   const char *description, struct store_model *out,
		   struct store_error *err)
{
	sqlite3_stmt *q = NULL;
	enum store_status st;
	int rc;

	if (!store_name_ok(name))
		return fail(err, STORE_ERR_INVALID, "name must match "
			    "^[a-z0-9][a-z0-9-]{0,62}$");
	if (description == NULL)
		description = "";
	if (strlen(description) > STORE_DESCRIPTION_MAX)
		return fail(err, STORE_ERR_INVALID, "description longer than "
			    "%d bytes", STORE_DESCRIPTION_MAX);
	st = prepare(s, "INSERT INTO models (name, description, created_at, "
		     "updated_at) VALUES (?1, ?2, " NOW ", " NOW ")", &q, err);
	if (st != STORE_OK)
		return st;
	sqlite3_bind_text(q, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 2, description, -1, SQLITE_STATIC);
	rc = sqlite3_step(q);
	sqlite3_finalize(q);
	if ((rc & 0xff) == SQLITE_CONSTRAINT)
		return fail(err, STORE_ERR_EXISTS, "Model '%s' already exists",
			    name);
	if (rc != SQLITE_DONE)
		return db_fail(s, rc, err);
	return out ? store_model_get(s, name, out, err) : STORE_OK;
}

enum store_status
store_model_delete(struct store *s, const char *name,
		   const char *default_name, struct store_error *err)
{
	enum store_status st;
	int changes = 0;

	if (default_name != NULL && strcmp(name, default_name) == 0) {
		/* Still a 404 for a default model that does not exist. */
		struct store_model m;

		st = store_model_get(s, name, &m, err);
		if (st != STORE_OK)
			return st;
		store_model_clear(&m);
		return fail(err, STORE_ERR_CONFLICT, "Model '%s' is the default "
			    "model and cannot be deleted", name);
	}
	st = exec(s, "BEGIN IMMEDIATE", err);
	if (st != STORE_OK)
		return st;
	st = run(s, "DELETE FROM models WHERE name=?1", name, 0, &changes,
		 err);
	if (st == STORE_OK && changes == 0)
		st = fail(err, STORE_ERR_NOT_FOUND, "Model '%s' not found",
			  name);
	if (st == STORE_OK) {
		char why[STORE_ERROR_MAX];

		snprintf(why, sizeof(why), "model %s was deleted", name);
		st = store_jobs_fail_version(s, name, 0, why, err);
	}
	if (st == STORE_OK)
		st = bump_generation(s, err);
	st = end(s, st, err);
	if (st == STORE_OK)
		(void)publish_generation(s, err);
	return st;
}

/* ---- versions ---- */

#define VERSION_COLUMNS "version, checksum, size, created_at, created_by, " \
	"classes, n_features"

/* Like read_model, for VERSION_COLUMNS and a struct store_version. */
static enum store_status
read_version(sqlite3_stmt *q, void *row, struct store_error *err)
{
	struct store_version *v = row;

	(void)err;
	memset(v, 0, sizeof(*v));
	v->version = sqlite3_column_int64(q, 0);
	copy(v->checksum, sizeof(v->checksum), sqlite3_column_text(q, 1));
	v->size = sqlite3_column_int64(q, 2);
	copy(v->created_at, sizeof(v->created_at), sqlite3_column_text(q, 3));
	copy(v->created_by, sizeof(v->created_by), sqlite3_column_text(q, 4));
	v->classes_json = dup_text(sqlite3_column_text(q, 5));
	v->n_features = sqlite3_column_int64(q, 6);
	return v->classes_json ? STORE_OK : STORE_ERR_NOMEM;
}

void
store_version_clear(struct store_version *v)
{
	free(v->classes_json);
	v->classes_json = NULL;
}

void
store_versions_free(struct store_version *v, size_t n)
{
	for (size_t i = 0; v != NULL && i < n; i++)
		store_version_clear(&v[i]);
	free(v);
}

static void
version_row_clear(void *row)
{
	store_version_clear(row);
}

static const struct row_type version_rows = {
	sizeof(struct store_version), read_version, version_row_clear
};

static enum store_status
model_exists(struct store *s, const char *name, struct store_error *err)
{
	long long v;
	bool found = false;
	enum store_status st = scalar(s, "SELECT 1 FROM models WHERE name=?1",
				      name, 0, &v, &found, err);

	if (st == STORE_OK && !found)
		st = fail(err, STORE_ERR_NOT_FOUND, "Model '%s' not found",
			  name);
	return st;
}

enum store_status
store_version_list(struct store *s, const char *name,
		   struct store_version **out, size_t *n,
		   struct store_error *err)
{
	sqlite3_stmt *q = NULL;
	void *rows = NULL;
	enum store_status st;

	st = prepare(s, "SELECT " VERSION_COLUMNS " FROM versions WHERE "
		     "model=?1 ORDER BY version DESC", &q, err);
	if (st != STORE_OK)
		return st;
	sqlite3_bind_text(q, 1, name, -1, SQLITE_STATIC);
	st = rows_read(s, q, &version_rows, STORE_LIST_MAX, &rows, n, err);
	if (st == STORE_OK)
		*out = rows;
	return st;
}

static enum store_status
version_where(struct store *s, const char *where, const char *name,
	      long long version, const char *checksum,
	      struct store_version *out, struct store_error *err)
{
	char sql[256];
	sqlite3_stmt *q = NULL;
	enum store_status st;
	int rc;

	snprintf(sql, sizeof(sql), "SELECT " VERSION_COLUMNS " FROM versions "
		 "WHERE model=?1 AND %s", where);
	st = prepare(s, sql, &q, err);
	if (st != STORE_OK)
		return st;
	sqlite3_bind_text(q, 1, name, -1, SQLITE_STATIC);
	if (checksum != NULL)
		sqlite3_bind_text(q, 2, checksum, -1, SQLITE_STATIC);
	else
		sqlite3_bind_int64(q, 2, version);
	rc = sqlite3_step(q);
	if (rc == SQLITE_ROW)
		st = read_version(q, out, err);
	else if (rc == SQLITE_DONE)
		st = fail(err, STORE_ERR_NOT_FOUND, "Version %lld of model "
			  "'%s' not found", version, name);
	else
		st = db_fail(s, rc, err);
	sqlite3_finalize(q);
	return st;
}

enum store_status
store_version_get(struct store *s, const char *name, long long version,
		  struct store_version *out, struct store_error *err)
{
	enum store_status st = model_exists(s, name, err);

	if (st != STORE_OK)
		return st;
	return version_where(s, "version=?2", name, version, NULL, out, err);
}

/* Opens the artifact at path and runs a test prediction: what every
 * version must pass before it is visible.  classes_json (malloc'd) and
 * *n_features describe it. */
static enum store_status
validate(const char *path, char **classes_json, long long *n_features,
	 struct store_error *err)
{
	struct core_error ce = { { 0 } };
	struct model *m = NULL;
	struct model_scratch *scratch = NULL;
	struct prediction p;
	enum core_status cs;
	enum store_status st = STORE_OK;
	size_t len = 3, n;
	char *json = NULL;

	cs = model_open(path, &m, &ce);
	if (cs != CORE_OK) {
		/* core's message names our temporary file: keep its why. */
		const char *why = strstr(ce.msg, ": ");

		return fail(err, cs == CORE_ERR_NOMEM ? STORE_ERR_NOMEM
			    : STORE_ERR_INVALID, "invalid artifact: %s",
			    why ? why + 2 : core_strerror(cs));
	}
	scratch = model_scratch_new(m);
	if (scratch == NULL) {
		st = fail(err, STORE_ERR_NOMEM, "out of memory");
		goto out;
	}
	cs = model_predict(m, scratch, PROBE_TEXT, strlen(PROBE_TEXT), &p);
	if (cs != CORE_OK || p.tag >= model_class_count(m)) {
		st = fail(err, STORE_ERR_INVALID, "invalid artifact: the test "
			  "prediction failed (%s)", core_strerror(cs));
		goto out;
	}
	n = model_class_count(m);
	for (size_t k = 0; k < n; k++)
		len += 2 * strlen(model_class_name(m, k)) + 4;
	json = malloc(len);
	if (json == NULL) {
		st = fail(err, STORE_ERR_NOMEM, "out of memory");
		goto out;
	}
	/* Class names are checked printable by the artifact reader; escape
	 * the two characters JSON requires. */
	{
		char *o = json;

		*o++ = '[';
		for (size_t k = 0; k < n; k++) {
			const char *c = model_class_name(m, k);

			if (k > 0)
				*o++ = ',';
			*o++ = '"';
			for (; *c; c++) {
				if (*c == '"' || *c == '\\')
					*o++ = '\\';
				*o++ = *c;
			}
			*o++ = '"';
		}
		*o++ = ']';
		*o = '\0';
	}
	*classes_json = json;
	*n_features = (long long)model_feature_count(m);
out:
	model_scratch_free(scratch);
	model_close(m);
	return st;
}

/* Makes data[0..len) a durable, validated artifact named by its checksum
 * sum: written under a private name, validated, then renamed, so a crash
 * leaves at most an unreferenced file and no row names it yet.  *classes
 * (malloc'd) and *n_features describe it. */
static enum store_status
stage(struct store *s, const void *data, size_t len, const char *sum,
      char **classes, long long *n_features, struct store_error *err)
{
	char path[PATH_MAX_LEN], tmp[PATH_MAX_LEN];
	enum store_status st;

	snprintf(tmp, sizeof(tmp), "%s/tmp/upload-%s-%ld", s->dir, sum,
		 (long)getpid());
	st = write_durable(s, tmp, data, len, 0644, err);
	if (st != STORE_OK)
		return st;
	st = validate(tmp, classes, n_features, err);
	store_artifact_path(s, sum, path, sizeof(path));
	if (st == STORE_OK && rename(tmp, path) != 0)
		st = fail(err, STORE_ERR_IO, "%s: rename: %s", path,
			  strerror(errno));
	unlink(tmp);
	if (st == STORE_OK) {
		snprintf(tmp, sizeof(tmp), "%s/artifacts", s->dir);
		if (sync_dir(tmp) != 0)
			st = fail(err, STORE_ERR_IO, "%s: fsync: %s", tmp,
				  strerror(errno));
	}
	if (st != STORE_OK) {
		free(*classes);
		*classes = NULL;
	}
	return st;
}

/* Inside a write transaction: the row of version `version` of name, and
 * the model's latest_version. */
static enum store_status
insert_version(struct store *s, const char *name, long long version,
	       const char *sum, size_t len, const char *classes,
	       long long n_features, const char *by, struct store_error *err)
{
	char path[PATH_MAX_LEN];
	sqlite3_stmt *q = NULL;
	struct stat sb;
	enum store_status st;
	int rc;

	/* The file may have been collected since it was renamed. */
	store_artifact_path(s, sum, path, sizeof(path));
	if (stat(path, &sb) != 0)
		return fail(err, STORE_ERR_BUSY, "%s vanished; try again",
			    path);
	st = prepare(s, "INSERT INTO versions (model, version, checksum, "
		     "size, classes, n_features, created_at, created_by) "
		     "VALUES (?1, ?2, ?3, ?4, ?5, ?6, " NOW ", ?7)", &q, err);
	if (st != STORE_OK)
		return st;
	sqlite3_bind_text(q, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 2, version);
	sqlite3_bind_text(q, 3, sum, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 4, (long long)len);
	sqlite3_bind_text(q, 5, classes, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 6, n_features);
	sqlite3_bind_text(q, 7, by ? by : "", -1, SQLITE_STATIC);
	rc = sqlite3_step(q);
	sqlite3_finalize(q);
	if (rc != SQLITE_DONE)
		return db_fail(s, rc, err);
	return run(s, "UPDATE models SET latest_version=?2, updated_at=" NOW
		   " WHERE name=?1", name, version, NULL, err);
}

enum store_status
store_version_add(struct store *s, const char *name, const void *data,
		  size_t len, const char *created_by,
		  struct store_version *out, bool *created,
		  struct store_error *err)
{
	char sum[STORE_CHECKSUM_HEX];
	char *classes = NULL;
	long long n_features = 0, next = 0;
	bool found = false;
	enum store_status st;

	checksum_hex(data, len, sum);
	st = model_exists(s, name, err);
	if (st != STORE_OK)
		return st;
	st = version_where(s, "checksum=?2", name, 0, sum, out, err);
	if (st != STORE_ERR_NOT_FOUND) {
		*created = false;
		return st;
	}
	st = stage(s, data, len, sum, &classes, &n_features, err);
	if (st != STORE_OK)
		return st;
	st = exec(s, "BEGIN IMMEDIATE", err);
	if (st != STORE_OK)
		goto out;
	/* Checked again under the write lock: a concurrent upload of the
	 * same bytes, or the model deleted meanwhile. */
	st = scalar(s, "SELECT latest_version + 1 FROM models WHERE name=?1",
		    name, 0, &next, &found, err);
	if (st == STORE_OK && !found)
		st = fail(err, STORE_ERR_NOT_FOUND, "Model '%s' not found",
			  name);
	if (st == STORE_OK) {
		st = version_where(s, "checksum=?2", name, 0, sum, out, err);
		if (st == STORE_OK) {
			*created = false;
			st = end(s, STORE_OK, err);
			goto out;
		}
		if (st == STORE_ERR_NOT_FOUND)
			st = STORE_OK;
	}
	if (st == STORE_OK)
		st = insert_version(s, name, next, sum, len, classes,
				    n_features, created_by, err);
	st = end(s, st, err);
	if (st == STORE_OK) {
		*created = true;
		st = version_where(s, "version=?2", name, next, NULL, out, err);
	}
out:
	free(classes);
	return st;
}

enum store_status
store_version_delete(struct store *s, const char *name, long long version,
		     struct store_error *err)
{
	long long active = 0;
	bool found = false;
	int changes = 0;
	enum store_status st;

	st = exec(s, "BEGIN IMMEDIATE", err);
	if (st != STORE_OK)
		return st;
	st = scalar(s, "SELECT coalesce(active_version, 0) FROM models "
		    "WHERE name=?1", name, 0, &active, &found, err);
	if (st == STORE_OK && !found)
		st = fail(err, STORE_ERR_NOT_FOUND, "Model '%s' not found",
			  name);
	if (st == STORE_OK && active == version)
		st = fail(err, STORE_ERR_CONFLICT, "Version %lld is the active "
			  "version of model '%s'; activate another first",
			  version, name);
	if (st == STORE_OK)
		st = run(s, "DELETE FROM versions WHERE model=?1 AND "
			 "version=?2", name, version, &changes, err);
	if (st == STORE_OK && changes == 0)
		st = fail(err, STORE_ERR_NOT_FOUND, "Version %lld of model '%s' "
			  "not found", version, name);
	if (st == STORE_OK) {
		char why[STORE_ERROR_MAX];

		snprintf(why, sizeof(why), "model %s version %lld was deleted",
			 name, version);
		st = store_jobs_fail_version(s, name, version, why, err);
	}
	if (st == STORE_OK)
		st = bump_generation(s, err);
	st = end(s, st, err);
	if (st == STORE_OK)
		(void)publish_generation(s, err);
	return st;
}

/* ---- activation ---- */

enum store_status
store_activate(struct store *s, const char *name, long long version,
	       const char *by, long long *previous, struct store_error *err)
{
	struct store_version v;
	char path[PATH_MAX_LEN], *classes = NULL;
	long long active = 0, nf;
	bool found = false;
	enum store_status st;

	st = store_version_get(s, name, version, &v, err);
	if (st != STORE_OK)
		return st;
	store_artifact_path(s, v.checksum, path, sizeof(path));
	store_version_clear(&v);
	st = validate(path, &classes, &nf, err);
	free(classes);
	if (st == STORE_ERR_INVALID) {
		char why[STORE_ERROR_MAX];

		snprintf(why, sizeof(why), "%s", err->msg);
		return fail(err, STORE_ERR_CONFLICT, "Version %lld of model "
			    "'%s' does not open (%.300s); the active version "
			    "is unchanged", version, name, why);
	}
	if (st != STORE_OK)
		return st;
	st = exec(s, "BEGIN IMMEDIATE", err);
	if (st != STORE_OK)
		return st;
	st = scalar(s, "SELECT coalesce(active_version, 0) FROM models "
		    "WHERE name=?1", name, 0, &active, &found, err);
	if (st == STORE_OK && !found)
		st = fail(err, STORE_ERR_NOT_FOUND, "Model '%s' not found",
			  name);
	if (st == STORE_OK) {
		long long one;

		st = scalar(s, "SELECT 1 FROM versions WHERE model=?1 AND "
			    "version=?2", name, version, &one, &found, err);
		if (st == STORE_OK && !found)
			st = fail(err, STORE_ERR_NOT_FOUND, "Version %lld of "
				  "model '%s' not found", version, name);
	}
	if (st != STORE_OK || active == version) {
		/* Idempotent: activating the active version changes
		 * nothing and records nothing. */
		st = end(s, st, err);
		if (st == STORE_OK)
			*previous = active;
		return st;
	}
	st = run(s, "UPDATE models SET active_version=?2, updated_at=" NOW
		 " WHERE name=?1", name, version, NULL, err);
	if (st == STORE_OK) {
		sqlite3_stmt *q = NULL;
		int rc;

		st = prepare(s, "INSERT INTO activations (model, version, "
			     "previous_version, activated_at, activated_by) "
			     "VALUES (?1, ?2, ?3, " NOW ", ?4)", &q, err);
		if (st == STORE_OK) {
			sqlite3_bind_text(q, 1, name, -1, SQLITE_STATIC);
			sqlite3_bind_int64(q, 2, version);
			if (active > 0)
				sqlite3_bind_int64(q, 3, active);
			sqlite3_bind_text(q, 4, by ? by : "", -1,
					  SQLITE_STATIC);
			rc = sqlite3_step(q);
			sqlite3_finalize(q);
			if (rc != SQLITE_DONE)
				st = db_fail(s, rc, err);
		}
	}
	if (st == STORE_OK)
		st = bump_generation(s, err);
	st = end(s, st, err);
	if (st != STORE_OK)
		return st;
	*previous = active;
	(void)publish_generation(s, err);
	return STORE_OK;
}

static enum store_status
activation_row(sqlite3_stmt *q, void *row, struct store_error *err)
{
	struct store_activation *a = row;

	(void)err;
	a->version = sqlite3_column_int64(q, 0);
	a->previous_version = sqlite3_column_int64(q, 1);
	copy(a->activated_at, sizeof(a->activated_at),
	     sqlite3_column_text(q, 2));
	copy(a->activated_by, sizeof(a->activated_by),
	     sqlite3_column_text(q, 3));
	return STORE_OK;
}

static const struct row_type activation_rows = {
	sizeof(struct store_activation), activation_row, NULL
};

enum store_status
store_activations(struct store *s, const char *name,
		  struct store_activation **out, size_t *n,
		  struct store_error *err)
{
	sqlite3_stmt *q = NULL;
	void *rows = NULL;
	enum store_status st;

	st = model_exists(s, name, err);
	if (st != STORE_OK)
		return st;
	st = prepare(s, "SELECT version, coalesce(previous_version, 0), "
		     "activated_at, activated_by FROM activations WHERE "
		     "model=?1 ORDER BY id DESC", &q, err);
	if (st != STORE_OK)
		return st;
	sqlite3_bind_text(q, 1, name, -1, SQLITE_STATIC);
	st = rows_read(s, q, &activation_rows, STORE_LIST_MAX, &rows, n, err);
	if (st == STORE_OK)
		*out = rows;
	return st;
}

static enum store_status
active_row(sqlite3_stmt *q, void *row, struct store_error *err)
{
	struct store_active *a = row;

	(void)err;
	copy(a->name, sizeof(a->name), sqlite3_column_text(q, 0));
	a->version = sqlite3_column_int64(q, 1);
	copy(a->checksum, sizeof(a->checksum), sqlite3_column_text(q, 2));
	return STORE_OK;
}

static const struct row_type active_rows = {
	sizeof(struct store_active), active_row, NULL
};

enum store_status
store_active_list(struct store *s, struct store_active **out, size_t *n,
		  struct store_error *err)
{
	sqlite3_stmt *q = NULL;
	void *rows = NULL;
	enum store_status st;

	st = prepare(s, "SELECT m.name, m.active_version, v.checksum FROM "
		     "models m JOIN versions v ON v.model = m.name AND "
		     "v.version = m.active_version ORDER BY m.name", &q, err);
	if (st != STORE_OK)
		return st;
	st = rows_read(s, q, &active_rows, STORE_LIST_MAX, &rows, n, err);
	if (st == STORE_OK)
		*out = rows;
	return st;
}

/* ---- seeding and collection ---- */

enum store_status
store_seed(struct store *s, const char *name, const char *path,
	   bool *seeded, struct store_error *err)
{
	char sum[STORE_CHECKSUM_HEX], *data = NULL, *classes = NULL;
	long long n_models = 0, n_features = 0;
	size_t len = 0;
	bool found = false;
	enum store_status st;
	sqlite3_stmt *q = NULL;
	int rc;

	*seeded = false;
	st = scalar(s, "SELECT count(*) FROM models WHERE ?1 IS NOT NULL", "",
		    0, &n_models, &found, err);
	if (st != STORE_OK || n_models > 0)
		return st;
	if (util_file_read(path, STORE_FILE_MAX, &data, &len) != UTIL_OK)
		return fail(err, STORE_ERR_IO, "%s: cannot read: %s", path,
			    strerror(errno));
	checksum_hex(data, len, sum);
	st = stage(s, data, len, sum, &classes, &n_features, err);
	free(data);
	if (st != STORE_OK)
		return st;
	/* One transaction, decided under the write lock: of several
	 * processes starting on an empty registry at once, one seeds it
	 * and the others find it seeded, never half done. */
	st = exec(s, "BEGIN IMMEDIATE", err);
	if (st != STORE_OK)
		goto out;
	st = scalar(s, "SELECT count(*) FROM models WHERE ?1 IS NOT NULL", "",
		    0, &n_models, &found, err);
	if (st != STORE_OK || n_models > 0) {
		st = end(s, st, err);
		goto out;
	}
	st = prepare(s, "INSERT INTO models (name, description, created_at, "
		     "updated_at) VALUES (?1, 'The bundled model', " NOW ", "
		     NOW ")", &q, err);
	if (st == STORE_OK) {
		sqlite3_bind_text(q, 1, name, -1, SQLITE_STATIC);
		rc = sqlite3_step(q);
		sqlite3_finalize(q);
		if (rc != SQLITE_DONE)
			st = db_fail(s, rc, err);
	}
	if (st == STORE_OK)
		st = insert_version(s, name, 1, sum, len, classes, n_features,
				    "seed", err);
	if (st == STORE_OK)
		st = run(s, "UPDATE models SET active_version=1 WHERE name=?1",
			 name, 0, NULL, err);
	if (st == STORE_OK)
		st = run(s, "INSERT INTO activations (model, version, "
			 "activated_at, activated_by) VALUES (?1, 1, " NOW
			 ", 'seed')", name, 0, NULL, err);
	if (st == STORE_OK)
		st = bump_generation(s, err);
	st = end(s, st, err);
	if (st == STORE_OK) {
		*seeded = true;
		(void)publish_generation(s, err);
	}
out:
	free(classes);
	return st;
}

/* Removes dir/<entry> when older than the grace period and, for an
 * artifact, not referenced. */
static enum store_status
collect(struct store *s, const char *sub, bool artifacts,
	struct store_error *err)
{
	char dir[DIR_MAX + 16], path[DIR_MAX + 16 + 260];
	char sum[STORE_CHECKSUM_HEX];
	time_t now = time(NULL);
	struct dirent *e;
	struct stat sb;
	DIR *d;
	enum store_status st = STORE_OK;

	snprintf(dir, sizeof(dir), "%s/%s", s->dir, sub);
	d = opendir(dir);
	if (d == NULL)
		return fail(err, STORE_ERR_IO, "%s: %s", dir, strerror(errno));
	while (st == STORE_OK && (e = readdir(d)) != NULL) {
		long long one;
		bool found = false;

		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (stat(path, &sb) != 0 || now - sb.st_mtime <
						    STORE_GC_GRACE_S)
			continue;
		if (artifacts) {
			if (strlen(e->d_name) != 64 + strlen(".tagifai"))
				continue;
			memcpy(sum, e->d_name, 64);
			sum[64] = '\0';
			st = scalar(s, "SELECT 1 FROM versions WHERE "
				    "checksum=?1 LIMIT 1", sum, 0, &one,
				    &found, err);
			if (st != STORE_OK || found)
				continue;
		}
		unlink(path);
	}
	closedir(d);
	return st;
}

enum store_status
store_gc(struct store *s, struct store_error *err)
{
	enum store_status st;

	/* Under the write lock: no upload can commit a reference to a file
	 * while it is being removed. */
	st = exec(s, "BEGIN IMMEDIATE", err);
	if (st != STORE_OK)
		return st;
	st = collect(s, "tmp", false, err);
	if (st == STORE_OK)
		st = collect(s, "artifacts", true, err);
	st = end(s, st, err);
	return st == STORE_OK ? store_jobs_gc(s, err) : st;
}

/* ---- users and API keys ---- */

static const char *const role_names[] = { "read", "predict", "deploy",
					  "admin" };
#define N_ROLES (sizeof(role_names) / sizeof(role_names[0]))

bool
store_user_name_ok(const char *name)
{
	size_t n = strlen(name);

	if (n == 0 || n > STORE_NAME_MAX || name[0] == '-' ||
	    name[0] == '.' || name[0] == '_')
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((name[i] >= 'a' && name[i] <= 'z') ||
		      (name[i] >= '0' && name[i] <= '9') || name[i] == '-' ||
		      name[i] == '.' || name[i] == '_'))
			return false;
	return true;
}

unsigned
store_role_parse(const char *name)
{
	for (size_t i = 0; i < N_ROLES; i++)
		if (strcmp(name, role_names[i]) == 0)
			return 1u << i;
	return 0;
}

const char *
store_role_name(unsigned bit)
{
	for (size_t i = 0; i < N_ROLES; i++)
		if (bit == 1u << i)
			return role_names[i];
	return NULL;
}

bool
store_roles_grant(unsigned roles, unsigned role)
{
	return (roles & STORE_ROLE_ADMIN) != 0 || (roles & role) == role;
}

#define USER_COLUMNS "name, roles, created_at"

/* A row of USER_COLUMNS into a struct store_user (rows_read's
 * signature); it cannot fail. */
static enum store_status
read_user(sqlite3_stmt *q, void *row, struct store_error *err)
{
	struct store_user *u = row;

	(void)err;
	memset(u, 0, sizeof(*u));
	copy(u->name, sizeof(u->name), sqlite3_column_text(q, 0));
	u->roles = (unsigned)sqlite3_column_int64(q, 1) & STORE_ROLE_ALL;
	copy(u->created_at, sizeof(u->created_at), sqlite3_column_text(q, 2));
	return STORE_OK;
}

static const struct row_type user_rows = {
	sizeof(struct store_user), read_user, NULL
};

enum store_status
store_user_get(struct store *s, const char *name, struct store_user *out,
	       struct store_error *err)
{
	sqlite3_stmt *q = NULL;
	enum store_status st;
	int rc;

	st = prepare(s, "SELECT " USER_COLUMNS " FROM users WHERE name=?1", &q,
		     err);
	if (st != STORE_OK)
		return st;
	sqlite3_bind_text(q, 1, name, -1, SQLITE_STATIC);
	rc = sqlite3_step(q);
	if (rc == SQLITE_ROW)
		(void)read_user(q, out, err);
	sqlite3_finalize(q);
	if (rc == SQLITE_DONE)
		return fail(err, STORE_ERR_NOT_FOUND, "User '%s' not found",
			    name);
	return rc == SQLITE_ROW ? STORE_OK : db_fail(s, rc, err);
}

enum store_status
store_user_create(struct store *s, const char *name, unsigned roles,
		  struct store_user *out, struct store_error *err)
{
	sqlite3_stmt *q = NULL;
	enum store_status st;
	int rc;

	if (!store_user_name_ok(name))
		return fail(err, STORE_ERR_INVALID, "name must match "
			    "^[a-z0-9][a-z0-9._-]{0,62}$");
	if (roles == 0 || (roles & ~(unsigned)STORE_ROLE_ALL) != 0)
		return fail(err, STORE_ERR_INVALID, "roles must be one or more "
			    "of read, predict, deploy, admin");
	st = prepare(s, "INSERT INTO users (name, roles, created_at) "
		     "VALUES (?1, ?2, " NOW ")", &q, err);
	if (st != STORE_OK)
		return st;
	sqlite3_bind_text(q, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 2, roles);
	rc = sqlite3_step(q);
	sqlite3_finalize(q);
	if ((rc & 0xff) == SQLITE_CONSTRAINT)
		return fail(err, STORE_ERR_EXISTS, "User '%s' already exists",
			    name);
	if (rc != SQLITE_DONE)
		return db_fail(s, rc, err);
	return out ? store_user_get(s, name, out, err) : STORE_OK;
}

enum store_status
store_user_list(struct store *s, struct store_user **out, size_t *n,
		struct store_error *err)
{
	sqlite3_stmt *q = NULL;
	void *rows = NULL;
	enum store_status st;

	st = prepare(s, "SELECT " USER_COLUMNS " FROM users ORDER BY name "
		     "LIMIT 10000", &q, err);
	if (st != STORE_OK)
		return st;
	st = rows_read(s, q, &user_rows, STORE_LIST_MAX, &rows, n, err);
	if (st == STORE_OK)
		*out = rows;
	return st;
}

/* Runs a deletion with ?1 = a, ?2 = b (when the statement has it) in a
 * transaction that also bumps the generation; what names the row for
 * the 404. */
static enum store_status
delete_bumping(struct store *s, const char *sql, const char *a,
	       const char *b, const char *what, struct store_error *err)
{
	sqlite3_stmt *q = NULL;
	enum store_status st = exec(s, "BEGIN IMMEDIATE", err);
	int rc;

	if (st != STORE_OK)
		return st;
	st = prepare(s, sql, &q, err);
	if (st != STORE_OK)
		return end(s, st, err);
	sqlite3_bind_text(q, 1, a, -1, SQLITE_STATIC);
	if (b != NULL)
		sqlite3_bind_text(q, 2, b, -1, SQLITE_STATIC);
	rc = sqlite3_step(q);
	sqlite3_finalize(q);
	if (rc != SQLITE_DONE)
		st = db_fail(s, rc, err);
	else if (sqlite3_changes(s->db) == 0)
		st = fail(err, STORE_ERR_NOT_FOUND, "%s not found", what);
	if (st == STORE_OK)
		st = bump_generation(s, err);
	st = end(s, st, err);
	if (st == STORE_OK)
		(void)publish_generation(s, err);
	return st;
}

enum store_status
store_user_delete(struct store *s, const char *name, struct store_error *err)
{
	return delete_bumping(s, "DELETE FROM users WHERE name=?1", name, NULL,
			      "User", err);
}

/* The keyed BLAKE2b of a key's secret part. */
static void
key_hash(const struct store *s, const char *secret, size_t len,
	 unsigned char out[crypto_generichash_BYTES])
{
	crypto_generichash(out, crypto_generichash_BYTES,
			   (const unsigned char *)secret, len, s->secret,
			   sizeof(s->secret));
}

#define KEY_COLUMNS "id, user, created_at, coalesce(expires_at, ''), " \
	"coalesce(last_used_at, '')"

/* Like read_user, for KEY_COLUMNS and a struct store_key. */
static enum store_status
read_key(sqlite3_stmt *q, void *row, struct store_error *err)
{
	struct store_key *k = row;

	(void)err;
	memset(k, 0, sizeof(*k));
	copy(k->id, sizeof(k->id), sqlite3_column_text(q, 0));
	copy(k->user, sizeof(k->user), sqlite3_column_text(q, 1));
	copy(k->created_at, sizeof(k->created_at), sqlite3_column_text(q, 2));
	copy(k->expires_at, sizeof(k->expires_at), sqlite3_column_text(q, 3));
	copy(k->last_used_at, sizeof(k->last_used_at),
	     sqlite3_column_text(q, 4));
	return STORE_OK;
}

static const struct row_type key_rows = {
	sizeof(struct store_key), read_key, NULL
};

static enum store_status
key_get(struct store *s, const char *id, struct store_key *out,
	struct store_error *err)
{
	sqlite3_stmt *q = NULL;
	enum store_status st;
	int rc;

	st = prepare(s, "SELECT " KEY_COLUMNS " FROM api_keys WHERE id=?1", &q,
		     err);
	if (st != STORE_OK)
		return st;
	sqlite3_bind_text(q, 1, id, -1, SQLITE_STATIC);
	rc = sqlite3_step(q);
	if (rc == SQLITE_ROW)
		(void)read_key(q, out, err);
	sqlite3_finalize(q);
	if (rc == SQLITE_DONE)
		return fail(err, STORE_ERR_NOT_FOUND, "API key not found");
	return rc == SQLITE_ROW ? STORE_OK : db_fail(s, rc, err);
}

enum store_status
store_key_create(struct store *s, const char *user,
		 long long expires_in_days, char key[STORE_KEY_MAX],
		 struct store_key *out, struct store_error *err)
{
	unsigned char id_raw[STORE_KEY_ID_HEX / 2];
	unsigned char secret_raw[STORE_KEY_SECRET_HEX / 2];
	unsigned char hash[crypto_generichash_BYTES];
	char id[STORE_KEY_ID_HEX + 1], secret[STORE_KEY_SECRET_HEX + 1];
	char days[32];
	sqlite3_stmt *q = NULL;
	struct store_user u;
	enum store_status st;
	int rc;

	if (expires_in_days < 0 || expires_in_days > STORE_KEY_DAYS_MAX)
		return fail(err, STORE_ERR_INVALID, "expires_in_days must be "
			    "from 1 to %d", STORE_KEY_DAYS_MAX);
	st = load_secret(s, err);
	if (st == STORE_OK)
		st = store_user_get(s, user, &u, err);
	if (st != STORE_OK)
		return st;
	randombytes_buf(id_raw, sizeof(id_raw));
	randombytes_buf(secret_raw, sizeof(secret_raw));
	sodium_bin2hex(id, sizeof(id), id_raw, sizeof(id_raw));
	sodium_bin2hex(secret, sizeof(secret), secret_raw, sizeof(secret_raw));
	sodium_memzero(secret_raw, sizeof(secret_raw));
	key_hash(s, secret, STORE_KEY_SECRET_HEX, hash);
	snprintf(days, sizeof(days), "+%lld days", expires_in_days);
	st = prepare(s, "INSERT INTO api_keys (id, user, hash, created_at, "
		     "expires_at) VALUES (?1, ?2, ?3, " NOW ", CASE WHEN ?4 "
		     "THEN strftime('%Y-%m-%dT%H:%M:%SZ', 'now', ?5) END)",
		     &q, err);
	if (st == STORE_OK) {
		sqlite3_bind_text(q, 1, id, -1, SQLITE_STATIC);
		sqlite3_bind_text(q, 2, user, -1, SQLITE_STATIC);
		sqlite3_bind_blob(q, 3, hash, sizeof(hash), SQLITE_STATIC);
		sqlite3_bind_int(q, 4, expires_in_days > 0);
		sqlite3_bind_text(q, 5, days, -1, SQLITE_STATIC);
		rc = sqlite3_step(q);
		sqlite3_finalize(q);
		if (rc != SQLITE_DONE)
			st = db_fail(s, rc, err);
	}
	if (st == STORE_OK) {
		snprintf(key, STORE_KEY_MAX, STORE_KEY_PREFIX "%s_%s", id,
			 secret);
		if (out != NULL)
			st = key_get(s, id, out, err);
	}
	sodium_memzero(secret, sizeof(secret));
	return st;
}

enum store_status
store_key_list(struct store *s, const char *user, struct store_key **out,
	       size_t *n, struct store_error *err)
{
	sqlite3_stmt *q = NULL;
	void *rows = NULL;
	struct store_user u;
	enum store_status st;

	st = store_user_get(s, user, &u, err);
	if (st == STORE_OK)
		st = prepare(s, "SELECT " KEY_COLUMNS " FROM api_keys WHERE "
			     "user=?1 ORDER BY created_at, id LIMIT 10000", &q,
			     err);
	if (st != STORE_OK)
		return st;
	sqlite3_bind_text(q, 1, user, -1, SQLITE_STATIC);
	st = rows_read(s, q, &key_rows, STORE_LIST_MAX, &rows, n, err);
	if (st == STORE_OK)
		*out = rows;
	return st;
}

enum store_status
store_key_delete(struct store *s, const char *user, const char *id,
		 struct store_error *err)
{
	struct store_user u;
	enum store_status st = store_user_get(s, user, &u, err);

	if (st != STORE_OK)
		return st;
	return delete_bumping(s, "DELETE FROM api_keys WHERE id=?2 AND "
			      "user=?1", user, id, "API key", err);
}

static bool
all_hex(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!((p[i] >= '0' && p[i] <= '9') || (p[i] >= 'a' && p[i] <= 'f')))
			return false;
	return true;
}

enum store_status
store_key_verify(struct store *s, const char *key, size_t len,
		 struct store_user *out, struct store_error *err)
{
	const size_t plen = sizeof(STORE_KEY_PREFIX) - 1;
	unsigned char want[crypto_generichash_BYTES];
	unsigned char got[crypto_generichash_BYTES];
	char id[STORE_KEY_ID_HEX + 1];
	const char *secret = key + plen + STORE_KEY_ID_HEX + 1;
	sqlite3_stmt *q = NULL;
	enum store_status st;
	bool ok = false, touch = false;
	int rc;

	if (len != STORE_KEY_MAX - 1 || memcmp(key, STORE_KEY_PREFIX, plen) ||
	    key[plen + STORE_KEY_ID_HEX] != '_' ||
	    !all_hex(key + plen, STORE_KEY_ID_HEX) ||
	    !all_hex(secret, STORE_KEY_SECRET_HEX))
		return fail(err, STORE_ERR_DENIED, "malformed key");
	memcpy(id, key + plen, STORE_KEY_ID_HEX);
	id[STORE_KEY_ID_HEX] = '\0';
	st = load_secret(s, err);
	if (st != STORE_OK)
		return st;
	key_hash(s, secret, STORE_KEY_SECRET_HEX, want);
	st = prepare(s, "SELECT u.name, u.roles, u.created_at, k.hash, "
		     "k.expires_at IS NOT NULL AND k.expires_at <= " NOW ", "
		     "k.last_used_at IS NULL OR k.last_used_at <= "
		     "strftime('%Y-%m-%dT%H:%M:%SZ', 'now', ?2), "
		     "coalesce(strftime('%s', k.expires_at), 0) "
		     "FROM api_keys k JOIN users u ON u.name = k.user "
		     "WHERE k.id=?1", &q, err);
	if (st != STORE_OK)
		return st;
	sqlite3_bind_text(q, 1, id, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 2, "-" STORE_KEY_TOUCH_TEXT " seconds", -1,
			  SQLITE_STATIC);
	rc = sqlite3_step(q);
	memset(got, 0, sizeof(got));
	if (rc == SQLITE_ROW) {
		const void *h = sqlite3_column_blob(q, 3);

		if (h != NULL && sqlite3_column_bytes(q, 3) == (int)sizeof(got))
			memcpy(got, h, sizeof(got));
		(void)read_user(q, out, err);
		ok = sqlite3_column_int(q, 4) == 0;
		touch = sqlite3_column_int(q, 5) != 0;
		out->key_expires_s = sqlite3_column_int64(q, 6);
	}
	sqlite3_finalize(q);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return db_fail(s, rc, err);
	/* Compared whether or not the id exists: the time is the same. */
	if (sodium_memcmp(want, got, sizeof(want)) != 0 || !ok) {
		memset(out, 0, sizeof(*out));
		return fail(err, STORE_ERR_DENIED, "not authenticated");
	}
	if (touch) {
		/* A failure to record the last use does not refuse a good
		 * key (a busy writer must not lock everyone out). */
		st = prepare(s, "UPDATE api_keys SET last_used_at = " NOW
			     " WHERE id=?1", &q, err);
		if (st == STORE_OK) {
			sqlite3_bind_text(q, 1, id, -1, SQLITE_STATIC);
			(void)sqlite3_step(q);
			sqlite3_finalize(q);
		}
	}
	return STORE_OK;
}
