# tests/api/: the API suites (bats and Python) that drive tagifai-fcgi:
# without a web server (service_cgi.bats, service_parity.test), through
# every web-server stack (lighttpd, nginx, apache; shared helpers in
# lib.bash and the checks in contract.bash), `make serve` and the installed
# examples, the hostile-input corpus, and the pre-fork master.

# The API contract through every web-server stack.
DEPLOY_API_TESTS = tests/api/lighttpd.bats tests/api/nginx.bats \
	tests/api/apache.bats tests/api/apache_proxy.bats tests/api/apache_proxy_tcp.bats \
	tests/api/cgi_apache.bats tests/api/serve.bats tests/api/examples.bats \
	tests/api/anywhere.bats
TESTS += $(DEPLOY_API_TESTS)
EXTRA_DIST += $(DEPLOY_API_TESTS) tests/api/lib.bash tests/api/contract.bash

# The hostile-input corpus (tests/hostile/: one raw HTTP
# request per .http file, expectations in MANIFEST, both written by
# tests/hostile/generate.py) sent through real web servers: lighttpd
# (hostile.bats), nginx + spawn-fcgi (hostile_nginx.bats), Apache with
# mod_fcgid, mod_proxy_fcgi and plain CGI (hostile_apache, _proxyfcgi,
# _cgi.bats), with
# tests/api/hostile.py as the raw TCP client and checker (one batch
# process per suite, each @test reporting its case's recorded result).  The corpus
# directory is distributed whole (EXTRA_DIST copies a directory entirely).
HOSTILE_TESTS = tests/api/hostile.bats tests/api/hostile_nginx.bats \
	tests/api/hostile_apache.bats tests/api/hostile_proxyfcgi.bats \
	tests/api/hostile_cgi.bats
TESTS += $(HOSTILE_TESTS)
EXTRA_DIST += $(HOSTILE_TESTS) tests/api/hostile_common.bash \
	tests/api/hostile.py tests/hostile

# The pre-fork master of `tagifai-fcgi --workers N`
# (fcgi/master.c): worker respawn, rolling reload on SIGHUP, graceful stop
# and slow clients, all through lighttpd;
# `make soak` runs bench/soak.sh (about 7 minutes, not part of check).
SUPERVISE_API_TESTS = tests/api/supervise.bats tests/api/slow_client.bats \
	tests/api/slow_client_nginx.bats tests/api/slow_client_apache.bats \
	tests/api/metrics.bats
TESTS += $(SUPERVISE_API_TESTS)
EXTRA_DIST += $(SUPERVISE_API_TESTS) tests/api/supervise.bash \
	tests/api/fcgi_inflight.py bench/soak.sh doc/SUPERVISION.md \
	tests/api/prom_check.py doc/grafana-dashboard.json

# The batch-job runner (issue 13): supervised by the master
# (fcgi/runner.c) and standalone (`tagifai batch-runner`): kill -9 mid-job,
# random kills, two runners on one registry, a deleted version, the stop.
BATCH_OPS_API_TESTS = tests/api/batch_supervise.bats
TESTS += $(BATCH_OPS_API_TESTS)
EXTRA_DIST += $(BATCH_OPS_API_TESTS) tests/api/batch_check.py

soak: $(sbin_PROGRAMS) $(bin_PROGRAMS)
	SHARED_DIR='$(SHARED_DIR)' LIGHTTPD='$(LIGHTTPD)' \
	TAGIFAI_FCGI='$(abs_top_builddir)/tagifai-fcgi' \
	TAGIFAI='$(abs_top_builddir)/tagifai' \
	$(SHELL) $(top_srcdir)/bench/soak.sh
.PHONY: soak

# Without a web server: CGI and the parity with the reference service.
TESTS += tests/api/service_cgi.bats tests/api/service_parity.test
EXTRA_DIST += tests/api/service_cgi.bats tests/api/service_parity.test \
	tests/api/service_parity.py tests/api/service_helpers.bash doc/API.md

# The model registry (issue 11): every route and error through lighttpd and
# nginx, the closed routes, a busy database and a CGI process
# (registry_cgi.bats), activations under load with --workers 4
# (registry_load.test) and kill -9 during uploads and activations
# (registry_crash.test).
REGISTRY_API_TESTS = tests/api/registry_lighttpd.bats \
	tests/api/registry_nginx.bats tests/api/registry_cgi.bats \
	tests/api/registry_load.bats tests/api/registry_crash.bats \
	tests/api/users_cgi.bats
TESTS += $(REGISTRY_API_TESTS)
EXTRA_DIST += $(REGISTRY_API_TESTS) tests/api/registry_contract.bash \
	tests/api/registry_load.py tests/api/registry_crash.py

# Batch jobs (issue 13): every route and error through lighttpd and nginx
# (one contract, batch_contract.bash), with `tagifai batch-runner` beside
# the stack completing the jobs: pages, answers by id byte for byte the
# live ones, staleness after an activation, cancellation, a locked
# database.
BATCH_API_TESTS = tests/api/batch_lighttpd.bats tests/api/batch_nginx.bats
TESTS += $(BATCH_API_TESTS)
EXTRA_DIST += $(BATCH_API_TESTS) tests/api/batch_contract.bash
