/* SPDX-License-Identifier: MIT
 * fcgi/stats.h - the request counters of a pool of processes, kept in
 * memory they share and summed when /metrics is scraped (fcgi/observe.c
 * writes them out).
 *
 * The table is one mapping: a header (the models served, the master's
 * counters, the readiness of the pool) and STATS slots, one per worker
 * SLOT, not per pid.  A process counts only into its own slot, with
 * relaxed atomic adds and no system call; a scrape adds up the slots
 * that have ever been used.  A slot is never reset: a worker that dies
 * leaves its counts where the next owner of the slot goes on adding, so
 * no counter goes down on a respawn or a reload, and the cost of a scrape
 * depends on the number of slots, never on the number of restarts
 * (php-fpm's scoreboard and unicorn's raindrops, not prometheus_client's
 * file per pid).
 *
 * Three ways to get a table:
 *   stats_open_pool     --workers N: anonymous shared memory made by the
 *                       master before it forks; the master gives each
 *                       worker its slot index (stats_bind).
 *   stats_open_file     a pool started by someone else (spawn-fcgi -F,
 *                       mod_fcgid, lighttpd max-procs): a file in
 *                       --metrics-dir mapped by every process, which
 *                       claims a free slot under flock and marks it with
 *                       its pid and start time; a slot whose owner is
 *                       gone (crashed) is taken over, counts and all.
 *   stats_open_private  one process alone: its own memory, one slot.
 */
#ifndef FCGI_STATS_H
#define FCGI_STATS_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "fcgi/status.h"

/* Limits of the table.  They size shared memory and the file in
 * --metrics-dir, so they are fixed at build time; doc/tagifai-fcgi.8
 * lists them. */
#define STATS_ROUTES_MAX 48      /* rows of the route table, + unmatched */
#define STATS_MODELS_MAX 16      /* model versions broken down per table */
#define STATS_CLASSES_MAX 64     /* tags counted per model */
#define STATS_LABEL_MAX 128      /* bytes of a model name, version, tag */
#define STATS_POOL_SLOTS 128     /* --workers: 2 x MASTER_MAX_WORKERS */
#define STATS_FILE_SLOTS 64      /* processes sharing a --metrics-dir */
#define STATS_REASON_MAX 512     /* the readiness reason */
#define STATS_FILE_NAME "tagifai-metrics.shm"

/* The methods and status codes a counter is kept for.  Any other
 * status is counted as STATS_CODE_OTHER ("other"). */
#define STATS_METHODS 7          /* GET HEAD POST PUT DELETE PATCH other */
enum stats_code {
	STATS_CODE_200 = 0, STATS_CODE_307, STATS_CODE_400, STATS_CODE_401,
	STATS_CODE_403, STATS_CODE_404, STATS_CODE_405, STATS_CODE_409,
	STATS_CODE_413, STATS_CODE_415, STATS_CODE_422, STATS_CODE_500,
	STATS_CODE_503, STATS_CODE_OTHER,
	STATS_CODE__MAX
};

/* The latency histogram: upper bounds in microseconds, 20 us to 1 s
 * (a one-text prediction takes about 50 us), then +Inf. */
#define STATS_BUCKETS 16
extern const uint32_t stats_bucket_us[STATS_BUCKETS - 1];

enum stats_mode {
	STATS_PRIVATE = 0,   /* this process only */
	STATS_POOL,          /* the --workers master's pool */
	STATS_FILE           /* a file in --metrics-dir */
};

enum stats_slot_state {
	STATS_SLOT_FREE = 0,
	STATS_SLOT_SERVING,
	STATS_SLOT_RETIRING  /* told to stop: finishing, then exit */
};

/* One model version the pool has served: the labels its counts carry. */
struct stats_model {
	char name[STATS_LABEL_MAX];
	char version[STATS_LABEL_MAX];
	char checksum[STATS_LABEL_MAX];
	uint32_t n_classes;               /* <= STATS_CLASSES_MAX */
	char tag[STATS_CLASSES_MAX][STATS_LABEL_MAX];
};

