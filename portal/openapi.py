"""The OpenAPI 3 description of the portal's JSON API (/api/v1/), served at /api/openapi.json."""

from __future__ import annotations

from .facets import FACET_KEYS
from .search import FEW, SORTS

STRING = {"type": "string"}
INTEGER = {"type": "integer"}
PAGE = {"name": "page", "in": "query", "required": False, "schema": {"type": "integer", "minimum": 1, "default": 1},
        "description": "Page number, from 1."}
ERROR = {"description": "Error", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}


FACET_NOTES = {"kind": "real or sample (synthetic); kind=real alone is the \"hanya data nyata\" (real data only) "
                       "filter. Without it, real datasets come before samples in every sort but newest."}


def openapi_document(title: str) -> dict:
    facet_parameters = [
        {"name": key, "in": "query", "required": False, "description": FACET_NOTES.get(
            key, f"Filter by {key}; repeat for several values."),
         "schema": {"type": "array", "items": STRING}, "style": "form", "explode": True}
        for key in FACET_KEYS
    ]
    return {
        "openapi": "3.0.3",
        "info": {"title": f"{title} API", "version": "1",
                 "description": "Read-only JSON API of the portal's catalog. Data rows are served by Datasette "
                                "under /sql/ (JSON and CSV); a CKAN-compatible Action API is at /api/3/action/."},
        "paths": {
            "/api/v1/datasets": {"get": {
                "summary": "All datasets, one page at a time", "operationId": "listDatasets",
                "parameters": [PAGE, {"name": "per_page", "in": "query", "required": False,
                                      "schema": {"type": "integer", "minimum": 1, "maximum": 1000, "default": 100}}],
                "responses": {"200": {"description": "A page of dataset summaries",
                                      "content": {"application/json": {"schema": {"$ref": "#/components/schemas/DatasetPage"}}}},
                              "400": ERROR}}},
            "/api/v1/datasets/{name}": {"get": {
                "summary": "One dataset: metadata, resources with their schema and download URLs, versions",
                "operationId": "getDataset",
                "parameters": [{"name": "name", "in": "path", "required": True, "schema": STRING}],
                "responses": {"200": {"description": "The dataset",
                                      "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Dataset"}}}},
                              "404": ERROR}}},
            "/api/v1/search": {"get": {
                "summary": "Full-text search with facets", "operationId": "search",
                "parameters": [{"name": "q", "in": "query", "required": False, "schema": STRING,
                                "description": "Words to find; each is matched as a prefix, by its Indonesian stem "
                                               f"and by its synonyms. When fewer than {FEW} datasets match, misspelt "
                                               "words are corrected too (see corrections)."},
                               {"name": "sort", "in": "query", "required": False,
                                "schema": {"type": "string", "enum": list(SORTS)}},
                               PAGE, *facet_parameters],
                "responses": {"200": {"description": "Matching datasets and facet counts",
                                      "content": {"application/json": {"schema": {"$ref": "#/components/schemas/SearchResult"}}}},
                              "400": ERROR}}},
            "/api/v1/releases": {"get": {
                "summary": "The release log, newest first", "operationId": "listReleases",
                "responses": {"200": {"description": "Releases",
                                      "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Releases"}}}}}}},
        },
        "components": {"schemas": {
            "Error": {"type": "object", "required": ["error"], "properties": {"error": STRING, "status": INTEGER}},
            "DatasetSummary": {"type": "object", "required": ["name", "title", "url", "api_url"], "properties": {
                "name": STRING, "title": STRING, "title_en": STRING, "description": STRING, "publisher": STRING,
                "themes": {"type": "array", "items": STRING}, "sample": {"type": "boolean"},
                "frequency": STRING, "version": {"type": "integer", "nullable": True},
                "modified": {"type": "string", "nullable": True}, "quality_score": INTEGER,
                "url": STRING, "api_url": STRING}},
            "DatasetPage": {"type": "object", "required": ["count", "page", "pages", "datasets"], "properties": {
                "count": INTEGER, "page": INTEGER, "pages": INTEGER,
                "datasets": {"type": "array", "items": {"$ref": "#/components/schemas/DatasetSummary"}}}},
            "Dataset": {"type": "object", "required": ["name", "title", "resources"],
                        "additionalProperties": True,
                        "properties": {"name": STRING, "title": STRING,
                                       "resources": {"type": "array", "items": {"type": "object"}}}},
            "SearchResult": {"type": "object", "required": ["count", "page", "pages", "results", "facets"], "properties": {
                "count": INTEGER, "page": INTEGER, "pages": INTEGER,
                "results": {"type": "array", "items": {"$ref": "#/components/schemas/DatasetSummary"}},
                "facets": {"type": "object", "additionalProperties": {"type": "array", "items": {
                    "type": "object", "properties": {"value": STRING, "count": INTEGER, "selected": {"type": "boolean"}}}}},
                "corrections": {"type": "array", "items": STRING,
                                "description": "Catalog words misspelt query words were also matched as"},
                "suggestion": {"type": "string", "nullable": True,
                               "description": "When nothing matches: a corrected query that finds datasets"},
                "places": {"type": "array", "description": "Place pages (/wilayah/<kode>) whose names the query names",
                           "items": {"type": "object", "properties": {"kode": STRING, "nama": STRING, "tingkat": STRING,
                                                                      "url": STRING}}}}},
            "Releases": {"type": "object", "required": ["current", "releases"], "properties": {
                "current": STRING, "releases": {"type": "array", "items": {"type": "object"}}}},
        }},
    }
