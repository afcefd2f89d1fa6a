/* SPDX-License-Identifier: MIT
 * fcgi/registry.c - the served state of the model registry in one
 * process (fcgi/registry.h): the active versions, the open versions and
 * the per-request change check.
 */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "fcgi/registry.h"

#define LOG_PREFIX "tagifai-fcgi: registry: "

/* The coarse monotonic clock, read through the vDSO (no system call):
 * its few milliseconds of granularity are plenty for REGISTRY_POLL_MS. */
static long long
coarse_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static struct registry_file_id
file_id(const char *path)
{
	struct registry_file_id id = { 0 };
	struct stat sb;

	if (path != NULL && stat(path, &sb) == 0) {
		id.ok = true;
		id.ino = sb.st_ino;
		id.mtime_s = (long long)sb.st_mtim.tv_sec;
		id.mtime_ns = sb.st_mtim.tv_nsec;
	}
	return id;
}

static bool
same_file(const struct registry_file_id *a, const struct registry_file_id *b)
{
	return a->ok == b->ok && a->ino == b->ino && a->mtime_s == b->mtime_s &&
	       a->mtime_ns == b->mtime_ns;
}

enum store_status
registry_store(struct registry *r, struct store **out,
	       struct store_error *err)
{
	pid_t self = getpid();
	enum store_status st;

	/* A connection is never used in another process than the one that
	 * opened it (sqlite.org/howtocorrupt.html, section 2.7): a copy
	 * inherited through fork() is forgotten, not closed. */
	if (r->store != NULL && r->store_pid != self)
		r->store = NULL;
	if (r->store == NULL) {
		st = store_open(r->dir, &r->store, err);
		if (st != STORE_OK)
			return st;
		r->store_pid = self;
	}
	*out = r->store;
	return STORE_OK;
}

static void
entry_close(struct registry_entry *e)
{
	app_model_close(&e->model);
	memset(e, 0, sizeof(*e));
}

/* Opens version (name, version, checksum) into a free (or the least
 * recently used, never the default) cache slot. */
static enum store_status
entry_open(struct registry *r, const char *name, long long version,
	   const char *checksum, int *out, struct store_error *err)
{
	char path[4096], msg[SERVICE_ERR_MAX];
	struct registry_entry *e;
	struct store *s;
	enum store_status st;
	int slot = -1;

	for (int i = 0; i < REGISTRY_CACHE_MAX; i++) {
		if (!r->cache[i].used) {
			slot = i;
			break;
		}
		if (i != r->dflt && (slot < 0 || r->cache[i].last_use <
						      r->cache[slot].last_use))
			slot = i;
	}
	st = registry_store(r, &s, err);
	if (st != STORE_OK)
		return st;
	e = &r->cache[slot];
	if (e->used)
		entry_close(e);
	store_artifact_path(s, checksum, path, sizeof(path));
	switch (app_model_open(&e->model, path, true, msg, sizeof(msg))) {
	case SERVICE_OK:
		break;
	case SERVICE_ERR_NOMEM:
		snprintf(err->msg, sizeof(err->msg), "out of memory");
		return STORE_ERR_NOMEM;
	default:
		snprintf(err->msg, sizeof(err->msg), "Version %lld of model "
			 "'%s' does not open: %.400s", version, name, msg);
		return STORE_ERR_CONFLICT;
	}
	e->used = true;
	snprintf(e->name, sizeof(e->name), "%s", name);
	e->version = version;
	snprintf(e->checksum, sizeof(e->checksum), "%s", checksum);
	/* Names match ^[a-z0-9-]+$ and checksums are hex: nothing to
	 * escape. */
	snprintf(e->id_json, sizeof(e->id_json), "{\"name\":\"%s\","
		 "\"version\":%lld,\"checksum\":\"%s\"}", name, version,
		 checksum);
	snprintf(e->x_model, sizeof(e->x_model), "%s/%lld", name, version);
	e->last_use = ++r->tick;
	*out = slot;
	return STORE_OK;
}

static int
cache_find(struct registry *r, const char *name, long long version)
{
	for (int i = 0; i < REGISTRY_CACHE_MAX; i++)
		if (r->cache[i].used && r->cache[i].version == version &&
		    strcmp(r->cache[i].name, name) == 0)
			return i;
	return -1;
}

static const struct store_active *
active_find(const struct registry *r, const char *name)
{
	for (size_t i = 0; i < r->n_active; i++)
		if (strcmp(r->active[i].name, name) == 0)
			return &r->active[i];
	return NULL;
}

/* Reads the active versions; on success they replace the old ones, the
 * default entry follows, and entries no longer active are closed (a
 * pinned version is looked up again: it may have been deleted). */
static enum store_status
reload(struct registry *r, struct store_error *err)
{
	struct store_active *list = NULL;
	const struct store_active *d;
	struct store *s;
	size_t n = 0;
	enum store_status st;
	int idx = -1;

	st = registry_store(r, &s, err);
	if (st == STORE_OK)
		st = store_active_list(s, &list, &n, err);
	if (st != STORE_OK)
		return st;
	free(r->active);
	r->active = list;
	r->n_active = n;
	d = active_find(r, r->default_name);
	if (d == NULL) {
		snprintf(err->msg, sizeof(err->msg), "the default model '%s' "
			 "has no active version", r->default_name);
		return r->dflt >= 0 ? STORE_OK : STORE_ERR_NOT_FOUND;
	}
	idx = cache_find(r, d->name, d->version);
	if (idx < 0) {
		st = entry_open(r, d->name, d->version, d->checksum, &idx, err);
		if (st != STORE_OK)
			return r->dflt >= 0 ? STORE_OK : st;
	}
	r->dflt = idx;
	for (int i = 0; i < REGISTRY_CACHE_MAX; i++) {
		const struct store_active *a;

		if (!r->cache[i].used || i == r->dflt)
			continue;
		a = active_find(r, r->cache[i].name);
		if (a == NULL || a->version != r->cache[i].version)
			entry_close(&r->cache[i]);
	}
	return STORE_OK;
}

