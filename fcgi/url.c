/* SPDX-License-Identifier: MIT
 * fcgi/url.c - percent-decoding (RFC 3986 section 2.1), the mount prefix
 * and route path, query lookup (Python's urllib.parse.parse_qsl) and the
 * request URL.  Everything here reads client bytes; it only copies.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fcgi/url.h"
#include "util/buf.h"
#include "util/hex.h"

enum service_status
url_decode(const char *s, size_t n, bool plus, char **out,
	   size_t *out_len)
{
	char *o = malloc(n + 1);
	size_t k = 0;

	if (o == NULL)
		return SERVICE_ERR_NOMEM;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '%') {
			int h, l;

			/* Two hex digits must follow; %00 would cut our
			 * C strings short, so it is refused too. */
			if (i + 2 >= n)
				goto bad;
			h = util_hex_digit(s[i + 1]);
			l = util_hex_digit(s[i + 2]);
			if (h < 0 || l < 0 || (h == 0 && l == 0))
				goto bad;
			o[k++] = (char)(h * 16 + l);
			i += 2;
		} else if (plus && s[i] == '+') {
			o[k++] = ' ';
		} else {
			o[k++] = s[i];
		}
	}
	o[k] = '\0';
	*out = o;
	if (out_len != NULL)
		*out_len = k;
	return SERVICE_OK;
bad:
	free(o);
	return SERVICE_ERR_ESCAPE;
}

static char *
dup_n(const char *s, size_t n)
{
	char *p = malloc(n + 1);

	if (p != NULL) {
		memcpy(p, s, n);
		p[n] = '\0';
	}
	return p;
}

static bool
set(const char *s)
{
	return s != NULL && s[0] != '\0';
}

/* Length of prefix without trailing slashes ("/api/" -> "/api"). */
static size_t
trim_slash(const char *p)
{
	size_t n = strlen(p);

	while (n > 0 && p[n - 1] == '/')
		n--;
	return n;
}

enum service_status
url_target(const struct url_params *p, struct url_target *t)
{
	struct url_target r = { 0 };
	enum service_status st = SERVICE_ERR_NOMEM;
	const char *pre;
	size_t plen, flen;

	if (set(p->request_uri)) {
		const char *q = strchr(p->request_uri, '?');
		size_t n = q ? (size_t)(q - p->request_uri)
			     : strlen(p->request_uri);

		st = url_decode(p->request_uri, n, false, &r.full_path, NULL);
		if (st != SERVICE_OK)
			goto fail;
	} else {
		struct util_buf b = UTIL_BUF_INIT(URL_TEXT_MAX);

		util_buf_adds(&b, p->script_name ? p->script_name : "");
		util_buf_adds(&b, p->path_info ? p->path_info : "");
		r.full_path = util_buf_take(&b, NULL);
		st = SERVICE_ERR_NOMEM;
		if (r.full_path == NULL)
			goto fail;
	}
	if (p->prefix != NULL)
		pre = p->prefix;
	else if (set(p->path_info) && set(p->script_name)) {
		pre = p->script_name;
		r.inferred = trim_slash(pre) > 0;
	} else
		pre = "";
	plen = trim_slash(pre);
	r.prefix = dup_n(pre, plen);
	r.query = dup_n(p->query_string ? p->query_string : "",
			p->query_string ? strlen(p->query_string) : 0);
	if (r.prefix == NULL || r.query == NULL)
		goto fail;
	flen = strlen(r.full_path);
	/* Strip the prefix only at a segment boundary: "/api" mounts
	 * "/api" and "/api/...", not "/apiary". */
	if (plen > 0 && flen >= plen &&
	    memcmp(r.full_path, r.prefix, plen) == 0 &&
	    (r.full_path[plen] == '\0' || r.full_path[plen] == '/')) {
		const char *rest = r.full_path + plen;

		r.route = *rest ? dup_n(rest, strlen(rest)) : dup_n("/", 1);
	} else if (flen == 0) {
		r.route = dup_n("/", 1);
	} else {
		r.route = dup_n(r.full_path, flen);
	}
	if (r.route == NULL)
		goto fail;
	*t = r;
	return SERVICE_OK;
fail:
	url_target_free(&r);
	return st;
}

void
url_target_free(struct url_target *t)
{
	free(t->full_path);
	free(t->prefix);
	free(t->route);
	free(t->query);
	memset(t, 0, sizeof(*t));
}

enum service_status
url_target_unprefix(struct url_target *t)
{
	char *prefix = dup_n("", 0);
	char *route = t->full_path[0] ? dup_n(t->full_path,
					      strlen(t->full_path))
				      : dup_n("/", 1);

	if (prefix == NULL || route == NULL) {
		free(prefix);
		free(route);
		return SERVICE_ERR_NOMEM;
	}
	free(t->prefix);
	free(t->route);
	t->prefix = prefix;
	t->route = route;
	t->inferred = false;
	return SERVICE_OK;
}

