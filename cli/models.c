/* SPDX-License-Identifier: MIT
 * cli/models.c - `tagifai models`: the model registry for operators
 * without HTTP, through the same store the service uses (store/store.h).
 * A change made here reaches running services through the registry's
 * generation file within REGISTRY_POLL_MS (doc/API.md, "Registry").
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "core/artifact.h"
#include "core/sklearn_export.h"
#include "store/store.h"
#include "util/file.h"

#define MODELS_ACTOR_MAX 64
#define MODELS_PUSH_MAX ((size_t)1 << 30)  /* largest file pushed */

static void
usage(FILE *f)
{
	fprintf(f,
"usage: tagifai models ACTION [ARGS] --registry DIR\n"
"\n"
"  list [--name-contains TEXT]   the models, their active and latest versions\n"
"  create NAME [--description T] a new model, with no version\n"
"  push NAME FILE                FILE (an artifact, or a scikit-learn export\n"
"                                in JSON) as the next version; never activates\n"
"  show NAME                     a model and its versions\n"
"  activate NAME VERSION         make VERSION the one that serves\n"
"  rollback NAME                 activate the version active before\n"
"  activations NAME              the activation history, newest first\n"
"  delete NAME [VERSION]         a version, or the model and its versions\n"
"\n"
"  --registry DIR       the registry (TAGIFAI_REGISTRY)\n"
"  --default-model NAME the model the service serves on /predict, which\n"
"                       `delete` refuses (TAGIFAI_DEFAULT_MODEL; tagifai)\n"
"Exit status: 0 done, 1 refused or failed, 2 usage.\n");
}

struct ctx {
	struct store *s;
	const char *default_model;
	char actor[MODELS_ACTOR_MAX];
	struct store_error err;
};

static int
failed(struct ctx *c, enum store_status st)
{
	fprintf(stderr, "tagifai models: %s\n", c->err.msg[0] ? c->err.msg
		: store_strerror(st));
	return 1;
}

static bool
parse_version(const char *s, long long *out)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < 1 || s[0] < '0' || s[0] > '9')
		return false;
	*out = v;
	return true;
}

static const char *
or_none(long long v, char *buf, size_t len)
{
	if (v <= 0)
		return "-";
	snprintf(buf, len, "%lld", v);
	return buf;
}

static int
list(struct ctx *c, const char *filter)
{
	struct store_model *m = NULL;
	char a[32], l[32];
	size_t n = 0;
	enum store_status st = store_model_list(c->s, filter, &m, &n, &c->err);

	if (st != STORE_OK)
		return failed(c, st);
	printf("%-32s %-7s %-7s %s\n", "NAME", "ACTIVE", "LATEST", "UPDATED");
	for (size_t i = 0; i < n; i++)
		printf("%-32s %-7s %-7s %s\n", m[i].name,
		       or_none(m[i].active_version, a, sizeof(a)),
		       or_none(m[i].latest_version, l, sizeof(l)),
		       m[i].updated_at);
	store_models_free(m, n);
	return 0;
}

static int
show(struct ctx *c, const char *name)
{
	struct store_version *v = NULL;
	struct store_model m;
	char a[32];
	size_t n = 0;
	enum store_status st = store_model_get(c->s, name, &m, &c->err);

	if (st != STORE_OK)
		return failed(c, st);
	st = store_version_list(c->s, name, &v, &n, &c->err);
	if (st != STORE_OK) {
		store_model_clear(&m);
		return failed(c, st);
	}
	printf("model:       %s\ndescription: %s\nactive:      %s\n"
	       "created:     %s\n", m.name, m.description,
	       or_none(m.active_version, a, sizeof(a)), m.created_at);
	for (size_t i = 0; i < n; i++)
		printf("version %lld%s: %s, %lld bytes, %lld features, %s, "
		       "by %s, classes %s\n", v[i].version,
		       v[i].version == m.active_version ? " (active)" : "",
		       v[i].checksum, v[i].size, v[i].n_features,
		       v[i].created_at, v[i].created_by, v[i].classes_json);
	store_versions_free(v, n);
	store_model_clear(&m);
	return 0;
}

/* The bytes to push: the file itself, or the artifact converted from a
 * scikit-learn export (a file that starts with '{'). */
static int
read_push(struct ctx *c, const char *name, const char *path, char **out,
	  size_t *len)
{
	struct sklearn_export x = { 0 };
	struct core_error ce = { "" };
	char tmp[] = "/tmp/tagifai-push.XXXXXX";
	char *data = NULL;
	size_t n = 0;
	int fd, rc = 1;

	if (util_file_read(path, MODELS_PUSH_MAX, &data, &n) != UTIL_OK) {
		fprintf(stderr, "tagifai models: %s: %s\n", path,
			strerror(errno));
		return 1;
	}
	if (n == 0 || data[0] != '{') {
		*out = data;
		*len = n;
		return 0;
	}
	(void)c;
	if (sklearn_export_parse(path, data, n, &x, &ce) != CORE_OK)
		goto out;
	x.spec.name = name;
	x.spec.version = "sklearn-import";
	x.spec.args_json = "{}";
	x.spec.performance_json = "{}";
	fd = mkstemp(tmp);
	if (fd < 0) {
		snprintf(ce.msg, sizeof(ce.msg), "%s: %s", tmp,
			 strerror(errno));
		goto out;
	}
	close(fd);
	if (artifact_write(tmp, &x.spec, &ce) == CORE_OK &&
	    util_file_read(tmp, MODELS_PUSH_MAX, out, len) == UTIL_OK)
		rc = 0;
	unlink(tmp);
out:
	if (rc != 0)
		fprintf(stderr, "tagifai models: %s\n", ce.msg[0] ? ce.msg
			: "cannot convert the export");
	sklearn_export_free(&x);
	free(data);
	return rc;
}

