/* SPDX-License-Identifier: MIT
 * tests/unit/store_jobs_test.c - batch jobs in the registry
 * (store/jobs.h) in a scratch directory, with the tiny model as versions
 * 1 and 2 of model "tagifai": creating and listing, the claim order and
 * its locks (a second process), resuming a job whose runner died, the
 * runner refused once its job ended, results invisible until the job
 * succeeds, which job an id's answer comes from, staleness, pages, the
 * stored answers' text against a live prediction, cancellation and a
 * deleted version.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sqlite3.h>

#include "store/jobs.h"
#include "util/buf.h"
#include "util/file.h"
#include "util/float_repr.h"
#include "util/json.h"
#include "tests/unit/tap.h"
#include "tests/unit/tiny_model.h"

static char dir[256];

/* The bytes of the tiny model with identity version ver; malloc'd. */
static char *
tiny_bytes(const char *ver, size_t *len)
{
	struct sklearn_export x;
	struct core_error err = { "" };
	char path[300], *data = NULL;

	snprintf(path, sizeof(path), "%s.%ld.tiny", dir, (long)getpid());
	if (sklearn_export_parse("tiny", tiny_export, strlen(tiny_export), &x,
				 &err) != CORE_OK)
		return NULL;
	x.spec.name = "tiny";
	x.spec.version = ver;
	x.spec.args_json = "{}";
	x.spec.performance_json = "{}";
	if (artifact_write(path, &x.spec, &err) == CORE_OK)
		(void)util_file_read(path, 1 << 20, &data, len);
	sklearn_export_free(&x);
	unlink(path);
	return data;
}

static long long
add_version(struct store *s, const char *ver)
{
	struct store_version v;
	struct store_error err = { "" };
	size_t len = 0;
	char *data = tiny_bytes(ver, &len);
	bool created = false;
	enum store_status st;

	st = store_version_add(s, "tagifai", data, len, "test", &v, &created,
			       &err);
	free(data);
	if (st != STORE_OK) {
		printf("# store_version_add: %s\n", err.msg);
		return 0;
	}
	store_version_clear(&v);
	return v.version;
}

/* The open model of a version and its class names as JSON strings. */
struct live {
	struct model *m;
	struct model_scratch *scratch;
	char *class_json[CORE_MAX_CLASSES];
	size_t n_classes;
};

static bool
live_open(struct store *s, long long version, struct live *l)
{
	struct store_version v;
	struct store_error err = { "" };
	struct core_error ce = { "" };
	char path[600];

	memset(l, 0, sizeof(*l));
	if (store_version_get(s, "tagifai", version, &v, &err) != STORE_OK)
		return false;
	store_artifact_path(s, v.checksum, path, sizeof(path));
	store_version_clear(&v);
	if (model_open(path, &l->m, &ce) != CORE_OK)
		return false;
	l->scratch = model_scratch_new(l->m);
	l->n_classes = model_class_count(l->m);
	for (size_t k = 0; k < l->n_classes; k++) {
		struct util_buf b = UTIL_BUF_INIT(1024);
		const char *c = model_class_name(l->m, k);

		util_json_str(&b, c, strlen(c));
		l->class_json[k] = util_buf_take(&b, NULL);
	}
	return l->scratch != NULL;
}

static void
live_close(struct live *l)
{
	for (size_t k = 0; k < l->n_classes; k++)
		free(l->class_json[k]);
	model_scratch_free(l->scratch);
	model_close(l->m);
}

/* The probabilities text POST /predict writes for text; malloc'd. */
static char *
live_probabilities(struct live *l, const char *text, unsigned *tag)
{
	struct util_buf b = UTIL_BUF_INIT(4096);
	struct prediction p;
	char num[UTIL_FLOAT_REPR_MAX];

	if (model_predict(l->m, l->scratch, text, strlen(text), &p) != CORE_OK)
		return NULL;
	*tag = p.tag;
	util_buf_adds(&b, "{");
	for (size_t k = 0; k < l->n_classes; k++) {
		if (k > 0)
			util_buf_adds(&b, ",");
		util_buf_adds(&b, l->class_json[k]);
		util_buf_adds(&b, ":");
		util_buf_adds(&b, util_float_repr(p.prob[k], num));
	}
	util_buf_adds(&b, "}");
	return util_buf_take(&b, NULL);
}

