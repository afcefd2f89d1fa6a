# core/infer.mk: the inference path (n-grams, vocabulary hash, vectorizer,
# classifier, artifact read/write) and the import/info/predict subcommands.
core_libtagifai_a_SOURCES += core/ngram.c core/vocab.h \
	core/artifact_format.c core/artifact_format.h \
	core/artifact_write.c core/artifact_read.c \
	core/vectorizer.c core/vectorizer.h \
	core/classifier.c core/classifier.h \
	core/model.c core/model_impl.h core/model_info.h

tagifai_SOURCES += core/cli_import.c core/cli_info.c core/cli_predict.c \
	core/cli_out.c core/cli_out.h
