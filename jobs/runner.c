/* SPDX-License-Identifier: MIT
 * jobs/runner.c - the batch-job runner (jobs/runner.h).
 *
 * A job in hand is worked chunk by chunk: JOBS_CHUNK items read from the
 * registry in input order, tagged by core/batch.h on the runner's
 * threads (each result lands in its slot of arrays allocated once per
 * job: no allocation per item), committed with one store_job_progress
 * (one transaction, one reused INSERT).  A stop is honoured between
 * chunks: the chunk in hand is dropped and the job, still running, is
 * resumed from items_done by whichever runner claims it next.  The
 * registry failing (busy, I/O) is logged and the same step retried with
 * back-off; the job's runner is never the one to give up on it.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "core/batch.h"
#include "core/model.h"
#include "jobs/runner.h"
#include "util/buf.h"
#include "util/json.h"

#define LOG_PREFIX "tagifai batch-runner: "
#define OWNER_MAX 160
#define BACKOFF_MIN_MS 100
#define BACKOFF_MAX_MS 5000
#define SLICE_MS 50              /* a sleep looks at *stop this often */
#define CLASS_JSON_MAX 1024      /* a class name as a JSON string */

static const char *const texts[JOBS__MAX] = {
	[JOBS_OK] = "success",
	[JOBS_ERR_NOMEM] = "out of memory",
	[JOBS_ERR_STORE] = "registry failure",
	[JOBS_ERR_STOPPED] = "stopped",
};

const char *
jobs_strerror(enum jobs_status st)
{
	if ((unsigned)st >= JOBS__MAX || texts[st] == NULL)
		return "unknown status";
	return texts[st];
}

/* A runner: its connection, its name and its options. */
struct runner {
	const struct jobs_runner_opts *o;
	struct store *s;
	char owner[OWNER_MAX];
	size_t threads;
};

/* One job in hand: the model of its version and the chunk's buffers. */
struct work {
	struct store_job job;
	struct model *m;
	char *class_json[CORE_MAX_CLASSES];
	size_t n_classes;
	struct batch b;
	bool batch_open;
	struct store_job_item *items;      /* the chunk in hand */
	size_t n;
	struct prediction *pred;           /* JOBS_CHUNK, per job */
	struct store_job_result *res;      /* JOBS_CHUNK, per job */
	size_t failed;                     /* the item that failed, or n */
};

static bool
stopped(const struct runner *r)
{
	return r->o->stop != NULL && *r->o->stop;
}

/* Sleeps ms in slices; true when told to stop meanwhile. */
static bool
nap(const struct runner *r, long ms)
{
	for (long left = ms; left > 0 && !stopped(r); left -= SLICE_MS) {
		struct timespec ts = { 0, (left < SLICE_MS ? left : SLICE_MS) *
					   1000000L };

		while (nanosleep(&ts, &ts) != 0 && errno == EINTR &&
		       !stopped(r))
			;
	}
	return stopped(r);
}

/* After a failed attempt (the n-th, from 0): logs why and waits longer
 * each time.  True when told to stop meanwhile. */
static bool
backoff(const struct runner *r, unsigned attempt, const char *what,
	const struct store_error *err)
{
	long ms = BACKOFF_MIN_MS;

	for (unsigned i = 0; i < attempt && ms < BACKOFF_MAX_MS; i++)
		ms *= 2;
	if (ms > BACKOFF_MAX_MS)
		ms = BACKOFF_MAX_MS;
	fprintf(stderr, LOG_PREFIX "%s: %s; again in %ld ms\n", what,
		err->msg, ms);
	return nap(r, ms);
}

/* Worth another try: the registry may recover.  Not found, conflict or
 * invalid are answers. */
static bool
transient(enum store_status st)
{
	return st == STORE_ERR_BUSY || st == STORE_ERR_IO ||
		st == STORE_ERR_NOMEM;
}

/* ---- tagging a chunk (core/batch.h) ---- */

static int
prepare(void *ctx, size_t i, struct batch_item *it, FILE *err)
{
	struct work *w = ctx;

	(void)err;
	it->text = w->items[i].text;
	it->len = w->items[i].text_len;
	return 0;
}

