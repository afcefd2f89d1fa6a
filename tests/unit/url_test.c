/* SPDX-License-Identifier: MIT
 * tests/unit/url_test.c - percent-decoding, query lookup (parse_qsl with
 * keep_blank_values, last value wins) and the URL echoed in envelopes.
 */
#include <stdlib.h>
#include <string.h>

#include "fcgi/url.h"
#include "tests/unit/tap.h"

static void
url_decode_should_decode_escapes(void)
{
	static const struct {
		const char *in;
		int plus;
		const char *want;  /* NULL: refused */
	} cases[] = {
		{ "abc", 0, "abc" },
		{ "a%20b", 0, "a b" },
		{ "a+b", 0, "a+b" },
		{ "a+b", 1, "a b" },
		{ "%41%2f%2F", 0, "A//" },
		{ "%e2%80%94", 0, "\xe2\x80\x94" },
		{ "%FF", 0, "\xff" },
		{ "%", 0, NULL },
		{ "%4", 0, NULL },
		{ "%4g", 0, NULL },
		{ "%00", 0, NULL },
		{ "", 0, "" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *out = NULL;
		enum service_status st = url_decode(cases[i].in,
						strlen(cases[i].in),
						cases[i].plus, &out, NULL);

		if (cases[i].want == NULL)
			tap_ok(st == SERVICE_ERR_ESCAPE,
			       "url_decode should refuse '%s'", cases[i].in);
		else
			tap_str_eq(st == SERVICE_OK ? out : NULL,
				   cases[i].want,
				   "url_decode should decode '%s'",
				   cases[i].in);
		free(out);
	}
}

static void
url_query_get_should_follow_parse_qsl(void)
{
	static const struct {
		const char *query;
		const char *want;  /* NULL: absent */
		enum service_status st;
	} cases[] = {
		{ "filter=overall", "overall", SERVICE_OK },
		{ "filter=overall&filter=class", "class", SERVICE_OK },
		{ "a=1&filter=ov%65rall+x&b", "overall x", SERVICE_OK },
		{ "filter", "", SERVICE_OK },
		{ "filter=", "", SERVICE_OK },
		{ "&&filter=a&&", "a", SERVICE_OK },
		{ "filters=a", NULL, SERVICE_OK },
		{ "fil%74er=a", "a", SERVICE_OK },
		{ "", NULL, SERVICE_OK },
		{ "filter=%zz", NULL, SERVICE_ERR_ESCAPE },
		{ "other=%zz&filter=a", NULL, SERVICE_ERR_ESCAPE },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *v = NULL;
		enum service_status st = url_query_get(cases[i].query,
						       "filter", &v);

		if (cases[i].st != SERVICE_OK)
			tap_ok(st == cases[i].st,
			       "url_query_get should refuse '%s'",
			       cases[i].query);
		else if (cases[i].want == NULL)
			tap_ok(st == SERVICE_OK && v == NULL,
			       "url_query_get should not find filter in '%s'",
			       cases[i].query);
		else
			tap_str_eq(st == SERVICE_OK ? v : NULL, cases[i].want,
				   "url_query_get should find filter in '%s'",
				   cases[i].query);
		free(v);
	}
}

static void
url_build_should_rebuild_the_request_url(void)
{
	static const struct {
		struct url_origin o;
		const char *path, *query, *want;
	} cases[] = {
		{ { NULL, NULL, NULL, "127.0.0.1:8000", "x", "80" }, "/", "",
		  "http://127.0.0.1:8000/" },
		{ { "on", NULL, NULL, "example.org", NULL, NULL }, "/args",
		  "a=1", "https://example.org/args?a=1" },
		{ { NULL, "https", NULL, "h", NULL, NULL }, "/", "",
		  "https://h/" },
		{ { NULL, "http", "https", "h", NULL, NULL }, "/", "",
		  "https://h/" },
		{ { NULL, NULL, "gopher", "h", NULL, NULL }, "/", "",
		  "http://h/" },
		{ { NULL, NULL, NULL, NULL, "srv", "8080" }, "/p", "q=%20",
		  "http://srv:8080/p?q=%20" },
		{ { NULL, NULL, NULL, NULL, "srv", "80" }, "/p", NULL,
		  "http://srv/p" },
		{ { "on", NULL, NULL, NULL, "srv", "443" }, "/p", NULL,
		  "https://srv/p" },
		{ { NULL, NULL, NULL, NULL, NULL, NULL }, "", NULL,
		  "http://localhost/" },
		{ { NULL, NULL, NULL, "h", NULL, NULL }, "/api/args/a b", "",
		  "http://h/api/args/a b" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *u = url_build(&cases[i].o, cases[i].path,
				    cases[i].query);

		tap_str_eq(u, cases[i].want, "url_build should give %s",
			   cases[i].want);
		free(u);
	}
}

static void
url_location_should_keep_the_header_printable_ascii(void)
{
	static const struct {
		struct url_origin o;
		const char *path, *query, *want;
	} cases[] = {
		{ { NULL, NULL, NULL, "h", NULL, NULL }, "/args/", "a=1",
		  "http://h/args?a=1" },
		{ { NULL, NULL, NULL, "h", NULL, NULL }, "/args//", "",
		  "http://h/args" },
		/* Decoded CR LF: a raw one would split the header. */
		{ { NULL, NULL, NULL, "h", NULL, NULL },
		  "/args/a\r\nSet-Cookie: pwned=1/", NULL,
		  "http://h/args/a%0D%0ASet-Cookie:%20pwned=1" },
		{ { NULL, NULL, NULL, "h", NULL, NULL },
		  "/args/\r\n\r\n<html>/", NULL,
		  "http://h/args/%0D%0A%0D%0A%3Chtml%3E" },
		/* A decoded '?' belongs to the path, not the query. */
		{ { NULL, NULL, NULL, "h", NULL, NULL }, "/args/?/", "",
		  "http://h/args/%3F" },
		{ { NULL, NULL, NULL, "h", NULL, NULL }, "/args/a \xc3\xa9/",
		  "x=1", "http://h/args/a%20%C3%A9?x=1" },
		{ { NULL, NULL, NULL, "h", NULL, NULL }, "/args/\xff/", "",
		  "http://h/args/%FF" },
		/* '%' and '#' in a decoded path were %25 and %23. */
		{ { NULL, NULL, NULL, "h", NULL, NULL }, "/a%b#c/", "",
		  "http://h/a%25b%23c" },
		/* sub-delims, ':' and '@' stay literal. */
		{ { NULL, NULL, NULL, "h", NULL, NULL }, "/a:@!$&'()*+,;=~/",
		  "", "http://h/a:@!$&'()*+,;=~" },
		/* The query keeps its escapes; raw bytes are encoded. */
		{ { NULL, NULL, NULL, "h", NULL, NULL }, "/args/",
		  "a=%0d%0a b\r\n#", "http://h/args?a=%0d%0a%20b%0D%0A%23" },
		{ { NULL, NULL, NULL, "h\r\nX: y", NULL, NULL }, "/args/", "",
		  "http://h%0D%0AX:%20y/args" },
		{ { NULL, NULL, NULL, NULL, "srv", "8080" }, "/api/args/", "",
		  "http://srv:8080/api/args" },
		{ { NULL, NULL, NULL, "h", NULL, NULL }, "//", "",
		  "http://h/" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *u = url_location(&cases[i].o, cases[i].path,
				       cases[i].query);

		tap_str_eq(u, cases[i].want, "url_location should give %s",
			   cases[i].want);
		free(u);
	}
}

int
main(void)
{
	url_location_should_keep_the_header_printable_ascii();
	url_decode_should_decode_escapes();
	url_query_get_should_follow_parse_qsl();
	url_build_should_rebuild_the_request_url();
	return tap_done();
}
