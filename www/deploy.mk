# www/deploy.mk: web-server configs, `make serve`, install of the examples
# and of the default model.
#
# www/conf/* and www/systemd/* are templates with @PLACEHOLDERS@.  The test
# suites (tests/api/*.bats) and www/serve.sh fill them in with their own
# ports and directories and run them as they are; `make` fills them in with
# the install paths into www/examples/, which `make install` copies to
# $(deployexamplesdir).  The installed examples expect:
#   $(sbindir)/tagifai-fcgi                       the server (fcgi/local.mk)
#   $(pkgdatadir)/models/default.tagifai          the default model (below)
#   $(pkgdatadir)/www                             static pages (www/browser.mk)
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
	www/systemd/tagifai-fcgi.service
EXTRA_DIST += $(DEPLOY_TEMPLATES) www/serve.sh

# Values written into the installed examples.
TAGIFAI_RUNDIR = /run/tagifai-fcgi
TAGIFAI_USER = www-data
TAGIFAI_GROUP = www-data
TAGIFAI_HOST = 127.0.0.1
TAGIFAI_PORT = 8000
TAGIFAI_MAX_BODY = 1048576

deployexamplesdir = $(pkgdatadir)/examples
deployexamples_DATA = www/examples/lighttpd.conf www/examples/nginx.conf \
	www/examples/apache-fcgid.conf www/examples/apache-proxy-fcgi.conf \
	www/examples/htaccess www/examples/tagifai-fcgi.socket \
	www/examples/tagifai-fcgi.service
CLEANFILES += $(deployexamples_DATA)

# The default model, where tagifai-fcgi looks when no --model is given
# (TAGIFAI_MODELDIR in Makefile.am).
deploymodelsdir = $(pkgdatadir)/models
dist_deploymodels_DATA = models/default.tagifai

deploy_edit = $(MKDIR_P) $(@D) && rm -f $@ $@.tmp && sed \
	-e 's|@SBINDIR@|$(sbindir)|g' \
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
	-e "s|@MAX_BODY_KIB@|$$(($(TAGIFAI_MAX_BODY) / 1024))|g"

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

# make serve [PORT=N]: the built server behind lighttpd on
# http://127.0.0.1:$(PORT) (default 8000), in the foreground until Ctrl-C.
serve: all
	PORT='$(PORT)' top_srcdir='$(abs_top_srcdir)' \
	top_builddir='$(abs_top_builddir)' LIGHTTPD='$(LIGHTTPD)' \
	$(SHELL) $(srcdir)/www/serve.sh
.PHONY: serve
