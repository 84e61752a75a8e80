"""The Odoo client's public names: the Django app imports only these (the shared interface)."""

from __future__ import annotations

import archivist.fleet.odoo as odoo

INTERFACE = {  # agreed with the Fleet's Django app: never renamed, only added to
    "OdooError", "MissingCredentials", "InvalidApiKey", "Timeout", "Unreachable", "AccessDenied",
    "RemoteError", "NotOdoo", "OdooVersion", "parse_version", "Credentials", "Kpi", "RemoteUser",
    "InviteResult", "OdooClient", "OdooComDatabase", "list_odoo_com_databases", "FetchSettings",
    "Snapshot", "fetch_snapshot", "fetch_many", "run",
}  # fmt: skip
ADDITIONS = {"InternalError", "UnknownModel", "map_databases", "new_session"}


def test_public_names_are_the_interface_and_its_additions() -> None:
    assert set(odoo.__all__) == INTERFACE | ADDITIONS
    for name in odoo.__all__:
        assert getattr(odoo, name).__module__.startswith("archivist.fleet.odoo")


def test_the_error_tree_and_its_fixed_messages() -> None:
    for name in ("MissingCredentials", "InvalidApiKey", "Timeout", "Unreachable", "AccessDenied",
                 "RemoteError", "NotOdoo", "InternalError"):  # fmt: skip
        assert issubclass(getattr(odoo, name), odoo.OdooError)
    assert issubclass(odoo.UnknownModel, odoo.RemoteError)
    assert str(odoo.MissingCredentials()) == (
        "We are missing the database name, the api login or the api key"
    )
    assert str(odoo.InvalidApiKey()) == "Invalid apikey"
    timeout = odoo.Timeout(detail="https://x did not answer within 15 s")
    assert (str(timeout), timeout.explanation) == (
        "Timeout",
        "Timeout (https://x did not answer within 15 s)",
    )
    cause = ValueError("boom")
    error = odoo.NotOdoo("Not an Odoo answer from https://x (HTTP 502)", cause=cause)
    assert error.cause is cause and error.__cause__ is cause


def test_credentials_never_show_the_key() -> None:
    credentials = odoo.Credentials("https://x", "db", "me", "secret-key")
    assert "secret-key" not in repr(credentials)
