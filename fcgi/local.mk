# fcgi/: the tagifai-fcgi server.  Only this
# folder includes fcgiapp.h (fcgi/main.c); the rest is transport-free and
# collected in fcgi/libservice.a so unit tests link what they test.
noinst_LIBRARIES += fcgi/libservice.a
fcgi_libservice_a_SOURCES = \
	fcgi/app.c fcgi/app.h \
	fcgi/envelope.c fcgi/envelope.h \
	fcgi/handlers.c fcgi/handlers.h \
	fcgi/log.c fcgi/log.h \
	fcgi/predict.c fcgi/predict.h \
	fcgi/request.c fcgi/request.h \
	fcgi/respond.c fcgi/respond.h \
	fcgi/route.c fcgi/route.h \
	fcgi/server.c fcgi/server.h \
	fcgi/url.c fcgi/url.h \
	fcgi/www.c fcgi/www.h
fcgi_libservice_a_CFLAGS = $(AM_CFLAGS) $(CJSON_CFLAGS)

sbin_PROGRAMS += tagifai-fcgi
tagifai_fcgi_SOURCES = fcgi/main.c fcgi/master.c fcgi/master.h
tagifai_fcgi_CFLAGS = $(AM_CFLAGS) $(FCGI_CFLAGS) $(CJSON_CFLAGS)
tagifai_fcgi_LDADD = fcgi/libservice.a $(SCHEMAS_LIBS) $(CORE_LIBS) \
	$(FCGI_LIBS) $(CJSON_LIBS)
