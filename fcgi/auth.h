/* SPDX-License-Identifier: MIT
 * fcgi/auth.h - who is calling: the API key of `Authorization: Bearer
 * <key>` verified against the registry's users (store/store.h), and
 * whether they hold the role a route needs (fcgi/route.h).
 *
 * Checked by dispatch right after routing and the method, before the
 * body is read.  A process remembers the keys it verified (struct
 * auth_cache: their 128-bit SipHash (libsodium crypto_shorthash_
 * siphashx24) keyed with a random key of the process, not the keys: a
 * forgery must guess 124 bits per try) only while the registry's generation stays the same
 * (registry.changes): a revocation or a user's deletion bumps it, and
 * every worker forgets before the DELETE's answer is sent (the shared
 * page), other processes within REGISTRY_POLL_MS (the generation file).
 * An entry is also re-verified at least every STORE_KEY_TOUCH_S (which
 * records the key's last use) and never outlives the key's expiry.  The
 * key is never copied, logged or echoed.
 */
#ifndef FCGI_AUTH_H
#define FCGI_AUTH_H

#include <stdbool.h>

#include "fcgi/respond.h"
#include "fcgi/route.h"
#include "store/store.h"

#define AUTH_CACHE_MAX 16     /* verified keys a process remembers */

struct app;
struct request;

struct auth_entry {
	bool used;
	unsigned char digest[16];       /* the key, hashed with cache key */
	struct store_user user;
	long long verified_s;           /* when the store said yes */
	unsigned long long changes;     /* registry.changes then */
};

struct auth_cache {
	bool keyed;
	unsigned char key[16];          /* random, this process's own */
	struct auth_entry e[AUTH_CACHE_MAX];
	size_t next;                    /* the entry replaced next */
};

#define AUTH_REALM "Bearer realm=\"tagifai\""
/* An Authorization header longer than this is refused unread. */
#define AUTH_HEADER_MAX 256

/* The store role bits of route role r (0 for ROLE_PUBLIC and ROLE_USER:
 * any valid key). */
unsigned auth_store_role(enum route_role r);

/* True when req may use a route needing role: req->user is filled.
 * Otherwise res is the answer: 401 with WWW-Authenticate (no key, or one
 * that authenticates no one: the same detail whatever the reason), 403
 * (a valid key without the role), or 503 (the store failed). */
bool auth_authorize(struct app *app, struct request *req,
		    enum route_role role, struct response *res);

#endif
