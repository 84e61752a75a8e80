"""Sync API: connections (never their secrets), the queue and the sync log (administrators)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import StreamingHttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from archivist.api.permissions import Administrator
from archivist.sync.models import CloudConnection, OperationState, SyncLog, SyncOperation
from archivist.sync.services import states
from archivist.sync.services.logs import LEVELS, csv_lines, filtered_logs

TAG = ["sync"]
PAGE = 200


class ConnectionSerializer(serializers.ModelSerializer[CloudConnection]):
    type = serializers.CharField(source="kind")

    class Meta:
        model = CloudConnection
        fields = [
            "id",
            "name",
            "type",
            "root_folder",
            "state",
            "options",
            "last_run_at",
            "last_error",
        ]


class OperationSerializer(serializers.ModelSerializer[SyncOperation]):
    class Meta:
        model = SyncOperation
        fields = [
            "id",
            "connection",
            "kind",
            "item",
            "path",
            "target",
            "reverse",
            "state",
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


class ConnectionListView(APIView):
    permission_classes = [Administrator]

    @extend_schema(tags=TAG, responses=ConnectionSerializer(many=True), summary="Connections")
    def get(self, request: Request) -> Response:
        return Response(ConnectionSerializer(CloudConnection.objects.all(), many=True).data)


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
        ],
        responses=OperationSerializer(many=True),
        summary="The sync queue (pending, running, failed with reason, done)",
    )
    def get(self, request: Request) -> Response:
        rows = SyncOperation.objects.order_by("priority", "depth", "next_attempt_at", "id")
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
        return Response(OperationSerializer(rows[:PAGE], many=True).data)


LOG_FILTERS = [
    OpenApiParameter("search", OpenApiTypes.STR, description="in the message or the item"),
    OpenApiParameter("level", OpenApiTypes.STR, enum=LEVELS, description="this level or worse"),
    OpenApiParameter("connection", OpenApiTypes.INT),
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


def _logs(request: Request) -> Any:
    level = request.query_params.get("level", "")
    if level and level not in LEVELS:
        raise ValidationError({"level": f"expected one of {', '.join(LEVELS)}"})
    return filtered_logs(
        search=request.query_params.get("search", "")[:200],
        level=level,
        connection=_int(request, "connection"),
        since=_moment(request, "since"),
        until=_moment(request, "until"),
    )


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
            logs = logs.filter(id__lt=before)
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
