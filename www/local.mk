# www/: static pages, web-server configurations, man pages.

# Web-server configs, `make serve`, install of the examples and of the
# default model.
#
# www/conf/* and www/systemd/* are templates with @PLACEHOLDERS@.  The test
# suites (tests/api/*.bats) and www/serve.sh fill them in with their own
# ports and directories and run them as they are; `make` fills them in with
# the install paths into www/examples/, which `make install` copies to
# $(deployexamplesdir).  The installed examples expect:
#   $(sbindir)/tagifai-fcgi                       the server (fcgi/local.mk)
#   $(bindir)/tagifai                             the tool: the batch-job runner
#                                                 (tagifai-batch-runner.service)
#   $(pkgdatadir)/models/default.tagifai          the default model (below)
#   $(pkgdatadir)/www                             static pages (below)
#   $(TAGIFAI_RUNDIR)                             sockets, pid files, logs
#   $(pkgdatadir)/errors                          JSON bodies of the errors the
#                                                 web servers answer themselves
# TAGIFAI_MAX_BODY is the one body limit: rendered into the application's
# --max-body, each web server's own limit and the 413 error page (lighttpd
# counts KiB: keep it a multiple of 1024).
# Override on the make command line, e.g. make TAGIFAI_USER=nginx.

DEPLOY_TEMPLATES = www/conf/lighttpd.conf www/conf/nginx.conf www/error_pages.sh \
	www/conf/apache-fcgid.conf www/conf/apache-proxy-fcgi.conf \
	www/conf/htaccess www/systemd/tagifai-fcgi.socket \
	www/systemd/tagifai-fcgi.service www/systemd/tagifai-batch-runner.service
EXTRA_DIST += $(DEPLOY_TEMPLATES) www/serve.sh

# Values written into the installed examples.
TAGIFAI_RUNDIR = /run/tagifai-fcgi
TAGIFAI_USER = www-data
TAGIFAI_GROUP = www-data
TAGIFAI_HOST = 127.0.0.1
TAGIFAI_PORT = 8000
TAGIFAI_MAX_BODY = 1048576
# The largest uploaded model version (--max-upload) and the registry.
TAGIFAI_MAX_UPLOAD = 67108864
TAGIFAI_REGISTRY_DIR = /var/lib/tagifai-fcgi/registry

deployexamplesdir = $(pkgdatadir)/examples
deployexamples_DATA = www/examples/lighttpd.conf www/examples/nginx.conf \
	www/examples/apache-fcgid.conf www/examples/apache-proxy-fcgi.conf \
	www/examples/htaccess www/examples/tagifai-fcgi.socket \
	www/examples/tagifai-fcgi.service \
	www/examples/tagifai-batch-runner.service
CLEANFILES += $(deployexamples_DATA)

# The default model, where tagifai-fcgi looks when no --model is given
# (TAGIFAI_MODELDIR in Makefile.am).
deploymodelsdir = $(pkgdatadir)/models
dist_deploymodels_DATA = models/default.tagifai

deploy_edit = $(MKDIR_P) $(@D) && rm -f $@ $@.tmp && sed \
	-e 's|@SBINDIR@|$(sbindir)|g' \
	-e 's|@BINDIR@|$(bindir)|g' \
	-e 's|@PKGDATADIR@|$(pkgdatadir)|g' \
	-e 's|@MODEL@|$(pkgdatadir)/models/default.tagifai|g' \
	-e 's|@WWWDIR@|$(pkgdatadir)/www|g' \
	-e 's|@RUNDIR@|$(TAGIFAI_RUNDIR)|g' \
	-e 's|@USER@|$(TAGIFAI_USER)|g' \
	-e 's|@GROUP@|$(TAGIFAI_GROUP)|g' \
	-e 's|@HOST@|$(TAGIFAI_HOST)|g' \
	-e 's|@PORT@|$(TAGIFAI_PORT)|g' \
	-e 's|@ERRORDIR@|$(pkgdatadir)/errors|g' \
	-e 's|@MAX_BODY@|$(TAGIFAI_MAX_BODY)|g' \
	-e "s|@MAX_BODY_KIB@|$$(($(TAGIFAI_MAX_BODY) / 1024))|g" \
	-e 's|@MAX_UPLOAD@|$(TAGIFAI_MAX_UPLOAD)|g' \
	-e "s|@MAX_UPLOAD_KIB@|$$(($(TAGIFAI_MAX_UPLOAD) / 1024))|g" \
	-e 's|@REGISTRY@|$(TAGIFAI_REGISTRY_DIR)|g'

# The error pages for TAGIFAI_MAX_BODY, installed in $(pkgdatadir)/errors
# (NNN.json, and NNN.html as a copy for lighttpd's errorfile-prefix).
www/examples/errors/.stamp: $(srcdir)/www/error_pages.sh Makefile
	$(AM_V_GEN)rm -rf www/examples/errors && \
	$(SHELL) $(srcdir)/www/error_pages.sh www/examples/errors '$(TAGIFAI_MAX_BODY)' && \
	touch $@