/* Commits results for items from..from+n-1 of job, computed by l. */
static enum store_status
progress(struct store *s, struct live *l, const char *id, const char *owner,
	 long long from, size_t n, struct store_error *err)
{
	struct store_job_item *it = NULL;
	struct store_job_result r[16];
	struct prediction p[16];
	size_t got = 0;
	enum store_status st;

	if (n > 16)
		return STORE_ERR_INVALID;
	st = store_job_items(s, id, from, n, &it, &got, err);
	if (st != STORE_OK)
		return st;
	for (size_t i = 0; i < got; i++) {
		if (model_predict(l->m, l->scratch, it[i].text, it[i].text_len,
				  &p[i]) != CORE_OK)
			got = 0;
		r[i].tag = p[i].tag;
		r[i].prob = p[i].prob;
	}
	store_job_items_free(it, got);
	if (got != n)
		return STORE_ERR_IO;
	return store_job_progress(s, id, owner, from, r, n,
				  (const char *const *)l->class_json,
				  l->n_classes, err);
}

#define INPUT(id, text) { id, sizeof(id) - 1, text, sizeof(text) - 1 }

static const struct store_job_input three[] = {
	INPUT("p1", "a cat on the mat"),
	INPUT("p2", "the dog barks"),
	INPUT("p3", "nothing here"),
};

/* Creates a job of in[0..n) on version; its id in id. */
static bool
create(struct store *s, long long version, const struct store_job_input *in,
       size_t n, char id[STORE_JOB_ID_MAX + 1])
{
	struct store_job j;
	struct store_error err = { "" };

	if (store_job_create(s, "tagifai", version, in, n, "alice", NULL, NULL,
			     &j, &err) != STORE_OK) {
		printf("# store_job_create: %s\n", err.msg);
		return false;
	}
	snprintf(id, STORE_JOB_ID_MAX + 1, "%s", j.id);
	store_job_clear(&j);
	return true;
}

/* Claims, computes every item and finishes: the job's lock is released. */
static bool
run_all(struct store *s, struct live *l, char id[STORE_JOB_ID_MAX + 1])
{
	struct store_job j;
	struct store_error err = { "" };
	int fd = -1;
	bool ok;

	if (store_job_claim(s, "runner", &j, &fd, &err) != STORE_OK) {
		printf("# store_job_claim: %s\n", err.msg);
		return false;
	}
	snprintf(id, STORE_JOB_ID_MAX + 1, "%s", j.id);
	ok = progress(s, l, j.id, "runner", 0, (size_t)j.items_total, &err) ==
		STORE_OK &&
		store_job_finish(s, j.id, "runner", &err) == STORE_OK;
	if (!ok)
		printf("# run_all: %s\n", err.msg);
	store_job_clear(&j);
	store_job_release(fd);
	return ok;
}

/* Rows of a table for job id, read through a second connection. */
static long long
rows(const char *table, const char *id)
{
	char path[400], sql[300];
	sqlite3 *db = NULL;
	sqlite3_stmt *q = NULL;
	long long n = -1;

	snprintf(path, sizeof(path), "%s/" STORE_DB_NAME, dir);
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM %s WHERE key >> 32 = "
		 "(SELECT seq FROM jobs WHERE id=?1)", table);
	if (sqlite3_open(path, &db) == SQLITE_OK &&
	    sqlite3_prepare_v2(db, sql, -1, &q, NULL) == SQLITE_OK) {
		sqlite3_bind_text(q, 1, id, -1, SQLITE_STATIC);
		if (sqlite3_step(q) == SQLITE_ROW)
			n = sqlite3_column_int64(q, 0);
	}
	sqlite3_finalize(q);
	sqlite3_close(db);
	return n;
}

/* Whether job id's lock file exists. */
static bool
lock_exists(const char *id)
{
	char path[400];
	struct stat sb;

	snprintf(path, sizeof(path), "%s/" STORE_JOBS_DIR "/%s.lock", dir, id);
	return stat(path, &sb) == 0;
}

/* Claims every job there is, so the next case starts from none. */
static void
drain(struct store *s)
{
	struct store_job j;
	struct store_error err = { "" };
	int fd = -1;

	for (int i = 0; i < 100 &&
	     store_job_claim(s, "drain", &j, &fd, &err) == STORE_OK; i++) {
		if (store_job_cancel(s, j.id, NULL, &err) != STORE_OK)
			printf("# drain: %s\n", err.msg);
		store_job_clear(&j);
		store_job_release(fd);
	}
}

