# fcgi: parts of the build (see Makefile.am)
