# core: parts of the build (see Makefile.am)
