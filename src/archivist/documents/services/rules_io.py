"""Folder rules to and from YAML or JSON documents (schema in docs/rules-file.md).

Import is all or nothing: every rule of the document is checked against its source first;
one error anywhere names the rule and the field (`rules[2] (key 'tasks').domain[0]: …`) and nothing
is written. Rules are matched by `key`: existing ones are updated (their periods, default folders
and default files replaced), new ones created; rules absent from the document are left alone.
"""

from __future__ import annotations

import base64
import binascii
import json
import mimetypes
from collections.abc import Mapping
from typing import Any

import yaml
from django.core.exceptions import ValidationError
from django.db import transaction

from archivist.documents.blobstore import default_store
from archivist.documents.models import (
    DefaultFile,
    DefaultFolder,
    FolderRule,
    FolderRulePeriod,
    Source,
)
from archivist.documents.services.rule_checks import check_rule
from archivist.sources.domain import normalize
from archivist.sources.errors import SourceError
from archivist.sources.periods import Period

FORMAT_VERSION = 1
RULE_KEYS = {
    "key",
    "name",
    "sequence",
    "source",
    "model",
    "parent",
    "parent_field",
    "domain",
    "periods",
    "name_template",
    "restrict_hours",
    "active",
    "default_folders",
    "default_files",
}


class RulesFileError(ValueError):
    """A rules document that cannot be imported; the message names where and what."""


def export_rules() -> dict[str, Any]:
    rules = FolderRule.objects.select_related("source", "parent").prefetch_related("periods")
    ordered = sorted(rules, key=lambda rule: (len(rule.ancestors()), rule.sequence, rule.pk))
    return {"version": FORMAT_VERSION, "rules": [_export_rule(rule) for rule in ordered]}


def dump(document: Mapping[str, Any], fmt: str) -> str:
    if fmt == "json":
        return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    return yaml.safe_dump(dict(document), sort_keys=False, allow_unicode=True, width=100)


