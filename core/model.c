/* SPDX-License-Identifier: MIT
 * core/model.c - the prediction pipeline of an open model and its
 * accessors: clean (core/clean.h) -> tf-idf row (core/vectorizer.h) ->
 * probabilities and tag (core/classifier.h).
 *
 * A struct model_scratch holds every buffer one prediction needs; after
 * the first few calls it has grown to fit and model_predict allocates
 * nothing.
 */
#include <stdlib.h>

#include "core/clean.h"
#include "core/model_impl.h"
#include "core/model_info.h"

/* Longest text model_predict accepts, in bytes (before cleaning). */
#define MODEL_MAX_TEXT_BYTES ((size_t)1 << 20)

struct model_scratch {
	struct clean_buf clean;
	struct vectorizer_buf vec;
};

struct model_scratch *
model_scratch_new(const struct model *m)
{
	struct model_scratch *s = calloc(1, sizeof(*s));

	if (s == NULL)
		return NULL;
	if (vectorizer_buf_init(&s->vec, m->vec.n_features) != CORE_OK) {
		model_scratch_free(s);
		return NULL;
	}
	return s;
}

void
model_scratch_free(struct model_scratch *s)
{
	if (s == NULL)
		return;
	clean_buf_release(&s->clean);
	vectorizer_buf_release(&s->vec);
	free(s);
}

enum core_status
model_predict(const struct model *m, struct model_scratch *s,
	      const char *text, size_t len, struct prediction *out)
{
	enum core_status rc;
	size_t nnz = 0;

	if (len > MODEL_MAX_TEXT_BYTES)
		return CORE_ERR_LIMIT;
	rc = cleaner_run(m->cleaner, text, len, &s->clean);
	if (rc != CORE_OK)
		return rc;
	rc = vectorizer_transform(&m->vec, &s->vec, s->clean.out,
				  s->clean.len, &nnz);
	if (rc != CORE_OK)
		return rc;
	classifier_score(&m->clf, s->vec.feats, s->vec.vals, nnz, out);
	return CORE_OK;
}

const char *
model_scratch_cleaned(const struct model_scratch *s)
{
	return s->clean.out != NULL ? s->clean.out : "";
}

const struct model_identity *
model_identity(const struct model *m)
{
	return &m->identity;
}

size_t
model_class_count(const struct model *m)
{
	return m->n_classes;
}

const char *
model_class_name(const struct model *m, size_t k)
{
	return k < m->n_classes ? m->classes[k] : NULL;
}

double
model_threshold(const struct model *m)
{
	return m->clf.threshold;
}

const char *
model_args_json(const struct model *m)
{
	return m->args_json;
}

const char *
model_performance_json(const struct model *m)
{
	return m->performance_json;
}

size_t
model_feature_count(const struct model *m)
{
	return m->vec.n_features;
}

void
model_ngram_range(const struct model *m, unsigned *nmin, unsigned *nmax)
{
	*nmin = m->vec.ngram_min;
	*nmax = m->vec.ngram_max;
}

unsigned
model_other_index(const struct model *m)
{
	return m->clf.other_index;
}

bool
model_lowercases(const struct model *m)
{
	return m->lower;
}

bool
model_stems(const struct model *m)
{
	return m->stem;
}

size_t
model_stopword_count(const struct model *m)
{
	return m->stopwords.count;
}

/* model_open checked only the ends of the terms list (the list is big and
 * only inspection reads it), so each offset is bounded here: the string
 * data ends with a NUL, so any offset below off[count] starts a string
 * that ends inside the section.  A damaged offset gives "". */
const char *
model_term(const struct model *m, size_t j)
{
	if (j >= m->terms.count)
		return NULL;
	uint32_t off = m->terms.off[j];

	if (off >= m->terms.off[m->terms.count])
		return "";
	return m->terms.data + off;
}

const char *
model_stopword(const struct model *m, size_t i)
{
	if (i >= m->stopwords.count)
		return NULL;
	return m->stopwords.data + m->stopwords.off[i];
}

size_t
model_file_size(const struct model *m)
{
	return m->size;
}
