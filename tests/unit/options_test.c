/* SPDX-License-Identifier: MIT
 * tests/unit/options_test.c - tagifai-fcgi's options: defaults, the
 * TAGIFAI_* environment, the command line winning over it, the bounds of
 * every size, and the errors that make main exit 2.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "fcgi/options.h"
#include "fcgi/route.h"
#include "tests/unit/tap.h"

static const char *const env_names[] = {
	"TAGIFAI_MODEL", "TAGIFAI_LISTEN", "TAGIFAI_WWW", "TAGIFAI_PREFIX",
	"TAGIFAI_MAX_BODY", "TAGIFAI_WORKERS", "TAGIFAI_MAX_TEXTS",
	"TAGIFAI_MAX_TEXT_CHARS", "TAGIFAI_ACCESS_LOG", "TAGIFAI_LOG_FORMAT",
	"TAGIFAI_METRICS_DIR", "TAGIFAI_REGISTRY", "TAGIFAI_DEFAULT_MODEL",
	"TAGIFAI_MAX_UPLOAD", "TAGIFAI_REQUIRE_AUTH", "TAGIFAI_MAX_BATCH_ITEMS",
	"TAGIFAI_BATCH_RUNNER", "TAGIFAI_BATCH_THREADS", "TAGIFAI_BATCH_NICE",
};

static void
clear_env(void)
{
	for (size_t i = 0; i < sizeof(env_names) / sizeof(env_names[0]); i++)
		unsetenv(env_names[i]);
}

/* Parses the NULL-terminated arguments after the program name. */
static enum service_status
parse(struct options *o, char *err, ...)
{
	char *argv[16] = { "tagifai-fcgi" };
	int argc = 1;
	va_list ap;
	char *a;

	va_start(ap, err);
	while ((a = va_arg(ap, char *)) != NULL && argc < 15)
		argv[argc++] = a;
	va_end(ap);
	err[0] = '\0';
	return options_parse(argc, argv, o, err, OPTIONS_ERR_MAX);
}

static void
defaults_should_match_the_usage(void)
{
	struct options o;
	char err[OPTIONS_ERR_MAX];

	clear_env();
	tap_ok(parse(&o, err, NULL) == SERVICE_OK, "no options is fine");
	tap_str_eq(o.cfg.model_path, OPTIONS_DEFAULT_MODEL, "default model");
	tap_ok(o.cfg.listen == NULL && o.cfg.prefix == NULL,
	       "no --listen, no --prefix by default");
	tap_ok(o.cfg.backlog == OPTIONS_DEFAULT_BACKLOG &&
	       o.cfg.max_body == APP_DEFAULT_MAX_BODY && o.workers == 0 &&
	       !o.cfg.access_log && o.action == OPTIONS_SERVE,
	       "default backlog, body limit, no workers, no access log");
	tap_ok(o.cfg.limits.value[SCHEMA_LIMIT_TEXTS] ==
	       SCHEMA_DEFAULT_MAX_TEXTS &&
	       o.cfg.limits.value[SCHEMA_LIMIT_TEXT_CHARS] ==
	       SCHEMA_DEFAULT_MAX_TEXT_CHARS, "default request limits");
}

