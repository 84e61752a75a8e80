"""The Settings page's API (Administration only): the installation settings, the mass actions
offered in the file manager (on/off, order, groups) and the groups to pick from.

Every installation setting backed by an environment variable may be set to null to follow the
environment again; the answer lists the environment's values (`defaults`) and which fields an
administrator saved (`saved`). The rules live in `documents.services.installation`.
"""

from __future__ import annotations

import re
from typing import Any

from django.contrib.auth.models import Group
from django.db import transaction
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from archivist.api import objects
from archivist.api.fields import StrictSerializer
from archivist.api.permissions import Administrator
from archivist.documents.models import MassAction
from archivist.documents.models.installation import MAX_ATTEMPTS, MIN_LOG_DAYS
from archivist.documents.services import installation
from archivist.sync.state import DEFAULT_NON_SYNCED_MIMETYPES

TAGS = ["settings"]
MAX_INTERVAL = 7 * 24 * 3600
MAX_EXPORT_LINES = 1_000_000
MAX_LOG_DAYS = 3650
_TOKEN = r"[a-z0-9][a-z0-9!#$&^_.+-]*"
MIMETYPE = re.compile(rf"{_TOKEN}/{_TOKEN}")


class MimetypeField(serializers.CharField):
    def to_internal_value(self, data: Any) -> str:
        text = str(super().to_internal_value(data)).strip().lower()
        if not MIMETYPE.fullmatch(text):
            raise serializers.ValidationError(
                f"{text or '(empty)'!r} is not a mimetype: type/subtype, such as text/plain"
            )
        return text


class Values(serializers.Serializer):  # type: ignore[type-arg]
    tags_enabled = serializers.BooleanField()
    sharing_enabled = serializers.BooleanField()
    non_synced_mimetypes = serializers.ListField(
        child=serializers.CharField(),
        help_text="Never sent to the cloud, on top of `builtin_non_synced_mimetypes`.",
    )
    max_attempts = serializers.IntegerField()
    max_attempts_reverse = serializers.IntegerField()
    log_days = serializers.IntegerField()
    log_export_lines = serializers.IntegerField()
    prepare_interval_seconds = serializers.IntegerField()
    sync_interval_seconds = serializers.IntegerField()


class InstallationSettingsSerializer(Values):
    builtin_non_synced_mimetypes = serializers.ListField(child=serializers.CharField())
    defaults = Values(help_text="The environment's values, in force for fields not saved.")
    saved = serializers.ListField(
        child=serializers.CharField(), help_text="The fields an administrator saved."
    )


def _int(low: int, high: int, help_text: str) -> serializers.IntegerField:
    return serializers.IntegerField(
        required=False, allow_null=True, min_value=low, max_value=high, help_text=help_text
    )


class InstallationSettingsUpdate(StrictSerializer):
    tags_enabled = serializers.BooleanField(required=False)
    sharing_enabled = serializers.BooleanField(required=False)
    non_synced_mimetypes = serializers.ListField(
        child=MimetypeField(),
        required=False,
        allow_null=True,
        allow_empty=True,
        help_text="Extra mimetypes (type/subtype); null: the environment's list.",
    )
    max_attempts = _int(1, MAX_ATTEMPTS, "Attempts of an ordinary sync operation; null: default.")
    max_attempts_reverse = _int(
        1, MAX_ATTEMPTS, "Attempts of a reverse-sync or move operation; null: default."
    )
    log_days = _int(MIN_LOG_DAYS, MAX_LOG_DAYS, "Days sync log lines are kept; null: default.")
    log_export_lines = _int(1, MAX_EXPORT_LINES, "Most lines of a log export; null: default.")
    prepare_interval_seconds = _int(
        0, MAX_INTERVAL, "Seconds between 'Prepare folders' runs (0: off); null: default."
    )
    sync_interval_seconds = _int(
        0, MAX_INTERVAL, "Seconds between sync cycles (0: off); null: default."
    )

    def validate_non_synced_mimetypes(self, value: list[str] | None) -> list[str] | None:
        return None if value is None else list(dict.fromkeys(value))


