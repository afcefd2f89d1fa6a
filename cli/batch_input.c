/* SPDX-License-Identifier: MIT
 * cli/batch_input.c - reading a batch job's inputs from CSV or JSON Lines
 * and checking them before anything is stored: a job is recorded whole
 * or not at all, so every problem in the file is reported at once, each
 * with its line.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "cli/batch_input.h"
#include "core/csv_reader.h"
#include "core/dataset.h"
#include "util/buf.h"
#include "util/file.h"

struct loader {
	const struct batch_input_opts *o;
	FILE *err;
	size_t problems;
	bool fatal;                 /* stop reading: the rest is moot */
	char *names;                /* the text columns, split in place */
	const char *cols[BATCH_INPUT_MAX_COLUMNS];
	size_t n_cols;
	struct batch_input in;
	size_t ids_cap, texts_cap;
	unsigned long *lines;       /* the line of each item */
	size_t lines_cap;
};

static void problem(struct loader *l, unsigned long line, const char *fmt,
		    ...) __attribute__((format(printf, 3, 4)));

/* Reports one problem of the file (line 0: the file as a whole). */
static void
problem(struct loader *l, unsigned long line, const char *fmt, ...)
{
	va_list ap;

	if (++l->problems > BATCH_INPUT_MAX_ERRORS)
		return;
	if (line > 0)
		fprintf(l->err, "%s: %s:%lu: ", l->o->prog, l->o->path, line);
	else
		fprintf(l->err, "%s: %s: ", l->o->prog, l->o->path);
	va_start(ap, fmt);
	vfprintf(l->err, fmt, ap);
	va_end(ap);
	fputc('\n', l->err);
}

static void
nomem(struct loader *l)
{
	problem(l, 0, "out of memory");
	l->fatal = true;
}

/* Splits "title,description" into l->cols. */
static bool
split_columns(struct loader *l)
{
	char *p;

	l->names = strdup(l->o->text_columns);
	if (l->names == NULL) {
		nomem(l);
		return false;
	}
	p = l->names;
	for (;;) {
		char *comma = strchr(p, ',');

		if (comma != NULL)
			*comma = '\0';
		if (p[0] == '\0' || l->n_cols == BATCH_INPUT_MAX_COLUMNS) {
			problem(l, 0, "--text-columns takes 1 to %d non-empty "
				"names separated by commas",
				BATCH_INPUT_MAX_COLUMNS);
			l->fatal = true;
			return false;
		}
		l->cols[l->n_cols++] = p;
		if (comma == NULL)
			return true;
		p = comma + 1;
	}
}

/* Keeps item (id[0..id_len), text) from line, after checking it; text is
 * taken over (freed here when the item is refused). */
static void
add(struct loader *l, const char *id, size_t id_len, char *text,
    unsigned long line)
{
	struct batch_input *in = &l->in;
	char *copy;

	if (!store_item_id_ok(id, id_len)) {
		problem(l, line, "the id must be 1 to %d printable ASCII "
			"characters", STORE_ITEM_ID_MAX);
		goto refuse;
	}
	if (text[0] == '\0') {
		problem(l, line, "the text of '%.*s' is empty", (int)id_len,
			id);
		goto refuse;
	}
	if (in->n == l->o->max_items) {
		problem(l, line, "more than %zu items", l->o->max_items);
		l->fatal = true;
		goto refuse;
	}
	if (util_array_reserve((void **)&in->ids, &l->ids_cap, in->n + 1,
			       sizeof(*in->ids), 1024) != UTIL_OK)
		goto oom;
	if (util_array_reserve((void **)&in->texts, &l->texts_cap, in->n + 1,
			       sizeof(*in->texts), 1024) != UTIL_OK)
		goto oom;
	if (util_array_reserve((void **)&l->lines, &l->lines_cap, in->n + 1,
			       sizeof(*l->lines), 1024) != UTIL_OK)
		goto oom;
	copy = strndup(id, id_len);
	if (copy == NULL)
		goto oom;
	in->ids[in->n] = copy;
	in->texts[in->n] = text;
	l->lines[in->n] = line;
	in->n++;
	return;
oom:
	nomem(l);
refuse:
	free(text);
}

struct seen {
	const char *id;
	unsigned long line;
};

