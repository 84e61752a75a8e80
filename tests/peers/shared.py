"""One running peer per test process, however many test modules ask for it.

A session fixture imported into several test modules (or conftests) is a separate fixture in
each, so each would start its own server. `shared(name, start)` lets every one of them use
the same server: the first user starts it, the last one to finish stops it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, ExitStack, contextmanager
from typing import Any, TypeVar

T = TypeVar("T")

_lock = threading.Lock()
_running: dict[str, tuple[Any, ExitStack]] = {}
_users: dict[str, int] = {}


@contextmanager
def shared(name: str, start: Callable[[], AbstractContextManager[T]]) -> Iterator[T]:
    """The peer `name`, started with `start()` by its first user, stopped after its last."""
    with _lock:
        if name not in _running:
            stack = ExitStack()
            peer = stack.enter_context(start())
            _running[name] = (peer, stack)
        _users[name] = _users.get(name, 0) + 1
        peer = _running[name][0]
    try:
        yield peer
    finally:
        with _lock:
            _users[name] -= 1
            if _users[name] == 0:
                _, stack = _running.pop(name)
                del _users[name]
                stack.close()