all-local: www/examples/errors/.stamp
install-data-local: www/examples/errors/.stamp
	$(MKDIR_P) '$(DESTDIR)$(pkgdatadir)/errors'
	for f in www/examples/errors/*.json; do \
	  b=$$(basename "$$f" .json); \
	  $(INSTALL_DATA) "$$f" '$(DESTDIR)$(pkgdatadir)/errors/'"$$b.json" && \
	  $(INSTALL_DATA) "$$f" '$(DESTDIR)$(pkgdatadir)/errors/'"$$b.html" || exit 1; \
	done
uninstall-local:
	rm -rf '$(DESTDIR)$(pkgdatadir)/errors'
clean-local:
	rm -rf www/examples/errors

www/examples/lighttpd.conf: $(srcdir)/www/conf/lighttpd.conf Makefile
	$(AM_V_GEN)$(deploy_edit) $(srcdir)/www/conf/lighttpd.conf > $@.tmp && mv $@.tmp $@
www/examples/nginx.conf: $(srcdir)/www/conf/nginx.conf Makefile
	$(AM_V_GEN)$(deploy_edit) $(srcdir)/www/conf/nginx.conf > $@.tmp && mv $@.tmp $@
www/examples/apache-fcgid.conf: $(srcdir)/www/conf/apache-fcgid.conf Makefile
	$(AM_V_GEN)$(deploy_edit) $(srcdir)/www/conf/apache-fcgid.conf > $@.tmp && mv $@.tmp $@
www/examples/apache-proxy-fcgi.conf: $(srcdir)/www/conf/apache-proxy-fcgi.conf Makefile
	$(AM_V_GEN)$(deploy_edit) $(srcdir)/www/conf/apache-proxy-fcgi.conf > $@.tmp && mv $@.tmp $@
www/examples/htaccess: $(srcdir)/www/conf/htaccess Makefile
	$(AM_V_GEN)$(deploy_edit) $(srcdir)/www/conf/htaccess > $@.tmp && mv $@.tmp $@
www/examples/tagifai-fcgi.socket: $(srcdir)/www/systemd/tagifai-fcgi.socket Makefile
	$(AM_V_GEN)$(deploy_edit) $(srcdir)/www/systemd/tagifai-fcgi.socket > $@.tmp && mv $@.tmp $@
www/examples/tagifai-fcgi.service: $(srcdir)/www/systemd/tagifai-fcgi.service Makefile
	$(AM_V_GEN)$(deploy_edit) $(srcdir)/www/systemd/tagifai-fcgi.service > $@.tmp && mv $@.tmp $@
www/examples/tagifai-batch-runner.service: $(srcdir)/www/systemd/tagifai-batch-runner.service Makefile
	$(AM_V_GEN)$(deploy_edit) $(srcdir)/www/systemd/tagifai-batch-runner.service > $@.tmp && mv $@.tmp $@

# make serve [PORT=N]: the built server behind lighttpd on
# http://127.0.0.1:$(PORT) (default 8000), in the foreground until Ctrl-C.
serve: all
	PORT='$(PORT)' top_srcdir='$(abs_top_srcdir)' \
	top_builddir='$(abs_top_builddir)' LIGHTTPD='$(LIGHTTPD)' \
	$(SHELL) $(srcdir)/www/serve.sh
.PHONY: serve

# Swagger UI / ReDoc assets, demo page, man pages.
#
# Pages.  www/docs.html (Swagger UI), www/redoc.html (ReDoc) and
# www/demo.html (the demo for non-developers) are templates: tagifai-fcgi
# replaces every @BASE@ with its mount prefix when it serves them.  They and
# their own scripts and styles (www/static/) are sources, committed to git.
#
# Vendored bundles: how swagger-ui-dist and redoc reach the browser.
#   git      package.json + package-lock.json pin the npm packages; nothing
#            from node_modules is committed.  `npm ci` (run by ./bootstrap)
#            fills $(top_srcdir)/node_modules.
#   build    each file in BROWSER_VENDOR is copied from node_modules to
#            $(builddir)/www/static/vendor/ (rules below; they depend only on
#            package-lock.json, so a new lock file refreshes them).
#   dist     BROWSER_VENDOR is in EXTRA_DIST, so `make dist` puts the copies
#            in the tarball under www/static/vendor/.  In a tarball build make
#            finds them there through VPATH, newer than package-lock.json, and
#            never looks at node_modules: a tarball user needs no npm.
#   install  browservendor_DATA installs them in $(pkgdatadir)/www/static/vendor.
#
# The build-tree document root: $(top_builddir)/www-root holds a copy of the
# pages, www/static/ and the vendored files laid out exactly as installed in
# $(pkgdatadir)/www, so `tagifai-fcgi --www $(abs_top_builddir)/www-root`
# works from the build tree (tests, `make serve`).  It is a separate folder
# so that an in-tree build never copies a source onto itself, and so that
# `make clean` can delete it whole.

BROWSER_PAGES = www/docs.html www/redoc.html www/demo.html
BROWSER_STATIC = www/static/demo.css www/static/demo.js \
	www/static/docs.css www/static/docs.js www/static/redoc-init.js
BROWSER_VENDOR = \
	www/static/vendor/swagger-ui-bundle.js \
	www/static/vendor/swagger-ui-bundle.js.LICENSE.txt \
	www/static/vendor/swagger-ui.css \
	www/static/vendor/swagger-ui-dist.LICENSE \
	www/static/vendor/favicon-32x32.png \
	www/static/vendor/redoc.standalone.js \
	www/static/vendor/redoc.standalone.js.LICENSE.txt \
	www/static/vendor/redoc.LICENSE
BROWSER_NODE_MODULES = $(top_srcdir)/node_modules
BROWSER_LOCK = $(top_srcdir)/package-lock.json
BROWSER_ROOT = www-root

browserwwwdir = $(pkgdatadir)/www
dist_browserwww_DATA = $(BROWSER_PAGES)
browserstaticdir = $(pkgdatadir)/www/static
dist_browserstatic_DATA = $(BROWSER_STATIC)
browservendordir = $(pkgdatadir)/www/static/vendor
browservendor_DATA = $(BROWSER_VENDOR)

EXTRA_DIST += $(BROWSER_VENDOR) package.json package-lock.json .npmrc
MAINTAINERCLEANFILES = $(BROWSER_VENDOR)

# Copy $(BROWSER_NODE_MODULES)/$$src to $@, or say what to run.
BROWSER_COPY = $(MKDIR_P) www/static/vendor && \
	if test -f "$(BROWSER_NODE_MODULES)/$$src"; then \
	  cp "$(BROWSER_NODE_MODULES)/$$src" $@; \
	else \
	  echo "$@: $(BROWSER_NODE_MODULES)/$$src is missing: run 'npm ci' in $(top_srcdir) (./bootstrap does)" >&2; \
	  exit 1; \
	fi

www/static/vendor/swagger-ui-bundle.js: $(BROWSER_LOCK)
	$(AM_V_GEN)src=swagger-ui-dist/swagger-ui-bundle.js; $(BROWSER_COPY)
www/static/vendor/swagger-ui-bundle.js.LICENSE.txt: $(BROWSER_LOCK)
	$(AM_V_GEN)src=swagger-ui-dist/swagger-ui-bundle.js.LICENSE.txt; $(BROWSER_COPY)
www/static/vendor/swagger-ui.css: $(BROWSER_LOCK)
	$(AM_V_GEN)src=swagger-ui-dist/swagger-ui.css; $(BROWSER_COPY)
www/static/vendor/swagger-ui-dist.LICENSE: $(BROWSER_LOCK)
	$(AM_V_GEN)src=swagger-ui-dist/LICENSE; $(BROWSER_COPY)
www/static/vendor/favicon-32x32.png: $(BROWSER_LOCK)
	$(AM_V_GEN)src=swagger-ui-dist/favicon-32x32.png; $(BROWSER_COPY)
www/static/vendor/redoc.standalone.js: $(BROWSER_LOCK)
	$(AM_V_GEN)src=redoc/bundles/redoc.standalone.js; $(BROWSER_COPY)
www/static/vendor/redoc.standalone.js.LICENSE.txt: $(BROWSER_LOCK)
	$(AM_V_GEN)src=redoc/bundles/redoc.standalone.js.LICENSE.txt; $(BROWSER_COPY)
www/static/vendor/redoc.LICENSE: $(BROWSER_LOCK)
	$(AM_V_GEN)src=redoc/LICENSE; $(BROWSER_COPY)

# The build-tree document root (see above).  A file is taken from the build
# tree when it is there (generated vendor copies), else from $(srcdir).
$(BROWSER_ROOT)/.stamp: $(BROWSER_PAGES) $(BROWSER_STATIC) $(BROWSER_VENDOR)
	$(AM_V_GEN)for f in $(BROWSER_PAGES) $(BROWSER_STATIC) $(BROWSER_VENDOR); do \
	  if test -f "$$f"; then s=$$f; else s=$(srcdir)/$$f; fi; \
	  d=$(BROWSER_ROOT)/$${f#www/}; \
	  $(MKDIR_P) "$${d%/*}" && cp "$$s" "$$d" || exit 1; \
	done; touch $@

all-local: $(BROWSER_ROOT)/.stamp
CLEANFILES += $(BROWSER_ROOT)/.stamp $(BROWSER_ROOT)/*.html \
	$(BROWSER_ROOT)/static/*.css $(BROWSER_ROOT)/static/*.js \
	$(BROWSER_ROOT)/static/vendor/*

# Man pages (mdoc); checked by tests/man.test.
dist_man_MANS = doc/tagifai.1 doc/tagifai-fcgi.8
