"""The `archivist` command: demo, sources, rules, folders and manage, with one-line errors."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner, Result
from django.conf import settings

from archivist.cli import main
from archivist.documents.models import Folder, FolderKind, FolderRule, Source

pytestmark = pytest.mark.django_db

DEMO_KEYS = {
    "customers", "customer-projects", "project-tasks", "customer-orders", "internal-projects",
    "quotations", "departments", "employees", "sales-teams", "leads", "recent-invoices",
    "vendors", "vendor-products", "purchase-orders", "contacts",
}  # fmt: skip
S00010 = ["Customers", "Azure Interior", "Orders", "S00010"]


def run(*args: str, input: str | bytes | None = None) -> Result:
    return CliRunner().invoke(main, list(args), input=input)


def ok(*args: str, input: str | bytes | None = None) -> Result:
    result = run(*args, input=input)
    assert result.exit_code == 0, (result.output, result.exception)
    return result


def fails(*args: str, input: str | bytes | None = None) -> str:
    """The one-line reason of a failed command (exit code 1, `Error: …` on stderr)."""
    result = run(*args, input=input)
    assert result.exit_code == 1, (result.output, result.exception)
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Error: ")
    return lines[0].removeprefix("Error: ")


@pytest.fixture
def erp_file(demo_template: Path, tmp_path: Path) -> Path:
    path = tmp_path / "erp.sqlite3"
    shutil.copyfile(demo_template, path)
    return path


def test_demo_creates_the_database_registers_the_source_and_imports_rules():
    result = ok("demo")
    path = Path(settings.SOURCES_ROOT) / "demo.sqlite3"
    assert path.is_file()
    assert Source.objects.get(name="demo").url == f"sqlite:///{path}"
    assert set(FolderRule.objects.values_list("key", flat=True)) == DEMO_KEYS
    assert f"demo database: {path} (" in result.output
    assert "source 'demo' registered with 15 folder rules" in result.output


def test_second_demo_fails_with_one_line():
    ok("demo")
    assert fails("demo") == "source 'demo' already exists"
    assert FolderRule.objects.count() == len(DEMO_KEYS)


def test_demo_refuses_to_overwrite_an_existing_file():
    path = Path(settings.SOURCES_ROOT) / "demo.sqlite3"
    path.parent.mkdir(parents=True)
    path.write_bytes(b"precious")
    assert fails("demo") == f"{path} already exists; move it away to create the demo again"
    assert path.read_bytes() == b"precious"
    assert not Source.objects.exists()


def test_sources_add_registers_a_sqlite_file(erp_file):
    result = ok(
        "sources", "add", "erp", f"sqlite:///{erp_file}",
        "--display", "res_partner=email", "--change-column", "sale_order=",
    )  # fmt: skip
    assert re.fullmatch(r"source 'erp' added: 15 models\n", result.output)
    source = Source.objects.get(name="erp")
    assert source.url == f"sqlite:///{erp_file}"
    assert source.display_names == {"res_partner": "email"}
    assert source.change_columns == {"sale_order": ""}


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("not a url", "url: 'not a url' is not a database URL"),
        ("oracle://db/erp", "url: 'oracle' databases are not supported"),
    ],
)
def test_sources_add_refuses_a_bad_url(url, reason):
    assert fails("sources", "add", "erp", url).startswith(reason)
    assert not Source.objects.exists()


def test_sources_add_refuses_a_missing_file(tmp_path):
    missing = tmp_path / "missing.sqlite3"
    reason = fails("sources", "add", "erp", f"sqlite:///{missing}")
    assert "cannot be read" in reason
    assert "erp" in reason
    assert not missing.exists()
    assert not Source.objects.exists()


def test_sources_add_refuses_a_duplicate_name(demo, erp_file):
    reason = fails("sources", "add", "demo", f"sqlite:///{erp_file}")
    assert reason == "name: a source named 'demo' already exists"
    assert Source.objects.get(name="demo").url == demo.url


def test_sources_add_refuses_a_malformed_pair(erp_file):
    result = run("sources", "add", "erp", f"sqlite:///{erp_file}", "--display", "name")
    assert result.exit_code == 2
    assert "'name' is not MODEL=COLUMN" in result.output
    assert not Source.objects.exists()


@pytest.fixture
def password_source() -> Source:
    # Nothing listens on port 1: the source is listed with its error, never its password.
    return Source.objects.create(
        name="pg", url="postgresql+psycopg://reader:s3cret@127.0.0.1:1/erp"
    )


def test_sources_list_hides_passwords(demo, password_source):
    output = ok("sources", "list").output
    assert "s3cret" not in output
    lines = dict(line.split("\t", 1) for line in output.splitlines())
    assert lines["demo"] == f"{demo.url}\t15 rules\t15 models"
    assert lines["pg"].startswith(
        "postgresql+psycopg://reader:***@127.0.0.1:1/erp\t0 rules\terror: "
    )


def test_sources_list_json(demo, password_source):
    output = ok("sources", "list", "--json").output
    assert "s3cret" not in output
    listed = {item["name"]: item for item in json.loads(output)}
    assert listed["demo"] == {"name": "demo", "url": demo.url, "active": True, "rules": 15,
                              "models": 15, "error": None}  # fmt: skip
    assert listed["pg"]["url"] == "postgresql+psycopg://reader:***@127.0.0.1:1/erp"
    assert listed["pg"]["models"] is None
    assert listed["pg"]["error"]


@pytest.mark.parametrize(
    ("options", "parse"), [((), yaml.safe_load), (("--format", "json"), json.loads)]
)
def test_rules_export_prints_every_demo_rule(demo, options, parse):
    document = parse(ok("rules", "export", *options).output)
    assert document["version"] == 1
    assert {rule["key"] for rule in document["rules"]} == DEMO_KEYS
    tasks = next(rule for rule in document["rules"] if rule["key"] == "project-tasks")
    assert tasks["parent"] == "customer-projects"
    assert tasks["default_folders"][0]["files"][0]["name"] == "Terms of agreement.txt"


def test_rules_export_to_a_file(demo, tmp_path):
    target = tmp_path / "rules.json"
    assert ok("rules", "export", "--format", "json", "-o", str(target)).output == ""
    assert {rule["key"] for rule in json.loads(target.read_text())["rules"]} == DEMO_KEYS


NEW_RULES = {
    "version": 1,
    "rules": [
        {"key": "teams", "name": "Teams", "source": "demo", "model": "crm_team", "sequence": 1},
        {"key": "customers", "name": "Clients", "source": "demo", "model": "res_partner"},
    ],
}


def test_rules_import_from_a_file(demo, tmp_path):
    path = tmp_path / "rules.yaml"
    path.write_text(yaml.safe_dump(NEW_RULES))
    assert ok("rules", "import", str(path)).output == "2 rules imported: teams, customers\n"
    assert FolderRule.objects.get(key="teams").model == "crm_team"
    assert FolderRule.objects.get(key="customers").name == "Clients"
    assert FolderRule.objects.count() == len(DEMO_KEYS) + 1


def test_rules_import_from_stdin(demo):
    result = ok("rules", "import", "-", input=json.dumps(NEW_RULES))
    assert result.output == "2 rules imported: teams, customers\n"
    assert FolderRule.objects.filter(key="teams").exists()


def test_rules_export_then_import_round_trips(demo):
    exported = ok("rules", "export").output
    ok("rules", "import", "-", input=exported)
    assert ok("rules", "export").output == exported


def test_rules_import_error_is_one_line_and_imports_nothing(demo):
    teams, customers = NEW_RULES["rules"]
    document = {"version": 1, "rules": [teams, {**customers, "model": "res_partnr"}]}
    reason = fails("rules", "import", "-", input=yaml.safe_dump(document))
    assert reason.startswith("rules[1] (key 'customers').model: ")
    assert not FolderRule.objects.filter(key="teams").exists()
    assert FolderRule.objects.get(key="customers").name == "Customers"


def test_rules_import_of_text_that_is_not_yaml(demo):
    reason = fails("rules", "import", "-", input="rules: [oops")
    assert (
        reason == "not valid YAML or JSON at line 1, column 13: expected ',' or ']', but got "
        "'<stream end>'"
    )


def test_rules_import_of_a_binary_file_is_one_line(demo, tmp_path):
    path = tmp_path / "rules.yaml"
    path.write_bytes(b"\xff\xfe rules: []")
    assert fails("rules", "import", str(path)) == (
        f"{path}: not UTF-8 text (byte 0: invalid start byte)"
    )
    assert fails("rules", "import", "-", input=b"rules: [\xff]").startswith(
        "<stdin>: not UTF-8 text"
    )


def test_rules_import_of_a_missing_file_is_a_usage_error(tmp_path):
    result = run("rules", "import", str(tmp_path / "nope.yaml"))
    assert result.exit_code == 2
    assert "nope.yaml" in result.output


def counts(output: str) -> dict[str, int]:
    return {key: int(value) for value, key in re.findall(r"(\d+) (\w+)", output)}


def test_folders_prepare_prints_counts_and_second_run_creates_nothing(demo):
    first = counts(ok("folders", "prepare").output)
    assert set(first) >= {"created", "renamed", "moved", "archived", "restored", "evaluated"}
    total = Folder.objects.count()
    assert 0 < Folder.objects.filter(kind=FolderKind.RECORD).count() <= first["created"] <= total
    second = counts(ok("folders", "prepare").output)
    assert second["created"] == 0
    assert Folder.objects.count() == total


def test_folders_prepare_all_json(demo):
    ok("folders", "prepare")
    stats = json.loads(ok("folders", "prepare", "--all", "--json").output)
    assert stats["created"] == stats["archived"] == stats["moved"] == 0
    assert stats["evaluated"] > 0
    assert stats["errors"] == []
    assert stats["skipped"] is False


def text_paths(output: str) -> list[tuple[str, ...]]:
    """Rebuilds each line's path from its two-space indentation."""
    found: list[tuple[str, ...]] = []
    stack: list[str] = []
    for line in output.splitlines():
        name = line.lstrip(" ")
        depth, rest = divmod(len(line) - len(name), 2)
        assert rest == 0, line
        assert depth <= len(stack), line
        stack[depth:] = [name]
        found.append(tuple(stack))
    return found


