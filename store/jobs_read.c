/* SPDX-License-Identifier: MIT
 * store/jobs_read.c - the stored predictions of batch jobs
 * (store/jobs.h): a succeeded job's page of predictions, and the latest
 * prediction for an item id through a statement kept for the
 * connection's life (the hot path).  A result is stored as the tag's
 * index and little-endian doubles; the text POST /predict writes is made
 * here, on read, from the class names recorded on the job, each number
 * printed with util_float_repr.
 */
#include "store/jobs.h"
#include "store/jobs_internal.h"
#include "store/sqlite_internal.h"
#include "util/float_repr.h"

void
store_prediction_clear(struct store_prediction *p)
{
	free(p->item_id);
	free(p->input_text);
	free(p->predicted_tag);
	free(p->probabilities);
	p->item_id = p->input_text = p->predicted_tag = p->probabilities =
		NULL;
}

void
store_predictions_free(struct store_prediction *p, size_t n)
{
	for (size_t i = 0; p != NULL && i < n; i++)
		store_prediction_clear(&p[i]);
	free(p);
}

/* The end of the JSON string that starts at p (a quote): past its
 * closing quote. */
static const char *
json_string_end(const char *p)
{
	for (p++; *p != '\0' && *p != '"'; p++)
		if (*p == '\\' && p[1] != '\0')
			p++;
	return *p == '"' ? p + 1 : p;
}

/* The class name the JSON string q[0..len) spells (malloc'd).  Class
 * names are printable, so the escapes are the short ones. */
static char *
json_unquote(const char *q, size_t len)
{
	char *t = malloc(len), *o = t;

	if (t == NULL)
		return NULL;
	for (size_t i = 1; i + 1 < len; i++) {
		char c = q[i];

		if (c == '\\' && i + 2 < len) {
			c = q[++i];
			switch (c) {
			case 'b': c = '\b'; break;
			case 'f': c = '\f'; break;
			case 'n': c = '\n'; break;
			case 'r': c = '\r'; break;
			case 't': c = '\t'; break;
			case 'u':
				if (i + 4 < len) {
					c = (char)strtol((char[]){ q[i + 3],
						q[i + 4], '\0' }, NULL, 16);
					i += 4;
				}
				break;
			default: break;
			}
		}
		*o++ = c;
	}
	*o = '\0';
	return t;
}

/* Fills p's tag and probabilities from a result: classes is the job's
 * ["a","b"] text, blob its doubles. */
static enum store_status
format_result(const char *classes, unsigned tag, const unsigned char *blob,
	      size_t blob_len, struct store_prediction *p,
	      struct store_error *err)
{
	size_t n = blob_len / 8, len;
	const char *c = classes ? classes : "";
	char num[UTIL_FLOAT_REPR_MAX], *o;

	len = strlen(c) + n * (UTIL_FLOAT_REPR_MAX + 2) + 3;
	p->probabilities = o = malloc(len);
	if (o == NULL)
		return fail(err, STORE_ERR_NOMEM, "out of memory");
	*o++ = '{';
	for (size_t k = 0; k < n; k++) {
		const char *q = strchr(c, '"'), *qe;
		size_t l;

		if (q == NULL)
			return fail(err, STORE_ERR_IO, "a job's classes do not "
				    "match its results");
		qe = json_string_end(q);
		if (k > 0)
			*o++ = ',';
		memcpy(o, q, (size_t)(qe - q));
		o += qe - q;
		*o++ = ':';
		util_float_repr(get_le(blob + 8 * k), num);
		l = strlen(num);
		memcpy(o, num, l);
		o += l;
		if (k == tag && (p->predicted_tag = json_unquote(q, (size_t)
						      (qe - q))) == NULL)
			return fail(err, STORE_ERR_NOMEM, "out of memory");
		c = qe;
	}
	*o++ = '}';
	*o = '\0';
	if (p->predicted_tag == NULL)
		return fail(err, STORE_ERR_IO, "a result's tag %u is not one of "
			    "its %zu classes", tag, n);
	return STORE_OK;
}

/* Reads one prediction from q: item_id, text, tag, probs, job id,
 * model, version, finished_at, classes, active version. */
static enum store_status
read_prediction(sqlite3_stmt *q, struct store_prediction *p,
		struct store_error *err)
{
	const void *text = sqlite3_column_blob(q, 1);
	size_t len = (size_t)sqlite3_column_bytes(q, 1);
	enum store_status st;