static void
test_create_get_list(struct store *s)
{
	struct store_error err = { "" };
	struct store_job j, *list = NULL;
	size_t n = 0;
	char id[STORE_JOB_ID_MAX + 1] = "";

	tap_ok(store_job_create(s, "tagifai", 1, three, 3, "alice", NULL, NULL,
				&j, &err) == STORE_OK &&
	       j.status == STORE_JOB_QUEUED && j.version == 1 &&
	       j.items_total == 3 && j.items_done == 0 &&
	       strncmp(j.id, "job-", 4) == 0 && strlen(j.id) == 36 &&
	       strcmp(j.submitted_by, "alice") == 0 &&
	       strcmp(j.model, "tagifai") == 0 && j.started_at[0] == '\0' &&
	       j.error == NULL,
	       "store_job_create should store a queued job: %s", err.msg);
	snprintf(id, sizeof(id), "%s", j.id);
	store_job_clear(&j);
	tap_ok(store_job_get(s, id, &j, &err) == STORE_OK &&
	       strcmp(j.id, id) == 0 && j.items_total == 3 &&
	       strcmp(store_job_status_name(j.status), "queued") == 0,
	       "store_job_get should read it back");
	store_job_clear(&j);
	tap_ok(store_job_get(s, "job-nope", &j, &err) == STORE_ERR_NOT_FOUND,
	       "store_job_get should say not found");
	tap_ok(create(s, 1, three, 1, id) &&
	       store_job_list(s, &list, &n, &err) == STORE_OK && n == 2 &&
	       strcmp(list[0].id, id) == 0,
	       "store_job_list should list jobs newest first");
	store_jobs_free(list, n);
	tap_ok(store_job_create(s, "tagifai", 9, three, 3, "", NULL, NULL, &j,
				&err) == STORE_ERR_NOT_FOUND &&
	       store_job_create(s, "nope", 0, three, 3, "", NULL, NULL, &j,
				&err) == STORE_ERR_NOT_FOUND,
	       "store_job_create should refuse an unknown version or model");
	drain(s);
}

static void
test_duplicate(struct store *s)
{
	static const struct store_job_input dup[] = {
		INPUT("a", "x"), INPUT("b", "y"), INPUT("a", "z"),
	};
	static const struct store_job_input bad[] = { INPUT("a\n", "x") };
	struct store_error err = { "" };
	struct store_job j, *list = NULL;
	size_t n = 0, before = 0;

	if (store_job_list(s, &list, &before, &err) == STORE_OK)
		store_jobs_free(list, before);
	tap_ok(store_job_create(s, "tagifai", 0, dup, 3, "", NULL, NULL, &j,
				&err) == STORE_ERR_INVALID &&
	       strstr(err.msg, "item 2") != NULL,
	       "store_job_create should refuse a duplicate id: %s", err.msg);
	tap_ok(store_job_create(s, "tagifai", 0, bad, 1, "", NULL, NULL, &j,
				&err) == STORE_ERR_INVALID,
	       "store_job_create should refuse an id with a control byte");
	tap_ok(store_job_list(s, &list, &n, &err) == STORE_OK && n == before,
	       "a refused job should leave no row");
	store_jobs_free(list, n);
	tap_ok(store_item_id_ok("x", 1) && !store_item_id_ok("", 0) &&
	       !store_item_id_ok("\x7f", 1) &&
	       store_item_id_ok("a b~", 4),
	       "store_item_id_ok should take printable ASCII only");
}

static void
test_version_zero(struct store *s)
{
	struct store_error err = { "" };
	struct store_job j;
	long long previous = 0;

	tap_ok(store_activate(s, "tagifai", 2, "test", &previous, &err) ==
	       STORE_OK &&
	       store_job_create(s, "tagifai", 0, three, 3, "", NULL, NULL, &j,
				&err) == STORE_OK && j.version == 2,
	       "store_job_create with version 0 should record the active "
	       "version: %s", err.msg);
	store_job_clear(&j);
	tap_ok(store_activate(s, "tagifai", 1, "test", &previous, &err) ==
	       STORE_OK, "activating version 1 again: %s", err.msg);
	tap_ok(store_model_create(s, "empty", "", NULL, &err) == STORE_OK &&
	       store_job_create(s, "empty", 0, three, 3, "", NULL, NULL, &j,
				&err) == STORE_ERR_NOT_FOUND &&
	       strstr(err.msg, "no active version") != NULL,
	       "store_job_create should refuse a model with no active version");
	drain(s);
}

static void
test_claim_order(struct store *s)
{
	struct store_error err = { "" };
	struct store_job j;
	char a[STORE_JOB_ID_MAX + 1] = "", b[STORE_JOB_ID_MAX + 1] = "";
	int fa = -1, fb = -1, fc = -1;

	tap_ok(create(s, 1, three, 3, a) && create(s, 1, three, 2, b),
	       "two queued jobs");
	tap_ok(store_job_claim(s, "r1", &j, &fa, &err) == STORE_OK &&
	       strcmp(j.id, a) == 0 && j.status == STORE_JOB_RUNNING &&
	       j.started_at[0] != '\0' && fa >= 0,
	       "store_job_claim should take the oldest queued job: %s",
	       err.msg);
	store_job_clear(&j);
	tap_ok(store_job_claim(s, "r2", &j, &fb, &err) == STORE_OK &&
	       strcmp(j.id, b) == 0,
	       "a second claim should take the next job, not the locked one");
	store_job_clear(&j);
	tap_ok(store_job_claim(s, "r3", &j, &fc, &err) == STORE_ERR_NOT_FOUND,
	       "a third claim should find nothing to run");
	/* r1 died: its running job comes before any queued one. */
	tap_ok(create(s, 1, three, 1, b), "a third job, queued");
	store_job_release(fa);
	tap_ok(store_job_claim(s, "r3", &j, &fc, &err) == STORE_OK &&
	       strcmp(j.id, a) == 0,
	       "a running job whose lock is free should be claimed before a "
	       "queued one");
	store_job_clear(&j);
	store_job_release(fb);
	store_job_release(fc);
	drain(s);
}

