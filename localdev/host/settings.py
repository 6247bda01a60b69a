"""App settings: local.settings.json into the environment, and %SETTING% references resolved from it."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping, MutableMapping
from pathlib import Path

_REFERENCE = re.compile(r"%([^%]+)%")


class SettingError(RuntimeError):
    """A setting the app refers to is missing or malformed."""


def load_local_settings(path: Path, environ: MutableMapping[str, str] = os.environ) -> list[str]:
    """Put each Value of a local.settings.json into environ unless already set; return the names put.

    A missing file is fine: the environment alone then configures the app.
    """
    if not path.exists():
        return []
    document = json.loads(path.read_text(encoding="utf-8"))
    if document.get("IsEncrypted"):
        raise SettingError(f"{path} is encrypted; the local host reads plain Values only")
    values = document.get("Values") or {}
    added = []
    for name, value in values.items():
        if name not in environ:
            environ[name] = str(value)
            added.append(name)
    return added


def resolve(text: str, environ: Mapping[str, str] = os.environ) -> str:
    """Replace every %NAME% in text by the setting NAME, as the Functions host does for binding values."""

    def setting(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in environ:
            raise SettingError(f"app setting {name!r} referenced as %{name}% is not set")
        return environ[name]

    return _REFERENCE.sub(setting, text)


def connection_string(setting_name: str, environ: Mapping[str, str] = os.environ) -> str:
    """The storage connection string held by the app setting a binding's `connection` names."""
    value = environ.get(setting_name)
    if not value:
        raise SettingError(f"storage connection setting {setting_name!r} is not set")
    return value


def disabled(function_name: str, environ: Mapping[str, str] = os.environ) -> bool:
    """The app setting `AzureWebJobs.<function>.Disabled` is true or 1: the host does not trigger the function."""
    return environ.get(f"AzureWebJobs.{function_name}.Disabled", "").strip().lower() in {"true", "1"}
