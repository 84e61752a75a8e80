"""The shapes of share resources: managing shares in the back office, and what visitors (by
token or as portal users) send and receive. Names, messages and file names are plain text: HTML
in them is returned as it was stored, for the client to escape."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.request import Request

from archivist.documents.models import Attachment, Folder, Share, ShareAccess, ShareMessage, Tag
from archivist.documents.services.shares import SEARCH_IN, VISITOR_ORDERS


def access_url(request: Request, share: Share) -> str | None:
    """The share's page for anyone with the link (`/s/{token}`, the web app's token page, which
    calls `/api/visit/{token}/…`); None without a token."""
    if share.token is None:
        return None
    return request.build_absolute_uri(reverse("share-page", kwargs={"token": share.token}))


def portal_url(request: Request, share: Share) -> str:
    """The share's page for a signed-in portal user (`/portal/shares/{id}`): the invitation's
    link."""
    route = f"portal/shares/{share.pk}"
    return request.build_absolute_uri(reverse("app", kwargs={"route": route}))


def _ids(model: Any) -> serializers.PrimaryKeyRelatedField:
    return serializers.PrimaryKeyRelatedField(
        many=True, queryset=model.objects.all(), required=False
    )


class ShareSerializer(serializers.ModelSerializer):
    """A share with all its settings. `access_by_token` on creates or removes the token URL;
    `POST …/token/` makes a new one."""

    partners = _ids(get_user_model())
    folders = _ids(Folder)
    tags = _ids(Tag)
    attachments = _ids(Attachment)
    access_by_token = serializers.BooleanField(required=False)
    access_url = serializers.SerializerMethodField()
    has_password = serializers.SerializerMethodField()

    class Meta:
        model = Share
        fields = [
            "id", "name", "parent", "sequence", "active", "partners", "access_by_token",
            "token", "access_url", "token_created_at", "expires_on", "folders", "tags",
            "attachments", "allow_upload", "upload_folder", "upload_only", "show_tags",
            "allow_add_tags", "allow_search_tags", "show_folders", "allow_add_folders",
            "allow_search_folders", "slideshow", "show_chat", "has_password",
            "download_limit", "download_count", "notes", "created_by", "created_at",
            "updated_at",
        ]  # fmt: skip
        read_only_fields = [
            "active", "token", "token_created_at", "download_count", "created_by",
            "created_at", "updated_at",
        ]  # fmt: skip

    def get_access_url(self, share: Share) -> str | None:
        return access_url(self.context["request"], share)

    def get_has_password(self, share: Share) -> bool:
        return bool(share.password)


class ShareListItemSerializer(serializers.ModelSerializer):
    matches_search = serializers.SerializerMethodField(
        help_text="Whether the name matches `search` (the other items are its ancestors)."
    )

    class Meta:
        model = Share
        fields = ["id", "name", "parent", "sequence", "active", "access_by_token", "expires_on"]
        fields += ["matches_search"]

    def get_matches_search(self, share: Share) -> bool:
        return share.pk in self.context.get("matches", ())


class MessageSerializer(serializers.ModelSerializer):
    """A chat message; `body` is plain text (HTML in it is text, escape it when shown)."""

    class Meta:
        model = ShareMessage
        fields = ["id", "author_name", "body", "created_at"]
        read_only_fields = ["id", "created_at"]
        extra_kwargs = {"author_name": {"required": False}}


class AccessLogSerializer(serializers.ModelSerializer):
    user = serializers.CharField(source="user.username", default=None, read_only=True)

    class Meta:
        model = ShareAccess
        fields = ["id", "at", "action", "user", "address", "attachment", "detail"]


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField()
    access_url = serializers.CharField()


class PasswordSerializer(serializers.Serializer):
    password = serializers.CharField(
        allow_blank=True,
        allow_null=True,
        trim_whitespace=False,
        help_text="The new password (at least 6 characters); empty or null removes it.",
    )


class InviteSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")


class InvitationsSerializer(serializers.Serializer):
    sent = serializers.ListField(child=serializers.CharField())
    skipped = serializers.ListField(
        child=serializers.CharField(), help_text="Partners without an email address."
    )


class CountSerializer(serializers.Serializer):
    changed = serializers.IntegerField(help_text="Shares changed (the share and its children).")


class AddToShareSerializer(serializers.Serializer):
    """The mass action "Share": `share` (an existing one) or `name` (a new one)."""

    attachments = serializers.PrimaryKeyRelatedField(many=True, queryset=Attachment.objects)
    share = serializers.PrimaryKeyRelatedField(queryset=Share.objects, required=False)
    name = serializers.CharField(required=False, trim_whitespace=False)
    partners = _ids(get_user_model())
    access_by_token = serializers.BooleanField(required=False, default=False)
    expires_on = serializers.DateField(required=False, allow_null=True)
    folders = _ids(Folder)
    tags = _ids(Tag)
    invite = serializers.BooleanField(
        required=False, default=False, help_text="Email the new share's partners."
    )


# -- visitors --------------------------------------------------------------------------------


class PortalShareSerializer(serializers.ModelSerializer):
    class Meta:
        model = Share
        fields = ["id", "name", "parent", "expires_on"]


class PermissionsSerializer(serializers.Serializer):
    download = serializers.BooleanField(source="can_download")
    upload = serializers.BooleanField(source="can_upload")
    upload_only = serializers.BooleanField(source="share.upload_only")
    show_tags = serializers.BooleanField(source="share.show_tags")
    allow_add_tags = serializers.BooleanField(
        source="can_add_tags", help_text="False while tags are turned off in Settings."
    )
    allow_search_tags = serializers.BooleanField(source="share.allow_search_tags")
    show_folders = serializers.BooleanField(source="share.show_folders")
    allow_add_folders = serializers.BooleanField(source="share.allow_add_folders")
    allow_search_folders = serializers.BooleanField(source="share.allow_search_folders")
    slideshow = serializers.BooleanField(source="share.slideshow")
    show_chat = serializers.BooleanField(source="share.show_chat")


class CountsSerializer(serializers.Serializer):
    attachments = serializers.IntegerField()
    folders = serializers.IntegerField(allow_null=True, help_text="Null: folders are not shown.")
    tags = serializers.IntegerField(allow_null=True, help_text="Null: tags are not shown.")
    messages = serializers.IntegerField(allow_null=True, help_text="Null: the chat is off.")


class RefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class SummarySerializer(serializers.Serializer):
    """The top of a visitor's page (from `documents.services.shares.Summary`)."""

    id = serializers.IntegerField(source="share.pk")
    name = serializers.CharField(source="share.name")
    expires_on = serializers.DateField(source="share.expires_on")
    access = serializers.ChoiceField(choices=["token", "portal", "internal"])
    permissions = PermissionsSerializer(source="*")
    upload_target = RefSerializer(
        allow_null=True, help_text='The folder "Upload to …" targets by default.'
    )
    counts = CountsSerializer(source="*")
    downloads_left = serializers.IntegerField(allow_null=True, help_text="Null: no limit.")


