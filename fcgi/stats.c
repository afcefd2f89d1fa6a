/* SPDX-License-Identifier: MIT
 * fcgi/stats.c - the shared table of request counters (fcgi/stats.h).
 *
 * Every counter is an _Atomic uint64_t written by one process (the owner
 * of its slot, or the master for the header) with relaxed adds: a scrape
 * may see one request's count a moment before its duration, never a torn
 * or lost count.  Slots are cache-line aligned so workers never share a
 * line they write.
 */
#define _GNU_SOURCE 1  /* memfd-free MAP_ANONYMOUS, flock */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fcgi/stats.h"

#define STATS_MAGIC "TGFMET1"
/* Bump when struct stats_header or struct stats_slot change shape: a
 * file of another layout is refused, never misread. */
#define STATS_LAYOUT 2

const uint32_t stats_bucket_us[STATS_BUCKETS - 1] = {
	20, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 25000, 50000,
	100000, 250000, 500000, 1000000,
};

static const char *const code_label[STATS_CODE__MAX] = {
	[STATS_CODE_200] = "200", [STATS_CODE_307] = "307",
	[STATS_CODE_400] = "400", [STATS_CODE_401] = "401",
	[STATS_CODE_403] = "403", [STATS_CODE_404] = "404",
	[STATS_CODE_405] = "405", [STATS_CODE_409] = "409",
	[STATS_CODE_413] = "413", [STATS_CODE_415] = "415",
	[STATS_CODE_422] = "422", [STATS_CODE_500] = "500",
	[STATS_CODE_503] = "503", [STATS_CODE_OTHER] = "other",
};

/* Indexed by the bit number of enum route_method. */
static const char *const method_label[STATS_METHODS] = {
	"GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "other",
};

enum stats_code
stats_code_of(int status)
{
	switch (status) {
	case 200: return STATS_CODE_200;
	case 307: return STATS_CODE_307;
	case 400: return STATS_CODE_400;
	case 401: return STATS_CODE_401;
	case 403: return STATS_CODE_403;
	case 404: return STATS_CODE_404;
	case 405: return STATS_CODE_405;
	case 409: return STATS_CODE_409;
	case 413: return STATS_CODE_413;
	case 415: return STATS_CODE_415;
	case 422: return STATS_CODE_422;
	case 500: return STATS_CODE_500;
	case 503: return STATS_CODE_503;
	default: return STATS_CODE_OTHER;
	}
}

const char *
stats_code_label(enum stats_code c)
{
	return (unsigned)c < STATS_CODE__MAX ? code_label[c] : "other";
}

const char *
stats_method_label(size_t i)
{
	return i < STATS_METHODS ? method_label[i] : "other";
}

/* ---- opening -------------------------------------------------------- */

static size_t
table_len(size_t n_slots)
{
	size_t h = (sizeof(struct stats_header) + 63) & ~(size_t)63;

	return h + n_slots * sizeof(struct stats_slot);
}

static void
attach(struct stats *s, void *map, size_t n_slots)
{
	size_t h = (sizeof(struct stats_header) + 63) & ~(size_t)63;

	s->hdr = map;
	s->slots = (struct stats_slot *)((char *)map + h);
	s->n_slots = n_slots;
	s->map_len = table_len(n_slots);
}

static void
init_header(struct stats_header *h, size_t n_slots)
{
	memcpy(h->magic, STATS_MAGIC, sizeof(h->magic));
	h->layout = STATS_LAYOUT;
	h->n_slots = (uint32_t)n_slots;
	h->slot_size = sizeof(struct stats_slot);
}

