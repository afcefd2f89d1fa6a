/* SPDX-License-Identifier: MIT
 * fcgi/users.c - users and API keys over HTTP (store/store.h).
 *
 * Answers never carry a key's secret, except the one POST .../api-keys
 * that issues it.  A non-admin may only reach their own keys: asking for
 * another user's is 403 whether that user exists or not.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <sodium.h>

#include "fcgi/app.h"
#include "fcgi/handlers.h"
#include "fcgi/models.h"
#include "fcgi/request.h"
#include "fcgi/users.h"
#include "util/buf.h"
#include "util/json.h"

static void
add_key(struct util_buf *b, const char *key, const char *value)
{
	util_buf_adds(b, key);
	util_json_str(b, value, strlen(value));
}

/* A date, or null when "". */
static void
add_date(struct util_buf *b, const char *key, const char *value)
{
	if (value[0] == '\0') {
		util_buf_adds(b, key);
		util_buf_adds(b, "null");
		return;
	}
	add_key(b, key, value);
}

/* {"name","roles":[...],"created_at"} */
static void
add_user(struct util_buf *b, const struct store_user *u)
{
	bool first = true;

	add_key(b, "{\"name\":", u->name);
	util_buf_adds(b, ",\"roles\":[");
	for (unsigned bit = 1; bit <= STORE_ROLE_ADMIN; bit <<= 1) {
		if ((u->roles & bit) == 0)
			continue;
		util_buf_adds(b, first ? "\"" : ",\"");
		util_buf_adds(b, store_role_name(bit));
		util_buf_adds(b, "\"");
		first = false;
	}
	util_buf_adds(b, "]");
	add_key(b, ",\"created_at\":", u->created_at);
	util_buf_adds(b, "}");
}

/* {"id","created_at","expires_at","last_used_at"}: never a secret. */
static void
add_api_key(struct util_buf *b, const struct store_key *k)
{
	add_key(b, "{\"id\":", k->id);
	add_key(b, ",\"created_at\":", k->created_at);
	add_date(b, ",\"expires_at\":", k->expires_at);
	add_date(b, ",\"last_used_at\":", k->last_used_at);
	util_buf_adds(b, "}");
}

/* The store, and the {user-name} of the path when there is one (a name
 * too long for any user is 404); false after answering. */
static bool
target(struct app *app, const struct route_params *params, struct store **s,
       char name[STORE_NAME_MAX + 1], struct response *res)
{
	struct store_error err = { "" };
	enum store_status st;
	size_t len;
	const char *p = route_param(params, "user-name", &len);

	name[0] = '\0';
	if (p != NULL) {
		if (len > STORE_NAME_MAX) {
			respond_error_detail(res, HTTP_ERR_NOT_FOUND,
					     "User not found");
			return false;
		}
		memcpy(name, p, len);
		name[len] = '\0';
	}
	st = registry_store(&app->reg, s, &err);
	if (st != STORE_OK) {
		models_refuse(res, st, &err);
		return false;
	}
	return true;
}

/* Admins reach every user's keys, others only their own. */
static bool
own_or_admin(const struct request *req, const char *name,
	     struct response *res)
{
	if ((req->user.roles & STORE_ROLE_ADMIN) != 0 ||
	    strcmp(req->user.name, name) == 0)
		return true;
	respond_error(res, HTTP_ERR_FORBIDDEN);
	return false;
}

void
handle_user_me(struct app *app, struct request *req,
	       const struct route_params *params, struct response *res)
{
	struct util_buf b = UTIL_BUF_INIT(RESPOND_BODY_MAX);

	(void)app;
	(void)params;
	util_buf_adds(&b, "{\"user\":");
	add_user(&b, &req->user);
	util_buf_adds(&b, "}");
	handlers_envelope_buf(res, req, 200, &b);
}

void
handle_users_list(struct app *app, struct request *req,
		  const struct route_params *params, struct response *res)
{
	struct util_buf b = UTIL_BUF_INIT(RESPOND_BODY_MAX);
	struct store_error err = { "" };
	struct store_user *u = NULL;
	char name[STORE_NAME_MAX + 1];
	struct store *s;
	size_t n = 0;
	enum store_status st;

	if (!target(app, params, &s, name, res))
		return;
	st = store_user_list(s, &u, &n, &err);
	if (st != STORE_OK) {
		models_refuse(res, st, &err);
		return;
	}
	util_buf_adds(&b, "{\"users\":[");
	for (size_t i = 0; i < n; i++) {
		if (i > 0)
			util_buf_adds(&b, ",");
		add_user(&b, &u[i]);
	}
	util_buf_adds(&b, "]}");
	free(u);
	handlers_envelope_buf(res, req, 200, &b);
}

