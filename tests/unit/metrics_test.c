/* SPDX-License-Identifier: MIT
 * tests/unit/metrics_test.c - core/metrics.c against hand-computed values
 * (sklearn's precision_recall_fscore_support conventions) and the JSON
 * text of the report (core/jsonw.c).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/jsonw.h"
#include "core/metrics.h"
#include "tests/unit/tap.h"

static int
near(double a, double b)
{
	return fabs(a - b) < 1e-12;
}

static void
metrics_compute_should_match_hand_computed_values(void)
{
	/* class 0: tp 2 of 2 predicted, 3 true -> p 1, r 2/3, f1 0.8
	 * class 1: tp 1 of 2 predicted, 2 true -> p .5, r .5, f1 .5
	 * class 2: tp 1 of 2 predicted, 1 true -> p .5, r 1, f1 2/3
	 * weighted by support 3,2,1: p = 4.5/6, r = 4/6,
	 * f1 = (2.4 + 1 + 2/3) / 6. */
	static const unsigned yt[] = { 0, 0, 0, 1, 1, 2 };
	static const unsigned yp[] = { 0, 0, 1, 1, 2, 2 };
	struct metrics_report r;

	metrics_compute(yt, yp, 6, 3, NULL, NULL, &r);
	tap_ok(near(r.cls[0].precision, 1.0) &&
	       near(r.cls[0].recall, 2.0 / 3.0) && near(r.cls[0].f1, 0.8) &&
	       r.cls[0].num_samples == 3,
	       "metrics_compute_should_score_class_0");
	tap_ok(near(r.cls[1].precision, 0.5) && near(r.cls[1].recall, 0.5) &&
	       near(r.cls[1].f1, 0.5) && r.cls[1].num_samples == 2,
	       "metrics_compute_should_score_class_1");
	tap_ok(near(r.cls[2].precision, 0.5) && near(r.cls[2].recall, 1.0) &&
	       near(r.cls[2].f1, 2.0 / 3.0) && r.cls[2].num_samples == 1,
	       "metrics_compute_should_score_class_2");
	tap_ok(near(r.overall.precision, 0.75) &&
	       near(r.overall.recall, 4.0 / 6.0) &&
	       near(r.overall.f1, (2.4 + 1.0 + 2.0 / 3.0) / 6.0) &&
	       r.overall.num_samples == 6,
	       "metrics_compute_should_weight_by_support (f1 %.17g)",
	       r.overall.f1);
}

static void
metrics_compute_should_use_zero_for_zero_division(void)
{
	/* Class 1 is never predicted (precision 0/0 -> 0, f1 0); class 2
	 * has no true sample (recall 0/0 -> 0) and weighs nothing. */
	static const unsigned yt[] = { 0, 0, 1, 1 };
	static const unsigned yp[] = { 0, 2, 0, 0 };
	struct metrics_report r;

	metrics_compute(yt, yp, 4, 3, NULL, NULL, &r);
	tap_ok(r.cls[1].precision == 0.0 && r.cls[1].recall == 0.0 &&
	       r.cls[1].f1 == 0.0,
	       "metrics_compute_should_give_0_for_never_predicted_class");
	tap_ok(r.cls[2].precision == 0.0 && r.cls[2].recall == 0.0 &&
	       r.cls[2].f1 == 0.0 && r.cls[2].num_samples == 0,
	       "metrics_compute_should_give_0_for_class_without_support");
	/* class 0: p 1/3, r 1/2, f1 0.4; weighted over supports 2, 2, 0. */
	tap_ok(near(r.overall.precision, (1.0 / 3.0) / 2.0) &&
	       near(r.overall.recall, 0.25) && near(r.overall.f1, 0.2),
	       "metrics_compute_should_average_with_zeros");
}

static void
metrics_in_slice_should_follow_the_course(void)
{
	tap_ok(metrics_in_slice(METRICS_SLICE_NLP_CNN,
				"natural-language-processing",
				"text classification cnns"),
	       "metrics_in_slice_should_take_nlp_with_cnn");
	tap_ok(metrics_in_slice(METRICS_SLICE_NLP_CNN,
				"natural-language-processing",
				"graph convolutional networks text"),
	       "metrics_in_slice_should_take_nlp_with_convolution");
	tap_ok(!metrics_in_slice(METRICS_SLICE_NLP_CNN, "computer-vision",
				 "cnn image classification"),
	       "metrics_in_slice_should_skip_cnn_outside_nlp");
	tap_ok(metrics_in_slice(METRICS_SLICE_SHORT_TEXT, "other",
				"one two three four five six seven"),
	       "metrics_in_slice_should_take_7_words_as_short");
	tap_ok(!metrics_in_slice(METRICS_SLICE_SHORT_TEXT, "other",
				 "one two three four five six seven eight"),
	       "metrics_in_slice_should_not_take_8_words");
}

