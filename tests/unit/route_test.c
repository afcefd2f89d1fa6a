/* SPDX-License-Identifier: MIT
 * tests/unit/route_test.c - the route table, its matcher and path
 * parameters, the error table, and the route path that each web server's
 * CGI variables lead to (lighttpd, nginx, Apache mod_fcgid
 * and mod_proxy_fcgi; at the root and under a prefix), and the files
 * the static route may reach, preloaded (FastCGI) or lazily (CGI).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fcgi/http_error.h"
#include "fcgi/route.h"
#include "fcgi/url.h"
#include "fcgi/www.h"
#include "tests/unit/tap.h"

struct route_case {
	const char *path;
	const char *method;
	enum route_match want;
	const char *pattern;   /* of the row found */
	const char *param;     /* its first parameter's value */
	const char *allow;
};

static const struct route_case route_cases[] = {
	{ "/", "GET", ROUTE_FOUND, "/", "", NULL },
	{ "/", "HEAD", ROUTE_FOUND, "/", "", NULL },
	{ "/performance", "GET", ROUTE_FOUND, "/performance", "", NULL },
	{ "/args", "GET", ROUTE_FOUND, "/args", "", NULL },
	{ "/args/threshold", "GET", ROUTE_FOUND, "/args/{arg}", "threshold",
	  NULL },
	{ "/args/a b", "HEAD", ROUTE_FOUND, "/args/{arg}", "a b", NULL },
	{ "/predict", "POST", ROUTE_FOUND, "/predict", "", NULL },
	{ "/openapi.json", "GET", ROUTE_FOUND, "/openapi.json", "", NULL },
	{ "/docs", "GET", ROUTE_FOUND, "/docs", "", NULL },
	{ "/redoc", "GET", ROUTE_FOUND, "/redoc", "", NULL },
	{ "/demo", "GET", ROUTE_FOUND, "/demo", "", NULL },
	{ "/static/vendor/x.js", "GET", ROUTE_FOUND, "/static/{file:path}",
	  "vendor/x.js", NULL },
	{ "/predict", "GET", ROUTE_BAD_METHOD, NULL, NULL, "POST" },
	{ "/predict", "HEAD", ROUTE_BAD_METHOD, NULL, NULL, "POST" },
	{ "/predict", "DELETE", ROUTE_BAD_METHOD, NULL, NULL, "POST" },
	{ "/predict", "BREW", ROUTE_BAD_METHOD, NULL, NULL, "POST" },
	{ "/args", "DELETE", ROUTE_BAD_METHOD, NULL, NULL, "GET, HEAD" },
	{ "/args/x", "PUT", ROUTE_BAD_METHOD, NULL, NULL, "GET, HEAD" },
	{ "/", "POST", ROUTE_BAD_METHOD, NULL, NULL, "GET, HEAD" },
	{ "/args/a/b", "GET", ROUTE_NOT_FOUND, NULL, NULL, NULL },
	{ "/args/", "GET", ROUTE_REDIRECT, NULL, NULL, NULL },
	{ "/predict/", "POST", ROUTE_REDIRECT, NULL, NULL, NULL },
	{ "/predict/", "GET", ROUTE_REDIRECT, NULL, NULL, NULL },
	{ "/args/x//", "GET", ROUTE_REDIRECT, NULL, NULL, NULL },
	{ "/static/", "GET", ROUTE_NOT_FOUND, NULL, NULL, NULL },
	{ "/static", "GET", ROUTE_NOT_FOUND, NULL, NULL, NULL },
	{ "/nope", "GET", ROUTE_NOT_FOUND, NULL, NULL, NULL },
	{ "//", "GET", ROUTE_NOT_FOUND, NULL, NULL, NULL },
	{ "/args//", "GET", ROUTE_REDIRECT, NULL, NULL, NULL },
	{ "", "GET", ROUTE_NOT_FOUND, NULL, NULL, NULL },
	{ "/docs.html", "GET", ROUTE_NOT_FOUND, NULL, NULL, NULL },
	{ "/predic", "POST", ROUTE_NOT_FOUND, NULL, NULL, NULL },
	{ "/predictx", "POST", ROUTE_NOT_FOUND, NULL, NULL, NULL },
};