static int
cmp_seen(const void *a, const void *b)
{
	const struct seen *x = a, *y = b;
	int c = strcmp(x->id, y->id);

	if (c != 0)
		return c;
	return (x->line > y->line) - (x->line < y->line);
}

/* Reports every id seen before, with the line it was first seen on. */
static void
duplicates(struct loader *l)
{
	struct batch_input *in = &l->in;
	struct seen *v;

	if (in->n < 2)
		return;
	v = malloc(in->n * sizeof(*v));
	if (v == NULL) {
		nomem(l);
		return;
	}
	for (size_t i = 0; i < in->n; i++)
		v[i] = (struct seen){ in->ids[i], l->lines[i] };
	qsort(v, in->n, sizeof(*v), cmp_seen);
	for (size_t k = 1, first = 0; k < in->n; k++) {
		if (strcmp(v[k].id, v[first].id) != 0) {
			first = k;
			continue;
		}
		problem(l, v[k].line, "duplicate id '%s' (first on line %lu)",
			v[k].id, v[first].line);
	}
	free(v);
}

static void
load_csv(struct loader *l, const char *buf, size_t len)
{
	struct core_error ce = { "" };
	struct csv_table *t = NULL;
	const char *parts[BATCH_INPUT_MAX_COLUMNS];
	long id_col, cols[BATCH_INPUT_MAX_COLUMNS];

	if (csv_reader_parse(l->o->path, buf, len, &t, &ce) != CORE_OK) {
		/* ce names the file and the line already. */
		fprintf(l->err, "%s: %s\n", l->o->prog, ce.msg);
		l->problems++;
		l->fatal = true;
		return;
	}
	id_col = csv_reader_column(t, l->o->id_column);
	if (id_col < 0)
		problem(l, 1, "no column '%s' (--id-column)", l->o->id_column);
	for (size_t k = 0; k < l->n_cols; k++) {
		cols[k] = csv_reader_column(t, l->cols[k]);
		if (cols[k] < 0)
			problem(l, 1, "no column '%s' (--text-columns)",
				l->cols[k]);
	}
	if (l->problems > 0)
		goto out;
	for (size_t i = 0; i < t->n_rows && !l->fatal; i++) {
		const char *id = csv_reader_cell(t, i, (size_t)id_col);
		char *text;

		for (size_t k = 0; k < l->n_cols; k++)
			parts[k] = csv_reader_cell(t, i, (size_t)cols[k]);
		text = dataset_join(parts, l->n_cols);
		if (text == NULL) {
			nomem(l);
			break;
		}
		add(l, id, strlen(id), text, t->lines[i]);
	}
out:
	csv_reader_free(t);
}

/* The id member: a string, or an integer written in decimal. */
static bool
json_id(struct loader *l, const cJSON *o, unsigned long line, char *num,
	size_t num_len, const char **id)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, l->o->id_column);

	if (cJSON_IsString(v)) {
		*id = v->valuestring;
		return true;
	}
	if (cJSON_IsNumber(v) && v->valuedouble == floor(v->valuedouble) &&
	    fabs(v->valuedouble) < 9007199254740992.0) {
		snprintf(num, num_len, "%.0f", v->valuedouble);
		*id = num;
		return true;
	}
	problem(l, line, v == NULL ? "no \"%s\" member" :
		"\"%s\" is not a string or an integer", l->o->id_column);
	return false;
}

/* The text: the "text" member, else the text columns joined. */
static char *
json_text(struct loader *l, const cJSON *o, unsigned long line)
{
	const cJSON *t = cJSON_GetObjectItemCaseSensitive(o, "text");
	const char *parts[BATCH_INPUT_MAX_COLUMNS];
	char *s;

	if (t != NULL) {
		if (!cJSON_IsString(t)) {
			problem(l, line, "\"text\" is not a string");
			return NULL;
		}
		s = strdup(t->valuestring);
		goto out;
	}
	for (size_t k = 0; k < l->n_cols; k++) {
		const cJSON *c = cJSON_GetObjectItemCaseSensitive(o,
								   l->cols[k]);

		if (!cJSON_IsString(c)) {
			problem(l, line, "no \"text\" string, nor a string "
				"\"%s\" (--text-columns)", l->cols[k]);
			return NULL;
		}
		parts[k] = c->valuestring;
	}
	s = dataset_join(parts, l->n_cols);
out:
	if (s == NULL)
		nomem(l);
	return s;
}

