/* SPDX-License-Identifier: MIT
 * util/file.h - reading a whole file into memory, with a size cap.
 */
#ifndef UTIL_FILE_H
#define UTIL_FILE_H

#include <stddef.h>

#include "util/status.h"

/* Reads the file at path (any kind that read() works on) into *out, a
 * malloc'd NUL-terminated copy the caller frees, its length in *len.
 * UTIL_ERR_IO with errno set when it cannot be opened or read,
 * UTIL_ERR_LIMIT when it holds more than max bytes, UTIL_ERR_NOMEM.
 * On failure *out and *len are untouched. */
enum util_status util_file_read(const char *path, size_t max, char **out,
				size_t *len);

#endif