def test_folders_tree_text_is_indented_by_depth(demo):
    ok("folders", "prepare")
    output = ok("folders", "tree").output
    lines = output.splitlines()
    assert lines[0] == "Customers"
    paths = text_paths(output)
    assert tuple(S00010) in paths
    assert ("Customers", "Azure Interior", "Projects", "Software Design") in paths
    nodes = json.loads(ok("folders", "tree", "--json").output)
    assert paths == [tuple(node["path"]) for node in nodes]


def test_folders_tree_json_lists_nodes(demo):
    ok("folders", "prepare")
    nodes = json.loads(ok("folders", "tree", "--json").output)
    assert len(nodes) == Folder.objects.filter(active=True).count()
    assert all(set(node) == {"path", "kind", "record", "active"} for node in nodes)
    by_path = {tuple(node["path"]): node for node in nodes}
    assert by_path[tuple(S00010)] == {
        "path": S00010,
        "kind": "record",
        "record": {"source": "demo", "model": "sale_order", "id": 10},
        "active": True,
    }
    assert by_path[("Customers",)]["kind"] == "rule"
    assert by_path[("Customers",)]["record"] is None
    kinds = {node["kind"] for node in nodes}
    assert kinds == {"rule", "record", "default"}


def test_folders_tree_json_of_an_empty_tree():
    assert json.loads(ok("folders", "tree", "--json").output) == []