/* The JSON object body, or NULL after answering 422; an empty body is
 * an empty object when empty_ok. */
static cJSON *
json_body(const struct request *req, bool empty_ok, struct response *res)
{
	cJSON *j = NULL;

	if (req->body_len == 0 && empty_ok)
		return cJSON_CreateObject();
	if (req->body_len > 0)
		j = cJSON_ParseWithLength(req->body, req->body_len);
	if (!cJSON_IsObject(j)) {
		cJSON_Delete(j);
		models_unprocessable(res, NULL, "Expecting a JSON object",
				     "value_error.jsondecode");
		return NULL;
	}
	return j;
}

/* The roles array into bits; false after answering 422. */
static bool
parse_roles(const cJSON *roles, unsigned *out, struct response *res)
{
	const cJSON *r;

	*out = 0;
	if (roles == NULL) {
		models_unprocessable(res, "roles", "field required",
				     "value_error.missing");
		return false;
	}
	if (!cJSON_IsArray(roles) || cJSON_GetArraySize(roles) == 0) {
		models_unprocessable(res, "roles", "a non-empty list of read, "
				     "predict, deploy, admin",
				     "type_error.list");
		return false;
	}
	cJSON_ArrayForEach(r, roles) {
		unsigned bit = cJSON_IsString(r) ?
			store_role_parse(r->valuestring) : 0;

		if (bit == 0) {
			models_unprocessable(res, "roles", "unknown role: "
					     "expected read, predict, deploy "
					     "or admin", "value_error.enum");
			return false;
		}
		*out |= bit;
	}
	return true;
}

void
handle_users_create(struct app *app, struct request *req,
		    const struct route_params *params, struct response *res)
{
	struct util_buf b = UTIL_BUF_INIT(RESPOND_BODY_MAX);
	struct util_buf loc = UTIL_BUF_INIT(4096);
	struct store_error err = { "" };
	char unused[STORE_NAME_MAX + 1];
	struct store_user u;
	const cJSON *name;
	struct store *s;
	unsigned roles;
	cJSON *j;
	enum store_status st;

	if (!target(app, params, &s, unused, res) ||
	    (j = json_body(req, false, res)) == NULL)
		return;
	name = cJSON_GetObjectItemCaseSensitive(j, "name");
	if (name == NULL) {
		models_unprocessable(res, "name", "field required",
				     "value_error.missing");
		goto out;
	}
	if (!cJSON_IsString(name) || !store_user_name_ok(name->valuestring)) {
		models_unprocessable(res, "name", "string does not match regex "
				     "\"^[a-z0-9][a-z0-9._-]{0,62}$\"",
				     "value_error.str.regex");
		goto out;
	}
	if (!parse_roles(cJSON_GetObjectItemCaseSensitive(j, "roles"), &roles,
			 res))
		goto out;
	st = store_user_create(s, name->valuestring, roles, &u, &err);
	if (st != STORE_OK) {
		models_refuse(res, st, &err);
		goto out;
	}
	util_buf_adds(&loc, req->target.prefix ? req->target.prefix : "");
	util_buf_adds(&loc, "/users/");
	util_buf_adds(&loc, u.name);
	util_buf_adds(&b, "{\"user\":");
	add_user(&b, &u);
	util_buf_adds(&b, "}");
	handlers_envelope_buf(res, req, 201, &b);
	free(res->location);
	res->location = util_buf_take(&loc, NULL);
out:
	util_buf_free(&loc);
	cJSON_Delete(j);
}

void
handle_user_get(struct app *app, struct request *req,
		const struct route_params *params, struct response *res)
{
	struct util_buf b = UTIL_BUF_INIT(RESPOND_BODY_MAX);
	struct store_error err = { "" };
	char name[STORE_NAME_MAX + 1];
	struct store_user u;
	struct store *s;
	enum store_status st;

	if (!target(app, params, &s, name, res))
		return;
	st = store_user_get(s, name, &u, &err);
	if (st != STORE_OK) {
		models_refuse(res, st, &err);
		return;
	}
	util_buf_adds(&b, "{\"user\":");
	add_user(&b, &u);
	util_buf_adds(&b, "}");
	handlers_envelope_buf(res, req, 200, &b);
}

