/* SPDX-License-Identifier: MIT
 * fcgi/observe.c - GET /metrics, GET /health/live, GET /health/ready
 * (fcgi/observe.h).
 *
 * Every series is labelled only with bounded values: a route's pattern
 * from the route table (never the path asked for), a method and a
 * status from fixed lists, the model versions and tags of the table's
 * STATS_MODELS_MAX models.  Names follow the Prometheus conventions:
 * the unit in the name, _total on counters.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

#include "fcgi/envelope.h"
#include "fcgi/handlers.h"
#include "fcgi/observe.h"
#include "fcgi/prom.h"
#include "store/jobs.h"
#include "util/json.h"

/* The le labels of stats_bucket_us, in seconds, and +Inf. */
static const char *const bucket_le[STATS_BUCKETS] = {
	"2e-05", "5e-05", "0.0001", "0.00025", "0.0005", "0.001", "0.0025",
	"0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1", "+Inf",
};

/* The route label of a row index; route_count is "no route". */
static const char *
route_label(size_t r)
{
	return r < route_count ? route_table[r].pattern : "unmatched";
}

static void
http_requests(struct util_buf *b, const struct stats_totals *t)
{
	const char *name = "tagifai_http_requests_total";

	prom_family(b, name, "counter", "HTTP requests answered, by route "
		    "pattern, method and status code.");
	for (size_t r = 0; r <= route_count && r < STATS_ROUTES_MAX; r++)
		for (size_t m = 0; m < STATS_METHODS; m++)
			for (size_t c = 0; c < STATS_CODE__MAX; c++) {
				struct prom_label l[3] = {
					{ "route", route_label(r) },
					{ "method", stats_method_label(m) },
					{ "code", stats_code_label(c) },
				};

				if (t->requests[r][m][c] > 0)
					prom_uint(b, name, l, 3,
						  t->requests[r][m][c]);
			}
}

static void
durations(struct util_buf *b, const struct stats_totals *t)
{
	const char *name = "tagifai_http_request_duration_seconds";

	prom_family(b, name, "histogram", "Time from the request's start to "
		    "its answer written, by route pattern.");
	for (size_t r = 0; r <= route_count && r < STATS_ROUTES_MAX; r++) {
		uint64_t cum = 0;
		struct prom_label l[2] = { { "route", route_label(r) },
					   { "le", NULL } };

		for (size_t k = 0; k < STATS_BUCKETS; k++)
			cum += t->bucket[r][k];
		if (cum == 0)
			continue;
		cum = 0;
		for (size_t k = 0; k < STATS_BUCKETS; k++) {
			cum += t->bucket[r][k];
			l[1].value = bucket_le[k];
			prom_uint(b, "tagifai_http_request_duration_seconds_"
				  "bucket", l, 2, cum);
		}
		prom_micro(b, "tagifai_http_request_duration_seconds_sum", l,
			   1, t->duration_us[r]);
		prom_uint(b, "tagifai_http_request_duration_seconds_count", l,
			  1, cum);
	}
}

static void
models(struct util_buf *b, const struct stats *s,
       const struct stats_totals *t)
{
	uint32_t n = atomic_load(&s->hdr->n_models);
	bool live[STATS_MODELS_MAX] = { false };

	if (n > STATS_MODELS_MAX)
		n = STATS_MODELS_MAX;
	prom_family(b, "tagifai_texts_predicted_total", "counter",
		    "Texts tagged, by model name and version.");
	for (uint32_t i = 0; i < n; i++) {
		const struct stats_model *m = &s->hdr->model[i];
		struct prom_label l[2] = { { "model", m->name },
					   { "version", m->version } };

		prom_uint(b, "tagifai_texts_predicted_total", l, 2,
			  t->texts[i]);
	}
	prom_family(b, "tagifai_predictions_total", "counter",
		    "Predicted tags, by model name, version and tag.");
	for (uint32_t i = 0; i < n; i++) {
		const struct stats_model *m = &s->hdr->model[i];

		for (uint32_t k = 0; k < m->n_classes; k++) {
			struct prom_label l[3] = { { "model", m->name },
						   { "version", m->version },
						   { "tag", m->tag[k] } };

			prom_uint(b, "tagifai_predictions_total", l, 3,
				  t->predictions[i][k]);
		}
	}
	for (size_t i = 0; i < s->n_slots; i++) {
		const struct stats_slot *sl = &s->slots[i];
		int32_t mi = atomic_load(&sl->model);

		if (atomic_load(&sl->pid) > 0 && mi >= 0 && (uint32_t)mi < n &&
		    atomic_load(&sl->state) != STATS_SLOT_FREE)
			live[mi] = true;
	}
	prom_family(b, "tagifai_model_info", "gauge", "The model versions "
		    "the running processes serve (value 1).");
	for (uint32_t i = 0; i < n; i++) {
		const struct stats_model *m = &s->hdr->model[i];
		struct prom_label l[3] = { { "model", m->name },
					   { "version", m->version },
					   { "checksum", m->checksum } };

		if (live[i])
			prom_uint(b, "tagifai_model_info", l, 3, 1);
	}
}

