# schemas/: request/response schemas, validators, OpenAPI (owned by the service part)
