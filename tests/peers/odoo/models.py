"""The fake ORM: the models and public methods the Fleet calls, shared by every protocol.

research/odoo-protocol.md §2 (kpi.provider), §6 (res.users search/read/write/web_create_users,
ir.config_parameter.get_param) and §7 (odoo.database.list on Odoo.com). Each method is a plain
function whose Python signature is the Odoo method's (after `self`), so binding the caller's
arguments with `inspect.signature` fails with the same TypeError text Odoo reports
("missing a required argument: 'domain'"). `api_model` marks @api.model methods (called
without ids). Each call runs in its own transaction: the database's users are restored when the
call raises.
"""

from __future__ import annotations

import copy
import inspect
from collections.abc import Callable
from dataclasses import dataclass, field
from email.utils import parseaddr
from typing import Any

from tests.peers.odoo.domain import compile_domain, mentions_field
from tests.peers.odoo.errors import (
    AccessError,
    MissingError,
    UserError,
    ValidationError,
    access_error,
)
from tests.peers.odoo.profiles import VersionProfile
from tests.peers.odoo.state import (
    SUPERUSER_ID,
    USER_FIELDS,
    WRITABLE_USER_FIELDS,
    OdooDatabase,
    RemoteUser,
    WebCreateUsersCall,
)


@dataclass
class Env:
    """What a method runs with: the database, the calling user, the context and the ids."""

    database: OdooDatabase
    profile: VersionProfile
    user: RemoteUser
    context: dict[str, Any] = field(default_factory=dict)
    ids: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class ModelMethod:
    function: Callable[..., Any]
    api_model: bool


@dataclass(frozen=True)
class Model:
    name: str
    description: str  # the model's label, used in access errors
    methods: dict[str, ModelMethod]


class UnknownModel(LookupError):
    """The database has no such model (JSON-2: 404; XML-RPC: faultCode 2)."""

    def __init__(self, model: str) -> None:
        super().__init__(model)
        self.model = model


# --- res.users ----------------------------------------------------------------------------------


def _require_admin(env: Env, description: str, model: str, operation: str) -> None:
    if not env.user.admin:
        raise access_error(description, model, operation)


def _check_fields(fields: object) -> list[str]:
    if fields is None or fields is False:
        return list(USER_FIELDS)
    if not isinstance(fields, list | tuple):
        raise ValueError(f"Invalid fields {fields!r} on model 'res.users'")
    for name in fields:
        if name not in USER_FIELDS:
            raise ValueError(f"Invalid field {name!r} on model 'res.users'")
    return [str(name) for name in fields]


def _sort(users: list[RemoteUser], order: str | None) -> list[RemoteUser]:
    spec = order or "name, login"
    keys = []
    for part in spec.split(","):
        words = part.split()
        if (
            not words
            or words[0] not in USER_FIELDS
            or len(words) > 2
            or (len(words) == 2 and words[1].lower() not in ("asc", "desc"))
        ):
            raise ValueError(
                f'Invalid "order" specified ({spec}). A valid "order" specification is a '
                "comma-separated list of valid field names (optionally followed by asc/desc for "
                "the direction)"
            )
        keys.append((words[0], len(words) == 2 and words[1].lower() == "desc"))
    ordered = sorted(users, key=lambda user: user.id)
    for name, descending in reversed(keys):
        ordered.sort(key=lambda user: _sort_key(user.record()[name]), reverse=descending)
    return ordered


def _sort_key(value: Any) -> tuple[bool, Any]:
    """Empty values first; text compared case-insensitively, as PostgreSQL's collations do."""
    return (value is not False, value.casefold() if isinstance(value, str) else value)


def _search_users(
    env: Env, domain: object, offset: int = 0, limit: int | None = None, order: str | None = None
) -> list[RemoteUser]:
    matches = compile_domain(domain, "res.users", USER_FIELDS)
    active_test = env.context.get("active_test", True) and not mentions_field(domain, "active")
    found = [
        user
        for user in env.database.users.values()
        if (user.active or not active_test) and matches(user.record())
    ]
    ordered = _sort(found, order)[offset or 0 :]
    return ordered[:limit] if limit else ordered


def _browse(env: Env) -> list[RemoteUser]:
    missing = [record_id for record_id in env.ids if record_id not in env.database.users]
    if missing:
        raise MissingError(
            "Record does not exist or has been deleted.\n"
            f"(Record: res.users({', '.join(map(str, missing))},), User: {env.user.id})"
        )
    return [env.database.users[record_id] for record_id in env.ids]


