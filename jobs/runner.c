/* SPDX-License-Identifier: MIT
 * jobs/runner.c - the batch-job runner (jobs/runner.h).
 *
 * A job in hand is worked chunk by chunk: JOBS_CHUNK items read from the
 * registry in input order, tagged by core/batch.h on the runner's
 * threads (each result lands in its slot of arrays allocated once per
 * job: no allocation per item), committed with one store_job_progress
 * (one transaction, the connection's prepared INSERTs).  A chunk is
 * committed while the next one is tagged on a thread of its own, so the
 * registry's writes hide behind the model's work.  A stop is honoured
 * between chunks: the chunk in hand is dropped and the job, still
 * running, is resumed from items_done by whichever runner claims it
 * next.  The registry failing (busy, I/O) is logged and the same step
 * retried with back-off; the job's runner is never the one to give up
 * on it.
 */
#include <errno.h>
#include <pthread.h>
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

/* A chunk: its items and, once tagged, their results. */
struct chunk {
	struct store_job_item *items;
	size_t n;
	long long from;                    /* the first item's index */
	size_t n_classes;
	struct prediction *pred;           /* JOBS_CHUNK */
	/* JOBS_CHUNK; prob NULL: the item is not tagged. */
	struct store_job_result *res;
	enum core_status cs;               /* how tagging went */
};

/* One job in hand: the model of its version and two chunks, one being
 * committed while the next is tagged. */
struct work {
	struct store_job job;
	struct model *m;
	char *class_json[CORE_MAX_CLASSES];
	size_t n_classes;
	struct batch b;
	bool batch_open;
	struct chunk c[2];
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
	struct chunk *c = ctx;

	(void)err;
	it->text = c->items[i].text;
	it->len = c->items[i].text_len;
	return 0;
}

/* In a tagging thread: item i's result goes to its own slot. */
static int
emit(void *ctx, size_t i, const struct batch_item *it, enum core_status st,
     const struct prediction *p, const struct model_scratch *s, FILE *out,
     FILE *err)
{
	struct chunk *c = ctx;

	(void)it;
	(void)s;
	(void)out;
	(void)err;
	if (st != CORE_OK || p->tag >= c->n_classes)
		return 1;       /* its prob stays NULL: the caller finds it */
	c->pred[i] = *p;
	c->res[i].tag = p->tag;
	c->res[i].prob = c->pred[i].prob;
	return 0;
}

static const struct batch_ops ops = { prepare, emit, NULL };

/* Tags chunk c (in the calling thread and the batch's). */
static void
tag(struct batch *b, struct chunk *c)
{
	for (size_t i = 0; i < c->n; i++)
		c->res[i].prob = NULL;
	c->cs = batch_run(b, c->n, &ops, c, stderr, stderr);
}

struct tagger {
	struct batch *b;
	struct chunk *c;
};

static void *
tagger_main(void *arg)
{
	struct tagger *t = arg;

	tag(t->b, t->c);
	return NULL;
}

/* ---- one job ---- */

