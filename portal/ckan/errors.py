"""CKAN's Action API errors: each carries the HTTP status and the error dict CKAN answers with
(ckan/views/api.py: ``__type`` and a message, or for a validation error field names with lists
of messages)."""

from __future__ import annotations


class ActionError(Exception):
    status = 500

    def __init__(self, error: dict):
        super().__init__(error)
        self.error = error


class BadRequest(ActionError):
    status = 400

    def __init__(self, message: str):
        super().__init__({"__type": "Bad request", "message": f"Bad request - {message}"})


class NotFound(ActionError):
    status = 404

    def __init__(self, message: str = ""):
        super().__init__({"__type": "Not Found Error", "message": f"Not found: {message}" if message else "Not found"})


class NotAuthorized(ActionError):
    status = 403

    def __init__(self, message: str):
        super().__init__({"__type": "Authorization Error", "message": f"Access denied: {message}"})


class ValidationError(ActionError):
    status = 409

    def __init__(self, errors: dict[str, list[str]]):
        super().__init__({"__type": "Validation Error", **errors})


class SearchError(ActionError):
    """What CKAN answers when Solr cannot run a query (a syntax error, an unsupported construct)."""

    status = 409

    def __init__(self, message: str):
        super().__init__({"__type": "Search Error", "message": f"Search error: ({message!r},)"})


class SearchQueryError(ActionError):
    """What CKAN answers for a search parameter it refuses itself, such as an invalid sort."""

    status = 400

    def __init__(self, message: str):
        super().__init__({"__type": "Search Query Error", "message": f"Search Query is invalid: ({message!r},)"})
