/* SPDX-License-Identifier: MIT
 * store/store.h - the model registry's storage: named models, their
 * numbered versions (immutable artifacts named by SHA-256), which version
 * is active, and the history of activations.  This header is the whole
 * interface the service and the tool use; store/sqlite.c implements it
 * over SQLite (registry.db in WAL mode, next to artifacts/), one host's
 * registry (SQLite is not for a database shared over NFS).  Nothing here knows
 * HTTP: statuses are enum store_status and the caller maps them.
 *
 * A struct store is one connection: open it in the process that uses it,
 * after fork(), never before (sqlite.org/howtocorrupt.html section 2.7).
 * Writes are single transactions, so a kill -9 at any instant leaves
 * either the old state or the new one; artifacts are written to a
 * temporary name, fsync'd and renamed before the row that names them is
 * committed.
 */
#ifndef STORE_STORE_H
#define STORE_STORE_H

#include <stdbool.h>
#include <stddef.h>


#define STORE_NAME_MAX 63          /* model and user names, bytes */
#define STORE_DESCRIPTION_MAX 1000 /* a model's description, bytes */
#define STORE_TIME_MAX 24          /* "2026-12-02T10:30:00Z" + NUL */
#define STORE_ERROR_MAX 512
#define STORE_CHECKSUM_HEX 65     /* SHA-256 as hex digits + NUL */
#define STORE_BUSY_TIMEOUT_MS 2000 /* wait for the write lock this long */
#define STORE_LIST_MAX 10000       /* rows a list returns at most */
/* Unreferenced artifacts and temporary files older than this are
 * removed by store_gc (younger ones may be an upload in flight). */
#define STORE_GC_GRACE_S 3600
#define STORE_DB_NAME "registry.db"
#define STORE_GENERATION_NAME "generation"
/* The server secret that keys the API keys' hashes: 32 random bytes in
 * this file of the registry directory (mode 0600), never in the
 * database, so registry.db alone authenticates no one. */
#define STORE_SECRET_NAME "auth.secret"
#define STORE_KEY_PREFIX "tgf_"
#define STORE_KEY_ID_HEX 16        /* the public id: 8 random bytes */
#define STORE_KEY_SECRET_HEX 64    /* the secret: 32 random bytes */
/* "tgf_<id>_<secret>" + NUL */
#define STORE_KEY_MAX (4 + STORE_KEY_ID_HEX + 1 + STORE_KEY_SECRET_HEX + 1)
#define STORE_KEY_DAYS_MAX 3650    /* expires_in_days at most */
/* A key's last use is written at most this often (seconds). */
#define STORE_KEY_TOUCH_S 60
#define STORE_KEY_TOUCH_TEXT "60"

enum store_status {
	STORE_OK = 0,
	STORE_ERR_NOMEM,
	STORE_ERR_NOT_FOUND,   /* no such model or version */
	STORE_ERR_EXISTS,      /* the model name is taken */
	STORE_ERR_CONFLICT,    /* the version is active; the model is the
				  default; the version does not open */
	STORE_ERR_INVALID,     /* a bad name or artifact: err says what */
	STORE_ERR_BUSY,        /* the database stayed locked too long */
	STORE_ERR_IO,          /* file system or database failure */
	STORE_ERR_DENIED,      /* a key that authenticates no one: the
				  same status whatever the reason */
	STORE__MAX
};

/* Static English text for a status; never NULL. */
const char *store_strerror(enum store_status st);

struct store_error {
	char msg[STORE_ERROR_MAX];
};

struct store;

struct store_model {
	char name[STORE_NAME_MAX + 1];
	char *description;              /* owned */
	long long active_version;       /* 0: none */
	long long latest_version;       /* 0: none yet */
	char created_at[STORE_TIME_MAX];
	char updated_at[STORE_TIME_MAX];
};

struct store_version {
	long long version;
	char checksum[STORE_CHECKSUM_HEX]; /* SHA-256 of the artifact bytes */
	long long size;
	char created_at[STORE_TIME_MAX];
	char created_by[STORE_NAME_MAX + 1];
	char *classes_json;             /* owned: ["a","b"] */
	long long n_features;
};

struct store_activation {
	long long version;
	long long previous_version;     /* 0: none */
	char activated_at[STORE_TIME_MAX];
	char activated_by[STORE_NAME_MAX + 1];
};

/* One served pointer: the active version of a model. */
struct store_active {
	char name[STORE_NAME_MAX + 1];
	long long version;
	char checksum[STORE_CHECKSUM_HEX];
};