static void
environment_should_apply_and_options_should_win(void)
{
	struct options o;
	char err[OPTIONS_ERR_MAX];

	clear_env();
	setenv("TAGIFAI_MODEL", "/env/m.tagifai", 1);
	setenv("TAGIFAI_LISTEN", "unix:/tmp/x.sock", 1);
	setenv("TAGIFAI_MAX_BODY", "2048", 1);
	setenv("TAGIFAI_WORKERS", "3", 1);
	setenv("TAGIFAI_MAX_TEXTS", "5", 1);
	setenv("TAGIFAI_ACCESS_LOG", "1", 1);
	setenv("TAGIFAI_PREFIX", "", 1);   /* empty is unset */
	tap_ok(parse(&o, err, NULL) == SERVICE_OK, "environment alone");
	tap_str_eq(o.cfg.model_path, "/env/m.tagifai", "TAGIFAI_MODEL");
	tap_str_eq(o.cfg.listen, "unix:/tmp/x.sock", "TAGIFAI_LISTEN");
	tap_ok(o.cfg.max_body == 2048 && o.workers == 3 &&
	       o.cfg.limits.value[SCHEMA_LIMIT_TEXTS] == 5 &&
	       o.cfg.access_log && o.cfg.prefix == NULL,
	       "TAGIFAI_MAX_BODY, _WORKERS, _MAX_TEXTS, _ACCESS_LOG");
	tap_ok(parse(&o, err, "--model", "/cli/m.tagifai", "--max-body",
		     "4096", "--workers", "1", "--backlog", "7",
		     "--prefix", "/api", "--www", "/w", "--max-text-chars",
		     "9", NULL) == SERVICE_OK, "options over the environment");
	tap_str_eq(o.cfg.model_path, "/cli/m.tagifai", "--model wins");
	tap_ok(o.cfg.max_body == 4096 && o.workers == 1 &&
	       o.cfg.backlog == 7 &&
	       o.cfg.limits.value[SCHEMA_LIMIT_TEXT_CHARS] == 9 &&
	       o.cfg.limits.value[SCHEMA_LIMIT_TEXTS] == 5,
	       "--max-body, --workers, --backlog, --max-text-chars win; "
	       "the rest stays");
	tap_str_eq(o.cfg.prefix, "/api", "--prefix");
	tap_str_eq(o.cfg.www_dir, "/w", "--www");
	setenv("TAGIFAI_ACCESS_LOG", "0", 1);
	tap_ok(parse(&o, err, NULL) == SERVICE_OK && !o.cfg.access_log,
	       "TAGIFAI_ACCESS_LOG=0 is off");
	tap_ok(parse(&o, err, "--access-log", NULL) == SERVICE_OK &&
	       o.cfg.access_log, "--access-log is on");
	clear_env();
}

static void
log_format_and_metrics_dir_should_parse(void)
{
	struct options o;
	char err[OPTIONS_ERR_MAX];

	clear_env();
	tap_ok(parse(&o, err, NULL) == SERVICE_OK && !o.cfg.log_json &&
	       o.metrics_dir == NULL, "text logs and no --metrics-dir by "
	       "default");
	tap_ok(parse(&o, err, "--log-format", "json", "--metrics-dir",
		     "/run/t", NULL) == SERVICE_OK && o.cfg.log_json,
	       "--log-format json");
	tap_str_eq(o.metrics_dir, "/run/t", "--metrics-dir");
	setenv("TAGIFAI_LOG_FORMAT", "json", 1);
	setenv("TAGIFAI_METRICS_DIR", "/run/e", 1);
	tap_ok(parse(&o, err, NULL) == SERVICE_OK && o.cfg.log_json,
	       "TAGIFAI_LOG_FORMAT=json");
	tap_str_eq(o.metrics_dir, "/run/e", "TAGIFAI_METRICS_DIR");
	tap_ok(parse(&o, err, "--log-format", "text", NULL) == SERVICE_OK &&
	       !o.cfg.log_json, "--log-format text wins");
	tap_ok(parse(&o, err, "--log-format", "xml", NULL) ==
	       SERVICE_ERR_USAGE && strstr(err, "--log-format") != NULL,
	       "--log-format xml is a usage error naming the option: %s",
	       err);
	setenv("TAGIFAI_LOG_FORMAT", "yaml", 1);
	tap_ok(parse(&o, err, NULL) == SERVICE_ERR_USAGE &&
	       strstr(err, "TAGIFAI_LOG_FORMAT") != NULL,
	       "a bad TAGIFAI_LOG_FORMAT names the variable: %s", err);
	clear_env();
}

