/* SPDX-License-Identifier: MIT
 * fcgi/auth.h - who is calling: the API key of `Authorization: Bearer
 * <key>` verified against the registry's users (store/store.h), and
 * whether they hold the role a route needs (fcgi/route.h).
 *
 * Checked by dispatch right after routing and the method, before the
 * body is read.  Nothing is cached: every check reads the store, so a
 * revoked key or a deleted user is refused by every process as soon as
 * the DELETE commits.  The key is never copied, logged or echoed.
 */
#ifndef FCGI_AUTH_H
#define FCGI_AUTH_H

#include "fcgi/respond.h"
#include "fcgi/route.h"

struct app;
struct request;

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