static enum service_status
open_anon(struct stats *s, enum stats_mode mode, size_t n_slots, char *err,
	  size_t err_len)
{
	size_t len = table_len(n_slots);
	void *map;

	memset(s, 0, sizeof(*s));
	s->fd = -1;
	/* Shared even for one process: the children a master forks see
	 * the same pages, which is the whole point. */
	map = mmap(NULL, len, PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (map == MAP_FAILED) {
		snprintf(err, err_len, "metrics: mmap of %zu bytes: %s", len,
			 strerror(errno));
		return SERVICE_ERR_NOMEM;
	}
	attach(s, map, n_slots);
	init_header(s->hdr, n_slots);
	s->mode = mode;
	return SERVICE_OK;
}

enum service_status
stats_open_private(struct stats *s, char *err, size_t err_len)
{
	enum service_status st = open_anon(s, STATS_PRIVATE, 1, err, err_len);

	if (st != SERVICE_OK)
		return st;
	s->mine = &s->slots[0];
	atomic_store(&s->mine->pid, (int32_t)getpid());
	atomic_store(&s->mine->state, STATS_SLOT_SERVING);
	atomic_store(&s->mine->used, 1);
	return SERVICE_OK;
}

enum service_status
stats_open_pool(struct stats *s, char *err, size_t err_len)
{
	enum service_status st = open_anon(s, STATS_POOL, STATS_POOL_SLOTS,
					   err, err_len);

	if (st != SERVICE_OK)
		return st;
	atomic_store(&s->hdr->master_pid, (int64_t)getpid());
	atomic_store(&s->hdr->generation, 1);
	return SERVICE_OK;
}

/* The start time of pid in clock ticks since boot (field 22 of
 * /proc/PID/stat), or 0 when it is not running.  With the pid, it names
 * a process: a recycled pid has another start time. */
static uint64_t
start_ticks(pid_t pid)
{
	char path[64], buf[1024], *p;
	unsigned long long v = 0;
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "/proc/%ld/stat", (long)pid);
	f = fopen(path, "r");
	if (f == NULL)
		return 0;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	/* The command name may hold spaces and ')': skip to the last ')'. */
	p = strrchr(buf, ')');
	if (p == NULL || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u "
				"%*u %*u %*u %*u %*d %*d %*d %*d %*d %*d %llu",
				&v) != 1)
		return 0;
	return v;
}

/* True when slot sl is owned by a process that still runs. */
static bool
owner_alive(const struct stats_slot *sl)
{
	pid_t pid = atomic_load(&sl->pid);

	if (pid <= 0)
		return false;
	if (kill(pid, 0) != 0 && errno == ESRCH)
		return false;
	return start_ticks(pid) == atomic_load(&sl->pid_start);
}

/* Under the lock: the first slot nobody alive owns.  Used slots of dead
 * owners come first in no particular way: any will do, since a slot's
 * counts stay whoever adds to them. */
static struct stats_slot *
claim(struct stats *s)
{
	pid_t me = getpid();

	for (size_t i = 0; i < s->n_slots; i++) {
		struct stats_slot *sl = &s->slots[i];

		if (owner_alive(sl))
			continue;
		atomic_store(&sl->pid, (int32_t)me);
		atomic_store(&sl->pid_start, start_ticks(me));
		atomic_store(&sl->state, STATS_SLOT_SERVING);
		atomic_store(&sl->used, 1);
		return sl;
	}
	return NULL;
}

static enum service_status
map_file(struct stats *s, const char *path, char *err, size_t err_len)
{
	size_t len = table_len(STATS_FILE_SLOTS);
	struct stat sb;
	void *map;

	if (fstat(s->fd, &sb) != 0)
		goto sys;
	if (sb.st_size == 0 && ftruncate(s->fd, (off_t)len) != 0)
		goto sys;
	if (sb.st_size != 0 && (size_t)sb.st_size != len) {
		snprintf(err, err_len, "metrics: %s has another layout (%lld "
			 "bytes, this version uses %zu): remove it", path,
			 (long long)sb.st_size, len);
		return SERVICE_ERR_IO;
	}
	map = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, s->fd, 0);
	if (map == MAP_FAILED)
		goto sys;
	attach(s, map, STATS_FILE_SLOTS);
	if (sb.st_size == 0)
		init_header(s->hdr, STATS_FILE_SLOTS);
	if (memcmp(s->hdr->magic, STATS_MAGIC, sizeof(s->hdr->magic)) != 0 ||
	    s->hdr->layout != STATS_LAYOUT ||
	    s->hdr->n_slots != STATS_FILE_SLOTS ||
	    s->hdr->slot_size != sizeof(struct stats_slot)) {
		snprintf(err, err_len, "metrics: %s is not a metrics file of "
			 "this version: remove it", path);
		return SERVICE_ERR_IO;
	}
	return SERVICE_OK;
