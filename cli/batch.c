/* SPDX-License-Identifier: MIT
 * cli/batch.c - `tagifai batch`: batch jobs for operators and cron,
 * through the registry's store directly (store/jobs.h), no HTTP.
 *
 * submit records a queued job that a runner (the service's supervised
 * one, or `tagifai batch-runner`) picks up; run records one and runs it
 * in this process with jobs_run_inputs, a job like any other; runner is
 * the runner service itself (jobs_runner_loop until SIGTERM).  The
 * inputs are read and checked by cli/batch_input.c, the progress bar is
 * cli/progress.c's.
 */
#include <errno.h>
#include <getopt.h>
#include <pwd.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/batch_input.h"
#include "cli/cli.h"
#include "cli/out.h"
#include "cli/progress.h"
#include "core/batch.h"
#include "jobs/runner.h"
#include "store/jobs.h"
#include "util/clock.h"

#define BATCH_PROG "tagifai batch"
#define BATCH_ACTOR_MAX 64
#define BATCH_RUNNER_NICE 10       /* the runner yields to requests */
#define BATCH_NICE_MAX 19
#define BATCH_WAIT_MAX_S 31536000  /* --timeout: a year at most */
#define BATCH_EXIT_TIMEOUT 3       /* `wait`: the job has not ended */

static void
usage(FILE *f)
{
	fprintf(f,
"usage: tagifai batch ACTION [ARGS] --registry DIR\n"
"\n"
"  submit --input FILE      record a job of FILE's items (queued for a\n"
"                           runner); prints the job as JSON\n"
"  run --input FILE         record a job and run it here to its end (for\n"
"                           cron); prints the job as JSON\n"
"  status JOB               the job as JSON\n"
"  list [--json]            the jobs, newest first\n"
"  wait JOB [--timeout S]   until the job ends; prints it as JSON\n"
"  results JOB [--offset N] [--limit N]\n"
"                           its predictions as JSON Lines, input order\n"
"                           (every one unless --limit)\n"
"  cancel JOB               cancel a queued or running job\n"
"  get ITEM                 the stored prediction for an item id, as\n"
"                           GET /predictions/{id} answers it (JSON)\n"
"  runner [--until-idle]    the runner service: runs queued jobs until\n"
"                           SIGTERM or SIGINT (also `tagifai batch-runner`);\n"
"                           --until-idle: until no job is left\n"
"\n"
"  --registry DIR        the registry (TAGIFAI_REGISTRY)\n"
"  --model NAME          the model (TAGIFAI_DEFAULT_MODEL; tagifai)\n"
"  --version N           its version (default: the active one, resolved\n"
"                        when the job is recorded)\n"
"  --input FILE          CSV, or JSON Lines with \"id\" and \"text\"\n"
"  --format csv|jsonl    (default: by the name, else by the first byte)\n"
"  --id-column NAME      the column (or member) of the ids (id)\n"
"  --text-columns A,B    the columns joined into the text, as training\n"
"                        joins them (title,description)\n"
"  --threads N           run, runner: tagging threads (the processors\n"
"                        online, at most 8; 1 to %d)\n"
"  --nice N              run, runner: added to the niceness (run 0,\n"
"                        runner %d)\n"
"A progress bar (items/s, ETA) is drawn on standard error by run and\n"
"wait when it is a terminal.\n"
"Exit status: 0 done (run, wait: the job succeeded), 1 refused or failed\n"
"(run, wait: the job failed or was cancelled), 2 usage, 3 wait timed out.\n",
		BATCH_MAX_JOBS, BATCH_RUNNER_NICE);
}

struct opts {
	const char *registry;
	const char *model;
	long long version;
	struct batch_input_opts in;
	size_t threads;
	int nice;
	bool nice_set;
	long long offset, limit;   /* limit -1: all */
	long long timeout_s;       /* -1: none */
	bool json;
	bool until_idle;           /* runner: exit when no job is left */
	char actor[BATCH_ACTOR_MAX];
};

