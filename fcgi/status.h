/* SPDX-License-Identifier: MIT
 * fcgi/status.h - the status codes of the service layer, in core's style
 * (core/status.h): every fallible fcgi/ function returns an enum
 * service_status, SERVICE_OK is 0, and service_strerror names the rest.
 * Where the caller needs more (which option, which file), the function
 * also writes one sentence into an err buffer.  What an HTTP client is
 * told is a different table: fcgi/http_error.h.
 */
#ifndef FCGI_STATUS_H
#define FCGI_STATUS_H

enum service_status {
	SERVICE_OK = 0,
	SERVICE_ERR_NOMEM,      /* allocation failed */
	SERVICE_ERR_ESCAPE,     /* bad %XX (or %00) in the path or query */
	SERVICE_ERR_LENGTH,     /* CONTENT_LENGTH not a number */
	SERVICE_ERR_TOO_LARGE,  /* request body over the limit */
	SERVICE_ERR_SHORT,      /* body ended before CONTENT_LENGTH */
	SERVICE_ERR_USAGE,      /* bad option or environment value */
	SERVICE_ERR_IO,         /* a socket or transport call failed */
	SERVICE_ERR_MODEL,      /* the model or its reports are unusable */
	SERVICE__MAX
};

/* Static English text for a status; never NULL. */
const char *service_strerror(enum service_status st);

#define SERVICE_WARN_UNUSED __attribute__((warn_unused_result))

/* Room for one error sentence of this layer (core's messages, which
 * name a file, fit: CORE_ERROR_MAX). */
#define SERVICE_ERR_MAX 1024

#endif
