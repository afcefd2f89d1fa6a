/* SPDX-License-Identifier: MIT
 * util/status.h - status codes of the util layer.
 *
 * util/ is the leaf layer: libc only, no project header from above.  Its
 * fallible functions return an enum util_status (UTIL_OK is 0); callers in
 * higher layers map it to their own status and add the context (a path).
 */
#ifndef UTIL_STATUS_H
#define UTIL_STATUS_H

enum util_status {
	UTIL_OK = 0,
	UTIL_ERR_NOMEM,      /* allocation failed, or a size would overflow */
	UTIL_ERR_IO,         /* open/read failed: errno says why */
	UTIL_ERR_LIMIT,      /* the maximum given by the caller was exceeded */
	UTIL__MAX
};

/* Static English text for a status; never NULL. */
const char *util_strerror(enum util_status st);

#endif
