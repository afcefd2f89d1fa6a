# core/train.mk: training and evaluation (CSV, dataset, split, TF-IDF fit,
# oversampling, SGD, metrics, the pipeline) and `tagifai train/evaluate`.
core_libtagifai_a_SOURCES += core/csv_reader.c core/csv_reader.h \
	core/dataset.c core/dataset.h core/split.c core/split.h \
	core/tfidf_fit.c core/tfidf_fit.h core/oversample.c core/oversample.h \
	core/sgd.c core/sgd.h core/metrics.c core/metrics.h \
	core/jsonw.c core/jsonw.h core/train.c core/train.h

tagifai_SOURCES += core/cli_train.c core/cli_evaluate.c