struct stats_header {
	char magic[8];
	uint32_t layout;            /* STATS_LAYOUT: the file's shape */
	uint32_t n_slots;
	uint64_t slot_size;
	_Atomic int64_t master_pid;      /* 0: no master */
	_Atomic uint64_t reloads_ok, reloads_failed, worker_restarts;
	/* The master's batch-job runner (fcgi/runner.h): whether there is
	 * one, the items it committed, its restarts. */
	_Atomic uint32_t batch_runner;
	_Atomic uint64_t batch_items, batch_restarts;
	_Atomic uint64_t generation;     /* the model generation serving */
	_Atomic uint64_t retired_cpu_us; /* CPU of processes gone */
	_Atomic uint64_t cpu_shown_us;   /* the most a scrape has shown */
	_Atomic uint32_t reason_seq;     /* odd while reason is written */
	char reason[STATS_REASON_MAX];   /* "": ready */
	_Atomic uint32_t n_models;
	struct stats_model model[STATS_MODELS_MAX];
};

struct stats_slot {
	_Atomic int32_t pid;             /* owner, 0: none */
	_Atomic uint64_t pid_start;      /* its start time (clock ticks) */
	_Atomic uint32_t used;           /* ever owned: summed by scrapes */
	_Atomic uint32_t state;          /* enum stats_slot_state */
	_Atomic uint64_t generation;     /* the generation it serves */
	_Atomic int32_t model;           /* stats_model index it serves */
	_Atomic uint64_t requests[STATS_ROUTES_MAX][STATS_METHODS]
				 [STATS_CODE__MAX];
	_Atomic uint64_t bucket[STATS_ROUTES_MAX][STATS_BUCKETS];
	_Atomic uint64_t duration_us[STATS_ROUTES_MAX];
	_Atomic uint64_t texts[STATS_MODELS_MAX];
	_Atomic uint64_t predictions[STATS_MODELS_MAX][STATS_CLASSES_MAX];
} __attribute__((aligned(64)));

/* A process's handle on a table. */
struct stats {
	enum stats_mode mode;
	struct stats_header *hdr;
	struct stats_slot *slots;
	size_t n_slots;
	size_t map_len;
	int fd;                          /* STATS_FILE: the file; else -1 */
	struct stats_slot *mine;         /* NULL: counts nowhere (master) */
};

/* The sums of a scrape (stats_sum), private memory. */
struct stats_totals {
	uint64_t requests[STATS_ROUTES_MAX][STATS_METHODS][STATS_CODE__MAX];
	uint64_t bucket[STATS_ROUTES_MAX][STATS_BUCKETS];
	uint64_t duration_us[STATS_ROUTES_MAX];
	uint64_t texts[STATS_MODELS_MAX];
	uint64_t predictions[STATS_MODELS_MAX][STATS_CLASSES_MAX];
	size_t serving, retiring;        /* processes, by state */
	size_t n_pids;                   /* live processes of the pool */
	pid_t pid[STATS_POOL_SLOTS + 1]; /* their pids (the master first) */
};

/* Open a table; each fills s, returns SERVICE_OK or an error with a
 * sentence in err, and leaves s closed on failure.  Close with
 * stats_close.
 * stats_open_private: one slot, this process's own.
 * stats_open_pool: STATS_POOL_SLOTS slots shared with the children
 *   forked later; the caller (the master) is recorded as master_pid and
 *   counts nowhere until stats_bind.
 * stats_open_file: dir/STATS_FILE_NAME, made if missing; claims a slot.
 *   SERVICE_ERR_IO when the file cannot be made or mapped, has another
 *   layout, or every slot is owned by a live process. */
enum service_status stats_open_private(struct stats *s, char *err,
				       size_t err_len) SERVICE_WARN_UNUSED;
enum service_status stats_open_pool(struct stats *s, char *err,
				    size_t err_len) SERVICE_WARN_UNUSED;