static void
sizes_should_be_checked_against_their_bounds(void)
{
	static const struct {
		const char *opt, *value;
		bool ok;
	} cases[] = {
		{ "--max-body", "1", true },
		{ "--max-body", "67108864", true },
		{ "--max-body", "67108865", false },
		{ "--max-body", "0", false },
		{ "--max-body", "-1", false },
		{ "--max-body", "+1", false },
		{ "--max-body", " 1", false },
		{ "--max-body", "1k", false },
		{ "--max-body", "", false },
		{ "--max-body", "99999999999999999999999", false },
		{ "--workers", "64", true },
		{ "--workers", "65", false },
		{ "--backlog", "65535", true },
		{ "--backlog", "65536", false },
		{ "--max-texts", "1000000", true },
		{ "--max-texts", "1000001", false },
		{ "--max-text-chars", "10000000", true },
		{ "--max-text-chars", "10000001", false },
	};
	struct options o;
	char err[OPTIONS_ERR_MAX];

	clear_env();
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		enum service_status st = parse(&o, err, cases[i].opt,
					       cases[i].value, NULL);

		tap_ok((st == SERVICE_OK) == cases[i].ok &&
		       (cases[i].ok || (strstr(err, cases[i].opt) != NULL &&
					!o.show_usage)),
		       "%s '%s' should be %s (err '%s')", cases[i].opt,
		       cases[i].value, cases[i].ok ? "taken" : "refused", err);
	}
	setenv("TAGIFAI_WORKERS", "65", 1);
	tap_ok(parse(&o, err, NULL) == SERVICE_ERR_USAGE &&
	       strstr(err, "TAGIFAI_WORKERS") != NULL,
	       "a bad variable is named in the error (%s)", err);
	clear_env();
}

static void
bad_command_lines_should_be_usage_errors(void)
{
	struct options o;
	char err[OPTIONS_ERR_MAX];

	clear_env();
	tap_ok(parse(&o, err, "--bogus", NULL) == SERVICE_ERR_USAGE &&
	       o.show_usage && strstr(err, "--bogus") != NULL,
	       "an unknown option shows the usage (%s)", err);
	tap_ok(parse(&o, err, "--model", NULL) == SERVICE_ERR_USAGE &&
	       o.show_usage && strstr(err, "--model") != NULL,
	       "an option without its value (%s)", err);
	tap_ok(parse(&o, err, "extra", NULL) == SERVICE_ERR_USAGE &&
	       strstr(err, "extra") != NULL, "a stray argument (%s)", err);
	tap_ok(parse(&o, err, "--prefix", "api", NULL) == SERVICE_ERR_USAGE,
	       "--prefix without its leading '/'");
	tap_ok(parse(&o, err, "--prefix", "", NULL) == SERVICE_OK,
	       "--prefix '' means no prefix");
	tap_ok(parse(&o, err, "--help", "--bogus", NULL) == SERVICE_OK &&
	       o.action == OPTIONS_HELP, "--help stops the parse");
	tap_ok(parse(&o, err, "--version", NULL) == SERVICE_OK &&
	       o.action == OPTIONS_VERSION, "--version");
	tap_ok(parse(&o, err, "--max-bo", "10", NULL) == SERVICE_OK &&
	       o.cfg.max_body == 10, "an unambiguous prefix of an option");
	tap_ok(parse(&o, err, "--max-t", "10", NULL) == SERVICE_ERR_USAGE,
	       "an ambiguous prefix is refused");
	tap_ok(parse(&o, err, "--workers=2", NULL) == SERVICE_OK &&
	       o.workers == 2 && o.action == OPTIONS_SERVE,
	       "--opt=value, and a parse after --help starts afresh");
}

