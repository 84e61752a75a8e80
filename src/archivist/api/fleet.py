"""Fleet API: databases, their users, synchronisation (inline or as a background run),
discovery, inviting and removing users, connect URLs and the settings.

Access (`archivist.fleet.services.access`): Databases Users read, synchronise and connect to
the databases they have an account on; Databases Administrators do everything, see every
database and its API key. A database that exists but is not visible answers 403, one that
does not exist 404. The Odoo databases' own errors come back per database in the results;
an error of Odoo.com itself (discovery) or of the one database asked (connect) answers 502.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import APIException, NotFound, PermissionDenied, ValidationError
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from archivist.api import directory
from archivist.api import fleet_serializers as s
from archivist.fleet.models import Database, DatabaseTag, FleetSettings, SyncRun, TaxReturnStatus
from archivist.fleet.odoo import OdooError
from archivist.fleet.services import access, users
from archivist.fleet.services.connect import connect_url
from archivist.fleet.services.databases import new_database, save_database
from archivist.fleet.services.discovery import discover
from archivist.fleet.services.runs import start_sync
from archivist.fleet.services.secrets import encrypt

TAG = ["fleet"]
ORDERINGS = [
    "name",
    "last_sync",
    "sync_errors",
    "documents",
    "draft_entries",
    "tax_return_status",
    "version",
    "hosting",
]


class FleetUser(BasePermission):
    message = "the fleet needs the group Databases User or Databases Administrator"

    def has_permission(self, request: Any, view: Any) -> bool:
        return access.is_fleet_user(request.user)


class FleetAdministrator(BasePermission):
    message = "this needs the group Databases Administrator"

    def has_permission(self, request: Any, view: Any) -> bool:
        return access.is_fleet_administrator(request.user)


class RemoteFailed(APIException):
    status_code = status.HTTP_502_BAD_GATEWAY
    default_detail = "the Odoo server failed"


def _visible(request: Request, pk: int) -> Database:
    database = access.visible_databases(request.user).filter(pk=pk).first()
    if database is not None:
        return database
    if Database.objects.filter(pk=pk).exists():
        raise PermissionDenied(f"you have no account on database {pk}")
    raise NotFound(f"no database {pk}")


def _chosen(request: Request, ids: list[int]) -> list[Database]:
    """The databases with these ids, all visible (403 naming the others, 404 if unknown)."""
    found = {db.pk: db for db in access.visible_databases(request.user).filter(pk__in=ids)}
    hidden = [pk for pk in ids if pk not in found]
    if hidden:
        existing = set(Database.objects.filter(pk__in=hidden).values_list("pk", flat=True))
        if existing:
            raise PermissionDenied(
                f"you have no account on database {', '.join(map(str, sorted(existing)))}"
            )
        raise NotFound(f"no database {', '.join(map(str, hidden))}")
    return [found[pk] for pk in dict.fromkeys(ids)]


def _database_data(request: Request, database: Database) -> Any:
    if access.is_fleet_administrator(request.user):
        return s.AdministeredDatabaseSerializer(database).data
    return s.DatabaseSerializer(database).data


def _apply(database: Database, data: dict[str, Any]) -> Database:
    fields = {k: v for k, v in data.items() if k not in ("tags", "api_key", "responsible")}
    for name, value in fields.items():
        setattr(database, name, value)
    if "responsible" in data:
        responsible = data["responsible"]
        if responsible is not None and not get_user_model().objects.filter(pk=responsible).exists():
            raise ValidationError({"responsible": f"no local user {responsible}"})
        database.responsible_id = responsible
    return save_database(database, api_key=data.get("api_key"), tags=data.get("tags"))


def _filtered(request: Request) -> QuerySet[Database]:
    rows = access.visible_databases(request.user).prefetch_related("tags")
    rows = rows.select_related("responsible")
    rows = rows.annotate(user_total=Count("users", distinct=True))
    params = request.query_params
    if search := params.get("search", "").strip()[:200]:
        rows = rows.filter(Q(name__icontains=search) | Q(url__icontains=search))
    if hosting := params.get("hosting", ""):
        rows = rows.filter(hosting=hosting)
    if tag := params.get("tag", ""):
        rows = rows.filter(tags__name=tag)
    if responsible := params.get("responsible", ""):
        if not responsible.isdigit():
            raise ValidationError({"responsible": "expected a user id"})
        rows = rows.filter(responsible_id=int(responsible))
    if params.get("errors", "") in ("1", "true"):
        rows = rows.filter(sync_errors__gt=0)
    if tax := params.get("tax_return_status", ""):
        if tax not in s.TAX_RETURN_STATUSES:
            raise ValidationError(
                {"tax_return_status": f"expected one of {', '.join(s.TAX_RETURN_STATUSES)}"}
            )
        rows = rows.filter(tax_return_status=tax)
    ordering = params.get("ordering", "name")
    field = ordering.removeprefix("-")
    if field not in ORDERINGS:
        raise ValidationError(
            {"ordering": f"expected one of {', '.join(ORDERINGS)} (- first for descending)"}
        )
    if field == "tax_return_status":  # worst first, like the spec's colours
        severity = Case(
            *(
                When(tax_return_status=v, then=Value(TaxReturnStatus.severity(v)))
                for v in s.TAX_RETURN_STATUSES
            ),
            default=Value(len(s.TAX_RETURN_STATUSES)),
            output_field=IntegerField(),
        )
        rows = rows.annotate(severity=severity)
        field = "severity"
    key = f"-{field}" if ordering.startswith("-") else field
    return rows.distinct().order_by(key, "name")


LIST_PARAMETERS = [
    OpenApiParameter("search", OpenApiTypes.STR, description="in the name or the URL"),
    OpenApiParameter("hosting", OpenApiTypes.STR, enum=["saas", "paas", "premise", "other"]),
    OpenApiParameter("tag", OpenApiTypes.STR),
    OpenApiParameter("responsible", OpenApiTypes.INT, description="the responsible's user id"),
    OpenApiParameter("errors", OpenApiTypes.BOOL, description="only databases with sync errors"),
    OpenApiParameter("tax_return_status", OpenApiTypes.STR, enum=s.TAX_RETURN_STATUSES),
    OpenApiParameter(
        "ordering",
        OpenApiTypes.STR,
        description=f"one of {', '.join(ORDERINGS)}; - first for descending "
        "(tax_return_status: worst first)",
    ),
]


class DatabaseListView(APIView):
    def get_permissions(self) -> list[BasePermission]:
        return [FleetAdministrator()] if self.request.method == "POST" else [FleetUser()]

    @extend_schema(
        tags=TAG,
        parameters=LIST_PARAMETERS,
        responses=s.DatabaseSerializer(many=True),
        summary="The databases you may see, with their KPIs",
    )
    def get(self, request: Request) -> Response:
        rows = list(_filtered(request))
        if access.is_fleet_administrator(request.user):
            return Response(s.AdministeredDatabaseSerializer(rows, many=True).data)
        return Response(s.DatabaseSerializer(rows, many=True).data)

    @extend_schema(
        tags=TAG,
        request=s.DatabaseInputSerializer,
        responses={201: s.AdministeredDatabaseSerializer},
        summary="Add a database (fetch settings default to the template's)",
    )
    def post(self, request: Request) -> Response:
        body = s.DatabaseInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        database = _apply(new_database(), dict(body.validated_data))
        return Response(_database_data(request, database), status=status.HTTP_201_CREATED)


class DatabaseDetailView(APIView):
    def get_permissions(self) -> list[BasePermission]:
        return [FleetUser()] if self.request.method == "GET" else [FleetAdministrator()]

    @extend_schema(tags=TAG, responses=s.DatabaseSerializer, summary="One database")
    def get(self, request: Request, pk: int) -> Response:
        return Response(_database_data(request, _visible(request, pk)))

    @extend_schema(
        tags=TAG,
        request=s.DatabaseInputSerializer(partial=True),
        responses=s.AdministeredDatabaseSerializer,
        summary="Change a database (api_key: a new key; absent keeps it)",
    )
    def patch(self, request: Request, pk: int) -> Response:
        database = _visible(request, pk)
        body = s.DatabaseInputSerializer(data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        return Response(_database_data(request, _apply(database, dict(body.validated_data))))

    @extend_schema(tags=TAG, responses={204: None}, summary="Delete a database (here only)")
    def delete(self, request: Request, pk: int) -> Response:
        _visible(request, pk).delete()
        return Response(status=status.HTTP_204_NO_CONTENT)


class DatabaseUsersView(APIView):
    permission_classes = [FleetUser]

    @extend_schema(
        tags=TAG,
        responses=s.DatabaseUserSerializer(many=True),
        summary="A database's internal users, last authentication and matching local user",
    )
    def get(self, request: Request, pk: int) -> Response:
        database = _visible(request, pk)
        rows = database.users.select_related("local_user").order_by("login")
        return Response(s.DatabaseUserSerializer(rows, many=True).data)


class DatabaseSyncView(APIView):
    permission_classes = [FleetUser]

    @extend_schema(
        tags=TAG, request=None, responses=s.OutcomeSerializer, summary="Synchronize one database"
    )
    def post(self, request: Request, pk: int) -> Response:
        started = start_sync([_visible(request, pk)], requested_by=request.user)
        assert isinstance(started, list)
        return Response(s.OutcomeSerializer(started[0].as_dict()).data)


class DatabaseConnectView(APIView):
    permission_classes = [FleetUser]

    @extend_schema(
        tags=TAG,
        responses={200: s.ConnectSerializer, 502: OpenApiResponse(description="Odoo failed")},
        summary="The URL that opens the database (SSO through Odoo.com for Odoo Online)",
    )
    def get(self, request: Request, pk: int) -> Response:
        database = _visible(request, pk)
        try:
            url = connect_url(database)
        except OdooError as error:
            raise RemoteFailed(error.message) from None
        return Response({"url": url})


class SyncView(APIView):
    permission_classes = [FleetUser]

    @extend_schema(
        tags=TAG,
        request=s.FleetSyncRequestSerializer,
        responses={200: s.SyncResultsSerializer, 202: s.FleetRunSerializer},
        summary="Synchronize databases now: up to 20 answer with their results (200), more "
        "start a background run whose progress GET /api/fleet/runs/{id}/ reads (202)",
    )
    def post(self, request: Request) -> Response:
        body = s.FleetSyncRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        if body.validated_data["all"]:
            chosen = list(access.visible_databases(request.user))
        else:
            chosen = _chosen(request, body.validated_data["databases"])
        started = start_sync(chosen, requested_by=request.user)
        if isinstance(started, SyncRun):
            return Response(s.FleetRunSerializer(started).data, status=status.HTTP_202_ACCEPTED)
        return Response({"results": [outcome.as_dict() for outcome in started]})


def _runs(request: Request) -> QuerySet[SyncRun]:
    if access.is_fleet_administrator(request.user):
        return SyncRun.objects.all()
    return SyncRun.objects.filter(requested_by=request.user)


class RunListView(APIView):
    permission_classes = [FleetUser]

    @extend_schema(
        tags=TAG,
        responses=s.FleetRunSerializer(many=True),
        summary="Background runs, newest first (yours; administrators: all), 50 at most",
    )
    def get(self, request: Request) -> Response:
        return Response(s.FleetRunSerializer(_runs(request)[:50], many=True).data)


class RunDetailView(APIView):
    permission_classes = [FleetUser]

    @extend_schema(
        tags=TAG, responses=s.FleetRunSerializer, summary="A run's progress (done/total, failures)"
    )
    def get(self, request: Request, pk: int) -> Response:
        found = _runs(request).filter(pk=pk).first()
        if found is None:
            if SyncRun.objects.filter(pk=pk).exists():
                raise PermissionDenied("this run was started by someone else")
            raise NotFound(f"no run {pk}")
        return Response(s.FleetRunSerializer(found).data)


class DiscoverView(APIView):
    permission_classes = [FleetAdministrator]

    @extend_schema(
        tags=TAG,
        request=None,
        responses={
            200: s.DiscoveryResultsSerializer,
            502: OpenApiResponse(description="Odoo.com refused or failed"),
        },
        summary='Pull databases from Odoo.com ("Pull from Odoo.com")',
    )
    def post(self, request: Request) -> Response:
        try:
            results = discover()
        except OdooError as error:
            raise RemoteFailed(error.message) from None
        return Response({"results": [result.as_dict() for result in results]})


class InviteView(APIView):
    permission_classes = [FleetAdministrator]

    @extend_schema(
        tags=TAG,
        request=s.FleetInviteSerializer,
        responses=s.UserResultsSerializer,
        summary="Invite local users to databases (no password-reset mail); results per database",
    )
    def post(self, request: Request) -> Response:
        body = s.FleetInviteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        chosen = _chosen(request, body.validated_data["databases"])
        people = users.local_users(body.validated_data["users"])
        results = users.invite(chosen, people)
        return Response({"results": [result.as_dict() for result in results]})


class RemoveView(APIView):
    permission_classes = [FleetAdministrator]

    @extend_schema(
        tags=TAG,
        request=s.FleetRemoveSerializer,
        responses=s.UserResultsSerializer,
        summary="Remove (deactivate) users from databases, or everywhere they have an account",
    )
    def post(self, request: Request) -> Response:
        body = s.FleetRemoveSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        logins = body.validated_data["logins"]
        if body.validated_data["everywhere"]:
            chosen = list(
                Database.objects.filter(
                    pk__in=[db.pk for login in logins for db in users.databases_of_login(login)]
                )
            )
        else:
            chosen = _chosen(request, body.validated_data["databases"])
        results = users.remove(chosen, logins)
        return Response({"results": [result.as_dict() for result in results]})


class PeopleView(APIView):
    permission_classes = [FleetAdministrator]

    @extend_schema(
        tags=TAG,
        parameters=[directory.SEARCH, directory.IDS],
        responses=s.PersonSerializer(many=True),
        summary=f"Active local users to invite or make responsible ({directory.LIMIT} at most)",
    )
    def get(self, request: Request) -> Response:
        people = directory.find_people(request, internal_only=False)
        return Response(s.PersonSerializer(people, many=True).data)


class TagListView(APIView):
    permission_classes = [FleetUser]

    @extend_schema(tags=TAG, responses=OpenApiTypes.STR, summary="Tag names in use")
    def get(self, request: Request) -> Response:
        visible = access.visible_databases(request.user)
        names = DatabaseTag.objects.filter(databases__in=visible).distinct()
        return Response(sorted(names.values_list("name", flat=True)))


class SettingsView(APIView):
    permission_classes = [FleetAdministrator]

    @extend_schema(tags=TAG, responses=s.FleetSettingsSerializer, summary="Fleet settings")
    def get(self, request: Request) -> Response:
        return Response(s.FleetSettingsSerializer(FleetSettings.load()).data)

    @extend_schema(
        tags=TAG,
        request=s.FleetSettingsInputSerializer,
        responses=s.FleetSettingsSerializer,
        summary="Change the Odoo.com credentials and the template's fetch settings",
    )
    def patch(self, request: Request) -> Response:
        body = s.FleetSettingsInputSerializer(data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        fleet = FleetSettings.load()
        data = dict(body.validated_data)
        if "odoo_com_api_key" in data:
            fleet.odoo_com_api_key_encrypted = encrypt(data.pop("odoo_com_api_key").strip())
        for name, value in data.items():
            setattr(fleet, name, value.rstrip("/") if name == "odoo_com_url" else value)
        fleet.full_clean()
        fleet.save()
        return Response(s.FleetSettingsSerializer(fleet).data)
