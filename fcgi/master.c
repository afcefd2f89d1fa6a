/* SPDX-License-Identifier: MIT
 * fcgi/master.c - pre-fork supervision: N workers on one listening socket,
 * respawn with back-off, rolling model reload on SIGHUP, graceful stop.
 *
 * The master is single-threaded and has no signal handlers doing work: it
 * blocks SIGCHLD, SIGHUP, SIGTERM and SIGINT and takes them one at a time
 * with sigtimedwait(), so every state change happens in the main loop.
 * The model is loaded in the master (app_init) before the workers are
 * forked: the workers inherit the read-only mapping (core/model.h), and a
 * reload is "build a second app, fork the new generation from it".  If
 * the new app cannot be built (file missing, corrupt, wrong version) the
 * old generation simply keeps serving.
 *
 * A rolling reload never lowers the number of serving workers: one worker
 * of the new generation is started, and only once it has been alive for
 * MASTER_READY_MS is one old worker sent SIGTERM, which lets it finish the
 * request in flight and exit (fcgi/serve.c).  The listening socket stays
 * open in the master the whole time, so a connection waiting in the
 * backlog is accepted by whichever worker polls next: none is refused.
 *
 * With --registry the master also forks the batch-job runner
 * (fcgi/runner.c): one process that serves no request, restarted with
 * the workers' back-off rule (its own count) when it dies, left alone
 * by reloads, and sent SIGTERM with the workers on stop.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#include "fcgi/listen.h"
#include "fcgi/master.h"
#include "fcgi/stats.h"
#include "util/clock.h"

#define LOG_PREFIX "tagifai-fcgi: master: "
#define MAX_SLOTS (2 * MASTER_MAX_WORKERS) /* a full generation rolling */
#define MAX_WAIT_MS 1000                   /* longest sleep of the loop */
_Static_assert(MAX_SLOTS <= STATS_POOL_SLOTS,
	       "every worker slot needs its /metrics slot (fcgi/stats.h)");

/* The signals the master takes over; workers get back what main set. */
#define N_SIGNALS 4
static const int master_signals[N_SIGNALS] = { SIGCHLD, SIGHUP, SIGTERM,
					       SIGINT };
#define WAIT_TEXT_MAX 96  /* "killed by signal 9 (Killed), core dumped" */

enum slot_state {
	SLOT_FREE,      /* no process */
	SLOT_SERVING,   /* accepting connections */
	SLOT_RETIRING   /* sent SIGTERM: finishing its request, then exit */
};

struct slot {
	pid_t pid;
	unsigned gen;          /* generation (model load) it serves */
	enum slot_state state;
	long long started;     /* ms, monotonic */
	long long kill_at;     /* RETIRING: SIGKILL after this */
};

/* When to start a process again after deaths we did not ask for. */
struct backoff {
	unsigned young_deaths; /* deaths before MASTER_HEALTHY_MS since the
				* last reset */
	long long delay;       /* ms; 0: respawn at once */
	long long at;          /* no fork before this time */
	long long last_death;
};

/* The batch-job runner's process (mc->runner). */
struct runner_slot {
	pid_t pid;             /* 0: none */
	long long started;     /* ms, monotonic */
};

struct master {
	const struct master_config *mc;
	struct app cur;        /* the model new workers are forked with */
	unsigned gen;
	struct slot slot[MAX_SLOTS];
	struct backoff bo;     /* the workers' */
	struct runner_slot runner;
	struct backoff runner_bo;
	bool stopping;
	long long stop_at;     /* SIGKILL the rest after this */
	sigset_t old_mask;     /* restored in workers */
	struct sigaction old_act[N_SIGNALS]; /* of the signals, ditto */
	pid_t self;
};

static void
nothing(int sig)
{
	(void)sig;
}

static void
log_model(const char *what, struct app *a, unsigned gen)
{
	const struct model_identity *id = model_identity(
		app_served(a)->model);

	fprintf(stderr, LOG_PREFIX "%s: model %s version %s checksum %s "
		"(%s), generation %u\n", what, id->name, id->version,
		id->checksum, a->cfg.model_path, gen);
}

/* ---- the back-off -------------------------------------------------- */

/* A death after lived ms: the first is answered at once; only processes
 * that keep dying young (a crash at start) are slowed down. */
static void
backoff_death(struct backoff *b, long long lived, long long now)
{
	if (lived >= MASTER_HEALTHY_MS)
		b->young_deaths = 0;
	else
		b->young_deaths++;
	if (b->young_deaths <= 1)
		b->delay = 0;
	else if (b->delay == 0)
		b->delay = MASTER_BACKOFF_MIN_MS;
	else if ((b->delay *= 2) > MASTER_BACKOFF_MAX_MS)
		b->delay = MASTER_BACKOFF_MAX_MS;
	b->at = now + b->delay;
	b->last_death = now;
}