	memset(p, 0, sizeof(*p));
	p->item_id = dup_text(sqlite3_column_text(q, 0));
	p->input_text = malloc(len + 1);
	if (p->item_id == NULL || p->input_text == NULL) {
		store_prediction_clear(p);
		return fail(err, STORE_ERR_NOMEM, "out of memory");
	}
	if (len > 0)
		memcpy(p->input_text, text, len);
	p->input_text[len] = '\0';
	st = format_result((const char *)sqlite3_column_text(q, 8),
			   (unsigned)sqlite3_column_int(q, 2),
			   sqlite3_column_blob(q, 3),
			   (size_t)sqlite3_column_bytes(q, 3), p, err);
	if (st != STORE_OK) {
		store_prediction_clear(p);
		return st;
	}
	copy(p->job_id, sizeof(p->job_id), sqlite3_column_text(q, 4));
	copy(p->model, sizeof(p->model), sqlite3_column_text(q, 5));
	p->version = sqlite3_column_int64(q, 6);
	copy(p->computed_at, sizeof(p->computed_at),
	     sqlite3_column_text(q, 7));
	p->stale = sqlite3_column_int64(q, 9) != p->version;
	return STORE_OK;
}

static enum store_status
prediction_row(sqlite3_stmt *q, void *row, struct store_error *err)
{
	return read_prediction(q, row, err);
}

static void
prediction_row_clear(void *row)
{
	store_prediction_clear(row);
}

static const struct row_type prediction_rows = {
	sizeof(struct store_prediction), prediction_row, prediction_row_clear
};

#define PREDICTION_COLUMNS "i.item_id, i.text, r.tag, r.probs, j.id, " \
	"j.model, j.version, coalesce(j.finished_at, ''), j.classes, " \
	"coalesce((SELECT active_version FROM models WHERE name=j.model), 0)"

enum store_status
store_job_predictions(struct store *s, const char *id, long long offset,
		      long long limit, struct store_prediction **out,
		      size_t *n, struct store_error *err)
{
	struct job_state js;
	sqlite3_stmt *q = NULL;
	void *rows = NULL;
	enum store_status st;

	if (offset < 0 || limit < 1 || limit > STORE_PAGE_MAX)
		return fail(err, STORE_ERR_INVALID, "offset must be 0 or more "
			    "and limit 1 to %d", STORE_PAGE_MAX);
	/* One read transaction: the status and the rows agree. */
	st = exec(s, "BEGIN", err);
	if (st != STORE_OK)
		return st;
	st = job_state(s, id, NULL, &js, err);
	if (st == STORE_OK && js.status != STORE_JOB_SUCCEEDED)
		st = fail(err, STORE_ERR_CONFLICT, "Job '%s' is %s; its "
			  "predictions are there once it has succeeded", id,
			  store_job_status_name(js.status));
	if (st == STORE_OK)
		st = prepare(s, "SELECT " PREDICTION_COLUMNS " FROM job_items i "
			     "JOIN job_results r ON r.key=i.key JOIN jobs j ON "
			     "j.seq=?1 WHERE i.key BETWEEN (?1 << 32) + ?2 AND "
			     "(?1 << 32) + 4294967295 ORDER BY i.key LIMIT ?3",
			     &q, err);
	if (st == STORE_OK) {
		sqlite3_bind_int64(q, 1, js.seq);
		sqlite3_bind_int64(q, 2, offset);
		sqlite3_bind_int64(q, 3, limit);
		st = rows_read(s, q, &prediction_rows, (size_t)limit, &rows, n,
			       err);
	}
	(void)end(s, STORE_ERR_IO, err);   /* a read: always ROLLBACK */
	if (st == STORE_OK)
		*out = rows;
	return st;
}

enum store_status
store_prediction_get(struct store *s, const char *item_id, size_t len,
		     struct store_prediction *out, struct store_error *err)
{
	enum store_status st;
	int rc = SQLITE_DONE;

	if (!store_item_id_ok(item_id, len))
		return fail(err, STORE_ERR_NOT_FOUND, "No prediction for this "
			    "id");
	/* The hot path: one statement, prepared once per connection, so
	 * one read transaction and no parsing. */
	if (s->q_prediction == NULL) {
		st = prepare(s, "SELECT " PREDICTION_COLUMNS " FROM item_latest l "
			     "JOIN job_items i ON i.key=l.key JOIN job_results r "
			     "ON r.key=l.key JOIN jobs j ON j.seq=l.key >> 32 "
			     "WHERE l.item_id=?1", &s->q_prediction, err);
		if (st != STORE_OK)
			return st;
	}
	sqlite3_bind_text(s->q_prediction, 1, item_id, (int)len,
			  SQLITE_STATIC);
	rc = sqlite3_step(s->q_prediction);
	if (rc == SQLITE_ROW)
		st = read_prediction(s->q_prediction, out, err);
	else if (rc == SQLITE_DONE)
		st = fail(err, STORE_ERR_NOT_FOUND, "No prediction for id "
			  "'%.*s'", (int)len, item_id);
	else
		st = db_fail(s, rc, err);
	sqlite3_reset(s->q_prediction);
	sqlite3_clear_bindings(s->q_prediction);
	return st;
}