void
handle_user_delete(struct app *app, struct request *req,
		   const struct route_params *params, struct response *res)
{
	struct util_buf b = UTIL_BUF_INIT(RESPOND_BODY_MAX);
	struct store_error err = { "" };
	char name[STORE_NAME_MAX + 1];
	struct store *s;
	enum store_status st;

	if (!target(app, params, &s, name, res))
		return;
	st = store_user_delete(s, name, &err);
	if (st != STORE_OK) {
		models_refuse(res, st, &err);
		return;
	}
	/* Every worker forgets the user's keys before this answer. */
	registry_changed(&app->reg);
	add_key(&b, "{\"deleted\":", name);
	util_buf_adds(&b, "}");
	handlers_envelope_buf(res, req, 200, &b);
}

void
handle_keys_create(struct app *app, struct request *req,
		   const struct route_params *params, struct response *res)
{
	struct util_buf b = UTIL_BUF_INIT(RESPOND_BODY_MAX);
	struct store_error err = { "" };
	char name[STORE_NAME_MAX + 1];
	char key[STORE_KEY_MAX];
	const cJSON *days;
	struct store_key k;
	struct store *s;
	long long n_days = 0;
	cJSON *j;
	enum store_status st;

	if (!target(app, params, &s, name, res) ||
	    !own_or_admin(req, name, res) ||
	    (j = json_body(req, true, res)) == NULL)
		return;
	days = cJSON_GetObjectItemCaseSensitive(j, "expires_in_days");
	if (days != NULL && !cJSON_IsNull(days)) {
		if (!cJSON_IsNumber(days) || days->valuedouble < 1 ||
		    days->valuedouble > STORE_KEY_DAYS_MAX ||
		    days->valuedouble != (double)(long long)days->valuedouble) {
			models_unprocessable(res, "expires_in_days", "an "
					     "integer from 1 to 3650",
					     "value_error.number");
			goto out;
		}
		n_days = (long long)days->valuedouble;
	}
	st = store_key_create(s, name, n_days, key, &k, &err);
	if (st != STORE_OK) {
		models_refuse(res, st, &err);
		goto out;
	}
	add_key(&b, "{\"api_key\":{\"id\":", k.id);
	add_key(&b, ",\"key\":", key);
	add_key(&b, ",\"created_at\":", k.created_at);
	add_date(&b, ",\"expires_at\":", k.expires_at);
	util_buf_adds(&b, "}}");
	sodium_memzero(key, sizeof(key));
	handlers_envelope_buf(res, req, 201, &b);
out:
	cJSON_Delete(j);
}

void
handle_keys_list(struct app *app, struct request *req,
		 const struct route_params *params, struct response *res)
{
	struct util_buf b = UTIL_BUF_INIT(RESPOND_BODY_MAX);
	struct store_error err = { "" };
	char name[STORE_NAME_MAX + 1];
	struct store_key *k = NULL;
	struct store *s;
	size_t n = 0;
	enum store_status st;

	if (!target(app, params, &s, name, res) ||
	    !own_or_admin(req, name, res))
		return;
	st = store_key_list(s, name, &k, &n, &err);
	if (st != STORE_OK) {
		models_refuse(res, st, &err);
		return;
	}
	util_buf_adds(&b, "{\"api_keys\":[");
	for (size_t i = 0; i < n; i++) {
		if (i > 0)
			util_buf_adds(&b, ",");
		add_api_key(&b, &k[i]);
	}
	util_buf_adds(&b, "]}");
	free(k);
	handlers_envelope_buf(res, req, 200, &b);
}

void
handle_key_delete(struct app *app, struct request *req,
		  const struct route_params *params, struct response *res)
{
	struct util_buf b = UTIL_BUF_INIT(RESPOND_BODY_MAX);
	struct store_error err = { "" };
	char name[STORE_NAME_MAX + 1];
	char id[STORE_KEY_ID_HEX + 1];
	struct store *s;
	size_t len = 0;
	const char *p = route_param(params, "key-id", &len);
	enum store_status st;

	if (!target(app, params, &s, name, res) ||
	    !own_or_admin(req, name, res))
		return;
	if (p == NULL || len > STORE_KEY_ID_HEX) {
		respond_error_detail(res, HTTP_ERR_NOT_FOUND,
				     "API key not found");
		return;
	}
	memcpy(id, p, len);
	id[len] = '\0';
	st = store_key_delete(s, name, id, &err);
	if (st != STORE_OK) {
		models_refuse(res, st, &err);
		return;
	}
	/* Every worker forgets the key before this answer. */
	registry_changed(&app->reg);
	add_key(&b, "{\"revoked\":", id);
	util_buf_adds(&b, "}");
	handlers_envelope_buf(res, req, 200, &b);
}
