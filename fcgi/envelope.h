/* SPDX-License-Identifier: MIT
 * fcgi/envelope.h - the reference's response envelope:
 *   {"message","method","status-code","timestamp","url","data"}
 * in that order, as api.py's construct_response builds it.
 */
#ifndef FCGI_ENVELOPE_H
#define FCGI_ENVELOPE_H

#include <stddef.h>
#include <sys/time.h>

#define ENVELOPE_TIMESTAMP_MAX 40

/* Local time like Python's datetime.now().isoformat(), but always with
 * six fraction digits: "2026-11-27T04:15:55.483249". */
void envelope_timestamp(const struct timeval *tv, char *out, size_t len);

/* Builds the envelope; data_json is the JSON text of "data".  Returns a
 * malloc'd body (length in *len) or NULL on allocation failure. */
char *envelope_build(int status, const char *method, const char *url,
		     const char *timestamp, const char *data_json,
		     size_t *len);

#endif