sys:
	snprintf(err, err_len, "metrics: %s: %s", path, strerror(errno));
	return SERVICE_ERR_IO;
}

enum service_status
stats_open_file(struct stats *s, const char *dir, char *err,
		size_t err_len)
{
	char path[4096];
	enum service_status st;
	int n;

	memset(s, 0, sizeof(*s));
	s->fd = -1;
	n = snprintf(path, sizeof(path), "%s/%s", dir, STATS_FILE_NAME);
	if (n < 0 || (size_t)n >= sizeof(path)) {
		snprintf(err, err_len, "metrics: --metrics-dir too long");
		return SERVICE_ERR_USAGE;
	}
	s->fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (s->fd < 0) {
		snprintf(err, err_len, "metrics: %s: %s", path,
			 strerror(errno));
		return SERVICE_ERR_IO;
	}
	/* The lock orders the processes that make, check and claim. */
	if (flock(s->fd, LOCK_EX) != 0) {
		snprintf(err, err_len, "metrics: flock %s: %s", path,
			 strerror(errno));
		st = SERVICE_ERR_IO;
		goto fail;
	}
	st = map_file(s, path, err, err_len);
	if (st == SERVICE_OK) {
		s->mode = STATS_FILE;
		s->mine = claim(s);
		if (s->mine == NULL) {
			snprintf(err, err_len, "metrics: all %d slots of %s "
				 "are owned by running processes",
				 STATS_FILE_SLOTS, path);
			st = SERVICE_ERR_IO;
		}
	}
	(void)flock(s->fd, LOCK_UN);
	if (st == SERVICE_OK)
		return SERVICE_OK;
fail:
	stats_close(s);
	return st;
}

static uint64_t
own_cpu_us(void)
{
	struct rusage ru;

	if (getrusage(RUSAGE_SELF, &ru) != 0)
		return 0;
	return (uint64_t)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000u
	       + (uint64_t)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec);
}

void
stats_close(struct stats *s)
{
	if (s == NULL || s->hdr == NULL) {
		if (s != NULL && s->fd >= 0)
			close(s->fd);
		if (s != NULL)
			s->fd = -1;
		return;
	}
	if (s->mode == STATS_FILE && s->mine != NULL &&
	    atomic_load(&s->mine->pid) == (int32_t)getpid()) {
		/* Free the slot first, then count our CPU as retired: a
		 * scrape in between shows a little less, never twice. */
		atomic_store(&s->mine->state, STATS_SLOT_FREE);
		atomic_store(&s->mine->pid, 0);
		atomic_fetch_add(&s->hdr->retired_cpu_us, own_cpu_us());
	}
	munmap(s->hdr, s->map_len);
	if (s->fd >= 0)
		close(s->fd);
	memset(s, 0, sizeof(*s));
	s->fd = -1;
}

/* ---- the master's records -------------------------------------------- */

void
stats_bind(struct stats *s, size_t i, int model)
{
	if (s != NULL && s->hdr != NULL && i < s->n_slots) {
		s->mine = &s->slots[i];
		stats_serving(s, model);
		/* Before the first count: a scrape must sum this slot. */
		atomic_store(&s->mine->used, 1);
	}
}

void
stats_serving(struct stats *s, int model)
{
	if (s != NULL && s->mine != NULL)
		atomic_store(&s->mine->model, (int32_t)model);
}

void
stats_slot_set(struct stats *s, size_t i, pid_t pid,
	       enum stats_slot_state state, uint64_t gen, uint64_t cpu_us)
{
	struct stats_slot *sl;

	if (s == NULL || s->hdr == NULL || i >= s->n_slots)
		return;
	sl = &s->slots[i];
	if (cpu_us > 0)
		atomic_fetch_add(&s->hdr->retired_cpu_us, cpu_us);
	atomic_store(&sl->generation, gen);
	atomic_store(&sl->state, state);
	atomic_store(&sl->pid, (int32_t)pid);
	if (pid > 0)
		atomic_store(&sl->used, 1);
}

