"""Tags: hierarchical labels with a colour; an attachment has any number of them."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models

from archivist.sources.names import sanitize_folder_name

COLOURS = 12  # colour 0 means none; 1–11 are the palette's colours, as in Odoo


class Tag(models.Model):
    name = models.CharField(max_length=100)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    color = models.PositiveSmallIntegerField(default=0, validators=[MaxValueValidator(COLOURS - 1)])
    notes = models.TextField(blank=True)
    sequence = models.IntegerField(default=10)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["sequence", "name", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(color__lt=COLOURS), name="tag_colour_range")
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: object, **kwargs: object) -> None:
        self.name = sanitize_folder_name(self.name) or "Tag"
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def ancestors(self) -> list[Tag]:
        chain: list[Tag] = []
        current = self.parent
        while current is not None and current not in chain:
            chain.append(current)
            current = current.parent
        return chain

    def clean(self) -> None:
        parent = self.parent
        if (
            self.pk is not None
            and parent is not None
            and (parent.pk == self.pk or self in parent.ancestors())
        ):
            raise ValidationError({"parent": "a tag cannot be inside itself"})
