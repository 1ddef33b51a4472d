"""The CKAN-compatible, read-only Action API: /api/3/action/<action> (and /api/action/<action>, the path
ckanapi and older harvesters call). The conversion lives in portal/ckan/; this module reads the request
(query parameters on GET, a JSON or form body on POST) and answers in CKAN's envelope, errors included."""

from __future__ import annotations

import json

from flask import Blueprint, Response, current_app, g, request, url_for

from ..ckan.actions import call_action
from ..ckan.context import Context
from ..ckan.errors import ActionError, BadRequest
from .links import release_cache, request_links

blueprint = Blueprint("ckan_api", __name__)
ACTION_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"]  # all answered in JSON; only GET and POST act
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def request_params() -> dict:
    params = {key: values[0] if len(values) == 1 else values for key, values in request.args.lists()}
    if request.method == "POST":
        if request.mimetype in FORM_TYPES:
            params.update(request.form.to_dict())
        else:
            body = request.get_data()
            if body.strip():
                try:
                    data = json.loads(body)
                except ValueError as error:
                    raise BadRequest(f"JSON Error: {error}") from None
                if not isinstance(data, dict):
                    raise BadRequest(f"JSON Error: Request data JSON decoded to {data!r} "
                                          "but a dictionary was required")
                params.update(data)
    return params


def envelope(action: str, status: int, **fields) -> Response:
    help_url = url_for("ckan_api.action", action="help_show", name=action, _external=True, lang=None)
    body = json.dumps({"help": help_url, **fields}, ensure_ascii=False)
    return Response(body, status=status, mimetype="application/json")


@blueprint.route("/api/3/action/<action>", methods=ACTION_METHODS)
@blueprint.route("/api/3/action/", defaults={"action": ""}, methods=ACTION_METHODS)
@blueprint.route("/api/action/<action>", endpoint="action_unversioned", methods=ACTION_METHODS)
@blueprint.route("/api/action/", endpoint="action_unversioned", defaults={"action": ""}, methods=ACTION_METHODS)
def action(action: str):
    if request.method not in ("GET", "POST"):
        response = envelope(action, 405, success=False,
                            error={"__type": "Bad request", "message": "Bad request - read-only API: GET or POST"})
        response.headers["Allow"] = "GET, POST, OPTIONS"
        return response
    try:
        context = Context(g.release, request_links(), release_cache("ckan"))
        result = call_action(action, context, request_params())
    except ActionError as error:
        return envelope(action, error.status, success=False, error=error.error)
    return envelope(action, 200, success=True, result=result)


@blueprint.route("/api/3")
@blueprint.route("/api/3/")
def api_version():
    return Response(json.dumps({"version": 3}), mimetype="application/json")


@blueprint.errorhandler(Exception)
def internal_error(error):
    """Whatever went wrong, an API client gets JSON, never an HTML page or a traceback."""
    status = getattr(error, "code", None) or 500
    if status >= 500:
        current_app.logger.exception("CKAN API error")
    message = getattr(error, "description", None) if status < 500 else "Internal server error"
    return Response(json.dumps({"success": False, "error": {"__type": "Internal Server Error" if status >= 500
                                                            else "Bad request", "message": message}}),
                    status=status, mimetype="application/json")


@blueprint.after_request
def allow_any_origin(response: Response) -> Response:
    response.headers["Access-Control-Allow-Origin"] = "*"
    if request.method == "OPTIONS":
        response.headers["Access-Control-Allow-Methods"] = "GET, POST, OPTIONS"
        response.headers["Access-Control-Allow-Headers"] = "Content-Type, Authorization, X-CKAN-API-Key"
        response.headers["Access-Control-Max-Age"] = "86400"
    return response
