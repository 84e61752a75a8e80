"""A record source: a named database whose records folder rules turn into folders."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models

from archivist.sources.errors import SourceError
from archivist.sources.sql import parse_url, safe_url


class Source(models.Model):
    name = models.SlugField(
        max_length=64, unique=True, help_text="Short name used in rules, the CLI and the API."
    )
    url = models.CharField(
        "database URL",
        max_length=1000,
        help_text="SQLAlchemy URL, e.g. sqlite:////data/erp.db or "
        "postgresql+psycopg://reader@db.example.com/erp. Opened read-only.",
    )
    display_names = models.JSONField(
        default=dict,
        blank=True,
        help_text="Per model, the column or {{ }} template naming its records, e.g. "
        '{"res_partner": "name", "sale_order": "{{ object.name }} ({{ object.state }})"}. '
        "Default: display_name, then name, then the primary key.",
    )
    change_columns = models.JSONField(
        default=dict,
        blank=True,
        help_text='Per model, the column that changes whenever a row does; "" for none. '
        "Default: write_date, updated_at, modified_at… when present.",
    )
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def safe_url(self) -> str:
        return safe_url(self.url)

    def clean(self) -> None:
        try:
            parse_url(self.url)
        except SourceError as error:
            raise ValidationError({"url": str(error).removeprefix("url: ")}) from None
        for field_name in ("display_names", "change_columns"):
            value: Any = getattr(self, field_name)
            if not isinstance(value, dict) or not all(
                isinstance(k, str) and isinstance(v, str) for k, v in value.items()
            ):
                raise ValidationError(
                    {field_name: "expected an object mapping model names to text"}
                )
