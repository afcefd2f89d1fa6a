/* SPDX-License-Identifier: MIT
 * fcgi/app_model.c - builds one served model (fcgi/app_model.h): opens
 * it, serialises its identity and class names once, and parses its
 * reports once with the Python-compatible reader (1.0 stays 1.0; floats
 * in repr form).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fcgi/app_model.h"
#include "util/buf.h"
#include "util/json.h"
#include "schemas/pyjson.h"

/* Serialises obj and each of its members (last duplicate wins). */
static enum service_status
split_members(const char *text, char **whole,
	      struct app_member **out, size_t *n_out,
	      const char *what, char *err, size_t err_len)
{
	struct pyjson_doc *doc = NULL;
	struct pyjson_error pe = { 0 };
	const struct pyjson *root, *m;
	struct app_member *mem = NULL;
	size_t n = 0;
	enum service_status rc = SERVICE_ERR_MODEL;

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
		char key[APP_MODEL_KEY_MAX];

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
	rc = SERVICE_OK;
	goto out;
nomem:
	snprintf(err, err_len, "out of memory");
	rc = SERVICE_ERR_NOMEM;
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
free_reports(struct app_reports *r)
{
	free_members(r->args, r->n_args);
	free_members(r->perf, r->n_perf);
	free(r->args_json);
	free(r->perf_json);
	free(r->arg_names);
	memset(r, 0, sizeof(*r));
}

static enum service_status
identity(struct app_model *m, char *err, size_t err_len)
{
	const struct model_identity *id = model_identity(m->model);
	struct util_buf b = UTIL_BUF_INIT(PYJSON_TEXT_MAX);

	util_buf_adds(&b, "{\"name\":");
	util_json_str(&b, id->name, strlen(id->name));
	util_buf_adds(&b, ",\"version\":");
	util_json_str(&b, id->version, strlen(id->version));
	util_buf_adds(&b, ",\"checksum\":");
	util_json_str(&b, id->checksum, strlen(id->checksum));
	util_buf_adds(&b, "}");
	m->json = util_buf_take(&b, NULL);
	/* Header values must not carry CR/LF; the names are ours. */
	snprintf(m->x_model, sizeof(m->x_model), "%s/%s", id->name,
		 id->version);
	for (char *p = m->x_model; *p; p++)
		if ((unsigned char)*p < 0x20)
			*p = ' ';
	m->n_classes = model_class_count(m->model);
	m->class_json = calloc(m->n_classes + 1, sizeof(char *));
	if (m->json == NULL || m->class_json == NULL)
		goto nomem;
	for (size_t k = 0; k < m->n_classes; k++) {
		const char *c = model_class_name(m->model, k);

		util_json_str(&b, c, strlen(c));
		m->class_json[k] = util_buf_take(&b, NULL);
		if (m->class_json[k] == NULL)
			goto nomem;
	}
	return SERVICE_OK;
nomem:
	snprintf(err, err_len, "out of memory");
	return SERVICE_ERR_NOMEM;
}

static enum service_status
arg_names(struct app_reports *r, char *err, size_t err_len)
{
	struct util_buf b = UTIL_BUF_INIT(PYJSON_TEXT_MAX);

	for (size_t i = 0; i < r->n_args; i++) {
		if (i > 0)
			util_buf_adds(&b, ", ");
		util_buf_add(&b, r->args[i].key, r->args[i].key_len);
	}
	r->arg_names = util_buf_take(&b, NULL);
	if (r->arg_names == NULL) {
		snprintf(err, err_len, "out of memory");
		return SERVICE_ERR_NOMEM;
	}
	return SERVICE_OK;
}

enum service_status
app_model_reports(struct app_model *m, char *err, size_t err_len)
{
	struct app_reports *r = &m->reports;
	enum service_status st;

	if (r->loaded)
		return SERVICE_OK;
	st = split_members(model_args_json(m->model), &r->args_json,
			   &r->args, &r->n_args, "args", err, err_len);
	if (st == SERVICE_OK)
		st = split_members(model_performance_json(m->model),
				   &r->perf_json, &r->perf, &r->n_perf,
				   "performance", err, err_len);
	if (st == SERVICE_OK)
		st = arg_names(r, err, err_len);
	if (st != SERVICE_OK) {
		free_reports(r);
		return st;
	}
	r->loaded = true;
	return SERVICE_OK;
}

enum service_status
app_model_open(struct app_model *m, const char *path, bool lazy, char *err,
	       size_t err_len)
{
	struct core_error ce = { { 0 } };
	enum core_status cs;
	enum service_status st;

	memset(m, 0, sizeof(*m));
	cs = model_open(path, &m->model, &ce);
	if (cs != CORE_OK) {
		/* core's message names the file already. */
		snprintf(err, err_len, "%s", ce.msg[0] ? ce.msg
			 : core_strerror(cs));
		st = cs == CORE_ERR_NOMEM ? SERVICE_ERR_NOMEM
					  : SERVICE_ERR_MODEL;
		goto fail;
	}
	m->scratch = model_scratch_new(m->model);
	if (m->scratch == NULL) {
		snprintf(err, err_len, "out of memory");
		st = SERVICE_ERR_NOMEM;
		goto fail;
	}
	st = identity(m, err, err_len);
	if (st == SERVICE_OK && !lazy)
		st = app_model_reports(m, err, err_len);
	if (st != SERVICE_OK)
		goto fail;
	return SERVICE_OK;
fail:
	app_model_close(m);
	return st;
}

void
app_model_close(struct app_model *m)
{
	free_reports(&m->reports);
	free(m->json);
	for (size_t k = 0; m->class_json != NULL && k < m->n_classes; k++)
		free(m->class_json[k]);
	free(m->class_json);
	model_scratch_free(m->scratch);
	model_close(m->model);
	memset(m, 0, sizeof(*m));
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