/* A failed fork counts as a death. */
static void
backoff_fork_failed(struct backoff *b, long long now)
{
	b->delay = b->delay ? b->delay * 2 : MASTER_BACKOFF_MIN_MS;
	if (b->delay > MASTER_BACKOFF_MAX_MS)
		b->delay = MASTER_BACKOFF_MAX_MS;
	b->at = now + b->delay;
}

/* Processes have lived long enough since the last death: start afresh. */
static void
backoff_heal(struct backoff *b, long long now)
{
	if (b->young_deaths > 0 && now - b->last_death >= MASTER_HEALTHY_MS) {
		b->young_deaths = 0;
		b->delay = 0;
	}
}

/* ---- workers ------------------------------------------------------- */

/* In a child: give back the signal set-up main made for the accept
 * loop (its SIGTERM/SIGINT handlers; its mask when unmask, else the
 * signals stay blocked for the caller to take over), ignore SIGHUP,
 * and die with the master. */
static void
child_signals(struct master *m, bool unmask)
{
	struct sigaction ign;

	for (size_t i = 0; i < N_SIGNALS; i++)
		sigaction(master_signals[i], &m->old_act[i], NULL);
	/* Reloads are the master's business; a SIGHUP sent to the whole
	 * process group (a closed terminal) must not kill the workers. */
	memset(&ign, 0, sizeof(ign));
	sigemptyset(&ign.sa_mask);
	ign.sa_handler = SIG_IGN;
	sigaction(SIGHUP, &ign, NULL);
#ifdef __linux__
	/* A master killed with SIGKILL leaves no worker behind. */
	if (prctl(PR_SET_PDEATHSIG, SIGTERM) != 0 || getppid() != m->self)
		_exit(0);
#endif
	if (unmask)
		sigprocmask(SIG_SETMASK, &m->old_mask, NULL);
}

/* In the child: serve until told to stop.  Never returns. */
static _Noreturn void
worker(struct master *m, size_t slot)
{
	int rc;

	child_signals(m, true);
	/* Counters by slot, not pid: a respawned worker goes on adding to
	 * the counts of the one it replaces (fcgi/stats.h). */
	stats_bind(m->cur.cfg.stats, slot, m->cur.stats_model);
	rc = m->mc->serve(&m->cur, m->mc->sock);
	app_free(&m->cur);
	fflush(NULL);
	_exit(rc);
}

static struct slot *
free_slot(struct master *m)
{
	for (size_t i = 0; i < MAX_SLOTS; i++)
		if (m->slot[i].state == SLOT_FREE)
			return &m->slot[i];
	return NULL;
}

/* Forks one worker of the current generation.  A failed fork counts as
 * a death for the back-off. */
static void
spawn(struct master *m, long long now)
{
	struct slot *s = free_slot(m);
	pid_t pid;

	if (s == NULL) {
		/* Only when many reloads in a row left slow workers retiring:
		 * wait for them to finish (at most MASTER_STOP_TIMEOUT_MS). */
		fprintf(stderr, LOG_PREFIX "all %d worker slots in use "
			"(old workers still retiring): start postponed\n",
			MAX_SLOTS);
		m->bo.at = now + MASTER_BACKOFF_MIN_MS;
		return;
	}
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		backoff_fork_failed(&m->bo, now);
		fprintf(stderr, LOG_PREFIX "fork failed: %s; retrying in "
			"%lld ms\n", strerror(errno), m->bo.delay);
		return;
	}
	if (pid == 0)
		worker(m, (size_t)(s - m->slot));
	stats_slot_set(m->cur.cfg.stats, (size_t)(s - m->slot), pid,
		       STATS_SLOT_SERVING, m->gen, 0);
	s->pid = pid;
	s->gen = m->gen;
	s->state = SLOT_SERVING;
	s->started = now;
	s->kill_at = 0;
	fprintf(stderr, LOG_PREFIX "worker %ld started (generation %u)\n",
		(long)pid, m->gen);
}

static void
retire(struct master *m, struct slot *s, long long now)
{
	stats_slot_set(m->cur.cfg.stats, (size_t)(s - m->slot), s->pid,
		       STATS_SLOT_RETIRING, s->gen, 0);
	s->state = SLOT_RETIRING;
	s->kill_at = now + MASTER_STOP_TIMEOUT_MS;
	if (kill(s->pid, SIGTERM) != 0 && errno != ESRCH)
		fprintf(stderr, LOG_PREFIX "kill %ld: %s\n", (long)s->pid,
			strerror(errno));
}