enum service_status
registry_init(struct registry *r, const char *dir, const char *default_name,
	      const char *seed_path, bool lazy, registry_gen_t *shared,
	      char *err, size_t err_len)
{
	struct store_error se = { "" };
	struct store *s = NULL;
	bool seeded = false;
	enum store_status st;

	memset(r, 0, sizeof(*r));
	r->on = true;
	r->dir = dir;
	r->default_name = default_name;
	r->lazy = lazy;
	r->shared = shared;
	r->dflt = -1;
	if (shared != NULL)
		r->seen = atomic_load(shared);
	st = registry_store(r, &s, &se);
	if (st == STORE_OK)
		st = store_seed(s, default_name, seed_path, &seeded, &se);
	if (st == STORE_OK && seeded)
		fprintf(stderr, LOG_PREFIX "%s: registered %s as model %s "
			"version 1, active\n", dir, seed_path, default_name);
	if (st == STORE_OK && !lazy)
		st = store_gc(s, &se);
	if (s != NULL)
		r->file = file_id(store_generation_path(s));
	if (st == STORE_OK)
		st = reload(r, &se);
	/* No connection outlives this call: the master forks next. */
	store_close(r->store);
	r->store = NULL;
	if (st != STORE_OK) {
		snprintf(err, err_len, "registry %s: %s", dir, se.msg);
		registry_free(r);
		return st == STORE_ERR_NOMEM ? SERVICE_ERR_NOMEM
					     : SERVICE_ERR_MODEL;
	}
	r->next_poll_ms = coarse_ms() + REGISTRY_POLL_MS;
	return SERVICE_OK;
}

void
registry_free(struct registry *r)
{
	for (int i = 0; i < REGISTRY_CACHE_MAX; i++)
		if (r->cache[i].used)
			entry_close(&r->cache[i]);
	if (r->store_pid == getpid())
		store_close(r->store);
	free(r->active);
	memset(r, 0, sizeof(*r));
	r->dflt = -1;
}

struct registry_entry *
registry_default(struct registry *r)
{
	return r->on && r->dflt >= 0 ? &r->cache[r->dflt] : NULL;
}

static void
refresh_now(struct registry *r, unsigned long long gen)
{
	struct store_error err = { "" };
	char path[4096];

	r->changes++;
	snprintf(path, sizeof(path), "%s/" STORE_GENERATION_NAME, r->dir);
	/* Noted before reading: a change committed meanwhile is seen at
	 * the next check. */
	r->file = file_id(path);
	if (reload(r, &err) != STORE_OK) {
		fprintf(stderr, LOG_PREFIX "reload failed, serving the previous "
			"state: %s\n", err.msg);
		return;
	}
	r->seen = gen;
	r->force = false;
}

void
registry_refresh(struct registry *r)
{
	unsigned long long gen = 0;
	struct registry_file_id now_id;
	char path[4096];
	long long now;

	if (r->shared != NULL) {
		gen = atomic_load_explicit(r->shared, memory_order_acquire);
		if (gen != r->seen) {
			refresh_now(r, gen);
			return;
		}
	}
	if (r->force) {
		refresh_now(r, gen);
		return;
	}
	now = coarse_ms();
	if (now < r->next_poll_ms)
		return;
	r->next_poll_ms = now + REGISTRY_POLL_MS;
	snprintf(path, sizeof(path), "%s/" STORE_GENERATION_NAME, r->dir);
	now_id = file_id(path);
	if (!same_file(&now_id, &r->file))
		refresh_now(r, gen);
}

void
registry_changed(struct registry *r)
{
	if (r->shared != NULL)
		atomic_fetch_add_explicit(r->shared, 1, memory_order_release);
	r->force = true;
}

enum store_status
registry_entry_get(struct registry *r, const char *name, long long version,
		   struct registry_entry **out, struct store_error *err)
{
	const struct store_active *a;
	struct store_version v;
	struct store *s;
	enum store_status st;
	int idx;

	if (version == 0) {
		a = active_find(r, name);
		if (a == NULL) {
			snprintf(err->msg, sizeof(err->msg), "Model '%s' not "
				 "found or without an active version", name);
			return STORE_ERR_NOT_FOUND;
		}
		idx = cache_find(r, name, a->version);
		if (idx < 0) {
			st = entry_open(r, name, a->version, a->checksum, &idx,
					err);
			if (st != STORE_OK)
				return st;
		}
	} else {
		idx = cache_find(r, name, version);
		if (idx < 0) {
			st = registry_store(r, &s, err);
			if (st == STORE_OK)
				st = store_version_get(s, name, version, &v,
						       err);
			if (st != STORE_OK)
				return st;
			store_version_clear(&v);
			st = entry_open(r, name, version, v.checksum, &idx,
					err);
			if (st != STORE_OK)
				return st;
		}
	}
	r->cache[idx].last_use = ++r->tick;
	*out = &r->cache[idx];
	return STORE_OK;
}
