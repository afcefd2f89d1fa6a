# cli/: the `tagifai` command-line tool (train, evaluate, import, info,
# predict, models, users, batch).  It parses options and prints; the work is
# done by core/, store/ and jobs/.
bin_PROGRAMS += tagifai
tagifai_SOURCES = cli/main.c cli/cli.h cli/out.c cli/out.h \
	cli/train.c cli/evaluate.c cli/import.c cli/info.c cli/predict.c \
	cli/models.c cli/users.c cli/batch.c cli/batch_input.c \
	cli/batch_input.h cli/progress.c cli/progress.h
tagifai_CFLAGS = $(AM_CFLAGS) $(CJSON_CFLAGS) -pthread
tagifai_LDADD = $(JOBS_LIBS) $(STORE_LIBS) -lpthread

# The committed default model, rebuilt from ../shared/data by our own trainer
# (same binary, data, args and seed give a byte-identical file).
EXTRA_DIST += models/default.tagifai
default-model: tagifai$(EXEEXT)
	TAGIFAI=$(abs_top_builddir)/tagifai$(EXEEXT) SHARED_DIR='$(SHARED_DIR)' \
		$(SHELL) $(top_srcdir)/tools/train_default.sh $(top_srcdir)/models/default.tagifai
	$(abs_top_builddir)/tagifai$(EXEEXT) info --model $(top_srcdir)/models/default.tagifai
.PHONY: default-model