static void
registry_options_should_parse(void)
{
	struct options o;
	char err[OPTIONS_ERR_MAX];

	clear_env();
	tap_ok(parse(&o, err, NULL) == SERVICE_OK &&
	       o.cfg.registry_dir == NULL && o.cfg.require_auth == 0 &&
	       strcmp(o.cfg.default_model, APP_DEFAULT_MODEL_NAME) == 0 &&
	       o.cfg.max_upload == APP_DEFAULT_MAX_UPLOAD,
	       "the registry is off by default, prediction open, 64 MiB "
	       "uploads");
	setenv("TAGIFAI_REGISTRY", "/env/reg", 1);
	setenv("TAGIFAI_REQUIRE_AUTH", "predict", 1);
	setenv("TAGIFAI_MAX_UPLOAD", "1024", 1);
	tap_ok(parse(&o, err, NULL) == SERVICE_OK &&
	       strcmp(o.cfg.registry_dir, "/env/reg") == 0 &&
	       o.cfg.require_auth == ROUTE_GATE_PREDICT &&
	       o.cfg.max_upload == 1024,
	       "TAGIFAI_REGISTRY, _REQUIRE_AUTH and _MAX_UPLOAD apply");
	tap_ok(parse(&o, err, "--registry", "/cli/reg", "--default-model",
		     "large-2", "--max-upload", "2048", NULL) == SERVICE_OK &&
	       strcmp(o.cfg.registry_dir, "/cli/reg") == 0 &&
	       strcmp(o.cfg.default_model, "large-2") == 0 &&
	       o.cfg.max_upload == 2048, "the registry options win");
	clear_env();
	tap_ok(parse(&o, err, "--default-model", "Bad_Name", NULL) ==
	       SERVICE_ERR_USAGE && strstr(err, "--default-model") != NULL,
	       "--default-model refuses a name the registry would: %s", err);
	tap_ok(parse(&o, err, "--max-upload", "0", NULL) == SERVICE_ERR_USAGE &&
	       parse(&o, err, "--max-upload", "1073741825", NULL) ==
		       SERVICE_ERR_USAGE &&
	       parse(&o, err, "--max-upload", "1073741824", NULL) == SERVICE_OK,
	       "--max-upload is 1 to 1 GiB");
	tap_ok(parse(&o, err, "--registry-open", NULL) == SERVICE_ERR_USAGE,
	       "--registry-open is gone: every management route needs a key");
	tap_ok(parse(&o, err, "--require-auth", "predict,metrics", NULL) ==
	       SERVICE_OK && o.cfg.require_auth == (ROUTE_GATE_PREDICT |
						  ROUTE_GATE_METRICS) &&
	       parse(&o, err, "--require-auth", "metrics", NULL) ==
	       SERVICE_OK && o.cfg.require_auth == ROUTE_GATE_METRICS,
	       "--require-auth closes predict and/or metrics");
	tap_ok(parse(&o, err, "--require-auth", "predict,admin", NULL) ==
	       SERVICE_ERR_USAGE && strstr(err, "'admin'") != NULL,
	       "--require-auth refuses anything else: %s", err);
}

static void
batch_runner_options_should_parse(void)
{
	struct options o;
	char err[OPTIONS_ERR_MAX];

	clear_env();
	tap_ok(parse(&o, err, NULL) == SERVICE_OK && !o.batch_runner &&
	       o.batch_threads == OPTIONS_DEFAULT_BATCH_THREADS &&
	       o.batch_nice == OPTIONS_DEFAULT_BATCH_NICE,
	       "no runner without a registry; 1 thread, nice 10 by default");
	tap_ok(parse(&o, err, "--registry", "/r", "--workers", "2", NULL) ==
	       SERVICE_OK && o.batch_runner,
	       "--registry and --workers start a runner by default");
	tap_ok(parse(&o, err, "--registry", "/r", NULL) == SERVICE_OK &&
	       !o.batch_runner && parse(&o, err, "--workers", "2", NULL) ==
	       SERVICE_OK && !o.batch_runner,
	       "no runner without the master or without a registry");
	tap_ok(parse(&o, err, "--registry", "/r", "--workers", "2",
		     "--batch-runner", "off", NULL) == SERVICE_OK &&
	       !o.batch_runner, "--batch-runner off");
	tap_ok(parse(&o, err, "--registry", "/r", "--workers", "2",
		     "--batch-runner", "on", "--batch-threads", "4",
		     "--batch-nice", "0", NULL) == SERVICE_OK &&
	       o.batch_runner && o.batch_threads == 4 && o.batch_nice == 0,
	       "--batch-runner on, --batch-threads 4, --batch-nice 0");
	tap_ok(parse(&o, err, "--registry", "/r", "--batch-runner", "on",
		     NULL) == SERVICE_ERR_USAGE &&
	       strstr(err, "--batch-runner on needs --registry and "
		      "--workers") != NULL,
	       "--batch-runner on without --workers is an error: %s", err);
	setenv("TAGIFAI_BATCH_RUNNER", "off", 1);
	setenv("TAGIFAI_BATCH_THREADS", "3", 1);
	setenv("TAGIFAI_BATCH_NICE", "19", 1);
	tap_ok(parse(&o, err, "--registry", "/r", "--workers", "2", NULL) ==
	       SERVICE_OK && !o.batch_runner && o.batch_threads == 3 &&
	       o.batch_nice == 19, "TAGIFAI_BATCH_RUNNER, _THREADS, _NICE");
	tap_ok(parse(&o, err, "--registry", "/r", "--workers", "2",
		     "--batch-runner", "on", "--batch-threads", "2",
		     "--batch-nice", "5", NULL) == SERVICE_OK &&
	       o.batch_runner && o.batch_threads == 2 && o.batch_nice == 5,
	       "the options win over the environment");
	setenv("TAGIFAI_BATCH_RUNNER", "on", 1);
	tap_ok(parse(&o, err, NULL) == SERVICE_ERR_USAGE &&
	       strstr(err, "TAGIFAI_BATCH_RUNNER on needs") != NULL,
	       "the variable is named when it asks for the impossible: %s",
	       err);
	setenv("TAGIFAI_BATCH_RUNNER", "yes", 1);
	tap_ok(parse(&o, err, NULL) == SERVICE_ERR_USAGE &&
	       strstr(err, "TAGIFAI_BATCH_RUNNER: expected on or off") !=
	       NULL, "TAGIFAI_BATCH_RUNNER is on or off: %s", err);
	clear_env();
	tap_ok(parse(&o, err, "--batch-runner", "1", NULL) ==
	       SERVICE_ERR_USAGE &&
	       strstr(err, "--batch-runner: expected on or off") != NULL,
	       "--batch-runner is on or off: %s", err);
	tap_ok(parse(&o, err, "--batch-threads", "64", NULL) == SERVICE_OK &&
	       parse(&o, err, "--batch-threads", "65", NULL) ==
	       SERVICE_ERR_USAGE && parse(&o, err, "--batch-threads", "0",
					 NULL) == SERVICE_ERR_USAGE,
	       "--batch-threads is 1 to 64");
	tap_ok(parse(&o, err, "--batch-nice", "19", NULL) == SERVICE_OK &&
	       o.batch_nice == 19 &&
	       parse(&o, err, "--batch-nice", "20", NULL) ==
	       SERVICE_ERR_USAGE && parse(&o, err, "--batch-nice", "-1",
					 NULL) == SERVICE_ERR_USAGE &&
	       parse(&o, err, "--batch-nice", "05", NULL) ==
	       SERVICE_ERR_USAGE && parse(&o, err, "--batch-nice", "",
					 NULL) == SERVICE_ERR_USAGE,
	       "--batch-nice is 0 to 19 (%s)", err);
}

