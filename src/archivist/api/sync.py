"""Sync API: connector types and their declared options, connections (their secrets are
write-only), the queue and the sync log — administrators only."""

from __future__ import annotations

import datetime as dt
from itertools import islice
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.http import StreamingHttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
)
from rest_framework import serializers
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from archivist.api.permissions import Administrator
from archivist.connectors import CONNECTOR_MODULES, connector_type, connector_types
from archivist.connectors.base import check_path
from archivist.connectors.errors import ConnectorError
from archivist.connectors.options import Option
from archivist.connectors.rooted import RootedConnector
from archivist.documents.models import Folder, FolderRule
from archivist.sync.models import (
    CloudConnection,
    FolderConnection,
    OperationState,
    RuleConnection,
    SyncLog,
    SyncOperation,
)
from archivist.sync.services import states
from archivist.sync.services.connections import configure, open_connector, stored_secret_names
from archivist.sync.services.logs import LEVELS, csv_lines, filtered_logs

TAG = ["sync"]
PAGE = 200


class QueueCountsSerializer(serializers.Serializer[Any]):
    pending = serializers.IntegerField()
    running = serializers.IntegerField()
    failed = serializers.IntegerField()


class ConnectionSerializer(serializers.ModelSerializer[CloudConnection]):
    type = serializers.CharField(source="kind")
    type_label = serializers.SerializerMethodField()
    queue = serializers.SerializerMethodField()

    class Meta:
        model = CloudConnection
        fields = [
            "id",
            "name",
            "type",
            "type_label",
            "root_folder",
            "state",
            "options",
            "last_run_at",
            "last_error",
            "queue",
        ]

    def get_type_label(self, connection: CloudConnection) -> str:
        try:
            return connector_type(connection.kind).label
        except KeyError:
            return str(connection.kind)

    @extend_schema_field(QueueCountsSerializer)
    def get_queue(self, connection: CloudConnection) -> dict[str, int]:
        """Open and failed operations of the connection (done ones are not counted)."""
        counts = dict.fromkeys(["pending", "running", "failed"], 0)
        rows = (
            SyncOperation.objects.filter(connection=connection, state__in=list(counts))
            .values_list("state")
            .annotate(number=Count("id"))
        )
        for state, number in rows:
            counts[state] = number
        return counts


class OperationSerializer(serializers.ModelSerializer[SyncOperation]):
    connection_name = serializers.CharField(source="connection.name")

    class Meta:
        model = SyncOperation
        fields = [
            "id",
            "connection",
            "connection_name",
            "kind",
            "item",
            "path",
            "target",
            "reverse",
            "state",
            "reason",
            "attempts",
            "next_attempt_at",
            "last_error",
            "updated_at",
        ]


class LogSerializer(serializers.ModelSerializer[SyncLog]):
    connection_name = serializers.CharField(source="connection.name", default="")

    class Meta:
        model = SyncLog
        fields = [
            "id",
            "at",
            "level",
            "connection",
            "connection_name",
            "operation",
            "item",
            "message",
        ]


ACRONYMS = {"url": "URL", "tls": "TLS", "md5": "MD5", "sha256": "SHA-256", "mb": "MiB"}


def option_label(name: str) -> str:
    """`endpoint_url` → "Endpoint URL": the declared name, for people."""
    words = [ACRONYMS.get(word, word) for word in name.split("_")]
    first = words[0] if words[0] in ACRONYMS.values() else words[0].capitalize()
    return " ".join([first, *words[1:]])


class OptionSerializer(serializers.Serializer[Option]):
    name = serializers.CharField()
    label = serializers.SerializerMethodField()
    help = serializers.CharField()
    kind = serializers.CharField()
    required = serializers.BooleanField()
    default = serializers.JSONField()
    secret = serializers.BooleanField()
    choices = serializers.ListField(child=serializers.CharField())

    def get_label(self, option: Option) -> str:
        return option_label(option.name)


class ConnectorTypeSerializer(serializers.Serializer[Any]):
    name = serializers.CharField()
    label = serializers.CharField()
    help = serializers.CharField()
    options = OptionSerializer(many=True)


class ConnectorTypeListView(APIView):
    permission_classes = [Administrator]

    @extend_schema(
        tags=TAG,
        responses=ConnectorTypeSerializer(many=True),
        summary="Connector types and the options each declares (the connection form's fields)",
    )
    def get(self, request: Request) -> Response:
        return Response(ConnectorTypeSerializer(connector_types(), many=True).data)


class NamedSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    name = serializers.CharField()


class SecretStateSerializer(serializers.Serializer[Any]):
    set = serializers.BooleanField()