def _read(users: list[RemoteUser], fields: list[str]) -> list[dict[str, Any]]:
    rows = []
    for user in users:
        values = user.record()
        rows.append({"id": user.id} | {name: values[name] for name in fields if name != "id"})
    return rows


def users_search(
    env: Env, domain: object, offset: int = 0, limit: int | None = None, order: str | None = None
) -> list[int]:
    return [user.id for user in _search_users(env, domain, offset, limit, order)]


def users_search_count(env: Env, domain: object, limit: int | None = None) -> int:
    return len(_search_users(env, domain, 0, limit, None))


def users_search_read(
    env: Env,
    domain: object = None,
    fields: object = None,
    offset: int = 0,
    limit: int | None = None,
    order: str | None = None,
    load: str = "_classic_read",
) -> list[dict[str, Any]]:
    names = _check_fields(fields)
    return _read(_search_users(env, domain, offset, limit, order), names)


def users_read(
    env: Env, fields: object = None, load: str = "_classic_read"
) -> list[dict[str, Any]]:
    return _read(_browse(env), _check_fields(fields))


def users_write(env: Env, vals: dict[str, Any]) -> bool:
    _require_admin(env, "User", "res.users", "modify")
    if not isinstance(vals, dict):
        raise ValueError(f"write: vals must be a dict, not {vals!r}")
    for name in vals:
        if name not in USER_FIELDS:
            raise ValueError(f"Invalid field {name!r} on model 'res.users'")
    users = _browse(env)
    if "active" in vals and not vals["active"] and env.user.id in env.ids:
        raise UserError("You cannot deactivate the user you're currently logged in as.")
    if vals.get("active") and SUPERUSER_ID in env.ids:
        raise UserError("You cannot activate the superuser.")
    login = vals.get("login")
    if login is not None and any(
        other.login == login and other.id not in env.ids for other in env.database.users.values()
    ):
        raise ValidationError(
            "The operation cannot be completed: You can not have two users with the same login!"
        )
    for user in users:
        for name in WRITABLE_USER_FIELDS & set(vals):
            setattr(user, name, bool(vals[name]) if name == "active" else vals[name] or "")
    return True


def users_create(env: Env, vals_list: object) -> int | list[int]:
    _require_admin(env, "User", "res.users", "create")
    single = isinstance(vals_list, dict)
    entries = [vals_list] if single else vals_list
    if not isinstance(entries, list) or not all(isinstance(vals, dict) for vals in entries):
        raise ValueError(f"create: vals_list must be a dict or a list of dicts, not {vals_list!r}")
    ids = []
    for vals in entries:
        unknown = [name for name in vals if name not in USER_FIELDS or name == "id"]
        if unknown:
            raise ValueError(f"Invalid field {unknown[0]!r} on model 'res.users'")
        if not vals.get("login"):
            raise ValidationError(
                "The operation cannot be completed: a mandatory field is not set.\n\n"
                "Model: User (res.users)\nField: Login (login)"
            )
        user = RemoteUser(
            login=vals["login"],
            name=vals.get("name") or "",
            email=vals.get("email") or "",
            active=bool(vals.get("active", True)),
        )
        ids.append(env.database.add_user(user).id)
    return ids[0] if single else ids


def _parse_contact(email: str) -> tuple[str, str]:
    name, address = parseaddr(email)
    return name, (address or email).strip().lower()


def users_web_create_users(env: Env, emails: object) -> bool:
    """base_setup's invitation (18/19 body; ≤16 names users after the local part)."""
    _require_admin(env, "User", "res.users", "create")
    if not isinstance(emails, list) or not all(isinstance(email, str) for email in emails):
        raise ValueError(f"web_create_users: emails must be a list of strings, not {emails!r}")
    env.database.web_create_users_calls.append(
        WebCreateUsersCall(list(emails), copy.deepcopy(env.context))
    )
    if not env.database.mail_installed:
        raise UserError("You have to install the Discuss application to use this feature.")
    invite = not env.context.get("no_reset_password")
    parsed = [_parse_contact(email) for email in emails]
    normalized = {address for _, address in parsed}
    reactivated = [
        user
        for user in env.database.users.values()
        if not user.active
        and user.id != SUPERUSER_ID
        and (user.login in set(emails) | normalized or user.email.lower() in normalized)
    ]
    for user in reactivated:
        user.active = True
    done = {user.email.lower() for user in reactivated} | {user.login for user in reactivated}
    for email, (name, address) in zip(emails, parsed, strict=True):
        if address in done or email in done:
            continue
        if env.profile.short_invited_names:
            user = RemoteUser(login=email, name=email.split("@")[0], email=email)
        else:
            user = RemoteUser(login=address, name=name or address, email=address)
        user.invitation_sent = invite
        env.database.add_user(user)
        done.add(address)
    return True