static void
pool(struct util_buf *b, const struct stats *s, const struct stats_totals *t)
{
	struct prom_label ok = { "result", "success" };
	struct prom_label bad = { "result", "failure" };
	struct prom_label serving = { "state", "serving" };
	struct prom_label retiring = { "state", "retiring" };

	prom_family(b, "tagifai_model_reloads_total", "counter",
		    "Model reloads (SIGHUP to the master), by result.");
	prom_uint(b, "tagifai_model_reloads_total", &ok, 1,
		  atomic_load(&s->hdr->reloads_ok));
	prom_uint(b, "tagifai_model_reloads_total", &bad, 1,
		  atomic_load(&s->hdr->reloads_failed));
	prom_family(b, "tagifai_workers", "gauge",
		    "Worker processes, by state.");
	prom_uint(b, "tagifai_workers", &serving, 1, t->serving);
	prom_uint(b, "tagifai_workers", &retiring, 1, t->retiring);
	prom_family(b, "tagifai_worker_restarts_total", "counter",
		    "Workers that died unasked and were started again.");
	prom_uint(b, "tagifai_worker_restarts_total", NULL, 0,
		  atomic_load(&s->hdr->worker_restarts));
}

/* ---- process_*: the pool's processes, from /proc ------------------- */

struct proc_totals {
	uint64_t cpu_ticks;
	uint64_t rss_pages;
	uint64_t fds;
	uint64_t start_ticks;   /* the oldest process's; 0: none read */
};

static void
read_stat(pid_t pid, struct proc_totals *p)
{
	char path[64], buf[1024], *c;
	unsigned long long ut, st, start, rss;
	size_t n;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%ld/stat", (long)pid);
	if ((f = fopen(path, "r")) == NULL)
		return;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	c = strrchr(buf, ')');
	if (c == NULL || sscanf(c + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u "
				"%*u %*u %llu %llu %*d %*d %*d %*d %*d %*d "
				"%llu %*u %llu", &ut, &st, &start, &rss) != 4)
		return;
	p->cpu_ticks += ut + st;
	p->rss_pages += rss;
	if (p->start_ticks == 0 || start < p->start_ticks)
		p->start_ticks = start;
}

static void
count_fds(pid_t pid, struct proc_totals *p)
{
	char path[64];
	struct dirent *e;
	DIR *d;

	snprintf(path, sizeof(path), "/proc/%ld/fd", (long)pid);
	if ((d = opendir(path)) == NULL)
		return;
	while ((e = readdir(d)) != NULL)
		if (e->d_name[0] != '.')
			p->fds++;
	closedir(d);
}

/* Seconds since the epoch of boot (the btime line of /proc/stat). */
static long long
boot_time(void)
{
	char line[256];
	long long v = 0;
	FILE *f = fopen("/proc/stat", "r");

	if (f == NULL)
		return 0;
	while (fgets(line, sizeof(line), f) != NULL)
		if (sscanf(line, "btime %lld", &v) == 1)
			break;
	fclose(f);
	return v;
}

static void
process(struct util_buf *b, struct stats *s, const struct stats_totals *t)
{
	struct proc_totals p = { 0 };
	long hz = sysconf(_SC_CLK_TCK), page = sysconf(_SC_PAGESIZE);
	uint64_t cpu_us;

	if (hz <= 0)
		hz = 100;
	if (page <= 0)
		page = 4096;
	for (size_t i = 0; i < t->n_pids; i++) {
		read_stat(t->pid[i], &p);
		count_fds(t->pid[i], &p);
	}
	cpu_us = stats_cpu_us(s, p.cpu_ticks * (1000000u / (uint64_t)hz));
	prom_family(b, "process_cpu_seconds_total", "counter", "User and "
		    "system CPU time of the pool (master and workers, those "
		    "gone included).");
	prom_micro(b, "process_cpu_seconds_total", NULL, 0, cpu_us);
	prom_family(b, "process_resident_memory_bytes", "gauge", "Resident "
		    "memory of the pool's running processes (shared pages "
		    "counted in each).");
	prom_uint(b, "process_resident_memory_bytes", NULL, 0,
		  p.rss_pages * (uint64_t)page);
	prom_family(b, "process_open_fds", "gauge", "Open file descriptors "
		    "of the pool's running processes.");
	prom_uint(b, "process_open_fds", NULL, 0, p.fds);
	prom_family(b, "process_start_time_seconds", "gauge", "Start of the "
		    "pool's oldest running process, seconds since the epoch.");
	prom_real(b, "process_start_time_seconds", NULL, 0,
		  (double)boot_time() + (double)p.start_ticks / (double)hz);
}

