/* SPDX-License-Identifier: MIT
 * tests/unit/jobs_runner_test.c - the batch-job runner (jobs/runner.h) in
 * a scratch registry seeded with the bundled model (models/): a job run
 * in process whose stored answers equal model_predict's for every item,
 * the service loop stopped mid-job and resumed with the same answers, and
 * a job whose artifact does not open failed with a clear message.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "jobs/runner.h"
#include "util/buf.h"
#include "util/file.h"
#include "util/float_repr.h"
#include "util/json.h"
#include "tests/unit/tap.h"
#include "tests/unit/tiny_model.h"

/* More than two chunks, so a job crosses chunk boundaries. */
#define N_ITEMS (2 * JOBS_CHUNK + 300)

static char dir[256];

static const char *const words[] = {
	"transformers", "for", "text", "classification", "object",
	"detection", "with", "convolutional", "networks", "graph", "neural",
	"reinforcement", "learning", "agents", "pytorch", "tensorflow",
	"deploy", "models", "production", "api", "segmentation", "bert",
	"gan", "image", "generation", "time", "series", "forecasting",
};
#define N_WORDS (sizeof(words) / sizeof(words[0]))

/* N_ITEMS inputs "<prefix>-<i>" with texts of a few words (static). */
struct inputs {
	struct store_job_input in[N_ITEMS];
	char id[N_ITEMS][32];
	char text[N_ITEMS][160];
};

static void
inputs_make(struct inputs *x, const char *prefix)
{
	unsigned seed = 7;

	for (size_t i = 0; i < N_ITEMS; i++) {
		size_t n = 0, words_in = 3 + i % 7;

		snprintf(x->id[i], sizeof(x->id[i]), "%s-%zu", prefix, i);
		x->text[i][0] = '\0';
		for (size_t w = 0; w < words_in; w++) {
			seed = seed * 1103515245u + 12345u;
			n += (size_t)snprintf(x->text[i] + n,
					      sizeof(x->text[i]) - n, "%s%s",
					      w ? " " : "",
					      words[(seed >> 16) % N_WORDS]);
		}
		x->in[i].id = x->id[i];
		x->in[i].id_len = strlen(x->id[i]);
		x->in[i].text = x->text[i];
		x->in[i].text_len = n;
	}
}

/* The live model: what POST /predict would answer. */
struct live {
	struct model *m;
	struct model_scratch *s;
	char *class_json[CORE_MAX_CLASSES];
	size_t n;
};

static bool
live_open(const char *path, struct live *l)
{
	struct core_error ce = { "" };

	memset(l, 0, sizeof(*l));
	if (model_open(path, &l->m, &ce) != CORE_OK)
		return false;
	l->s = model_scratch_new(l->m);
	l->n = model_class_count(l->m);
	for (size_t k = 0; k < l->n; k++) {
		struct util_buf b = UTIL_BUF_INIT(1024);
		const char *c = model_class_name(l->m, k);

		util_json_str(&b, c, strlen(c));
		l->class_json[k] = util_buf_take(&b, NULL);
	}
	return l->s != NULL;
}

static void
live_close(struct live *l)
{
	for (size_t k = 0; k < l->n; k++)
		free(l->class_json[k]);
	model_scratch_free(l->s);
	model_close(l->m);
}

/* Items of x whose stored answer (from job id when not NULL) is
 * byte-identical to the live one; mismatches shown, a few. */
