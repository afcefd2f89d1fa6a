# tests/browser.mk: the browser tests (Swagger UI, ReDoc and the demo page in
# Debian's Chromium, driven by playwright-core from node_modules), the man
# page lint and the README/doc/CLIENTS.md client examples.  Each script prints
# TAP.  The browser and client tests start their own lighttpd + tagifai-fcgi
# on a free loopback port (tests/browser/stack.bash), with the build-tree
# document root $(top_builddir)/www-root made by www/browser.mk.
BROWSER_TESTS = tests/browser.test tests/man.test tests/clients.test
TESTS += $(BROWSER_TESTS)
EXTRA_DIST += $(BROWSER_TESTS) tests/browser/stack.bash \
	tests/browser/run.mjs tests/browser/extract-examples.sh \
	doc/CLIENTS.md
# Screenshots the browser tests save, for a person to look at.
CLEANFILES += tests/browser/screenshots/*.png
