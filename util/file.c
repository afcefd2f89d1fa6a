/* SPDX-License-Identifier: MIT
 * util/file.c - a whole file in one buffer.
 *
 * A regular file's size is known up front, so it is read with one
 * allocation; pipes and the like grow the buffer as they go.  Either way
 * reading stops at max bytes: one more byte makes it UTIL_ERR_LIMIT.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "util/buf.h"
#include "util/file.h"

/* Bytes read per fread when the size is not known. */
#define UTIL_FILE_CHUNK 65536

static enum util_status
read_all(FILE *f, size_t max, struct util_buf *b)
{
	struct stat sb;
	int saved;

	if (fstat(fileno(f), &sb) == 0 && S_ISREG(sb.st_mode) &&
	    sb.st_size > 0) {
		/* Known to be too large: no need to read it first. */
		if ((unsigned long long)sb.st_size > max)
			return UTIL_ERR_LIMIT;
		util_buf_reserve(b, (size_t)sb.st_size);
	}
	for (;;) {
		size_t want = b->max - b->len, got;
		char extra;

		if (want == 0) {
			/* At the cap: anything more is over it. */
			if (fread(&extra, 1, 1, f) == 1)
				return UTIL_ERR_LIMIT;
			break;
		}
		if (b->cap - b->len <= 1 &&
		    !util_buf_reserve(b, want < UTIL_FILE_CHUNK ? want :
				      UTIL_FILE_CHUNK))
			return b->st;
		got = fread(b->data + b->len, 1, b->cap - b->len - 1, f);
		b->len += got;
		if (got == 0)
			break;
	}
	if (ferror(f)) {
		saved = errno;
		errno = saved ? saved : EIO;
		return UTIL_ERR_IO;
	}
	return UTIL_OK;
}

enum util_status
util_file_read(const char *path, size_t max, char **out, size_t *len)
{
	struct util_buf b = UTIL_BUF_INIT(max);
	enum util_status st;
	FILE *f = fopen(path, "rb");
	int saved;
	char *data;

	if (f == NULL)
		return UTIL_ERR_IO;
	st = read_all(f, max, &b);
	saved = errno;
	fclose(f);
	if (st != UTIL_OK) {
		util_buf_free(&b);
		errno = saved;
		return st;
	}
	data = util_buf_take(&b, len);
	if (data == NULL)
		return UTIL_ERR_NOMEM;
	*out = data;
	return UTIL_OK;
}
