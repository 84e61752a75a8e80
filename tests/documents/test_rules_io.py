"""Import and export of folder rules (YAML/JSON): round trips, updates by key, parents by key,
and all-or-nothing errors that name the rule and the field."""

from __future__ import annotations

import base64
import json
import shutil
from typing import Any

import pytest
import yaml
from django.conf import settings

from archivist.documents.blobstore import default_store
from archivist.documents.models import (
    DefaultFile,
    DefaultFolder,
    FolderRule,
    FolderRulePeriod,
    Source,
)
from archivist.documents.services import rules_io
from archivist.documents.services.rules_io import RulesFileError

pytestmark = pytest.mark.django_db

BINARY = bytes(range(256)) + b"\x00\xff end"
EXTRA_RULE = {
    "key": "old-orders",
    "name": "Orders of last year",
    "sequence": 90,
    "source": "demo",
    "model": "sale_order",
    "parent": "customers",
    "parent_field": "partner_id.commercial_partner_id",
    "domain": ["|", ["state", "=", "sale"], "!", ["team_id.name", "ilike", "web"]],
    "periods": [
        {"field": "date_order", "direction": "last", "interval": 1, "unit": "years",
         "include_current": False, "compared_to": "past", "compared_interval": 1,
         "compared_unit": "years"},
        {"field": "date_order", "direction": "next", "interval": 2, "unit": "weeks"},
    ],
    "name_template": "{{ object.name }} {{ object.state.upper() }}",
    "restrict_hours": 6,
    "active": False,
    "default_folders": [
        {"name": "Contracts", "sequence": 1, "folders": [
            {"name": "Signed", "files": [{"name": "blob.bin", "content_base64":
                                          base64.b64encode(BINARY).decode()}]},
            {"name": "Drafts", "sequence": 2},
        ], "files": [{"name": "readme.txt", "text": "Put contracts here.\n"}]},
        {"name": "Mail", "sequence": 5},
    ],
    "default_files": [{"name": "checklist.md", "text": "- [ ] sign\n", "mimetype": "text/x-md"}],
}  # fmt: skip


def import_text(text: str) -> list[FolderRule]:
    return rules_io.import_rules(rules_io.load(text))


def import_entries(*entries: dict[str, Any]) -> list[FolderRule]:
    return import_text(yaml.safe_dump({"version": 1, "rules": list(entries)}))


def entry(key: str = "bad", **fields: Any) -> dict[str, Any]:
    return {"key": key, "name": "Some rule", "source": "demo", "model": "sale_order", **fields}


def default_tree(rule: FolderRule, parent: DefaultFolder | None = None) -> list[Any]:
    store = default_store()

    def files(folder: DefaultFolder | None) -> list[tuple[str, str, bytes]]:
        found = []
        for file in rule.default_files.filter(folder=folder).order_by("name"):
            with store.open(file.blob) as handle:
                content = handle.read()
            assert file.size == len(content)
            found.append((file.name, file.mimetype, content))
        return found

    tree: list[Any] = [] if parent is not None else [("files", files(None))]
    for folder in rule.default_folders.filter(parent=parent).order_by("name"):
        tree.append((folder.name, folder.sequence, files(folder), default_tree(rule, folder)))
    return tree


def describe_rules() -> dict[str, dict[str, Any]]:
    """Everything a rules file carries, read from the database (not through export_rules)."""
    described = {}
    for rule in FolderRule.objects.select_related("source", "parent"):
        described[rule.key] = {
            "name": rule.name,
            "sequence": rule.sequence,
            "source": rule.source.name,
            "model": rule.model,
            "parent": rule.parent.key if rule.parent else None,
            "parent_field": rule.parent_field,
            "domain": rule.domain,
            "name_template": rule.name_template,
            "restrict": (rule.restrict_monitoring, rule.restrict_hours),
            "active": rule.active,
            "periods": [
                (p.field, p.direction, p.interval, p.unit, p.include_current, p.compared_to,
                 p.compared_interval, p.compared_unit or p.unit)
                for p in rule.periods.order_by("id")
            ],
            "defaults": default_tree(rule),
        }  # fmt: skip
    return described


def database_rows() -> list[Any]:
    """Every row an import may write, with ids and timestamps, to prove nothing was written."""
    return [
        list(model.objects.order_by("pk").values())
        for model in (FolderRule, FolderRulePeriod, DefaultFolder, DefaultFile, Source)
    ]


def delete_all_rules() -> None:
    while FolderRule.objects.exists():
        FolderRule.objects.filter(children__isnull=True).delete()


