# store/: the model registry's storage (store/store.h), over SQLite
# (store/sqlite.c; batch jobs, store/jobs.h, in store/jobs.c, the
# submitter's side, store/jobs_run.c, the runner's, and store/jobs_read.c,
# the stored predictions; artifacts named by their SHA-256 from
# libsodium).  It uses util/ and core/ (to validate artifacts) and
# nothing above; fcgi/, cli/ and jobs/ use it.  No HTTP here.
noinst_LIBRARIES += store/libstore.a
store_libstore_a_SOURCES = store/store.h store/sqlite_internal.h \
	store/sqlite.c store/jobs.h store/jobs_internal.h store/jobs.c \
	store/jobs_run.c store/jobs_read.c
store_libstore_a_CFLAGS = $(AM_CFLAGS) $(SQLITE_CFLAGS) $(SODIUM_CFLAGS)
STORE_LIBS = store/libstore.a $(CORE_LIBS) $(SQLITE_LIBS) $(SODIUM_LIBS)
