# schemas/: request/response schemas, the Python-compatible JSON parser,
# validators, OpenAPI.  It uses util/ (and may use core/).
noinst_LIBRARIES += schemas/libschemas.a
schemas_libschemas_a_SOURCES = \
	schemas/pyjson.c schemas/pyjson.h \
	schemas/schema.h schemas/predict_schema.c schemas/registry_schema.c \
	schemas/batch_schema.c \
	schemas/validate.c schemas/validate.h \
	schemas/openapi.c schemas/openapi.h
schemas_libschemas_a_CFLAGS = $(AM_CFLAGS) $(CJSON_CFLAGS)
SCHEMAS_LIBS = schemas/libschemas.a $(UTIL_LIBS) $(CJSON_LIBS) -lm
