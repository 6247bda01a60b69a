"""The base of every settings class, with what each refuses: a Key Vault reference App Service could not resolve.

App Service then hands the app the reference's text as the setting's value (learn.microsoft.com/azure/app-service/
app-service-key-vault-references, "Troubleshoot Key Vault references"): a webhook secret of that guessable text would
let anyone sign."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from pydantic import SecretStr, model_validator
from pydantic.fields import FieldInfo
from pydantic_settings import BaseSettings, EnvSettingsSource, PydanticBaseSettingsSource, SettingsConfigDict

KEY_VAULT_REFERENCE = "@microsoft.keyvault("
"""How an App Service Key Vault reference starts (`@Microsoft.KeyVault(SecretUri=...)` or `(VaultName=...;...)`)."""


def unresolved_reference(value: object) -> bool:
    """Whether a setting's value is a Key Vault reference's own text, any case, spaces around ignored."""
    text = value.get_secret_value() if isinstance(value, SecretStr) else value
    return isinstance(text, str) and text.strip().lower().startswith(KEY_VAULT_REFERENCE)


def refuse_unresolved(settings: Iterable[str]) -> None:
    """ValueError naming the settings (never their values) whose Key Vault reference did not resolve, and the fix."""
    named = sorted(settings)
    if named:
        raise ValueError(
            f"the Key Vault reference of {', '.join(named)} did not resolve (App Service passed the reference text "
            "instead of the secret): create the secret in the Key Vault, or grant the app's identity Key Vault "
            "Secrets User on it; a per-shop secret the shop does not use: list it in KOPPEL_UNUSED_SECRETS "
            '(infra/README.md, "Adding a shop")'
        )


class _ReferencesLeftUndecoded(EnvSettingsSource):
    """The environment, but an unresolved reference in a JSON setting (a dict, a list) is not decoded: the validator
    below then names it, instead of a decoding error."""

    def prepare_field_value(self, field_name: str, field: FieldInfo, value: Any, value_is_complex: bool) -> Any:
        if unresolved_reference(value):
            return value
        return super().prepare_field_value(field_name, field, value, value_is_complex)


class AppSettings(BaseSettings):
    """Settings read from the environment; a value that is an unresolved Key Vault reference is refused."""

    # A check over the whole model (as below) would otherwise quote every setting, secrets included.
    model_config = SettingsConfigDict(hide_input_in_errors=True)

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,  # noqa: ARG003 - replaced by the source below
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return init_settings, _ReferencesLeftUndecoded(settings_cls), dotenv_settings, file_secret_settings

    @model_validator(mode="before")
    @classmethod
    def _key_vault_references_resolved(cls, data: Any) -> Any:
        """Before any field is parsed: so an unresolved reference is named as such, whatever the field's type."""
        if isinstance(data, dict):
            refuse_unresolved(cls._setting_name(str(key)) for key, value in data.items() if unresolved_reference(value))
        return data

    @classmethod
    def _setting_name(cls, key: str) -> str:
        """The environment variable of a field given by its name or by its alias."""
        field = cls.model_fields.get(key)
        alias = field.validation_alias if field is not None else None
        return alias if isinstance(alias, str) else key
