# tests/hostile.mk: the hostile-input corpus (tests/hostile/: one raw HTTP
# request per .http file, expectations in MANIFEST, both written by
# tests/hostile/generate.py) sent through real web servers: lighttpd
# (hostile.bats) and nginx + spawn-fcgi (hostile_nginx.bats), with
# tests/api/hostile.py as the raw TCP client and checker (one batch
# process per suite, each @test reporting its case's recorded result).  The corpus
# directory is distributed whole (EXTRA_DIST copies a directory entirely).
HOSTILE_TESTS = tests/api/hostile.bats tests/api/hostile_nginx.bats \
	tests/api/hostile_apache.bats tests/api/hostile_proxyfcgi.bats \
	tests/api/hostile_cgi.bats
TESTS += $(HOSTILE_TESTS)
EXTRA_DIST += $(HOSTILE_TESTS) tests/api/hostile_common.bash \
	tests/api/hostile.py tests/hostile
