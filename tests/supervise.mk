# tests/supervise.mk: the pre-fork master of `tagifai-fcgi --workers N`
# (fcgi/master.c): worker respawn, rolling reload on SIGHUP, graceful stop
# and slow clients, all through lighttpd (owned by the supervise part);
# `make soak` runs bench/soak.sh (about 7 minutes, not part of check).
SUPERVISE_API_TESTS = tests/api/supervise.bats tests/api/slow_client.bats \
	tests/api/slow_client_nginx.bats tests/api/slow_client_apache.bats
TESTS += $(SUPERVISE_API_TESTS)
EXTRA_DIST += $(SUPERVISE_API_TESTS) tests/api/supervise.bash \
	tests/api/fcgi_inflight.py bench/soak.sh doc/SUPERVISION.md

soak: $(sbin_PROGRAMS) $(bin_PROGRAMS)
	SHARED_DIR='$(SHARED_DIR)' LIGHTTPD='$(LIGHTTPD)' \
	TAGIFAI_FCGI='$(abs_top_builddir)/tagifai-fcgi' \
	TAGIFAI='$(abs_top_builddir)/tagifai' \
	$(SHELL) $(top_srcdir)/bench/soak.sh
.PHONY: soak
