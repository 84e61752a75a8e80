"""`AnyOf(F("column"), values)`: membership in a list sent as ONE parameter — a PostgreSQL
array, a JSON array on SQLite — where `column__in=values` sends (and, on PostgreSQL with
client-side binding, spells out in the SQL text) one parameter per value. "Prepare folders" looks
up thousands of folders per batch; this keeps each lookup one short statement.

Usable directly in `filter()`: `Folder.objects.filter(AnyOf(F("record_id"), texts))`.
"""

from __future__ import annotations

import json
from typing import Any

from django.db import models


class AnyOf(models.Lookup):  # type: ignore[type-arg]
    lookup_name = "any_of"
    prepare_rhs = False

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        numeric = isinstance(self.lhs.output_field, models.IntegerField | models.ForeignKey)
        values = [int(v) for v in self.rhs] if numeric else [str(v) for v in self.rhs]
        if connection.vendor == "postgresql":
            # varchar[]/bigint[] like the column: a text[] would cast the column and keep
            # PostgreSQL from using its index.
            return f"{lhs} = ANY(%s::{'bigint' if numeric else 'varchar'}[])", [
                *lhs_params,
                values,
            ]
        return f"{lhs} IN (SELECT value FROM json_each(%s))", [*lhs_params, json.dumps(values)]
