/* SPDX-License-Identifier: MIT
 * tests/unit/classifier_test.c - core/classifier.c against scikit-learn.
 *
 * Expected values come from an SGDClassifier(loss="log_loss") whose
 * coef_, intercept_ and classes_ were set to the weights below, applied to
 * a one-row csr_matrix with the features stored in the order given; its
 * decision_function and predict_proba were printed with repr().
 */
#include <string.h>

#include "core/classifier.h"
#include "tests/unit/tap.h"

#define NF 5

/* coef (class-major, as sklearn) ... */
static const double coef4[4][NF] = {
	{ 0.5, -1.25, 0.1, 2.0, -0.3 },
	{ 0.7, 0.2, -0.9, 0.05, 1.1 },
	{ -0.4, 0.33, 0.8, -1.7, 0.25 },
	{ 0.01, 0.02, -0.03, 0.6, -0.8 },
};
static const double coef3[3][3] = {
	{ 0.5, -1.25, 0.1 },
	{ 0.7, 0.2, -0.9 },
	{ -0.4, 0.33, 0.8 },
};

/* ... stored feature-major as in the artifact. */
static double w4[NF * 4], w3[3 * 3];

static int
same(const double *got, const double *want, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (got[i] != want[i])
			return 0;
	return 1;
}

static void
classifier_score_should_match_sklearn_4_classes(void)
{
	static const double b[4] = { 0.1, -0.2, 0.3, -0.4 };
	static const uint32_t feats[3] = { 4, 2, 1 };
	static const double vals[3] = { 0.6, 0.48, 0.64 };
	static const double dec[4] = { -0.8320000000000001, 0.15600000000000003,
				       1.0452000000000001, -0.8816 };
	static const double prob[4] = { 0.16173222406285492, 0.28744882758858215,
					0.3946210669999353, 0.1561978813486277 };
	struct classifier c = { 4, w4, b, 0.3, 3 };
	struct prediction p;

	memset(&p, 0xff, sizeof(p));
	classifier_score(&c, feats, vals, 3, &p);
	tap_ok(same(p.decision, dec, 4),
	       "classifier_score_should_match_sklearn_decision_function");
	tap_ok(same(p.prob, prob, 4),
	       "classifier_score_should_match_sklearn_predict_proba");
	tap_ok(p.argmax == 2 && p.tag == 2 && p.nnz == 3,
	       "classifier_score_should_tag_the_argmax_above_the_threshold");
	tap_ok(p.prob[4] == 0.0 && p.decision[CORE_MAX_CLASSES - 1] == 0.0,
	       "classifier_score_should_zero_unused_classes");
	c.threshold = 0.3946210669999353; /* max must be strictly above */
	classifier_score(&c, feats, vals, 3, &p);
	tap_ok(p.argmax == 2 && p.tag == 3,
	       "classifier_score_should_fall_back_to_other_at_the_threshold");
}

static void
classifier_score_should_handle_an_empty_row(void)
{
	static const double b[4] = { 0.1, -0.2, 0.3, -0.4 };
	static const double prob[4] = { 0.26909589157188013, 0.23074785579648854,
					0.2944499989810153, 0.205706253650616 };
	static const double zero[4] = { 0, 0, 0, 0 };
	struct classifier c = { 4, w4, b, 0.5, 3 };
	struct prediction p;

	classifier_score(&c, NULL, NULL, 0, &p);
	tap_ok(same(p.decision, b, 4) && same(p.prob, prob, 4) && p.tag == 3,
	       "classifier_score_should_use_the_intercepts_for_an_empty_row");
	c.intercept = zero;
	c.threshold = 0.2;
	classifier_score(&c, NULL, NULL, 0, &p);
	tap_ok(p.prob[0] == 0.25 && p.argmax == 0 && p.tag == 0,
	       "classifier_score_should_pick_the_first_of_equal_maxima");
}

static void
classifier_score_should_match_sklearn_3_classes(void)
{
	static const double b[3] = { 0.0, 0.0, 0.0 };
	static const uint32_t feats[2] = { 2, 0 };
	static const double vals[2] = { 0.8, 0.6 };
	static const double dec[3] = { 0.38, -0.3000000000000001,
				       0.40000000000000013 };
	static const double prob[3] = { 0.36701465070057543, 0.2629952935630849,
					0.36999005573633964 };
	struct classifier c = { 3, w3, b, 0.5, 1 };
	struct prediction p;

	classifier_score(&c, feats, vals, 2, &p);
	tap_ok(same(p.decision, dec, 3) && same(p.prob, prob, 3),
	       "classifier_score_should_match_sklearn_with_3_classes");
	tap_ok(p.argmax == 2 && p.tag == 1,
	       "classifier_score_should_use_other_index_below_the_threshold");
}

int
main(void)
{
	for (size_t j = 0; j < NF; j++)
		for (size_t k = 0; k < 4; k++)
			w4[j * 4 + k] = coef4[k][j];
	for (size_t j = 0; j < 3; j++)
		for (size_t k = 0; k < 3; k++)
			w3[j * 3 + k] = coef3[k][j];
	classifier_score_should_match_sklearn_4_classes();
	classifier_score_should_handle_an_empty_row();
	classifier_score_should_match_sklearn_3_classes();
	return tap_done();
}
