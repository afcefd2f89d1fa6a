/* SPDX-License-Identifier: MIT
 * tests/unit/util_file_test.c - reading a whole file: contents and NUL
 * terminator, the size cap (exactly at it and one over), a pipe, errors.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/file.h"
#include "tests/unit/tap.h"

static char dir[] = "/tmp/util_file_test.XXXXXX";

static void
write_file(const char *path, const char *s, size_t n)
{
	FILE *f = fopen(path, "wb");

	if (f == NULL || fwrite(s, 1, n, f) != n || fclose(f) != 0) {
		printf("Bail out! cannot write %s\n", path);
		exit(1);
	}
}

static void
util_file_read_should_read_a_whole_file(void)
{
	char path[64], *data = NULL;
	size_t len = 0;
	static char big[200000];

	snprintf(path, sizeof(path), "%s/a", dir);
	write_file(path, "hello\0world", 11);
	tap_ok(util_file_read(path, 100, &data, &len) == UTIL_OK && len == 11 &&
	       memcmp(data, "hello\0world", 12) == 0,
	       "util_file_read should give every byte and a NUL after them");
	free(data);
	memset(big, 'x', sizeof(big));
	write_file(path, big, sizeof(big));
	data = NULL;
	tap_ok(util_file_read(path, sizeof(big), &data, &len) == UTIL_OK &&
	       len == sizeof(big) && data[len] == '\0' &&
	       memcmp(data, big, len) == 0,
	       "a file exactly at the cap should be read whole");
	free(data);
	data = NULL;
	tap_ok(util_file_read(path, sizeof(big) - 1, &data, &len) ==
	       UTIL_ERR_LIMIT && data == NULL,
	       "a file one byte over the cap should be UTIL_ERR_LIMIT");
	write_file(path, "", 0);
	tap_ok(util_file_read(path, 10, &data, &len) == UTIL_OK && len == 0 &&
	       data != NULL && data[0] == '\0',
	       "an empty file should give an empty string");
	free(data);
	unlink(path);
}

static void
util_file_read_should_read_a_pipe(void)
{
	char *data = NULL;
	size_t len = 0;
	enum util_status st;
	FILE *p = popen("head -c 150000 /dev/zero", "r");
	char path[64];

	if (p == NULL) {
		tap_ok(0, "popen failed");
		return;
	}
	snprintf(path, sizeof(path), "/dev/fd/%d", fileno(p));
	st = util_file_read(path, 1 << 20, &data, &len);
	pclose(p);
	tap_ok(st == UTIL_OK && len == 150000,
	       "util_file_read should read a pipe of unknown size (%zu bytes)",
	       len);
	free(data);
	data = NULL;
	p = popen("head -c 150000 /dev/zero", "r");
	if (p == NULL) {
		tap_ok(0, "popen failed");
		return;
	}
	snprintf(path, sizeof(path), "/dev/fd/%d", fileno(p));
	st = util_file_read(path, 149999, &data, &len);
	pclose(p);
	tap_ok(st == UTIL_ERR_LIMIT && data == NULL,
	       "a pipe one byte over the cap should be UTIL_ERR_LIMIT");
}

static void
util_file_read_should_report_errors(void)
{
	char path[64], *data = NULL;
	size_t len = 0;

	snprintf(path, sizeof(path), "%s/missing", dir);
	errno = 0;
	tap_ok(util_file_read(path, 10, &data, &len) == UTIL_ERR_IO &&
	       errno == ENOENT, "a missing file should be UTIL_ERR_IO, ENOENT");
	errno = 0;
	tap_ok(util_file_read(dir, 10, &data, &len) == UTIL_ERR_IO &&
	       errno == EISDIR, "a folder should be UTIL_ERR_IO, EISDIR");
	tap_ok(data == NULL, "on failure *out should stay untouched");
}

int
main(void)
{
	if (mkdtemp(dir) == NULL) {
		printf("Bail out! mkdtemp\n");
		return 1;
	}
	util_file_read_should_read_a_whole_file();
	util_file_read_should_read_a_pipe();
	util_file_read_should_report_errors();
	rmdir(dir);
	return tap_done();
}