def _settings_answer() -> dict[str, Any]:
    values = installation.current()
    return {
        **_values(values),
        "builtin_non_synced_mimetypes": sorted(DEFAULT_NON_SYNCED_MIMETYPES),
        "defaults": _values(installation.defaults()),
        "saved": sorted(installation.saved_fields() - {"tags_enabled", "sharing_enabled"}),
    }


def _values(values: installation.Installation) -> dict[str, Any]:
    answer = {name: getattr(values, name) for name in installation.EDITABLE}
    answer["non_synced_mimetypes"] = list(values.non_synced_mimetypes)
    return answer


class InstallationSettingsView(APIView):
    permission_classes = [Administrator]

    @extend_schema(
        tags=TAGS,
        responses=InstallationSettingsSerializer,
        summary="The installation settings in force",
    )
    def get(self, request: Request) -> Response:
        return Response(_settings_answer())

    @extend_schema(
        tags=TAGS,
        request=InstallationSettingsUpdate,
        responses=InstallationSettingsSerializer,
        summary="Change installation settings",
        description="Only the fields sent change; null puts a field back to the environment's "
        "value. A 400 names each wrong field; nothing changes then.",
    )
    def patch(self, request: Request) -> Response:
        changes = objects.body(InstallationSettingsUpdate, request)
        installation.save(request.user, changes)
        return Response(_settings_answer())


# -- mass actions ----------------------------------------------------------------------------


class GroupSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    class Meta:
        model = Group
        fields = ["id", "name"]
        read_only_fields = fields


class MassActionSettingSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    groups = GroupSerializer(many=True, read_only=True)

    class Meta:
        model = MassAction
        fields = ["id", "name", "kind", "active", "sequence", "groups"]
        read_only_fields = fields


@extend_schema_field(OpenApiTypes.STR)
class GroupReference(serializers.Field):  # type: ignore[type-arg]
    """A group by id (a number) or by name (a string)."""

    def to_internal_value(self, data: Any) -> Group:
        if isinstance(data, bool) or not isinstance(data, int | str):
            raise serializers.ValidationError("a group id or name")
        found = Group.objects.filter(**{"pk" if isinstance(data, int) else "name": data}).first()
        if found is None:
            raise serializers.ValidationError(f"no group {data!r}")
        return found


class MassActionSettingUpdate(StrictSerializer):
    active = serializers.BooleanField(required=False)
    sequence = serializers.IntegerField(
        required=False, min_value=-1_000_000, max_value=1_000_000, help_text="Lower first."
    )
    groups = serializers.ListField(
        child=GroupReference(),
        required=False,
        allow_empty=True,
        help_text="Groups (ids or names) that see the action; empty: every file manager user.",
    )


def _actions() -> Any:
    return MassAction.objects.prefetch_related("groups").order_by("sequence", "id")


class MassActionSettingsView(APIView):
    permission_classes = [Administrator]

    @extend_schema(
        tags=TAGS,
        responses=MassActionSettingSerializer(many=True),
        summary="Every mass action, on or off, in order",
    )
    def get(self, request: Request) -> Response:
        return Response(MassActionSettingSerializer(_actions(), many=True).data)


class MassActionSettingView(APIView):
    permission_classes = [Administrator]

    @extend_schema(
        tags=TAGS,
        request=MassActionSettingUpdate,
        responses=MassActionSettingSerializer,
        summary="Turn a mass action on or off, reorder it, or choose its groups",
    )
    def patch(self, request: Request, pk: int) -> Response:
        action = get_object_or_404(MassAction, pk=pk)
        data = objects.body(MassActionSettingUpdate, request)
        with transaction.atomic():
            for name in ("active", "sequence"):
                if name in data:
                    setattr(action, name, data[name])
            action.save()
            if "groups" in data:
                action.groups.set(data["groups"])
        return Response(MassActionSettingSerializer(_actions().get(pk=pk)).data)


class GroupListView(APIView):
    permission_classes = [Administrator]

    @extend_schema(
        tags=TAGS,
        responses=GroupSerializer(many=True),
        summary="The groups a mass action can be limited to",
    )
    def get(self, request: Request) -> Response:
        return Response(GroupSerializer(Group.objects.order_by("name"), many=True).data)
