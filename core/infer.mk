# core/infer.mk: the inference path (n-grams, vocabulary hash, vectorizer,
# classifier, artifact read/write) and the import/info/predict subcommands.
core_libtagifai_a_SOURCES += core/ngram.c core/vocab.h \
	core/artifact_format.c core/artifact_format.h \
	core/artifact_write.c core/artifact_read.c \
	core/vectorizer.c core/vectorizer.h \
	core/classifier.c core/classifier.h \
	core/model.c core/model_impl.h core/model_info.h \
	core/float_repr.c core/float_repr.h core/shortest.cc core/shortest.h
# core/shortest.cc: Dragonbox only; no exceptions or RTTI, so nothing is
# needed from libstdc++ and the programs still link with the C compiler.
core_libtagifai_a_CXXFLAGS = -std=c++17 -fno-exceptions -fno-rtti \
	-Wall -Wextra $(DRAGONBOX_CFLAGS) $(SAN_CFLAGS)

tagifai_SOURCES += core/cli_import.c core/cli_info.c core/cli_predict.c \
	core/cli_out.c core/cli_out.h