void
observe_write(struct util_buf *b, struct stats *s,
	      const struct stats_totals *t)
{
	http_requests(b, t);
	durations(b, t);
	models(b, s, t);
	pool(b, s, t);
	process(b, s, t);
}

/* ---- tagifai_batch_*: the batch jobs -------------------------------- */

/* The master's runner's counters, when the pool has one, and the jobs
 * waiting or in hand, read from the registry (at most STORE_LIST_MAX
 * jobs, newest first; nothing when the registry does not answer: a
 * scrape never waits for a job's commit). */
static void
batch(struct util_buf *b, struct app *app)
{
	struct stats *s = app->cfg.stats;
	struct store_error err = { "" };
	struct store_job *j = NULL;
	uint64_t n_status[STORE_JOB__MAX] = { 0 };
	struct prom_label l;
	struct store *st;
	size_t n = 0;

	if (s->hdr != NULL && atomic_load(&s->hdr->batch_runner)) {
		prom_family(b, "tagifai_batch_items_total", "counter", "Items "
			    "of batch jobs the master's runner committed.");
		prom_uint(b, "tagifai_batch_items_total", NULL, 0,
			  atomic_load(&s->hdr->batch_items));
		prom_family(b, "tagifai_batch_runner_restarts_total",
			    "counter", "Batch-job runners that died unasked "
			    "and were started again.");
		prom_uint(b, "tagifai_batch_runner_restarts_total", NULL, 0,
			  atomic_load(&s->hdr->batch_restarts));
	}
	if (app->cfg.registry_dir == NULL ||
	    registry_store(&app->reg, &st, &err) != STORE_OK ||
	    store_job_list(st, &j, &n, &err) != STORE_OK)
		return;
	for (size_t i = 0; i < n; i++)
		if ((unsigned)j[i].status < STORE_JOB__MAX)
			n_status[j[i].status]++;
	store_jobs_free(j, n);
	prom_family(b, "tagifai_batch_jobs", "gauge", "Batch jobs waiting "
		    "for a runner (queued) or in hand (running).");
	l.name = "status";
	l.value = store_job_status_name(STORE_JOB_QUEUED);
	prom_uint(b, "tagifai_batch_jobs", &l, 1, n_status[STORE_JOB_QUEUED]);
	l.value = store_job_status_name(STORE_JOB_RUNNING);
	prom_uint(b, "tagifai_batch_jobs", &l, 1,
		  n_status[STORE_JOB_RUNNING]);
}

void
handle_metrics(struct app *app, struct request *req,
	       const struct route_params *params, struct response *res)
{
	struct util_buf b = UTIL_BUF_INIT(OBSERVE_BODY_MAX);
	struct stats_totals *t;
	size_t len = 0;
	char *body;

	(void)req, (void)params;
	if (app->cfg.stats == NULL) {
		respond_error(res, HTTP_ERR_NO_METRICS);
		return;
	}
	t = malloc(sizeof(*t));  /* ~60 KiB: not on the stack */
	if (t == NULL) {
		respond_error(res, HTTP_ERR_INTERNAL);
		return;
	}
	stats_sum(app->cfg.stats, t);
	observe_write(&b, app->cfg.stats, t);
	free(t);
	batch(&b, app);
	body = util_buf_take(&b, &len);
	if (body == NULL) {
		respond_error(res, HTTP_ERR_INTERNAL);
		return;
	}
	free(res->owned);
	res->status = 200;
	res->content_type = PROM_CONTENT_TYPE;
	res->owned = body;
	res->body = body;
	res->len = len;
	res->cache_control = "no-store";
}

/* The envelope with status and data, for the probes (503 included);
 * never cached. */
static void
envelope(struct response *res, const struct request *req, int status,
	 const char *data_json)
{
	handlers_envelope_status(res, req, status, data_json);
	res->cache_control = "no-store";
}

void
handle_health_live(struct app *app, struct request *req,
		   const struct route_params *params, struct response *res)
{
	(void)app, (void)params;
	envelope(res, req, 200, "{\"status\":\"live\"}");
}

void
handle_health_ready(struct app *app, struct request *req,
		    const struct route_params *params, struct response *res)
{
	struct util_buf b = UTIL_BUF_INIT(RESPOND_BODY_MAX);
	char reason[STATS_REASON_MAX];
	bool ready = stats_ready(app->cfg.stats, reason, sizeof(reason));

	(void)params;
	util_buf_adds(&b, ready ? "{\"status\":\"ready\"" :
		      "{\"status\":\"not ready\",\"reason\":");
	if (!ready)
		util_json_str(&b, reason, strlen(reason));
	util_buf_adds(&b, ",\"model\":");
	util_buf_adds(&b, app_served(app)->json);
	util_buf_adds(&b, "}");
	if (b.st != UTIL_OK) {
		util_buf_free(&b);
		respond_error(res, HTTP_ERR_INTERNAL);
		return;
	}
	envelope(res, req, ready ? 200 : 503, b.data);
	util_buf_free(&b);
}
