"""The spec's "Folders Sync" and "Files Sync" cases, run through planner and executor.

These run against the in-memory remote; `test_golden.py` runs the same scenarios against every
real peer.
"""

from __future__ import annotations

import pytest

from archivist.sync.planner import DeleteGuardTripped, RemoteLooksEmpty, plan
from tests.sync.model import World


@pytest.fixture
def world() -> World:
    return World()


# --- direct sync ------------------------------------------------------------------------------


def test_folders_and_files_are_created_in_the_cloud(world: World) -> None:
    world.local.add_file(world.azure, "scan1.jpeg", b"jpeg bytes")
    world.sync()
    assert world.tree() == {
        "Customers": None,
        "Customers/Azure Interior": None,
        "Customers/Azure Interior/scan1.jpeg": b"jpeg bytes",
    }


def test_a_renamed_folder_is_renamed_in_the_cloud_without_uploads(world: World) -> None:
    world.local.add_file(world.azure, "a.pdf", b"a")
    world.local.add_file(world.azure, "b.pdf", b"b")
    world.sync()
    writes = world.remote.writes
    world.local.rename(world.azure, "Azure")
    world.sync()
    assert set(world.tree()) == {
        "Customers",
        "Customers/Azure",
        "Customers/Azure/a.pdf",
        "Customers/Azure/b.pdf",
    }
    assert world.remote.writes == writes + 1, "one move, no re-upload"


def test_a_moved_folder_moves_in_the_cloud(world: World) -> None:
    quotations = world.local.add_folder(world.customers, "Quotations", automatic=True)
    s2 = world.local.add_folder(quotations, "S00002", automatic=True)
    world.local.add_file(s2, "quote.pdf", b"q")
    world.sync()
    world.local.by_key[quotations] = world.local.by_key[quotations].with_(parent=None)
    world.sync()
    assert world.tree()["Quotations/S00002/quote.pdf"] == b"q"
    assert "Customers/Quotations" not in world.tree()


def test_new_and_deleted_attachments_follow(world: World) -> None:
    kept = world.local.add_file(world.azure, "kept.txt", b"kept")
    gone = world.local.add_file(world.azure, "gone.txt", b"gone")
    world.sync()
    world.local.delete(gone)
    world.local.add_file(world.azure, "new.txt", b"new")
    world.sync()
    files = {p: c for p, c in world.tree().items() if c is not None}
    assert files == {
        "Customers/Azure Interior/kept.txt": b"kept",
        "Customers/Azure Interior/new.txt": b"new",
    }
    assert kept in world.base.items_by_key


def test_archiving_a_folder_brings_its_files_home_and_removes_them_from_the_cloud(
    world: World,
) -> None:
    report = world.local.add_file(world.azure, "report.pdf", b"report")
    world.sync()
    world.local.offload(report)  # the bytes live only in the cloud now
    world.local.set_synced(world.azure, False)
    world.sync()
    assert world.tree() == {"Customers": None}
    assert world.local.content[report] == b"report"
    assert world.local.by_key[report].has_content


def test_non_synced_types_zero_size_and_slash_names_stay_home(world: World) -> None:
    world.local.add_file(world.azure, "page.html", b"<p>", mimetype="text/html")
    world.local.add_file(world.azure, "empty.txt", b"")
    world.local.add_file(world.azure, "/etc/passwd", b"x")
    world.local.add_file(world.azure, "ok.txt", b"ok")
    world.sync()
    files = {p for p, c in world.tree().items() if c is not None}
    assert files == {"Customers/Azure Interior/ok.txt"}


# --- backward sync ------------------------------------------------------------------------------


def test_cloud_files_and_folders_become_attachments_and_manual_folders(world: World) -> None:
    world.sync()
    world.remote.make_folder("Customers/Azure Interior/Terms of agreement")
    world.remote_put("Customers/Azure Interior/Terms of agreement/terms.pdf", b"terms")
    world.sync()
    folder = world.named("Terms of agreement")
    assert not world.local.by_key[folder].automatic
    terms = world.local.by_key[world.named("terms.pdf")]
    assert terms.parent == folder
    assert not terms.has_content, "the bytes stay in the cloud: a link is kept"


def test_a_file_renamed_or_moved_in_the_cloud_is_renamed_or_moved_here(world: World) -> None:
    beth = world.local.add_folder(world.customers, "Beth Evans", automatic=True)
    recording = world.local.add_file(world.azure, "Recording 1", b"audio")
    policies = world.local.add_file(world.azure, "Policies.pdf", b"policies")
    world.sync()
    world.remote.move("Customers/Azure Interior/Recording 1", "Customers/Beth Evans/Recording 1")
    world.remote.move(
        "Customers/Azure Interior/Policies.pdf", "Customers/Azure Interior/Plan for the team.pdf"
    )
    world.sync()
    assert world.local.by_key[recording].parent == beth
    assert world.local.by_key[policies].name == "Plan for the team.pdf"
    assert world.local.content[recording] == b"audio", "no re-download, no re-upload"


def test_a_file_deleted_in_the_cloud_is_archived_here(world: World) -> None:
    doomed = world.local.add_file(world.azure, "Azure.txt", b"x")
    world.sync()
    world.remote.delete("Customers/Azure Interior/Azure.txt")
    world.sync()
    assert doomed not in world.local.by_key
    assert doomed in world.local.archived, "archived, so it can still be recovered"