static void
route_find_should_match_the_table(void)
{
	for (size_t i = 0; i < sizeof(route_cases) / sizeof(route_cases[0]);
	     i++) {
		const struct route_case *c = &route_cases[i];
		const struct route *r = NULL;
		struct route_params ps = { 0 };
		unsigned allow = 0;
		char allow_s[ROUTE_ALLOW_MAX] = "", got[64] = "";
		enum route_match m = route_find(c->path,
						route_method(c->method), &r,
						&ps, &allow);

		if (m == ROUTE_FOUND && ps.n > 0)
			snprintf(got, sizeof(got), "%.*s", (int)ps.p[0].len,
				 ps.p[0].value);
		if (m == ROUTE_BAD_METHOD)
			route_allow(allow, allow_s, sizeof(allow_s));
		tap_ok(m == c->want && (m != ROUTE_FOUND ||
					(r != NULL &&
					 strcmp(r->pattern, c->pattern) == 0 &&
					 strcmp(got, c->param) == 0)) &&
		       (c->allow == NULL || strcmp(allow_s, c->allow) == 0),
		       "route_find should answer %d for %s '%s' (got %d, "
		       "row '%s', param '%s', allow '%s')", c->want,
		       c->method, c->path, m, r ? r->pattern : "", got,
		       allow_s);
	}
}

/* The redirect's look-up takes paths shorter than ROUTE_REDIRECT_PATH_MAX
 * without their trailing '/'. */
static void
route_find_should_not_redirect_very_long_paths(void)
{
	char path[ROUTE_REDIRECT_PATH_MAX + 2];
	const struct route *r;
	struct route_params ps;
	unsigned allow;

	for (size_t n = ROUTE_REDIRECT_PATH_MAX - 1;
	     n <= ROUTE_REDIRECT_PATH_MAX; n++) {
		enum route_match want = n < ROUTE_REDIRECT_PATH_MAX ?
					ROUTE_REDIRECT : ROUTE_NOT_FOUND;

		memset(path, 'a', n);
		memcpy(path, "/args/", 6);
		path[n] = '/';
		path[n + 1] = '\0';
		tap_ok(route_find(path, METHOD_GET, &r, &ps, &allow) == want,
		       "/args/a...a/ of %zu bytes before the slash should be "
		       "%s", n, want == ROUTE_REDIRECT ? "redirected" :
		       "not found");
	}
}

static void
route_table_rows_should_be_well_formed(void)
{
	for (size_t i = 0; i < route_count; i++) {
		const struct route *r = &route_table[i];

		tap_ok(route_pattern_ok(r->pattern) && r->handler != NULL &&
		       r->methods != 0 && (r->methods & METHOD_OTHER) == 0 &&
		       route_openapi_method(r->methods) != NULL &&
		       r->role < ROLE__MAX,
		       "row %zu (%s) should have a valid pattern, one "
		       "method, a handler and a role", i, r->pattern);
		/* Management routes always need their role; only the
		 * seed's, the pages, health, prediction and /metrics are
		 * public, the last two until --require-auth. */
		tap_ok(route_needs(r, ROUTE_GATE_PREDICT | ROUTE_GATE_METRICS)
		       != ROLE_PUBLIC || (strncmp(r->pattern, "/models", 7) != 0
		       && strncmp(r->pattern, "/users", 6) != 0 &&
		       strcmp(r->pattern, "/predict") != 0 &&
		       strcmp(r->pattern, "/metrics") != 0),
		       "row %s %s: a registry, user, prediction or metrics "
		       "route can be closed", r->pattern,
		       route_openapi_method(r->methods));
		tap_ok(r->gate == ROUTE_GATE_NONE || r->role != ROLE_PUBLIC,
		       "row %s: a gate closes to a role", r->pattern);
	}
}

/* A row needs its role; a gated row only once its gate is closed. */
static void
route_needs_should_follow_role_and_gate(void)
{
	for (int role = 0; role < ROLE__MAX; role++) {
		struct route r = { "/x", METHOD_GET_HEAD, NULL,
				   (enum route_role)role, NULL,
				   ROUTE_BODY_JSON, ROUTE_GATE_NONE };

		tap_ok(route_needs(&r, 0) == (enum route_role)role &&
		       route_needs(&r, ROUTE_GATE_PREDICT) ==
		       (enum route_role)role, "role %d always applies", role);
	}
	{
		struct route r = { "/p", METHOD_POST, NULL, ROLE_PREDICT,
				   NULL, ROUTE_BODY_JSON, ROUTE_GATE_PREDICT };

		tap_ok(route_needs(&r, 0) == ROLE_PUBLIC &&
		       route_needs(&r, ROUTE_GATE_METRICS) == ROLE_PUBLIC &&
		       route_needs(&r, ROUTE_GATE_PREDICT) == ROLE_PREDICT,
		       "a gated route is public until its gate is closed");
	}
}

