/* SPDX-License-Identifier: MIT
 * core/model_impl.h - the inside of struct model, shared by the files
 * that open (artifact_read.c) and run (model.c) a model.  Everything but
 * the cleaner and two small pointer arrays points into the mapping.
 */
#ifndef CORE_MODEL_IMPL_H
#define CORE_MODEL_IMPL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/classifier.h"
#include "core/model.h"
#include "core/vectorizer.h"

struct cleaner;

/* A string list section, validated: string i is data + off[i], with a NUL
 * at data + off[i + 1] - 1 and no NUL before it. */
struct strlist {
	size_t count;
	const uint32_t *off;
	const char *data;
};

struct model {
	const unsigned char *map;
	size_t size;
	struct model_identity identity;
	char checksum_hex[17];
	size_t n_classes;
	const char *classes[CORE_MAX_CLASSES];
	bool lower, stem;
	struct strlist stopwords;
	const char **stopword_ptrs;  /* malloc'd, for cleaner_new */
	struct strlist terms;
	struct vectorizer vec;
	struct classifier clf;
	const char *args_json;
	const char *performance_json;
	struct cleaner *cleaner;
};

#endif