/* In a tagging thread: item i's result goes to its own slot. */
static int
emit(void *ctx, size_t i, const struct batch_item *it, enum core_status st,
     const struct prediction *p, const struct model_scratch *s, FILE *out,
     FILE *err)
{
	struct work *w = ctx;

	(void)it;
	(void)s;
	(void)out;
	(void)err;
	if (st != CORE_OK || p->tag >= w->n_classes) {
		w->failed = i;  /* the batch stops at the first: one writer */
		return 1;
	}
	w->pred[i] = *p;
	w->res[i].tag = p->tag;
	w->res[i].prob = w->pred[i].prob;
	return 0;
}

static const struct batch_ops ops = { prepare, emit, NULL };

/* ---- one job ---- */

static void
work_close(struct work *w)
{
	if (w->batch_open)
		batch_close(&w->b);
	for (size_t k = 0; k < w->n_classes; k++)
		free(w->class_json[k]);
	model_close(w->m);
	store_job_items_free(w->items, w->n);
	free(w->pred);
	free(w->res);
	store_job_clear(&w->job);
}

/* Ends the job as failed with why (formatted); a job that has ended
 * meanwhile (cancelled, its version deleted) stays as it is. */
static enum jobs_status
fail_job(struct runner *r, struct work *w, struct store_error *err,
	 const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static enum jobs_status
fail_job(struct runner *r, struct work *w, struct store_error *err,
	 const char *fmt, ...)
{
	char why[STORE_ERROR_MAX];
	enum store_status st;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	fprintf(stderr, LOG_PREFIX "job %s failed: %s\n", w->job.id, why);
	for (unsigned a = 0;; a++) {
		st = store_job_fail(r->s, w->job.id, r->owner, why, err);
		if (!transient(st))
			break;
		if (backoff(r, a, "store_job_fail", err))
			return JOBS_ERR_STOPPED;
	}
	return JOBS_OK;
}

/* Opens the job's version: false (the job failed) when it cannot be. */
static enum jobs_status
open_version(struct runner *r, struct work *w, bool *ok,
	     struct store_error *err)
{
	struct store_version v;
	struct core_error ce = { "" };
	char path[4096];
	enum store_status st;
	enum core_status cs;

	*ok = false;
	for (unsigned a = 0;; a++) {
		st = store_version_get(r->s, w->job.model, w->job.version, &v,
				       err);
		if (!transient(st))
			break;
		if (backoff(r, a, "store_version_get", err))
			return JOBS_ERR_STOPPED;
	}
	if (st == STORE_ERR_NOT_FOUND)
		return fail_job(r, w, err, "model %s version %lld no longer "
				"exists", w->job.model, w->job.version);
	if (st != STORE_OK)
		return fail_job(r, w, err, "model %s version %lld: %s",
				w->job.model, w->job.version, err->msg);
	store_artifact_path(r->s, v.checksum, path, sizeof(path));
	store_version_clear(&v);
	cs = model_open(path, &w->m, &ce);
	if (cs != CORE_OK) {
		/* core's message starts with the path: the client is told
		 * why, not where (the log has both). */
		const char *why = strstr(ce.msg, ": ");

		fprintf(stderr, LOG_PREFIX "%s\n", ce.msg);
		return fail_job(r, w, err, "cannot open the artifact of model "
				"%s version %lld: %s", w->job.model,
				w->job.version,
				why ? why + 2 : core_strerror(cs));
	}
	w->n_classes = model_class_count(w->m);
	for (size_t k = 0; k < w->n_classes; k++) {
		struct util_buf b = UTIL_BUF_INIT(CLASS_JSON_MAX);
		const char *c = model_class_name(w->m, k);

		/* As POST /predict names them (fcgi/app_model.c). */
		util_json_str(&b, c, strlen(c));
		w->class_json[k] = util_buf_take(&b, NULL);
		if (w->class_json[k] == NULL)
			return JOBS_ERR_NOMEM;
	}
	if (batch_open(&w->b, w->m, r->threads) != CORE_OK) {
		w->batch_open = true;
		return JOBS_ERR_NOMEM;
	}
	w->batch_open = true;
	w->pred = malloc(JOBS_CHUNK * sizeof(*w->pred));
	w->res = malloc(JOBS_CHUNK * sizeof(*w->res));
	if (w->pred == NULL || w->res == NULL)
		return JOBS_ERR_NOMEM;
	*ok = true;
	return JOBS_OK;
}

/* Whether the job is still ours to work on (not ended elsewhere). */
static enum jobs_status
still_running(struct runner *r, struct work *w, bool *running,
	      struct store_error *err)
{
	struct store_job j;
	enum store_status st;

	for (unsigned a = 0;; a++) {
		st = store_job_get(r->s, w->job.id, &j, err);
		if (!transient(st))
			break;
		if (backoff(r, a, "store_job_get", err))
			return JOBS_ERR_STOPPED;
	}
	*running = st == STORE_OK && j.status == STORE_JOB_RUNNING;
	if (st == STORE_OK)
		store_job_clear(&j);
	return JOBS_OK;
}

/* Reads, tags and commits the chunk from done; *ended when the job is
 * no longer ours (it failed, or ended elsewhere). */
static enum jobs_status
chunk(struct runner *r, struct work *w, bool *ended, struct store_error *err)
{
	long long done = w->job.items_done;
	size_t want = (size_t)(w->job.items_total - done);
	enum store_status st;
	enum core_status cs;
	bool running = false;
	enum jobs_status js;

	if (want > JOBS_CHUNK)
		want = JOBS_CHUNK;
	for (unsigned a = 0;; a++) {
		st = store_job_items(r->s, w->job.id, done, want, &w->items,
				     &w->n, err);
		if (!transient(st))
			break;
		if (backoff(r, a, "store_job_items", err))
			return JOBS_ERR_STOPPED;
	}
	if (st != STORE_OK || w->n != want) {
		/* Its items deleted: cancelled or failed meanwhile. */
		if (st == STORE_OK) {
			store_job_items_free(w->items, w->n);
			w->items = NULL;
			w->n = 0;
		}
		js = still_running(r, w, &running, err);
		if (js != JOBS_OK)
			return js;
		*ended = true;
		if (!running)
			return JOBS_OK;
		return fail_job(r, w, err, "items %lld.. cannot be read: %s",
				done, st == STORE_OK ? "missing" : err->msg);
	}
	w->failed = w->n;
	cs = batch_run(&w->b, w->n, &ops, w, stderr, stderr);
	if (cs != CORE_OK) {
		size_t i = w->failed < w->n ? w->failed : 0;

		*ended = true;
		return fail_job(r, w, err, "item %lld (id %s): %s", done +
				(long long)i, w->items[i].id,
				core_strerror(cs));
	}
	if (stopped(r))
		return JOBS_ERR_STOPPED;
	for (unsigned a = 0;; a++) {
		st = store_job_progress(r->s, w->job.id, r->owner, done, w->res,
					w->n,
					(const char *const *)w->class_json,
					w->n_classes, err);
		if (!transient(st))
			break;
		if (backoff(r, a, "store_job_progress", err))
			return JOBS_ERR_STOPPED;
	}
	store_job_items_free(w->items, w->n);
	w->items = NULL;
	if (st != STORE_OK) {
		/* Cancelled, failed or taken over: not ours any more. */
		fprintf(stderr, LOG_PREFIX "job %s: %s\n", w->job.id,
			err->msg);
		w->n = 0;
		*ended = true;
		return JOBS_OK;
	}
	w->job.items_done = done + (long long)w->n;
	w->n = 0;
	if (r->o->progress != NULL) {
		struct jobs_progress p = { w->job.items_done,
					   w->job.items_total };

		r->o->progress(r->o->ctx, &w->job, &p);
	}
	return JOBS_OK;
}

/* Works on the claimed job (lock held by the caller) until it ends or
 * a stop. */
static enum jobs_status
run_job(struct runner *r, const struct store_job *job,
	struct store_error *err)
{
	struct work w;
	enum jobs_status js;
	enum store_status st;
	bool ok = false, ended = false;

	memset(&w, 0, sizeof(w));
	w.job = *job;
	w.job.error = NULL;
	js = open_version(r, &w, &ok, err);
	while (js == JOBS_OK && ok && !ended &&
	       w.job.items_done < w.job.items_total) {
		if (stopped(r))
			js = JOBS_ERR_STOPPED;
		else
			js = chunk(r, &w, &ended, err);
	}
	if (js == JOBS_OK && ok && !ended) {
		for (unsigned a = 0;; a++) {
			st = store_job_finish(r->s, w.job.id, r->owner, err);
			if (!transient(st))
				break;
			if (backoff(r, a, "store_job_finish", err)) {
				js = JOBS_ERR_STOPPED;
				break;
			}
		}
		if (js == JOBS_OK && st != STORE_OK)
			fprintf(stderr, LOG_PREFIX "job %s: %s\n", w.job.id,
				err->msg);
	}
	if (js == JOBS_ERR_NOMEM)
		fprintf(stderr, LOG_PREFIX "job %s: out of memory\n",
			w.job.id);
	work_close(&w);
	return js;
}

/* ---- the runner ---- */

/* Lowers the process's priority by o->nice (threads started after
 * inherit it: batch_run starts them per chunk). */
static void
be_nice(const struct jobs_runner_opts *o)
{
	int now;

	if (o->nice == 0)
		return;
	errno = 0;
	now = getpriority(PRIO_PROCESS, 0);
	if (errno == 0 && setpriority(PRIO_PROCESS, 0, now + o->nice) != 0)
		fprintf(stderr, LOG_PREFIX "setpriority: %s\n",
			strerror(errno));
}

static void
runner_init(struct runner *r, const struct jobs_runner_opts *o)
{
	char host[64] = "";

	memset(r, 0, sizeof(*r));
	r->o = o;
	r->threads = o->threads;
	if (r->threads < 1)
		r->threads = 1;
	if (r->threads > BATCH_MAX_JOBS)
		r->threads = BATCH_MAX_JOBS;
	if (gethostname(host, sizeof(host) - 1) != 0)
		snprintf(host, sizeof(host), "?");
	snprintf(r->owner, sizeof(r->owner), "batch-runner pid %ld on %s",
		 (long)getpid(), host);
}

enum jobs_status
jobs_runner_loop(const struct jobs_runner_opts *o, struct store_error *err)
{
	struct runner r;
	enum jobs_status js = JOBS_OK;
	unsigned a = 0;

	runner_init(&r, o);
	be_nice(o);
	while (!stopped(&r)) {
		struct store_job job;
		int fd = -1;
		enum store_status st;

		if (r.s == NULL) {
			st = store_open(o->registry, &r.s, err);
			if (st != STORE_OK) {
				r.s = NULL;
				(void)backoff(&r, a++, "store_open", err);
				continue;
			}
		}
		st = store_job_claim(r.s, r.owner, &job, &fd, err);
		if (st == STORE_ERR_NOT_FOUND) {
			a = 0;
			(void)nap(&r, JOBS_POLL_MS);
			continue;
		}
		if (st != STORE_OK) {
			(void)backoff(&r, a++, "store_job_claim", err);
			continue;
		}
		a = 0;
		fprintf(stderr, LOG_PREFIX "job %s: %lld of %lld items to "
			"do\n", job.id, job.items_total - job.items_done,
			job.items_total);
		js = run_job(&r, &job, err);
		store_job_clear(&job);
		store_job_release(fd);
		if (js == JOBS_ERR_NOMEM)
			(void)nap(&r, BACKOFF_MAX_MS);
	}
	store_close(r.s);
	return JOBS_ERR_STOPPED;
}

enum jobs_status
jobs_run_inputs(const struct jobs_runner_opts *o, const char *model,
		long long version, const struct store_job_input *inputs,
		size_t n, const char *by, struct store_job *out,
		struct store_error *err)
{
	struct runner r;
	struct store_job job;
	enum jobs_status js;
	enum store_status st;
	int fd = -1;

	runner_init(&r, o);
	snprintf(r.owner, sizeof(r.owner), "batch run pid %ld",
		 (long)getpid());
	be_nice(o);
	st = store_open(o->registry, &r.s, err);
	if (st != STORE_OK)
		return st == STORE_ERR_NOMEM ? JOBS_ERR_NOMEM : JOBS_ERR_STORE;
	st = store_job_create(r.s, model, version, inputs, n, by, r.owner, &fd,
			      &job, err);
	if (st != STORE_OK) {
		store_close(r.s);
		return st == STORE_ERR_NOMEM ? JOBS_ERR_NOMEM : JOBS_ERR_STORE;
	}
	js = run_job(&r, &job, err);
	store_job_release(fd);
	if (js == JOBS_OK) {
		char id[STORE_JOB_ID_MAX + 1];

		snprintf(id, sizeof(id), "%s", job.id);
		st = store_job_get(r.s, id, out, err);
		if (st != STORE_OK)
			js = st == STORE_ERR_NOMEM ? JOBS_ERR_NOMEM :
				JOBS_ERR_STORE;
	}
	store_job_clear(&job);
	store_close(r.s);
	return js;
}
