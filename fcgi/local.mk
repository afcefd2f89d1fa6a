# fcgi/: the tagifai-fcgi server.  Only fcgi/transport.c includes
# fcgiapp.h; the program holds it with the process's jobs (main, the
# accept loop, the listening socket, the master), and the rest is
# transport-free and collected in fcgi/libservice.a so unit tests link
# what they test.
noinst_LIBRARIES += fcgi/libservice.a
fcgi_libservice_a_SOURCES = \
	fcgi/app.c fcgi/app.h \
	fcgi/app_model.c fcgi/app_model.h \
	fcgi/auth.c fcgi/auth.h \
	fcgi/batch.c fcgi/batch.h \
	fcgi/batch_body.c fcgi/batch_body.h \
	fcgi/envelope.c fcgi/envelope.h \
	fcgi/handlers.c fcgi/handlers.h \
	fcgi/http_error.c fcgi/http_error.h \
	fcgi/log.c fcgi/log.h \
	fcgi/models.c fcgi/models.h \
	fcgi/observe.c fcgi/observe.h \
	fcgi/options.c fcgi/options.h \
	fcgi/predict.c fcgi/predict.h \
	fcgi/predictions.c fcgi/predictions.h \
	fcgi/prom.c fcgi/prom.h \
	fcgi/registry.c fcgi/registry.h \
	fcgi/request.c fcgi/request.h \
	fcgi/respond.c fcgi/respond.h \
	fcgi/route.c fcgi/route.h fcgi/routes.c \
	fcgi/server.c fcgi/server.h \
	fcgi/stats.c fcgi/stats.h \
	fcgi/status.c fcgi/status.h \
	fcgi/users.c fcgi/users.h \
	fcgi/url.c fcgi/url.h \
	fcgi/www.c fcgi/www.h
fcgi_libservice_a_CFLAGS = $(AM_CFLAGS) $(CJSON_CFLAGS)

sbin_PROGRAMS += tagifai-fcgi
tagifai_fcgi_SOURCES = fcgi/main.c \
	fcgi/listen.c fcgi/listen.h \
	fcgi/master.c fcgi/master.h \
	fcgi/runner.c fcgi/runner.h \
	fcgi/serve.c fcgi/serve.h \
	fcgi/transport.c fcgi/transport.h
tagifai_fcgi_CFLAGS = $(AM_CFLAGS) $(FCGI_CFLAGS) $(CJSON_CFLAGS)
tagifai_fcgi_LDADD = fcgi/libservice.a $(SCHEMAS_LIBS) $(JOBS_LIBS) \
	$(FCGI_LIBS) $(CJSON_LIBS)