static void
work_close(struct work *w)
{
	if (w->batch_open)
		batch_close(&w->b);
	for (size_t k = 0; k < w->n_classes; k++)
		free(w->class_json[k]);
	model_close(w->m);
	for (int k = 0; k < 2; k++) {
		store_job_items_free(w->c[k].items, w->c[k].n);
		free(w->c[k].pred);
		free(w->c[k].res);
	}
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
	for (int k = 0; k < 2; k++) {
		w->c[k].n_classes = w->n_classes;
		w->c[k].pred = malloc(JOBS_CHUNK * sizeof(*w->c[k].pred));
		w->c[k].res = malloc(JOBS_CHUNK * sizeof(*w->c[k].res));
		if (w->c[k].pred == NULL || w->c[k].res == NULL)
			return JOBS_ERR_NOMEM;
	}
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

/* Reads the items of chunk c from from; *ended when the job is no
 * longer ours (its items are gone: cancelled or failed meanwhile). */
static enum jobs_status
read_chunk(struct runner *r, struct work *w, struct chunk *c, long long from,
	   bool *ended, struct store_error *err)
{
	size_t want = (size_t)(w->job.items_total - from);
	enum store_status st;
	enum jobs_status js;
	bool running = false;

	if (want > JOBS_CHUNK)
		want = JOBS_CHUNK;
	store_job_items_free(c->items, c->n);
	c->items = NULL;
	c->n = 0;
	c->from = from;
	for (unsigned a = 0;; a++) {
		st = store_job_items(r->s, w->job.id, from, want, &c->items,
				     &c->n, err);
		if (!transient(st))
			break;
		if (backoff(r, a, "store_job_items", err))
			return JOBS_ERR_STOPPED;
	}
	if (st == STORE_OK && c->n == want)
		return JOBS_OK;
	js = still_running(r, w, &running, err);
	if (js != JOBS_OK)
		return js;
	*ended = true;
	if (!running)
		return JOBS_OK;
	return fail_job(r, w, err, "items %lld.. cannot be read: %s", from,
			st == STORE_OK ? "missing" : err->msg);
}

/* Fails the job at the chunk's first item that could not be tagged:
 * shares are contiguous and a share stops at its failure, so the first
 * untagged item is the one. */
static enum jobs_status
fail_item(struct runner *r, struct work *w, const struct chunk *c,
	  struct store_error *err)
{
	size_t i = 0;

	while (i + 1 < c->n && c->res[i].prob != NULL)
		i++;
	return fail_job(r, w, err, "item %lld (id %s) cannot be tagged: %s",
			c->from + (long long)i, c->items[i].id,
			core_strerror(c->cs));
}

/* Commits tagged chunk c; *ended when the job is no longer ours. */
static enum jobs_status
commit(struct runner *r, struct work *w, const struct chunk *c, bool *ended,
       struct store_error *err)
{
	enum store_status st;

	for (unsigned a = 0;; a++) {
		st = store_job_progress(r->s, w->job.id, r->owner, c->from,
					c->res, c->n,
					(const char *const *)w->class_json,
					w->n_classes, err);
		if (!transient(st))
			break;
		if (backoff(r, a, "store_job_progress", err))
			return JOBS_ERR_STOPPED;
	}
	if (st != STORE_OK) {
		/* Cancelled, failed or taken over: not ours any more. */
		fprintf(stderr, LOG_PREFIX "job %s: %s\n", w->job.id,
			err->msg);
		*ended = true;
	}
	return JOBS_OK;
}

/* Works through the job's chunks from items_done: while chunk `now` is
 * committed (this thread: the only one on the connection), the next is
 * tagged on a thread of its own, so the database's time hides behind
 * the model's.  *ended when the job is no longer ours. */
static enum jobs_status
chunks(struct runner *r, struct work *w, bool *ended, struct store_error *err)
{
	struct chunk *now = &w->c[0], *next = &w->c[1], *swap;
	long long total = w->job.items_total;
	enum jobs_status js;

	if (w->job.items_done >= total)
		return JOBS_OK;
	js = read_chunk(r, w, now, w->job.items_done, ended, err);
	if (js != JOBS_OK || *ended)
		return js;
	tag(&w->b, now);
	for (;;) {
		long long after = now->from + (long long)now->n;
		struct tagger t = { &w->b, next };
		pthread_t tid;
		bool more = after < total, started = false;

		if (now->cs != CORE_OK) {
			*ended = true;
			return fail_item(r, w, now, err);
		}
		if (stopped(r))
			return JOBS_ERR_STOPPED;  /* `now` is not committed */
		if (more) {
			js = read_chunk(r, w, next, after, ended, err);
			if (js != JOBS_OK || *ended)
				return js;
			started = pthread_create(&tid, NULL, tagger_main,
						 &t) == 0;
			if (!started)
				tag(&w->b, next);
		}
		js = commit(r, w, now, ended, err);
		if (started)
			pthread_join(tid, NULL);
		if (js != JOBS_OK || *ended)
			return js;
		w->job.items_done = after;
		if (r->o->progress != NULL) {
			struct jobs_progress p = { after, total };

			r->o->progress(r->o->ctx, &w->job, &p);
		}
		if (!more)
			return JOBS_OK;
		swap = now;
		now = next;
		next = swap;
	}
}

/* Works on the claimed job (lock held by the caller) until it ends or
 * a stop. */
static enum jobs_status
run_job(struct runner *r, const struct store_job *job,
	struct store_error *err)
{
	struct work w;
	enum jobs_status js;
	enum store_status st = STORE_OK;
	bool ok = false, ended = false;

	memset(&w, 0, sizeof(w));
	w.job = *job;
	w.job.error = NULL;
	js = open_version(r, &w, &ok, err);
	if (js == JOBS_OK && ok)
		js = chunks(r, &w, &ended, err);
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
		if (st == STORE_ERR_NOT_FOUND && o->until_idle) {
			store_close(r.s);
			return JOBS_OK;
		}
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