class VisitAttachmentSerializer(serializers.ModelSerializer):
    """An attachment as a visitor sees it: its folder only when the share shows folders, its
    tags only when it shows tags."""

    folder = serializers.SerializerMethodField()
    tags = serializers.SerializerMethodField()

    class Meta:
        model = Attachment
        fields = ["id", "name", "mimetype", "size", "is_file", "url", "created_at"]
        fields += ["folder", "tags"]

    @extend_schema_field(RefSerializer(allow_null=True, help_text="Null: folders not shown."))
    def get_folder(self, attachment: Attachment) -> dict[str, Any] | None:
        if not self.context["share"].show_folders:
            return None
        return {"id": attachment.folder_id, "name": attachment.folder.name}

    @extend_schema_field(RefSerializer(many=True, allow_null=True, help_text="Null: not shown."))
    def get_tags(self, attachment: Attachment) -> list[dict[str, Any]] | None:
        if not self.context["share"].show_tags:
            return None
        return [{"id": tag.pk, "name": tag.name} for tag in attachment.tags.all() if tag.active]


class AttachmentPageSerializer(serializers.Serializer):
    count = serializers.IntegerField(help_text="All matching attachments.")
    items = VisitAttachmentSerializer(many=True)


class AttachmentQuerySerializer(serializers.Serializer):
    search = serializers.CharField(required=False, default="", allow_blank=True)
    search_in = serializers.ChoiceField(choices=SEARCH_IN, default="name")
    folder = serializers.IntegerField(required=False, help_text="A shown folder (and below).")
    tag = serializers.IntegerField(required=False, help_text="A shown tag (and its subtags).")
    order = serializers.ChoiceField(
        choices=[f"{sign}{key}" for key in VISITOR_ORDERS for sign in ("", "-")], default="name"
    )
    offset = serializers.IntegerField(min_value=0, default=0)
    limit = serializers.IntegerField(min_value=1, max_value=500, default=100)


class TreeNodeSerializer(serializers.Serializer):
    """A folder or tag of the share's trees; `parent` is the nearest shown ancestor."""

    id = serializers.IntegerField(source="pk")
    name = serializers.CharField()
    parent = serializers.SerializerMethodField()
    matches_search = serializers.SerializerMethodField()
    can_add_children = serializers.SerializerMethodField(
        help_text="A subfolder or subtag may be created here."
    )
    upload_target = serializers.SerializerMethodField(
        help_text="The folder uploads go to by default (folders only)."
    )
    can_upload = serializers.SerializerMethodField(
        help_text="Visitors may upload into this folder (folders only)."
    )

    def get_parent(self, node: Any) -> int | None:
        shown = self.context["shown"]
        chain = node.path_ids[::-1] if isinstance(node, Folder) else self.context["parents"](node)
        return next((pk for pk in chain if pk in shown), None)

    def get_matches_search(self, node: Any) -> bool:
        return node.pk in self.context["matches"]

    def get_can_add_children(self, node: Any) -> bool:
        return node.pk in self.context["addable"]

    def get_upload_target(self, node: Any) -> bool:
        return node.pk == self.context.get("target")

    def get_can_upload(self, node: Any) -> bool:
        return node.pk in self.context.get("writable", ())


class TreeQuerySerializer(serializers.Serializer):
    search = serializers.CharField(required=False, default="", allow_blank=True)


class NewChildSerializer(serializers.Serializer):
    parent = serializers.IntegerField(help_text="A shared folder (or tag) to create it in.")
    name = serializers.CharField(trim_whitespace=False)


class UploadSerializer(serializers.Serializer):
    file = serializers.ListField(child=serializers.FileField(), allow_empty=False)
    folder = serializers.IntegerField(
        required=False, help_text="A shared folder; by default the share's upload folder."
    )


class UploadedSerializer(serializers.ModelSerializer):
    class Meta:
        model = Attachment
        fields = ["id", "name", "size", "mimetype", "folder"]


class UnlockSerializer(serializers.Serializer):
    password = serializers.CharField(trim_whitespace=False)


class UnlockedSerializer(serializers.Serializer):
    unlocked = serializers.BooleanField()
