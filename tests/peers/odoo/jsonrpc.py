"""JSON-RPC: `POST /web/webclient/version_info` and `POST /jsonrpc` (all versions).

research/odoo-protocol.md §4.2: `/web/webclient/version_info` returns `common.version()` in a
JSON-RPC 2.0 envelope. `/jsonrpc` runs the same services as XML-RPC (`{"service": "object",
"method": "execute_kw", "args": [...]}`); its errors are `{"code": 200, "message": "Odoo Server
Error", "data": {name, message, arguments, context, debug}}` (§2.4, ≤19.0 dispatchers).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from tests.peers.odoo import services
from tests.peers.odoo.errors import PYTHON_ERRORS, OdooError, serialize_exception
from tests.peers.odoo.profiles import VersionProfile
from tests.peers.odoo.state import OdooDatabase, Request
from tests.peers.odoo.wire import Answer, HttpCall, json_answer, method_not_allowed_html

PATHS = ("/jsonrpc", "/web/webclient/version_info")


def _envelope(call: HttpCall) -> dict[str, Any] | None:
    try:
        envelope = json.loads(call.body or b"{}")
    except ValueError:
        return None
    return envelope if isinstance(envelope, dict) else None


def _params(envelope: dict[str, Any]) -> dict[str, Any]:
    params = envelope.get("params")
    return params if isinstance(params, dict) else {}


def describe(call: HttpCall) -> Request:
    """The request-log entry of a JSON-RPC call."""
    envelope = _envelope(call) or {}
    params = _params(envelope)
    raw_args = params.get("args")
    args: list[Any] = raw_args if isinstance(raw_args, list) else []
    service, method = str(params.get("service", "")), str(params.get("method", ""))
    if call.path != "/jsonrpc":
        return Request(call.method, call.path, "jsonrpc", method="version_info")
    db = args[0] if args and isinstance(args[0], str) else None
    if service == "object" and len(args) >= 5:
        context = services.call_context(service, method, args)
        return Request(call.method, call.path, "jsonrpc", db, str(args[3]), str(args[4]), context)
    return Request(call.method, call.path, "jsonrpc", db, None, method or None)


def answer(
    call: HttpCall, databases: Mapping[str, OdooDatabase], profile: VersionProfile
) -> Answer:
    if call.method != "POST":
        return method_not_allowed_html()
    envelope = _envelope(call)
    if envelope is None:
        return json_answer(_error(None, ValueError("Invalid JSON data")))
    request_id = envelope.get("id")
    if call.path == "/web/webclient/version_info":
        return json_answer({"jsonrpc": "2.0", "id": request_id, "result": profile.version_dict()})
    params = _params(envelope)
    args = params.get("args")
    try:
        result = services.dispatch(
            databases,
            profile,
            str(params.get("service", "")),
            str(params.get("method", "")),
            list(args) if isinstance(args, list) else [],
        )
    except (OdooError, *PYTHON_ERRORS, NameError, services.OperationalError) as error:
        return json_answer(_error(request_id, error))
    return json_answer({"jsonrpc": "2.0", "id": request_id, "result": result})


def _error(request_id: object, error: BaseException) -> dict[str, Any]:
    return {
        "jsonrpc": "2.0",
        "id": request_id,
        "error": {"code": 200, "message": "Odoo Server Error", "data": serialize_exception(error)},
    }