enum service_status
url_query_get(const char *query, const char *name,
	      char **value)
{
	const char *p = query ? query : "";
	char *found = NULL;

	while (*p) {
		const char *amp = strchr(p, '&');
		size_t n = amp ? (size_t)(amp - p) : strlen(p);
		const char *eq = memchr(p, '=', n);
		size_t kn = eq ? (size_t)(eq - p) : n;
		char *key = NULL, *val = NULL;
		enum service_status st;

		if (n > 0) {
			st = url_decode(p, kn, true, &key, NULL);
			if (st != SERVICE_OK)
				goto fail_st;
			if (strcmp(key, name) == 0) {
				st = eq ? url_decode(eq + 1, n - kn - 1, true,
						     &val, NULL)
					: url_decode("", 0, true, &val, NULL);
				if (st != SERVICE_OK) {
					free(key);
					goto fail_st;
				}
				free(found);
				found = val;
			} else if (eq) {
				/* Check the value's escapes all the same. */
				st = url_decode(eq + 1, n - kn - 1, true,
						&val, NULL);
				free(val);
				if (st != SERVICE_OK) {
					free(key);
					goto fail_st;
				}
			}
			free(key);
		}
		p += n;
		if (*p == '&')
			p++;
		continue;
fail_st:
		free(found);
		return st;
	}
	*value = found;
	return SERVICE_OK;
}

const char *
url_scheme(const struct url_origin *o)
{
	const char *fp = o->forwarded_proto, *rs = o->request_scheme;

	if (fp != NULL && (strcmp(fp, "https") == 0 || strcmp(fp, "http") == 0))
		return fp;
	if (rs != NULL && (strcmp(rs, "https") == 0 || strcmp(rs, "http") == 0))
		return rs;
	if (o->https != NULL && (strcmp(o->https, "on") == 0 ||
				 strcmp(o->https, "ON") == 0 ||
				 strcmp(o->https, "1") == 0))
		return "https";
	return "http";
}

char *
url_build(const struct url_origin *o, const char *full_path,
	  const char *query)
{
	struct util_buf b = UTIL_BUF_INIT(URL_TEXT_MAX);
	const char *scheme = url_scheme(o);

	util_buf_adds(&b, scheme);
	util_buf_adds(&b, "://");
	if (set(o->host)) {
		util_buf_adds(&b, o->host);
	} else {
		util_buf_adds(&b, set(o->server_name) ? o->server_name
						  : "localhost");
		if (set(o->server_port) &&
		    !(strcmp(scheme, "http") == 0 &&
		      strcmp(o->server_port, "80") == 0) &&
		    !(strcmp(scheme, "https") == 0 &&
		      strcmp(o->server_port, "443") == 0)) {
			util_buf_adds(&b, ":");
			util_buf_adds(&b, o->server_port);
		}
	}
	util_buf_adds(&b, full_path[0] ? full_path : "/");
	if (set(query)) {
		util_buf_adds(&b, "?");
		util_buf_adds(&b, query);
	}
	return util_buf_take(&b, NULL);
}

/* RFC 3986 section 3.3: pchar = unreserved / pct-encoded / sub-delims /
 * ":" / "@"; "/" separates segments.  Section 3.4 adds "/" and "?" for
 * the query, where '%' is kept because the query stays encoded. */
static bool
path_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') ||
	       (c != '\0' && strchr("-._~!$&'()*+,;=:@/", c) != NULL);
}

static bool
query_char(unsigned char c)
{
	return path_char(c) || c == '?' || c == '%';
}

/* Printable ASCII other than space: all a host can need. */
static bool
host_char(unsigned char c)
{
	return c > 0x20 && c < 0x7f;
}

static void
add_encoded(struct util_buf *b, const char *s, size_t n,
	    bool (*keep)(unsigned char))
{
	size_t run = 0;

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (keep(c))
			continue;
		util_buf_add(b, s + run, i - run);
		util_buf_addf(b, "%%%02X", c);
		run = i + 1;
	}
	util_buf_add(b, s + run, n - run);
}

char *
url_location(const struct url_origin *o, const char *full_path,
	     const char *query)
{
	struct util_buf b = UTIL_BUF_INIT(URL_TEXT_MAX);
	const char *scheme = url_scheme(o), *host;
	size_t n = strlen(full_path);

	util_buf_adds(&b, scheme);
	util_buf_adds(&b, "://");
	host = set(o->host) ? o->host
			    : set(o->server_name) ? o->server_name
						  : "localhost";
	add_encoded(&b, host, strlen(host), host_char);
	if (!set(o->host) && set(o->server_port) &&
	    !(strcmp(scheme, "http") == 0 &&
	      strcmp(o->server_port, "80") == 0) &&
	    !(strcmp(scheme, "https") == 0 &&
	      strcmp(o->server_port, "443") == 0)) {
		util_buf_adds(&b, ":");
		add_encoded(&b, o->server_port, strlen(o->server_port),
			    host_char);
	}
	while (n > 0 && full_path[n - 1] == '/')
		n--;
	if (n == 0)
		util_buf_adds(&b, "/");
	else
		add_encoded(&b, full_path, n, path_char);
	if (set(query)) {
		util_buf_adds(&b, "?");
		add_encoded(&b, query, strlen(query), query_char);
	}
	return util_buf_take(&b, NULL);
}