/* A claimed job's lock keeps a second process away from it. */
static void
test_lock_blocks(struct store *s)
{
	struct store_error err = { "" };
	struct store_job j;
	char a[STORE_JOB_ID_MAX + 1] = "";
	int fd = -1, status = 0;
	pid_t pid;

	if (!create(s, 1, three, 3, a) ||
	    store_job_claim(s, "parent", &j, &fd, &err) != STORE_OK) {
		tap_ok(0, "a claimed job: %s", err.msg);
		return;
	}
	store_job_clear(&j);
	pid = fork();
	if (pid == 0) {
		struct store *c = NULL;
		int cfd = -1, rc = 2;

		if (store_open(dir, &c, &err) == STORE_OK)
			rc = store_job_claim(c, "child", &j, &cfd, &err) ==
				STORE_ERR_NOT_FOUND ? 0 : 1;
		store_close(c);
		_exit(rc);
	}
	waitpid(pid, &status, 0);
	tap_ok(pid > 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0,
	       "another process should not claim a job whose lock is held");
	store_job_release(fd);
	pid = fork();
	if (pid == 0) {
		struct store *c = NULL;
		int cfd = -1, rc = 2;

		if (store_open(dir, &c, &err) == STORE_OK &&
		    store_job_claim(c, "child", &j, &cfd, &err) == STORE_OK)
			rc = strcmp(j.id, a) == 0 ? 0 : 1;
		store_close(c);
		_exit(rc);
	}
	waitpid(pid, &status, 0);
	tap_ok(pid > 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0,
	       "another process should claim it once the lock is free");
	drain(s);
}

static void
test_resume(struct store *s, struct live *l)
{
	struct store_error err = { "" };
	struct store_job j;
	char a[STORE_JOB_ID_MAX + 1] = "";
	char started[STORE_TIME_MAX] = "";
	int fd = -1;

	tap_ok(create(s, 1, three, 3, a) &&
	       store_job_claim(s, "r1", &j, &fd, &err) == STORE_OK &&
	       progress(s, l, a, "r1", 0, 2, &err) == STORE_OK,
	       "a runner commits 2 of 3 items: %s", err.msg);
	snprintf(started, sizeof(started), "%s", j.started_at);
	store_job_clear(&j);
	tap_ok(progress(s, l, a, "r1", 0, 1, &err) == STORE_ERR_CONFLICT,
	       "store_job_progress should refuse a chunk that is not next");
	store_job_release(fd);   /* the runner dies */
	tap_ok(store_job_claim(s, "r2", &j, &fd, &err) == STORE_OK &&
	       strcmp(j.id, a) == 0 && j.items_done == 2 &&
	       strcmp(j.started_at, started) == 0,
	       "store_job_claim should resume a running job whose lock is "
	       "free from items_done: %s", err.msg);
	store_job_clear(&j);
	tap_ok(progress(s, l, a, "r1", 2, 1, &err) == STORE_ERR_CONFLICT,
	       "the former runner should be refused: %s", err.msg);
	tap_ok(store_job_finish(s, a, "r2", &err) == STORE_ERR_CONFLICT,
	       "store_job_finish should refuse a job with items left");
	tap_ok(progress(s, l, a, "r2", 2, 1, &err) == STORE_OK &&
	       store_job_finish(s, a, "r2", &err) == STORE_OK &&
	       rows("job_results", a) == 3,
	       "the new runner should finish it: %s", err.msg);
	store_job_release(fd);
	drain(s);
}

