# core/: the model library (core/libtagifai.a): the text cleaner (see
# doc/CLEANING.md), the inference path (n-grams, vocabulary hash,
# vectorizer, classifier, artifact read/write, see doc/ARTIFACT.md) and
# training (CSV, dataset, split, TF-IDF fit, oversampling, SGD, metrics,
# the pipeline, see doc/TRAINING.md).  It uses util/ and nothing above.
noinst_LIBRARIES += core/libtagifai.a
core_libtagifai_a_SOURCES = core/status.c core/status.h core/model.h \
	core/artifact.h core/clean.h core/ngram.h \
	core/clean.c core/clean_unicode.c core/clean_unicode.h \
	core/clean_stem.c core/clean_stem.h core/clean_stopwords.c \
	core/ngram.c core/vocab.h \
	core/artifact_format.c core/artifact_format.h \
	core/artifact_write.c core/artifact_read.c \
	core/vectorizer.c core/vectorizer.h \
	core/classifier.c core/classifier.h \
	core/model.c core/model_impl.h core/model_info.h \
	core/csv_reader.c core/csv_reader.h core/batch.c core/batch.h \
	core/sklearn_export.c core/sklearn_export.h \
	core/dataset.c core/dataset.h core/split.c core/split.h \
	core/tfidf_fit.c core/tfidf_fit.h core/oversample.c core/oversample.h \
	core/sgd.c core/sgd.h core/metrics.c core/metrics.h core/evaluate.c core/evaluate.h \
	core/jsonw.c core/jsonw.h core/train.c core/train.h
core_libtagifai_a_CFLAGS = $(AM_CFLAGS) $(UTF8PROC_CFLAGS) $(CJSON_CFLAGS) \
	$(XXHASH_CFLAGS) -pthread
CORE_LIBS = core/libtagifai.a $(UTIL_LIBS) $(UTF8PROC_LIBS) $(CJSON_LIBS) \
	$(CSV_LIBS) $(STEMMER_LIBS) -lpthread -lm
