"""The OpenAPI document says every error a route can answer, in the shape it is answered.

Domain errors (`{"detail": ..., "field": ...}`, shared/web/errors.py), the staff gate's 403,
sign-in 401s and the input guard's 422 come from code around the routes, so FastAPI cannot see
them; this adds them to every operation once, in the app factory.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

ERROR_BODY = {
    "title": "ErrorBody",
    "type": "object",
    "properties": {
        "detail": {"type": "string"},
        "field": {"anyOf": [{"type": "string"}, {"type": "null"}]},
    },
    "required": ["detail"],
}
SERVER_ERROR = {
    "title": "ServerError",
    "type": "object",
    "properties": {"detail": {"type": "string"}, "correlation_id": {"type": "string"}},
    "required": ["detail", "correlation_id"],
}
REF = "#/components/schemas/"
DESCRIPTIONS = {
    "400": "The request cannot be carried out as given",
    "401": "Sign-in required",
    "403": "Not allowed for this role, or the CSRF token is missing or wrong",
    "404": "Not found",
    "409": "Conflicts with the current state (changed meanwhile, a duplicate)",
}


def _json(ref: str) -> dict[str, Any]:
    return {"application/json": {"schema": {"$ref": REF + ref}}}


def document_errors(app: FastAPI) -> None:
    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        spec = get_openapi(
            title=app.title, version=app.version, routes=app.routes, description=app.description
        )
        schemas = spec.setdefault("components", {}).setdefault("schemas", {})
        schemas["ErrorBody"] = ERROR_BODY
        schemas["ServerError"] = SERVER_ERROR
        for operations in spec.get("paths", {}).values():
            for operation in operations.values():
                responses = operation.setdefault("responses", {})
                for code, description in DESCRIPTIONS.items():
                    responses.setdefault(
                        code, {"description": description, "content": _json("ErrorBody")}
                    )
                # FastAPI's validation errors, or a domain rule's refusal of a valid shape.
                responses["422"] = {
                    "description": "Invalid input",
                    "content": {
                        "application/json": {
                            "schema": {
                                "anyOf": [
                                    {"$ref": REF + "HTTPValidationError"},
                                    {"$ref": REF + "ErrorBody"},
                                ]
                            }
                        }
                    },
                }
                responses.setdefault(
                    "500", {"description": "A bug, logged", "content": _json("ServerError")}
                )
        if "HTTPValidationError" not in schemas:
            _add_validation_schemas(schemas)
        app.openapi_schema = spec
        return spec

    app.openapi = openapi  # type: ignore[method-assign]


def _add_validation_schemas(schemas: dict[str, Any]) -> None:
    schemas["ValidationError"] = {
        "title": "ValidationError",
        "type": "object",
        "properties": {
            "loc": {"type": "array", "items": {"anyOf": [{"type": "string"}, {"type": "integer"}]}},
            "msg": {"type": "string"},
            "type": {"type": "string"},
        },
        "required": ["loc", "msg", "type"],
    }
    schemas["HTTPValidationError"] = {
        "title": "HTTPValidationError",
        "type": "object",
        "properties": {"detail": {"type": "array", "items": {"$ref": REF + "ValidationError"}}},
    }
