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
#include "util/json.h"

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

/* ---- the hot path: GET /predictions/{id} ---- */

/* The job of the last prediction store_prediction_put read on this
 * connection.  A job's row never changes once it has succeeded (nothing
 * updates or deletes it after, and seq is never reused: no job is ever
 * deleted), and item_latest only points at succeeded jobs, so what it
 * holds stays true for as long as seq names it. */
/* The bytes of a job's class names as kept (twice over, escaped). */
#define SEEN_TEXT_MAX (4u << 20)

struct job_seen {
	long long seq;               /* 0: nothing read yet */
	char id[STORE_JOB_ID_MAX + 1];
	char model[STORE_NAME_MAX + 1];
	long long version;
	char finished_at[STORE_TIME_MAX];
	size_t n;                    /* class names */
	/* Class k: text[at[2k]..at[2k+1]) is its key and colon, "name":,
	 * as the job's classes spell it; text[at[2k+1]..at[2k+2]) its
	 * name as predicted_tag's JSON string. */
	struct util_buf text;
	size_t *at;
	size_t at_cap;
};

void
jobs_read_close(struct store *s)
{
	if (s->seen == NULL)
		return;
	util_buf_free(&s->seen->text);
	free(s->seen->at);
	free(s->seen);
	s->seen = NULL;
}

/* Fills js from the job columns of q (job id, model, version,
 * finished_at, classes at col..col+4) for job seq: the classes parsed
 * once per job instead of on every read. */
static enum store_status
see_job(struct job_seen *js, long long seq, sqlite3_stmt *q, int col,
	struct store_error *err)
{
	const char *c = (const char *)sqlite3_column_text(q, col + 4), *p;

	js->seq = 0;
	js->n = 0;
	util_buf_free(&js->text);
	for (p = c ? c : ""; (p = strchr(p, '"')) != NULL; js->n++) {
		const char *qe = json_string_end(p);
		char *name;

		if (util_array_reserve((void **)&js->at, &js->at_cap,
				       2 * js->n + 3, sizeof(*js->at), 16) !=
		    UTIL_OK ||
		    (name = json_unquote(p, (size_t)(qe - p))) == NULL)
			return fail(err, STORE_ERR_NOMEM, "out of memory");
		js->at[2 * js->n] = js->text.len;
		util_buf_add(&js->text, p, (size_t)(qe - p));
		util_buf_add(&js->text, ":", 1);
		js->at[2 * js->n + 1] = js->text.len;
		util_json_str(&js->text, name, strlen(name));
		js->at[2 * js->n + 2] = js->text.len;
		free(name);
		p = qe;
	}
	if (js->text.st != UTIL_OK)
		return fail(err, STORE_ERR_NOMEM, "out of memory");
	copy(js->id, sizeof(js->id), sqlite3_column_text(q, col));
	copy(js->model, sizeof(js->model), sqlite3_column_text(q, col + 1));
	js->version = sqlite3_column_int64(q, col + 2);
	copy(js->finished_at, sizeof(js->finished_at),
	     sqlite3_column_text(q, col + 3));
	js->seq = seq;
	return STORE_OK;
}

/* Appends a result's members to b: "predicted_tag" and "probabilities",
 * the bytes format_result makes for them. */
static enum store_status
put_result(const struct job_seen *js, unsigned tag, const unsigned char *blob,
	   size_t blob_len, struct util_buf *b, struct store_error *err)
{
	size_t n = blob_len / 8, need = 2;
	const char *t = js->text.data;
	char *o;

	if (n > js->n)
		return fail(err, STORE_ERR_IO, "a job's classes do not match "
			    "its results");
	if (tag >= n)
		return fail(err, STORE_ERR_IO, "a result's tag %u is not one of "
			    "its %zu classes", tag, n);
	util_buf_adds(b, ",\"predicted_tag\":");
	util_buf_add(b, t + js->at[2 * tag + 1],
		     js->at[2 * tag + 2] - js->at[2 * tag + 1]);
	util_buf_adds(b, ",\"probabilities\":");
	for (size_t k = 0; k < n; k++)
		need += js->at[2 * k + 1] - js->at[2 * k] +
			UTIL_FLOAT_REPR_MAX + 1;
	if (!util_buf_reserve(b, need))
		return STORE_OK;   /* b's failure, reported by the caller */
	/* Written in place: reserve made room for all of it. */
	o = b->data + b->len;
	*o++ = '{';
	for (size_t k = 0; k < n; k++) {
		size_t l = js->at[2 * k + 1] - js->at[2 * k];

		if (k > 0)
			*o++ = ',';
		memcpy(o, t + js->at[2 * k], l);
		o += l;
		util_float_repr(get_le(blob + 8 * k), o);
		o += strlen(o);
	}
	*o++ = '}';
	*o = '\0';
	b->len = (size_t)(o - b->data);
	return STORE_OK;
}

/* The columns of the two statements of store_prediction_put: the item's
 * row, and its job's when it is not the job seen last. */
enum { PUT_TEXT, PUT_TAG, PUT_PROBS, PUT_SEQ, PUT_ACTIVE };
enum { JOB_ID, JOB_MODEL, JOB_VERSION, JOB_FINISHED, JOB_CLASSES, JOB_ACTIVE };

