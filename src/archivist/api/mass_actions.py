"""Mass actions: the ones offered to the user (configured per group in the back office) and
running a write action on selected attachments. Download, slideshow and share have their own
endpoints (`/api/attachments/archive.zip`, `/api/attachments/slideshow/`, shares)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from archivist.api import objects
from archivist.api.fields import StrictSerializer, id_list
from archivist.api.permissions import FileManager
from archivist.documents.models import MassAction
from archivist.documents.services import mass_actions
from archivist.documents.services.access import folder_access

TAG = ["mass actions"]


class MassActionSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    class Meta:
        model = MassAction
        fields = ["id", "name", "kind", "sequence"]
        read_only_fields = fields


class RunRequest(StrictSerializer):
    ids = id_list(help_text="The selected attachments.")
    params = serializers.DictField(
        required=False,
        default=dict,
        help_text='update_folder: {"folder": id}; update_tags: {"add_tags": [ids], '
        '"remove_tags": [ids]}; others: nothing.',
    )


class RunResult(serializers.Serializer):  # type: ignore[type-arg]
    moved = serializers.IntegerField(required=False)
    updated = serializers.IntegerField(required=False)
    deleted = serializers.IntegerField(required=False)


class MassActionListView(APIView):
    permission_classes = [FileManager]

    @extend_schema(
        tags=TAG,
        responses=MassActionSerializer(many=True),
        summary="The mass actions offered to the user",
    )
    def get(self, request: Request) -> Response:
        actions = mass_actions.available(request.user)
        return Response(MassActionSerializer(actions, many=True).data)


class MassActionRunView(APIView):
    permission_classes = [FileManager]

    @extend_schema(
        tags=TAG,
        request=RunRequest,
        responses=RunResult,
        summary="Run a mass action on selected attachments",
        description="403 when the action is not offered to the user or an attachment may not "
        "be changed; nothing changes then.",
    )
    def post(self, request: Request, pk: int) -> Response:
        action = MassAction.objects.filter(pk=pk, active=True).first()
        if action is None:
            raise NotFound(f"no mass action {pk}")
        data = objects.body(RunRequest, request)
        chosen = objects.attachments_field(data["ids"], "ids", folder_access(request.user))
        return Response(mass_actions.run(request.user, action, chosen, data["params"]))
