/* SPDX-License-Identifier: MIT
 * tests/unit/store_test.c - the registry's storage (store/store.h) in a
 * scratch directory: models, versions, validation, activation history,
 * deletion rules, the generation file, migrations run twice, concurrent
 * uploads from several processes and a busy database.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sqlite3.h>

#include "store/store.h"
#include "util/file.h"
#include "tests/unit/tap.h"
#include "tests/unit/tiny_model.h"

static char dir[256];

/* The bytes of the tiny model with identity version ver (each ver gives
 * different bytes); malloc'd. */
static char *
tiny_bytes(const char *ver, size_t *len)
{
	struct sklearn_export x;
	struct core_error err = { "" };
	char path[300], *data = NULL;

	/* Per process: the concurrent tests write theirs at once. */
	snprintf(path, sizeof(path), "%s.%ld.tiny", dir, (long)getpid());
	if (sklearn_export_parse("tiny", tiny_export, strlen(tiny_export), &x,
				 &err) != CORE_OK)
		return NULL;
	x.spec.name = "tiny";
	x.spec.version = ver;
	x.spec.args_json = "{}";
	x.spec.performance_json = "{}";
	if (artifact_write(path, &x.spec, &err) == CORE_OK)
		(void)util_file_read(path, 1 << 20, &data, len);
	sklearn_export_free(&x);
	unlink(path);
	return data;
}

static long long
add(struct store *s, const char *model, const char *ver, bool *created,
    enum store_status *st)
{
	struct store_version v;
	struct store_error err = { "" };
	size_t len = 0;
	char *data = tiny_bytes(ver, &len);

	*st = store_version_add(s, model, data, len, "test", &v, created, &err);
	free(data);
	if (*st != STORE_OK) {
		if (*st != STORE_ERR_NOT_FOUND)
			printf("# store_version_add %s: %s\n", ver, err.msg);
		return 0;
	}
	store_version_clear(&v);
	return v.version;
}

static void
test_models(struct store *s)
{
	struct store_error err = { "" };
	struct store_model m, *list = NULL;
	size_t n = 0;
	static const char *const bad[] = { "", "-a", "A", "a_b", "a b",
		"a234567890123456789012345678901234567890123456789012345678901234" };

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		tap_ok(store_model_create(s, bad[i], "", NULL, &err) ==
		       STORE_ERR_INVALID, "store_model_create should refuse "
		       "the name '%s'", bad[i]);
	tap_ok(store_name_ok("a") && store_name_ok("sentiment-2"),
	       "store_name_ok should accept a and sentiment-2");
	tap_ok(store_model_create(s, "sentiment", "d", &m, &err) == STORE_OK &&
	       m.active_version == 0 && m.latest_version == 0 &&
	       strcmp(m.description, "d") == 0,
	       "store_model_create should make a model with no version");
	store_model_clear(&m);
	tap_ok(store_model_create(s, "sentiment", "", NULL, &err) ==
	       STORE_ERR_EXISTS, "store_model_create should refuse a taken "
	       "name: %s", err.msg);
	tap_ok(store_model_create(s, "topics", "", NULL, &err) == STORE_OK,
	       "store_model_create should make a second model");
	tap_ok(store_model_list(s, "sent", &list, &n, &err) == STORE_OK &&
	       n == 1 && strcmp(list[0].name, "sentiment") == 0,
	       "store_model_list should filter on a substring");
	store_models_free(list, n);
	tap_ok(store_model_get(s, "nope", &m, &err) == STORE_ERR_NOT_FOUND,
	       "store_model_get should say not found");
}

static void
test_versions(struct store *s)
{
	struct store_error err = { "" };
	struct store_version v, *vs = NULL;
	struct store_model m;
	enum store_status st;
	bool created = false;
	size_t n = 0;
	char path[600];
	struct stat sb;

	tap_ok(add(s, "sentiment", "a", &created, &st) == 1 && created,
	       "store_version_add should number the first version 1");
	tap_ok(add(s, "sentiment", "b", &created, &st) == 2 && created,
	       "store_version_add should number the next version 2");
	tap_ok(add(s, "sentiment", "a", &created, &st) == 1 && !created,
	       "store_version_add of the same bytes should give the existing "
	       "version");
	tap_ok(add(s, "nope", "a", &created, &st) == 0 &&
	       st == STORE_ERR_NOT_FOUND,
	       "store_version_add should refuse an unknown model");
	st = store_version_add(s, "sentiment", "not an artifact", 15, "t", &v,
			       &created, &err);
	tap_ok(st == STORE_ERR_INVALID && strstr(err.msg, "invalid artifact"),
	       "store_version_add should refuse bytes that are no artifact: %s",
	       err.msg);
	tap_ok(store_model_get(s, "sentiment", &m, &err) == STORE_OK &&
	       m.latest_version == 2 && m.active_version == 0,
	       "uploading should never activate");
	store_model_clear(&m);
	tap_ok(store_version_list(s, "sentiment", &vs, &n, &err) == STORE_OK &&
	       n == 2 && vs[0].version == 2 &&
	       strcmp(vs[0].classes_json, "[\"cv\",\"nlp\",\"other\"]") == 0 &&
	       vs[0].n_features == 6 && strcmp(vs[0].created_by, "test") == 0,
	       "store_version_list should list newest first with classes");
	if (n > 0) {
		store_artifact_path(s, vs[0].checksum, path, sizeof(path));
		tap_ok(stat(path, &sb) == 0 && sb.st_size == vs[0].size,
		       "the artifact should be stored under its checksum");
	} else {
		tap_ok(0, "the artifact should be stored under its checksum");
	}
	store_versions_free(vs, n);
	tap_ok(store_version_get(s, "sentiment", 9, &v, &err) ==
	       STORE_ERR_NOT_FOUND, "store_version_get should say not found");
}

