/* SPDX-License-Identifier: MIT
 * tests/unit/stats_test.c - the shared table of request counters
 * (fcgi/stats.c): the status and method labels, the histogram buckets,
 * counts added from forked processes summed exactly, slots reused
 * without a count lost, the cost of a scrape after many restarts, the
 * file-backed table of --metrics-dir (claims, a dead owner's slot taken
 * over with its counts, a file of another layout refused), the model
 * labels, readiness after a failed reload, and CPU time that never goes
 * down.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fcgi/http_error.h"
#include "fcgi/route.h"
#include "fcgi/stats.h"
#include "tests/unit/tap.h"

static struct stats_totals tot;   /* ~60 KiB: not on the stack */

static uint64_t
requests(const struct stats_totals *t, size_t route, size_t method,
	 enum stats_code c)
{
	return t->requests[route][method][c];
}

static uint64_t
all_requests(const struct stats_totals *t)
{
	uint64_t n = 0;

	for (size_t r = 0; r < STATS_ROUTES_MAX; r++)
		for (size_t m = 0; m < STATS_METHODS; m++)
			for (size_t c = 0; c < STATS_CODE__MAX; c++)
				n += t->requests[r][m][c];
	return n;
}

static void
stats_code_of_should_count_every_status_the_service_answers(void)
{
	static const int more[] = { 200, 307, 422 };
	bool ok = true;

	for (int e = 0; e < HTTP_ERR__MAX; e++)
		if (stats_code_of(http_error_status(e)) == STATS_CODE_OTHER)
			ok = false;
	for (size_t i = 0; i < sizeof(more) / sizeof(more[0]); i++)
		if (stats_code_of(more[i]) == STATS_CODE_OTHER)
			ok = false;
	tap_ok(ok, "every status of the error table, 200, 307 and 422 have "
	       "their own label");
	tap_str_eq(stats_code_label(stats_code_of(413)), "413", "413's label");
	tap_str_eq(stats_code_label(stats_code_of(418)), "other",
		   "an unexpected status is \"other\"");
	tap_str_eq(stats_method_label(2), "POST", "method bit 2 is POST");
}

static void
route_table_should_fit_the_counters(void)
{
	tap_ok(route_count + 1 <= STATS_ROUTES_MAX, "the %zu routes and "
	       "\"unmatched\" fit STATS_ROUTES_MAX (%d)", route_count,
	       STATS_ROUTES_MAX);
}

static void
stats_request_should_pick_the_bucket_by_its_upper_bound(void)
{
	static const struct { long long us; size_t bucket; } cases[] = {
		{ 0, 0 }, { 20, 0 }, { 21, 1 }, { 50, 1 }, { 999, 5 },
		{ 1000, 5 }, { 1000000, 14 }, { 1000001, 15 },
		{ 3600000000LL, 15 }, { -5, 0 },
	};
	struct stats s;
	char err[256];

	if (stats_open_private(&s, err, sizeof(err)) != SERVICE_OK) {
		tap_ok(0, "stats_open_private: %s", err);
		return;
	}
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		stats_sum(&s, &tot);
		uint64_t before = tot.bucket[0][cases[i].bucket];

		stats_request(&s, 0, METHOD_GET, 200, cases[i].us);
		stats_sum(&s, &tot);
		tap_ok(tot.bucket[0][cases[i].bucket] == before + 1,
		       "%lld us goes to bucket %zu", cases[i].us,
		       cases[i].bucket);
	}
	stats_request(&s, 9999, METHOD_OTHER, 200, 1);
	stats_sum(&s, &tot);
	tap_ok(requests(&tot, STATS_ROUTES_MAX - 1, 6, STATS_CODE_200) == 1,
	       "a route index out of range is clamped, not written past");
	stats_close(&s);
}

/* Forks n workers, worker i bound to slot i, each counting k[i]
 * requests of POST /predict; waits for them all. */
