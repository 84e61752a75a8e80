"""The back-office form of a cloud connection, generated from its connector's declared options.

Adding a connection asks for its name, type and root folder; its page then shows one field per
declared option. Secret options are never shown back: left empty, the stored value stays.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from archivist.connectors import CONNECTOR_MODULES, connector_type
from archivist.connectors.options import Option
from archivist.sync.models import CloudConnection
from archivist.sync.services.connections import configure

__all__ = ["ConnectionForm", "form_for", "option_field", "option_field_names"]

PREFIX = "option__"


def option_field(option: Option) -> forms.Field:
    common: dict[str, Any] = {"required": False, "help_text": option.help, "label": option.name}
    if option.kind == "secret":
        common["help_text"] = (
            f"{option.help} Stored encrypted; leave empty to keep the current one."
        )
        return forms.CharField(widget=forms.PasswordInput(render_value=False), **common)
    if option.kind == "boolean":
        return forms.NullBooleanField(
            widget=forms.Select(choices=[("", "default"), ("true", "yes"), ("false", "no")]),
            **common,
        )
    if option.kind == "integer":
        return forms.IntegerField(**common)
    if option.kind == "choice":
        choices = [("", "default"), *[(choice, choice) for choice in option.choices]]
        return forms.ChoiceField(choices=choices, **common)
    return forms.CharField(max_length=2000, **common)


class ConnectionForm(forms.ModelForm):  # type: ignore[misc]
    kind = forms.ChoiceField(choices=[(name, name) for name in CONNECTOR_MODULES])

    class Meta:
        model = CloudConnection
        fields = ["name", "kind", "root_folder", "state", "subscribers"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.declared: tuple[Option, ...] = ()
        if self.instance.pk:
            self.fields["kind"].disabled = True
            self.declared = connector_type(self.instance.kind).options
            for option in self.declared:
                stored = self.instance.options.get(option.name)
                if stored is not None and not option.secret and PREFIX + option.name in self.fields:
                    self.fields[PREFIX + option.name].initial = stored

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        if not self.declared:
            return cleaned
        values = {
            option.name: cleaned.get(PREFIX + option.name)
            for option in self.declared
            if cleaned.get(PREFIX + option.name) not in (None, "")
        }
        # options cleared in the form are removed; empty secrets keep the stored ones
        self.instance.options = {}
        try:
            configure(self.instance, values)
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                target = PREFIX + name if PREFIX + name in self.fields else None
                self.add_error(target, messages)
        return cleaned


def form_for(connection: CloudConnection | None) -> type[ConnectionForm]:
    """The form class with one declared field per option of the connection's type."""
    if connection is None or not connection.pk:
        return ConnectionForm
    options = connector_type(connection.kind).options
    fields = {PREFIX + option.name: option_field(option) for option in options}
    return type("ConnectionOptionsForm", (ConnectionForm,), fields)


def option_field_names(connection: CloudConnection | None) -> list[str]:
    if connection is None or not connection.pk:
        return []
    return [PREFIX + option.name for option in connector_type(connection.kind).options]