/* ---- the batch-job runner ------------------------------------------ */

/* In the child: no socket, no served model, only jobs.  Never
 * returns. */
static _Noreturn void
runner_child(struct master *m)
{
	int fd, rc;

	/* SIGTERM stays blocked until the runner's own handler is in place:
	 * a stop sent meanwhile is not lost. */
	child_signals(m, false);
	/* The runner must not keep the listening socket open (after a
	 * master's death, connections would queue for nobody); /dev/null
	 * takes its number, which may be 0. */
	fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (fd >= 0 && fd != m->mc->sock) {
		dup2(fd, m->mc->sock);
		close(fd);
	}
	/* Each job opens the version it names (jobs/runner.c). */
	app_free(&m->cur);
	rc = runner_run(m->mc->runner, &m->old_mask);
	fflush(NULL);
	_exit(rc);
}

static void
spawn_runner(struct master *m, long long now)
{
	pid_t pid;

	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		backoff_fork_failed(&m->runner_bo, now);
		fprintf(stderr, LOG_PREFIX "fork of the batch runner failed: "
			"%s; retrying in %lld ms\n", strerror(errno),
			m->runner_bo.delay);
		return;
	}
	if (pid == 0)
		runner_child(m);
	m->runner.pid = pid;
	m->runner.started = now;
	fprintf(stderr, LOG_PREFIX "batch runner %ld started\n", (long)pid);
}

/* Describes a wait status: "exited with status 0", "killed by signal 9
 * (Killed)". */
static void
describe(int st, char *buf, size_t len)
{
	if (WIFEXITED(st))
		snprintf(buf, len, "exited with status %d", WEXITSTATUS(st));
	else if (WIFSIGNALED(st))
		snprintf(buf, len, "killed by signal %d (%s)%s", WTERMSIG(st),
			 strsignal(WTERMSIG(st)),
#ifdef WCOREDUMP
			 WCOREDUMP(st) ? ", core dumped" :
#endif
			 "");
	else
		snprintf(buf, len, "ended with wait status %d", st);
}

/* Records the end of one child; unexpected deaths drive the back-off. */
static void
reaped(struct master *m, pid_t pid, int st, uint64_t cpu_us, long long now)
{
	char how[WAIT_TEXT_MAX];
	struct slot *s = NULL;
	long long lived;

	describe(st, how, sizeof(how));
	if (m->runner.pid != 0 && m->runner.pid == pid) {
		lived = now - m->runner.started;
		memset(&m->runner, 0, sizeof(m->runner));
		if (m->stopping) {
			fprintf(stderr, LOG_PREFIX "batch runner %ld %s after "
				"%lld ms: stopped\n", (long)pid, how, lived);
			return;
		}
		backoff_death(&m->runner_bo, lived, now);
		stats_batch_restart(m->mc->runner->stats);
		fprintf(stderr, LOG_PREFIX "batch runner %ld %s after %lld ms;"
			" restarting in %lld ms\n", (long)pid, how, lived,
			m->runner_bo.delay);
		return;
	}
	for (size_t i = 0; i < MAX_SLOTS; i++)
		if (m->slot[i].state != SLOT_FREE && m->slot[i].pid == pid)
			s = &m->slot[i];
	if (s == NULL)
		return;  /* not ours (cannot happen: we fork only these) */
	lived = now - s->started;
	if (s->state == SLOT_RETIRING || m->stopping) {
		fprintf(stderr, LOG_PREFIX "worker %ld (generation %u) %s "
			"after %lld ms: retired\n", (long)pid, s->gen, how,
			lived);
	} else {
		backoff_death(&m->bo, lived, now);
		stats_restart(m->cur.cfg.stats);
		fprintf(stderr, LOG_PREFIX "worker %ld (generation %u) %s "
			"after %lld ms; respawning in %lld ms\n", (long)pid,
			s->gen, how, lived, m->bo.delay);
	}
	stats_slot_set(m->cur.cfg.stats, (size_t)(s - m->slot), 0,
		       STATS_SLOT_FREE, 0, cpu_us);
	memset(s, 0, sizeof(*s));
}

static void
reap(struct master *m)
{
	struct rusage ru;
	pid_t pid;
	int st;

	/* wait4 for the child's CPU time: /metrics counts it after the
	 * child is gone (process_cpu_seconds_total never goes down). */
	while ((pid = wait4(-1, &st, WNOHANG, &ru)) > 0) {
		uint64_t cpu_us = (uint64_t)(ru.ru_utime.tv_sec +
					     ru.ru_stime.tv_sec) * 1000000u +
				  (uint64_t)(ru.ru_utime.tv_usec +
					     ru.ru_stime.tv_usec);

		reaped(m, pid, st, cpu_us, util_clock_ms());
	}
}

