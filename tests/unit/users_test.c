/* SPDX-License-Identifier: MIT
 * tests/unit/users_test.c - users and API keys in the registry's store
 * (store/store.h): names, roles, issuing, verifying, expiry, revocation,
 * the server secret's file, and that registry.db holds no key or secret.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "store/store.h"
#include "util/file.h"
#include "tests/unit/tap.h"

static char dir[256];

static void
test_names(void)
{
	tap_ok(store_user_name_ok("alice") && store_user_name_ok("a.b_c-9") &&
	       store_user_name_ok("0"), "user names with . _ - are valid");
	tap_ok(!store_user_name_ok("") && !store_user_name_ok(".a") &&
	       !store_user_name_ok("-a") && !store_user_name_ok("_a") &&
	       !store_user_name_ok("Alice") && !store_user_name_ok("a/b") &&
	       !store_user_name_ok("a b"), "bad user names are refused");
	{
		char longname[STORE_NAME_MAX + 2];

		memset(longname, 'a', sizeof(longname) - 1);
		longname[sizeof(longname) - 1] = '\0';
		tap_ok(!store_user_name_ok(longname), "64 bytes is too long");
		longname[STORE_NAME_MAX] = '\0';
		tap_ok(store_user_name_ok(longname), "63 bytes is fine");
	}
	tap_ok(store_role_parse("read") == STORE_ROLE_READ &&
	       store_role_parse("admin") == STORE_ROLE_ADMIN &&
	       store_role_parse("root") == 0 && store_role_parse("") == 0,
	       "roles parse");
	tap_ok(store_roles_grant(STORE_ROLE_ADMIN, STORE_ROLE_DEPLOY) &&
	       store_roles_grant(STORE_ROLE_READ, STORE_ROLE_READ) &&
	       !store_roles_grant(STORE_ROLE_READ, STORE_ROLE_DEPLOY),
	       "admin implies every role, others only themselves");
}

/* True when the file at path contains needle. */
static bool
file_has(const char *path, const char *needle)
{
	char *data = NULL;
	size_t len = 0, n = strlen(needle);
	bool found = false;

	if (util_file_read(path, 1 << 26, &data, &len) != UTIL_OK)
		return true;
	for (size_t i = 0; i + n <= len && !found; i++)
		found = memcmp(data + i, needle, n) == 0;
	free(data);
	return found;
}

