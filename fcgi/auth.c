/* SPDX-License-Identifier: MIT
 * fcgi/auth.c - Bearer API keys against the registry's users.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <sodium.h>

#include "fcgi/app.h"
#include "fcgi/auth.h"
#include "fcgi/log.h"
#include "fcgi/models.h"
#include "fcgi/request.h"

unsigned
auth_store_role(enum route_role r)
{
	switch (r) {
	case ROLE_READ: return STORE_ROLE_READ;
	case ROLE_PREDICT: return STORE_ROLE_PREDICT;
	case ROLE_DEPLOY: return STORE_ROLE_DEPLOY;
	case ROLE_ADMIN: return STORE_ROLE_ADMIN;
	case ROLE_USER: return 0;
	default: return 0;
	}
}

static bool
refuse(struct response *res, enum http_error e)
{
	respond_error(res, e);
	if (e == HTTP_ERR_UNAUTHORIZED)
		res->www_authenticate = AUTH_REALM;
	return false;
}

/* The key of "Bearer <key>" (scheme case-insensitive, RFC 9110 section
 * 11.1), or NULL; *len its length. */
static const char *
bearer(const char *h, size_t *len)
{
	size_t n;

	if (h == NULL || strnlen(h, AUTH_HEADER_MAX + 1) > AUTH_HEADER_MAX ||
	    strncasecmp(h, "Bearer ", 7) != 0)
		return NULL;
	h += 7;
	while (*h == ' ')
		h++;
	n = strlen(h);
	while (n > 0 && (h[n - 1] == ' ' || h[n - 1] == '\t'))
		n--;
	*len = n;
	return n > 0 ? h : NULL;
}

/* The cached user of the key hashed to digest, or NULL. */
_Static_assert(sizeof(((struct auth_entry *)0)->digest) ==
	       crypto_shorthash_siphashx24_BYTES, "auth_entry digest size");
_Static_assert(sizeof(((struct auth_cache *)0)->key) ==
	       crypto_shorthash_siphashx24_KEYBYTES, "auth_cache key size");

static const struct store_user *
cache_find(struct app *app, const unsigned char *digest, long long now)
{
	for (size_t i = 0; i < AUTH_CACHE_MAX; i++) {
		struct auth_entry *e = &app->auth.e[i];

		if (!e->used)
			continue;
		if (e->changes != app->reg.changes ||
		    now >= e->verified_s + STORE_KEY_TOUCH_S ||
		    (e->user.key_expires_s != 0 &&
		     now >= e->user.key_expires_s)) {
			sodium_memzero(e, sizeof(*e));
			continue;
		}
		if (sodium_memcmp(e->digest, digest, sizeof(e->digest)) == 0)
			return &e->user;
	}
	return NULL;
}

static void
cache_add(struct app *app, const unsigned char *digest,
	  const struct store_user *u, long long now)
{
	struct auth_entry *e = &app->auth.e[app->auth.next];

	app->auth.next = (app->auth.next + 1) % AUTH_CACHE_MAX;
	e->used = true;
	memcpy(e->digest, digest, sizeof(e->digest));
	e->user = *u;
	e->verified_s = now;
	e->changes = app->reg.changes;
}

bool
auth_authorize(struct app *app, struct request *req, enum route_role role,
	       struct response *res)
{
	unsigned char digest[crypto_shorthash_siphashx24_BYTES];
	const struct store_user *hit;
	long long now = (long long)time(NULL);
	struct store_error err = { "" };
	struct store *s = NULL;
	enum store_status st;
	size_t len = 0;
	const char *key = bearer(req->authorization, &len);

	memset(&req->user, 0, sizeof(req->user));
	/* Without a registry there are no users: no key is valid. */
	if (key == NULL || app->cfg.registry_dir == NULL)
		return refuse(res, HTTP_ERR_UNAUTHORIZED);
	if (!app->auth.keyed) {
		randombytes_buf(app->auth.key, sizeof(app->auth.key));
		app->auth.keyed = true;
	}
	/* Cheap enough for every request (a BLAKE2b was 4 % of one). */
	crypto_shorthash_siphashx24(digest, (const unsigned char *)key, len,
				    app->auth.key);
	hit = cache_find(app, digest, now);
	if (hit != NULL) {
		req->user = *hit;
		st = STORE_OK;
	} else {
		st = registry_store(&app->reg, &s, &err);
		if (st == STORE_OK)
			st = store_key_verify(s, key, len, &req->user, &err);
		if (st == STORE_OK)
			cache_add(app, digest, &req->user, now);
	}
	switch (st) {
	case STORE_OK:
		break;
	case STORE_ERR_DENIED:
		return refuse(res, HTTP_ERR_UNAUTHORIZED);
	default:
		/* The store failed (never the key's fault): 503. */
		fprintf(stderr, "tagifai-fcgi: auth: %s\n", err.msg);
		models_store_error(res, st == STORE_ERR_BUSY ? STORE_ERR_BUSY
				   : STORE_ERR_IO);
		return false;
	}
	if (!store_roles_grant(req->user.roles, auth_store_role(role)))
		return refuse(res, HTTP_ERR_FORBIDDEN);
	return true;
}