/* A user's roles, a bit set.  admin implies every other role. */
enum store_role {
	STORE_ROLE_READ = 1 << 0,
	STORE_ROLE_PREDICT = 1 << 1,
	STORE_ROLE_DEPLOY = 1 << 2,
	STORE_ROLE_ADMIN = 1 << 3,
	STORE_ROLE_ALL = (1 << 4) - 1
};

struct store_user {
	char name[STORE_NAME_MAX + 1];
	unsigned roles;                 /* enum store_role bits, as stored */
	char created_at[STORE_TIME_MAX];
	/* Set by store_key_verify: the key's expiry in seconds since the
	 * epoch, 0 for none. */
	long long key_expires_s;
};

/* An API key as listed: never its secret. */
struct store_key {
	char id[STORE_KEY_ID_HEX + 1];
	char user[STORE_NAME_MAX + 1];
	char created_at[STORE_TIME_MAX];
	char expires_at[STORE_TIME_MAX];   /* "": never */
	char last_used_at[STORE_TIME_MAX]; /* "": never used */
};

#define STORE_WARN_UNUSED __attribute__((warn_unused_result))

/* Opens (creating when needed) the registry in dir: dir/registry.db,
 * dir/artifacts/, dir/tmp/; applies the schema migrations.  *out is the
 * connection (store_close).  STORE_ERR_IO with err naming the file, or
 * STORE_ERR_BUSY. */
enum store_status store_open(const char *dir, struct store **out,
			     struct store_error *err) STORE_WARN_UNUSED;
void store_close(struct store *s);

/* True when name matches ^[a-z0-9][a-z0-9-]{0,62}$. */
bool store_name_ok(const char *name);

/* The models, by name; only those whose name contains filter when it is
 * not NULL.  *out (n entries) is freed with store_models_free. */
enum store_status store_model_list(struct store *s, const char *filter,
				   struct store_model **out, size_t *n,
				   struct store_error *err) STORE_WARN_UNUSED;
void store_models_free(struct store_model *m, size_t n);

/* Fills *out (free its description with store_model_clear). */
enum store_status store_model_get(struct store *s, const char *name,
				  struct store_model *out,
				  struct store_error *err) STORE_WARN_UNUSED;
void store_model_clear(struct store_model *m);

/* Creates a model with no versions.  STORE_ERR_INVALID (bad name or
 * description), STORE_ERR_EXISTS. */
enum store_status store_model_create(struct store *s, const char *name,
				     const char *description,
				     struct store_model *out,
				     struct store_error *err)
	STORE_WARN_UNUSED;

/* Deletes a model, its versions and its history.  default_name is the
 * default model, which cannot go (STORE_ERR_CONFLICT). */
enum store_status store_model_delete(struct store *s, const char *name,
				     const char *default_name,
				     struct store_error *err)
	STORE_WARN_UNUSED;

/* The versions of a model, newest first (store_versions_free). */
enum store_status store_version_list(struct store *s, const char *name,
				     struct store_version **out, size_t *n,
				     struct store_error *err)
	STORE_WARN_UNUSED;
void store_versions_free(struct store_version *v, size_t n);

enum store_status store_version_get(struct store *s, const char *name,
				    long long version,
				    struct store_version *out,
				    struct store_error *err)
	STORE_WARN_UNUSED;
void store_version_clear(struct store_version *v);

/* Adds data[0..len), an artifact (doc/ARTIFACT.md), as the next version
 * of model name.  The bytes are validated (the format, its checksum, a
 * test prediction) and made durable before the version row is committed;
 * the version number is assigned in that transaction.  When the model
 * already has these bytes, *out is that version and *created false.
 * Never activates.  STORE_ERR_NOT_FOUND, STORE_ERR_INVALID (err names
 * the problem), STORE_ERR_BUSY, STORE_ERR_IO. */
enum store_status store_version_add(struct store *s, const char *name,
				    const void *data, size_t len,
				    const char *created_by,
				    struct store_version *out, bool *created,
				    struct store_error *err)
	STORE_WARN_UNUSED;

/* Deletes a version; STORE_ERR_CONFLICT while it is active. */
enum store_status store_version_delete(struct store *s, const char *name,
				       long long version,
				       struct store_error *err)
	STORE_WARN_UNUSED;

/* Makes version the active one of model name, recording the activation
 * (nothing is recorded when it already is: idempotent).  The artifact
 * is opened first; one that does not open is STORE_ERR_CONFLICT and
 * nothing changes.  *previous receives the version active before (0:
 * none). */
enum store_status store_activate(struct store *s, const char *name,
				 long long version, const char *by,
				 long long *previous,
				 struct store_error *err) STORE_WARN_UNUSED;