void
stats_reload(struct stats *s, bool ok, uint64_t gen, const char *reason)
{
	struct stats_header *h;

	if (s == NULL || s->hdr == NULL)
		return;
	h = s->hdr;
	atomic_fetch_add(ok ? &h->reloads_ok : &h->reloads_failed, 1);
	/* A sequence lock: odd while the text changes, so a reader copies
	 * it again rather than return half of two reasons. */
	atomic_fetch_add_explicit(&h->reason_seq, 1, memory_order_relaxed);
	atomic_thread_fence(memory_order_release);
	snprintf(h->reason, sizeof(h->reason), "%s", ok ? "" : reason);
	atomic_fetch_add_explicit(&h->reason_seq, 1, memory_order_release);
	if (ok)
		atomic_store(&h->generation, gen);
}

void
stats_restart(struct stats *s)
{
	if (s != NULL && s->hdr != NULL)
		atomic_fetch_add(&s->hdr->worker_restarts, 1);
}

void
stats_batch_runner(struct stats *s)
{
	if (s != NULL && s->hdr != NULL)
		atomic_store(&s->hdr->batch_runner, 1);
}

void
stats_batch_restart(struct stats *s)
{
	if (s != NULL && s->hdr != NULL)
		atomic_fetch_add(&s->hdr->batch_restarts, 1);
}

void
stats_batch_items(struct stats *s, uint64_t n)
{
	if (s != NULL && s->hdr != NULL)
		atomic_fetch_add_explicit(&s->hdr->batch_items, n,
					  memory_order_relaxed);
}

/* ---- models ------------------------------------------------------------ */

static void
label_copy(char *dst, const char *src)
{
	snprintf(dst, STATS_LABEL_MAX, "%s", src != NULL ? src : "");
}

static int
find_or_add(struct stats_header *h, const char *name, const char *version,
	    const char *checksum, const char *const *tags, size_t n)
{
	uint32_t count = atomic_load(&h->n_models);
	struct stats_model *m;

	for (uint32_t i = 0; i < count && i < STATS_MODELS_MAX; i++) {
		m = &h->model[i];
		if (strncmp(m->checksum, checksum, STATS_LABEL_MAX - 1) == 0 &&
		    strncmp(m->version, version, STATS_LABEL_MAX - 1) == 0 &&
		    strncmp(m->name, name, STATS_LABEL_MAX - 1) == 0)
			return (int)i;
	}
	if (count >= STATS_MODELS_MAX)
		return -1;
	m = &h->model[count];
	label_copy(m->name, name);
	label_copy(m->version, version);
	label_copy(m->checksum, checksum);
	m->n_classes = (uint32_t)(n < STATS_CLASSES_MAX ? n
							: STATS_CLASSES_MAX);
	for (size_t k = 0; k < m->n_classes; k++)
		label_copy(m->tag[k], tags[k]);
	/* Published last: a scrape reads only entries below n_models. */
	atomic_store(&h->n_models, count + 1);
	return (int)count;
}

int
stats_model(struct stats *s, const char *name, const char *version,
	    const char *checksum, const char *const *tags, size_t n)
{
	int i;

	if (s == NULL || s->hdr == NULL)
		return -1;
	if (s->fd >= 0 && flock(s->fd, LOCK_EX) != 0)
		return -1;
	i = find_or_add(s->hdr, name, version, checksum, tags, n);
	if (s->fd >= 0)
		(void)flock(s->fd, LOCK_UN);
	return i;
}

/* ---- counting ---------------------------------------------------------- */

void
stats_request(struct stats *s, size_t route, unsigned method, int status,
	      long long us)
{
	struct stats_slot *sl;
	size_t m = 0, b = 0;

	if (s == NULL || (sl = s->mine) == NULL)
		return;
	if (route >= STATS_ROUTES_MAX)
		route = STATS_ROUTES_MAX - 1;
	/* The method's bit number: GET is bit 0 ... other bit 6. */
	if (method != 0)
		m = (size_t)__builtin_ctz(method);
	if (m >= STATS_METHODS)
		m = STATS_METHODS - 1;
	if (us < 0)
		us = 0;
	while (b < STATS_BUCKETS - 1 && (uint64_t)us > stats_bucket_us[b])
		b++;
	atomic_fetch_add_explicit(&sl->requests[route][m]
				  [stats_code_of(status)], 1,
				  memory_order_relaxed);
	atomic_fetch_add_explicit(&sl->bucket[route][b], 1,
				  memory_order_relaxed);
	atomic_fetch_add_explicit(&sl->duration_us[route], (uint64_t)us,
				  memory_order_relaxed);
}

