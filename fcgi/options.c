/* SPDX-License-Identifier: MIT
 * fcgi/options.c - the options of tagifai-fcgi: environment first, then
 * the command line; sizes are decimal, from 1 to a documented maximum.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "core/batch.h"
#include "fcgi/master.h"
#include "fcgi/options.h"
#include "fcgi/route.h"

void
options_usage(FILE *f)
{
	fprintf(f,
"usage: tagifai-fcgi [OPTIONS]\n"
"Serve the TagIfAI API over FastCGI (or answer one CGI request).\n\n"
"  --model PATH         model artifact (TAGIFAI_MODEL; default\n"
"                       " OPTIONS_DEFAULT_MODEL ")\n"
"  --listen ADDR        unix:PATH or HOST:PORT (TAGIFAI_LISTEN; default:\n"
"                       the FastCGI socket on fd 0)\n"
"  --backlog N          listen backlog (default %d)\n"
"  --workers N          pre-fork N supervised workers on the socket and\n"
"                       reload the model on SIGHUP (TAGIFAI_WORKERS;\n"
"                       default: serve in this process)\n"
"  --www DIR            pages and static/ (TAGIFAI_WWW; default\n"
"                       " TAGIFAI_WWWDIR ")\n"
"  --prefix /mount      mount prefix (TAGIFAI_PREFIX; default: SCRIPT_NAME\n"
"                       when PATH_INFO is set, else none)\n"
"  --max-body BYTES     largest request body (TAGIFAI_MAX_BODY; %u)\n"
"  --max-texts N        texts per request (TAGIFAI_MAX_TEXTS; %d)\n"
"  --max-text-chars N   characters per text (TAGIFAI_MAX_TEXT_CHARS; %d)\n"
"  --access-log         a line per request on stderr (TAGIFAI_ACCESS_LOG=1;\n"
"                       default: only failures, the web server logs access)\n"
"  --log-format F       text or json: one JSON object a line\n"
"                       (TAGIFAI_LOG_FORMAT; default text)\n"
"  --metrics-dir DIR    without --workers: share the /metrics counters\n"
"                       with the other processes using DIR\n"
"                       (TAGIFAI_METRICS_DIR; default: this process only)\n"
"  --registry DIR       serve models from the registry in DIR, created if\n"
"                       needed; an empty one gets --model as version 1 of\n"
"                       the default model (TAGIFAI_REGISTRY; default: none)\n"
"  --default-model NAME the registry model POST /predict serves\n"
"                       (TAGIFAI_DEFAULT_MODEL; default %s)\n"
"  --max-upload BYTES   largest uploaded version or batch job body\n"
"                       (TAGIFAI_MAX_UPLOAD; %u)\n"
"  --max-batch-items N  items of a batch job (TAGIFAI_MAX_BATCH_ITEMS; %d)\n"
"  --require-auth LIST  close public routes to API keys (TAGIFAI_REQUIRE_AUTH):\n"
"                       predict (prediction routes, role predict), metrics\n"
"                       (/metrics, role read); comma-separated\n"
"  --batch-runner on|off\n"
"                       with --registry and --workers, the master also\n"
"                       runs the batch jobs in a process of its own\n"
"                       (TAGIFAI_BATCH_RUNNER; default on)\n"
"  --batch-threads N    its tagging threads (TAGIFAI_BATCH_THREADS; %d,\n"
"                       at most %d)\n"
"  --batch-nice N       added to its niceness, 0 to %d (TAGIFAI_BATCH_NICE;\n"
"                       %d)\n"
"  --help, --version\n",
		OPTIONS_DEFAULT_BACKLOG, APP_DEFAULT_MAX_BODY,
		SCHEMA_DEFAULT_MAX_TEXTS, SCHEMA_DEFAULT_MAX_TEXT_CHARS,
		APP_DEFAULT_MODEL_NAME, APP_DEFAULT_MAX_UPLOAD,
		SCHEMA_DEFAULT_MAX_BATCH_ITEMS,
		OPTIONS_DEFAULT_BATCH_THREADS, BATCH_MAX_JOBS,
		OPTIONS_MAX_BATCH_NICE, OPTIONS_DEFAULT_BATCH_NICE);
}

/* Parses a positive decimal size no larger than max. */
static enum service_status
parse_size(const char *opt, const char *s, size_t max, size_t *out,
	   char *err, size_t err_len)
{
	char *end;
	unsigned long long v;

	errno = 0;
	if (s[0] < '0' || s[0] > '9')
		goto bad;
	v = strtoull(s, &end, 10);
	if (errno != 0 || *end != '\0' || v == 0 || v > max)
		goto bad;
	*out = (size_t)v;
	return SERVICE_OK;
bad:
	snprintf(err, err_len, "%s: expected a number from 1 to %zu, got "
		 "'%s'", opt, max, s);
	return SERVICE_ERR_USAGE;
}