static size_t
same_answers(struct store *s, struct live *l, const struct inputs *x,
	     const char *job)
{
	struct store_error err = { "" };
	size_t same = 0, shown = 0;

	for (size_t i = 0; i < N_ITEMS; i++) {
		struct util_buf b = UTIL_BUF_INIT(4096);
		struct store_prediction p;
		struct prediction want;
		char num[UTIL_FLOAT_REPR_MAX], *text;

		if (model_predict(l->m, l->s, x->text[i], x->in[i].text_len,
				  &want) != CORE_OK)
			continue;
		util_buf_adds(&b, "{");
		for (size_t k = 0; k < l->n; k++) {
			util_buf_adds(&b, k ? "," : "");
			util_buf_adds(&b, l->class_json[k]);
			util_buf_adds(&b, ":");
			util_buf_adds(&b, util_float_repr(want.prob[k], num));
		}
		util_buf_adds(&b, "}");
		text = util_buf_take(&b, NULL);
		if (store_prediction_get(s, x->id[i], x->in[i].id_len, &p,
					 &err) != STORE_OK) {
			if (shown++ < 3)
				printf("# %s: %s\n", x->id[i], err.msg);
		} else {
			if (text != NULL && strcmp(p.probabilities, text) == 0 &&
			    strcmp(p.predicted_tag,
				   model_class_name(l->m, want.tag)) == 0 &&
			    strcmp(p.input_text, x->text[i]) == 0 &&
			    (job == NULL || strcmp(p.job_id, job) == 0))
				same++;
			else if (shown++ < 3)
				printf("# %s: got %s %s, want %s %s\n",
				       x->id[i], p.predicted_tag,
				       p.probabilities,
				       model_class_name(l->m, want.tag),
				       text ? text : "(null)");
			store_prediction_clear(&p);
		}
		free(text);
	}
	return same;
}

struct seen {
	int chunks;
	long long last_done;
	bool ordered;       /* done grew by at most a chunk each time */
	volatile sig_atomic_t *stop;
	long long stop_at;  /* set *stop once done reaches this (0: never) */
};

static void
on_progress(void *ctx, const struct store_job *job,
	    const struct jobs_progress *p)
{
	struct seen *v = ctx;

	if (p->done <= v->last_done || p->done - v->last_done > JOBS_CHUNK ||
	    p->total != job->items_total || job->items_done != p->done)
		v->ordered = false;
	v->last_done = p->done;
	v->chunks++;
	if (v->stop_at > 0 && p->done >= v->stop_at)
		*v->stop = 1;
}

static void
test_run_inputs(struct store *s, struct live *l, struct inputs *x)
{
	volatile sig_atomic_t stop = 0;
	struct seen v = { 0, 0, true, &stop, 0 };
	struct jobs_runner_opts o = {
		.registry = dir, .threads = 2, .nice = 0, .stop = &stop,
		.progress = on_progress, .ctx = &v
	};
	struct store_error err = { "" };
	struct store_job job;
	enum jobs_status js;

	inputs_make(x, "run");
	js = jobs_run_inputs(&o, "tagifai", 0, x->in, N_ITEMS, "cron", &job,
			     &err);
	tap_ok(js == JOBS_OK && job.status == STORE_JOB_SUCCEEDED &&
	       job.items_done == N_ITEMS && job.version == 1 &&
	       strcmp(job.submitted_by, "cron") == 0,
	       "jobs_run_inputs should run a job of %d items to success: %s",
	       N_ITEMS, js == JOBS_OK ? "" : err.msg);
	tap_ok(v.chunks == (N_ITEMS + JOBS_CHUNK - 1) / JOBS_CHUNK &&
	       v.ordered && v.last_done == N_ITEMS,
	       "progress should be reported once a chunk (%d times)",
	       v.chunks);
	tap_ok(same_answers(s, l, x, js == JOBS_OK ? job.id : NULL) ==
	       N_ITEMS, "every stored answer should equal model_predict's, "
	       "byte for byte");
	if (js == JOBS_OK)
		store_job_clear(&job);
}