def load(text: str) -> dict[str, Any]:
    """Parses YAML (a superset of JSON) and checks the document's outer shape."""
    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError as error:
        # One line: PyYAML's own text spans several (with a caret under the position).
        mark = getattr(error, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(error, "problem", None) or type(error).__name__
        raise RulesFileError(f"not valid YAML or JSON{where}: {problem}") from None
    if not isinstance(document, dict) or not isinstance(document.get("rules"), list):
        raise RulesFileError("expected a mapping with a 'rules' list")
    unknown = sorted(str(key) for key in set(document) - {"version", "rules"})
    if unknown:
        raise RulesFileError(f"unknown top-level key(s) {', '.join(unknown)}")
    version = document.get("version", FORMAT_VERSION)
    if version != FORMAT_VERSION:
        raise RulesFileError(f"version {version!r} is not supported (expected {FORMAT_VERSION})")
    return document


def import_rules(document: Mapping[str, Any]) -> list[FolderRule]:
    """Creates or updates the document's rules; returns them in document order."""
    entries = document["rules"]
    keys = [entry.get("key") if isinstance(entry, dict) else None for entry in entries]
    with transaction.atomic():
        saved: dict[str, FolderRule] = {}
        for index in _parents_first(entries, keys):
            entry = entries[index]
            where = f"rules[{index}] (key {entry.get('key')!r})"
            saved[entry["key"]] = _import_rule(entry, where, saved)
        return [saved[key] for key in keys]


def _parents_first(entries: list[Any], keys: list[Any]) -> list[int]:
    for index, entry in enumerate(entries):
        if not isinstance(entry, dict):
            raise RulesFileError(f"rules[{index}]: expected a mapping, got {type(entry).__name__}")
        unknown = sorted(set(entry) - RULE_KEYS)
        if unknown:
            raise RulesFileError(f"rules[{index}]: unknown key(s) {', '.join(unknown)}")
        if not isinstance(entry.get("key"), str) or not entry["key"]:
            raise RulesFileError(f"rules[{index}].key: every rule needs a key (a short slug)")
    duplicates = {key for key in keys if keys.count(key) > 1}
    if duplicates:
        raise RulesFileError(f"duplicate rule key(s): {', '.join(sorted(duplicates))}")
    order: list[int] = []
    placing: set[int] = set()

    def place(index: int) -> None:
        if index in order:
            return
        if index in placing:
            raise RulesFileError(f"rules[{index}] (key {keys[index]!r}).parent: rules form a cycle")
        placing.add(index)
        parent = entries[index].get("parent")
        if parent in keys:
            place(keys.index(parent))
        order.append(index)

    for index in range(len(entries)):
        place(index)
    return order


def _import_rule(entry: dict[str, Any], where: str, saved: dict[str, FolderRule]) -> FolderRule:
    rule = FolderRule.objects.filter(key=entry["key"]).first() or FolderRule(key=entry["key"])
    try:
        rule.source = Source.objects.get(name=entry.get("source"))
    except Source.DoesNotExist:
        raise RulesFileError(f"{where}.source: no source named {entry.get('source')!r}") from None
    parent_key = entry.get("parent")
    rule.parent = None
    if parent_key:
        rule.parent = saved.get(parent_key) or FolderRule.objects.filter(key=parent_key).first()
        if rule.parent is None:
            raise RulesFileError(f"{where}.parent: no rule with key {parent_key!r}")
    rule.name = _text(entry, "name", where, required=True)
    rule.model = _text(entry, "model", where, required=True)
    rule.parent_field = _text(entry, "parent_field", where)
    rule.name_template = _text(entry, "name_template", where)
    rule.sequence = _integer(entry, "sequence", where, default=10)
    hours = _integer(entry, "restrict_hours", where, default=0)
    rule.restrict_monitoring, rule.restrict_hours = hours > 0, hours
    rule.active = bool(entry.get("active", True))
    try:
        rule.domain = normalize(entry.get("domain") or [])
    except SourceError as error:
        raise RulesFileError(f"{where}.{error}") from None  # DomainError names domain[i]
    try:
        periods = [
            Period.from_dict(line, f"{where}.periods[{index}]")
            for index, line in enumerate(entry.get("periods") or [])
        ]
    except SourceError as error:
        raise RulesFileError(str(error)) from None  # the location is already in the message
    try:
        check_rule(rule, periods)
    except ValidationError as error:
        problems = "; ".join(
            f"{where}.{field}: {' '.join(messages)}"
            for field, messages in error.message_dict.items()
        )
        raise RulesFileError(problems) from None
    rule.save()
    rule.periods.all().delete()
    FolderRulePeriod.objects.bulk_create(
        [
            FolderRulePeriod(
                rule=rule,
                field=p.field,
                direction=p.direction.value,
                interval=p.interval,
                unit=p.unit.value,
                include_current=p.include_current,
                compared_to=p.compared_to.value,
                compared_interval=p.compared_interval,
                compared_unit=p.compared_unit.value if p.compared_unit else "",
            )
            for p in periods
        ]
    )
    rule.default_folders.all().delete()
    rule.default_files.all().delete()
    _import_defaults(rule, None, entry.get("default_folders") or [], f"{where}.default_folders")
    _import_files(rule, None, entry.get("default_files") or [], f"{where}.default_files")
    return rule


def _import_defaults(
    rule: FolderRule, parent: DefaultFolder | None, folders: Any, where: str
) -> None:
    if not isinstance(folders, list):
        raise RulesFileError(f"{where}: expected a list")
    for index, item in enumerate(folders):
        here = f"{where}[{index}]"
        if not isinstance(item, dict) or not item.get("name"):
            raise RulesFileError(f"{here}: each default folder needs a name")
        unknown = sorted(set(item) - {"name", "sequence", "folders", "files"})
        if unknown:
            raise RulesFileError(f"{here}: unknown key(s) {', '.join(unknown)}")
        folder = DefaultFolder.objects.create(
            rule=rule,
            parent=parent,
            name=str(item["name"]),
            sequence=_integer(item, "sequence", here, default=10),
        )
        _import_defaults(rule, folder, item.get("folders") or [], f"{here}.folders")
        _import_files(rule, folder, item.get("files") or [], f"{here}.files")


def _import_files(rule: FolderRule, folder: DefaultFolder | None, files: Any, where: str) -> None:
    if not isinstance(files, list):
        raise RulesFileError(f"{where}: expected a list")
    store = default_store()
    for index, item in enumerate(files):
        here = f"{where}[{index}]"
        if not isinstance(item, dict) or not item.get("name"):
            raise RulesFileError(f"{here}: each default file needs a name")
        if ("text" in item) == ("content_base64" in item):
            raise RulesFileError(f"{here}: give exactly one of text or content_base64")
        if "text" in item:
            content = str(item["text"]).encode()
        else:
            try:
                content = base64.b64decode(str(item["content_base64"]), validate=True)
            except binascii.Error:
                raise RulesFileError(f"{here}.content_base64: not valid base64") from None
        blob = store.put_bytes(content)
        name = str(item["name"])
        DefaultFile.objects.create(
            rule=rule,
            folder=folder,
            name=name,
            blob=blob.sha256,
            size=blob.size,
            mimetype=item.get("mimetype")
            or mimetypes.guess_type(name)[0]
            or "application/octet-stream",
        )


def _export_rule(rule: FolderRule) -> dict[str, Any]:
    return {
        "key": rule.key,
        "name": rule.name,
        "sequence": rule.sequence,
        "source": rule.source.name,
        "model": rule.model,
        "parent": rule.parent.key if rule.parent else None,
        "parent_field": rule.parent_field,
        "domain": rule.domain,
        "periods": [line.as_period().as_dict() for line in rule.periods.all()],
        "name_template": rule.name_template,
        "restrict_hours": rule.restrict_hours if rule.restrict_monitoring else 0,
        "active": rule.active,
        "default_folders": _export_defaults(rule, None),
        "default_files": _export_files(rule, None),
    }


def _export_defaults(rule: FolderRule, parent: DefaultFolder | None) -> list[dict[str, Any]]:
    return [
        {
            "name": folder.name,
            "sequence": folder.sequence,
            "folders": _export_defaults(rule, folder),
            "files": _export_files(rule, folder),
        }
        for folder in rule.default_folders.filter(parent=parent)
    ]


def _export_files(rule: FolderRule, folder: DefaultFolder | None) -> list[dict[str, Any]]:
    store = default_store()
    exported = []
    for file in rule.default_files.filter(folder=folder):
        with store.open(file.blob) as handle:
            content = handle.read()
        exported.append(
            {
                "name": file.name,
                "mimetype": file.mimetype,
                "content_base64": base64.b64encode(content).decode(),
            }
        )
    return exported


def _text(entry: dict[str, Any], key: str, where: str, *, required: bool = False) -> str:
    value = entry.get(key)
    if value is None:
        if required:
            raise RulesFileError(f"{where}.{key}: required")
        return ""
    if not isinstance(value, str):
        raise RulesFileError(f"{where}.{key}: expected text, got {value!r}")
    return value


def _integer(entry: dict[str, Any], key: str, where: str, *, default: int) -> int:
    value = entry.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise RulesFileError(f"{where}.{key}: expected a whole number ≥ 0, got {value!r}")
    return value
