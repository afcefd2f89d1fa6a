# jobs/: the batch-job runner (jobs/runner.h): claims jobs from the
# registry (store/jobs.h), tags their items with core/ on several threads
# and commits the results chunk by chunk.  It uses util/, core/ and
# store/; fcgi/ (the master's runner process) and cli/ (`tagifai batch`)
# use it.  No HTTP here.
noinst_LIBRARIES += jobs/libjobs.a
jobs_libjobs_a_SOURCES = jobs/runner.h jobs/runner.c
jobs_libjobs_a_CFLAGS = $(AM_CFLAGS) -pthread
JOBS_LIBS = jobs/libjobs.a $(STORE_LIBS) -lpthread