enum service_status stats_open_file(struct stats *s, const char *dir,
				    char *err, size_t err_len)
	SERVICE_WARN_UNUSED;

/* Releases this process's slot (STATS_FILE: adds its CPU time to the
 * pool's and frees the slot for the next process) and unmaps.  The
 * counts stay in the file.  stats_close of a closed handle does
 * nothing. */
void stats_close(struct stats *s);

/* In a worker just forked by the master: count into slot i from now on,
 * serving model (stats_model's index).  The master has set its pid and
 * state (stats_slot_set). */
void stats_bind(struct stats *s, size_t i, int model);

/* This process's slot serves model (stats_model's index) now. */
void stats_serving(struct stats *s, int model);

/* The master's records.  stats_slot_set: slot i now holds pid in state,
 * serving generation gen (pid 0 and STATS_SLOT_FREE when it is gone;
 * cpu_us is then the CPU time the process used, added to the pool's).
 * stats_reload: a reload succeeded (the generation is now gen, the
 * pool is ready) or failed (reason says why; the pool is not ready
 * until a reload succeeds).  stats_restart: a worker died unasked. */
void stats_slot_set(struct stats *s, size_t i, pid_t pid,
		    enum stats_slot_state state, uint64_t gen,
		    uint64_t cpu_us);
void stats_reload(struct stats *s, bool ok, uint64_t gen,
		  const char *reason);
void stats_restart(struct stats *s);

/* The batch-job runner's records: stats_batch_runner (the master, at
 * start): the pool has one; stats_batch_restart: it died unasked;
 * stats_batch_items (the runner): n more items committed.  Shown by
 * /metrics only when the pool has a runner. */
void stats_batch_runner(struct stats *s);
void stats_batch_restart(struct stats *s);
void stats_batch_items(struct stats *s, uint64_t n);

/* Registers a model version served by the pool (found by checksum, or
 * added) and returns its index for stats_predicted, or -1 when the
 * table holds STATS_MODELS_MAX others already (its texts then go
 * uncounted by version).  tags: n class names.  STATS_FILE: under the
 * file's lock. */
int stats_model(struct stats *s, const char *name, const char *version,
		const char *checksum, const char *const *tags, size_t n);

/* One answered request: route row (route_count for none), method bit
 * (enum route_method), HTTP status and its duration.  A few relaxed
 * atomic adds into this process's slot; no system call. */
void stats_request(struct stats *s, size_t route, unsigned method,
		   int status, long long us);

/* One predicted text of model (stats_model's index) with tag index. */
static inline void
stats_predicted(struct stats *s, int model, unsigned tag)
{
	if (s == NULL || s->mine == NULL || model < 0)
		return;
	atomic_fetch_add_explicit(&s->mine->texts[model], 1,
				  memory_order_relaxed);
	if (tag < STATS_CLASSES_MAX)
		atomic_fetch_add_explicit(&s->mine->predictions[model][tag],
					  1, memory_order_relaxed);
}

/* The index of status in the counted codes, and the label of an index
 * ("200" ... "other"). */
enum stats_code stats_code_of(int status);
const char *stats_code_label(enum stats_code c);

/* The method label of index i < STATS_METHODS ("GET" ... "other"). */
const char *stats_method_label(size_t i);

/* Adds up every used slot into t (zeroed first) and lists the pool's
 * live processes. */
void stats_sum(const struct stats *s, struct stats_totals *t);

/* Copies the readiness reason of the pool into out ("" when ready);
 * true when ready.  Not ready: the last reload failed (the file on disk
 * is not the model served), or this worker has been told to stop. */
bool stats_ready(const struct stats *s, char *out, size_t len);

/* The pool's CPU seconds for a scrape: live (the live processes' sum,
 * read from /proc by the caller) plus the retired processes', never
 * less than an earlier scrape showed. */
uint64_t stats_cpu_us(struct stats *s, uint64_t live_us);

#endif
