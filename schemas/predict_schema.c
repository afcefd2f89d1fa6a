/* SPDX-License-Identifier: MIT
 * schemas/predict_schema.c - the POST /predict request body, as the
 * reference declares it in pydantic:
 *
 *   class Text(BaseModel):            text: str = Field(..., min_length=1)
 *   class PredictPayload(BaseModel):  texts: List[Text]  (+ non-empty check)
 *
 * plus our own upper bounds (texts per request, characters per text).
 */
#include "schemas/schema.h"

const struct schema schema_text_string = {
	.kind = SCHEMA_STRING,
	.title = "Text",
	.min_length = 1,
	.max_length = SCHEMA_LIMIT_TEXT_CHARS,
	.coerce = true,
};

static const struct schema_field text_fields[] = {
	{ "text", "Text", &schema_text_string, true },
};

const struct schema schema_text = {
	.kind = SCHEMA_OBJECT,
	.name = "Text",
	.title = "Text",
	.fields = text_fields,
	.n_fields = sizeof(text_fields) / sizeof(text_fields[0]),
};

static const struct schema texts_array = {
	.kind = SCHEMA_ARRAY,
	.title = "Texts",
	.items = &schema_text,
	.min_items = 1,
	.min_items_msg = "List of texts to classify cannot be empty.",
	.min_items_type = "value_error",
	.max_items = SCHEMA_LIMIT_TEXTS,
};

static const struct schema_field payload_fields[] = {
	{ "texts", "Texts", &texts_array, true },
};

const struct schema schema_predict_payload = {
	.kind = SCHEMA_OBJECT,
	.name = "PredictPayload",
	.title = "PredictPayload",
	.fields = payload_fields,
	.n_fields = sizeof(payload_fields) / sizeof(payload_fields[0]),
	.example = "{\"texts\":["
		"{\"text\":\"Transfer learning with transformers for text "
		"classification.\"},"
		"{\"text\":\"Generative adversarial networks in both PyTorch "
		"and TensorFlow.\"}]}",
};

void
schema_limits_default(struct schema_limits *l)
{
	l->value[SCHEMA_LIMIT_NONE] = 0;
	l->value[SCHEMA_LIMIT_TEXTS] = SCHEMA_DEFAULT_MAX_TEXTS;
	l->value[SCHEMA_LIMIT_TEXT_CHARS] = SCHEMA_DEFAULT_MAX_TEXT_CHARS;
	l->value[SCHEMA_LIMIT_BATCH_ITEMS] = SCHEMA_DEFAULT_MAX_BATCH_ITEMS;
}