static void
test_stop_resume(struct store *s, struct live *l, struct inputs *x)
{
	volatile sig_atomic_t stop = 0;
	struct seen v = { 0, 0, true, &stop, 1 };
	struct jobs_runner_opts o = {
		.registry = dir, .threads = 2, .nice = 5, .stop = &stop,
		.progress = on_progress, .ctx = &v
	};
	struct store_error err = { "" };
	struct store_job job, now;
	struct store_prediction p;
	enum jobs_status js;
	char id[STORE_JOB_ID_MAX + 1] = "";

	int before;

	errno = 0;
	before = getpriority(PRIO_PROCESS, 0);
	inputs_make(x, "loop");
	if (store_job_create(s, "tagifai", 1, x->in, N_ITEMS, "alice", NULL,
			     NULL, &job, &err) != STORE_OK) {
		tap_ok(0, "a queued job: %s", err.msg);
		return;
	}
	snprintf(id, sizeof(id), "%s", job.id);
	store_job_clear(&job);
	/* Stopped after its first chunk. */
	js = jobs_runner_loop(&o, &err);
	tap_ok(js == JOBS_ERR_STOPPED && v.chunks == 1 &&
	       store_job_get(s, id, &now, &err) == STORE_OK &&
	       now.status == STORE_JOB_RUNNING &&
	       now.items_done == JOBS_CHUNK,
	       "jobs_runner_loop stopped mid-job should leave it running with "
	       "one chunk done (%d chunks)", v.chunks);
	store_job_clear(&now);
	tap_ok(store_prediction_get(s, x->id[0], x->in[0].id_len, &p, &err) ==
	       STORE_ERR_NOT_FOUND,
	       "a stopped job's results should stay invisible");
	/* Resumed: stopped once the job is done (it finishes first). */
	stop = 0;
	v.chunks = 0;
	v.stop_at = N_ITEMS;
	js = jobs_runner_loop(&o, &err);
	tap_ok(js == JOBS_ERR_STOPPED &&
	       v.chunks == (N_ITEMS - 1) / JOBS_CHUNK && v.ordered &&
	       store_job_get(s, id, &now, &err) == STORE_OK &&
	       now.status == STORE_JOB_SUCCEEDED && now.items_done == N_ITEMS,
	       "jobs_runner_loop should resume the job from items_done and "
	       "finish it (%d more chunks)", v.chunks);
	store_job_clear(&now);
	tap_ok(same_answers(s, l, x, id) == N_ITEMS, "the resumed job's "
	       "stored answers should equal model_predict's");
	tap_ok(getpriority(PRIO_PROCESS, 0) == (before + 10 > 19 ? 19 :
						before + 10),
	       "each run should have added its nice 5 to the niceness (%d, "
	       "was %d)", getpriority(PRIO_PROCESS, 0), before);
}

struct loop_arg {
	struct jobs_runner_opts o;
	volatile sig_atomic_t stop;
	enum jobs_status js;
	struct store_error err;
};

static void *
loop_main(void *p)
{
	struct loop_arg *a = p;

	a->js = jobs_runner_loop(&a->o, &a->err);
	return NULL;
}

/* Waits (at most ~10 s) until job id is no longer queued or running. */
static bool
wait_ended(struct store *s, const char *id, struct store_job *out)
{
	struct store_error err = { "" };

	for (int i = 0; i < 200; i++) {
		struct timespec ts = { 0, 50 * 1000000L };

		if (store_job_get(s, id, out, &err) == STORE_OK) {
			if (out->status != STORE_JOB_QUEUED &&
			    out->status != STORE_JOB_RUNNING)
				return true;
			store_job_clear(out);
		}
		nanosleep(&ts, NULL);
	}
	return false;
}

/* Cancels the job from its first progress report, on its own
 * connection (in the runner's thread). */
struct canceller {
	char id[STORE_JOB_ID_MAX + 1];  /* the first job reported */
	int chunks;                      /* its chunks */
	enum store_status st;
};

static void
cancel_first(void *ctx, const struct store_job *job,
	     const struct jobs_progress *p)
{
	struct canceller *c = ctx;
	struct store_error err = { "" };
	struct store *s = NULL;

	(void)p;
	if (c->id[0] == '\0')
		snprintf(c->id, sizeof(c->id), "%s", job->id);
	if (strcmp(c->id, job->id) != 0 || c->chunks++ > 0)
		return;
	c->st = store_open(dir, &s, &err);
	if (c->st == STORE_OK)
		c->st = store_job_cancel(s, job->id, NULL, &err);
	store_close(s);
}

/* A job cancelled while it runs: its runner leaves it at the next chunk
 * and takes the next job. */