static void
max_batch_items_should_parse(void)
{
	struct options o;
	char err[OPTIONS_ERR_MAX];

	clear_env();
	tap_ok(parse(&o, err, NULL) == SERVICE_OK &&
	       o.cfg.limits.value[SCHEMA_LIMIT_BATCH_ITEMS] == 1000000,
	       "a batch job takes 1,000,000 items by default");
	setenv("TAGIFAI_MAX_BATCH_ITEMS", "5000", 1);
	tap_ok(parse(&o, err, NULL) == SERVICE_OK &&
	       o.cfg.limits.value[SCHEMA_LIMIT_BATCH_ITEMS] == 5000,
	       "TAGIFAI_MAX_BATCH_ITEMS applies");
	tap_ok(parse(&o, err, "--max-batch-items", "7", NULL) == SERVICE_OK &&
	       o.cfg.limits.value[SCHEMA_LIMIT_BATCH_ITEMS] == 7,
	       "--max-batch-items wins over the environment");
	setenv("TAGIFAI_MAX_BATCH_ITEMS", "many", 1);
	tap_ok(parse(&o, err, NULL) == SERVICE_ERR_USAGE &&
	       strstr(err, "TAGIFAI_MAX_BATCH_ITEMS") != NULL,
	       "a bad TAGIFAI_MAX_BATCH_ITEMS is named: %s", err);
	clear_env();
	tap_ok(parse(&o, err, "--max-batch-items", "0", NULL) ==
		       SERVICE_ERR_USAGE &&
	       parse(&o, err, "--max-batch-items", "100000001", NULL) ==
		       SERVICE_ERR_USAGE &&
	       parse(&o, err, "--max-batch-items", "100000000", NULL) ==
		       SERVICE_OK,
	       "--max-batch-items is 1 to 100,000,000");
}

int
main(void)
{
	defaults_should_match_the_usage();
	environment_should_apply_and_options_should_win();
	log_format_and_metrics_dir_should_parse();
	sizes_should_be_checked_against_their_bounds();
	bad_command_lines_should_be_usage_errors();
	registry_options_should_parse();
	max_batch_items_should_parse();
	batch_runner_options_should_parse();
	return tap_done();
}
