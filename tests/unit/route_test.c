/* SPDX-License-Identifier: MIT
 * tests/unit/route_test.c - the route table and the route path that each
 * web server's CGI variables lead to (lighttpd, nginx, Apache mod_fcgid
 * and mod_proxy_fcgi; at the root and under a prefix), and the files
 * the static route may reach, preloaded (FastCGI) or lazily (CGI).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fcgi/route.h"
#include "fcgi/url.h"
#include "fcgi/www.h"
#include "tests/unit/tap.h"

struct route_case {
	const char *path;
	const char *method;
	enum route_match want;
	enum route_id id;
	const char *param;
	const char *allow;
};

static const struct route_case route_cases[] = {
	{ "/", "GET", ROUTE_FOUND, ROUTE_INDEX, "", NULL },
	{ "/", "HEAD", ROUTE_FOUND, ROUTE_INDEX, "", NULL },
	{ "/performance", "GET", ROUTE_FOUND, ROUTE_PERFORMANCE, "", NULL },
	{ "/args", "GET", ROUTE_FOUND, ROUTE_ARGS, "", NULL },
	{ "/args/threshold", "GET", ROUTE_FOUND, ROUTE_ARG, "threshold", NULL },
	{ "/args/a b", "HEAD", ROUTE_FOUND, ROUTE_ARG, "a b", NULL },
	{ "/predict", "POST", ROUTE_FOUND, ROUTE_PREDICT, "", NULL },
	{ "/openapi.json", "GET", ROUTE_FOUND, ROUTE_OPENAPI, "", NULL },
	{ "/docs", "GET", ROUTE_FOUND, ROUTE_DOCS, "", NULL },
	{ "/redoc", "GET", ROUTE_FOUND, ROUTE_REDOC, "", NULL },
	{ "/demo", "GET", ROUTE_FOUND, ROUTE_DEMO, "", NULL },
	{ "/static/vendor/x.js", "GET", ROUTE_FOUND, ROUTE_STATIC,
	  "vendor/x.js", NULL },
	{ "/predict", "GET", ROUTE_BAD_METHOD, 0, NULL, "POST" },
	{ "/predict", "HEAD", ROUTE_BAD_METHOD, 0, NULL, "POST" },
	{ "/args", "DELETE", ROUTE_BAD_METHOD, 0, NULL, "GET, HEAD" },
	{ "/", "POST", ROUTE_BAD_METHOD, 0, NULL, "GET, HEAD" },
	{ "/args/a/b", "GET", ROUTE_NOT_FOUND, 0, NULL, NULL },
	{ "/args/", "GET", ROUTE_REDIRECT, 0, NULL, NULL },
	{ "/predict/", "POST", ROUTE_REDIRECT, 0, NULL, NULL },
	{ "/static/", "GET", ROUTE_NOT_FOUND, 0, NULL, NULL },
	{ "/nope", "GET", ROUTE_NOT_FOUND, 0, NULL, NULL },
	{ "//", "GET", ROUTE_NOT_FOUND, 0, NULL, NULL },
	{ "/args//", "GET", ROUTE_REDIRECT, 0, NULL, NULL },
	{ "", "GET", ROUTE_NOT_FOUND, 0, NULL, NULL },
	{ "/docs.html", "GET", ROUTE_NOT_FOUND, 0, NULL, NULL },
};

static void
route_find_should_match_the_table(void)
{
	for (size_t i = 0; i < sizeof(route_cases) / sizeof(route_cases[0]);
	     i++) {
		const struct route_case *c = &route_cases[i];
		enum route_id id = ROUTE__MAX;
		const char *param = NULL;
		size_t plen = 0;
		char allow[32] = "";
		enum route_match m = route_find(c->path,
						route_method(c->method), &id,
						&param, &plen, allow,
						sizeof(allow));
		char got[64] = "";

		if (m == ROUTE_FOUND && param != NULL)
			snprintf(got, sizeof(got), "%.*s", (int)plen, param);
		tap_ok(m == c->want && (m != ROUTE_FOUND ||
					(id == c->id &&
					 strcmp(got, c->param) == 0)) &&
		       (c->allow == NULL || strcmp(allow, c->allow) == 0),
		       "route_find should answer %d for %s '%s' (got %d, "
		       "param '%s', allow '%s')", c->want, c->method, c->path,
		       m, got, allow);
	}
}

static void
route_table_should_be_indexed_by_id(void)
{
	int ok = 1;

	for (size_t i = 0; i < ROUTE__MAX; i++)
		ok &= route_table[i].id == (enum route_id)i;
	tap_ok(ok, "route_table entries should sit at their enum index");
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
		enum url_status st = url_target(&c->p, &t);

		if (st == URL_OK)
			st = route_resolve(&t);
		tap_ok(st == URL_OK, "url_target should accept %s", c->name);
		if (st != URL_OK)
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

		tap_ok(url_target(&p, &t) == URL_ERR_ESCAPE,
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

		tap_ok(www_load(&w, dir, lazy, notes, sizeof(notes)) == 0,
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
	route_table_should_be_indexed_by_id();
	route_find_should_match_the_table();
	url_target_should_find_the_route_for_each_server();
	url_target_should_refuse_bad_escapes();
	www_name_ok_should_accept_only_walkable_names();
	www_find_should_agree_preloaded_and_lazy();
	return tap_done();
}