def test_archived_folders_only_with_archived_option(demo):
    ok("folders", "prepare")
    demo.execute("UPDATE sale_order SET state = 'cancel' WHERE id = 10")
    assert counts(ok("folders", "prepare", "--all").output)["archived"] >= 1
    s10 = Folder.objects.get(kind=FolderKind.RECORD, model="sale_order", record_id="10")
    assert s10.active is False
    assert "S00010" not in ok("folders", "tree").output
    assert "S00010" not in ok("folders", "tree", "--json").output
    text = ok("folders", "tree", "--archived").output
    assert "      S00010  (archived)" in text.splitlines()
    nodes = json.loads(ok("folders", "tree", "--json", "--archived").output)
    (node,) = (node for node in nodes if node["path"] == S00010)
    assert node["active"] is False


def test_manage_runs_django_commands():
    result = ok("manage", "check")
    assert "System check identified no issues" in result.output


def test_errors_of_unknown_manage_commands_are_reported():
    result = run("manage", "no-such-command")
    assert result.exit_code == 1
    assert "Unknown command: 'no-such-command'" in result.output


def test_help_lists_the_command_groups():
    output = ok("--help").output
    for name in ("demo", "serve", "quickstart", "manage", "sources", "rules", "folders"):
        assert re.search(rf"^  {name}\b", output, re.M), name


def test_version_option():
    assert ok("--version").output.endswith("version 0.1.0\n")