static bool
fork_workers(struct stats *s, size_t n, const unsigned *k)
{
	bool ok = true;

	for (size_t i = 0; i < n; i++) {
		pid_t pid = fork();

		if (pid < 0)
			return false;
		if (pid == 0) {
			stats_bind(s, i, -1);
			for (unsigned j = 0; j < k[i]; j++)
				stats_request(s, 1, METHOD_POST, 200, 100);
			_exit(0);
		}
		stats_slot_set(s, i, pid, STATS_SLOT_SERVING, 1, 0);
	}
	for (size_t i = 0; i < n; i++) {
		int st;

		if (wait(&st) < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
			ok = false;
	}
	return ok;
}

static void
stats_sum_should_add_the_counts_of_forked_workers_exactly(void)
{
	static const unsigned k[4] = { 1000, 2500, 1, 7 };
	struct stats s;
	char err[256];

	if (stats_open_pool(&s, err, sizeof(err)) != SERVICE_OK) {
		tap_ok(0, "stats_open_pool: %s", err);
		return;
	}
	tap_ok(fork_workers(&s, 4, k), "four workers ran");
	stats_sum(&s, &tot);
	tap_ok(requests(&tot, 1, 2, STATS_CODE_200) == 3508,
	       "the master sums 1000 + 2500 + 1 + 7 = 3508 requests (got "
	       "%llu)", (unsigned long long)requests(&tot, 1, 2,
						     STATS_CODE_200));
	/* Respawn into the same slots: the counts go on from there. */
	for (size_t i = 0; i < 4; i++)
		stats_slot_set(&s, i, 0, STATS_SLOT_FREE, 0, 1000);
	tap_ok(fork_workers(&s, 4, k), "four new workers in the same slots");
	stats_sum(&s, &tot);
	tap_ok(requests(&tot, 1, 2, STATS_CODE_200) == 7016,
	       "slots reused after the workers died: 7016, nothing lost");
	tap_ok(stats_cpu_us(&s, 0) >= 4000,
	       "the CPU time of the workers gone stays counted");
	stats_close(&s);
}

static void
stats_sum_should_cost_the_same_after_many_restarts(void)
{
	struct stats s;
	char err[256];
	size_t used = 0;

	if (stats_open_pool(&s, err, sizeof(err)) != SERVICE_OK) {
		tap_ok(0, "stats_open_pool: %s", err);
		return;
	}
	/* 1,000 restarts of two workers that take turns in slots 0 and 1,
	 * as the master's lowest-free-slot choice does. */
	for (int r = 0; r < 1000; r++) {
		size_t i = (size_t)r % 2;

		stats_slot_set(&s, i, 10000 + r, STATS_SLOT_SERVING, 1, 0);
		stats_bind(&s, i, -1);
		stats_request(&s, 0, METHOD_GET, 200, 10);
		stats_slot_set(&s, i, 0, STATS_SLOT_FREE, 0, 0);
		stats_restart(&s);
	}
	for (size_t i = 0; i < s.n_slots; i++)
		used += atomic_load(&s.slots[i].used) != 0;
	tap_ok(used == 2, "1,000 restarts leave 2 used slots to sum (got "
	       "%zu)", used);
	stats_sum(&s, &tot);
	tap_ok(all_requests(&tot) == 1000, "and every request counted");
	tap_ok(atomic_load(&s.hdr->worker_restarts) == 1000,
	       "1,000 restarts counted");
	stats_close(&s);
}

static void
stats_cpu_us_should_never_go_down(void)
{
	struct stats s;
	char err[256];

	if (stats_open_pool(&s, err, sizeof(err)) != SERVICE_OK) {
		tap_ok(0, "stats_open_pool: %s", err);
		return;
	}
	tap_ok(stats_cpu_us(&s, 500) == 500, "500 us of live processes");
	tap_ok(stats_cpu_us(&s, 300) == 500, "a process gone before the "
	       "master counted it: still 500");
	stats_slot_set(&s, 0, 0, STATS_SLOT_FREE, 0, 250);
	tap_ok(stats_cpu_us(&s, 300) == 550, "once counted: 300 + 250");
	stats_close(&s);
}

static void
stats_model_should_register_each_version_once(void)
{
	const char *tags[3] = { "a", "b", "other" };
	struct stats s;
	char err[256], v[16];
	int first, again, last = 0;

	if (stats_open_pool(&s, err, sizeof(err)) != SERVICE_OK) {
		tap_ok(0, "stats_open_pool: %s", err);
		return;
	}
	first = stats_model(&s, "m", "1", "c1", tags, 3);
	again = stats_model(&s, "m", "1", "c1", tags, 3);
	tap_ok(first == 0 && again == 0, "the same model twice: one entry");
	tap_ok(stats_model(&s, "m", "2", "c2", tags, 3) == 1,
	       "another version: a second entry");
	for (int i = 2; i < STATS_MODELS_MAX + 1; i++) {
		snprintf(v, sizeof(v), "v%d", i);
		last = stats_model(&s, "m", v, v, tags, 3);
	}
	tap_ok(last == -1, "beyond STATS_MODELS_MAX a version is not broken "
	       "down (-1)");
	tap_str_eq(s.hdr->model[0].tag[2], "other", "the tags are kept");
	stats_close(&s);
}

static void
stats_ready_should_say_why_after_a_failed_reload(void)
{
	struct stats s;
	char err[256], why[STATS_REASON_MAX];

	if (stats_open_pool(&s, err, sizeof(err)) != SERVICE_OK) {
		tap_ok(0, "stats_open_pool: %s", err);
		return;
	}
	stats_slot_set(&s, 0, getpid(), STATS_SLOT_SERVING, 1, 0);
	stats_bind(&s, 0, -1);
	tap_ok(stats_ready(&s, why, sizeof(why)) && why[0] == '\0',
	       "ready at start");
	stats_reload(&s, false, 1, "m.tagifai: bad magic");
	tap_ok(!stats_ready(&s, why, sizeof(why)), "not ready after a "
	       "failed reload");
	tap_str_eq(why, "m.tagifai: bad magic", "... with the reason");
	stats_reload(&s, true, 2, NULL);
	tap_ok(stats_ready(&s, why, sizeof(why)), "ready after a good one");
	tap_ok(atomic_load(&s.hdr->reloads_ok) == 1 &&
	       atomic_load(&s.hdr->reloads_failed) == 1, "both counted");
	stats_slot_set(&s, 0, getpid(), STATS_SLOT_RETIRING, 1, 0);
	tap_ok(!stats_ready(&s, why, sizeof(why)), "a worker told to stop "
	       "is not ready");
	stats_close(&s);
}

/* In a child: open the file table, count n requests, exit without
 * closing (a crash) when crash, else close. */
static pid_t
file_child(const char *dir, unsigned n, bool crash)
{
	pid_t pid = fork();
	struct stats s;
	char err[256];

	if (pid != 0)
		return pid;
	if (stats_open_file(&s, dir, err, sizeof(err)) != SERVICE_OK)
		_exit(2);
	for (unsigned i = 0; i < n; i++)
		stats_request(&s, 0, METHOD_GET, 200, 5);
	if (!crash)
		stats_close(&s);
	_exit(0);
}

static bool
wait_ok(pid_t pid)
{
	int st;

	return pid > 0 && waitpid(pid, &st, 0) == pid && WIFEXITED(st) &&
	       WEXITSTATUS(st) == 0;
}

static void
stats_open_file_should_share_slots_between_processes(void)
{
	char dir[] = "/tmp/stats_test.XXXXXX", path[256];
	struct stats a, b;
	char err[256];
	size_t used = 0;
	FILE *f;

	if (mkdtemp(dir) == NULL) {
		tap_ok(0, "mkdtemp");
		return;
	}
	if (stats_open_file(&a, dir, err, sizeof(err)) != SERVICE_OK) {
		tap_ok(0, "stats_open_file: %s", err);
		return;
	}
	tap_ok(a.mine == &a.slots[0], "the first process takes slot 0");
	if (stats_open_file(&b, dir, err, sizeof(err)) == SERVICE_OK) {
		tap_ok(b.mine == &b.slots[1], "the same pid finds its own slot "
		       "alive and takes the next one");
		stats_close(&b);
	}
	tap_ok(wait_ok(file_child(dir, 30, true)), "a process counted 30 "
	       "and died without closing");
	tap_ok(wait_ok(file_child(dir, 12, false)), "another took its slot, "
	       "counted 12 and closed");
	tap_ok(wait_ok(file_child(dir, 5, true)), "a third counted 5 and "
	       "died without closing");
	stats_sum(&a, &tot);
	tap_ok(requests(&tot, 0, 0, STATS_CODE_200) == 47, "the table "
	       "holds all 47 (got %llu)",
	       (unsigned long long)requests(&tot, 0, 0, STATS_CODE_200));
	tap_ok(tot.serving == 1 && tot.n_pids == 1, "only this process is "
	       "running: the crashed one's pid is not a worker (%zu serving)",
	       tot.serving);
	for (size_t i = 0; i < a.n_slots; i++)
		used += atomic_load(&a.slots[i].used) != 0;
	tap_ok(used <= 2, "dead owners' slots were reused (%zu used)", used);
	stats_close(&a);
	snprintf(path, sizeof(path), "%s/%s", dir, STATS_FILE_NAME);
	f = fopen(path, "r+");
	tap_ok(f != NULL && ftruncate(fileno(f), 4096) == 0,
	       "the file cut to another size");
	if (f != NULL)
		fclose(f);
	tap_ok(stats_open_file(&a, dir, err, sizeof(err)) == SERVICE_ERR_IO &&
	       strstr(err, "another layout") != NULL,
	       "a file of another layout is refused: %s", err);
	unlink(path);
	rmdir(dir);
}

int
main(void)
{
	stats_code_of_should_count_every_status_the_service_answers();
	route_table_should_fit_the_counters();
	stats_request_should_pick_the_bucket_by_its_upper_bound();
	stats_sum_should_add_the_counts_of_forked_workers_exactly();
	stats_sum_should_cost_the_same_after_many_restarts();
	stats_cpu_us_should_never_go_down();
	stats_model_should_register_each_version_once();
	stats_ready_should_say_why_after_a_failed_reload();
	stats_open_file_should_share_slots_between_processes();
	return tap_done();
}
