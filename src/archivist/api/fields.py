"""Request fields shared by the documents API: names checked before anything is stored, id
lists in query strings, and serializers that refuse unknown fields.

Names are refused, not silently rewritten, when they could mislead or escape: a path (`/`,
`\\`, `.` or `..`), NUL and other control characters, direction marks (which can make
"gpj.exe" display as "exe.jpg"), or more characters than allowed. HTML is accepted as text:
the API returns JSON, and every page escapes it.
"""

from __future__ import annotations

import re
from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
_DIRECTION = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def check_name(value: str) -> str:
    if "/" in value or "\\" in value:
        raise serializers.ValidationError("a name cannot contain / or \\ (it is not a path)")
    if _CONTROL.search(value):
        raise serializers.ValidationError(
            "control characters (such as NUL, tab or newline) are not allowed in names"
        )
    if _DIRECTION.search(value):
        raise serializers.ValidationError(
            "direction marks and overrides (such as U+202E) are not allowed in names"
        )
    if set(value) <= {"."}:
        raise serializers.ValidationError("a name cannot be made of dots only")
    return value


class NameField(serializers.CharField):
    """A file, folder or tag name (see the module's docstring for what is refused)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 255)
        super().__init__(**kwargs)
        self.validators.append(check_name)


@extend_schema_field(OpenApiTypes.STR)
class IdListField(serializers.Field):  # type: ignore[type-arg]
    """Ids separated by commas in a query string: `folders=1,2,3`."""

    default_error_messages = {"invalid": "expected ids separated by commas, e.g. 1,2,3"}

    def to_internal_value(self, data: Any) -> list[int]:
        if not isinstance(data, str):
            self.fail("invalid")
        ids = []
        for part in data.split(","):
            part = part.strip()
            if not part:
                continue
            if not part.isdigit() or len(part) > 18:
                self.fail("invalid")
            ids.append(int(part))
        return ids

    def to_representation(self, value: Any) -> str:
        return ",".join(str(item) for item in value)


def id_list(**kwargs: Any) -> serializers.ListField:
    """Ids in a JSON body: `[1, 2, 3]`."""
    return serializers.ListField(child=serializers.IntegerField(min_value=1), **kwargs)


class StrictSerializer(serializers.Serializer):  # type: ignore[type-arg]
    """A request body serializer that names unknown fields instead of ignoring them (a typo
    such as `colour` would otherwise change nothing and still answer 200)."""

    def to_internal_value(self, data: Any) -> Any:
        if hasattr(data, "keys"):
            unknown = sorted(set(data.keys()) - set(self.fields))
            if unknown:
                known = ", ".join(self.fields)
                raise serializers.ValidationError(
                    {key: [f"unknown field; expected one of {known}"] for key in unknown}
                )
        return super().to_internal_value(data)