struct ctx {
	struct opts o;
	struct store *s;
	struct store_error err;
};

static volatile sig_atomic_t stop_flag;

static void
on_stop(int sig)
{
	(void)sig;
	stop_flag = 1;
}

/* SIGTERM and SIGINT set stop_flag (no SA_RESTART: a sleep ends early). */
static int
catch_stop(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGTERM, &sa, NULL) != 0 ||
	    sigaction(SIGINT, &sa, NULL) != 0) {
		fprintf(stderr, BATCH_PROG ": sigaction: %s\n",
			strerror(errno));
		return -1;
	}
	return 0;
}

static int
failed(struct ctx *c, enum store_status st)
{
	fprintf(stderr, BATCH_PROG ": %s\n", c->err.msg[0] ? c->err.msg
		: store_strerror(st));
	return 1;
}

/* A whole decimal number in lo..hi. */
static bool
parse_num(const char *s, long long lo, long long hi, long long *out)
{
	char *end;
	long long v;

	if (s[0] == '\0' || (s[0] != '-' && (s[0] < '0' || s[0] > '9')))
		return false;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < lo || v > hi)
		return false;
	*out = v;
	return true;
}

/* The processors online, at most 8 (as `tagifai predict`). */
static size_t
default_threads(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	if (n < 1)
		return 1;
	return n > 8 ? 8 : (size_t)n;
}

/* ------------------------------------------------------------ output */

static void
json_str(const char *s)
{
	cli_json_string(stdout, s, strlen(s));
}

static void
json_time(const char *t)
{
	if (t[0] == '\0')
		fputs("null", stdout);
	else
		json_str(t);
}

/* The job as one JSON object, the members of GET /batch-jobs/{id}. */
static void
print_job(const struct store_job *j)
{
	fputs("{\"id\":", stdout);
	json_str(j->id);
	fputs(",\"status\":", stdout);
	json_str(store_job_status_name(j->status));
	fputs(",\"model\":", stdout);
	json_str(j->model);
	printf(",\"version\":%lld,\"items_total\":%lld,\"items_done\":%lld",
	       j->version, j->items_total, j->items_done);
	fputs(",\"created_at\":", stdout);
	json_time(j->created_at);
	fputs(",\"started_at\":", stdout);
	json_time(j->started_at);
	fputs(",\"finished_at\":", stdout);
	json_time(j->finished_at);
	fputs(",\"submitted_by\":", stdout);
	json_str(j->submitted_by);
	fputs(",\"error\":", stdout);
	if (j->error != NULL)
		json_str(j->error);
	else
		fputs("null", stdout);
	fputs("}\n", stdout);
}

/* The members a stored prediction shares with `tagifai predict`'s line
 * for a JSON Lines input ({"id": ..., "text": ...}), without the brace
 * that closes it. */
static void
print_members(const struct store_prediction *p)
{
	fputs("{\"id\":", stdout);
	json_str(p->item_id);
	fputs(",\"input_text\":", stdout);
	json_str(p->input_text);
	fputs(",\"predicted_tag\":", stdout);
	json_str(p->predicted_tag);
	fputs(",\"probabilities\":", stdout);
	fputs(p->probabilities, stdout);
}

/* One prediction as `tagifai predict` writes its line (the same bytes). */
static void
print_prediction(const struct store_prediction *p)
{
	print_members(p);
	fputs("}\n", stdout);
}

/* The answer by id, the members of GET /predictions/{id}'s
 * data.prediction. */
static void
print_answer(const struct store_prediction *p)
{
	print_members(p);
	fputs(",\"model\":", stdout);
	json_str(p->model);
	printf(",\"version\":%lld,\"job_id\":", p->version);
	json_str(p->job_id);
	fputs(",\"computed_at\":", stdout);
	json_str(p->computed_at);
	printf(",\"stale\":%s}\n", p->stale ? "true" : "false");
}

static int
flushed(int rc)
{
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, BATCH_PROG ": write error\n");
		return 1;
	}
	return rc;
}

