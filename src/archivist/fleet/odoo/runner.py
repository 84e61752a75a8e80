"""Running the client over many databases, and from synchronous (Django) code.

`map_databases` applies one coroutine to many databases concurrently, on one shared pool, with
a budget per database; `run` executes a coroutine from any thread (with or without an event
loop of its own) and runs the `on_done` callbacks on the calling thread, outside the event
loop, so they may use Django's ORM.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextvars
import logging
import queue
import threading
from collections.abc import Awaitable, Callable, Coroutine, Hashable, Sequence
from typing import Any, TypeVar

import httpx

from .client import Credentials, OdooClient
from .errors import InternalError, OdooError, Timeout
from .session import DEFAULT_TIMEOUT, new_session

__all__ = ["map_databases", "run"]

K = TypeVar("K", bound=Hashable)
R = TypeVar("R")
T = TypeVar("T")

DEFAULT_CONCURRENCY = 64
DEFAULT_DATABASE_TIMEOUT = 60.0

log = logging.getLogger(__name__)
DEFECT = "Reading the Odoo database %r at %s failed"


async def map_databases(
    jobs: Sequence[tuple[K, Credentials]],
    action: Callable[[K, OdooClient], Awaitable[R]],
    *,
    concurrency: int = DEFAULT_CONCURRENCY,
    call_timeout: float = DEFAULT_TIMEOUT,
    database_timeout: float = DEFAULT_DATABASE_TIMEOUT,
    on_done: Callable[[K, R | OdooError], None] | None = None,
) -> dict[K, R | OdooError]:
    """Runs `action(key, client)` for every job, at most `concurrency` at a time.

    Each job gets its own OdooClient on one shared session; its result is the action's value or
    the OdooError met (MissingCredentials, Timeout after `database_timeout` seconds in total,
    …). A defect raised while handling one database becomes an InternalError for that database
    (logged with its traceback) rather than stopping the others.

    `on_done(key, result)` is called once per job, as it finishes: under `run()`, on the thread
    that called `run()` (outside the event loop, one call at a time); otherwise in the loop.
    An exception from `on_done` cancels the remaining jobs and propagates.
    """
    if concurrency < 1:
        raise ValueError(f"concurrency must be at least 1, not {concurrency}")
    slots = asyncio.Semaphore(concurrency)
    results: dict[K, R | OdooError] = {}

    async def one(session: httpx.AsyncClient, key: K, credentials: Credentials) -> None:
        async with slots:
            result = await _attempt(
                session, key, credentials, action, call_timeout, database_timeout
            )
        results[key] = result
        if on_done is not None:
            await call_on_caller_thread(on_done, key, result)

    async with new_session(timeout=call_timeout) as session:
        tasks = [asyncio.create_task(one(session, key, credentials)) for key, credentials in jobs]
        try:
            for finished in asyncio.as_completed(tasks):
                await finished
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
    return {key: results[key] for key, _ in jobs}


async def _attempt(
    session: httpx.AsyncClient,
    key: K,
    credentials: Credentials,
    action: Callable[[K, OdooClient], Awaitable[R]],
    call_timeout: float,
    database_timeout: float,
) -> R | OdooError:
    budget = asyncio.timeout(database_timeout)
    try:
        async with budget:
            client = OdooClient(credentials, session=session, timeout=call_timeout)
            return await action(key, client)
    except TimeoutError as exc:
        if budget.expired():
            return Timeout(
                detail=f"{credentials.url} took more than {database_timeout:g} s in total",
                cause=exc,
            )
        log.exception(DEFECT, credentials.database, credentials.url)  # the action's own
        return _internal_error(exc)
    except OdooError as error:
        return error
    except Exception as exc:  # a defect: keep the others going, but make it visible
        log.exception(DEFECT, credentials.database, credentials.url)
        return _internal_error(exc)


def _internal_error(exc: BaseException) -> InternalError:
    return InternalError(
        f"Internal error while reading this database: {type(exc).__name__}: {exc}", cause=exc
    )


# -- running from synchronous code ---------------------------------------------------------------

_Call = tuple[Callable[[], Any], "concurrent.futures.Future[Any]"]


class _CallerThread:
    """A queue of functions to run on the thread that called `run()`."""

    def __init__(self) -> None:
        self.calls: queue.SimpleQueue[_Call | None] = queue.SimpleQueue()

    def serve(self) -> None:
        """Runs queued functions until `close()`; each one's outcome goes to its future."""
        while (call := self.calls.get()) is not None:
            function, future = call
            if not future.set_running_or_notify_cancel():
                continue
            try:
                future.set_result(function())
            except BaseException as exc:  # noqa: BLE001 — handed to the awaiting coroutine
                future.set_exception(exc)

    def close(self) -> None:
        self.calls.put(None)


_caller_thread: contextvars.ContextVar[_CallerThread | None] = contextvars.ContextVar(
    "fleet_odoo_caller_thread", default=None
)


async def call_on_caller_thread(function: Callable[..., T], *args: Any) -> T:
    """`function(*args)` on the thread that called `run()`, or here when not under `run()`."""
    caller = _caller_thread.get()
    if caller is None:
        return function(*args)
    future: concurrent.futures.Future[T] = concurrent.futures.Future()
    caller.calls.put((lambda: function(*args), future))
    return await asyncio.wrap_future(future)


def run(coro: Coroutine[Any, Any, T]) -> T:
    """Runs `coro` to completion from synchronous code and returns its result (or raises).

    Usable from any thread, even one that runs an event loop (an async view): the coroutine runs
    in a new event loop on a helper thread while this thread executes the `on_done` callbacks,
    so they run outside any event loop (Django's ORM refuses to run inside one).
    """
    caller = _CallerThread()
    outcome: concurrent.futures.Future[T] = concurrent.futures.Future()

    async def main() -> T:
        _caller_thread.set(caller)
        return await coro

    def loop_thread() -> None:
        try:
            outcome.set_result(asyncio.run(main()))
        except BaseException as exc:  # noqa: BLE001 — re-raised on the calling thread
            outcome.set_exception(exc)
        finally:
            caller.close()

    thread = threading.Thread(target=loop_thread, name="fleet-odoo-loop", daemon=True)
    thread.start()
    caller.serve()
    thread.join()
    return outcome.result()
