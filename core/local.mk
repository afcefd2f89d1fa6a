# core/: the model library (libtagifai.a) and the `tagifai` command-line tool.
# Each part appends its sources in its own fragment below.
noinst_LIBRARIES += core/libtagifai.a
core_libtagifai_a_SOURCES = core/status.c core/status.h core/model.h \
	core/artifact.h core/clean.h core/ngram.h
core_libtagifai_a_CFLAGS = $(AM_CFLAGS) $(UTF8PROC_CFLAGS) $(CJSON_CFLAGS) $(XXHASH_CFLAGS)
CORE_LIBS = core/libtagifai.a $(UTIL_LIBS) $(UTF8PROC_LIBS) $(CJSON_LIBS) $(CSV_LIBS) \
	$(STEMMER_LIBS) $(XXHASH_LIBS) -lm

bin_PROGRAMS += tagifai
tagifai_SOURCES = core/tagifai_main.c core/cli.h
tagifai_CFLAGS = $(AM_CFLAGS) $(CJSON_CFLAGS) -pthread
tagifai_LDADD = $(CORE_LIBS) -lpthread

include core/clean.mk
include core/infer.mk
include core/train.mk

# The committed default model, rebuilt from ../shared/data by our own trainer
# (same binary, data, args and seed give a byte-identical file).
EXTRA_DIST += models/default.tagifai
default-model: tagifai$(EXEEXT)
	TAGIFAI=$(abs_top_builddir)/tagifai$(EXEEXT) SHARED_DIR='$(SHARED_DIR)' \
		$(SHELL) $(top_srcdir)/tools/train_default.sh $(top_srcdir)/models/default.tagifai
	$(abs_top_builddir)/tagifai$(EXEEXT) info --model $(top_srcdir)/models/default.tagifai
.PHONY: default-model