def users_context_get(env: Env) -> dict[str, Any]:
    return {"lang": "en_US", "tz": "Europe/Brussels", "uid": env.user.id}


# --- other models -------------------------------------------------------------------------------


def kpi_summary(env: Env) -> list[dict[str, Any]]:
    return copy.deepcopy(env.database.kpis)


def config_get_param(env: Env, key: str, default: object = False) -> object:
    _require_admin(env, "System Parameter", "ir.config_parameter", "access")
    return env.database.parameters.get(key, default)


def odoo_database_list(env: Env) -> list[dict[str, Any]]:
    return copy.deepcopy(env.database.listed_databases or [])


RES_USERS = Model(
    "res.users",
    "User",
    {
        "search": ModelMethod(users_search, api_model=True),
        "search_count": ModelMethod(users_search_count, api_model=True),
        "search_read": ModelMethod(users_search_read, api_model=True),
        "read": ModelMethod(users_read, api_model=False),
        "write": ModelMethod(users_write, api_model=False),
        "create": ModelMethod(users_create, api_model=True),
        "web_create_users": ModelMethod(users_web_create_users, api_model=True),
        "context_get": ModelMethod(users_context_get, api_model=True),
    },
)
CONFIG_PARAMETER = Model(
    "ir.config_parameter",
    "System Parameter",
    {"get_param": ModelMethod(config_get_param, api_model=True)},
)
KPI_PROVIDER = Model(
    "kpi.provider", "KPI Provider", {"get_kpi_summary": ModelMethod(kpi_summary, api_model=True)}
)
ODOO_DATABASE = Model(
    "odoo.database", "Database", {"list": ModelMethod(odoo_database_list, api_model=True)}
)


def models_of(database: OdooDatabase, profile: VersionProfile) -> dict[str, Model]:
    """The models this database serves (kpi.provider per profile or override; odoo.database)."""
    models = {RES_USERS.name: RES_USERS, CONFIG_PARAMETER.name: CONFIG_PARAMETER}
    has_kpi = profile.kpi_provider if database.kpi_provider is None else database.kpi_provider
    if has_kpi:
        models[KPI_PROVIDER.name] = KPI_PROVIDER
    if database.listed_databases is not None:
        models[ODOO_DATABASE.name] = ODOO_DATABASE
    return models


def find_method(
    database: OdooDatabase, profile: VersionProfile, model: str, method: str
) -> ModelMethod:
    """The public method `model.method`, as Odoo's `get_public_method` finds it.

    UnknownModel when the model is absent; AccessError for a private name ("_…");
    AttributeError ("The method 'res.users.foo' does not exist") for an unknown method.
    """
    found = models_of(database, profile).get(model)
    if found is None:
        raise UnknownModel(model)
    if method.startswith("_"):
        raise AccessError(
            f"Private methods (such as '{model}.{method}') cannot be called remotely."
        )
    if method not in found.methods:
        raise AttributeError(f"The method '{model}.{method}' does not exist")
    return found.methods[method]


def bind(method: ModelMethod, env: Env, args: list[Any], kwargs: dict[str, Any]) -> Any:
    """Checks the arguments against the method's signature (TypeError with Python's text)."""
    return inspect.signature(method.function).bind(env, *args, **kwargs)


def run(method: ModelMethod, bound: inspect.BoundArguments) -> Any:
    """Calls the method in a transaction: the database's users are restored if it raises."""
    users = bound.args[0].database.users
    saved = {user_id: copy.copy(user) for user_id, user in users.items()}
    try:
        return method.function(*bound.args, **bound.kwargs)
    except BaseException:
        for user_id in set(users) - set(saved):
            del users[user_id]
        for user_id, before in saved.items():
            users[user_id].__dict__.update(before.__dict__)
        raise