/* ---- the decisions of one loop turn --------------------------------- */

/* Starts missing workers and advances a rolling reload by one step. */
static void
supervise(struct master *m, long long now)
{
	unsigned serving = 0, old = 0;
	bool young = false;
	struct slot *oldest = NULL;

	backoff_heal(&m->bo, now);
	backoff_heal(&m->runner_bo, now);
	if (m->mc->runner != NULL && m->runner.pid == 0 &&
	    now >= m->runner_bo.at)
		spawn_runner(m, now);
	for (size_t i = 0; i < MAX_SLOTS; i++) {
		struct slot *s = &m->slot[i];

		if (s->state != SLOT_SERVING)
			continue;
		serving++;
		if (s->gen != m->gen) {
			old++;
			if (oldest == NULL || s->started < oldest->started)
				oldest = s;
		} else if (now - s->started < MASTER_READY_MS) {
			young = true;
		}
	}
	if (serving < m->mc->workers) {
		/* Start (or replace) every missing worker at once; a failed
		 * fork moves bo.at and ends the loop. */
		for (; serving < m->mc->workers && now >= m->bo.at;
		     serving++)
			spawn(m, now);
	} else if (old > 0 && !young) {
		if (serving > m->mc->workers) {
			fprintf(stderr, LOG_PREFIX "retiring worker %ld "
				"(generation %u)\n", (long)oldest->pid,
				oldest->gen);
			retire(m, oldest, now);
		} else if (now >= m->bo.at) {
			spawn(m, now);
		}
	}
	for (size_t i = 0; i < MAX_SLOTS; i++) {
		struct slot *s = &m->slot[i];

		if (s->state == SLOT_RETIRING && now >= s->kill_at) {
			fprintf(stderr, LOG_PREFIX "worker %ld did not finish "
				"within %d ms: SIGKILL\n", (long)s->pid,
				MASTER_STOP_TIMEOUT_MS);
			kill(s->pid, SIGKILL);
			s->kill_at = now + MASTER_STOP_TIMEOUT_MS;
		}
	}
}

/* Milliseconds until the loop has something to do without a signal. */
static long long
next_wait(const struct master *m, long long now)
{
	long long w = MAX_WAIT_MS;

	if (m->bo.at > now && m->bo.at - now < w)
		w = m->bo.at - now;
	if (m->mc->runner != NULL && m->runner.pid == 0 &&
	    m->runner_bo.at > now && m->runner_bo.at - now < w)
		w = m->runner_bo.at - now;
	for (size_t i = 0; i < MAX_SLOTS; i++) {
		const struct slot *s = &m->slot[i];
		long long t = 0;

		if (s->state == SLOT_SERVING && s->gen == m->gen)
			t = s->started + MASTER_READY_MS;
		else if (s->state == SLOT_RETIRING)
			t = s->kill_at;
		if (t > now && t - now < w)
			w = t - now;
	}
	return w > 0 ? w : 1;
}

static void
reload(struct master *m)
{
	struct app next;
	char err[SERVICE_ERR_MAX];

	fflush(NULL);
	if (app_init(&next, &m->cur.cfg, err, sizeof(err)) != SERVICE_OK) {
		fprintf(stderr, LOG_PREFIX "reload failed: %s\n", err);
		log_model("still serving", &m->cur, m->gen);
		stats_reload(m->cur.cfg.stats, false, m->gen, err);
		return;
	}
	app_free(&m->cur);
	m->cur = next;
	m->gen++;
	/* A new model deserves a fresh start of the back-off (the
	 * workers'; the runner does not serve the model). */
	memset(&m->bo, 0, sizeof(m->bo));
	stats_reload(m->cur.cfg.stats, true, m->gen, NULL);
	log_model("reload: rolling restart with", &m->cur, m->gen);
}

static void
stop(struct master *m, int sig, long long now)
{
	fprintf(stderr, LOG_PREFIX "%s: stopping the workers\n",
		strsignal(sig));
	/* Before the signals, so that each worker sees a draining socket
	 * (fcgi/serve.c): the connections already queued are served. */
	listen_begin_drain(m->mc->sock, m->mc->unix_path);
	m->stopping = true;
	m->stop_at = now + MASTER_STOP_TIMEOUT_MS;
	for (size_t i = 0; i < MAX_SLOTS; i++)
		if (m->slot[i].state != SLOT_FREE)
			kill(m->slot[i].pid, SIGTERM);
	/* The runner drops the chunk in hand: it is done again by the
	 * next runner, never committed half. */
	if (m->runner.pid != 0)
		kill(m->runner.pid, SIGTERM);
}