static void
metrics_compute_should_score_slices_micro(void)
{
	static const unsigned yt[] = { 1, 1, 0, 0 };
	static const unsigned yp[] = { 1, 0, 0, 1 };
	static const char *const tags[] = {
		"natural-language-processing", "natural-language-processing",
		"computer-vision", "computer-vision"
	};
	static const char *const cleaned[] = {
		"cnn text classification long enough to be nine words here",
		"convolution sentences",
		"short", "cnn image classification of many many many words"
	};
	struct metrics_report r;
	char *json;

	metrics_compute(yt, yp, 4, 2, tags, cleaned, &r);
	tap_ok(r.has_slice[METRICS_SLICE_NLP_CNN] &&
	       r.slice[METRICS_SLICE_NLP_CNN].num_samples == 2 &&
	       near(r.slice[METRICS_SLICE_NLP_CNN].f1, 0.5),
	       "metrics_compute_should_score_nlp_cnn_as_accuracy");
	tap_ok(r.has_slice[METRICS_SLICE_SHORT_TEXT] &&
	       r.slice[METRICS_SLICE_SHORT_TEXT].num_samples == 2 &&
	       near(r.slice[METRICS_SLICE_SHORT_TEXT].precision, 0.5),
	       "metrics_compute_should_score_short_text");
	json = metrics_json(&r, (const char *const[]){ "a", "b" });
	tap_str_eq(json,
		   "{\"overall\":{\"precision\":0.5,\"recall\":0.5,\"f1\":0.5,"
		   "\"num_samples\":4},\"class\":{\"a\":{\"precision\":0.5,"
		   "\"recall\":0.5,\"f1\":0.5,\"num_samples\":2},\"b\":{"
		   "\"precision\":0.5,\"recall\":0.5,\"f1\":0.5,"
		   "\"num_samples\":2}},\"slices\":{\"nlp_cnn\":{"
		   "\"precision\":0.5,\"recall\":0.5,\"f1\":0.5,"
		   "\"num_samples\":2},\"short_text\":{\"precision\":0.5,"
		   "\"recall\":0.5,\"f1\":0.5,\"num_samples\":2}}}",
		   "metrics_json_should_write_the_performance_shape");
	free(json);
	metrics_compute(yt, yp, 4, 2, NULL, NULL, &r);
	json = metrics_json(&r, (const char *const[]){ "a", "b" });
	tap_ok(json != NULL && strstr(json, "\"slices\":{}") != NULL,
	       "metrics_json_should_leave_out_empty_slices");
	free(json);
}

static const struct {
	double v;
	const char *text;
} doubles[] = {
	{ 1.0, "1.0" },
	{ 0.0, "0.0" },
	{ 0.5625, "0.5625" },
	{ 1e-4, "0.0001" },
	{ 1e-5, "1e-05" },
	{ 0.1469, "0.1469" },
	{ 0.8418108244286255, "0.8418108244286255" },
	{ 0.6341494637432107, "0.6341494637432107" },
	{ 1.0 / 3.0, "0.3333333333333333" },
	{ 100.0, "100.0" },
	{ -0.0, "-0.0" },
	{ 1e16, "1e+16" },
	{ 1.5e-5, "1.5e-05" },
	{ 2.5e20, "2.5e+20" },
	{ 123456789012345.6, "123456789012345.6" },
};

static void
jsonw_format_double_should_match_python_repr(void)
{
	for (size_t i = 0; i < sizeof(doubles) / sizeof(doubles[0]); i++) {
		char out[32];

		jsonw_format_double(doubles[i].v, out);
		if (!tap_ok(strcmp(out, doubles[i].text) == 0,
			    "jsonw_format_double_should_write %s",
			    doubles[i].text))
			printf("#   got: '%s'\n", out);
	}
}

int
main(void)
{
	metrics_compute_should_match_hand_computed_values();
	metrics_compute_should_use_zero_for_zero_division();
	metrics_in_slice_should_follow_the_course();
	metrics_compute_should_score_slices_micro();
	jsonw_format_double_should_match_python_repr();
	return tap_done();
}
