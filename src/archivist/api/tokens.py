"""API tokens for programs: `Authorization: Token <key>` instead of a session (and so without
CSRF). One token per user; creating one replaces the previous one, which stops working."""

from __future__ import annotations

from django.db import transaction
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.authtoken.models import Token
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from archivist.api.permissions import InternalUser


class ApiTokenSerializer(serializers.Serializer):  # type: ignore[type-arg]
    token = serializers.CharField(help_text="Shown once: keep it secret.")
    created = serializers.DateTimeField()


class TokenView(APIView):
    permission_classes = [InternalUser]

    @extend_schema(
        tags=["tokens"],
        request=None,
        responses={201: ApiTokenSerializer},
        summary="Create (or rotate) the caller's API token",
        description="The key is returned only here; the previous token stops working.",
    )
    def post(self, request: Request) -> Response:
        with transaction.atomic():
            Token.objects.filter(user=request.user).delete()
            token = Token.objects.create(user=request.user)
        return Response(
            {"token": token.key, "created": token.created}, status=status.HTTP_201_CREATED
        )

    @extend_schema(
        tags=["tokens"],
        request=None,
        responses={204: None},
        summary="Revoke the caller's API token",
    )
    def delete(self, request: Request) -> Response:
        Token.objects.filter(user=request.user).delete()
        return Response(status=status.HTTP_204_NO_CONTENT)