static void
test_cancel_midway(struct store *s, struct inputs *x)
{
	static const struct store_job_input one[] = {
		{ "after-1", 7, "a cat", 5 },
	};
	struct canceller c = { "", 0, STORE_ERR_IO };
	struct loop_arg a;
	struct store_error err = { "" };
	struct store_prediction p;
	struct store_job job, next;
	bool ended, next_ended = false;
	pthread_t t;

	inputs_make(x, "cancel");
	if (store_job_create(s, "tagifai", 0, x->in, N_ITEMS, "", NULL, NULL,
			     &job, &err) != STORE_OK) {
		tap_ok(0, "a queued job: %s", err.msg);
		return;
	}
	memset(&a, 0, sizeof(a));
	a.o.registry = dir;
	a.o.threads = 2;
	a.o.stop = &a.stop;
	a.o.progress = cancel_first;
	a.o.ctx = &c;
	if (pthread_create(&t, NULL, loop_main, &a) != 0) {
		tap_ok(0, "pthread_create");
		store_job_clear(&job);
		return;
	}
	ended = wait_ended(s, job.id, &job);
	if (store_job_create(s, "tagifai", 0, one, 1, "", NULL, NULL, &next,
			     &err) == STORE_OK) {
		next_ended = wait_ended(s, next.id, &next);
		next_ended = next_ended && next.status == STORE_JOB_SUCCEEDED;
		store_job_clear(&next);
	}
	a.stop = 1;
	pthread_join(t, NULL);
	tap_ok(ended && c.st == STORE_OK && job.status == STORE_JOB_CANCELLED &&
	       c.chunks == 1 &&
	       store_prediction_get(s, x->id[0], x->in[0].id_len, &p, &err) ==
	       STORE_ERR_NOT_FOUND,
	       "a job cancelled while it runs should get no further chunk "
	       "(%d reported) and no visible result", c.chunks);
	tap_ok(next_ended, "its runner should then run the next job");
	store_job_clear(&job);
}

/* An item the model refuses (a text over its 1 MiB limit, in the second
 * thread's share) fails the job, naming that item. */
static void
test_failing_item(struct store *s)
{
	volatile sig_atomic_t stop = 0;
	struct jobs_runner_opts o = {
		.registry = dir, .threads = 2, .nice = 0, .stop = &stop,
		.progress = NULL, .ctx = NULL
	};
	struct store_job_input in[10];
	struct store_error err = { "" };
	struct store_prediction p;
	struct store_job job;
	char ids[10][8];
	size_t big = ((size_t)1 << 20) + 1;
	char *huge = malloc(big);
	enum jobs_status js;

	if (huge == NULL)
		return;
	memset(huge, 'a', big);
	for (size_t i = 0; i < 10; i++) {
		snprintf(ids[i], sizeof(ids[i]), "f-%zu", i);
		in[i].id = ids[i];
		in[i].id_len = strlen(ids[i]);
		in[i].text = i == 7 ? huge : "a cat";
		in[i].text_len = i == 7 ? big : 5;
	}
	js = jobs_run_inputs(&o, "tagifai", 0, in, 10, "", &job, &err);
	tap_ok(js == JOBS_OK && job.status == STORE_JOB_FAILED &&
	       job.error != NULL && strncmp(job.error, "item 7 (id f-7) ",
					    16) == 0 &&
	       store_prediction_get(s, "f-0", 3, &p, &err) ==
	       STORE_ERR_NOT_FOUND,
	       "an item the model refuses should fail the job, naming it: %s",
	       js == JOBS_OK && job.error ? job.error : err.msg);
	if (js == JOBS_OK)
		store_job_clear(&job);
	free(huge);
}