static bool
ended(enum store_job_status st)
{
	return st == STORE_JOB_SUCCEEDED || st == STORE_JOB_FAILED ||
	       st == STORE_JOB_CANCELLED;
}

/* ----------------------------------------------------------- actions */

static int
submit(struct ctx *c)
{
	struct batch_input in = { 0 };
	struct store_job j = { 0 };
	enum store_status st;

	if (batch_input_load(&c->o.in, &in, stderr) != 0)
		return 1;
	st = store_job_create(c->s, c->o.model, c->o.version, in.items, in.n,
			      c->o.actor, NULL, NULL, &j, &c->err);
	batch_input_free(&in);
	if (st != STORE_OK)
		return failed(c, st);
	print_job(&j);
	store_job_clear(&j);
	return flushed(0);
}

static int
status(struct ctx *c, const char *id)
{
	struct store_job j = { 0 };
	enum store_status st = store_job_get(c->s, id, &j, &c->err);

	if (st != STORE_OK)
		return failed(c, st);
	print_job(&j);
	store_job_clear(&j);
	return flushed(0);
}

static int
list(struct ctx *c)
{
	struct store_job *j = NULL;
	size_t n = 0;
	enum store_status st = store_job_list(c->s, &j, &n, &c->err);

	if (st != STORE_OK)
		return failed(c, st);
	if (!c->o.json)
		printf("%-36s %-9s %-24s %7s %15s %s\n", "ID", "STATUS",
		       "MODEL", "VERSION", "DONE/TOTAL", "CREATED");
	for (size_t i = 0; i < n; i++) {
		char done[48];

		if (c->o.json) {
			print_job(&j[i]);
			continue;
		}
		snprintf(done, sizeof(done), "%lld/%lld", j[i].items_done,
			 j[i].items_total);
		printf("%-36s %-9s %-24s %7lld %15s %s\n", j[i].id,
		       store_job_status_name(j[i].status), j[i].model,
		       j[i].version, done, j[i].created_at);
	}
	store_jobs_free(j, n);
	return flushed(0);
}

static int
cancel(struct ctx *c, const char *id)
{
	struct store_job j = { 0 };
	enum store_status st = store_job_cancel(c->s, id, &j, &c->err);

	if (st != STORE_OK)
		return failed(c, st);
	print_job(&j);
	store_job_clear(&j);
	return flushed(0);
}

static int
get(struct ctx *c, const char *item)
{
	struct store_prediction p = { 0 };
	enum store_status st = store_prediction_get(c->s, item, strlen(item),
						    &p, &c->err);

	if (st != STORE_OK)
		return failed(c, st);
	print_answer(&p);
	store_prediction_clear(&p);
	return flushed(0);
}

/* Polls the job every JOBS_POLL_MS until it ends (a busy database is
 * asked again), drawing its progress on a terminal. */
static int
wait_job(struct ctx *c, const char *id)
{
	struct store_job j = { 0 };
	struct progress bar;
	long long deadline = c->o.timeout_s < 0 ? -1
		: util_clock_ms() + c->o.timeout_s * 1000;
	enum store_status st;
	int rc;

	if (catch_stop() != 0)
		return 1;
	progress_start(&bar, stderr);
	for (;;) {
		store_job_clear(&j);
		st = store_job_get(c->s, id, &j, &c->err);
		if (st != STORE_OK && st != STORE_ERR_BUSY) {
			progress_end(&bar);
			return failed(c, st);
		}
		if (st == STORE_OK) {
			if (j.status == STORE_JOB_RUNNING)
				progress_update(&bar, j.items_done,
						j.items_total);
			if (ended(j.status))
				break;
		}
		if (stop_flag || (deadline >= 0 && util_clock_ms() >= deadline))
			break;
		usleep(JOBS_POLL_MS * 1000);
	}
	progress_end(&bar);
	if (j.id[0] == '\0')
		return failed(c, st);
	print_job(&j);
	if (!ended(j.status)) {
		fprintf(stderr, BATCH_PROG ": %s is still %s\n", j.id,
			store_job_status_name(j.status));
		rc = BATCH_EXIT_TIMEOUT;
	} else {
		rc = j.status == STORE_JOB_SUCCEEDED ? 0 : 1;
	}
	store_job_clear(&j);
	return flushed(rc);
}