static void
test_keys(struct store *s)
{
	struct store_error err = { "" };
	struct store_user u;
	struct store_key k, *list = NULL;
	struct store_user *users = NULL;
	char key[STORE_KEY_MAX], key2[STORE_KEY_MAX], bad[STORE_KEY_MAX];
	char path[400];
	size_t n = 0;
	sqlite3 *db = NULL;

	tap_ok(store_user_create(s, "alice", STORE_ROLE_READ |
				 STORE_ROLE_DEPLOY, &u, &err) == STORE_OK &&
	       strcmp(u.name, "alice") == 0 &&
	       u.roles == (STORE_ROLE_READ | STORE_ROLE_DEPLOY) &&
	       u.created_at[0] != '\0', "a user is created: %s", err.msg);
	tap_ok(store_user_create(s, "alice", STORE_ROLE_READ, NULL, &err) ==
	       STORE_ERR_EXISTS, "a taken name is STORE_ERR_EXISTS");
	tap_ok(store_user_create(s, "Bob", STORE_ROLE_READ, NULL, &err) ==
	       STORE_ERR_INVALID, "a bad name is STORE_ERR_INVALID");
	tap_ok(store_user_create(s, "bob", 0, NULL, &err) == STORE_ERR_INVALID
	       && store_user_create(s, "bob", 1u << 8, NULL, &err) ==
	       STORE_ERR_INVALID, "no role or an unknown role is invalid");
	tap_ok(store_user_create(s, "bob", STORE_ROLE_ADMIN, NULL, &err) ==
	       STORE_OK, "an admin is created");
	tap_ok(store_user_list(s, &users, &n, &err) == STORE_OK && n == 2 &&
	       strcmp(users[0].name, "alice") == 0 &&
	       strcmp(users[1].name, "bob") == 0, "users are listed by name");
	free(users);

	tap_ok(store_key_create(s, "alice", 0, key, &k, &err) == STORE_OK &&
	       strlen(key) == STORE_KEY_MAX - 1 &&
	       strncmp(key, "tgf_", 4) == 0 &&
	       strncmp(key + 4, k.id, STORE_KEY_ID_HEX) == 0 &&
	       k.expires_at[0] == '\0' && k.last_used_at[0] == '\0',
	       "a key is issued as tgf_<id>_<secret>: %s", err.msg);
	tap_ok(store_key_create(s, "nobody", 0, key2, NULL, &err) ==
	       STORE_ERR_NOT_FOUND, "no key for an unknown user");
	tap_ok(store_key_create(s, "alice", -1, key2, NULL, &err) ==
	       STORE_ERR_INVALID && store_key_create(s, "alice",
	       STORE_KEY_DAYS_MAX + 1, key2, NULL, &err) == STORE_ERR_INVALID,
	       "expiry out of range is invalid");
	memset(&u, 0, sizeof(u));
	tap_ok(store_key_verify(s, key, strlen(key), &u, &err) == STORE_OK &&
	       strcmp(u.name, "alice") == 0, "the key authenticates alice: %s",
	       err.msg);
	tap_ok(store_key_list(s, "alice", &list, &n, &err) == STORE_OK &&
	       n == 1 && strcmp(list[0].id, k.id) == 0 &&
	       list[0].last_used_at[0] != '\0', "the key is listed, with its "
	       "last use");
	free(list);

	/* Every wrong form is STORE_ERR_DENIED. */
	memcpy(bad, key, sizeof(bad));
	bad[STORE_KEY_MAX - 2] = bad[STORE_KEY_MAX - 2] == '0' ? '1' : '0';
	tap_ok(store_key_verify(s, bad, strlen(bad), &u, &err) ==
	       STORE_ERR_DENIED, "a wrong secret is denied");
	memcpy(bad, key, sizeof(bad));
	bad[5] = bad[5] == '0' ? '1' : '0';
	tap_ok(store_key_verify(s, bad, strlen(bad), &u, &err) ==
	       STORE_ERR_DENIED, "an unknown id is denied");
	tap_ok(store_key_verify(s, key, strlen(key) - 1, &u, &err) ==
	       STORE_ERR_DENIED && store_key_verify(s, "", 0, &u, &err) ==
	       STORE_ERR_DENIED && store_key_verify(s, "tgf_", 4, &u, &err) ==
	       STORE_ERR_DENIED, "short and empty keys are denied");
	memcpy(bad, key, sizeof(bad));
	bad[0] = 'T';
	tap_ok(store_key_verify(s, bad, strlen(bad), &u, &err) ==
	       STORE_ERR_DENIED, "a wrong prefix is denied");

	/* Expiry: a key whose date has passed is denied. */
	tap_ok(store_key_create(s, "alice", 30, key2, &k, &err) == STORE_OK &&
	       k.expires_at[0] != '\0', "a key with an expiry: %s", err.msg);
	tap_ok(store_key_verify(s, key2, strlen(key2), &u, &err) == STORE_OK,
	       "it works before its expiry");
	snprintf(path, sizeof(path), "%s/" STORE_DB_NAME, dir);
	if (sqlite3_open(path, &db) == SQLITE_OK) {
		char sql[200];

		snprintf(sql, sizeof(sql), "UPDATE api_keys SET expires_at = "
			 "'2000-01-01T00:00:00Z' WHERE id='%s'", k.id);
		tap_ok(sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK,
		       "backdate the expiry");
		sqlite3_close(db);
	}
	tap_ok(store_key_verify(s, key2, strlen(key2), &u, &err) ==
	       STORE_ERR_DENIED, "an expired key is denied");

	/* Neither the key nor its secret part is in the database. */
	tap_ok(store_gc(s, &err) == STORE_OK, "store_gc: %s", err.msg);
	tap_ok(!file_has(path, key) && !file_has(path, key + 4 +
	       STORE_KEY_ID_HEX + 1), "registry.db holds neither the key nor "
	       "its secret");
	snprintf(path, sizeof(path), "%s/" STORE_DB_NAME "-wal", dir);
	tap_ok(!file_has(path, key + 4 + STORE_KEY_ID_HEX + 1),
	       "nor does its WAL");

	/* Revocation. */
	tap_ok(store_key_delete(s, "alice", k.id, &err) == STORE_OK,
	       "a key is revoked: %s", err.msg);
	tap_ok(store_key_delete(s, "alice", k.id, &err) == STORE_ERR_NOT_FOUND,
	       "twice is not found");
	tap_ok(store_key_delete(s, "nobody", k.id, &err) == STORE_ERR_NOT_FOUND,
	       "an unknown user's key is not found");
	tap_ok(store_key_verify(s, key, strlen(key), &u, &err) == STORE_OK,
	       "the other key still works");
	tap_ok(store_user_delete(s, "alice", &err) == STORE_OK &&
	       store_key_verify(s, key, strlen(key), &u, &err) ==
	       STORE_ERR_DENIED, "deleting the user kills their keys");
	tap_ok(store_user_delete(s, "alice", &err) == STORE_ERR_NOT_FOUND &&
	       store_user_get(s, "alice", &u, &err) == STORE_ERR_NOT_FOUND,
	       "the user is gone");
}

