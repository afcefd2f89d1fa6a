# util/: the leaf layer (libc only; the one C++ file uses the header-only
# Dragonbox): bounded buffers, UTF-8, JSON strings, files, hex digits, the
# monotonic clock and float_repr.  Every other layer links util/libutil.a.
noinst_LIBRARIES += util/libutil.a
util_libutil_a_SOURCES = \
	util/status.c util/status.h \
	util/buf.c util/buf.h \
	util/utf8.c util/utf8.h \
	util/json.c util/json.h \
	util/file.c util/file.h \
	util/hex.c util/hex.h \
	util/clock.c util/clock.h \
	util/float_repr.c util/float_repr.h \
	util/shortest.cc util/shortest.h
# util/shortest.cc: Dragonbox only; no exceptions or RTTI, so nothing is
# needed from libstdc++ and the programs still link with the C compiler.
util_libutil_a_CXXFLAGS = -std=c++17 -fno-exceptions -fno-rtti \
	-Wall -Wextra $(DRAGONBOX_CFLAGS) $(SAN_CFLAGS) $(WERROR_CFLAGS)
UTIL_LIBS = util/libutil.a