@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_export_imported_into_an_empty_database_restores_every_rule(demo, fmt):
    import_entries(EXTRA_RULE)
    before = describe_rules()
    text = rules_io.dump(rules_io.export_rules(), fmt)
    if fmt == "json":
        assert json.loads(text)["version"] == 1
    delete_all_rules()
    shutil.rmtree(settings.BLOB_ROOT)  # file contents must come from the document itself
    imported = import_text(text)
    assert len(imported) == len(before) == 16
    after = describe_rules()
    assert after == before
    extra = after["old-orders"]
    assert extra["defaults"][0] == ("files", [("checklist.md", "text/x-md", b"- [ ] sign\n")])
    assert extra["defaults"][1][0] == "Contracts"
    assert extra["defaults"][1][3][1][2] == [("blob.bin", "application/octet-stream", BINARY)]
    assert extra["restrict"] == (True, 6)
    assert extra["active"] is False
    assert rules_io.dump(rules_io.export_rules(), fmt) == text


def test_importing_the_export_again_changes_nothing(demo):
    import_entries(EXTRA_RULE)
    text = rules_io.dump(rules_io.export_rules(), "yaml")
    before = describe_rules()
    pks = dict(FolderRule.objects.values_list("key", "pk"))
    import_text(text)
    assert describe_rules() == before
    assert dict(FolderRule.objects.values_list("key", "pk")) == pks
    assert rules_io.dump(rules_io.export_rules(), "yaml") == text


def test_export_lists_parents_before_children(demo):
    keys = [item["key"] for item in rules_io.export_rules()["rules"]]
    for rule in FolderRule.objects.exclude(parent=None):
        assert keys.index(rule.parent.key) < keys.index(rule.key)


def test_import_updates_rules_by_key_and_leaves_the_others_alone(demo):
    others_before = {
        key: value for key, value in describe_rules().items() if key != "project-tasks"
    }
    stamps = dict(FolderRule.objects.exclude(key="project-tasks").values_list("key", "updated_at"))
    tasks = FolderRule.objects.get(key="project-tasks")
    (updated,) = import_entries(
        entry(
            "project-tasks", name="Open tasks", model="project_task", parent="customer-projects",
            parent_field="project_id", domain=[["stage", "!=", "Done"]], sequence=3,
            periods=[{"field": "date_deadline", "direction": "next", "interval": 1}],
            default_folders=[{"name": "Specs"}],
        )
    )  # fmt: skip
    assert updated.pk == tasks.pk
    updated.refresh_from_db()
    assert (updated.name, updated.sequence, updated.domain) == (
        "Open tasks",
        3,
        [["stage", "!=", "Done"]],
    )
    assert [p.field for p in updated.periods.all()] == ["date_deadline"]
    # Default folders and files are replaced, not added to.
    assert list(updated.default_folders.values_list("name", flat=True)) == ["Specs"]
    assert not DefaultFile.objects.filter(rule=updated).exists()
    others_after = {key: value for key, value in describe_rules().items() if key != "project-tasks"}
    assert others_after == others_before
    assert dict(FolderRule.objects.exclude(key="project-tasks")
                .values_list("key", "updated_at")) == stamps  # fmt: skip


def test_import_stores_the_canonical_domain(demo):
    (rule,) = import_entries(
        entry("orders", domain='[["state", "=", "sale"], ["name", "like", "S"]]')
    )
    rule.refresh_from_db()
    assert rule.domain == ["&", ["state", "=", "sale"], ["name", "like", "S"]]


def test_parent_is_found_by_key_later_in_the_same_file(demo):
    child, parent = import_entries(
        entry("team-leads", model="crm_lead", parent="teams", parent_field="team_id"),
        entry("teams", model="crm_team"),
    )
    child.refresh_from_db()
    assert child.parent_id == parent.pk
    assert FolderRule.objects.get(key="teams").model == "crm_team"


def test_parent_is_found_by_key_among_existing_rules(demo):
    (child,) = import_entries(
        entry("customer-invoices", model="account_move", parent="customers",
              parent_field="partner_id")
    )  # fmt: skip
    child.refresh_from_db()
    assert child.parent == FolderRule.objects.get(key="customers")


def test_rule_of_the_file_wins_over_an_existing_rule_as_parent(demo):
    """The parent is updated first, so the child is checked against its new model."""
    child, parent = import_entries(
        entry("employees", model="hr_employee", parent="departments", parent_field="parent_id"),
        entry("departments", model="hr_employee"),
    )
    child.refresh_from_db()
    assert child.parent_id == parent.pk
    assert FolderRule.objects.get(key="departments").model == "hr_employee"