/* Inside the read transaction of s->q_put's row: reads job seq into
 * s->seen and the active version of its model into *active. */
static enum store_status
see(struct store *s, long long seq, long long *active,
    struct store_error *err)
{
	enum store_status st = STORE_OK;
	int rc;

	if (s->q_put_job == NULL) {
		st = prepare(s, "SELECT id, model, version, "
			     "coalesce(finished_at, ''), classes, "
			     "coalesce((SELECT active_version FROM models WHERE "
			     "name=jobs.model), 0) FROM jobs WHERE seq=?1",
			     &s->q_put_job, err);
		if (st != STORE_OK)
			return st;
	}
	sqlite3_bind_int64(s->q_put_job, 1, seq);
	rc = sqlite3_step(s->q_put_job);
	if (rc == SQLITE_ROW) {
		st = see_job(s->seen, seq, s->q_put_job, JOB_ID, err);
		*active = sqlite3_column_int64(s->q_put_job, JOB_ACTIVE);
	} else if (rc == SQLITE_DONE) {
		st = fail(err, STORE_ERR_IO, "a stored prediction names job "
			  "%lld, which is not there", seq);
	} else {
		st = db_fail(s, rc, err);
	}
	sqlite3_reset(s->q_put_job);
	return st;
}

enum store_status
store_prediction_put(struct store *s, const char *item_id, size_t len,
		     struct util_buf *b, struct store_prediction *out,
		     struct store_error *err)
{
	sqlite3_stmt *q;
	size_t mark = b->len;
	const char *text;
	long long seq, active = 0;
	enum store_status st = STORE_OK;
	int rc;

	if (!store_item_id_ok(item_id, len))
		return fail(err, STORE_ERR_NOT_FOUND, "No prediction for this "
			    "id");
	if (s->seen == NULL) {
		s->seen = calloc(1, sizeof(*s->seen));
		if (s->seen == NULL)
			return fail(err, STORE_ERR_NOMEM, "out of memory");
		util_buf_init(&s->seen->text, SEEN_TEXT_MAX);
	}
	/* One statement, prepared once per connection: the item's latest
	 * row and its result, and the active version now of the model of
	 * the job seen last (?2; stale is never cached).  item_latest's id
	 * is the item's id byte for byte (BINARY equality), so it is not
	 * read back.  A row of another job reads that job's row with a
	 * second statement while the first is still open: the same read
	 * transaction, the same snapshot. */
	if (s->q_put == NULL) {
		st = prepare(s, "SELECT i.text, r.tag, r.probs, l.key >> 32, "
			     "coalesce((SELECT active_version FROM models "
			     "WHERE name=?2), 0) FROM item_latest l JOIN "
			     "job_items i ON i.key=l.key JOIN job_results r ON "
			     "r.key=l.key WHERE l.item_id=?1", &s->q_put, err);
		if (st != STORE_OK)
			return st;
	}
	q = s->q_put;
	sqlite3_bind_text(q, 1, item_id, (int)len, SQLITE_STATIC);
	sqlite3_bind_text(q, 2, s->seen->model, -1, SQLITE_STATIC);
	rc = sqlite3_step(q);
	if (rc == SQLITE_DONE) {
		st = fail(err, STORE_ERR_NOT_FOUND, "No prediction for id "
			  "'%.*s'", (int)len, item_id);
		goto out;
	}
	if (rc != SQLITE_ROW) {
		st = db_fail(s, rc, err);
		goto out;
	}
	seq = sqlite3_column_int64(q, PUT_SEQ);
	if (s->seen->seq == seq) {
		active = sqlite3_column_int64(q, PUT_ACTIVE);
	} else {
		st = see(s, seq, &active, err);
		if (st != STORE_OK)
			goto out;
	}
	/* The text as the owned copy made it: up to a NUL, if any. */
	text = sqlite3_column_blob(q, PUT_TEXT);
	util_buf_adds(b, "{\"id\":");
	util_json_str(b, item_id, len);
	util_buf_adds(b, ",\"input_text\":");
	util_json_str(b, text ? text : "", text ? strnlen(text, (size_t)
			sqlite3_column_bytes(q, PUT_TEXT)) : 0);
	st = put_result(s->seen, (unsigned)sqlite3_column_int(q, PUT_TAG),
			sqlite3_column_blob(q, PUT_PROBS),
			(size_t)sqlite3_column_bytes(q, PUT_PROBS), b, err);
	if (st == STORE_OK && b->st != UTIL_OK)
		st = fail(err, STORE_ERR_NOMEM, "the answer is too long");
	if (st == STORE_OK) {
		memset(out, 0, sizeof(*out));
		memcpy(out->model, s->seen->model, sizeof(out->model));
		out->version = s->seen->version;
		memcpy(out->job_id, s->seen->id, sizeof(out->job_id));
		memcpy(out->computed_at, s->seen->finished_at,
		       sizeof(out->computed_at));
		out->stale = active != out->version;
	}
out:
	sqlite3_reset(q);
	if (st != STORE_OK && b->st == UTIL_OK && b->data != NULL) {
		b->len = mark;   /* leaves b as it was */
		b->data[mark] = '\0';
	}
	return st;
}

