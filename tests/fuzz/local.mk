# tests/fuzz/: the libFuzzer harnesses and their corpora.
#
# `make fuzz` builds the libFuzzer harnesses of tests/fuzz/ with clang
# (FUZZ_CC, default clang) and runs each for FUZZ_SECONDS (default 60),
# writing tests/fuzz/results.txt; see tests/fuzz/run.sh.  It is not part
# of `make check`, which instead replays the committed seed corpora and
# every regression input under tests/fuzz/regress/ through the same
# harnesses built without libFuzzer (-DFUZZ_REPLAY), with the normal
# compiler: tests/fuzz_regress.test.
FUZZ_CC = clang
FUZZ_SECONDS = 60
FUZZ_TARGETS = fuzz_clean fuzz_artifact fuzz_csv fuzz_validate fuzz_request \
	fuzz_batch
FUZZ_LIBS = $(CJSON_LIBS) $(UTF8PROC_LIBS) $(CSV_LIBS) $(STEMMER_LIBS) \
	$(XXHASH_LIBS) $(SQLITE_LIBS) $(SODIUM_LIBS) -lm

fuzz: fuzz-replay-build
	srcdir='$(srcdir)' FUZZ_CC='$(FUZZ_CC)' FUZZ_SECONDS='$(FUZZ_SECONDS)' \
	FUZZ_TARGETS='$(FUZZ_TARGETS)' DRAGONBOX_CFLAGS='$(DRAGONBOX_CFLAGS)' \
	FUZZ_EXTRA_CFLAGS='$(CJSON_CFLAGS) $(UTF8PROC_CFLAGS) $(XXHASH_CFLAGS)' \
	FUZZ_LIBS='$(FUZZ_LIBS)' \
	FUZZ_FCGI_SOURCES='$(filter %.c,$(fcgi_libservice_a_SOURCES) $(store_libstore_a_SOURCES))' \
	$(SHELL) $(srcdir)/tests/fuzz/run.sh

# The replay drivers, so a fuzz run can be followed by a replay.
fuzz-replay-build: $(FUZZ_REPLAY_BINS)

.PHONY: fuzz fuzz-replay-build

# Not hooked to clean-local (one owner per hook): run `make clean-fuzz`.
clean-fuzz:
	-rm -rf tests/fuzz/obj tests/fuzz/bin tests/fuzz/work \
		tests/fuzz/crashes tests/fuzz/*.log tests/fuzz/results.txt
.PHONY: clean-fuzz

# Replay drivers: each harness's LLVMFuzzerTestOneInput behind a main()
# that feeds it files (tests/fuzz/fuzz_common.c).
FUZZ_REPLAY_BINS = tests/fuzz/replay_clean tests/fuzz/replay_artifact \
	tests/fuzz/replay_csv tests/fuzz/replay_validate \
	tests/fuzz/replay_request tests/fuzz/replay_batch
check_PROGRAMS += $(FUZZ_REPLAY_BINS)
FUZZ_REPLAY_CFLAGS = $(AM_CFLAGS) -DFUZZ_REPLAY $(CJSON_CFLAGS)
FUZZ_REPLAY_CORE = $(CORE_LIBS)

tests_fuzz_replay_clean_SOURCES = tests/fuzz/fuzz_clean.c \
	tests/fuzz/fuzz_common.c tests/fuzz/fuzz_common.h
tests_fuzz_replay_clean_CFLAGS = $(FUZZ_REPLAY_CFLAGS)
tests_fuzz_replay_clean_LDADD = $(FUZZ_REPLAY_CORE)
tests_fuzz_replay_artifact_SOURCES = tests/fuzz/fuzz_artifact.c \
	tests/fuzz/fuzz_common.c tests/fuzz/fuzz_common.h
tests_fuzz_replay_artifact_CFLAGS = $(FUZZ_REPLAY_CFLAGS)
tests_fuzz_replay_artifact_LDADD = $(FUZZ_REPLAY_CORE)
tests_fuzz_replay_csv_SOURCES = tests/fuzz/fuzz_csv.c \
	tests/fuzz/fuzz_common.c tests/fuzz/fuzz_common.h
tests_fuzz_replay_csv_CFLAGS = $(FUZZ_REPLAY_CFLAGS)
tests_fuzz_replay_csv_LDADD = $(FUZZ_REPLAY_CORE)
tests_fuzz_replay_validate_SOURCES = tests/fuzz/fuzz_validate.c \
	tests/fuzz/fuzz_common.c tests/fuzz/fuzz_common.h
tests_fuzz_replay_validate_CFLAGS = $(FUZZ_REPLAY_CFLAGS)
tests_fuzz_replay_validate_LDADD = $(SCHEMAS_LIBS) $(FUZZ_REPLAY_CORE)
tests_fuzz_replay_request_SOURCES = tests/fuzz/fuzz_request.c \
	tests/fuzz/fuzz_common.c tests/fuzz/fuzz_common.h
tests_fuzz_replay_request_CFLAGS = $(FUZZ_REPLAY_CFLAGS) \
	-DFUZZ_WWW_DIR='"$(abs_top_srcdir)/www"'
tests_fuzz_replay_request_LDADD = fcgi/libservice.a $(SCHEMAS_LIBS) \
	$(STORE_LIBS)

tests_fuzz_replay_batch_SOURCES = tests/fuzz/fuzz_batch.c \
	tests/fuzz/fuzz_common.c tests/fuzz/fuzz_common.h
tests_fuzz_replay_batch_CFLAGS = $(FUZZ_REPLAY_CFLAGS)
tests_fuzz_replay_batch_LDADD = fcgi/libservice.a $(SCHEMAS_LIBS) \
	$(STORE_LIBS)

# make_seeds writes the tiny artifacts of corpus/fuzz_artifact/.
check_PROGRAMS += tests/fuzz/make_seeds
tests_fuzz_make_seeds_SOURCES = tests/fuzz/make_seeds.c \
	tests/fuzz/fuzz_common.c tests/fuzz/fuzz_common.h
tests_fuzz_make_seeds_LDADD = $(FUZZ_REPLAY_CORE)

EXTRA_DIST += tests/fuzz/run.sh tests/fuzz/fuzz_clean.c tests/fuzz/fuzz_artifact.c \
	tests/fuzz/fuzz_csv.c tests/fuzz/fuzz_validate.c \
	tests/fuzz/fuzz_request.c tests/fuzz/fuzz_batch.c \
	tests/fuzz/make_seeds.c \
	tests/fuzz/make_corpus.py tests/fuzz/corpus \
	tests/fuzz/regress