def test_removing_the_parent_clears_the_parent_field_requirement(demo):
    (rule,) = import_entries(entry("employees", model="hr_employee"))
    rule.refresh_from_db()
    assert rule.parent is None
    assert rule.parent_field == ""


def test_default_file_text_gets_a_guessed_mimetype(demo):
    (rule,) = import_entries(entry("orders", default_files=[{"name": "a.txt", "text": "hé"}]))
    file = DefaultFile.objects.get(rule=rule)
    assert (file.mimetype, file.size) == ("text/plain", len("hé".encode()))
    with default_store().open(file.blob) as handle:
        assert handle.read() == "hé".encode()


VALID_BEFORE = [
    entry("customers", name="Clients", model="res_partner"),
    entry("brand-new", name="Brand new", model="crm_team"),
]
RULE_ERRORS = [
    pytest.param(entry(source="nowhere"), ".source: no source named 'nowhere'",
                 id="unknown-source"),
    pytest.param(entry(model="no_such_table"), ".model: ", id="unknown-model"),
    pytest.param(entry(domain=[["no_such_field", "=", 1]]), ".domain: ", id="unknown-field"),
    pytest.param(entry(domain=[["state", "~=", "x"]]), ".domain[0]: unknown operator '~='",
                 id="bad-operator"),
    pytest.param(entry(domain=["&", ["state", "=", "sale"]]), ".domain[0]: operator '&' needs",
                 id="operator-missing-a-term"),
    pytest.param(entry(domain=[["state", "="]]), ".domain[0]: expected", id="short-term"),
    pytest.param(entry(domain="[not json"), ".domain: not valid JSON", id="domain-not-json"),
    pytest.param(entry(domain={"state": "sale"}), ".domain: a domain is a list", id="domain-dict"),
    pytest.param(entry(parent="customers", parent_field="team_id"),
                 ".parent_field: team_id leads to crm_team, but the parent rule's model is "
                 "res_partner", id="parent-field-to-another-model"),
    pytest.param(entry(parent="customers", parent_field="state"),
                 ".parent_field: state: every step must be a many2one", id="parent-field-text"),
    pytest.param(entry(parent="customers"), ".parent_field: ", id="parent-without-field"),
    pytest.param(entry(parent_field="partner_id"), ".parent_field: a parent field needs a parent",
                 id="field-without-parent"),
    pytest.param(entry(parent="ghost", parent_field="partner_id"),
                 ".parent: no rule with key 'ghost'", id="unknown-parent"),
    pytest.param(entry(periods=[{"field": "name"}]), ".periods: ", id="period-on-text-field"),
    pytest.param(entry(periods=[{"field": "date_order", "every": 2}]),
                 ".periods[0]: unknown key(s) every", id="bad-period-key"),
    pytest.param(entry(periods=[{"field": "date_order", "unit": "hours"}]),
                 ".periods[0].unit: 'hours' is not one of", id="bad-period-unit"),
    pytest.param(entry(name_template="{{ object.name + }}"), ".name_template: ",
                 id="template-syntax"),
    pytest.param(entry(name_template="{{ object.nope }}"), ".name_template: ",
                 id="template-unknown-field"),
    pytest.param(entry(default_files=[{"name": "x.bin", "content_base64": "@@not base64@@"}]),
                 ".default_files[0].content_base64: not valid base64", id="bad-base64"),
    pytest.param(entry(default_folders=[{"name": "A", "folders": [
                     {"name": "B", "files": [{"name": "x", "text": "t", "content_base64": ""}]}]}]),
                 ".default_folders[0].folders[0].files[0]: give exactly one of text or "
                 "content_base64", id="file-with-text-and-base64"),
    pytest.param(entry(default_folders=[{"sequence": 1}]),
                 ".default_folders[0]: each default folder needs a name", id="nameless-folder"),
    pytest.param(entry(default_folders=[{"name": "A", "sequence": "first"}]),
                 ".default_folders[0].sequence: expected a whole number", id="folder-sequence"),
    pytest.param(entry(sequence="first"), ".sequence: expected a whole number",
                 id="rule-sequence"),
    pytest.param(entry(restrict_hours=-1), ".restrict_hours: expected a whole number",
                 id="negative-hours"),
    pytest.param(entry(name=None), ".name: required", id="missing-name"),
    pytest.param(entry(model=["sale_order"]), ".model: expected text", id="model-not-text"),
]  # fmt: skip