def test_a_cloud_edit_wins_and_the_local_version_is_kept_as_a_copy(world: World) -> None:
    sheet = world.local.add_file(world.azure, "plan.txt", b"v1")
    world.sync()
    world.local.write(sheet, b"local v2")
    world.remote_put("Customers/Azure Interior/plan.txt", b"cloud v2")
    warnings = world.sync()
    assert world.tree()["Customers/Azure Interior/plan.txt"] == b"cloud v2"
    assert world.tree()["Customers/Azure Interior/plan (conflict).txt"] == b"local v2"
    assert any("changed on both sides" in warning for warning in warnings)


def test_the_same_edit_on_both_sides_is_no_conflict(world: World) -> None:
    sheet = world.local.add_file(world.azure, "same.txt", b"v1")
    world.sync()
    world.local.write(sheet, b"v2")
    world.remote_put("Customers/Azure Interior/same.txt", b"v2")
    world.sync()
    assert [p for p in world.tree() if "conflict" in p] == []


# --- folders changed in the cloud ---------------------------------------------------------------


def test_a_folder_deleted_in_the_cloud_comes_back_with_its_files(world: World) -> None:
    world.local.add_file(world.azure, "contract.pdf", b"signed")
    world.sync()
    world.remote.delete("Customers/Azure Interior")
    warnings = world.sync()
    assert world.tree()["Customers/Azure Interior/contract.pdf"] == b"signed"
    assert any("recreated" in warning for warning in warnings)


def test_an_offloaded_file_lost_with_its_cloud_folder_is_reported(world: World) -> None:
    lost = world.local.add_file(world.azure, "only-in-cloud.pdf", b"x")
    world.sync()
    world.local.offload(lost)
    world.remote.delete("Customers/Azure Interior")
    warnings = world.sync()
    assert "Customers/Azure Interior" in world.tree()
    assert lost in world.local.archived
    assert any("no copy is kept" in warning for warning in warnings)


def test_an_automatic_folder_renamed_in_the_cloud_gets_its_name_back(world: World) -> None:
    world.sync()
    world.remote.move("Customers/Azure Interior", "Customers/Tables")
    warnings = world.sync()
    assert "Customers/Azure Interior" in world.tree()
    assert "Customers/Tables" not in world.tree()
    assert world.local.by_key[world.azure].name == "Azure Interior"
    assert any("put back" in warning for warning in warnings)


def test_a_manual_folder_renamed_in_the_cloud_is_followed(world: World) -> None:
    manual = world.local.add_folder(world.azure, "Drafts")
    world.sync()
    world.remote.move("Customers/Azure Interior/Drafts", "Customers/Azure Interior/Final")
    world.sync()
    assert world.local.by_key[manual].name == "Final"


def test_simultaneous_renames_archivist_wins(world: World) -> None:
    doc = world.local.add_file(world.azure, "a.txt", b"a")
    world.sync()
    world.local.rename(doc, "archivist.txt")
    world.remote.move("Customers/Azure Interior/a.txt", "Customers/Azure Interior/cloud.txt")
    world.sync()
    assert "Customers/Azure Interior/archivist.txt" in world.tree()
    assert world.local.by_key[doc].name == "archivist.txt"


def test_swapped_names_converge(world: World) -> None:
    first = world.local.add_file(world.azure, "one.txt", b"1")
    second = world.local.add_file(world.azure, "two.txt", b"2")
    world.sync()
    world.local.rename(first, "two.txt")
    world.local.rename(second, "one.txt")
    world.sync()
    assert world.tree()["Customers/Azure Interior/two.txt"] == b"1"
    assert world.tree()["Customers/Azure Interior/one.txt"] == b"2"


def test_a_deleted_file_edited_in_the_cloud_is_not_deleted(world: World) -> None:
    doc = world.local.add_file(world.azure, "edited.txt", b"v1")
    world.sync()
    world.local.delete(doc)
    world.remote_put("Customers/Azure Interior/edited.txt", b"v2 from the cloud")
    world.sync()
    assert world.tree()["Customers/Azure Interior/edited.txt"] == b"v2 from the cloud"
    assert world.named("edited.txt") != doc, "re-imported as a new attachment"


def test_same_names_here_get_distinct_names_in_the_cloud(world: World) -> None:
    world.local.add_file(world.azure, "scan.pdf", b"1")
    world.local.add_file(world.azure, "scan.pdf", b"2")
    world.local.add_file(world.azure, "a/b.pdf", b"3")
    world.sync()
    files = {p: c for p, c in world.tree().items() if c is not None}
    assert sorted(files.values()) == [b"1", b"2", b"3"]
    assert "Customers/Azure Interior/scan (2).pdf" in files
    assert "Customers/Azure Interior/a_b.pdf" in files


# --- safety rails ------------------------------------------------------------------------------


def test_an_empty_listing_is_never_read_as_deletes(world: World) -> None:
    world.local.add_file(world.azure, "x.txt", b"x")
    world.sync()
    with pytest.raises(RemoteLooksEmpty):
        plan(world.local.items(), {}, world.base.all(), world.settings)


def test_the_delete_guard_stops_a_mass_delete(world: World) -> None:
    for number in range(30):
        world.local.add_file(world.azure, f"{number}.txt", b"%d" % number)
    world.sync()
    for number in range(25):
        world.remote.delete(f"Customers/Azure Interior/{number}.txt")
    listing = world.listing()
    with pytest.raises(DeleteGuardTripped, match="would delete 25 items"):
        plan(world.local.items(), listing, world.base.all(), world.settings)
    world.sync(force_deletes=True)
    assert len([k for k in world.local.by_key if k.startswith("file:")]) == 5


def test_without_stable_ids_renames_still_converge() -> None:
    world = World(stable_ids=False)
    doc = world.local.add_file(world.azure, "a.txt", b"a")
    world.sync()
    world.local.rename(doc, "b.txt")
    world.sync()
    assert world.tree()["Customers/Azure Interior/b.txt"] == b"a"
