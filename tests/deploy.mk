# tests/deploy.mk: the API contract through every web-server stack
# (tests/api/*.bats, shared helpers in tests/api/lib.bash and the checks in
# tests/api/contract.bash), `make serve`, the installed examples, and all
# of it from a checkout in a 0700 directory (anywhere.bats).
DEPLOY_API_TESTS = tests/api/lighttpd.bats tests/api/nginx.bats \
	tests/api/apache.bats tests/api/apache_proxy.bats tests/api/apache_proxy_tcp.bats \
	tests/api/cgi_apache.bats tests/api/serve.bats tests/api/examples.bats \
	tests/api/anywhere.bats
TESTS += $(DEPLOY_API_TESTS)
EXTRA_DIST += $(DEPLOY_API_TESTS) tests/api/lib.bash tests/api/contract.bash
