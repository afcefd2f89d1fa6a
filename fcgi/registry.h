/* SPDX-License-Identifier: MIT
 * fcgi/registry.h - what one process serves from the model registry
 * (store/store.h): the active version of every model, the versions it
 * has open (a small cache of struct app_model), and how it notices that
 * another process changed the registry.
 *
 * Two signals, both checked before each request (registry_refresh):
 *   - a generation counter in a page the master maps MAP_SHARED before
 *     it forks (fcgi/main.c): a worker that commits an activation or a
 *     deletion increments it before it answers, so every request any
 *     worker accepts afterwards sees the change (an atomic load, no
 *     system call);
 *   - the registry's generation file, replaced by every such commit
 *     (also by `tagifai models` and by other deployments): stat()'ed at
 *     most every REGISTRY_POLL_MS, by a coarse clock read without a
 *     system call.  Processes started without our master (spawn-fcgi
 *     -F, mod_fcgid, lighttpd bin-path) converge this way within 1 s.
 * On either, the process re-reads the active versions from the store.
 *
 * The store's connection is opened in the process that uses it, on
 * first need; registry_init closes the one it used, so none is carried
 * across fork().
 */
#ifndef FCGI_REGISTRY_H
#define FCGI_REGISTRY_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "fcgi/app_model.h"
#include "fcgi/status.h"
#include "store/store.h"

typedef _Atomic unsigned long long registry_gen_t;

#define REGISTRY_CACHE_MAX 8     /* versions a process keeps open */
#define REGISTRY_POLL_MS 100     /* generation file stat, at most this often */
#define REGISTRY_ID_JSON_MAX (STORE_NAME_MAX + STORE_CHECKSUM_HEX + 80)

struct registry_entry {
	bool used;
	char name[STORE_NAME_MAX + 1];
	long long version;
	char checksum[STORE_CHECKSUM_HEX];
	struct app_model model;
	/* {"name","version","checksum"} as the registry names it, and
	 * name/version for X-Model (the /models/{name}/... routes). */
	char id_json[REGISTRY_ID_JSON_MAX];
	char x_model[APP_MODEL_X_MODEL_MAX];
	unsigned long long last_use;
};

/* The generation file as last seen. */
struct registry_file_id {
	bool ok;
	ino_t ino;
	long long mtime_s, mtime_ns;
};

struct registry {
	bool on;
	const char *dir;               /* borrowed from the configuration */
	const char *default_name;
	bool lazy;
	struct store *store;           /* this process's connection, or NULL */
	pid_t store_pid;               /* the process that opened it */
	registry_gen_t *shared;        /* the page, or NULL */
	unsigned long long seen;       /* *shared at the last reload */
	bool force;                    /* reload before the next request */
	long long next_poll_ms;
	struct registry_file_id file;
	struct store_active *active;   /* every model's active version */
	size_t n_active;
	struct registry_entry cache[REGISTRY_CACHE_MAX];
	int dflt;                      /* cache index of the default, or -1 */
	unsigned long long tick;
	/* Incremented whenever a change is noticed (before reloading):
	 * what a process caches from the store (fcgi/auth.c's verified
	 * keys) is valid only while it stays the same. */
	unsigned long long changes;
};

/* Opens the registry in dir (store_open), registers seed_path as version
 * 1 of default_name when the registry is empty, collects stale files
 * (unless lazy), opens the default model's active version and closes the
 * connection.  shared is the generation page or NULL.  SERVICE_ERR_MODEL
 * with a sentence in err (SERVICE_ERR_NOMEM); on failure r is freed. */
enum service_status registry_init(struct registry *r, const char *dir,
				  const char *default_name,
				  const char *seed_path, bool lazy,
				  registry_gen_t *shared, char *err,
				  size_t err_len) SERVICE_WARN_UNUSED;
void registry_free(struct registry *r);

/* The default model's entry, or NULL without a registry. */
struct registry_entry *registry_default(struct registry *r);

/* Re-reads the active versions when the generation changed (see the
 * top of this file).  A failure is logged and retried later; the old
 * state keeps serving meanwhile. */
void registry_refresh(struct registry *r);

/* Tells every process that this one committed a change to what is
 * served: increments the shared generation, and reloads here before the
 * next request. */
void registry_changed(struct registry *r);

/* This process's store connection, opened on first use.  STORE_OK, or
 * the store's status with err filled. */
enum store_status registry_store(struct registry *r, struct store **out,
				 struct store_error *err)
	STORE_WARN_UNUSED;

/* The entry serving model name: version 0 is its active version, any
 * other that version.  STORE_ERR_NOT_FOUND (no such model, no active
 * version, no such version), STORE_ERR_CONFLICT (the artifact does not
 * open), or the store's failure; err says which. */
enum store_status registry_entry_get(struct registry *r, const char *name,
				     long long version,
				     struct registry_entry **out,
				     struct store_error *err)
	STORE_WARN_UNUSED;

#endif
