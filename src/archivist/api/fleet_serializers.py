"""Serializers of the fleet API: databases (the API key only for administrators), their
users, runs, settings and the request bodies of the actions."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from archivist.api.fields import StrictSerializer, id_list
from archivist.fleet.models import (
    Database,
    DatabaseUser,
    FleetSettings,
    Hosting,
    RunState,
    SyncRun,
    TaxReturnStatus,
)
from archivist.fleet.services.databases import api_key
from archivist.fleet.services.secrets import UnreadableSecret


class FleetKpiSerializer(serializers.Serializer):  # type: ignore[type-arg]
    name = serializers.CharField()
    type = serializers.ChoiceField(choices=["integer", "return_status"])
    value = serializers.JSONField(help_text="an integer, or a tax return status")


class DatabaseSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    tags = serializers.SlugRelatedField(many=True, read_only=True, slug_field="name")
    kpis = serializers.DictField(child=FleetKpiSerializer(), help_text="KPIs by id")
    user_count = serializers.SerializerMethodField()
    hosting_label = serializers.CharField(source="get_hosting_display", read_only=True)
    responsible_name = serializers.SerializerMethodField()

    class Meta:
        model = Database
        fields = [
            "id",
            "name",
            "responsible",
            "responsible_name",
            "tags",
            "hosting",
            "hosting_label",
            "url",
            "database_name",
            "version",
            "api_login",
            "fetch_documents",
            "fetch_draft_entries",
            "fetch_tax_returns",
            "kpis",
            "documents",
            "draft_entries",
            "tax_return_status",
            "user_count",
            "last_sync",
            "sync_errors",
            "last_error",
            "sync_notes",
        ]
        read_only_fields = fields

    def get_responsible_name(self, obj: Database) -> str | None:
        person = obj.responsible
        return None if person is None else person.get_full_name() or person.get_username()

    def get_user_count(self, obj: Database) -> int:
        counted = getattr(obj, "user_total", None)  # annotated by the list
        return int(obj.users.count() if counted is None else counted)


class AdministeredDatabaseSerializer(DatabaseSerializer):
    """What a Databases Administrator reads: also the API key, in clear."""

    api_key = serializers.SerializerMethodField(
        help_text="administrators only; null when it cannot be decrypted (enter it again)"
    )

    class Meta(DatabaseSerializer.Meta):
        fields = [*DatabaseSerializer.Meta.fields, "api_key"]
        read_only_fields = fields

    def get_api_key(self, obj: Database) -> str | None:
        try:
            return api_key(obj)
        except UnreadableSecret:
            return None


class DatabaseInputSerializer(StrictSerializer):
    name = serializers.CharField(max_length=120)
    responsible = serializers.IntegerField(min_value=1, allow_null=True, required=False)
    tags = serializers.ListField(child=serializers.CharField(max_length=60), required=False)
    hosting = serializers.ChoiceField(choices=Hosting.choices, allow_blank=True, required=False)
    url = serializers.URLField(max_length=255, allow_blank=True, required=False)
    database_name = serializers.CharField(max_length=120, allow_blank=True, required=False)
    api_login = serializers.CharField(max_length=254, allow_blank=True, required=False)
    api_key = serializers.CharField(
        allow_blank=True, required=False, write_only=True, help_text='"" removes the key'
    )
    fetch_documents = serializers.BooleanField(required=False)
    fetch_draft_entries = serializers.BooleanField(required=False)
    fetch_tax_returns = serializers.BooleanField(required=False)


class DatabaseUserSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    local_username = serializers.CharField(
        source="local_user.username", default=None, read_only=True
    )

    class Meta:
        model = DatabaseUser
        fields = ["id", "login", "name", "latest_authentication", "local_user", "local_username"]
        read_only_fields = fields


class PersonSerializer(serializers.Serializer):  # type: ignore[type-arg]
    """A local user, as the invite dialog and the responsible field choose them."""

    id = serializers.IntegerField()
    username = serializers.CharField()
    name = serializers.CharField(help_text="full name, or the username")
    email = serializers.CharField(allow_blank=True, help_text="the login an invitation uses")


class OutcomeSerializer(serializers.Serializer):  # type: ignore[type-arg]
    database = serializers.IntegerField()
    name = serializers.CharField()
    ok = serializers.BooleanField()
    message = serializers.CharField(allow_blank=True)


class SyncResultsSerializer(serializers.Serializer):  # type: ignore[type-arg]
    results = OutcomeSerializer(many=True)


class FleetRunSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    results = serializers.DictField(
        child=serializers.DictField(), help_text="by database id: {name, ok, message}"
    )

    class Meta:
        model = SyncRun
        fields = [
            "id",
            "state",
            "scheduled",
            "requested_by",
            "total",
            "done",
            "failed",
            "results",
            "error",
            "created_at",
            "started_at",
            "finished_at",
        ]
        read_only_fields = fields


class FleetSyncRequestSerializer(StrictSerializer):
    databases = id_list(required=False, help_text="database ids")
    all = serializers.BooleanField(default=False, help_text="every database you see")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if not attrs.get("all") and not attrs.get("databases"):
            raise serializers.ValidationError({"databases": "give database ids, or all: true"})
        return attrs


class UserResultSerializer(serializers.Serializer):  # type: ignore[type-arg]
    database_id = serializers.IntegerField()
    name = serializers.CharField()
    ok = serializers.BooleanField()
    message = serializers.CharField(allow_blank=True)


class UserResultsSerializer(serializers.Serializer):  # type: ignore[type-arg]
    results = UserResultSerializer(many=True)


class FleetInviteSerializer(StrictSerializer):
    databases = id_list(min_length=1, help_text="database ids")
    users = id_list(min_length=1, help_text="local user ids (their email is the login)")


class FleetRemoveSerializer(StrictSerializer):
    logins = serializers.ListField(child=serializers.CharField(max_length=254), min_length=1)
    databases = id_list(required=False, help_text="database ids")
    everywhere = serializers.BooleanField(
        default=False, help_text="every database where the login is a user"
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if bool(attrs.get("databases")) == bool(attrs.get("everywhere")):
            raise serializers.ValidationError(
                {"databases": "give database ids or everywhere: true (one of them)"}
            )
        return attrs


class DiscoveryResultSerializer(serializers.Serializer):  # type: ignore[type-arg]
    name = serializers.CharField()
    url = serializers.CharField()
    action = serializers.ChoiceField(choices=["created", "updated", "unchanged", "left", "failed"])
    message = serializers.CharField()
    database_id = serializers.IntegerField(allow_null=True)


class DiscoveryResultsSerializer(serializers.Serializer):  # type: ignore[type-arg]
    results = DiscoveryResultSerializer(many=True)


class ConnectSerializer(serializers.Serializer):  # type: ignore[type-arg]
    url = serializers.CharField()


class FleetSettingsSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    odoo_com_api_key_set = serializers.SerializerMethodField()

    class Meta:
        model = FleetSettings
        fields = [
            "odoo_com_url",
            "odoo_com_login",
            "odoo_com_api_key_set",
            "fetch_documents",
            "fetch_draft_entries",
            "fetch_tax_returns",
        ]
        read_only_fields = fields

    def get_odoo_com_api_key_set(self, obj: FleetSettings) -> bool:
        return bool(obj.odoo_com_api_key_encrypted)


class FleetSettingsInputSerializer(StrictSerializer):
    odoo_com_url = serializers.URLField(required=False)
    odoo_com_login = serializers.CharField(max_length=254, allow_blank=True, required=False)
    odoo_com_api_key = serializers.CharField(allow_blank=True, required=False, write_only=True)
    fetch_documents = serializers.BooleanField(required=False)
    fetch_draft_entries = serializers.BooleanField(required=False)
    fetch_tax_returns = serializers.BooleanField(required=False)


TAX_RETURN_STATUSES = list(TaxReturnStatus.values)
RUN_STATES = list(RunState.values)