static void
test_cancel(struct store *s, struct live *l)
{
	struct store_error err = { "" };
	struct store_job j;
	char a[STORE_JOB_ID_MAX + 1] = "";
	static const double prob[3] = { 0.5, 0.25, 0.25 };
	struct store_job_result r = { 0, prob };
	int fd = -1;

	tap_ok(create(s, 1, three, 3, a) &&
	       store_job_claim(s, "r1", &j, &fd, &err) == STORE_OK &&
	       progress(s, l, a, "r1", 0, 1, &err) == STORE_OK,
	       "a running job with a chunk committed");
	store_job_clear(&j);
	tap_ok(store_job_cancel(s, a, &j, &err) == STORE_OK &&
	       j.status == STORE_JOB_CANCELLED && j.finished_at[0] != '\0',
	       "store_job_cancel should cancel a running job: %s", err.msg);
	store_job_clear(&j);
	tap_ok(store_job_progress(s, a, "r1", 1, &r, 1,
				  (const char *const *)l->class_json,
				  l->n_classes, &err) == STORE_ERR_CONFLICT &&
	       strstr(err.msg, "cancelled") != NULL,
	       "store_job_progress should be refused after a cancel: %s",
	       err.msg);
	tap_ok(rows("job_results", a) == 0,
	       "a cancelled job's partial results should be deleted");
	store_job_release(fd);
	tap_ok(store_job_cancel(s, a, &j, &err) == STORE_ERR_CONFLICT,
	       "store_job_cancel should refuse a job that has ended");
	tap_ok(store_job_cancel(s, "job-nope", &j, &err) ==
	       STORE_ERR_NOT_FOUND, "store_job_cancel should say not found");
}

/* store_prediction_put of id agrees with store_prediction_get: the text
 * the fields make ({"id","input_text","predicted_tag","probabilities"},
 * as fcgi/batch.c writes them), appended after what b held, and the same
 * model, version, job, time and stale flag. */
static bool
put_agrees(struct store *s, const char *id)
{
	struct util_buf want = UTIL_BUF_INIT(1 << 20);
	struct util_buf got = UTIL_BUF_INIT(1 << 20);
	struct store_error err = { "" };
	struct store_prediction p, q;
	bool ok = false;

	memset(&q, 0x55, sizeof(q));
	if (store_prediction_get(s, id, strlen(id), &p, &err) != STORE_OK)
		return false;
	util_buf_adds(&want, "head{\"id\":");
	util_json_str(&want, p.item_id, strlen(p.item_id));
	util_buf_adds(&want, ",\"input_text\":");
	util_json_str(&want, p.input_text, strlen(p.input_text));
	util_buf_adds(&want, ",\"predicted_tag\":");
	util_json_str(&want, p.predicted_tag, strlen(p.predicted_tag));
	util_buf_adds(&want, ",\"probabilities\":");
	util_buf_adds(&want, p.probabilities);
	util_buf_adds(&got, "head");
	if (store_prediction_put(s, id, strlen(id), &got, &q, &err) ==
	    STORE_OK && want.st == UTIL_OK && got.len == want.len &&
	    memcmp(got.data, want.data, want.len) == 0 &&
	    q.item_id == NULL && q.probabilities == NULL &&
	    strcmp(q.model, p.model) == 0 && q.version == p.version &&
	    strcmp(q.job_id, p.job_id) == 0 &&
	    strcmp(q.computed_at, p.computed_at) == 0 && q.stale == p.stale)
		ok = true;
	else
		printf("# %s: got %s want %s (%s)\n", id,
		       got.data ? got.data : "", want.data ? want.data : "",
		       err.msg);
	store_prediction_clear(&p);
	util_buf_free(&want);
	util_buf_free(&got);
	return ok;
}

static void
test_visibility(struct store *s, struct live *l)
{
	static const struct store_job_input one[] = {
		INPUT("fresh-1", "cats and cats"),
	};
	struct store_error err = { "" };
	struct store_prediction p, *page = NULL;
	struct store_job j;
	char a[STORE_JOB_ID_MAX + 1] = "";
	size_t n = 0;
	int fd = -1;

	tap_ok(create(s, 1, one, 1, a) &&
	       store_job_claim(s, "r1", &j, &fd, &err) == STORE_OK &&
	       progress(s, l, a, "r1", 0, 1, &err) == STORE_OK,
	       "a job with every item computed");
	store_job_clear(&j);
	tap_ok(store_prediction_get(s, "fresh-1", 7, &p, &err) ==
	       STORE_ERR_NOT_FOUND && !put_agrees(s, "fresh-1") &&
	       store_job_predictions(s, a, 0, 10, &page, &n, &err) ==
	       STORE_ERR_CONFLICT && strstr(err.msg, "running") != NULL,
	       "results should be invisible until the job succeeds");
	tap_ok(store_job_finish(s, a, "r1", &err) == STORE_OK &&
	       store_prediction_get(s, "fresh-1", 7, &p, &err) == STORE_OK &&
	       strcmp(p.job_id, a) == 0 && put_agrees(s, "fresh-1"),
	       "store_job_finish should make them visible: %s", err.msg);
	store_prediction_clear(&p);
	tap_ok(store_job_get(s, a, &j, &err) == STORE_OK &&
	       j.status == STORE_JOB_SUCCEEDED && j.finished_at[0] != '\0',
	       "the job should be succeeded");
	store_job_clear(&j);
	tap_ok(store_job_cancel(s, a, &j, &err) == STORE_ERR_CONFLICT &&
	       strstr(err.msg, "succeeded") != NULL,
	       "store_job_cancel should refuse a succeeded job: %s", err.msg);
	store_job_release(fd);
}

