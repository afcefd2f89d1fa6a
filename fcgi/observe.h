/* SPDX-License-Identifier: MIT
 * fcgi/observe.h - the operator's endpoints: GET /metrics (the pool's
 * counters of fcgi/stats.h in the Prometheus text format, fcgi/prom.h)
 * and the health probes GET /health/live and GET /health/ready.
 */
#ifndef FCGI_OBSERVE_H
#define FCGI_OBSERVE_H

#include "fcgi/app.h"
#include "fcgi/request.h"
#include "fcgi/respond.h"
#include "fcgi/route.h"
#include "fcgi/stats.h"
#include "util/buf.h"

#define OBSERVE_BODY_MAX ((size_t)16 << 20)  /* largest /metrics answer */

route_handler handle_metrics;       /* GET /metrics        */
route_handler handle_health_live;   /* GET /health/live    */
route_handler handle_health_ready;  /* GET /health/ready   */

/* Writes the exposition of s (summed by stats_sum into t) into b; the
 * process_* figures are read from /proc for t's processes.  Exposed for
 * the unit tests. */
void observe_write(struct util_buf *b, struct stats *s,
		   const struct stats_totals *t);

#endif
