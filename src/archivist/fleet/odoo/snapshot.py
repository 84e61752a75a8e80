"""What one synchronisation reads from one database, and the same for many at once."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from .client import Credentials, Kpi, OdooClient, RemoteUser
from .errors import AccessDenied, OdooError, RemoteError
from .runner import DEFAULT_CONCURRENCY, DEFAULT_DATABASE_TIMEOUT, map_databases
from .session import DEFAULT_TIMEOUT
from .version import OdooVersion

__all__ = ["FetchSettings", "Snapshot", "fetch_many", "fetch_snapshot"]

K = TypeVar("K", bound=Hashable)

DOCUMENTS_KPI = "documents.inbox"
DRAFT_ENTRY_PREFIXES = ("account_journal_type.", "account_move_type.")
NO_KPI_PROVIDER = "This database has no kpi.provider (Odoo before 16): KPIs were not read"
NO_UUID = "The API user may not read the database's uuid: {error}"


@dataclass(frozen=True)
class FetchSettings:
    """Which KPIs a database's synchronisation keeps (the spec's project template options)."""

    documents: bool = True
    draft_entries: bool = True
    tax_returns: bool = True


@dataclass(frozen=True)
class Snapshot:
    """One database as read by one synchronisation.

    `kpis` holds the draft-entry KPIs (ids `account_journal_type.*` / `account_move_type.*`) and
    the tax returns (type "return_status") that `FetchSettings` keeps; `documents` is the value
    of the `documents.inbox` KPI (None when not fetched or when the Documents app is absent);
    `notes` says, for a person, what could not be read and why. `uuid` is the database's
    `database.uuid` (Odoo.com's connect URL needs it), None when the API user may not read it.
    """

    version: OdooVersion
    kpis: list[Kpi]
    documents: int | None
    users: list[RemoteUser]
    notes: list[str] = field(default_factory=list)
    uuid: str | None = None


def is_draft_entries(kpi: Kpi) -> bool:
    return kpi.type == "integer" and kpi.id.startswith(DRAFT_ENTRY_PREFIXES)


def is_tax_return(kpi: Kpi) -> bool:
    return kpi.type == "return_status"


async def fetch_snapshot(client: OdooClient, settings: FetchSettings) -> Snapshot:
    """Reads version, KPIs, internal users and uuid of one database (the last three at once).

    Raises the first OdooError met; a database without kpi.provider is not an error: its
    snapshot has no KPIs and a note saying so (the same for a uuid the user may not read).
    """
    version = await client.version()  # first: it tells the client whether JSON-2 exists
    try:
        async with asyncio.TaskGroup() as group:
            kpi_task = group.create_task(client.kpi_summary_with_skipped())
            users_task = group.create_task(client.internal_users())
            uuid_task = group.create_task(_uuid_or_note(client))
    except BaseExceptionGroup as failures:
        error = _first_odoo_error(failures)
        raise error from error.__cause__
    all_kpis, skipped = kpi_task.result()
    uuid, uuid_note = uuid_task.result()
    notes = [f"A KPI of an unknown shape was left out: {entry}" for entry in skipped]
    notes += [uuid_note] if uuid_note else []
    if all_kpis is None:
        notes.insert(0, NO_KPI_PROVIDER)
        all_kpis = []
    documents = None
    if settings.documents:
        inbox = [kpi.value for kpi in all_kpis if kpi.id == DOCUMENTS_KPI]
        documents = inbox[0] if inbox and isinstance(inbox[0], int) else None
    kpis = [
        kpi
        for kpi in all_kpis
        if (settings.draft_entries and is_draft_entries(kpi))
        or (settings.tax_returns and is_tax_return(kpi))
    ]
    return Snapshot(
        version=version,
        kpis=kpis,
        documents=documents,
        users=users_task.result(),
        notes=notes,
        uuid=uuid,
    )


async def _uuid_or_note(client: OdooClient) -> tuple[str | None, str]:
    try:
        return await client.database_uuid(), ""
    except (AccessDenied, RemoteError) as error:
        return None, NO_UUID.format(error=error.message)


def _first_odoo_error(failures: BaseExceptionGroup[BaseException]) -> BaseException:
    """The OdooError a task group failed with; anything else (a defect) is re-raised whole."""
    for failure in failures.exceptions:
        if isinstance(failure, BaseExceptionGroup):
            return _first_odoo_error(failure)
        if isinstance(failure, OdooError):
            return failure
    raise failures


async def fetch_many(
    jobs: Sequence[tuple[K, Credentials, FetchSettings]],
    *,
    concurrency: int = DEFAULT_CONCURRENCY,
    call_timeout: float = DEFAULT_TIMEOUT,
    database_timeout: float = DEFAULT_DATABASE_TIMEOUT,
    on_done: Callable[[K, Snapshot | OdooError], None] | None = None,
) -> dict[K, Snapshot | OdooError]:
    """Synchronises many databases concurrently: `{key: Snapshot or the OdooError met}`.

    At most `concurrency` databases at a time over one shared connection pool; each call is
    bounded by `call_timeout` and each database by `database_timeout`, so a slow or dead
    database only ever costs its own slot. `on_done(key, result)` is called once per job as it
    finishes (see `runner.map_databases` for the thread it runs on). One database's failure
    never raises; an exception raised by `on_done` stops the run and propagates.
    """
    settings = {key: job_settings for key, _, job_settings in jobs}

    async def read(key: K, client: OdooClient) -> Snapshot:
        return await fetch_snapshot(client, settings[key])

    return await map_databases(
        [(key, credentials) for key, credentials, _ in jobs],
        read,
        concurrency=concurrency,
        call_timeout=call_timeout,
        database_timeout=database_timeout,
        on_done=on_done,
    )