/* The history of model name, newest first (free with free()). */
enum store_status store_activations(struct store *s, const char *name,
				    struct store_activation **out, size_t *n,
				    struct store_error *err)
	STORE_WARN_UNUSED;

/* Every model's active version, in one read transaction (free()). */
enum store_status store_active_list(struct store *s,
				    struct store_active **out, size_t *n,
				    struct store_error *err)
	STORE_WARN_UNUSED;

/* Writes dir/artifacts/<checksum>.tagifai into buf (len bytes). */
void store_artifact_path(const struct store *s, const char *checksum,
			 char *buf, size_t len);

/* Writes dir/tmp/<what>-<pid>.tagifai into buf: a private scratch name
 * inside the registry (store_gc removes stale ones). */
void store_tmp_path(const struct store *s, const char *what, char *buf,
		    size_t len);

/* The path of the generation file: it is replaced (new inode, new mtime)
 * after every commit that changes what is served (an activation, a
 * deletion), so a process without a shared page notices with stat(). */
const char *store_generation_path(const struct store *s);

/* On an empty registry (no model at all): registers the artifact at
 * path as version 1 of model name, active.  *seeded tells whether it
 * did.  The first start of the service and the tool call it. */
enum store_status store_seed(struct store *s, const char *name,
			     const char *path, bool *seeded,
			     struct store_error *err) STORE_WARN_UNUSED;

/* ---- users and API keys ---- */

/* True when name matches ^[a-z0-9][a-z0-9._-]{0,62}$. */
bool store_user_name_ok(const char *name);

/* "read" -> STORE_ROLE_READ ...; 0 for anything else. */
unsigned store_role_parse(const char *name);
/* The name of one role bit ("read" ...), or NULL. */
const char *store_role_name(unsigned bit);
/* True when roles (as stored) grant role: admin grants all. */
bool store_roles_grant(unsigned roles, unsigned role);

/* Creates a user with roles (a non-empty subset of STORE_ROLE_ALL).
 * STORE_ERR_INVALID (name or roles), STORE_ERR_EXISTS. */
enum store_status store_user_create(struct store *s, const char *name,
				    unsigned roles, struct store_user *out,
				    struct store_error *err)
	STORE_WARN_UNUSED;
enum store_status store_user_get(struct store *s, const char *name,
				 struct store_user *out,
				 struct store_error *err) STORE_WARN_UNUSED;
/* Every user, by name (free()). */
enum store_status store_user_list(struct store *s, struct store_user **out,
				  size_t *n, struct store_error *err)
	STORE_WARN_UNUSED;
/* Deletes a user and their keys; bumps the generation (every process
 * forgets what it knew of them).  STORE_ERR_NOT_FOUND. */
enum store_status store_user_delete(struct store *s, const char *name,
				    struct store_error *err)
	STORE_WARN_UNUSED;

/* Issues a key for user: key receives "tgf_<id>_<secret>", shown once
 * and never stored (only its hash keyed with the server secret is).
 * expires_in_days 0: no expiry; else 1..STORE_KEY_DAYS_MAX.  *out (may
 * be NULL) lists it.  STORE_ERR_NOT_FOUND, STORE_ERR_INVALID. */
enum store_status store_key_create(struct store *s, const char *user,
				   long long expires_in_days,
				   char key[STORE_KEY_MAX],
				   struct store_key *out,
				   struct store_error *err)
	STORE_WARN_UNUSED;
/* The keys of user, oldest first (free()).  STORE_ERR_NOT_FOUND. */
enum store_status store_key_list(struct store *s, const char *user,
				 struct store_key **out, size_t *n,
				 struct store_error *err) STORE_WARN_UNUSED;
/* Revokes (deletes) key id of user; bumps the generation.
 * STORE_ERR_NOT_FOUND. */
enum store_status store_key_delete(struct store *s, const char *user,
				   const char *id, struct store_error *err)
	STORE_WARN_UNUSED;
/* Authenticates key[0..len) (any bytes): *out is its user.  A
 * malformed, unknown, expired or revoked key is STORE_ERR_DENIED, all
 * alike; the secret is compared in constant time.  Records the last use
 * (at most every STORE_KEY_TOUCH_S). */
enum store_status store_key_verify(struct store *s, const char *key,
				   size_t len, struct store_user *out,
				   struct store_error *err) STORE_WARN_UNUSED;

/* Removes temporary files and unreferenced artifacts older than
 * STORE_GC_GRACE_S.  Run by the service at start, before any fork. */
enum store_status store_gc(struct store *s, struct store_error *err)
	STORE_WARN_UNUSED;

#endif