enum opt_id {
	OPT_MODEL = 256, OPT_LISTEN, OPT_BACKLOG, OPT_WWW, OPT_PREFIX,
	OPT_MAX_BODY, OPT_MAX_TEXTS, OPT_MAX_TEXT_CHARS, OPT_HELP,
	OPT_VERSION, OPT_WORKERS, OPT_ACCESS_LOG, OPT_LOG_FORMAT,
	OPT_METRICS_DIR, OPT_REGISTRY, OPT_DEFAULT_MODEL, OPT_MAX_UPLOAD,
	OPT_REQUIRE_AUTH, OPT_MAX_BATCH_ITEMS, OPT_BATCH_RUNNER,
	OPT_BATCH_THREADS, OPT_BATCH_NICE
};

/* --batch-runner before it is resolved against --registry and
 * --workers. */
enum batch_mode {
	BATCH_AUTO = 0,  /* on when both are given */
	BATCH_ON,        /* on, and an error without them */
	BATCH_OFF
};

static const struct option longopts[] = {
	{ "model", required_argument, NULL, OPT_MODEL },
	{ "listen", required_argument, NULL, OPT_LISTEN },
	{ "backlog", required_argument, NULL, OPT_BACKLOG },
	{ "www", required_argument, NULL, OPT_WWW },
	{ "prefix", required_argument, NULL, OPT_PREFIX },
	{ "max-body", required_argument, NULL, OPT_MAX_BODY },
	{ "max-texts", required_argument, NULL, OPT_MAX_TEXTS },
	{ "max-text-chars", required_argument, NULL, OPT_MAX_TEXT_CHARS },
	{ "workers", required_argument, NULL, OPT_WORKERS },
	{ "access-log", no_argument, NULL, OPT_ACCESS_LOG },
	{ "log-format", required_argument, NULL, OPT_LOG_FORMAT },
	{ "metrics-dir", required_argument, NULL, OPT_METRICS_DIR },
	{ "registry", required_argument, NULL, OPT_REGISTRY },
	{ "default-model", required_argument, NULL, OPT_DEFAULT_MODEL },
	{ "max-upload", required_argument, NULL, OPT_MAX_UPLOAD },
	{ "require-auth", required_argument, NULL, OPT_REQUIRE_AUTH },
	{ "max-batch-items", required_argument, NULL, OPT_MAX_BATCH_ITEMS },
	{ "batch-runner", required_argument, NULL, OPT_BATCH_RUNNER },
	{ "batch-threads", required_argument, NULL, OPT_BATCH_THREADS },
	{ "batch-nice", required_argument, NULL, OPT_BATCH_NICE },
	{ "help", no_argument, NULL, OPT_HELP },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ NULL, 0, NULL, 0 },
};

/* The sizes: option name, environment variable, maximum. */
struct size_opt {
	int id;
	const char *opt, *env;
	size_t max;
};