static void
test_secret(void)
{
	struct store_error err = { "" };
	struct store *s = NULL;
	struct stat sb;
	char path[400];
	char key[STORE_KEY_MAX];
	struct store_user u;

	snprintf(path, sizeof(path), "%s/" STORE_SECRET_NAME, dir);
	tap_ok(stat(path, &sb) == 0 && (sb.st_mode & 0777) == 0600 &&
	       sb.st_size == 32, "the server secret is a 0600 file of 32 "
	       "bytes");
	tap_ok(store_open(dir, &s, &err) == STORE_OK &&
	       store_key_create(s, "bob", 0, key, NULL, &err) == STORE_OK,
	       "a key for bob: %s", err.msg);
	store_close(s);
	s = NULL;
	/* Another secret: the database alone authenticates no one. */
	if (unlink(path) == 0 && store_open(dir, &s, &err) == STORE_OK) {
		tap_ok(store_key_verify(s, key, strlen(key), &u, &err) ==
		       STORE_ERR_DENIED, "without its secret file, the "
		       "database does not verify a key");
		store_close(s);
		s = NULL;
	} else {
		tap_ok(0, "reopen with a new secret: %s", err.msg);
	}
	tap_ok(chmod(path, 0644) == 0 && store_open(dir, &s, &err) ==
	       STORE_OK && store_key_verify(s, key, strlen(key), &u, &err) ==
	       STORE_ERR_IO && strstr(err.msg, "0600") != NULL,
	       "a secret others can read is refused: %s", err.msg);
	store_close(s);
}

int
main(void)
{
	struct store_error err = { "" };
	struct store *s = NULL;
	char cmd[300];

	snprintf(dir, sizeof(dir), "%s/users_test.XXXXXX",
		 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (mkdtemp(dir) == NULL)
		return 99;
	test_names();
	tap_ok(store_open(dir, &s, &err) == STORE_OK, "store_open: %s",
	       err.msg);
	if (s == NULL)
		return tap_done();
	test_keys(s);
	store_close(s);
	test_secret();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		printf("# could not remove %s\n", dir);
	return tap_done();
}
