# core/infer.mk: see Makefile.am; owned by one part of the build