/* ---- scraping ---------------------------------------------------------- */

static void
add_slot(struct stats_totals *t, const struct stats_slot *sl)
{
	for (size_t r = 0; r < STATS_ROUTES_MAX; r++) {
		for (size_t m = 0; m < STATS_METHODS; m++)
			for (size_t c = 0; c < STATS_CODE__MAX; c++)
				t->requests[r][m][c] += atomic_load_explicit(
					&sl->requests[r][m][c],
					memory_order_relaxed);
		for (size_t b = 0; b < STATS_BUCKETS; b++)
			t->bucket[r][b] += atomic_load_explicit(
				&sl->bucket[r][b], memory_order_relaxed);
		t->duration_us[r] += atomic_load_explicit(
			&sl->duration_us[r], memory_order_relaxed);
	}
	for (size_t i = 0; i < STATS_MODELS_MAX; i++) {
		t->texts[i] += atomic_load_explicit(&sl->texts[i],
						    memory_order_relaxed);
		for (size_t k = 0; k < STATS_CLASSES_MAX; k++)
			t->predictions[i][k] += atomic_load_explicit(
				&sl->predictions[i][k], memory_order_relaxed);
	}
}

void
stats_sum(const struct stats *s, struct stats_totals *t)
{
	int64_t master;

	memset(t, 0, sizeof(*t));
	if (s == NULL || s->hdr == NULL)
		return;
	master = atomic_load(&s->hdr->master_pid);
	if (master > 0)
		t->pid[t->n_pids++] = (pid_t)master;
	for (size_t i = 0; i < s->n_slots; i++) {
		const struct stats_slot *sl = &s->slots[i];
		pid_t pid = atomic_load(&sl->pid);

		if (!atomic_load(&sl->used))
			continue;
		add_slot(t, sl);
		/* A crashed owner of a file slot left its pid behind: only a
		 * running process is a worker (a scrape may make syscalls). */
		if (pid <= 0 || (s->mode == STATS_FILE && !owner_alive(sl)))
			continue;
		switch (atomic_load(&sl->state)) {
		case STATS_SLOT_SERVING: t->serving++; break;
		case STATS_SLOT_RETIRING: t->retiring++; break;
		default: continue;
		}
		if (t->n_pids < sizeof(t->pid) / sizeof(t->pid[0]))
			t->pid[t->n_pids++] = pid;
	}
}

bool
stats_ready(const struct stats *s, char *out, size_t len)
{
	const struct stats_header *h;
	uint32_t seq;
	int tries = 0;

	out[0] = '\0';
	if (s == NULL || s->hdr == NULL)
		return true;
	h = s->hdr;
	/* A worker of an older generation still serving during a rolling
	 * reload is ready: the reload is the normal way to a new model, and
	 * a load balancer must not see the pool flap through it. */
	if (s->mine != NULL &&
	    atomic_load(&s->mine->state) == STATS_SLOT_RETIRING) {
		snprintf(out, len, "this worker is stopping");
		return false;
	}
	do {
		seq = atomic_load_explicit(&h->reason_seq,
					   memory_order_acquire);
		snprintf(out, len, "%.*s", (int)sizeof(h->reason), h->reason);
		atomic_thread_fence(memory_order_acquire);
	} while ((seq & 1u || seq != atomic_load_explicit(&h->reason_seq,
							 memory_order_relaxed)) &&
		 ++tries < 100);
	return out[0] == '\0';
}

uint64_t
stats_cpu_us(struct stats *s, uint64_t live_us)
{
	uint64_t v, shown;

	if (s == NULL || s->hdr == NULL)
		return live_us;
	v = live_us + atomic_load(&s->hdr->retired_cpu_us);
	/* A process that ends between our /proc read and the master's
	 * record would show as a dip: counters never go down. */
	shown = atomic_load(&s->hdr->cpu_shown_us);
	while (v > shown &&
	       !atomic_compare_exchange_weak(&s->hdr->cpu_shown_us, &shown, v))
		;
	return v > shown ? v : shown;
}