static const struct size_opt sizes[] = {
	{ OPT_MAX_BODY, "--max-body", "TAGIFAI_MAX_BODY", APP_MAX_MAX_BODY },
	{ OPT_WORKERS, "--workers", "TAGIFAI_WORKERS", MASTER_MAX_WORKERS },
	{ OPT_MAX_TEXTS, "--max-texts", "TAGIFAI_MAX_TEXTS",
	  OPTIONS_MAX_TEXTS },
	{ OPT_MAX_TEXT_CHARS, "--max-text-chars", "TAGIFAI_MAX_TEXT_CHARS",
	  OPTIONS_MAX_TEXT_CHARS },
	{ OPT_BACKLOG, "--backlog", NULL, OPTIONS_MAX_BACKLOG },
	{ OPT_MAX_UPLOAD, "--max-upload", "TAGIFAI_MAX_UPLOAD",
	  APP_MAX_MAX_UPLOAD },
	{ OPT_MAX_BATCH_ITEMS, "--max-batch-items", "TAGIFAI_MAX_BATCH_ITEMS",
	  OPTIONS_MAX_BATCH_ITEMS },
	{ OPT_BATCH_THREADS, "--batch-threads", "TAGIFAI_BATCH_THREADS",
	  BATCH_MAX_JOBS },
};

static size_t *
size_target(int id, struct options *o, size_t *backlog)
{
	switch (id) {
	case OPT_MAX_BODY: return &o->cfg.max_body;
	case OPT_MAX_UPLOAD: return &o->cfg.max_upload;
	case OPT_WORKERS: return &o->workers;
	case OPT_BATCH_THREADS: return &o->batch_threads;
	case OPT_MAX_TEXTS: return &o->cfg.limits.value[SCHEMA_LIMIT_TEXTS];
	case OPT_MAX_TEXT_CHARS:
		return &o->cfg.limits.value[SCHEMA_LIMIT_TEXT_CHARS];
	case OPT_MAX_BATCH_ITEMS:
		return &o->cfg.limits.value[SCHEMA_LIMIT_BATCH_ITEMS];
	default: return backlog;
	}
}

static const char *
env_str(const char *name, const char *dflt)
{
	const char *v = getenv(name);

	return v != NULL && *v != '\0' ? v : dflt;
}

/* "text" or "json"; opt names the option or variable for the error. */
static enum service_status
log_format(const char *v, bool *json, const char *opt, char *err,
	   size_t err_len)
{
	if (strcmp(v, "text") == 0 || strcmp(v, "json") == 0) {
		*json = v[0] == 'j';
		return SERVICE_OK;
	}
	snprintf(err, err_len, "%s: expected text or json, got '%s'", opt, v);
	return SERVICE_ERR_USAGE;
}

/* "on" or "off"; opt names the option or variable for the error. */
static enum service_status
batch_mode(const char *v, enum batch_mode *mode, const char **from,
	   const char *opt, char *err, size_t err_len)
{
	if (strcmp(v, "on") == 0 || strcmp(v, "off") == 0) {
		*mode = v[1] == 'n' ? BATCH_ON : BATCH_OFF;
		*from = opt;
		return SERVICE_OK;
	}
	snprintf(err, err_len, "%s: expected on or off, got '%s'", opt, v);
	return SERVICE_ERR_USAGE;
}

/* A niceness increment: 0 to OPTIONS_MAX_BATCH_NICE. */
static enum service_status
batch_nice(const char *v, int *out, const char *opt, char *err,
	   size_t err_len)
{
	if (v[0] >= '0' && v[0] <= '9' &&
	    (v[1] == '\0' || (v[0] == '1' && v[1] >= '0' && v[1] <= '9' &&
			      v[2] == '\0'))) {
		int n = atoi(v);

		if (n <= OPTIONS_MAX_BATCH_NICE) {
			*out = n;
			return SERVICE_OK;
		}
	}
	snprintf(err, err_len, "%s: expected a number from 0 to %d, got '%s'",
		 opt, OPTIONS_MAX_BATCH_NICE, v);
	return SERVICE_ERR_USAGE;
}

