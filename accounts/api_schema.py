"""drf-spectacular post-processing: document the error responses every API view can give.

CompanyMemberPermission answers 401 without valid credentials, 404 for an unknown company (or an object of
another company), 403 when the role lacks the permission; DRF answers 400 with field errors for bad input and
404 for a page number out of range. Declaring them once here keeps the schema truthful for every operation.
"""

ERROR = {"type": "object", "properties": {"detail": {"type": "string"}}, "required": ["detail"]}
FIELD_ERRORS = {"type": "object", "additionalProperties": True,
                "description": "Field name → list of messages (`non_field_errors` for the whole request)."}

DESCRIPTIONS = {
    "400": ("Invalid input: field errors.", "FieldErrors"),
    "401": ("Not signed in, or an invalid or revoked token.", "Error"),
    "403": ("Your role may not do this.", "Error"),
    "404": ("Unknown here, another company's object, or a page out of range.", "Error"),
}


def _json(ref):
    return {"application/json": {"schema": {"$ref": f"#/components/schemas/{ref}"}}}


def document_error_responses(result, generator, request, public):
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas.setdefault("Error", ERROR)
    schemas.setdefault("FieldErrors", FIELD_ERRORS)
    for path, item in result.get("paths", {}).items():
        for method, operation in item.items():
            if method not in {"get", "put", "patch", "post", "delete"}:
                continue
            responses = operation.setdefault("responses", {})
            codes = []
            if operation.get("security", [{}]) != [{}] and operation.get("security") != []:
                codes += ["401", "403"]
            parameters = operation.get("parameters", [])
            if "{" in path or any(p.get("name") == "page" for p in parameters):
                codes.append("404")
            if "requestBody" in operation or any(p.get("in") in ("query", "header") for p in parameters):
                codes.append("400")
            for code in codes:
                if code not in responses:
                    description, ref = DESCRIPTIONS[code]
                    responses[code] = {"description": description, "content": _json(ref)}
    return result
