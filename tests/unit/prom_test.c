/* SPDX-License-Identifier: MIT
 * tests/unit/prom_test.c - the Prometheus text format writer
 * (fcgi/prom.c): family lines, samples with and without labels, label
 * escaping, integer, micro-unit and real values; and the exposition of
 * fcgi/observe.c for a table with known counts, line by line.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fcgi/observe.h"
#include "fcgi/prom.h"
#include "fcgi/route.h"
#include "fcgi/stats.h"
#include "tests/unit/tap.h"

/* Runs the statement on a fresh buffer b_ and compares its text with
 * want. */
#define CHECK_TEXT(want, name, statement) do {                         \
	struct util_buf b_ = UTIL_BUF_INIT(1 << 20);                     \
	statement;                                                       \
	util_buf_add(&b_, "", 1);                                        \
	tap_str_eq(b_.st == UTIL_OK ? b_.data : "(buffer failed)", want, \
		   "%s", name);                                          \
	util_buf_free(&b_);                                              \
} while (0)

/* The row of pattern in the route table. */
static size_t
row_of(const char *pattern)
{
	for (size_t i = 0; i < route_count; i++)
		if (strcmp(route_table[i].pattern, pattern) == 0)
			return i;
	return route_count;
}

static void
prom_escape_should_escape_backslash_quote_and_line_feed(void)
{
	static const struct { const char *in, *want; } cases[] = {
		{ "plain", "plain" },
		{ "a\\b", "a\\\\b" },
		{ "say \"hi\"", "say \\\"hi\\\"" },
		{ "two\nlines", "two\\nlines" },
		{ "/static/{file:path}", "/static/{file:path}" },
		{ "", "" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		CHECK_TEXT(cases[i].want, cases[i].want,
			   prom_escape(&b_, cases[i].in));
}

static void
prom_family_should_write_help_then_type(void)
{
	CHECK_TEXT("# HELP x_total Things.\n# TYPE x_total counter\n",
		   "family lines",
		   prom_family(&b_, "x_total", "counter", "Things."));
}

static void
prom_uint_should_write_labels_in_order(void)
{
	struct prom_label l[2] = { { "route", "/p" }, { "code", "200" } };

	CHECK_TEXT("x_total 7\n", "no labels",
		   prom_uint(&b_, "x_total", NULL, 0, 7));
	CHECK_TEXT("x_total{route=\"/p\",code=\"200\"} 18446744073709551615\n",
		   "two labels, the largest count",
		   prom_uint(&b_, "x_total", l, 2, UINT64_MAX));
}

static void
prom_micro_should_write_six_exact_decimals(void)
{
	CHECK_TEXT("s 0.000000\n", "zero", prom_micro(&b_, "s", NULL, 0, 0));
	CHECK_TEXT("s 0.000020\n", "20 us", prom_micro(&b_, "s", NULL, 0, 20));
	CHECK_TEXT("s 1.234567\n", "1.234567 s",
		   prom_micro(&b_, "s", NULL, 0, 1234567));
}

static void
prom_real_should_spell_infinities_and_nan(void)
{
	CHECK_TEXT("g +Inf\n", "+Inf", prom_real(&b_, "g", NULL, 0, INFINITY));
	CHECK_TEXT("g -Inf\n", "-Inf",
		   prom_real(&b_, "g", NULL, 0, -INFINITY));
	CHECK_TEXT("g NaN\n", "NaN", prom_real(&b_, "g", NULL, 0, NAN));
	CHECK_TEXT("g 0.5\n", "0.5", prom_real(&b_, "g", NULL, 0, 0.5));
}

/* True when text holds line as a whole line. */
static bool
has_line(const char *text, const char *line)
{
	size_t n = strlen(line);

	for (const char *p = text; (p = strstr(p, line)) != NULL; p++)
		if ((p == text || p[-1] == '\n') && p[n] == '\n')
			return true;
	return false;
}

static void
observe_write_should_show_the_counts_of_every_slot(void)
{
	struct util_buf b = UTIL_BUF_INIT(OBSERVE_BODY_MAX);
	static struct stats_totals t;
	const char *tags[2] = { "a\"b", "other" };
	struct stats s;
	char err[256];
	size_t predict = row_of("/predict");
	int model;

	if (stats_open_pool(&s, err, sizeof(err)) != SERVICE_OK) {
		tap_ok(0, "stats_open_pool: %s", err);
		return;
	}
	model = stats_model(&s, "m", "v1", "c0ffee", tags, 2);
	stats_bind(&s, 0, model);
	stats_request(&s, predict, METHOD_POST, 200, 40);
	stats_predicted(&s, model, 0);
	stats_bind(&s, 5, model);
	stats_request(&s, predict, METHOD_POST, 422, 2000000); /* +Inf */
	stats_request(&s, route_count, METHOD_GET, 404, 10);
	stats_slot_set(&s, 5, 4242, STATS_SLOT_SERVING, 1, 0);
	stats_sum(&s, &t);
	observe_write(&b, &s, &t);
	util_buf_add(&b, "", 1);
	tap_ok(b.st == UTIL_OK, "observe_write should fit its buffer");
	tap_ok(has_line(b.data, "tagifai_http_requests_total{route=\"/predict\","
			"method=\"POST\",code=\"200\"} 1"), "POST /predict 200");
	tap_ok(has_line(b.data, "tagifai_http_requests_total{route=\"/predict\","
			"method=\"POST\",code=\"422\"} 1"), "POST /predict 422");
	tap_ok(has_line(b.data, "tagifai_http_requests_total{route="
			"\"unmatched\",method=\"GET\",code=\"404\"} 1"),
	       "a path of no route is counted under route=\"unmatched\"");
	tap_ok(has_line(b.data, "tagifai_http_request_duration_seconds_bucket{"
			"route=\"/predict\",le=\"5e-05\"} 1"),
	       "40 us is under le=5e-05");
	tap_ok(has_line(b.data, "tagifai_http_request_duration_seconds_bucket{"
			"route=\"/predict\",le=\"1\"} 1"),
	       "2 s is over le=1 ...");
	tap_ok(has_line(b.data, "tagifai_http_request_duration_seconds_bucket{"
			"route=\"/predict\",le=\"+Inf\"} 2"), "... and in +Inf");
	tap_ok(has_line(b.data, "tagifai_http_request_duration_seconds_sum{"
			"route=\"/predict\"} 2.000040"), "the sum, exact");
	tap_ok(has_line(b.data, "tagifai_http_request_duration_seconds_count{"
			"route=\"/predict\"} 2"), "the count");
	tap_ok(has_line(b.data, "tagifai_predictions_total{model=\"m\","
			"version=\"v1\",tag=\"a\\\"b\"} 1"),
	       "a tag's quote is escaped");
	tap_ok(has_line(b.data, "tagifai_texts_predicted_total{model=\"m\","
			"version=\"v1\"} 1"), "texts by model version");
	tap_ok(has_line(b.data, "tagifai_workers{state=\"serving\"} 1"),
	       "one worker serving");
	tap_ok(strstr(b.data, "/args/{arg}\"") == NULL,
	       "a route never asked for has no series");
	util_buf_free(&b);
	stats_close(&s);
}

int
main(void)
{
	prom_escape_should_escape_backslash_quote_and_line_feed();
	prom_family_should_write_help_then_type();
	prom_uint_should_write_labels_in_order();
	prom_micro_should_write_six_exact_decimals();
	prom_real_should_spell_infinities_and_nan();
	observe_write_should_show_the_counts_of_every_slot();
	return tap_done();
}