static void
route_pattern_ok_should_check_the_syntax(void)
{
	static const struct {
		const char *pattern;
		bool ok;
	} cases[] = {
		{ "/", true },
		{ "/models/{name}/versions/{version}", true },
		{ "/users/{name}/api-keys/{id}", true },
		{ "/static/{file:path}", true },
		{ "/a/{b}/{c}/{d}/{e}", true },
		{ "/a/{b}/{c}/{d}/{e}/{f}", false },   /* > ROUTE_MAX_PARAMS */
		{ "", false },
		{ "models", false },
		{ "/x/{}", false },
		{ "/x/{id", false },
		{ "/x/id}", false },
		{ "/x/{id}y", false },
		{ "/x/{a{b}}", false },
		{ "/x/{file:path}/y", false },
		{ "/x/{id:int}", false },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		tap_ok(route_pattern_ok(cases[i].pattern) == cases[i].ok,
		       "route_pattern_ok should %s '%s'",
		       cases[i].ok ? "accept" : "refuse", cases[i].pattern);
}

static void
route_param_should_find_values_by_name(void)
{
	const struct route *r = NULL;
	struct route_params ps;
	unsigned allow;
	size_t len = 99;
	const char *v;

	tap_ok(route_find("/args/alpha", METHOD_GET, &r, &ps, &allow) ==
	       ROUTE_FOUND && ps.n == 1, "/args/alpha has one parameter");
	v = route_param(&ps, "arg", &len);
	tap_ok(v != NULL && len == 5 && memcmp(v, "alpha", 5) == 0,
	       "route_param should give arg = alpha");
	tap_ok(route_param(&ps, "ar", &len) == NULL && len == 0,
	       "route_param should not take a prefix of a name");
	tap_ok(route_find("/static/a/b.js", METHOD_GET, &r, &ps, &allow) ==
	       ROUTE_FOUND, "/static/a/b.js is found");
	v = route_param(&ps, "file", &len);
	tap_ok(v != NULL && strcmp(v, "a/b.js") == 0 && len == 6,
	       "a {file:path} parameter is the NUL-terminated rest");
}

/* The patterns of the routes that come next. */
static void
route_match_pattern_should_take_several_parameters(void)
{
	static const struct {
		const char *pattern, *path;
		bool ok;
		const char *a, *b;   /* first and second values */
	} cases[] = {
		{ "/models/{name}/versions/{version}",
		  "/models/tagifai/versions/v2", true, "tagifai", "v2" },
		{ "/users/{name}/api-keys/{id}", "/users/ann/api-keys/7",
		  true, "ann", "7" },
		{ "/batch-jobs/{id}/predictions", "/batch-jobs/42/predictions",
		  true, "42", NULL },
		{ "/predictions/{id}", "/predictions/p-1", true, "p-1", NULL },
		{ "/health/live", "/health/live", true, NULL, NULL },
		{ "/models/{name}/versions/{version}",
		  "/models/tagifai/versions/", false, NULL, NULL },
		{ "/models/{name}/versions/{version}",
		  "/models//versions/v2", false, NULL, NULL },
		{ "/models/{name}/versions/{version}",
		  "/models/a/versions/v2/x", false, NULL, NULL },
		{ "/batch-jobs/{id}/predictions", "/batch-jobs/42/prediction",
		  false, NULL, NULL },
		{ "/static/{file:path}", "/static/a//b", true, "a//b", NULL },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct route_params ps;
		size_t n = cases[i].a ? (cases[i].b ? 2 : 1) : 0;
		bool ok = route_match_pattern(cases[i].pattern, cases[i].path,
					      strlen(cases[i].path), &ps);

		if (ok && ok == cases[i].ok)
			ok = ps.n == n &&
			     (n < 1 || (ps.p[0].len == strlen(cases[i].a) &&
					memcmp(ps.p[0].value, cases[i].a,
					       ps.p[0].len) == 0)) &&
			     (n < 2 || (ps.p[1].len == strlen(cases[i].b) &&
					memcmp(ps.p[1].value, cases[i].b,
					       ps.p[1].len) == 0));
		tap_ok(ok == cases[i].ok, "'%s' should %s '%s'",
		       cases[i].pattern, cases[i].ok ? "match" : "not match",
		       cases[i].path);
	}
}

static void
route_allow_should_list_methods_in_order(void)
{
	char out[ROUTE_ALLOW_MAX];

	route_allow(METHOD_GET_HEAD, out, sizeof(out));
	tap_str_eq(out, "GET, HEAD", "Allow for GET and HEAD");
	route_allow(METHOD_POST, out, sizeof(out));
	tap_str_eq(out, "POST", "Allow for POST");
	route_allow(METHOD_DELETE | METHOD_GET_HEAD | METHOD_POST, out,
		    sizeof(out));
	tap_str_eq(out, "GET, HEAD, POST, DELETE", "Allow for four methods");
	route_allow(METHOD_GET | METHOD_HEAD | METHOD_POST | METHOD_PUT |
		    METHOD_DELETE | METHOD_PATCH, out, sizeof(out));
	tap_str_eq(out, "GET, HEAD, POST, PUT, DELETE, PATCH",
		   "Allow for every method fits ROUTE_ALLOW_MAX");
	route_allow(METHOD_GET_HEAD, out, 6);
	tap_str_eq(out, "GET", "a short buffer holds whole names only");
}

static void
route_method_should_name_methods(void)
{
	tap_ok(route_method("GET") == METHOD_GET &&
	       route_method("HEAD") == METHOD_HEAD &&
	       route_method("POST") == METHOD_POST &&
	       route_method("PUT") == METHOD_PUT &&
	       route_method("DELETE") == METHOD_DELETE &&
	       route_method("PATCH") == METHOD_PATCH,
	       "route_method should know the six methods");
	tap_ok(route_method("get") == METHOD_OTHER &&
	       route_method("TRACE") == METHOD_OTHER &&
	       route_method(NULL) == METHOD_OTHER,
	       "route_method: anything else is METHOD_OTHER");
}

static void
http_errors_should_map_to_an_error_status_and_a_detail(void)
{
	for (int e = 0; e < HTTP_ERR__MAX; e++) {
		int st = http_error_status((enum http_error)e);
		const char *d = http_error_detail((enum http_error)e);

		tap_ok(st >= 400 && st <= 599 && d != NULL && d[0] != '\0',
		       "error %d should be 4xx/5xx with a detail (%d '%s')",
		       e, st, d ? d : "(null)");
	}
	tap_ok(http_error_status(HTTP_ERR_UNAUTHORIZED) == 401 &&
	       http_error_status(HTTP_ERR_FORBIDDEN) == 403 &&
	       http_error_status(HTTP_ERR_CONFLICT) == 409 &&
	       http_error_status(HTTP_ERR_UNAVAILABLE) == 503,
	       "401, 403, 409 and 503 are in the table");
	tap_ok(http_error_status(HTTP_ERR_NOT_FOUND) == 404 &&
	       strcmp(http_error_detail(HTTP_ERR_NOT_FOUND), "Not Found") == 0
	       && http_error_status(HTTP_ERR_METHOD) == 405 &&
	       strcmp(http_error_detail(HTTP_ERR_METHOD),
		      "Method Not Allowed") == 0,
	       "404 and 405 keep Starlette's words");
	tap_ok(http_error_status(HTTP_ERR__MAX) == 500,
	       "an out-of-range error is a 500");
}

/* The variables each server really sends for one request. */
struct server_case {
	const char *name;
	struct url_params p;
	const char *route;
	const char *prefix;
	const char *full;
};

static const struct server_case servers[] = {
	/* lighttpd: fastcgi.server = ("/" => ...) with check-local off
	 * splits after the first segment; route_resolve() undoes it. */
	{ "lighttpd at /",
	  { "/args/threshold?x=1", "/args", "/threshold", "x=1", NULL },
	  "/args/threshold", "", "/args/threshold" },
	{ "lighttpd at /, static file",
	  { "/static/vendor/x.js", "/static", "/vendor/x.js", "", NULL },
	  "/static/vendor/x.js", "", "/static/vendor/x.js" },
	{ "lighttpd at /, trailing slash",
	  { "/args/", "/args", "/", "", NULL }, "/args/", "", "/args/" },
	{ "lighttpd at / with fix-root-scriptname",
	  { "/args/threshold", "", "/args/threshold", "", NULL },
	  "/args/threshold", "", "/args/threshold" },
	/* lighttpd: fastcgi.server = ("/api" => ...). */
	{ "lighttpd under /api",
	  { "/api/args/threshold", "/api", "/args/threshold", "", NULL },
	  "/args/threshold", "/api", "/api/args/threshold" },
	{ "lighttpd under /api, GET /api/",
	  { "/api/", "/api", "/", "", NULL }, "/", "/api", "/api/" },
	/* nginx: include fastcgi_params; SCRIPT_NAME = $fastcgi_script_name
	 * (the whole URI), PATH_INFO empty. */
	{ "nginx at /",
	  { "/performance?filter=overall", "/performance", "",
	    "filter=overall", NULL },
	  "/performance", "", "/performance" },
	{ "nginx under /api with --prefix",
	  { "/api/predict", "/api/predict", "", "", "/api" },
	  "/predict", "/api", "/api/predict" },
	{ "nginx under /api/ with --prefix /api/",
	  { "/api", "/api", "", "", "/api/" }, "/", "/api", "/api" },
	/* nginx with fastcgi_split_path_info ^(/api)(/.*)$. */
	{ "nginx split_path_info under /api",
	  { "/api/args", "/api", "/args", "", NULL },
	  "/args", "/api", "/api/args" },
	/* Apache mod_fcgid: ScriptAlias /cgi-bin/ ...; PATH_INFO = rest. */
	{ "Apache mod_fcgid under /cgi-bin/tagifai.fcgi",
	  { "/cgi-bin/tagifai.fcgi/args/alpha", "/cgi-bin/tagifai.fcgi",
	    "/args/alpha", "", NULL },
	  "/args/alpha", "/cgi-bin/tagifai.fcgi",
	  "/cgi-bin/tagifai.fcgi/args/alpha" },
	{ "Apache mod_fcgid, encoded path",
	  { "/cgi-bin/tagifai.fcgi/args/a%20b", "/cgi-bin/tagifai.fcgi",
	    "/args/a b", "", NULL },
	  "/args/a b", "/cgi-bin/tagifai.fcgi",
	  "/cgi-bin/tagifai.fcgi/args/a b" },
	/* Apache mod_proxy_fcgi: ProxyPass /api/ fcgi://127.0.0.1:9000/
	 * sends SCRIPT_NAME = whole path and no PATH_INFO. */
	{ "Apache mod_proxy_fcgi under /api with --prefix",
	  { "/api/docs", "/api/docs", NULL, NULL, "/api" },
	  "/docs", "/api", "/api/docs" },
	{ "Apache mod_proxy_fcgi at /",
	  { "/redoc", "/redoc", NULL, NULL, NULL }, "/redoc", "", "/redoc" },
	/* No REQUEST_URI (plain CGI by hand): SCRIPT_NAME + PATH_INFO. */
	{ "CGI without REQUEST_URI",
	  { NULL, "/cgi-bin/t.cgi", "/args", "", NULL },
	  "/args", "/cgi-bin/t.cgi", "/cgi-bin/t.cgi/args" },
	/* A prefix only strips whole segments. */
	{ "prefix /api does not strip /apiary",
	  { "/apiary", "/apiary", "", "", "/api" },
	  "/apiary", "/api", "/apiary" },
};

static void
url_target_should_find_the_route_for_each_server(void)
{
	for (size_t i = 0; i < sizeof(servers) / sizeof(servers[0]); i++) {
		const struct server_case *c = &servers[i];
		struct url_target t;
		enum service_status st = url_target(&c->p, &t);

		if (st == SERVICE_OK)
			st = route_resolve(&t);
		tap_ok(st == SERVICE_OK, "url_target should accept %s",
		       c->name);
		if (st != SERVICE_OK)
			continue;
		tap_str_eq(t.route, c->route, "%s: route", c->name);
		tap_str_eq(t.prefix, c->prefix, "%s: prefix", c->name);
		tap_str_eq(t.full_path, c->full, "%s: full path", c->name);
		url_target_free(&t);
	}
}

static void
url_target_should_refuse_bad_escapes(void)
{
	static const char *const bad[] = { "/args/%zz", "/args/%2", "/%",
					   "/a%00b" };

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct url_params p = { bad[i], bad[i], "", "", NULL };
		struct url_target t;

		tap_ok(url_target(&p, &t) == SERVICE_ERR_ESCAPE,
		       "url_target should refuse '%s'", bad[i]);
	}
}

