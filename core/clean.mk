# core/clean.mk: the text cleaner (the reference's clean_text), see
# doc/CLEANING.md.  Owned by the "clean" part of the build.
core_libtagifai_a_SOURCES += core/clean.c core/clean_unicode.c \
	core/clean_unicode.h core/clean_stem.c core/clean_stem.h \
	core/clean_stopwords.c
