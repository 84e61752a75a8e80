"""Forms of the fleet's back office: a database (with its API key), the settings (with the
Odoo.com key) and the intermediate pages of the "Invite users" and "Remove users" actions."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.contrib.auth import get_user_model

from archivist.fleet.models import Database, FleetSettings
from archivist.fleet.services.secrets import encrypt

KEEP = "leave empty to keep the stored key"


class DatabaseForm(forms.ModelForm):
    url = forms.URLField(
        required=False, max_length=255, assume_scheme="https", help_text="required with a hosting"
    )
    api_key = forms.CharField(
        required=False, widget=forms.PasswordInput(render_value=False), help_text=KEEP
    )

    class Meta:
        model = Database
        fields = "__all__"

    def save(self, commit: bool = True) -> Any:
        key = self.cleaned_data.get("api_key")
        if key:
            self.instance.api_key_encrypted = encrypt(key.strip())
        return super().save(commit)


class SettingsForm(forms.ModelForm):
    odoo_com_url = forms.URLField(assume_scheme="https", help_text="Odoo.com (database openerp)")
    odoo_com_api_key = forms.CharField(
        required=False, widget=forms.PasswordInput(render_value=False), help_text=KEEP
    )

    class Meta:
        model = FleetSettings
        fields = "__all__"

    def save(self, commit: bool = True) -> Any:
        key = self.cleaned_data.get("odoo_com_api_key")
        if key:
            self.instance.odoo_com_api_key_encrypted = encrypt(key.strip())
        return super().save(commit)


class InviteForm(forms.Form):
    users = forms.ModelMultipleChoiceField(
        queryset=get_user_model()
        .objects.filter(is_active=True)
        .exclude(email="")
        .order_by("username"),
        widget=forms.CheckboxSelectMultiple,
        help_text="their email becomes their login; no password-reset email is sent",
    )


class RemoveForm(forms.Form):
    logins = forms.MultipleChoiceField(
        widget=forms.CheckboxSelectMultiple,
        help_text="deactivated on the chosen databases (never deleted)",
    )

    def __init__(self, *args: Any, logins: Sequence[str] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["logins"].choices = [(login, login) for login in logins]