static void
load_line(struct loader *l, const char *p, size_t len, unsigned long line)
{
	char num[32];
	const char *id;
	char *text;
	cJSON *o;

	if (len > BATCH_INPUT_MAX_LINE) {
		problem(l, line, "longer than %zu bytes", BATCH_INPUT_MAX_LINE);
		return;
	}
	o = cJSON_ParseWithLength(p, len);
	if (!cJSON_IsObject(o)) {
		problem(l, line, o == NULL ? "not JSON" : "not a JSON object");
		cJSON_Delete(o);
		return;
	}
	if (json_id(l, o, line, num, sizeof(num), &id) &&
	    (text = json_text(l, o, line)) != NULL)
		add(l, id, strlen(id), text, line);
	cJSON_Delete(o);
}

static void
load_jsonl(struct loader *l, const char *buf, size_t len)
{
	const char *p = buf, *end = buf + len;
	unsigned long line = 0;

	while (p < end && !l->fatal) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *e = nl != NULL ? nl : end;
		size_t n = (size_t)(e - p), k = 0;

		line++;
		if (n > 0 && p[n - 1] == '\r')
			n--;
		while (k < n && (p[k] == ' ' || p[k] == '\t'))
			k++;
		if (k < n)
			load_line(l, p, n, line);
		p = e + 1;
	}
}

static bool
ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);

	return a >= b && strcmp(s + a - b, suffix) == 0;
}

static enum batch_input_format
sniff(const char *path, const char *buf, size_t len)
{
	size_t k = 0;

	if (ends_with(path, ".csv"))
		return BATCH_INPUT_CSV;
	if (ends_with(path, ".jsonl") || ends_with(path, ".ndjson"))
		return BATCH_INPUT_JSONL;
	while (k < len && (buf[k] == ' ' || buf[k] == '\n' || buf[k] == '\r'
			   || buf[k] == '\t'))
		k++;
	return k < len && buf[k] == '{' ? BATCH_INPUT_JSONL : BATCH_INPUT_CSV;
}

void
batch_input_free(struct batch_input *in)
{
	for (size_t i = 0; i < in->n; i++) {
		free(in->ids[i]);
		free(in->texts[i]);
	}
	free(in->ids);
	free(in->texts);
	free(in->items);
	memset(in, 0, sizeof(*in));
}

int
batch_input_load(const struct batch_input_opts *o, struct batch_input *out,
		 FILE *err)
{
	struct loader l = { .o = o, .err = err };
	enum batch_input_format f = o->format;
	char *buf = NULL;
	size_t len = 0;
	enum util_status us;

	if (!split_columns(&l))
		goto out;
	us = util_file_read(o->path, BATCH_INPUT_MAX_BYTES, &buf, &len);
	if (us != UTIL_OK) {
		if (us == UTIL_ERR_LIMIT)
			problem(&l, 0, "larger than %zu bytes",
				BATCH_INPUT_MAX_BYTES);
		else
			problem(&l, 0, "%s", us == UTIL_ERR_IO ?
				strerror(errno) : "out of memory");
		goto out;
	}
	if (f == BATCH_INPUT_AUTO)
		f = sniff(o->path, buf, len);
	if (f == BATCH_INPUT_CSV)
		load_csv(&l, buf, len);
	else
		load_jsonl(&l, buf, len);
	if (!l.fatal)
		duplicates(&l);
	if (l.problems == 0 && l.in.n == 0)
		problem(&l, 0, "no items");
	if (l.problems == 0) {
		l.in.items = calloc(l.in.n, sizeof(*l.in.items));
		if (l.in.items == NULL)
			nomem(&l);
	}
	if (l.problems == 0)
		for (size_t i = 0; i < l.in.n; i++)
			l.in.items[i] = (struct store_job_input){
				l.in.ids[i], strlen(l.in.ids[i]),
				l.in.texts[i], strlen(l.in.texts[i]),
			};
out:
	if (l.problems > BATCH_INPUT_MAX_ERRORS)
		fprintf(err, "%s: %s: %zu more problems\n", o->prog, o->path,
			l.problems - BATCH_INPUT_MAX_ERRORS);
	free(buf);
	free(l.names);
	free(l.lines);
	if (l.problems > 0) {
		batch_input_free(&l.in);
		return 1;
	}
	*out = l.in;
	return 0;
}
