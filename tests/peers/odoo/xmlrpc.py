"""XML-RPC: `POST /xmlrpc/2/common` and `POST /xmlrpc/2/object` (all versions).

research/odoo-protocol.md §5: HTTP 200 `text/xml` even for faults; integer fault codes 1
(traceback text), 2 (UserError: `str(e)`), 3 (AccessDenied), 4 (AccessError); marshalled
without allow_none (a None result is faultCode 1 "cannot marshal None unless allow_none is
enabled"); dates travel as strings.
"""

from __future__ import annotations

import xmlrpc.client
from collections.abc import Mapping
from typing import Any

from tests.peers.odoo import services
from tests.peers.odoo.errors import PYTHON_ERRORS, OdooError, traceback_text
from tests.peers.odoo.profiles import VersionProfile
from tests.peers.odoo.state import OdooDatabase, Request
from tests.peers.odoo.wire import Answer, HttpCall, method_not_allowed_html, xml_answer

SERVICES = {"/xmlrpc/2/common": "common", "/xmlrpc/2/object": "object"}


def describe(call: HttpCall) -> Request:
    """The request-log entry of an XML-RPC call (db, model, method when they parse)."""
    service = SERVICES.get(call.path, "")
    db = model = method = None
    context = None
    try:
        params, rpc_method = xmlrpc.client.loads(call.body, use_builtin_types=True)
    except (xmlrpc.client.ResponseError, ValueError, TypeError, IndexError, SyntaxError):
        params, rpc_method = (), None
    if params and isinstance(params[0], str):
        db = params[0]
    if service == "object" and len(params) >= 5:
        model, method = str(params[3]), str(params[4])
        context = services.call_context(service, rpc_method or "", list(params))
    elif service == "common":
        method = rpc_method
    return Request(call.method, call.path, "xmlrpc", db, model, method, context)


def answer(
    call: HttpCall, databases: Mapping[str, OdooDatabase], profile: VersionProfile
) -> Answer:
    """The XML-RPC response (a fault where Odoo gives one); the caller routes SERVICES only."""
    if call.method != "POST":
        return method_not_allowed_html()
    try:
        params, method = xmlrpc.client.loads(call.body, use_builtin_types=True)
        result = services.dispatch(
            databases, profile, SERVICES[call.path], method or "", list(params)
        )
        body = xmlrpc.client.dumps((_marshallable(result),), methodresponse=True, allow_none=False)
    except OdooError as error:
        body = _fault(error.fault_code, error.message)
    except (*PYTHON_ERRORS, NameError, services.OperationalError, SyntaxError) as error:
        body = _fault(1, traceback_text(error))
    return xml_answer(body)


def _fault(code: int, text: str) -> str:
    return xmlrpc.client.dumps(xmlrpc.client.Fault(code, text), methodresponse=True)


def _marshallable(value: Any) -> Any:
    """Odoo's OdooMarshaller: tuples and frozensets as arrays, bytes as text."""
    if isinstance(value, bytes):
        return value.decode()
    if isinstance(value, tuple | frozenset | set):
        return [_marshallable(item) for item in value]
    if isinstance(value, list):
        return [_marshallable(item) for item in value]
    if isinstance(value, dict):
        return {str(key): _marshallable(item) for key, item in value.items()}
    return value
