"""Odoo's RPC services `common` and `object`, shared by XML-RPC and JSON-RPC (`/jsonrpc`).

research/odoo-protocol.md §5.3 (`authenticate`/`login`: the API key as password, `False` for bad
credentials) and §5.4 (`execute_kw`/`execute`: AccessDenied for a wrong uid or key, UserError
"Object x doesn't exist" for a missing model, ids as the first positional argument of
non-@api.model methods, the `context` keyword popped). Errors are raised; each protocol module
renders them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tests.peers.odoo import models
from tests.peers.odoo.errors import AccessDenied, UserError
from tests.peers.odoo.profiles import VersionProfile
from tests.peers.odoo.state import OdooDatabase


class OperationalError(Exception):
    """What Odoo raises for a database that does not exist (psycopg2's class name)."""


OperationalError.__module__ = "psycopg2"


def database_named(databases: Mapping[str, OdooDatabase], name: object) -> OdooDatabase:
    """The database `name`, or psycopg2's error (faultCode 1) as Odoo reports a missing one."""
    database = databases.get(name) if isinstance(name, str) else None
    if database is None:
        raise OperationalError(
            'connection to server on socket "/var/run/postgresql/.s.PGSQL.5432" failed: '
            f'FATAL:  database "{name}" does not exist'
        )
    return database


def dispatch(
    databases: Mapping[str, OdooDatabase],
    profile: VersionProfile,
    service: str,
    method: str,
    params: list[Any],
) -> Any:
    """Runs `service.method(*params)` as odoo/service/{common,model}.py do."""
    if service == "common":
        return _common(databases, profile, method, params)
    if service == "object":
        return _object(databases, profile, method, params)
    raise KeyError(f"No such service: {service}")


def _common(
    databases: Mapping[str, OdooDatabase], profile: VersionProfile, method: str, params: list[Any]
) -> Any:
    if method == "version":
        return profile.version_dict()
    if method == "login":
        db, login, password = params
        return _authenticate(databases, db, login, password)
    if method == "authenticate":
        db, login, password, _user_agent_env = params
        return _authenticate(databases, db, login, password)
    raise KeyError(f"exp_{method}")


def _authenticate(
    databases: Mapping[str, OdooDatabase], db: object, login: object, password: object
) -> int | bool:
    database = database_named(databases, db)
    user = database.user_for_key(password) if isinstance(password, str) else None
    return user.id if user is not None and user.login == login else False


def _object(
    databases: Mapping[str, OdooDatabase], profile: VersionProfile, method: str, params: list[Any]
) -> Any:
    db, uid, password, model_name, method_name, *rest = params
    if not password:
        raise AccessDenied()
    if method == "execute_kw":
        args, kwargs = ([*rest, {}])[:2] if rest else ([], {})
        kwargs = dict(kwargs or {})
    elif method == "execute":
        args, kwargs = list(rest), {}
    else:
        raise NameError(f"Method not available {method}")
    database = database_named(databases, db)
    user = database.user_for_key(password) if isinstance(password, str) else None
    if user is None or user.id != uid:
        raise AccessDenied()
    try:
        found = models.find_method(database, profile, str(model_name), str(method_name))
    except models.UnknownModel:
        raise UserError(f"Object {model_name} doesn't exist") from None
    context = kwargs.pop("context", None) or {}
    args = list(args)
    ids: list[int] = []
    if not found.api_model:
        ids, args = args[0], args[1:]
        ids = [ids] if isinstance(ids, int) else list(ids)
    env = models.Env(database, profile, user, dict(context), ids)
    return models.run(found, models.bind(found, env, args, kwargs))


def call_context(service: str, method: str, params: list[Any]) -> Mapping[str, Any] | None:
    """The `context` keyword of an `object.execute_kw` call, for the request log."""
    if service != "object" or method != "execute_kw" or len(params) < 7:
        return None
    kwargs = params[6]
    context = kwargs.get("context") if isinstance(kwargs, dict) else None
    return context if isinstance(context, dict) else None
