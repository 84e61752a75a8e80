"""What the documents API returns: folders as the user sees them, attachments and tags.

Folder trees are built as plain data by `documents.services.browse` (tens of thousands of
nodes); the serializers here describe that data for the OpenAPI schema and serialize the
smaller lists (a page of attachments, a tag tree).
"""

from __future__ import annotations

import copy
from typing import Any

from drf_spectacular.utils import extend_schema_field, extend_schema_serializer
from rest_framework import serializers
from rest_framework.reverse import reverse

from archivist.documents.models import Attachment, FolderKind, Tag
from archivist.documents.services.attachments import is_previewable
from archivist.sync.services import cloud_links

ATTACHMENT_KINDS = [("file", "a file"), ("url", "a link")]


class RecordRefSerializer(serializers.Serializer):  # type: ignore[type-arg]
    source = serializers.CharField()
    model = serializers.CharField()
    id = serializers.JSONField(help_text="The record's key (a number for integer keys).")


class UserRefSerializer(serializers.Serializer):  # type: ignore[type-arg]
    id = serializers.IntegerField()
    username = serializers.CharField()


class GroupRefSerializer(serializers.Serializer):  # type: ignore[type-arg]
    id = serializers.IntegerField()
    name = serializers.CharField()


class SecuritySerializer(serializers.Serializer):  # type: ignore[type-arg]
    restricted = serializers.BooleanField(
        help_text="True when only the users and groups below (among the parent's readers) "
        "may read the folder."
    )
    users = UserRefSerializer(many=True)
    groups = GroupRefSerializer(many=True)


class FolderNodeSerializer(serializers.Serializer):  # type: ignore[type-arg]
    id = serializers.IntegerField()
    name = serializers.CharField()
    kind = serializers.ChoiceField(choices=FolderKind.choices)
    parent = serializers.IntegerField(
        allow_null=True,
        help_text="The nearest ancestor the user may read (null: shown at the top). A user "
        "who cannot read a folder's parents sees it flat.",
    )
    sequence = serializers.IntegerField()
    record = RecordRefSerializer(allow_null=True, help_text="The linked record, if any.")
    active = serializers.BooleanField()
    has_children = serializers.BooleanField()
    notes = serializers.CharField(allow_null=True, help_text="Manual folders only.")
    security = SecuritySerializer(allow_null=True, help_text="Manual folders only.")


class FolderCloudSerializer(serializers.Serializer):  # type: ignore[type-arg]
    connection = serializers.CharField(help_text="The connection's name.")
    kind = serializers.CharField(help_text="Its connector type: s3, webdav, sftp, local…")
    open = serializers.CharField(
        allow_null=True, help_text='"Open in Cloud" (a redirect); null when the cloud has none.'
    )


class FolderDetailSerializer(FolderNodeSerializer):
    path = serializers.ListField(
        child=serializers.IntegerField(), help_text="Readable ancestors, top first."
    )
    can_manage = serializers.BooleanField(
        help_text="The user may rename, move, archive and secure this (manual) folder."
    )
    can_write = serializers.BooleanField(help_text="The user may upload or add subfolders here.")
    cloud = FolderCloudSerializer(
        allow_null=True, help_text="The connection the folder is synced to (null: not synced)."
    )


class FolderListSerializer(serializers.Serializer):  # type: ignore[type-arg]
    results = FolderNodeSerializer(many=True)
    matches = serializers.ListField(
        child=serializers.IntegerField(), help_text="With ?search=: folders whose name matches."
    )
    parents = serializers.ListField(
        child=serializers.IntegerField(),
        help_text="With ?search=: the readable ancestors of the matches, to highlight.",
    )


class LinkedRecordSerializer(RecordRefSerializer):
    display_name = serializers.CharField()
    fields = serializers.DictField(help_text="Every column field of the record, by name.")


class TagRefSerializer(serializers.Serializer):  # type: ignore[type-arg]
    id = serializers.IntegerField()
    name = serializers.CharField()
    color = serializers.IntegerField()


_DATETIME = serializers.DateTimeField()  # formats as every DateTimeField of the API does


class AttachmentSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    kind = serializers.SerializerMethodField()
    folder_name = serializers.CharField(source="folder.name", read_only=True)
    checksum = serializers.CharField(source="blob", help_text="SHA-256; empty for links.")
    tags = serializers.SerializerMethodField()
    author = serializers.SerializerMethodField()
    previewable = serializers.SerializerMethodField()
    download_url = serializers.SerializerMethodField()
    cloud_open = serializers.SerializerMethodField()

    class Meta:
        model = Attachment
        fields = [
            "id",
            "name",
            "kind",
            "folder",
            "folder_name",
            "size",
            "mimetype",
            "checksum",
            "url",
            "tags",
            "color",
            "author",
            "created_at",
            "updated_at",
            "previewable",
            "download_url",
            "cloud_open",
        ]
        read_only_fields = fields

    _built_fields: dict[str, Any] | None = None

    def get_fields(self) -> dict[str, Any]:
        """The fields, worked out from the model once per process and copied after that (DRF
        introspects the model for every serializer: a third of an upload's answer)."""
        built = type(self)._built_fields
        if built is None:
            built = type(self)._built_fields = super().get_fields()
        return copy.deepcopy(built)

    def to_representation(self, attachment: Attachment) -> dict[str, Any]:
        """What the fields above give, read directly: DRF's generic path copies, binds and
        calls every field for each serializer, most of a new upload's answer and of a page's
        per-item cost (a test checks that both paths agree, field by field)."""
        return {
            "id": attachment.pk,
            "name": attachment.name,
            "kind": self.get_kind(attachment),
            "folder": attachment.folder_id,
            "folder_name": attachment.folder.name,
            "size": attachment.size,
            "mimetype": attachment.mimetype,
            "checksum": attachment.blob,
            "url": attachment.url,
            "tags": self.get_tags(attachment),
            "color": attachment.color,
            "author": self.get_author(attachment),
            "created_at": _DATETIME.to_representation(attachment.created_at),
            "updated_at": _DATETIME.to_representation(attachment.updated_at),
            "previewable": self.get_previewable(attachment),
            "download_url": self.get_download_url(attachment),
            "cloud_open": self.get_cloud_open(attachment),
        }

    @extend_schema_field(serializers.ChoiceField(choices=ATTACHMENT_KINDS))
    def get_kind(self, attachment: Attachment) -> str:
        return "file" if attachment.is_file else "url"

    @extend_schema_field(TagRefSerializer(many=True))
    def get_tags(self, attachment: Attachment) -> list[dict[str, Any]]:
        # Archived tags stay on attachments but are hidden.
        return [
            {"id": tag.pk, "name": tag.name, "color": tag.color}
            for tag in attachment.tags.all()
            if tag.active
        ]

    @extend_schema_field(UserRefSerializer(allow_null=True))
    def get_author(self, attachment: Attachment) -> dict[str, Any] | None:
        author = attachment.author
        return None if author is None else {"id": author.pk, "username": author.get_username()}

    def get_previewable(self, attachment: Attachment) -> bool:
        return is_previewable(attachment)

    def get_download_url(self, attachment: Attachment) -> str:
        return reverse("api-attachment-download", args=[attachment.pk])

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_cloud_open(self, attachment: Attachment) -> str | None:
        """The file's "Open in Cloud" URL when its cloud has a place to open it, else null."""
        linked = self.context.get("cloud_linked")
        if linked is None or attachment.pk not in linked.asked:
            # once per page: the page's synced files, in one query (in the root's context)
            page = (
                self.parent.instance
                if isinstance(self.parent, serializers.ListSerializer)
                else None
            )
            ids = [item.pk for item in page] if page is not None else [attachment.pk]
            linked = self.context["cloud_linked"] = cloud_links.LinkableFiles.among(ids)
        if attachment.pk not in linked.linkable:
            return None
        return reverse("api-attachment-in-cloud", args=[attachment.pk])


def new_attachment_json(attachment: Attachment) -> dict[str, Any]:
    """A just-stored attachment, without the queries its answer cannot need (it has no tags
    yet and is synced nowhere)."""
    no_tags = Tag.objects.none()
    no_tags._result_cache = []  # evaluated, as prefetching leaves it: no SQL to compile
    no_tags._prefetch_done = True
    attachment._prefetched_objects_cache = {"tags": no_tags}  # type: ignore[attr-defined]
    nothing = cloud_links.LinkableFiles(frozenset({attachment.pk}), frozenset())
    data: dict[str, Any] = AttachmentSerializer(attachment, context={"cloud_linked": nothing}).data
    return data


@extend_schema_serializer(component_name="DocumentAttachmentPage")
class AttachmentPageSerializer(serializers.Serializer):  # type: ignore[type-arg]
    results = AttachmentSerializer(many=True)
    next_cursor = serializers.CharField(
        allow_null=True, help_text="Pass as ?cursor= for the next page; null on the last page."
    )


class TagSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    has_children = serializers.SerializerMethodField()

    class Meta:
        model = Tag
        fields = ["id", "name", "parent", "color", "notes", "sequence", "active", "has_children"]
        read_only_fields = fields

    def get_has_children(self, tag: Tag) -> bool:
        parents: set[int] | None = self.context.get("parents")
        if parents is not None:
            return tag.pk in parents
        return tag.children.exists()


class TagListSerializer(serializers.Serializer):  # type: ignore[type-arg]
    results = TagSerializer(many=True)
    matches = serializers.ListField(child=serializers.IntegerField())
    parents = serializers.ListField(child=serializers.IntegerField())


def attachment_page(items: list[Attachment], next_cursor: str | None) -> dict[str, Any]:
    return {"results": AttachmentSerializer(items, many=True).data, "next_cursor": next_cursor}