/* Pages of at most STORE_PAGE_MAX until the limit or the last item. */
static int
results(struct ctx *c, const char *id)
{
	long long at = c->o.offset, left = c->o.limit;

	while (left != 0) {
		struct store_prediction *p = NULL;
		size_t n = 0;
		long long want = left < 0 || left > STORE_PAGE_MAX
			? STORE_PAGE_MAX : left;
		enum store_status st = store_job_predictions(c->s, id, at, want,
							     &p, &n, &c->err);

		if (st != STORE_OK)
			return failed(c, st);
		for (size_t i = 0; i < n; i++)
			print_prediction(&p[i]);
		store_predictions_free(p, n);
		if (ferror(stdout))
			break;
		at += (long long)n;
		if (left > 0)
			left -= (long long)n;
		if ((long long)n < want)
			break;
	}
	return flushed(0);
}

/* -------------------------------------------------- run and runner */

/* What the progress callback of run and runner keeps between chunks. */
struct watch {
	struct progress bar;        /* run: the bar */
	bool log;                   /* runner: one line a job */
	char job[STORE_JOB_ID_MAX + 1];
	long long t0_ms, done0;     /* the first chunk seen of job */
};

/* Called after every committed chunk.  The runner (jobs/runner.c logs
 * each job it claims, and why one fails) adds a line when a job's last
 * chunk is in: the rate is over the chunks after the first one seen, as
 * the callback is not told when a job starts. */
static void
on_progress(void *ctx, const struct store_job *job,
	    const struct jobs_progress *p)
{
	struct watch *w = ctx;
	long long now = util_clock_ms();

	progress_update(&w->bar, p->done, p->total);
	if (strcmp(w->job, job->id) != 0) {
		snprintf(w->job, sizeof(w->job), "%s", job->id);
		w->t0_ms = now;
		w->done0 = p->done;
	}
	if (!w->log || p->done < p->total)
		return;
	fprintf(stderr, "tagifai batch-runner: job %s: all %lld items of %s "
		"version %lld tagged", job->id, p->total, job->model,
		job->version);
	if (p->done > w->done0 && now > w->t0_ms)
		fprintf(stderr, " (%.0f items/s)", (double)(p->done - w->done0)
			* 1000.0 / (double)(now - w->t0_ms));
	fputc('\n', stderr);
	w->job[0] = '\0';
}

static void
runner_opts(struct ctx *c, struct jobs_runner_opts *r, struct watch *w)
{
	memset(r, 0, sizeof(*r));
	r->registry = c->o.registry;
	r->threads = c->o.threads;
	r->nice = c->o.nice;
	r->stop = &stop_flag;
	r->until_idle = c->o.until_idle;
	r->progress = on_progress;
	r->ctx = w;
}

static int
run(struct ctx *c)
{
	struct batch_input in = { 0 };
	struct store_job j = { 0 };
	struct jobs_runner_opts r;
	struct watch w = { 0 };
	enum jobs_status js;
	int rc = 1;

	if (batch_input_load(&c->o.in, &in, stderr) != 0)
		return 1;
	if (catch_stop() != 0)
		goto out;
	progress_start(&w.bar, stderr);
	/* Drawn at once: recording a large job's items takes a while. */
	progress_update(&w.bar, 0, (long long)in.n);
	runner_opts(c, &r, &w);
	js = jobs_run_inputs(&r, c->o.model, c->o.version, in.items, in.n,
			     c->o.actor, &j, &c->err);
	progress_end(&w.bar);
	if (j.id[0] != '\0')
		print_job(&j);
	/* A stopped run does not fill j: the id is the chunks' one. */
	if (js == JOBS_ERR_STOPPED)
		fprintf(stderr, BATCH_PROG ": stopped; %s stays running and a "
			"runner will resume it\n", w.job[0] ? w.job : "the job");
	else if (js != JOBS_OK)
		fprintf(stderr, BATCH_PROG ": %s\n", c->err.msg[0] ? c->err.msg
			: jobs_strerror(js));
	else if (j.status != STORE_JOB_SUCCEEDED)
		fprintf(stderr, BATCH_PROG ": %s %s%s%s\n", j.id,
			store_job_status_name(j.status), j.error ? ": " : "",
			j.error ? j.error : "");
	else
		rc = 0;
	rc = flushed(rc);
out:
	store_job_clear(&j);
	batch_input_free(&in);
	return rc;
}