@pytest.mark.parametrize(("bad", "message"), RULE_ERRORS)
def test_invalid_rule_names_rule_and_field_and_writes_nothing(demo, bad, message):
    before = database_rows()
    with pytest.raises(RulesFileError) as caught:
        import_entries(*VALID_BEFORE, bad)
    assert str(caught.value).startswith(f"rules[2] (key 'bad'){message}"), str(caught.value)
    assert "\n" not in str(caught.value)
    assert database_rows() == before
    assert FolderRule.objects.get(key="customers").name == "Customers"


def test_a_later_rule_that_fails_undoes_the_rules_saved_before_it(demo):
    before = database_rows()
    with pytest.raises(RulesFileError, match=r"^rules\[3\] \(key 'last'\)\.model: "):
        import_entries(*VALID_BEFORE, dict(EXTRA_RULE), entry("last", model="nope"))
    assert database_rows() == before
    assert not FolderRule.objects.filter(key__in=["brand-new", "old-orders"]).exists()


def test_two_errors_in_one_rule_each_name_the_rule(demo):
    with pytest.raises(RulesFileError) as caught:
        import_entries(entry(domain=[["nope", "=", 1]], name_template="{{ object.nope }}"))
    parts = str(caught.value).split("; ")
    assert len(parts) == 2
    assert all(part.startswith("rules[0] (key 'bad').") for part in parts), parts


DOCUMENT_ERRORS = [
    pytest.param(
        {"version": 1, "rules": [*VALID_BEFORE, entry("dup"), entry("dup", model="crm_team")]},
        "duplicate rule key(s): dup", id="duplicate-keys"),
    pytest.param(
        {"version": 1, "rules": [*VALID_BEFORE,
                                 entry("a", parent="b", parent_field="partner_id"),
                                 entry("b", parent="a", parent_field="partner_id")]},
        "rules[2] (key 'a').parent: rules form a cycle", id="parent-cycle"),
    pytest.param(
        {"version": 1, "rules": [*VALID_BEFORE, entry("a", parent="a", parent_field="partner_id")]},
        "rules[2] (key 'a').parent: rules form a cycle", id="own-parent"),
    pytest.param({"version": 1, "rules": [*VALID_BEFORE, entry(filter=[])]},
                 "rules[2]: unknown key(s) filter", id="unknown-rule-key"),
    pytest.param({"version": 1, "rules": [*VALID_BEFORE, entry(key="")]},
                 "rules[2].key: every rule needs a key", id="missing-key"),
    pytest.param({"version": 1, "rules": [*VALID_BEFORE, "customers"]},
                 "rules[2]: expected a mapping, got str", id="rule-not-a-mapping"),
    pytest.param({"version": 1, "rules": VALID_BEFORE, "rulez": []},
                 "unknown top-level key(s) rulez", id="unknown-top-level-key"),
    pytest.param({"version": 2, "rules": VALID_BEFORE},
                 "version 2 is not supported (expected 1)", id="wrong-version"),
    pytest.param({"version": "1", "rules": VALID_BEFORE},
                 "version '1' is not supported", id="version-as-text"),
    pytest.param({"version": 1, "rules": {"customers": VALID_BEFORE[0]}},
                 "expected a mapping with a 'rules' list", id="rules-not-a-list"),
    pytest.param("rules: [unclosed", "not valid YAML or JSON at line 1, column 17: expected ','",
                 id="not-yaml"),
    pytest.param('{"version": 1,\n "rules": [}', "not valid YAML or JSON at line 2, column 12: "
                 "expected the node content, but found '}'", id="broken-json"),
    pytest.param("just some words", "expected a mapping with a 'rules' list", id="plain-text"),
    pytest.param("", "expected a mapping with a 'rules' list", id="empty"),
]  # fmt: skip


@pytest.mark.parametrize(("document", "message"), DOCUMENT_ERRORS)
def test_invalid_document_is_refused_and_writes_nothing(demo, document, message):
    before = database_rows()
    text = document if isinstance(document, str) else yaml.safe_dump(document)
    with pytest.raises(RulesFileError) as caught:
        import_text(text)
    assert str(caught.value).startswith(message), str(caught.value)
    assert "\n" not in str(caught.value)
    assert database_rows() == before


def test_document_without_version_is_read_as_version_1(demo):
    (rule,) = import_text(yaml.safe_dump({"rules": [entry("teams", model="crm_team")]}))
    assert FolderRule.objects.get(key="teams").pk == rule.pk


def test_json_document_is_accepted(demo):
    text = json.dumps({"version": 1, "rules": [entry("teams", model="crm_team", active=False)]})
    (rule,) = import_text(text)
    rule.refresh_from_db()
    assert rule.model == "crm_team"
    assert rule.active is False
