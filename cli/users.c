/* SPDX-License-Identifier: MIT
 * cli/users.c - `tagifai users`: users and API keys for operators, through
 * the registry's store (store/store.h).  This is how the first admin is
 * made: there is no default user or password.  A key is printed once,
 * when it is issued, and never again (only its keyed hash is stored).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "cli/cli.h"
#include "store/store.h"

static void
usage(FILE *f)
{
	fprintf(f,
"usage: tagifai users ACTION [ARGS] --registry DIR\n"
"\n"
"  create NAME --role ROLE [--role ROLE...] [--expires-in-days N]\n"
"                      a user and their first API key, printed once\n"
"  list                the users and their roles\n"
"  delete NAME         a user and all their keys\n"
"  keys NAME           a user's keys: ids, dates, last use (never secrets)\n"
"  key-create NAME [--expires-in-days N]\n"
"                      a new key for NAME, printed once\n"
"  key-delete NAME ID  revoke a key\n"
"\n"
"  --registry DIR      the registry (TAGIFAI_REGISTRY)\n"
"  --role ROLE         read, predict, deploy or admin (admin implies all);\n"
"                      repeat or separate with commas\n"
"  --quiet             print only the key (create, key-create)\n"
"Exit status: 0 done, 1 refused or failed, 2 usage.\n");
}

struct ctx {
	struct store *s;
	struct store_error err;
	unsigned roles;
	long long days;
	bool quiet;
};

static int
failed(struct ctx *c, enum store_status st)
{
	fprintf(stderr, "tagifai users: %s\n", c->err.msg[0] ? c->err.msg
		: store_strerror(st));
	return 1;
}

/* "read,deploy" into *roles; false on an unknown role. */
static bool
parse_roles(const char *text, unsigned *roles)
{
	char buf[128], *save = NULL;

	if (strlen(text) >= sizeof(buf))
		return false;
	snprintf(buf, sizeof(buf), "%s", text);
	for (char *t = strtok_r(buf, ",", &save); t != NULL;
	     t = strtok_r(NULL, ",", &save)) {
		unsigned r = store_role_parse(t);

		if (r == 0)
			return false;
		*roles |= r;
	}
	return true;
}

static void
roles_text(unsigned roles, char *buf, size_t len)
{
	size_t at = 0;

	buf[0] = '\0';
	for (unsigned bit = 1; bit <= STORE_ROLE_ADMIN; bit <<= 1)
		if ((roles & bit) && at < len)
			at += (size_t)snprintf(buf + at, len - at, "%s%s",
					       at ? "," : "",
					       store_role_name(bit));
}

static int
issue(struct ctx *c, const char *name)
{
	char key[STORE_KEY_MAX];
	struct store_key k;
	enum store_status st = store_key_create(c->s, name, c->days, key, &k,
						&c->err);

	if (st != STORE_OK)
		return failed(c, st);
	if (c->quiet) {
		printf("%s\n", key);
	} else {
		printf("API key for %s (shown once, store it now):\n%s\n", name,
		       key);
		printf("id: %s  created: %s  expires: %s\n", k.id, k.created_at,
		       k.expires_at[0] ? k.expires_at : "never");
	}
	sodium_memzero(key, sizeof(key));
	return fflush(stdout) == 0 ? 0 : 1;
}

static int
list(struct ctx *c)
{
	struct store_user *u = NULL;
	size_t n = 0;
	char r[64];
	enum store_status st = store_user_list(c->s, &u, &n, &c->err);

	if (st != STORE_OK)
		return failed(c, st);
	printf("%-32s %-28s %s\n", "NAME", "ROLES", "CREATED");
	for (size_t i = 0; i < n; i++) {
		roles_text(u[i].roles, r, sizeof(r));
		printf("%-32s %-28s %s\n", u[i].name, r, u[i].created_at);
	}
	free(u);
	return 0;
}

static int
keys(struct ctx *c, const char *name)
{
	struct store_key *k = NULL;
	size_t n = 0;
	enum store_status st = store_key_list(c->s, name, &k, &n, &c->err);

	if (st != STORE_OK)
		return failed(c, st);
	printf("%-16s %-20s %-20s %s\n", "ID", "CREATED", "EXPIRES",
	       "LAST_USED");
	for (size_t i = 0; i < n; i++)
		printf("%-16s %-20s %-20s %s\n", k[i].id, k[i].created_at,
		       k[i].expires_at[0] ? k[i].expires_at : "never",
		       k[i].last_used_at[0] ? k[i].last_used_at : "never");
	free(k);
	return 0;
}

static int
run(struct ctx *c, const char *action, int n, char **a)
{
	enum store_status st;

	if (strcmp(action, "create") == 0 && n == 1) {
		if (c->roles == 0) {
			fprintf(stderr, "tagifai users: create needs --role\n");
			return 2;
		}
		st = store_user_create(c->s, a[0], c->roles, NULL, &c->err);
		if (st != STORE_OK)
			return failed(c, st);
		if (!c->quiet)
			printf("created user %s\n", a[0]);
		return issue(c, a[0]);
	}
	if (strcmp(action, "list") == 0 && n == 0)
		return list(c);
	if (strcmp(action, "delete") == 0 && n == 1) {
		st = store_user_delete(c->s, a[0], &c->err);
		if (st != STORE_OK)
			return failed(c, st);
		printf("deleted user %s and their keys\n", a[0]);
		return 0;
	}
	if (strcmp(action, "keys") == 0 && n == 1)
		return keys(c, a[0]);
	if (strcmp(action, "key-create") == 0 && n == 1)
		return issue(c, a[0]);
	if (strcmp(action, "key-delete") == 0 && n == 2) {
		st = store_key_delete(c->s, a[0], a[1], &c->err);
		if (st != STORE_OK)
			return failed(c, st);
		printf("revoked key %s of %s\n", a[1], a[0]);
		return 0;
	}
	fprintf(stderr, "tagifai users: unknown action or wrong arguments: "
		"%s\n", action);
	usage(stderr);
	return 2;
}

int
cli_users(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "registry", required_argument, NULL, 'r' },
		{ "role", required_argument, NULL, 'R' },
		{ "expires-in-days", required_argument, NULL, 'e' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct ctx c = { 0 };
	const char *dir = getenv("TAGIFAI_REGISTRY");
	char *end;
	int ch, rc;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "hq", opts, NULL)) != -1) {
		switch (ch) {
		case 'r': dir = optarg; break;
		case 'R':
			if (!parse_roles(optarg, &c.roles)) {
				fprintf(stderr, "tagifai users: unknown role "
					"'%s' (read, predict, deploy, admin)\n",
					optarg);
				return 2;
			}
			break;
		case 'e':
			errno = 0;
			c.days = strtoll(optarg, &end, 10);
			if (errno != 0 || *end != '\0' || c.days < 1 ||
			    c.days > STORE_KEY_DAYS_MAX) {
				fprintf(stderr, "tagifai users: --expires-in-"
					"days must be from 1 to %d\n",
					STORE_KEY_DAYS_MAX);
				return 2;
			}
			break;
		case 'q': c.quiet = true; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return 2;
	}
	if (dir == NULL || dir[0] == '\0') {
		fprintf(stderr, "tagifai users: --registry DIR (or "
			"TAGIFAI_REGISTRY) is required\n");
		return 2;
	}
	rc = store_open(dir, &c.s, &c.err);
	if (rc != STORE_OK)
		return failed(&c, (enum store_status)rc);
	rc = run(&c, argv[optind], argc - optind - 1, argv + optind + 1);
	store_close(c.s);
	return rc;
}