/* "predict,metrics" (or "") into the route_gate bits *out. */
static enum service_status
require_auth(const char *list, unsigned *out, const char *what, char *err,
	     size_t err_len)
{
	const char *p = list;

	*out = 0;
	while (*p != '\0') {
		size_t n = strcspn(p, ",");

		if (n == 7 && strncmp(p, "predict", n) == 0)
			*out |= ROUTE_GATE_PREDICT;
		else if (n == 7 && strncmp(p, "metrics", n) == 0)
			*out |= ROUTE_GATE_METRICS;
		else if (n != 0) {
			snprintf(err, err_len, "%s: expected predict and/or "
				 "metrics, got '%.*s'", what, (int)n, p);
			return SERVICE_ERR_USAGE;
		}
		p += n;
		if (*p == ',')
			p++;
	}
	return SERVICE_OK;
}

/* The defaults, then the environment. */
static enum service_status
defaults(struct options *o, size_t *backlog, enum batch_mode *batch,
	 const char **batch_from, char *err, size_t err_len)
{
	struct app_config *c = &o->cfg;
	const char *v;

	memset(o, 0, sizeof(*o));
	c->model_path = env_str("TAGIFAI_MODEL", OPTIONS_DEFAULT_MODEL);
	c->listen = env_str("TAGIFAI_LISTEN", NULL);
	c->www_dir = env_str("TAGIFAI_WWW", TAGIFAI_WWWDIR);
	c->prefix = env_str("TAGIFAI_PREFIX", NULL);
	c->max_body = APP_DEFAULT_MAX_BODY;
	c->max_upload = APP_DEFAULT_MAX_UPLOAD;
	c->registry_dir = env_str("TAGIFAI_REGISTRY", NULL);
	c->default_model = env_str("TAGIFAI_DEFAULT_MODEL",
				   APP_DEFAULT_MODEL_NAME);
	if (require_auth(env_str("TAGIFAI_REQUIRE_AUTH", ""),
			 &c->require_auth, "TAGIFAI_REQUIRE_AUTH", err,
			 err_len) != SERVICE_OK)
		return SERVICE_ERR_USAGE;
	c->access_log = strcmp(env_str("TAGIFAI_ACCESS_LOG", "0"), "0") != 0;
	o->metrics_dir = env_str("TAGIFAI_METRICS_DIR", NULL);
	if (log_format(env_str("TAGIFAI_LOG_FORMAT", "text"), &c->log_json,
		       "TAGIFAI_LOG_FORMAT", err, err_len) != SERVICE_OK)
		return SERVICE_ERR_USAGE;
	*batch = BATCH_AUTO;
	v = env_str("TAGIFAI_BATCH_RUNNER", NULL);
	if (v != NULL && batch_mode(v, batch, batch_from,
				    "TAGIFAI_BATCH_RUNNER", err,
				    err_len) != SERVICE_OK)
		return SERVICE_ERR_USAGE;
	o->batch_nice = OPTIONS_DEFAULT_BATCH_NICE;
	v = env_str("TAGIFAI_BATCH_NICE", NULL);
	if (v != NULL && batch_nice(v, &o->batch_nice, "TAGIFAI_BATCH_NICE",
				    err, err_len) != SERVICE_OK)
		return SERVICE_ERR_USAGE;
	o->batch_threads = OPTIONS_DEFAULT_BATCH_THREADS;
	schema_limits_default(&c->limits);
	*backlog = OPTIONS_DEFAULT_BACKLOG;
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		v = sizes[i].env ? env_str(sizes[i].env, NULL) : NULL;
		/* The variable's name is the one to fix. */
		if (v != NULL &&
		    parse_size(sizes[i].env, v, sizes[i].max,
			       size_target(sizes[i].id, o, backlog), err,
			       err_len) != SERVICE_OK)
			return SERVICE_ERR_USAGE;
	}
	return SERVICE_OK;
}

static const struct size_opt *
size_opt(int id)
{
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
		if (sizes[i].id == id)
			return &sizes[i];
	return NULL;
}

static enum service_status
usage_error(struct options *o, char *err, size_t err_len, const char *what,
	    const char *arg)
{
	snprintf(err, err_len, "%s '%s'", what, arg);
	o->show_usage = true;
	return SERVICE_ERR_USAGE;
}