static int
push(struct ctx *c, const char *name, const char *path)
{
	struct store_version v;
	char *data = NULL;
	size_t len = 0;
	bool created = false;
	enum store_status st;

	if (read_push(c, name, path, &data, &len) != 0)
		return 1;
	st = store_version_add(c->s, name, data, len, c->actor, &v, &created,
			       &c->err);
	free(data);
	if (st != STORE_OK)
		return failed(c, st);
	printf("%s version %lld %s (%s, %lld bytes); not active\n", name,
	       v.version, created ? "created" : "already present", v.checksum,
	       v.size);
	store_version_clear(&v);
	return 0;
}

static int
activate(struct ctx *c, const char *name, long long version)
{
	long long prev = 0;
	char p[32];
	enum store_status st = store_activate(c->s, name, version, c->actor,
					      &prev, &c->err);

	if (st != STORE_OK)
		return failed(c, st);
	printf("%s: active version %lld (was %s)\n", name, version,
	       or_none(prev, p, sizeof(p)));
	return 0;
}

/* The version active before the current one, from the history. */
static int
rollback(struct ctx *c, const char *name)
{
	struct store_activation *h = NULL;
	size_t n = 0;
	long long to;
	enum store_status st = store_activations(c->s, name, &h, &n, &c->err);

	if (st != STORE_OK)
		return failed(c, st);
	to = n > 0 ? h[0].previous_version : 0;
	free(h);
	if (to <= 0) {
		fprintf(stderr, "tagifai models: %s has no earlier active "
			"version to roll back to\n", name);
		return 1;
	}
	return activate(c, name, to);
}

static int
activations(struct ctx *c, const char *name)
{
	struct store_activation *h = NULL;
	size_t n = 0;
	char p[32];
	enum store_status st = store_activations(c->s, name, &h, &n, &c->err);

	if (st != STORE_OK)
		return failed(c, st);
	printf("%-20s %-7s %-9s %s\n", "ACTIVATED_AT", "VERSION", "PREVIOUS",
	       "BY");
	for (size_t i = 0; i < n; i++)
		printf("%-20s %-7lld %-9s %s\n", h[i].activated_at,
		       h[i].version, or_none(h[i].previous_version, p,
					     sizeof(p)), h[i].activated_by);
	free(h);
	return 0;
}

static int
run(struct ctx *c, const char *action, int n, char **a, const char *filter,
    const char *description)
{
	long long v = 0;

	if (strcmp(action, "list") == 0 && n == 0)
		return list(c, filter);
	if (strcmp(action, "create") == 0 && n == 1) {
		enum store_status st = store_model_create(c->s, a[0],
							  description, NULL,
							  &c->err);

		if (st != STORE_OK)
			return failed(c, st);
		printf("created model %s\n", a[0]);
		return 0;
	}
	if (strcmp(action, "push") == 0 && n == 2)
		return push(c, a[0], a[1]);
	if (strcmp(action, "show") == 0 && n == 1)
		return show(c, a[0]);
	if (strcmp(action, "activate") == 0 && n == 2) {
		if (!parse_version(a[1], &v))
			goto bad_version;
		return activate(c, a[0], v);
	}
	if (strcmp(action, "rollback") == 0 && n == 1)
		return rollback(c, a[0]);
	if (strcmp(action, "activations") == 0 && n == 1)
		return activations(c, a[0]);
	if (strcmp(action, "delete") == 0 && (n == 1 || n == 2)) {
		enum store_status st;

		if (n == 2 && !parse_version(a[1], &v))
			goto bad_version;
		st = n == 1 ? store_model_delete(c->s, a[0], c->default_model,
						 &c->err)
			    : store_version_delete(c->s, a[0], v, &c->err);
		if (st != STORE_OK)
			return failed(c, st);
		printf("deleted %s%s%s\n", a[0], n == 2 ? " version " : "",
		       n == 2 ? a[1] : "");
		return 0;
	}
	fprintf(stderr, "tagifai models: unknown action or wrong arguments: "
		"%s\n", action);
	usage(stderr);
	return 2;
bad_version:
	fprintf(stderr, "tagifai models: '%s' is not a version number\n", a[1]);
	return 2;
}

int
cli_models(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "registry", required_argument, NULL, 'r' },
		{ "default-model", required_argument, NULL, 'd' },
		{ "name-contains", required_argument, NULL, 'n' },
		{ "description", required_argument, NULL, 'D' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct ctx c = { 0 };
	const char *dir = getenv("TAGIFAI_REGISTRY");
	const char *filter = NULL, *description = "", *user;
	int ch, rc;

	c.default_model = getenv("TAGIFAI_DEFAULT_MODEL");
	if (c.default_model == NULL || c.default_model[0] == '\0')
		c.default_model = "tagifai";
	optind = 1;
	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (ch) {
		case 'r': dir = optarg; break;
		case 'd': c.default_model = optarg; break;
		case 'n': filter = optarg; break;
		case 'D': description = optarg; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return 2;
	}
	if (dir == NULL || dir[0] == '\0') {
		fprintf(stderr, "tagifai models: --registry DIR (or "
			"TAGIFAI_REGISTRY) is required\n");
		return 2;
	}
	/* The history records who acted: the login name, marked as the
	 * tool's until users exist (issue 12). */
	user = getenv("USER");
	snprintf(c.actor, sizeof(c.actor), "cli:%s", user ? user : "unknown");
	rc = store_open(dir, &c.s, &c.err);
	if (rc != STORE_OK)
		return failed(&c, (enum store_status)rc);
	rc = run(&c, argv[optind], argc - optind - 1, argv + optind + 1, filter,
		 description);
	store_close(c.s);
	return rc;
}
