"""The back office: every documents page opens, rules are checked before they are saved, the
priority action, source checks, read-only automatic folders and access control."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from archivist.documents.blobstore import default_store
from archivist.documents.models import (
    AccessPolicy,
    Attachment,
    DefaultFile,
    Folder,
    FolderKind,
    FolderRule,
    FolderRuleState,
    JobLease,
    MassAction,
    PendingParentCheck,
    Share,
    ShareAccess,
    Source,
    Tag,
    UserPreference,
)

pytestmark = pytest.mark.django_db

DOCUMENTS_MODELS = sorted(
    (model for model in admin.site._registry if model._meta.app_label == "documents"),
    key=lambda model: model._meta.model_name,
)
NOW = dt.datetime(2026, 11, 2, 12, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _static_root() -> None:
    # WhiteNoise warns (an error under filterwarnings) when STATIC_ROOT does not exist yet.
    Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)


def url(model: type, view: str, *args: Any) -> str:
    return reverse(f"admin:documents_{model._meta.model_name}_{view}", args=args)


@pytest.fixture
def staff(client: Any) -> Any:
    user = get_user_model().objects.create_superuser("boss", "boss@example.com", "x")
    client.force_login(user)
    return client


@pytest.fixture
def instances(demo: Any, staff: Any) -> dict[type, Any]:
    """One row of every documents model (the demo rules give rules, default folders and files)."""
    rule = FolderRule.objects.get(key="customers")
    folder = Folder.objects.create(name="Customers", kind=FolderKind.RULE, rule=rule)
    manual = Folder.objects.create(name="Notes", kind=FolderKind.MANUAL)
    blob = default_store().put_bytes(b"hello")
    Attachment.objects.create(name="hello.txt", folder=manual, blob=blob.sha256, size=blob.size)
    FolderRuleState.objects.create(rule=rule, last_run_at=NOW, last_stats={"created": 3})
    PendingParentCheck.objects.create(rule=rule, record_id="7")
    JobLease.objects.create(name="prepare-folders", holder="test")
    tag = Tag.objects.create(name="Important")
    share = Share.objects.create(name="For customers")
    share.tags.add(tag)
    ShareAccess.objects.create(share=share, action=ShareAccess.Action.VIEW, detail="<b>x</b>")
    AccessPolicy.objects.create(
        source=Source.objects.get(name="demo"),
        model="sale_order",
        group=Group.objects.get(name="File Manager Access"),
        row_filter=[["user_id.login", "=", {"user": "login"}]],
    )
    boss = get_user_model().objects.get(username="boss")
    UserPreference.objects.create(user=boss, last_folder=manual)
    found = {model: model.objects.order_by("pk").first() for model in DOCUMENTS_MODELS}
    assert all(found.values()), found
    assert found[Folder] == folder
    return found


def test_every_documents_model_is_registered():
    registered = {model.__name__ for model in DOCUMENTS_MODELS}
    assert registered == {
        "AccessPolicy", "Attachment", "DefaultFile", "DefaultFolder", "Folder", "FolderRule",
        "FolderRuleState", "JobLease", "MassAction", "PendingParentCheck", "Share",
        "ShareAccess", "Source", "Tag", "UserPreference",
    }  # fmt: skip


@pytest.mark.parametrize("model", DOCUMENTS_MODELS, ids=lambda model: model._meta.model_name)
def test_changelist_add_and_change_pages_open(staff, instances, model):
    assert staff.get(url(model, "changelist")).status_code == 200
    add = staff.get(url(model, "add"))
    # Rows written only by "Prepare folders" cannot be added by hand.
    expected_add = (
        403 if model in (FolderRuleState, PendingParentCheck, JobLease, ShareAccess) else 200
    )
    assert add.status_code == expected_add
    change = staff.get(url(model, "change", instances[model].pk))
    assert change.status_code == 200
    assert escape(str(instances[model])) in change.content.decode()


def test_rule_page_shows_the_number_of_matching_records(staff, demo):
    rule = FolderRule.objects.get(key="customer-orders")
    expected = demo.scalar("SELECT count(*) FROM sale_order WHERE state IN ('sale', 'done')")
    assert expected > 0
    page = staff.get(url(FolderRule, "change", rule.pk)).content.decode()
    field = re.search(r'field-matching_records.*?<div class="readonly">(.*?)</div>', page, re.S)
    assert field is not None
    assert field.group(1) == str(expected)


def test_rule_page_previews_the_periods_of_today(staff, demo):
    rule = FolderRule.objects.get(key="recent-invoices")
    today = timezone.localdate()
    start = today.replace(day=1) - relativedelta(months=2)
    end = today.replace(day=1) + relativedelta(months=1) - dt.timedelta(days=1)
    page = staff.get(url(FolderRule, "change", rule.pk)).content.decode()
    assert "If today, the periods would be…" in page
    assert (
        f"<li>invoice_date: last 3 months including current → {start:%Y-%m-%d} – {end:%Y-%m-%d}"
        "</li>" in page
    )
    without = FolderRule.objects.get(key="customers")
    page = staff.get(url(FolderRule, "change", without.pk)).content.decode()
    assert "no periods: every date matches" in page


def rule_form(staff: Any, demo: Any, **fields: Any) -> dict[str, Any]:
    """The add form's POST data: the rule's fields and empty inline formsets."""
    page = staff.get(url(FolderRule, "add"))
    data: dict[str, Any] = {
        "name": "Big orders", "key": "big-orders", "sequence": 5, "active": "on",
        "source": demo.source.pk, "model": "sale_order", "parent": "", "parent_field": "",
        "domain": "[]", "name_template": "", "restrict_hours": 0,
    }  # fmt: skip
    for inline in page.context["inline_admin_formsets"]:
        prefix = inline.formset.prefix
        data.update({f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0})
    data.update(fields)
    return data


def test_rule_with_unknown_filter_field_is_refused_with_the_field_named(staff, demo):
    count = FolderRule.objects.count()
    data = rule_form(staff, demo, domain='[["amount_totl", ">", 1000]]')
    response = staff.post(url(FolderRule, "add"), data)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert list(errors) == ["domain"]
    assert "amount_totl" in errors["domain"][0]
    assert FolderRule.objects.count() == count


def test_rule_with_unknown_model_is_refused(staff, demo):
    response = staff.post(url(FolderRule, "add"), rule_form(staff, demo, model="sale_ordr"))
    assert response.status_code == 200
    assert "sale_ordr" in response.context["adminform"].form.errors["model"][0]
    assert not FolderRule.objects.filter(key="big-orders").exists()


def test_period_on_a_text_field_is_refused(staff, demo):
    data = rule_form(staff, demo, **{
        "periods-TOTAL_FORMS": 1, "periods-0-field": "name", "periods-0-direction": "last",
        "periods-0-interval": 1, "periods-0-unit": "months", "periods-0-compared_to": "today",
        "periods-0-compared_interval": 0, "periods-0-compared_unit": "",
    })  # fmt: skip
    response = staff.post(url(FolderRule, "add"), data)
    assert response.status_code == 200
    periods = next(
        inline.formset
        for inline in response.context["inline_admin_formsets"]
        if inline.formset.prefix == "periods"
    )
    assert "name" in " ".join(periods.non_form_errors())
    assert not FolderRule.objects.filter(key="big-orders").exists()


def test_valid_rule_is_saved_from_the_add_form(staff, demo):
    data = rule_form(staff, demo, domain='[["amount_total", ">", 1000]]')
    response = staff.post(url(FolderRule, "add"), data)
    assert response.status_code == 302
    rule = FolderRule.objects.get(key="big-orders")
    assert rule.domain == [["amount_total", ">", 1000]]


def test_clear_priority_action_clears_the_rule_and_child_rule_folders(staff, demo):
    teams, leads, customers = (
        FolderRule.objects.get(key=key) for key in ("sales-teams", "leads", "customers")
    )
    later = NOW + dt.timedelta(hours=2)
    team_root = Folder.objects.create(name="Sales Teams", kind="rule", rule=teams, next_check=later)
    team = Folder.objects.create(name="Europe", kind="record", rule=teams, parent=team_root,
                                 source=demo.source, model="crm_team", record_id="1",
                                 next_check=later)  # fmt: skip
    leads_root = Folder.objects.create(name="Leads", kind="rule", rule=leads, parent=team,
                                       next_check=later)  # fmt: skip
    lead = Folder.objects.create(name="Lead", kind="record", rule=leads, parent=leads_root,
                                 source=demo.source, model="crm_lead", record_id="1",
                                 next_check=later)  # fmt: skip
    other = Folder.objects.create(name="Customers", kind="rule", rule=customers, next_check=later)
    FolderRuleState.objects.create(rule=leads, full_pass_required=False)
    response = staff.post(
        url(FolderRule, "changelist"),
        {"action": "clear_priority", "_selected_action": [teams.pk]},
        follow=True,
    )
    assert response.status_code == 200
    assert "4 folders will be checked at the next run." in response.content.decode()
    for folder in (team_root, team, leads_root, lead):
        folder.refresh_from_db()
        assert folder.next_check is None, folder.name
    other.refresh_from_db()
    assert other.next_check == later
    assert FolderRuleState.objects.get(rule=leads).full_pass_required


def source_form(**fields: Any) -> dict[str, Any]:
    return {"display_names": "{}", "change_columns": "{}", "active": "on", **fields}


def test_source_with_a_missing_sqlite_file_is_refused(staff, tmp_path):
    missing = tmp_path / "nowhere" / "erp.sqlite3"
    response = staff.post(url(Source, "add"), source_form(name="erp", url=f"sqlite:///{missing}"))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "cannot be read" in errors["url"][0]
    assert not Source.objects.exists()
    assert not missing.exists()


def test_source_with_an_unsupported_url_is_refused(staff):
    response = staff.post(url(Source, "add"), source_form(name="erp", url="oracle://db/erp"))
    assert response.status_code == 200
    assert "not supported" in response.context["adminform"].form.errors["url"][0]
    assert not Source.objects.exists()


def test_source_with_a_readable_file_is_added(staff, demo_template):
    response = staff.post(
        url(Source, "add"), source_form(name="erp", url=f"sqlite:///{demo_template}")
    )
    assert response.status_code == 302
    source = Source.objects.get(name="erp")
    page = staff.get(url(Source, "change", source.pk)).content.decode()
    assert "sale_order" in page  # the models found


def test_automatic_folder_is_read_only(staff, demo):
    rule = FolderRule.objects.get(key="customers")
    folder = Folder.objects.create(name="Customers", kind=FolderKind.RULE, rule=rule)
    page = staff.get(url(Folder, "change", folder.pk)).content.decode()
    assert 'name="name"' not in page
    response = staff.post(url(Folder, "change", folder.pk), {"name": "Renamed", "sequence": 99})
    assert response.status_code == 302
    folder.refresh_from_db()
    assert (folder.name, folder.sequence, folder.kind) == ("Customers", 0, "rule")


def test_manual_folder_name_can_be_edited(staff):
    folder = Folder.objects.create(name="Notes", kind=FolderKind.MANUAL)
    page = staff.get(url(Folder, "change", folder.pk)).content.decode()
    assert 'name="name"' in page
    response = staff.post(
        url(Folder, "change", folder.pk), {"name": "Minutes", "parent": "", "sequence": 1}
    )
    assert response.status_code == 302
    folder.refresh_from_db()
    assert folder.name == "Minutes"


def test_folder_added_in_the_admin_is_manual(staff):
    response = staff.post(url(Folder, "add"), {"name": "Inbox", "parent": "", "sequence": 0})
    assert response.status_code == 302
    assert Folder.objects.get(name="Inbox").kind == FolderKind.MANUAL


def test_folders_cannot_be_deleted(staff, demo):
    rule = FolderRule.objects.get(key="customers")
    automatic = Folder.objects.create(name="Customers", kind=FolderKind.RULE, rule=rule)
    assert staff.get(url(Folder, "delete", automatic.pk)).status_code == 403
    assert staff.post(url(Folder, "delete", automatic.pk), {"post": "yes"}).status_code == 403
    page = staff.get(url(Folder, "change", automatic.pk)).content.decode()
    assert url(Folder, "delete", automatic.pk) not in page
    response = staff.post(
        url(Folder, "changelist"), {"action": "delete_selected", "_selected_action": [automatic.pk]}
    )
    assert Folder.objects.filter(pk=automatic.pk).exists()
    assert response.status_code in (200, 302)


def test_default_file_added_in_the_admin_belongs_to_its_rule(staff, demo):
    rule = FolderRule.objects.get(key="customers")
    upload = SimpleUploadedFile("terms.txt", b"Terms\n")
    response = staff.post(
        url(DefaultFile, "add"),
        {"rule": rule.pk, "name": "terms.txt", "folder": "", "upload": upload},
    )
    assert response.status_code == 302
    file = DefaultFile.objects.get(name="terms.txt")
    assert (file.rule, file.size, file.mimetype) == (rule, 6, "text/plain")
    with default_store().open(file.blob) as handle:
        assert handle.read() == b"Terms\n"


@pytest.mark.parametrize("model", [FolderRule, Folder, Source])
def test_user_without_staff_status_is_sent_to_login(client, model):
    user = get_user_model().objects.create_user("clerk", "clerk@example.com", "x")
    client.force_login(user)
    response = client.get(url(model, "changelist"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_anonymous_visitor_is_sent_to_login(client):
    response = client.get(url(FolderRule, "add"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_access_policy_row_filter_accepts_a_bare_current_user(staff, demo):
    group = Group.objects.get(name="File Manager Access")
    response = staff.post(
        url(AccessPolicy, "add"),
        {
            "source": demo.source.pk,
            "model": "sale_order",
            "group": group.pk,
            "row_filter": '[["user_id.login", "=", user.login]]',
            "active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    policy = AccessPolicy.objects.get()
    assert policy.row_filter == [["user_id.login", "=", {"user": "login"}]]


def test_access_policy_with_unknown_model_or_bad_filter_is_refused(staff, demo):
    group = Group.objects.get(name="File Manager Access")
    for model, row_filter, problem in [
        ("sale_orders", "", "has no model"),
        ("sale_order", "[[", "not valid JSON"),
        ("sale_order", '[["state", "~", 1]]', "unknown operator"),
    ]:
        response = staff.post(
            url(AccessPolicy, "add"),
            {
                "source": demo.source.pk,
                "model": model,
                "group": group.pk,
                "row_filter": row_filter,
                "active": "on",
            },
        )
        assert response.status_code == 200
        assert problem in response.content.decode()
    assert not AccessPolicy.objects.exists()


def test_custom_mass_action_values_are_checked(staff):
    response = staff.post(
        url(MassAction, "add"),
        {
            "name": "Paint",
            "kind": "custom",
            "values": '{"colour": 3}',
            "sequence": 10,
            "active": "on",
        },
    )
    assert response.status_code == 200
    assert "unknown key(s) colour" in response.content.decode()
    response = staff.post(
        url(MassAction, "add"),
        {
            "name": "Paint",
            "kind": "custom",
            "values": '{"color": 3}',
            "sequence": 10,
            "active": "on",
        },
    )
    assert response.status_code == 302
    assert MassAction.objects.get(name="Paint").values == {"color": 3}


def test_html_in_names_is_escaped_in_the_back_office(staff, instances):
    response = staff.get(url(ShareAccess, "changelist"))
    assert b"<b>x</b>" not in response.content
    assert b"&lt;b&gt;x&lt;/b&gt;" in response.content