class ConnectionDetailSerializer(ConnectionSerializer):
    """A connection with what its form edits; secrets only say whether a value is stored."""

    secrets = serializers.SerializerMethodField()
    subscribers = serializers.SerializerMethodField()
    folders = serializers.SerializerMethodField()
    rules = serializers.SerializerMethodField()

    class Meta(ConnectionSerializer.Meta):
        fields = [*ConnectionSerializer.Meta.fields, "secrets", "subscribers", "folders", "rules"]

    @extend_schema_field(serializers.DictField(child=SecretStateSerializer()))
    def get_secrets(self, connection: CloudConnection) -> dict[str, dict[str, bool]]:
        try:
            declared = connector_type(connection.kind).options
        except KeyError:
            return {}
        try:
            stored = stored_secret_names(connection)
        except ConnectorError:  # unreadable after a key change: to be entered again
            stored = set()
        return {o.name: {"set": o.name in stored} for o in declared if o.secret}

    @extend_schema_field(NamedSerializer(many=True))
    def get_subscribers(self, connection: CloudConnection) -> list[dict[str, Any]]:
        return [
            {"id": user.pk, "name": user.get_full_name() or user.get_username()}
            for user in connection.subscribers.order_by("username")
        ]

    @extend_schema_field(NamedSerializer(many=True))
    def get_folders(self, connection: CloudConnection) -> list[dict[str, Any]]:
        rows = connection.folder_assignments.select_related("folder").order_by("folder__name")
        return [{"id": row.folder.pk, "name": row.folder.name} for row in rows]

    @extend_schema_field(NamedSerializer(many=True))
    def get_rules(self, connection: CloudConnection) -> list[dict[str, Any]]:
        rows = connection.rule_assignments.select_related("rule").order_by("rule__name")
        return [{"id": row.rule.pk, "name": row.rule.name} for row in rows]


class ConnectionWriteSerializer(serializers.Serializer[Any]):
    """What the connection form sends. `options` holds every option of the type: a missing or
    empty one is cleared, except a secret, whose stored value stays. `folders` and `rules`
    replace the connection's assignments (a folder or rule assigned elsewhere moves here)."""

    name = serializers.CharField(max_length=120)
    type = serializers.ChoiceField(choices=list(CONNECTOR_MODULES))
    root_folder = serializers.CharField(max_length=255, required=False)
    options = serializers.DictField(child=serializers.JSONField(), required=False)
    subscribers = serializers.PrimaryKeyRelatedField(
        many=True, queryset=get_user_model().objects.filter(is_active=True), required=False
    )
    folders = serializers.PrimaryKeyRelatedField(
        many=True, queryset=Folder.objects.all(), required=False
    )
    rules = serializers.PrimaryKeyRelatedField(
        many=True, queryset=FolderRule.objects.all(), required=False
    )

    def validate_name(self, value: str) -> str:
        name = value.strip()
        if not name:
            raise serializers.ValidationError("may not be blank")
        others = CloudConnection.objects.filter(name=name)
        if self.instance is not None:
            others = others.exclude(pk=self.instance.pk)
        if others.exists():
            raise serializers.ValidationError(f"a connection called {name!r} exists already")
        return name

    def validate_type(self, value: str) -> str:
        if self.instance is not None and value != self.instance.kind:
            raise serializers.ValidationError(
                "the type of a connection cannot change: add a new connection"
            )
        return value

    def validate_root_folder(self, value: str) -> str:
        root = value.strip().strip("/")
        if not root:
            raise serializers.ValidationError("may not be blank")
        try:
            return check_path(root)
        except ConnectorError as error:
            raise serializers.ValidationError(error.message) from None

    def save_connection(self) -> CloudConnection:
        """Create or update the connection; 400 naming the option when one is bad."""
        data = self.validated_data
        connection: CloudConnection = self.instance or CloudConnection(kind=data["type"])
        if "name" in data:
            connection.name = data["name"]
        if "root_folder" in data:
            connection.root_folder = data["root_folder"]
        if "options" in data or connection.pk is None:
            connection.options = {}  # cleared options go; secrets left empty stay
            try:
                configure(connection, data.get("options", {}))
            except DjangoValidationError as error:
                raise ValidationError({"options": error.message_dict}) from None
            except ConnectorError as error:
                raise ValidationError({"options": {"secrets": [str(error)]}}) from None
        with transaction.atomic():
            connection.save()
            if "subscribers" in data:
                connection.subscribers.set(data["subscribers"])
            if "folders" in data:
                self._assign(connection, FolderConnection, "folder", data["folders"])
            if "rules" in data:
                self._assign(connection, RuleConnection, "rule", data["rules"])
        return connection

    @staticmethod
    def _assign(connection: CloudConnection, model: Any, field: str, targets: list[Any]) -> None:
        model.objects.filter(connection=connection).exclude(**{f"{field}__in": targets}).delete()
        for target in targets:
            model.objects.update_or_create(**{field: target}, defaults={"connection": connection})


