/* SPDX-License-Identifier: MIT
 * tests/unit/train_args_test.c - reading training arguments from a file
 * (train_args_load in core/train.c): the keys override the defaults, and
 * a bad, missing or oversized file is reported with its path.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/train.h"
#include "tests/unit/tap.h"

static char dir[] = "/tmp/train_args_test.XXXXXX";

static const char *
write_args(const char *name, const char *text, size_t len)
{
	static char path[96];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (f == NULL || fwrite(text, 1, len, f) != len || fclose(f) != 0) {
		printf("Bail out! cannot write %s\n", path);
		exit(1);
	}
	return path;
}

static void
train_args_load_should_override_the_defaults(void)
{
	struct train_args a;
	struct core_error err = { "" };
	const char *path = write_args("args.json",
				      "{\"alpha\": 0.001, \"num_epochs\": 3}",
				      strlen("{\"alpha\": 0.001, \"num_epochs\": 3}"));
	double alpha;

	train_args_default(&a);
	alpha = a.alpha;
	tap_ok(train_args_load(path, &a, &err) == CORE_OK,
	       "train_args_load should accept a JSON object %s", err.msg);
	tap_ok(a.alpha == 0.001 && a.num_epochs == 3 && alpha != 0.001,
	       "the file's keys should override the defaults");
	unlink(path);
}

static void
train_args_load_should_name_the_file(void)
{
	struct train_args a;
	struct core_error err = { "" };
	const char *path;
	char *big;

	train_args_default(&a);
	path = write_args("bad.json", "{\"alpha\": \"x\"}", 14);
	tap_ok(train_args_load(path, &a, &err) == CORE_ERR_INPUT &&
	       strncmp(err.msg, path, strlen(path)) == 0 &&
	       strstr(err.msg, "alpha") != NULL,
	       "a wrong type should be CORE_ERR_INPUT naming file and key: %s",
	       err.msg);
	unlink(path);
	tap_ok(train_args_load(path, &a, &err) == CORE_ERR_IO &&
	       strstr(err.msg, "No such file") != NULL,
	       "a missing file should be CORE_ERR_IO: %s", err.msg);
	big = malloc(TRAIN_MAX_ARGS_BYTES + 1);
	if (big == NULL) {
		printf("Bail out! malloc\n");
		exit(1);
	}
	memset(big, ' ', TRAIN_MAX_ARGS_BYTES + 1);
	path = write_args("big.json", big, TRAIN_MAX_ARGS_BYTES + 1);
	tap_ok(train_args_load(path, &a, &err) == CORE_ERR_LIMIT &&
	       strstr(err.msg, "larger than") != NULL,
	       "a file over TRAIN_MAX_ARGS_BYTES should be CORE_ERR_LIMIT: %s",
	       err.msg);
	unlink(path);
	free(big);
}

int
main(void)
{
	if (mkdtemp(dir) == NULL) {
		printf("Bail out! mkdtemp\n");
		return 1;
	}
	train_args_load_should_override_the_defaults();
	train_args_load_should_name_the_file();
	rmdir(dir);
	return tap_done();
}
