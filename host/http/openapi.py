"""OpenAPI 3.1 for the api steps, built from their configs and schemas."""

from __future__ import annotations

from typing import Any

from ..auth.config import ApiKeyAuth, AuthSpec, JwtAuth, StepAuth
from ..catalog import Catalog, StepConfig

ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message"],
            "properties": {
                "code": {"type": "string"},
                "message": {"type": "string"},
                "step": {"type": "string"},
                "traceId": {"type": "string"},
                "errors": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "properties": {"path": {"type": "string"}, "message": {"type": "string"}},
                    },
                },
            },
        }
    },
}
_ERROR_REF = {"$ref": "#/components/schemas/Error"}


def _responses(step: StepConfig) -> dict[str, Any]:
    declared = step.raw.get("responseSchema")
    responses: dict[str, Any] = {}
    if isinstance(declared, dict) and declared and all(str(k).isdigit() for k in declared):
        for status, schema in declared.items():
            responses[str(status)] = {
                "description": f"{status} from {step.name}",
                "content": {"application/json": {"schema": schema}},
            }
    elif isinstance(declared, dict) and declared:
        responses["200"] = {
            "description": f"200 from {step.name}",
            "content": {"application/json": {"schema": declared}},
        }
    else:
        responses["200"] = {"description": f"what {step.name} returns"}
    error = {"content": {"application/json": {"schema": _ERROR_REF}}}
    if step.body_schema is not None:
        responses.setdefault("400", {"description": "the body breaks the schema", **error})
    if step.auth is not None:
        responses.setdefault("401", {"description": "no credential, or not a good one", **error})
        responses.setdefault("403", {"description": "the credential may not call it", **error})
    responses.setdefault("500", {"description": "the handler failed", **error})
    return responses


def _operation(step: StepConfig) -> dict[str, Any]:
    operation: dict[str, Any] = {
        "operationId": step.name,
        "summary": step.description or step.name,
        "tags": list(step.flows),
        "parameters": [
            {"name": seg.text, "in": "path", "required": True, "schema": {"type": "string"}}
            for seg in step.path
            if seg.param
        ],
        "responses": _responses(step),
        "x-stephost-language": step.language,
        "x-stephost-file": step.file,
    }
    if step.auth is not None:
        name, _ = security_scheme(step.auth)
        roles = list(step.auth.scopes) if isinstance(step.auth, JwtAuth) else []
        operation["security"] = [{name: roles}]
    if step.body_schema is not None:
        operation["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": step.body_schema.schema}},
        }
    return operation


def security_scheme(auth: AuthSpec) -> tuple[str, dict[str, Any]]:
    """The name and OpenAPI security scheme of an api step's `auth`."""
    if isinstance(auth, ApiKeyAuth):
        name = f"apiKey.{auth.location}.{auth.name}"
        return name, {"type": "apiKey", "in": auth.location, "name": auth.name}
    if isinstance(auth, JwtAuth):
        return "jwt", {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}
    assert isinstance(auth, StepAuth)
    description = (
        f"Checked by the auth step {auth.step}, which reads the request's headers and query."
    )
    return f"step.{auth.step}", {"type": "http", "scheme": "Custom", "description": description}


def build_openapi(catalog: Catalog, title: str, version: str) -> dict[str, Any]:
    paths: dict[str, dict[str, Any]] = {}
    schemes: dict[str, dict[str, Any]] = {}
    for step in sorted(catalog.of_type("api"), key=lambda s: (s.route, s.method)):
        paths.setdefault(step.route, {})[step.method.lower()] = _operation(step)
        if step.auth is not None:
            name, scheme = security_scheme(step.auth)
            schemes[name] = scheme
    components: dict[str, Any] = {"schemas": {"Error": ERROR_SCHEMA}}
    if schemes:
        components["securitySchemes"] = dict(sorted(schemes.items()))
    return {
        "openapi": "3.1.0",
        "info": {"title": title, "version": version},
        "paths": paths,
        "components": components,
    }