static int
runner(struct ctx *c)
{
	struct jobs_runner_opts r;
	struct watch w = { 0 };
	enum jobs_status js;

	if (catch_stop() != 0)
		return 1;
	progress_start(&w.bar, NULL);
	w.log = true;
	runner_opts(c, &r, &w);
	fprintf(stderr, "tagifai batch-runner: pid %ld, registry %s, %zu "
		"threads, nice +%d\n", (long)getpid(), c->o.registry,
		c->o.threads, c->o.nice);
	js = jobs_runner_loop(&r, &c->err);
	if (js == JOBS_ERR_STOPPED || js == JOBS_OK) {
		fprintf(stderr, "tagifai batch-runner: %s\n", js == JOBS_OK ?
			"no job left" : "stopped");
		return 0;
	}
	fprintf(stderr, "tagifai batch-runner: %s\n", c->err.msg[0]
		? c->err.msg : jobs_strerror(js));
	return 1;
}

/* ------------------------------------------------------ dispatch */

static int
dispatch(struct ctx *c, const char *action, int n, char **a)
{
	bool needs_input = strcmp(action, "submit") == 0 ||
			   strcmp(action, "run") == 0;
	enum store_status st;
	int rc;

	if (needs_input && n == 0 && c->o.in.path == NULL) {
		fprintf(stderr, BATCH_PROG ": %s needs --input FILE\n",
			action);
		return 2;
	}
	if (strcmp(action, "runner") == 0 && n == 0)
		return runner(c);
	if (strcmp(action, "run") == 0 && n == 0)
		return run(c);
	st = store_open(c->o.registry, &c->s, &c->err);
	if (st != STORE_OK)
		return failed(c, st);
	rc = -1;
	if (strcmp(action, "submit") == 0 && n == 0)
		rc = submit(c);
	else if (strcmp(action, "list") == 0 && n == 0)
		rc = list(c);
	else if (strcmp(action, "status") == 0 && n == 1)
		rc = status(c, a[0]);
	else if (strcmp(action, "wait") == 0 && n == 1)
		rc = wait_job(c, a[0]);
	else if (strcmp(action, "results") == 0 && n == 1)
		rc = results(c, a[0]);
	else if (strcmp(action, "cancel") == 0 && n == 1)
		rc = cancel(c, a[0]);
	else if (strcmp(action, "get") == 0 && n == 1)
		rc = get(c, a[0]);
	store_close(c->s);
	if (rc >= 0)
		return rc;
	fprintf(stderr, BATCH_PROG ": unknown action or wrong arguments: %s\n",
		action);
	usage(stderr);
	return 2;
}

