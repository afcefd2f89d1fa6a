# schemas/: request/response schemas, validators, OpenAPI (owned by the service part)
noinst_LIBRARIES += schemas/libschemas.a
schemas_libschemas_a_SOURCES = \
	schemas/pyjson.c schemas/pyjson.h \
	schemas/schema.h schemas/predict_schema.c \
	schemas/validate.c schemas/validate.h \
	schemas/openapi.c schemas/openapi.h
schemas_libschemas_a_CFLAGS = $(AM_CFLAGS) $(CJSON_CFLAGS)
# float_repr (core) prints numbers the way the reference does.
SCHEMAS_LIBS = schemas/libschemas.a core/libtagifai.a $(UTIL_LIBS) $(CJSON_LIBS) -lm
