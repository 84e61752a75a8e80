"""JSON-2: `POST /json/2/<model>/<method>` with a bearer API key (Odoo 19.0+).

research/odoo-protocol.md §3. The checks run in Odoo's order: database selection (multi-db
without a good `X-Odoo-Database` header: 404 HTML), the catch-all route (anything but
`POST /json/2/<model>/<method>`: 404 JSON "Did you mean …"), the Content-Type (415 HTML),
the bearer key (401 + `WWW-Authenticate: Bearer`), the body (400), the model and method (404,
403 for private names), ids on an @api.model method (422), the arguments (422 with Python's
TypeError text), then the call (UserError 422, AccessError 403, MissingError 404, anything else
500). Error bodies are Odoo's 5-key objects.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from tests.peers.odoo import models
from tests.peers.odoo.errors import (
    PYTHON_ERRORS,
    BadRequest,
    NotFound,
    OdooError,
    Unauthorized,
    UnprocessableEntity,
    serialize_exception,
)
from tests.peers.odoo.profiles import VersionProfile
from tests.peers.odoo.state import OdooDatabase, Request
from tests.peers.odoo.wire import Answer, HttpCall, html_answer, json_answer, not_found_html

PREFIX = "/json/2"
BEARER = re.compile(r"^bearer\s+(.+)$", re.IGNORECASE)
NO_KEY = "User not authenticated, use an API Key with a Bearer Authorization header."


def select_database(call: HttpCall, databases: Mapping[str, OdooDatabase]) -> OdooDatabase | None:
    """The header's database, or the only one; None when Odoo would answer 404 HTML."""
    name = call.header("X-Odoo-Database")
    if name is not None:
        return databases.get(name)
    return next(iter(databases.values())) if len(databases) == 1 else None


def _model_method(path: str) -> tuple[str, str] | None:
    parts = path[len(PREFIX) :].strip("/").split("/")
    return (parts[0], parts[1]) if len(parts) == 2 and all(parts) else None


def describe(call: HttpCall, databases: Mapping[str, OdooDatabase]) -> Request:
    """The request-log entry: the selected database, the model, the method and the context."""
    database = select_database(call, databases)
    target = _model_method(call.path)
    context = None
    try:
        body = json.loads(call.body) if call.body else {}
    except ValueError:
        body = None
    if isinstance(body, dict) and isinstance(body.get("context"), dict):
        context = body["context"]
    db = database.name if database is not None else call.header("X-Odoo-Database")
    model, method = target if target is not None else (None, None)
    return Request(call.method, call.path, "json2", db, model, method, context)


def answer(
    call: HttpCall, databases: Mapping[str, OdooDatabase], profile: VersionProfile
) -> Answer:
    """The JSON-2 response; ≤18 profiles have no such route (404 HTML)."""
    database = select_database(call, databases) if profile.json2 else None
    if database is None:
        return not_found_html()
    target = _model_method(call.path)
    try:
        if call.method != "POST" or target is None:
            raise NotFound("Did you mean POST /json/2/<model>/<method>?")
        if call.body and not _is_json(call.header("Content-Type")):
            return _unsupported_media_type(call.path)
        user = _authenticate(call, database)
        kwargs = _body(call.body)
        result = _call(database, profile, user, *target, kwargs)
    except Unauthorized as error:
        return json_answer(serialize_exception(error), 401, {"WWW-Authenticate": "Bearer"})
    except OdooError as error:
        return json_answer(serialize_exception(error), error.http_status)
    except PYTHON_ERRORS as error:
        return json_answer(serialize_exception(error), 500)
    return json_answer(result)


def _is_json(content_type: str | None) -> bool:
    return (content_type or "").split(";")[0].strip().lower() == "application/json"


def _unsupported_media_type(path: str) -> Answer:
    return html_answer(
        415,
        "<!doctype html>\n<html lang=en>\n<title>415 Unsupported Media Type</title>\n"
        "<h1>Unsupported Media Type</h1>\n"
        f"<p>Request inferred type is compatible with [&#39;http&#39;] but {path} is "
        "type=json2.\n\nPlease verify the Content-Type request header and try again.</p>\n",
    )


def _authenticate(call: HttpCall, database: OdooDatabase) -> Any:
    header = call.header("Authorization")
    match = BEARER.match(header or "")
    if match is None:
        raise Unauthorized(NO_KEY)
    user = database.user_for_key(match.group(1).strip())
    if user is None:
        raise Unauthorized("Invalid apikey")
    return user


def _body(raw: bytes) -> dict[str, Any]:
    if not raw:
        return {}
    try:
        body = json.loads(raw)
    except ValueError as error:
        raise BadRequest(f"could not parse the body as json: {error}") from None
    if not isinstance(body, dict):
        raise BadRequest("could not parse the body, expecting a json object")
    return body


def _call(
    database: OdooDatabase,
    profile: VersionProfile,
    user: Any,
    model: str,
    method: str,
    kwargs: dict[str, Any],
) -> Any:
    ids = kwargs.pop("ids", None) or []
    context = kwargs.pop("context", None) or {}
    if not isinstance(ids, list) or not all(isinstance(record_id, int) for record_id in ids):
        raise ValueError(f"ids: expected a list of integers, got {ids!r}")
    try:
        found = models.find_method(database, profile, model, method)
    except models.UnknownModel:
        raise NotFound(f"the model {model!r} does not exist") from None
    except AttributeError as error:
        raise NotFound(str(error)) from None
    if found.api_model and ids:
        raise UnprocessableEntity(f"cannot call {model}.{method} with ids")
    env = models.Env(database, profile, user, dict(context), ids)
    try:
        bound = models.bind(found, env, [], kwargs)
    except TypeError as error:
        raise UnprocessableEntity(str(error.args[0])) from None
    return models.run(found, bound)