static bool
any_worker(const struct master *m)
{
	if (m->runner.pid != 0)
		return true;
	for (size_t i = 0; i < MAX_SLOTS; i++)
		if (m->slot[i].state != SLOT_FREE)
			return true;
	return false;
}

/* After the stop deadline: SIGKILL whatever is left, once. */
static void
force(struct master *m)
{
	for (size_t i = 0; i < MAX_SLOTS; i++) {
		if (m->slot[i].state == SLOT_FREE)
			continue;
		fprintf(stderr, LOG_PREFIX "worker %ld did not stop within "
			"%d ms: SIGKILL\n", (long)m->slot[i].pid,
			MASTER_STOP_TIMEOUT_MS);
		kill(m->slot[i].pid, SIGKILL);
	}
	if (m->runner.pid != 0) {
		fprintf(stderr, LOG_PREFIX "batch runner %ld did not stop "
			"within %d ms: SIGKILL\n", (long)m->runner.pid,
			MASTER_STOP_TIMEOUT_MS);
		kill(m->runner.pid, SIGKILL);
	}
	m->stop_at = util_clock_ms() + MASTER_STOP_TIMEOUT_MS;
}

static int
setup(struct master *m)
{
	struct sigaction sa;
	sigset_t set;

	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	/* Handlers that do nothing: the signals stay blocked and are taken
	 * by sigtimedwait, but SIGCHLD must not be discarded as ignored. */
	sa.sa_handler = nothing;
	sigemptyset(&set);
	for (size_t i = 0; i < N_SIGNALS; i++) {
		if (sigaction(master_signals[i], &sa, &m->old_act[i]) != 0)
			return -1;
		sigaddset(&set, master_signals[i]);
	}
	signal(SIGPIPE, SIG_IGN);
	if (sigprocmask(SIG_BLOCK, &set, &m->old_mask) != 0)
		return -1;
	return 0;
}

int
master_run(struct app *app, const struct master_config *mc)
{
	static struct master m;  /* 4 KiB of slots: keep it off the stack */
	sigset_t set;

	memset(&m, 0, sizeof(m));
	m.mc = mc;
	m.cur = *app;
	memset(app, 0, sizeof(*app));
	m.gen = 1;
	m.self = getpid();
	if (mc->workers < 1 || mc->workers > MASTER_MAX_WORKERS ||
	    setup(&m) != 0) {
		fprintf(stderr, LOG_PREFIX "cannot start: %s\n",
			mc->workers < 1 || mc->workers > MASTER_MAX_WORKERS ?
			"bad number of workers" : strerror(errno));
		app_free(&m.cur);
		return 1;
	}
	if (mc->runner != NULL)
		stats_batch_runner(mc->runner->stats);
	fprintf(stderr, LOG_PREFIX "pid %ld, %u workers%s\n", (long)m.self,
		mc->workers, mc->runner != NULL ? ", a batch runner" : "");
	log_model("serving", &m.cur, m.gen);
	sigemptyset(&set);
	for (size_t i = 0; i < N_SIGNALS; i++)
		sigaddset(&set, master_signals[i]);
	for (;;) {
		long long now, w;
		struct timespec ts;
		int sig;

		reap(&m);
		now = util_clock_ms();
		if (m.stopping) {
			if (!any_worker(&m))
				break;
			if (now >= m.stop_at)
				force(&m);
			w = m.stop_at - now;
			if (w > MAX_WAIT_MS)
				w = MAX_WAIT_MS;
			if (w < 1)
				w = 1;
		} else {
			supervise(&m, now);
			w = next_wait(&m, now);
		}
		ts.tv_sec = (time_t)(w / 1000);
		ts.tv_nsec = (long)(w % 1000) * 1000000;
		sig = sigtimedwait(&set, NULL, &ts);
		if (sig == SIGHUP && !m.stopping)
			reload(&m);
		else if (sig == SIGHUP)
			fprintf(stderr, LOG_PREFIX "stopping: reload "
				"ignored\n");
		else if ((sig == SIGTERM || sig == SIGINT) && !m.stopping)
			stop(&m, sig, util_clock_ms());
	}
	fprintf(stderr, LOG_PREFIX "all workers stopped; exiting\n");
	app_free(&m.cur);
	sigprocmask(SIG_SETMASK, &m.old_mask, NULL);
	return 0;
}