enum service_status
options_parse(int argc, char **argv, struct options *o, char *err,
	      size_t err_len)
{
	struct app_config *c = &o->cfg;
	enum batch_mode batch;
	const char *batch_from = NULL;  /* who said on or off */
	size_t backlog;
	int ch;

	if (defaults(o, &backlog, &batch, &batch_from, err, err_len) !=
	    SERVICE_OK)
		return SERVICE_ERR_USAGE;
	optind = 0;   /* glibc: start afresh, even after an earlier parse */
	opterr = 0;   /* errors are reported through err */
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		const struct size_opt *s = size_opt(ch);

		if (s != NULL) {
			if (parse_size(s->opt, optarg, s->max,
				       size_target(ch, o, &backlog), err,
				       err_len) != SERVICE_OK)
				return SERVICE_ERR_USAGE;
			continue;
		}
		switch (ch) {
		case OPT_MODEL: c->model_path = optarg; break;
		case OPT_LISTEN: c->listen = optarg; break;
		case OPT_ACCESS_LOG: c->access_log = true; break;
		case OPT_METRICS_DIR: o->metrics_dir = optarg; break;
		case OPT_LOG_FORMAT:
			if (log_format(optarg, &c->log_json, "--log-format",
				       err, err_len) != SERVICE_OK)
				return SERVICE_ERR_USAGE;
			break;
		case OPT_REGISTRY: c->registry_dir = optarg; break;
		case OPT_DEFAULT_MODEL: c->default_model = optarg; break;
		case OPT_REQUIRE_AUTH:
			if (require_auth(optarg, &c->require_auth,
					 "--require-auth", err, err_len) !=
			    SERVICE_OK)
				return SERVICE_ERR_USAGE;
			break;
		case OPT_BATCH_RUNNER:
			if (batch_mode(optarg, &batch, &batch_from,
				       "--batch-runner", err, err_len) !=
			    SERVICE_OK)
				return SERVICE_ERR_USAGE;
			break;
		case OPT_BATCH_NICE:
			if (batch_nice(optarg, &o->batch_nice, "--batch-nice",
				       err, err_len) != SERVICE_OK)
				return SERVICE_ERR_USAGE;
			break;
		case OPT_WWW: c->www_dir = optarg; break;
		case OPT_PREFIX: c->prefix = optarg; break;
		case OPT_HELP: o->action = OPTIONS_HELP; return SERVICE_OK;
		case OPT_VERSION:
			o->action = OPTIONS_VERSION;
			return SERVICE_OK;
		default:
			return usage_error(o, err, err_len, optopt != 0 ?
					   "invalid use of option" :
					   "unrecognized option",
					   argv[optind - 1]);
		}
	}
	if (optind < argc) {
		snprintf(err, err_len, "unexpected argument '%s'",
			 argv[optind]);
		return SERVICE_ERR_USAGE;
	}
	if (c->prefix != NULL && c->prefix[0] != '\0' && c->prefix[0] != '/') {
		snprintf(err, err_len, "--prefix must start with '/'");
		return SERVICE_ERR_USAGE;
	}
	if (!store_name_ok(c->default_model)) {
		snprintf(err, err_len, "--default-model: '%s' does not match "
			 "^[a-z0-9][a-z0-9-]{0,62}$", c->default_model);
		return SERVICE_ERR_USAGE;
	}
	/* Only the master supervises a runner, and it needs jobs to run. */
	if (batch == BATCH_ON &&
	    (c->registry_dir == NULL || o->workers == 0)) {
		snprintf(err, err_len, "%s on needs --registry and "
			 "--workers (without them run `tagifai batch-runner "
			 "--registry DIR`)", batch_from);
		return SERVICE_ERR_USAGE;
	}
	o->batch_runner = batch != BATCH_OFF && c->registry_dir != NULL &&
			  o->workers > 0;
	c->backlog = (int)backlog;
	return SERVICE_OK;
}