static void
test_activation(struct store *s)
{
	struct store_error err = { "" };
	struct store_activation *h = NULL;
	struct store_active *a = NULL;
	long long prev = -1;
	size_t n = 0;
	struct stat before, after;

	stat(store_generation_path(s), &before);
	tap_ok(store_activate(s, "sentiment", 1, "ann", &prev, &err) ==
	       STORE_OK && prev == 0, "store_activate should activate 1");
	tap_ok(store_activate(s, "sentiment", 2, "bob", &prev, &err) ==
	       STORE_OK && prev == 1, "store_activate should name the "
	       "previous version");
	tap_ok(store_activate(s, "sentiment", 2, "bob", &prev, &err) ==
	       STORE_OK && prev == 2, "store_activate should be idempotent");
	tap_ok(store_activate(s, "sentiment", 7, "bob", &prev, &err) ==
	       STORE_ERR_NOT_FOUND, "store_activate should refuse an unknown "
	       "version");
	tap_ok(store_activations(s, "sentiment", &h, &n, &err) == STORE_OK &&
	       n == 2 && h[0].version == 2 && h[0].previous_version == 1 &&
	       strcmp(h[0].activated_by, "bob") == 0 && h[1].version == 1 &&
	       h[1].previous_version == 0,
	       "store_activations should list the history newest first");
	free(h);
	stat(store_generation_path(s), &after);
	tap_ok(after.st_ino != before.st_ino ||
	       after.st_mtim.tv_nsec != before.st_mtim.tv_nsec ||
	       after.st_mtim.tv_sec != before.st_mtim.tv_sec,
	       "an activation should replace the generation file");
	tap_ok(store_active_list(s, &a, &n, &err) == STORE_OK && n == 2 &&
	       strcmp(a[0].name, "sentiment") == 0 && a[0].version == 2 &&
	       strcmp(a[1].name, "tagifai") == 0 && a[1].version == 1,
	       "store_active_list should give the active pointers");
	free(a);
	tap_ok(store_version_delete(s, "sentiment", 2, &err) ==
	       STORE_ERR_CONFLICT, "store_version_delete should refuse the "
	       "active version: %s", err.msg);
	tap_ok(store_version_delete(s, "sentiment", 1, &err) == STORE_OK,
	       "store_version_delete should delete an inactive version");
	tap_ok(store_version_delete(s, "sentiment", 1, &err) ==
	       STORE_ERR_NOT_FOUND, "store_version_delete twice is not found");
	tap_ok(store_model_delete(s, "sentiment", "sentiment", &err) ==
	       STORE_ERR_CONFLICT, "store_model_delete should refuse the "
	       "default model");
	tap_ok(store_model_delete(s, "sentiment", "tagifai", &err) ==
	       STORE_OK, "store_model_delete should delete a model");
	tap_ok(store_activations(s, "sentiment", &h, &n, &err) ==
	       STORE_ERR_NOT_FOUND, "a deleted model has no history");
}

/* Four processes upload different bytes at once: distinct consecutive
 * numbers. */
static void
test_concurrent(void)
{
	struct store_error err = { "" };
	struct store_version *vs = NULL;
	struct store *s = NULL;
	size_t n = 0;
	int ok = 1;

	for (int i = 0; i < 4; i++) {
		pid_t pid = fork();

		if (pid == 0) {
			struct store *c = NULL;
			enum store_status st = STORE_ERR_IO;
			bool created;
			char ver[8];

			snprintf(ver, sizeof(ver), "c%d", i);
			if (store_open(dir, &c, &err) == STORE_OK)
				(void)add(c, "topics", ver, &created, &st);
			store_close(c);
			fflush(stdout);
			_exit(st == STORE_OK ? 0 : 1);
		}
	}
	for (int i = 0; i < 4; i++) {
		int ws;

		if (wait(&ws) < 0 || !WIFEXITED(ws) || WEXITSTATUS(ws) != 0)
			ok = 0;
	}
	if (store_open(dir, &s, &err) == STORE_OK &&
	    store_version_list(s, "topics", &vs, &n, &err) == STORE_OK && n == 4)
		for (size_t i = 0; i < n; i++)
			if (vs[i].version != (long long)(4 - i))
				ok = 0;
	tap_ok(ok && n == 4, "concurrent uploads should get versions 1..4 "
	       "(%zu versions)", n);
	store_versions_free(vs, n);
	store_close(s);
}