static void
put(const char *dir, const char *name, const char *text)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	if (f != NULL) {
		fputs(text, f);
		fclose(f);
	}
}

static void
www_name_ok_should_accept_only_walkable_names(void)
{
	static const struct {
		const char *name;
		bool ok;
	} cases[] = {
		{ "docs.js", true },
		{ "vendor/swagger-ui.css", true },
		{ "a/b/c/d/e.js", true },       /* 4 folders down */
		{ "a/b/c/d/e/f.js", false },    /* 5: deeper than the walk */
		{ "", false },
		{ "/etc/passwd", false },
		{ "a//b", false },
		{ "a/", false },
		{ "../x", false },
		{ "a/../../x", false },
		{ ".hidden", false },
		{ "vendor/.git/config", false },
		{ "./docs.js", false },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		tap_ok(www_name_ok(cases[i].name) == cases[i].ok,
		       "www_name_ok should %s '%s'",
		       cases[i].ok ? "accept" : "refuse", cases[i].name);
}

/* Both modes find the same files; the lazy one reads nothing up front. */
static void
www_find_should_agree_preloaded_and_lazy(void)
{
	char dir[] = "/tmp/www_test.XXXXXX", path[512], notes[256];
	static const char *const names[] = {
		"app.js", "sub/x.css", ".secret", "sub", "nope.js", "../x",
	};
	static const bool found[] = { true, true, false, false, false,
				      false };

	if (mkdtemp(dir) == NULL) {
		tap_ok(0, "mkdtemp");
		return;
	}
	snprintf(path, sizeof(path), "%s/static", dir);
	mkdir(path, 0700);
	snprintf(path, sizeof(path), "%s/static/sub", dir);
	mkdir(path, 0700);
	put(dir, "docs.html", "<p>@BASE@</p>");
	put(dir, "static/app.js", "var a;");
	put(dir, "static/sub/x.css", "p{}");
	put(dir, "static/.secret", "no");
	put(dir, "x", "outside");
	for (int lazy = 0; lazy <= 1; lazy++) {
		struct www w;
		size_t len = 0;
		const char *page;

		tap_ok(www_load(&w, dir, lazy, notes, sizeof(notes)) ==
		       SERVICE_OK,
		       "www_load (lazy %d) should succeed", lazy);
		tap_ok(w.n_files == (lazy ? 0u : 2u),
		       "www_load (lazy %d) should read %d static files now",
		       lazy, lazy ? 0 : 2);
		for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
			const struct www_file *f = www_find(&w, names[i]);

			tap_ok((f != NULL) == found[i],
			       "www_find (lazy %d) should %s '%s'", lazy,
			       found[i] ? "find" : "not find", names[i]);
		}
		tap_ok(www_find(&w, "app.js") == www_find(&w, "app.js"),
		       "www_find (lazy %d) should read a file once", lazy);
		page = www_page(&w, WWW_DOCS, &len);
		tap_ok(page != NULL && len == 13,
		       "www_page (lazy %d) should give docs.html", lazy);
		tap_ok(www_page(&w, WWW_REDOC, &len) == NULL,
		       "www_page (lazy %d) should miss redoc.html", lazy);
		www_free(&w);
	}
	snprintf(path, sizeof(path), "rm -rf '%s'", dir);
	tap_ok(system(path) == 0, "clean up %s", dir);
}

int
main(void)
{
	route_table_rows_should_be_well_formed();
	route_needs_should_follow_role_and_gate();
	route_pattern_ok_should_check_the_syntax();
	route_find_should_match_the_table();
	route_find_should_not_redirect_very_long_paths();
	route_param_should_find_values_by_name();
	route_match_pattern_should_take_several_parameters();
	route_allow_should_list_methods_in_order();
	route_method_should_name_methods();
	http_errors_should_map_to_an_error_status_and_a_detail();
	url_target_should_find_the_route_for_each_server();
	url_target_should_refuse_bad_escapes();
	www_name_ok_should_accept_only_walkable_names();
	www_find_should_agree_preloaded_and_lazy();
	return tap_done();
}