static void
test_newest(struct store *s, struct live *l)
{
	static const struct store_job_input first[] = {
		INPUT("same", "a cat"),
	};
	static const struct store_job_input second[] = {
		INPUT("same", "a dog"),
	};
	struct store_error err = { "" };
	struct store_prediction p;
	char a[STORE_JOB_ID_MAX + 1] = "", b[STORE_JOB_ID_MAX + 1] = "";
	char ra[STORE_JOB_ID_MAX + 1] = "", rb[STORE_JOB_ID_MAX + 1] = "";

	tap_ok(create(s, 1, first, 1, a) && run_all(s, l, ra) &&
	       create(s, 1, second, 1, b) && run_all(s, l, rb) &&
	       strcmp(ra, a) == 0 && strcmp(rb, b) == 0,
	       "two jobs covering one id, run in turn");
	tap_ok(store_prediction_get(s, "same", 4, &p, &err) == STORE_OK &&
	       strcmp(p.job_id, b) == 0 &&
	       strcmp(p.input_text, "a dog") == 0 &&
	       strcmp(p.predicted_tag, "nlp") == 0 && put_agrees(s, "same"),
	       "an id should be answered from the job that succeeded last: "
	       "%s", err.msg);
	store_prediction_clear(&p);
	tap_ok(store_prediction_get(s, "unknown", 7, &p, &err) ==
	       STORE_ERR_NOT_FOUND && store_prediction_get(s, "", 0, &p, &err)
	       == STORE_ERR_NOT_FOUND,
	       "an unknown id should be not found");
}

static void
test_stale(struct store *s, struct live *l)
{
	static const struct store_job_input one[] = {
		INPUT("stale-1", "a cat"),
	};
	struct store_error err = { "" };
	struct store_prediction p;
	char a[STORE_JOB_ID_MAX + 1] = "";
	long long previous = 0;

	tap_ok(create(s, 1, one, 1, a) && run_all(s, l, a) &&
	       store_prediction_get(s, "stale-1", 7, &p, &err) == STORE_OK &&
	       !p.stale && p.version == 1 && strcmp(p.model, "tagifai") == 0 &&
	       p.computed_at[0] != '\0' && put_agrees(s, "stale-1"),
	       "a prediction of the active version should not be stale");
	store_prediction_clear(&p);
	tap_ok(store_activate(s, "tagifai", 2, "test", &previous, &err) ==
	       STORE_OK &&
	       store_prediction_get(s, "stale-1", 7, &p, &err) == STORE_OK &&
	       p.stale && p.version == 1 && put_agrees(s, "stale-1"),
	       "after an activation the prediction should be stale");
	store_prediction_clear(&p);
	tap_ok(store_activate(s, "tagifai", 1, "test", &previous, &err) ==
	       STORE_OK &&
	       store_prediction_get(s, "stale-1", 7, &p, &err) == STORE_OK &&
	       !p.stale && put_agrees(s, "stale-1"),
	       "activating version 1 again: not stale");
	store_prediction_clear(&p);
}

static void
test_pages(struct store *s, struct live *l)
{
	static const struct store_job_input five[] = {
		INPUT("g0", "cat"), INPUT("g1", "dog"), INPUT("g2", "cat dog"),
		INPUT("g3", "the"), INPUT("g4", "a dog and a cat"),
	};
	struct store_error err = { "" };
	struct store_prediction *p = NULL;
	char a[STORE_JOB_ID_MAX + 1] = "";
	size_t n = 0;

	tap_ok(create(s, 1, five, 5, a) && run_all(s, l, a),
	       "a job of five items, run");
	tap_ok(store_job_predictions(s, a, 1, 2, &p, &n, &err) == STORE_OK &&
	       n == 2 && strcmp(p[0].item_id, "g1") == 0 &&
	       strcmp(p[1].item_id, "g2") == 0 &&
	       strcmp(p[1].input_text, "cat dog") == 0,
	       "store_job_predictions should give offset 1, limit 2 in input "
	       "order: %s", err.msg);
	store_predictions_free(p, n);
	tap_ok(store_job_predictions(s, a, 4, 100, &p, &n, &err) == STORE_OK &&
	       n == 1 && strcmp(p[0].item_id, "g4") == 0,
	       "a page should stop at the job's end");
	store_predictions_free(p, n);
	tap_ok(store_job_predictions(s, a, 9, 10, &p, &n, &err) == STORE_OK &&
	       n == 0, "a page past the end should be empty");
	store_predictions_free(p, n);
	tap_ok(store_job_predictions(s, a, 0, 0, &p, &n, &err) ==
	       STORE_ERR_INVALID &&
	       store_job_predictions(s, a, 0, STORE_PAGE_MAX + 1, &p, &n,
				     &err) == STORE_ERR_INVALID &&
	       store_job_predictions(s, a, -1, 1, &p, &n, &err) ==
	       STORE_ERR_INVALID,
	       "store_job_predictions should refuse a bad offset or limit");
	tap_ok(store_job_predictions(s, "job-nope", 0, 1, &p, &n, &err) ==
	       STORE_ERR_NOT_FOUND, "store_job_predictions of no job: 404");
}