class ConnectionListView(APIView):
    permission_classes = [Administrator]

    @extend_schema(tags=TAG, responses=ConnectionSerializer(many=True), summary="Connections")
    def get(self, request: Request) -> Response:
        return Response(ConnectionSerializer(CloudConnection.objects.all(), many=True).data)

    @extend_schema(
        tags=TAG,
        request=ConnectionWriteSerializer,
        responses={201: ConnectionDetailSerializer},
        summary="Add a connection (options checked against its type's declaration)",
    )
    def post(self, request: Request) -> Response:
        form = ConnectionWriteSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        connection = form.save_connection()
        return Response(ConnectionDetailSerializer(connection).data, status=201)


class ConnectionDetailView(APIView):
    permission_classes = [Administrator]

    @extend_schema(
        tags=TAG, responses=ConnectionDetailSerializer, summary="A connection (secrets: set or not)"
    )
    def get(self, request: Request, pk: int) -> Response:
        return Response(ConnectionDetailSerializer(_connection(pk)).data)

    @extend_schema(
        tags=TAG,
        request=ConnectionWriteSerializer,
        responses=ConnectionDetailSerializer,
        summary="Edit a connection (an empty secret keeps the stored one)",
    )
    def patch(self, request: Request, pk: int) -> Response:
        connection = _connection(pk)
        form = ConnectionWriteSerializer(connection, data=request.data, partial=True)
        form.is_valid(raise_exception=True)
        return Response(ConnectionDetailSerializer(form.save_connection()).data)


class ConnectionTestSerializer(serializers.Serializer[Any]):
    ok = serializers.BooleanField()
    error = serializers.CharField()
    entries = serializers.ListField(child=serializers.CharField())


class ConnectionTestView(APIView):
    permission_classes = [Administrator]

    @extend_schema(
        tags=TAG,
        request=None,
        responses=ConnectionTestSerializer,
        summary="Open the connector and list the first items of its root folder",
    )
    def post(self, request: Request, pk: int) -> Response:
        connection = _connection(pk)
        try:
            connector = open_connector(connection)
            try:
                if isinstance(connector, RootedConnector):
                    connector.ensure_root()  # as the first sync would
                entries = [entry.path for entry in islice(connector.list_tree(), 20)]
            finally:
                connector.close()
        except ConnectorError as error:
            return Response({"ok": False, "error": str(error), "entries": []})
        return Response({"ok": True, "error": "", "entries": entries})


class ResetImpactSerializer(serializers.Serializer[Any]):
    folders = serializers.IntegerField()
    files = serializers.IntegerField()
    files_to_download = serializers.IntegerField()
    bytes_to_download = serializers.IntegerField()


class ConfirmSerializer(serializers.Serializer[Any]):
    confirm = serializers.BooleanField()


def _connection(pk: int) -> CloudConnection:
    found = CloudConnection.objects.filter(pk=pk).first()
    if found is None:
        raise NotFound(f"no connection {pk}")
    return found


class ConnectionPauseView(APIView):
    permission_classes = [Administrator]

    @extend_schema(tags=TAG, request=None, responses=ConnectionSerializer, summary="Pause")
    def post(self, request: Request, pk: int) -> Response:
        connection = _connection(pk)
        states.pause(connection)
        return Response(ConnectionSerializer(connection).data)


class ConnectionReconnectView(APIView):
    permission_classes = [Administrator]

    @extend_schema(
        tags=TAG, request=None, responses=ConnectionSerializer, summary="Reconnect (sync again)"
    )
    def post(self, request: Request, pk: int) -> Response:
        connection = _connection(pk)
        states.reconnect(connection)
        return Response(ConnectionSerializer(connection).data)


class ConnectionResetView(APIView):
    permission_classes = [Administrator]

    @extend_schema(
        tags=TAG,
        responses=ResetImpactSerializer,
        summary="What a reset would bring back (folders, files, bytes to download)",
    )
    def get(self, request: Request, pk: int) -> Response:
        impact = states.reset_impact(_connection(pk))
        return Response(ResetImpactSerializer(impact).data)

    @extend_schema(
        tags=TAG,
        request=ConfirmSerializer,
        responses=ResetImpactSerializer,
        summary="Reset: reverse sync of everything (needs {confirm: true})",
    )
    def post(self, request: Request, pk: int) -> Response:
        connection = _connection(pk)
        confirm = ConfirmSerializer(data=request.data)
        confirm.is_valid(raise_exception=True)
        if not confirm.validated_data["confirm"]:
            raise ValidationError({"confirm": "a reset brings every file back: confirm it"})
        return Response(ResetImpactSerializer(states.reset(connection)).data)