/* Parses one option; returns 0, or 2 after a usage message. */
static int
option(struct opts *o, int ch, const char *arg)
{
	long long v;

	switch (ch) {
	case 'r': o->registry = arg; return 0;
	case 'm': o->model = arg; return 0;
	case 'i': o->in.path = arg; return 0;
	case 'I': o->in.id_column = arg; return 0;
	case 'T': o->in.text_columns = arg; return 0;
	case 'J': o->json = true; return 0;
	case 'U': o->until_idle = true; return 0;
	case 'f':
		if (strcmp(arg, "csv") == 0)
			o->in.format = BATCH_INPUT_CSV;
		else if (strcmp(arg, "jsonl") == 0)
			o->in.format = BATCH_INPUT_JSONL;
		else
			break;
		return 0;
	case 'v':
		if (!parse_num(arg, 1, (long long)1 << 62, &o->version))
			break;
		return 0;
	case 't':
		if (!parse_num(arg, 1, BATCH_MAX_JOBS, &v))
			break;
		o->threads = (size_t)v;
		return 0;
	case 'n':
		if (!parse_num(arg, 0, BATCH_NICE_MAX, &v))
			break;
		o->nice = (int)v;
		o->nice_set = true;
		return 0;
	case 'o':
		if (!parse_num(arg, 0, (long long)1 << 62, &o->offset))
			break;
		return 0;
	case 'l':
		if (!parse_num(arg, 1, (long long)1 << 62, &o->limit))
			break;
		return 0;
	case 'w':
		if (!parse_num(arg, 0, BATCH_WAIT_MAX_S, &o->timeout_s))
			break;
		return 0;
	default:
		usage(stderr);
		return 2;
	}
	fprintf(stderr, BATCH_PROG ": bad value '%s' (see --help)\n", arg);
	return 2;
}

static int
batch_main(int argc, char **argv, const char *action)
{
	static const struct option opts[] = {
		{ "registry", required_argument, NULL, 'r' },
		{ "model", required_argument, NULL, 'm' },
		{ "version", required_argument, NULL, 'v' },
		{ "input", required_argument, NULL, 'i' },
		{ "format", required_argument, NULL, 'f' },
		{ "id-column", required_argument, NULL, 'I' },
		{ "text-columns", required_argument, NULL, 'T' },
		{ "threads", required_argument, NULL, 't' },
		{ "nice", required_argument, NULL, 'n' },
		{ "offset", required_argument, NULL, 'o' },
		{ "limit", required_argument, NULL, 'l' },
		{ "timeout", required_argument, NULL, 'w' },
		{ "json", no_argument, NULL, 'J' },
		{ "until-idle", no_argument, NULL, 'U' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct ctx c = { 0 };
	const char *user = getenv("USER");
	struct passwd *pw;
	int ch, rc;

	c.o.registry = getenv("TAGIFAI_REGISTRY");
	c.o.model = getenv("TAGIFAI_DEFAULT_MODEL");
	if (c.o.model == NULL || c.o.model[0] == '\0')
		c.o.model = "tagifai";
	c.o.in.id_column = "id";
	c.o.in.text_columns = "title,description";
	c.o.in.max_items = STORE_JOB_ITEMS_MAX;
	c.o.in.prog = BATCH_PROG;
	c.o.threads = default_threads();
	c.o.limit = -1;
	c.o.timeout_s = -1;
	optind = 1;
	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (ch == 'h') {
			usage(stdout);
			return 0;
		}
		rc = option(&c.o, ch, optarg);
		if (rc != 0)
			return rc;
	}
	if (action == NULL) {
		if (optind >= argc) {
			usage(stderr);
			return 2;
		}
		action = argv[optind++];
	}
	if (c.o.registry == NULL || c.o.registry[0] == '\0') {
		fprintf(stderr, BATCH_PROG ": --registry DIR (or "
			"TAGIFAI_REGISTRY) is required\n");
		return 2;
	}
	if (!c.o.nice_set && strcmp(action, "runner") == 0)
		c.o.nice = BATCH_RUNNER_NICE;
	/* Who submitted: the login name, marked as the tool's (as
	 * `tagifai models` records who acted); cron may not set USER. */
	if (user == NULL || user[0] == '\0') {
		pw = getpwuid(getuid());
		user = pw != NULL ? pw->pw_name : NULL;
	}
	snprintf(c.o.actor, sizeof(c.o.actor), "cli:%s", user ? user
		 : "unknown");
	return dispatch(&c, action, argc - optind, argv + optind);
}

int
cli_batch(int argc, char **argv)
{
	return batch_main(argc, argv, NULL);
}

int
cli_batch_runner(int argc, char **argv)
{
	return batch_main(argc, argv, "runner");
}
