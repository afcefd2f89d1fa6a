# www: parts of the build (see Makefile.am)
