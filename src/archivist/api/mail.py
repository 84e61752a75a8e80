"""Existing attachments in outgoing mail (spec "Adding Existing Attachments to Messages"):
pick readable files (never links) with the file manager's filters, and send them without
copying them into any attachment box."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from archivist.api import objects
from archivist.api.attachments import AttachmentQuery, criteria, page_of
from archivist.api.fields import StrictSerializer, id_list
from archivist.api.permissions import InternalUser
from archivist.api.serializers import AttachmentPageSerializer
from archivist.documents.services import mail

TAG = ["mail"]


class SendRequest(StrictSerializer):
    to = serializers.ListField(child=serializers.CharField(), help_text="Recipients' addresses.")
    subject = serializers.CharField(max_length=998)
    body = serializers.CharField(allow_blank=True, trim_whitespace=False)
    attachments = id_list(help_text="Existing attachments (files) to attach.")

    def validate_subject(self, value: str) -> str:
        if "\n" in value or "\r" in value:
            raise serializers.ValidationError("a subject is one line")
        return value


class SendResult(serializers.Serializer):  # type: ignore[type-arg]
    sent = serializers.IntegerField(help_text="Messages sent (1).")


class AttachableView(APIView):
    permission_classes = [InternalUser]

    @extend_schema(
        tags=TAG,
        parameters=[AttachmentQuery],
        responses=AttachmentPageSerializer,
        summary="Files the user may attach to a message",
        description="Readable file attachments (synced ones too; links never), with the file "
        "manager's filters and pages.",
    )
    def get(self, request: Request) -> Response:
        params = objects.query(AttachmentQuery, request)
        return Response(page_of(mail.attachable(request.user, criteria(params)), params))


class SendView(APIView):
    permission_classes = [InternalUser]

    @extend_schema(
        tags=TAG,
        request=SendRequest,
        responses=SendResult,
        summary="Send an email with existing attachments",
        description="The files are attached as they are; no attachment is created or copied.",
    )
    def post(self, request: Request) -> Response:
        data = objects.body(SendRequest, request)
        sent = mail.send_with_attachments(
            request.user,
            to=data["to"],
            subject=data["subject"],
            body=data["body"],
            attachment_ids=data["attachments"],
        )
        return Response({"sent": sent})