/* A version whose artifact does not open: the job fails, saying so. */
static void
test_bad_artifact(struct store *s)
{
	static const struct store_job_input one[] = {
		{ "bad-1", 5, "a cat", 5 },
	};
	struct loop_arg a;
	struct store_error err = { "" };
	struct store_version v;
	struct store_job job;
	struct sklearn_export xp;
	struct core_error ce = { "" };
	char path[600], tiny[300], *data = NULL;
	size_t len = 0;
	bool created = false, ended;
	pthread_t t;
	FILE *f;

	snprintf(tiny, sizeof(tiny), "%s.tiny", dir);
	if (sklearn_export_parse("tiny", tiny_export, strlen(tiny_export),
				 &xp, &ce) == CORE_OK) {
		xp.spec.name = "tiny";
		xp.spec.version = "1";
		xp.spec.args_json = "{}";
		xp.spec.performance_json = "{}";
		if (artifact_write(tiny, &xp.spec, &ce) == CORE_OK)
			(void)util_file_read(tiny, 1 << 20, &data, &len);
		sklearn_export_free(&xp);
	}
	unlink(tiny);
	if (data == NULL ||
	    store_model_create(s, "tiny", "", NULL, &err) != STORE_OK ||
	    store_version_add(s, "tiny", data, len, "t", &v, &created, &err) !=
	    STORE_OK) {
		free(data);
		tap_ok(0, "a tiny model: %s", err.msg);
		return;
	}
	free(data);
	store_artifact_path(s, v.checksum, path, sizeof(path));
	store_version_clear(&v);
	f = fopen(path, "wb");   /* the artifact's bytes are lost */
	if (f != NULL)
		fclose(f);
	if (store_job_create(s, "tiny", 1, one, 1, "", NULL, NULL, &job,
			     &err) != STORE_OK) {
		tap_ok(0, "a job on it: %s", err.msg);
		return;
	}
	memset(&a, 0, sizeof(a));
	a.o.registry = dir;
	a.o.threads = 1;
	a.o.stop = &a.stop;
	if (pthread_create(&t, NULL, loop_main, &a) != 0) {
		tap_ok(0, "pthread_create");
		store_job_clear(&job);
		return;
	}
	ended = wait_ended(s, job.id, &job);
	a.stop = 1;
	pthread_join(t, NULL);
	tap_ok(ended && job.status == STORE_JOB_FAILED && job.error != NULL &&
	       strstr(job.error, "cannot open the artifact of model tiny "
		      "version 1") != NULL,
	       "a job whose artifact does not open should fail saying so: %s",
	       ended && job.error ? job.error : "(not ended)");
	tap_ok(a.js == JOBS_ERR_STOPPED, "jobs_runner_loop should return "
	       "JOBS_ERR_STOPPED after a stop");
	store_job_clear(&job);
}

int
main(void)
{
	struct store_error err = { "" };
	struct store *s = NULL;
	struct live l;
	struct inputs *x = malloc(sizeof(*x));
	const char *top = getenv("top_srcdir");
	char seed[600], cmd[300];
	bool seeded = false;

	snprintf(seed, sizeof(seed), "%s/models/default.tagifai",
		 top ? top : ".");
	snprintf(dir, sizeof(dir), "%s/jobs_runner_test.XXXXXX",
		 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (x == NULL || mkdtemp(dir) == NULL)
		return 99;
	if (store_open(dir, &s, &err) != STORE_OK ||
	    store_seed(s, "tagifai", seed, &seeded, &err) != STORE_OK ||
	    !seeded || !live_open(seed, &l)) {
		printf("# seeding %s from %s: %s\n", dir, seed, err.msg);
		return 99;
	}
	test_run_inputs(s, &l, x);
	test_stop_resume(s, &l, x);
	test_cancel_midway(s, x);
	test_failing_item(s);
	test_bad_artifact(s);
	{
		int named = 1;

		for (int st = 0; st < JOBS__MAX; st++)
			if (strcmp(jobs_strerror((enum jobs_status)st),
				   "unknown status") == 0)
				named = 0;
		tap_ok(named && strcmp(jobs_strerror(JOBS__MAX),
				       "unknown status") == 0,
		       "jobs_strerror should name every status");
	}
	live_close(&l);
	store_close(s);
	free(x);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		printf("# could not remove %s\n", dir);
	return tap_done();
}
