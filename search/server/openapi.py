"""``/openapi.json``: the API described from the endpoints' own tables."""

from __future__ import annotations

from .. import __version__
from ..render import HIT_FIELDS

ERROR = {"type": "object", "required": ["error", "code"],
         "properties": {"error": {"type": "string", "description": "One line for people."},
                        "code": {"type": "string", "description": "bad_query, bad_parameter, not_found, "
                                 "too_large, index_missing, index_damaged, timeout, …"}}}
RESULTS = {"type": "object", "description": "The object of `search query --format json`, plus the time taken.",
           "properties": {"query": {"type": "string"}, "total": {"type": "integer"},
                          "offset": {"type": "integer"},
                          "hits": {"type": "array", "items": {"$ref": "#/components/schemas/Hit"}},
                          "notes": {"type": "array", "items": {"type": "string"},
                                    "description": "A filter value the index does not hold, and the closest."},
                          "took_ms": {"type": "number"}}}
HIT = {"type": "object", "description": "`matches` holds [start, end) offsets of the matched words in `text`.",
       "properties": {name: {} for name in HIT_FIELDS + ("id", "part", "section", "kind", "matches")}}
STATUSES = {"400": "A bad query or parameter.", "413": "The body or batch is too large.",
            "503": "No index (yet), a damaged one, or no answer within the time limit."}


def _error(description: str) -> dict:
    return {"description": description,
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}


def _operation(endpoint, engine) -> dict:
    answer = {"$ref": "#/components/schemas/Results"} if endpoint.path == "/api/search" else {"type": "object"}
    ok = ({"application/x-ndjson": {"schema": {"type": "string"}}} if endpoint.http == "POST"
          else {"application/json": {"schema": answer}})
    operation = {
        "summary": endpoint.summary, "operationId": endpoint.call.__name__,
        "parameters": [p.schema() for p in endpoint.offered(engine)],
        "responses": {"200": {"description": "The answer.", "content": ok},
                      **{status: _error(text) for status, text in STATUSES.items()
                         if status != "413" or endpoint.http == "POST"}},
    }
    if endpoint.http == "POST":
        operation["requestBody"] = {"required": True, "content": {"application/x-ndjson": {
            "schema": {"type": "string"}, "example": '{"id": "q1", "query": "злочинна група"}\n'}}}
    return operation


def document(endpoints, engine) -> dict:
    """The OpenAPI 3.1 description of ``endpoints`` as served over ``engine``."""
    return {
        "openapi": "3.1.0",
        "info": {"title": "search", "version": __version__,
                 "description": "Morphology-aware search over Ukrainian and Russian texts."},
        "paths": {e.path: {e.http.lower(): _operation(e, engine)} for e in endpoints},
        "components": {"schemas": {"Error": ERROR, "Results": RESULTS, "Hit": HIT}},
    }