/* The stored text is what a live prediction writes, byte for byte. */
static void
test_identical(struct store *s, struct live *l)
{
	static const struct store_job_input in[] = {
		INPUT("id-0", "a cat on the mat"),
		INPUT("id-1", "dogs dogs dogs"),
		INPUT("id-2", "zzz"),
		INPUT("id-3", "cat dog cat dog"),
	};
	struct store_error err = { "" };
	char a[STORE_JOB_ID_MAX + 1] = "";
	int same = 0;

	tap_ok(create(s, 1, in, 4, a) && run_all(s, l, a), "a job, run");
	for (size_t i = 0; i < 4; i++) {
		struct store_prediction p;
		unsigned tag = 0;
		char *want = live_probabilities(l, in[i].text, &tag);

		if (store_prediction_get(s, in[i].id, in[i].id_len, &p, &err) ==
		    STORE_OK) {
			if (want != NULL && strcmp(p.probabilities, want) == 0 &&
			    strcmp(p.predicted_tag,
				   model_class_name(l->m, tag)) == 0)
				same++;
			else
				printf("# got %s want %s\n", p.probabilities,
				       want ? want : "(null)");
			store_prediction_clear(&p);
		}
		free(want);
	}
	tap_ok(same == 4, "store_prediction_get should give the probabilities "
	       "text and tag a live prediction writes (%d of 4)", same);
}

/* The class names kept on the connection follow the job of each read:
 * ids of several jobs, in turn, twice over, on one connection and on a
 * fresh one; an unknown id leaves the buffer as it was. */
static void
test_put(struct store *s)
{
	static const char *const ids[] = {
		"fresh-1", "same", "stale-1", "id-0", "id-3", "same", "id-1",
	};
	struct util_buf b = UTIL_BUF_INIT(1 << 10);
	struct store_error err = { "" };
	struct store_prediction p;
	struct store *t = NULL;
	int agree = 0;

	for (int round = 0; round < 2; round++)
		for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++)
			agree += put_agrees(s, ids[i]);
	tap_ok(agree == 2 * (int)(sizeof(ids) / sizeof(ids[0])),
	       "store_prediction_put should agree with store_prediction_get "
	       "across jobs (%d)", agree);
	tap_ok(store_open(dir, &t, &err) == STORE_OK &&
	       put_agrees(t, "id-2") && put_agrees(t, "same"),
	       "store_prediction_put on a fresh connection: %s", err.msg);
	store_close(t);
	util_buf_adds(&b, "kept");
	tap_ok(store_prediction_put(s, "unknown", 7, &b, &p, &err) ==
	       STORE_ERR_NOT_FOUND &&
	       store_prediction_put(s, "", 0, &b, &p, &err) ==
	       STORE_ERR_NOT_FOUND && b.len == 4 &&
	       strcmp(b.data, "kept") == 0,
	       "store_prediction_put of an unknown id: not found, the buffer "
	       "as it was");
	util_buf_free(&b);
}

static void
test_version_delete(struct store *s, struct live *l)
{
	struct store_error err = { "" };
	struct store_job j;
	char a[STORE_JOB_ID_MAX + 1] = "", b[STORE_JOB_ID_MAX + 1] = "";
	char done[STORE_JOB_ID_MAX + 1] = "";
	int fd = -1;

	/* Version 2 not active: a finished job, a running, a queued. */
	tap_ok(create(s, 2, three, 1, done) && run_all(s, l, done) &&
	       create(s, 2, three, 3, a) && create(s, 2, three, 3, b) &&
	       store_job_claim(s, "r1", &j, &fd, &err) == STORE_OK &&
	       strcmp(j.id, a) == 0 &&
	       progress(s, l, a, "r1", 0, 1, &err) == STORE_OK,
	       "jobs on version 2: %s", err.msg);
	store_job_clear(&j);
	tap_ok(store_version_delete(s, "tagifai", 2, &err) == STORE_OK,
	       "store_version_delete: %s", err.msg);
	tap_ok(store_job_get(s, a, &j, &err) == STORE_OK &&
	       j.status == STORE_JOB_FAILED && j.error != NULL &&
	       strcmp(j.error, "model tagifai version 2 was deleted") == 0 &&
	       rows("job_results", a) == 0,
	       "deleting a version should fail its running job, saying why");
	store_job_clear(&j);
	tap_ok(store_job_get(s, b, &j, &err) == STORE_OK &&
	       j.status == STORE_JOB_FAILED,
	       "deleting a version should fail its queued job");
	store_job_clear(&j);
	tap_ok(store_job_get(s, done, &j, &err) == STORE_OK &&
	       j.status == STORE_JOB_SUCCEEDED,
	       "a succeeded job should stay succeeded");
	store_job_clear(&j);
	tap_ok(progress(s, l, a, "r1", 1, 1, &err) != STORE_OK,
	       "the runner of a failed job should be refused");
	store_job_release(fd);
	tap_ok(lock_exists(a) && !lock_exists(done),
	       "a finished job's lock file should be gone, a failed one's "
	       "left to store_gc");
	tap_ok(create(s, 1, three, 1, b) &&
	       store_job_claim(s, "r2", &j, &fd, &err) == STORE_OK &&
	       store_gc(s, &err) == STORE_OK && !lock_exists(a) &&
	       lock_exists(j.id),
	       "store_gc should remove the lock files of ended jobs only: %s",
	       err.msg);
	store_job_clear(&j);
	store_job_release(fd);
}

