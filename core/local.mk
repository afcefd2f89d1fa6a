# core/: the model library (libtagifai.a) and the `tagifai` command-line tool.
# Each part appends its sources in its own fragment below.
noinst_LIBRARIES += core/libtagifai.a
core_libtagifai_a_SOURCES = core/status.c core/status.h core/model.h \
	core/artifact.h core/clean.h core/ngram.h
core_libtagifai_a_CFLAGS = $(AM_CFLAGS) $(UTF8PROC_CFLAGS) $(CJSON_CFLAGS)
CORE_LIBS = core/libtagifai.a $(UTF8PROC_LIBS) $(CJSON_LIBS) $(CSV_LIBS) \
	$(STEMMER_LIBS) -lm

bin_PROGRAMS += tagifai
tagifai_SOURCES = core/tagifai_main.c core/cli.h
tagifai_CFLAGS = $(AM_CFLAGS) $(CJSON_CFLAGS)
tagifai_LDADD = $(CORE_LIBS)

include core/clean.mk
include core/infer.mk
include core/train.mk
