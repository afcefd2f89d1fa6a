/* SPDX-License-Identifier: MIT
 * fcgi/status.c - the texts of enum service_status.
 */
#include <stddef.h>

#include "fcgi/status.h"

static const char *const texts[SERVICE__MAX] = {
	[SERVICE_OK] = "success",
	[SERVICE_ERR_NOMEM] = "out of memory",
	[SERVICE_ERR_ESCAPE] = "invalid percent-encoding",
	[SERVICE_ERR_LENGTH] = "invalid Content-Length",
	[SERVICE_ERR_TOO_LARGE] = "request body too large",
	[SERVICE_ERR_SHORT] = "incomplete request body",
	[SERVICE_ERR_USAGE] = "invalid option",
	[SERVICE_ERR_IO] = "input/output error",
	[SERVICE_ERR_MODEL] = "unusable model",
};

const char *
service_strerror(enum service_status st)
{
	if ((unsigned)st >= SERVICE__MAX || texts[st] == NULL)
		return "unknown status";
	return texts[st];
}