static void
test_fail(struct store *s, struct live *l)
{
	struct store_error err = { "" };
	struct store_job j;
	char a[STORE_JOB_ID_MAX + 1] = "";
	int fd = -1;

	tap_ok(create(s, 1, three, 3, a) &&
	       store_job_claim(s, "r1", &j, &fd, &err) == STORE_OK &&
	       progress(s, l, a, "r1", 0, 1, &err) == STORE_OK,
	       "a running job");
	store_job_clear(&j);
	tap_ok(store_job_fail(s, a, "r2", "x", &err) == STORE_ERR_CONFLICT,
	       "store_job_fail should refuse another runner");
	tap_ok(store_job_fail(s, a, "r1", "the artifact is gone", &err) ==
	       STORE_OK && store_job_get(s, a, &j, &err) == STORE_OK &&
	       j.status == STORE_JOB_FAILED && j.error != NULL &&
	       strcmp(j.error, "the artifact is gone") == 0 &&
	       rows("job_results", a) == 0,
	       "store_job_fail should fail it with its message, results gone");
	store_job_clear(&j);
	store_job_release(fd);
}

/* store_job_create claimed: running, locked, owner set. */
static void
test_create_claimed(struct store *s, struct live *l)
{
	struct store_error err = { "" };
	struct store_job j, k;
	int fd = -1, other = -1;

	tap_ok(store_job_create(s, "tagifai", 0, three, 3, "cron", "batch run",
				&fd, &j, &err) == STORE_OK &&
	       j.status == STORE_JOB_RUNNING && fd >= 0 &&
	       store_job_claim(s, "r9", &k, &other, &err) ==
	       STORE_ERR_NOT_FOUND,
	       "store_job_create with a lock should make a job already "
	       "claimed: %s", err.msg);
	tap_ok(progress(s, l, j.id, "batch run", 0, 3, &err) == STORE_OK &&
	       store_job_finish(s, j.id, "batch run", &err) == STORE_OK,
	       "its creator should run it: %s", err.msg);
	store_job_clear(&j);
	store_job_release(fd);
}

int
main(void)
{
	struct store_error err = { "" };
	struct store *s = NULL;
	struct live l;
	char cmd[300], seed[300];
	size_t len = 0;
	char *data;
	FILE *f;
	bool seeded = false;

	snprintf(dir, sizeof(dir), "%s/store_jobs_test.XXXXXX",
		 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (mkdtemp(dir) == NULL)
		return 99;
	if (store_open(dir, &s, &err) != STORE_OK) {
		printf("# store_open: %s\n", err.msg);
		return 99;
	}
	snprintf(seed, sizeof(seed), "%s.seed", dir);
	data = tiny_bytes("seed", &len);
	f = data ? fopen(seed, "wb") : NULL;
	if (f == NULL || fwrite(data, 1, len, f) != len || fclose(f) != 0 ||
	    store_seed(s, "tagifai", seed, &seeded, &err) != STORE_OK ||
	    add_version(s, "two") != 2 || !live_open(s, 1, &l)) {
		printf("# seeding: %s\n", err.msg);
		return 99;
	}
	free(data);
	unlink(seed);
	test_create_get_list(s);
	test_duplicate(s);
	test_version_zero(s);
	test_claim_order(s);
	test_lock_blocks(s);
	test_resume(s, &l);
	test_cancel(s, &l);
	test_visibility(s, &l);
	test_newest(s, &l);
	test_stale(s, &l);
	test_pages(s, &l);
	test_identical(s, &l);
	test_fail(s, &l);
	test_create_claimed(s, &l);
	test_version_delete(s, &l);
	test_put(s);
	live_close(&l);
	store_close(s);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		printf("# could not remove %s\n", dir);
	return tap_done();
}