/* Four processes start on one empty registry at once: exactly one seeds
 * it, completely (a model with version 1 active and its activation). */
static void
test_concurrent_seed(const char *seed)
{
	struct store_error err = { "" };
	struct store_activation *h = NULL;
	struct store_model m;
	struct store *s = NULL;
	char sub[300];
	size_t n = 0;
	int seeders = 0, failures = 0;

	snprintf(sub, sizeof(sub), "%s/seed-race", dir);
	for (int i = 0; i < 4; i++) {
		pid_t pid = fork();

		if (pid == 0) {
			struct store *c = NULL;
			bool seeded = false;
			int rc = 2;

			if (store_open(sub, &c, &err) == STORE_OK &&
			    store_seed(c, "tagifai", seed, &seeded, &err) ==
				    STORE_OK)
				rc = seeded ? 0 : 1;
			store_close(c);
			_exit(rc);
		}
	}
	for (int i = 0; i < 4; i++) {
		int ws;

		if (wait(&ws) < 0 || !WIFEXITED(ws) || WEXITSTATUS(ws) > 1)
			failures++;
		else if (WEXITSTATUS(ws) == 0)
			seeders++;
	}
	tap_ok(failures == 0 && seeders == 1, "store_seed from 4 processes "
	       "at once should seed once (%d seeded, %d failed)", seeders,
	       failures);
	tap_ok(store_open(sub, &s, &err) == STORE_OK &&
	       store_model_get(s, "tagifai", &m, &err) == STORE_OK &&
	       m.active_version == 1 && m.latest_version == 1 &&
	       store_activations(s, "tagifai", &h, &n, &err) == STORE_OK &&
	       n == 1, "the seeded registry should be complete");
	if (s != NULL && n > 0)
		store_model_clear(&m);
	free(h);
	store_close(s);
}

static void
test_busy(struct store *s)
{
	struct store_error err = { "" };
	sqlite3 *other = NULL;
	char path[300];
	long long prev;

	snprintf(path, sizeof(path), "%s/" STORE_DB_NAME, dir);
	if (sqlite3_open(path, &other) != SQLITE_OK ||
	    sqlite3_exec(other, "BEGIN IMMEDIATE", NULL, NULL, NULL) !=
		    SQLITE_OK) {
		tap_ok(0, "a second connection should take the write lock");
		sqlite3_close(other);
		return;
	}
	tap_ok(store_model_create(s, "busy", "", NULL, &err) == STORE_ERR_BUSY,
	       "a write past the busy timeout should be STORE_ERR_BUSY: %s",
	       err.msg);
	tap_ok(store_activate(s, "topics", 1, "x", &prev, &err) ==
	       STORE_ERR_BUSY, "an activation past the busy timeout should be "
	       "STORE_ERR_BUSY");
	sqlite3_exec(other, "ROLLBACK", NULL, NULL, NULL);
	sqlite3_close(other);
}

int
main(void)
{
	struct store_error err = { "" };
	struct store *s = NULL;
	char cmd[300], seed[300];
	size_t len = 0;
	char *data;
	bool seeded = false;

	snprintf(dir, sizeof(dir), "%s/store_test.XXXXXX",
		 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (mkdtemp(dir) == NULL)
		return 99;
	tap_ok(store_open(dir, &s, &err) == STORE_OK, "store_open should make "
	       "a registry: %s", err.msg);
	store_close(s);
	s = NULL;
	tap_ok(store_open(dir, &s, &err) == STORE_OK, "store_open should open "
	       "it again (migrations applied once): %s", err.msg);
	if (s == NULL)
		return tap_done();
	snprintf(seed, sizeof(seed), "%s.seed", dir);
	data = tiny_bytes("seed", &len);
	{
		FILE *f = fopen(seed, "wb");

		if (f != NULL) {
			fwrite(data, 1, len, f);
			fclose(f);
		}
	}
	free(data);
	tap_ok(store_seed(s, "tagifai", seed, &seeded, &err) == STORE_OK &&
	       seeded, "store_seed should register the bundled model: %s",
	       err.msg);
	tap_ok(store_seed(s, "tagifai", seed, &seeded, &err) == STORE_OK &&
	       !seeded, "store_seed should do nothing on a second start");
	test_concurrent_seed(seed);
	unlink(seed);
	test_models(s);
	test_versions(s);
	test_activation(s);
	test_concurrent();
	test_busy(s);
	tap_ok(store_gc(s, &err) == STORE_OK, "store_gc should run: %s",
	       err.msg);
	{
		int named = 1;

		for (int st = 0; st < STORE__MAX; st++)
			if (strcmp(store_strerror((enum store_status)st),
				   "unknown status") == 0)
				named = 0;
		tap_ok(named && strcmp(store_strerror(STORE__MAX),
				       "unknown status") == 0,
		       "store_strerror should name every status");
	}
	store_close(s);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		printf("# could not remove %s\n", dir);
	return tap_done();
}