class OperationListView(APIView):
    permission_classes = [Administrator]

    @extend_schema(
        tags=TAG,
        parameters=[
            OpenApiParameter("state", OpenApiTypes.STR, enum=list(OperationState.values)),
            OpenApiParameter("connection", OpenApiTypes.INT),
            OpenApiParameter("offset", OpenApiTypes.INT, description="rows to skip (paging)"),
        ],
        responses=OperationSerializer(many=True),
        summary="The sync queue (pending, running, failed with reason, done), 200 a page",
    )
    def get(self, request: Request) -> Response:
        rows = SyncOperation.objects.select_related("connection").order_by(
            "priority", "depth", "next_attempt_at", "id"
        )
        state = request.query_params.get("state", "")
        if state:
            if state not in OperationState.values:
                raise ValidationError(
                    {"state": f"expected one of {', '.join(OperationState.values)}"}
                )
            rows = rows.filter(state=state)
        connection = _int(request, "connection")
        if connection is not None:
            rows = rows.filter(connection_id=connection)
        offset = _int(request, "offset") or 0
        return Response(OperationSerializer(rows[offset : offset + PAGE], many=True).data)


LOG_FILTERS = [
    OpenApiParameter("search", OpenApiTypes.STR, description="in the message or the item"),
    OpenApiParameter("level", OpenApiTypes.STR, enum=LEVELS, description="this level or worse"),
    OpenApiParameter("levels", OpenApiTypes.STR, description="only these levels, comma-separated"),
    OpenApiParameter("connection", OpenApiTypes.INT),
    OpenApiParameter(
        "connections", OpenApiTypes.STR, description="connection ids, comma-separated"
    ),
    OpenApiParameter("since", OpenApiTypes.DATETIME),
    OpenApiParameter("until", OpenApiTypes.DATETIME),
]


def _int(request: Request, name: str) -> int | None:
    value = request.query_params.get(name, "")
    if value == "":
        return None
    if not value.isdigit():
        raise ValidationError({name: "expected a whole number"})
    return int(value)


def _moment(request: Request, name: str) -> dt.datetime | None:
    value = request.query_params.get(name, "")
    if value == "":
        return None
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        raise ValidationError({name: "expected an ISO 8601 date and time"}) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def _ints(request: Request, name: str) -> list[int] | None:
    value = request.query_params.get(name, "")
    if value == "":
        return None
    parts = value.split(",")
    if not all(part.isdigit() for part in parts):
        raise ValidationError({name: "expected whole numbers separated by commas"})
    return [int(part) for part in parts]


def _logs(request: Request) -> Any:
    level = request.query_params.get("level", "")
    if level and level not in LEVELS:
        raise ValidationError({"level": f"expected one of {', '.join(LEVELS)}"})
    logs = filtered_logs(
        search=request.query_params.get("search", "")[:200],
        level=level,
        connection=_int(request, "connection"),
        since=_moment(request, "since"),
        until=_moment(request, "until"),
    )
    levels = request.query_params.get("levels", "")
    if levels:
        chosen = levels.split(",")
        if not set(chosen) <= set(LEVELS):
            raise ValidationError({"levels": f"expected some of {', '.join(LEVELS)}"})
        logs = logs.filter(level__in=chosen)
    connections = _ints(request, "connections")
    if connections is not None:
        logs = logs.filter(connection_id__in=connections)
    return logs


class LogListView(APIView):
    permission_classes = [Administrator]

    @extend_schema(
        tags=TAG,
        parameters=[*LOG_FILTERS, OpenApiParameter("before", OpenApiTypes.INT)],
        responses=LogSerializer(many=True),
        summary="The sync log, newest first (200 a page; `before` = the last id seen)",
    )
    def get(self, request: Request) -> Response:
        logs = _logs(request)
        before = _int(request, "before")
        if before is not None:
            # after the line `before` in the list's order (newest first: time, then id)
            seen = SyncLog.objects.filter(pk=before).values_list("at", flat=True).first()
            if seen is None:
                logs = logs.filter(id__lt=before)
            else:
                logs = logs.filter(Q(at__lt=seen) | Q(at=seen, id__lt=before))
        return Response(LogSerializer(logs[:PAGE], many=True).data)


class LogExportView(APIView):
    permission_classes = [Administrator]

    @extend_schema(
        tags=TAG,
        parameters=LOG_FILTERS,
        responses={(200, "text/csv"): OpenApiResponse(OpenApiTypes.BINARY)},
        summary="The filtered sync log as CSV, newest first, at most the configured lines",
    )
    def get(self, request: Request) -> Any:
        response = StreamingHttpResponse(csv_lines(_logs(request)), content_type="text/csv")
        response["Content-Disposition"] = 'attachment; filename="sync-log.csv"'
        return response
