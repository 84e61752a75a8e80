"""Model-based test of planner + executor (CanopyCheck/Trinity in miniature, research §c.5).

Users edit both sides at random; sync rounds run with injected faults (errors before the
effect, effects whose response is lost, rate limits, crashes between the remote effect and the
bookkeeping) and shuffled operation order. After every step: no user version is lost (I1).
After a fault-free full sync: both sides and the base agree (I4) and planning again does
nothing (I5). Hypothesis prints the seed and the shrunk steps of a failure; `-m slow` runs many
more examples.
"""

from __future__ import annotations

import contextlib
import io
import random
from collections.abc import Callable, Iterator
from typing import Any, BinaryIO

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from archivist.connectors.base import Entry, parent_path
from archivist.connectors.errors import ConnectorError, RateLimited, Transient
from archivist.connectors.memory import MemoryConnector
from archivist.sync.engine import MemoryBase, sync_rounds
from archivist.sync.planner import PlanRefused, plan
from archivist.sync.state import Kind, SyncSettings
from tests.sync.model import MemoryLocal

NAMES = st.sampled_from(["a.txt", "b.txt", "A.txt", "c", "d.pdf", "é.txt"])
FOLDER_NAMES = st.sampled_from(["x", "y", "Z"])


class Crash(Exception):
    """The worker process died: nothing after this point of the round happens."""


class FaultyRemote:
    """Wraps a remote and fails some calls: before the effect, or after it (lost response)."""

    def __init__(self, inner: MemoryConnector, rng: random.Random, rate: float):
        self.inner, self.rng, self.rate = inner, rng, rate
        self.capabilities = inner.capabilities

    def _maybe(self, call: Callable[[], Any]) -> Any:
        roll = self.rng.random()
        if roll < self.rate / 4:
            raise Transient("injected: timeout before the request")
        if roll < self.rate / 2:
            raise RateLimited("injected: slow down", retry_after=1)
        result = call()
        if roll < self.rate * 3 / 4:
            raise Transient("injected: the response was lost")
        if roll < self.rate:
            raise Crash
        return result

    def list_tree(self, path: str = "", *, skip: Any = None) -> Iterator[Entry]:
        return self.inner.list_tree(path, skip=skip)

    def stat(self, path: str) -> Entry:
        return self.inner.stat(path)

    def open_read(self, path: str, *, offset: int = 0) -> Any:
        return self._maybe(lambda: self.inner.open_read(path, offset=offset))

    def make_folder(self, path: str) -> Entry:
        return self._maybe(lambda: self.inner.make_folder(path))  # type: ignore[no-any-return]

    def upload(self, path: str, content: BinaryIO, size: int, **kwargs: Any) -> Entry:
        data = content.read()
        return self._maybe(  # type: ignore[no-any-return]
            lambda: self.inner.upload(path, io.BytesIO(data), size, **kwargs)
        )

    def move(self, source: str, target: str, **kwargs: Any) -> Entry:
        return self._maybe(lambda: self.inner.move(source, target, **kwargs))  # type: ignore[no-any-return]

    def delete(self, path: str, **kwargs: Any) -> None:
        self._maybe(lambda: self.inner.delete(path, **kwargs))

    def close(self) -> None:
        return None


class SyncMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.remote = MemoryConnector(stable_ids=True)
        self.local = MemoryLocal()
        self.base = MemoryBase()
        self.settings = SyncSettings(stable_ids=True, max_delete_floor=1000)
        self.top = self.local.add_folder(None, "Top", automatic=True)
        self.tokens = 0
        self.live: set[bytes] = set()
        self.rng = random.Random(0)

    # --- helpers ---------------------------------------------------------------------------

    def _token(self) -> bytes:
        self.tokens += 1
        token = f"version-{self.tokens}".encode()
        self.live.add(token)
        return token

    def _local_files(self) -> list[str]:
        return sorted(k for k, item in self.local.by_key.items() if item.kind is Kind.FILE)

    def _local_folders(self) -> list[str]:
        return sorted(
            k for k, item in self.local.by_key.items() if item.kind is Kind.FOLDER and item.synced
        )

    def _visible_local(self, key: str) -> bytes | None:
        if key in self.local.content:
            return self.local.content[key]
        item = self.local.by_key[key]
        for data in self.remote.contents().values():
            if data is not None and item.sha256 == _sha(data):
                return data
        return None

    def _remote_files(self) -> list[str]:
        return sorted(p for p, data in self.remote.contents().items() if data is not None)

    def _remote_folders(self) -> list[str]:
        return sorted(p for p, data in self.remote.contents().items() if data is None)

    # --- what users do on Archivist's side ------------------------------------------------------

    @rule(data=st.data(), name=NAMES)
    def local_new_file(self, data: st.DataObject, name: str) -> None:
        folder = data.draw(st.sampled_from(self._local_folders()))
        self.local.add_file(folder, name, self._token())

    @rule(data=st.data(), name=FOLDER_NAMES)
    def local_new_folder(self, data: st.DataObject, name: str) -> None:
        folder = data.draw(st.sampled_from(self._local_folders()))
        self.local.add_folder(folder, name)

    @precondition(lambda self: self._local_files())
    @rule(data=st.data())
    def local_edit(self, data: st.DataObject) -> None:
        key = data.draw(st.sampled_from(self._local_files()))
        self.live.discard(self._visible_local(key) or b"")
        self.local.write(key, self._token())

    @precondition(lambda self: self._local_files())
    @rule(data=st.data())
    def local_delete(self, data: st.DataObject) -> None:
        key = data.draw(st.sampled_from(self._local_files()))
        self.live.discard(self._visible_local(key) or b"")
        self.local.delete(key)

    @precondition(lambda self: len(self.local.by_key) > 1)
    @rule(data=st.data(), name=NAMES)
    def local_rename_or_move(self, data: st.DataObject, name: str) -> None:
        key = data.draw(st.sampled_from(sorted(k for k in self.local.by_key if k != self.top)))
        item = self.local.by_key[key]
        banned = {key} | self.local.descendants(key)
        folders = [f for f in self._local_folders() if f not in banned]
        parent = data.draw(st.sampled_from(folders)) if folders else item.parent
        self.local.by_key[key] = item.with_(parent=parent, name=name)

    @precondition(lambda self: self._local_files())
    @rule(data=st.data())
    def offload(self, data: st.DataObject) -> None:
        """The offload job drops local bytes of a file verified in the cloud."""
        key = data.draw(st.sampled_from(self._local_files()))
        known = self.base.get(key)
        item = self.local.by_key[key]
        if known and known.revision == item.revision and known.etag is not None:
            entry = self.remote.contents().get(known.path)
            if entry is not None and _sha(entry) == item.sha256:
                self.local.offload(key)

    @precondition(lambda self: len(self._local_folders()) > 1)
    @rule(data=st.data())
    def local_stop_syncing_a_folder(self, data: st.DataObject) -> None:
        key = data.draw(st.sampled_from([f for f in self._local_folders() if f != self.top]))
        self.local.set_synced(key, False)

    # --- what users do in the cloud -------------------------------------------------------------

    @precondition(lambda self: self._remote_folders())
    @rule(data=st.data(), name=NAMES)
    def remote_new_file(self, data: st.DataObject, name: str) -> None:
        folder = data.draw(st.sampled_from(self._remote_folders()))
        token = self._token()
        try:
            self.remote.upload(f"{folder}/{name}", io.BytesIO(token), len(token), if_absent=True)
        except ConnectorError:
            self.live.discard(token)

    @precondition(lambda self: self._remote_folders())
    @rule(data=st.data(), name=FOLDER_NAMES)
    def remote_new_folder(self, data: st.DataObject, name: str) -> None:
        folder = data.draw(st.sampled_from(self._remote_folders()))
        with contextlib.suppress(ConnectorError):
            self.remote.make_folder(f"{folder}/{name}")

    @precondition(lambda self: self._remote_files())
    @rule(data=st.data())
    def remote_edit(self, data: st.DataObject) -> None:
        path = data.draw(st.sampled_from(self._remote_files()))
        self.live.discard(self.remote.contents()[path] or b"")
        token = self._token()
        self.remote.upload(path, io.BytesIO(token), len(token))

    @precondition(lambda self: self._remote_files() or len(self._remote_folders()) > 1)
    @rule(data=st.data())
    def remote_delete(self, data: st.DataObject) -> None:
        choices = self._remote_files() + [p for p in self._remote_folders() if p != "Top"]
        path = data.draw(st.sampled_from(choices))
        for other, content in self.remote.contents().items():
            if content is not None and (other == path or other.startswith(f"{path}/")):
                self.live.discard(content)
        self.remote.delete(path)

    @precondition(lambda self: self._remote_files() or len(self._remote_folders()) > 1)
    @rule(data=st.data(), name=NAMES)
    def remote_rename_or_move(self, data: st.DataObject, name: str) -> None:
        choices = self._remote_files() + [p for p in self._remote_folders() if p != "Top"]
        path = data.draw(st.sampled_from(choices))
        targets = [f for f in self._remote_folders() if f != path and not f.startswith(f"{path}/")]
        folder = data.draw(st.sampled_from(targets)) if targets else parent_path(path)
        with contextlib.suppress(ConnectorError):
            self.remote.move(path, f"{folder}/{name}" if folder else name)

    # --- syncing ----------------------------------------------------------------------------

    @rule(seed=st.integers(0, 2**16), rate=st.sampled_from([0.0, 0.2, 0.5]))
    def faulty_round(self, seed: int, rate: float) -> None:
        """One round with faults, shuffled, possibly cut short by a crash; then a restart."""
        rng = random.Random(seed)
        remote = FaultyRemote(self.remote, rng, rate)

        def shuffled(current: Any) -> Iterator[Any]:
            ops = list(current.operations)
            rng.shuffle(ops)
            yield from ops

        # a crash ends the run; the next one starts from a fresh listing, as after a restart
        with contextlib.suppress(Crash, PlanRefused):
            sync_rounds(
                remote,  # type: ignore[arg-type]
                self.local,
                self.base,
                self.settings,
                max_rounds=1,
                on_round=shuffled,
            )

    @rule()
    def full_sync(self) -> None:
        report = sync_rounds(self.remote, self.local, self.base, self.settings, max_rounds=80)
        assert not report.failed, report.failed
        assert report.converged, f"no fixpoint after {report.rounds} rounds"
        self._check_converged()

    def _check_converged(self) -> None:
        listing = {entry.path: entry for entry in self.remote.list_tree()}
        again = plan(self.local.items(), listing, self.base.all(), self.settings)
        assert again.operations == (), f"I5: planned again: {again.operations}"
        contents = self.remote.contents()
        in_scope = {k for k, item in self.local.by_key.items() if self._in_scope(k)}
        for key in in_scope:
            known = self.base.get(key)
            assert known is not None, f"I4: {key} not synced"
            assert known.path in contents, f"I4: {known.path} missing in the cloud"
            if self.local.by_key[key].kind is Kind.FILE and self.local.by_key[key].size:
                assert _sha(contents[known.path] or b"") == self.local.by_key[key].sha256
        synced_paths = {self.base.items_by_key[k].path for k in in_scope}
        stray = {p for p in contents if p not in synced_paths and parent_path(p)}
        assert not stray, f"I4: cloud items unknown here: {stray}"

    def _in_scope(self, key: str) -> bool:
        current: str | None = key
        seen: set[str] = set()
        while current is not None:
            assert current not in seen, f"I10: a cycle of folders through {current}"
            seen.add(current)
            item = self.local.by_key.get(current)
            if item is None or not item.synced:
                return False
            current = item.parent
        item = self.local.by_key[key]
        return not (item.kind is Kind.FILE and item.size == 0)

    @invariant()
    def folders_form_a_tree(self) -> None:
        for key in self.local.by_key:
            self._in_scope(key)  # asserts that no parent chain loops (I10)

    @invariant()
    def no_version_is_lost(self) -> None:
        remote = {data for data in self.remote.contents().values() if data is not None}
        lost = self.live - remote - self.local.tokens()
        assert not lost, f"I1: lost versions {sorted(lost)}"


def _sha(data: bytes) -> str:
    import hashlib

    return hashlib.sha256(data).hexdigest()


TestSyncModel = SyncMachine.TestCase
TestSyncModel.settings = settings(
    max_examples=100,
    stateful_step_count=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)


@pytest.mark.slow
class TestSyncModelLong(SyncMachine.TestCase):  # type: ignore[name-defined]
    settings = settings(
        max_examples=3000,
        stateful_step_count=60,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )
