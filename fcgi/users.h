/* SPDX-License-Identifier: MIT
 * fcgi/users.h - the handlers of the users and API keys routes
 * (fcgi/routes.c rows under /users; doc/API.md "Users and API keys").
 * The caller (req->user) was authenticated by dispatch (fcgi/auth.h).
 */
#ifndef FCGI_USERS_H
#define FCGI_USERS_H

#include "fcgi/handlers.h"

route_handler handle_user_me;         /* GET /users/me */
route_handler handle_users_list;      /* GET /users */
route_handler handle_users_create;    /* POST /users */
route_handler handle_user_get;        /* GET /users/{user-name} */
route_handler handle_user_delete;     /* DELETE /users/{user-name} */
route_handler handle_keys_create;     /* POST .../api-keys */
route_handler handle_keys_list;       /* GET .../api-keys */
route_handler handle_key_delete;      /* DELETE .../api-keys/{key-id} */

#endif
