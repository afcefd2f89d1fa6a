/* SPDX-License-Identifier: MIT
 * fcgi/app.c - builds the per-process state once, before the accept loop.
 *
 * The model's args and performance JSON are parsed here, once, with the
 * Python-compatible reader so that every answer prints them exactly as
 * the reference does (1.0 stays 1.0; floats in repr form).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fcgi/app.h"
#include "util/buf.h"
#include "util/json.h"
#include "schemas/pyjson.h"

/* Serialises obj and each of its members (last duplicate wins). */
static int
split_members(const char *text, char **whole,
	      struct app_member **out, size_t *n_out,
	      const char *what, char *err, size_t err_len)
{
	struct pyjson_doc *doc = NULL;
	struct pyjson_error pe = { 0 };
	const struct pyjson *root, *m;
	struct app_member *mem = NULL;
	size_t n = 0;
	int rc = -1;

	if (text == NULL || pyjson_parse(text, strlen(text), &doc, &pe) !=
				    PYJSON_OK) {
		snprintf(err, err_len, "model %s are not valid JSON", what);
		goto out;
	}
	root = pyjson_root(doc);
	if (root->type != PYJSON_OBJECT) {
		snprintf(err, err_len, "model %s are not a JSON object", what);
		goto out;
	}
	*whole = pyjson_dump(root);
	mem = calloc(root->count + 1, sizeof(*mem));
	if (*whole == NULL || mem == NULL)
		goto nomem;
	for (m = root->first; m != NULL; m = m->next) {
		const struct pyjson *v;
		char key[512];

		if (m->key_len >= sizeof(key) ||
		    app_member_find(mem, n, m->key, m->key_len) != NULL)
			continue;
		memcpy(key, m->key, m->key_len);
		key[m->key_len] = '\0';
		v = pyjson_get(root, key);
		mem[n].key = malloc(m->key_len + 1);
		mem[n].json = pyjson_dump(v);
		if (mem[n].key == NULL || mem[n].json == NULL) {
			n++;
			goto nomem;
		}
		memcpy(mem[n].key, key, m->key_len + 1);
		mem[n].key_len = m->key_len;
		n++;
	}
	*out = mem;
	*n_out = n;
	mem = NULL;
	rc = 0;
	goto out;
nomem:
	snprintf(err, err_len, "out of memory");
out:
	for (size_t i = 0; mem != NULL && i < n; i++) {
		free(mem[i].key);
		free(mem[i].json);
	}
	free(mem);
	pyjson_free(doc);
	return rc;
}

static void
free_members(struct app_member *m, size_t n)
{
	for (size_t i = 0; m != NULL && i < n; i++) {
		free(m[i].key);
		free(m[i].json);
	}
	free(m);
}

static void
free_reports(struct app *a)
{
	free_members(a->args, a->n_args);
	free_members(a->perf, a->n_perf);
	free(a->args_json);
	free(a->perf_json);
	free(a->arg_names);
	a->args = a->perf = NULL;
	a->n_args = a->n_perf = 0;
	a->args_json = a->perf_json = a->arg_names = NULL;
	a->reports_loaded = false;
}

static int
identity(struct app *a, char *err, size_t err_len)
{
	const struct model_identity *id = model_identity(a->model);
	struct util_buf b = UTIL_BUF_INIT(PYJSON_TEXT_MAX);

	util_buf_adds(&b, "{\"name\":");
	util_json_str(&b, id->name, strlen(id->name));
	util_buf_adds(&b, ",\"version\":");
	util_json_str(&b, id->version, strlen(id->version));
	util_buf_adds(&b, ",\"checksum\":");
	util_json_str(&b, id->checksum, strlen(id->checksum));
	util_buf_adds(&b, "}");
	a->model_json = util_buf_take(&b, NULL);
	/* Header values must not carry CR/LF; the names are ours. */
	snprintf(a->x_model, sizeof(a->x_model), "%s/%s", id->name,
		 id->version);
	for (char *p = a->x_model; *p; p++)
		if ((unsigned char)*p < 0x20)
			*p = ' ';
	a->n_classes = model_class_count(a->model);
	a->class_json = calloc(a->n_classes + 1, sizeof(char *));
	if (a->model_json == NULL || a->class_json == NULL)
		goto nomem;
	for (size_t k = 0; k < a->n_classes; k++) {
		const char *c = model_class_name(a->model, k);

		util_json_str(&b, c, strlen(c));
		a->class_json[k] = util_buf_take(&b, NULL);
		if (a->class_json[k] == NULL)
			goto nomem;
	}
	return 0;
nomem:
	snprintf(err, err_len, "out of memory");
	return -1;
}

static int
arg_names(struct app *a, char *err, size_t err_len)
{
	struct util_buf b = UTIL_BUF_INIT(PYJSON_TEXT_MAX);

	for (size_t i = 0; i < a->n_args; i++) {
		if (i > 0)
			util_buf_adds(&b, ", ");
		util_buf_add(&b, a->args[i].key, a->args[i].key_len);
	}
	a->arg_names = util_buf_take(&b, NULL);
	if (a->arg_names == NULL) {
		snprintf(err, err_len, "out of memory");
		return -1;
	}
	return 0;
}

int
app_reports(struct app *a, char *err, size_t err_len)
{
	if (a->reports_loaded)
		return 0;
	if (split_members(model_args_json(a->model), &a->args_json, &a->args,
			  &a->n_args, "args", err, err_len) != 0 ||
	    split_members(model_performance_json(a->model), &a->perf_json,
			  &a->perf, &a->n_perf, "performance", err,
			  err_len) != 0 ||
	    arg_names(a, err, err_len) != 0) {
		free_reports(a);
		return -1;
	}
	a->reports_loaded = true;
	return 0;
}

int
app_init(struct app *a, const struct app_config *cfg, char *err,
	 size_t err_len)
{
	struct core_error ce = { { 0 } };
	enum core_status st;

	memset(a, 0, sizeof(*a));
	a->cfg = *cfg;
	st = model_open(cfg->model_path, &a->model, &ce);
	if (st != CORE_OK) {
		/* core's message names the file already. */
		snprintf(err, err_len, "%s", ce.msg[0] ? ce.msg
			 : core_strerror(st));
		goto fail;
	}
	a->scratch = model_scratch_new(a->model);
	if (a->scratch == NULL) {
		snprintf(err, err_len, "out of memory");
		goto fail;
	}
	if (identity(a, err, err_len) != 0 ||
	    (!cfg->lazy && app_reports(a, err, err_len) != 0))
		goto fail;
	if (www_load(&a->www, cfg->www_dir, cfg->lazy, a->www_notes,
		     sizeof(a->www_notes)) != 0) {
		snprintf(err, err_len, "out of memory");
		goto fail;
	}
	return 0;
fail:
	app_free(a);
	return -1;
}

void
app_free(struct app *a)
{
	free_reports(a);
	free(a->model_json);
	for (size_t k = 0; a->class_json != NULL && k < a->n_classes; k++)
		free(a->class_json[k]);
	free(a->class_json);
	www_free(&a->www);
	model_scratch_free(a->scratch);
	model_close(a->model);
	memset(a, 0, sizeof(*a));
}

const struct app_member *
app_member_find(const struct app_member *m,
		size_t n, const char *key,
		size_t key_len)
{
	for (size_t i = 0; i < n; i++)
		if (m[i].key_len == key_len &&
		    memcmp(m[i].key, key, key_len) == 0)
			return &m[i];
	return NULL;
}
