"""`make settings-doc`: write docs/settings.md from the settings model, so the list of settings has one home.

Each setting's name, default and description come from integrations/settings.py (the `Settings` fields and their
docstrings, TIMER_SCHEDULES), integrations/shop_settings.py (the shop fields) and integrations/per_shop_settings.py
(PER_SHOP_SETTINGS); tests/unit/test_settings_doc.py fails when docs/settings.md is not what this writes.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from pathlib import Path

from pydantic import SecretStr
from pydantic.fields import FieldInfo

from integrations.per_shop_settings import ACCOUNT_SOURCES, PER_SHOP_SETTINGS, PerShopSetting
from integrations.settings import TIMER_SCHEDULES, Settings
from integrations.shop_settings import ShopSettings

ROOT = Path(__file__).resolve().parents[1]
DOCUMENT = ROOT / "docs" / "settings.md"

INTRODUCTION = """\
# Settings

<!-- Written by `make settings-doc` (localdev/settings_doc.py) from integrations/settings.py and
integrations/shop_settings.py and per_shop_settings.py: change those, not this file. tests/unit/test_settings_doc.py
checks it. -->

Every setting is an app setting (environment variable). Locally `make up`, `make demo` and the tests generate
them; in Azure they are Function App application settings, secrets as Key Vault references
(`@Microsoft.KeyVault(SecretUri=...)`). local.settings.example.json lists every one, secrets as placeholders.
"""

SECTIONS = {
    "shops": "## Shops and payment accounts",
    "per_shop": (
        "## Per shop or payment account\n\n"
        "`<SHOP>` and `<ACCOUNT>` are a name listed above, in upper case with `-` as `_` (`shop-a`: `SHOP_A`)."
    ),
    "koppel": "## Business Central, orders, payments and catalogs",
    "timers": (
        "## Timer schedules\n\n"
        "NCRONTAB schedules (`second minute hour day month weekday`) the Functions host reads for the timers."
    ),
}

CLOSING = """\
Queue behaviour (batch size, retry delay, attempts before `<queue>-poison`) is in `host.json`
(`extensions.queues`).
"""


def render() -> str:
    """docs/settings.md as the settings model describes it."""
    own_fields = {name: field for name, field in Settings.model_fields.items() if name not in ShopSettings.model_fields}
    parts = [
        INTRODUCTION,
        SECTIONS["shops"],
        _table(_field_rows(ShopSettings.model_fields.values())),
        SECTIONS["per_shop"],
        _table(
            (_per_shop_name(kind, setting), _per_shop_default(setting), setting.description)
            for kind, setting in PER_SHOP_SETTINGS.items()
        ),
        SECTIONS["koppel"],
        _table(_field_rows(own_fields.values())),
        SECTIONS["timers"],
        _table((name, "(required)", description) for name, description in TIMER_SCHEDULES.items()),
        CLOSING,
    ]
    return "\n\n".join(part.strip("\n") for part in parts) + "\n"


def _field_rows(fields: Iterable[FieldInfo]) -> Iterable[tuple[str, str, str]]:
    for field in fields:
        yield str(field.validation_alias), field_default(field), field.description or ""


def field_default(field: FieldInfo) -> str:
    """The default as the table shows it: `(required)`, `(none)` for an empty one, `, secret` for secrets."""
    secret = field.annotation is SecretStr
    if field.is_required():
        return "(required, secret)" if secret else "(required)"
    value = field.get_default(call_default_factory=True)
    if isinstance(value, SecretStr):
        value = value.get_secret_value()
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    shown = json.dumps(value) if isinstance(value, dict) else str(value)
    if not shown:
        return "(none, secret)" if secret else "(none)"
    return f"`{shown}`"


def _per_shop_name(kind: str, setting: PerShopSetting) -> str:
    sources = "|".join(source.upper() for source in setting.sources)
    channel = sources if len(setting.sources) == 1 else f"<{sources}>"
    per = "ACCOUNT" if set(setting.sources) <= set(ACCOUNT_SOURCES) else "SHOP"
    return f"KOPPEL_{channel}_{kind}_<{per}>"


def _per_shop_default(setting: PerShopSetting) -> str:
    if setting.default:
        return f"`{setting.default}`"
    return "(none, secret)" if setting.secret else "(none)"


def _table(rows: Iterable[tuple[str, str, str]]) -> str:
    lines = ["| setting | default | what it does |", "| --- | --- | --- |"]
    lines += [f"| `{_cell(name)}` | {_cell(default)} | {_cell(description)} |" for name, default, description in rows]
    return "\n".join(lines) + "\n"


def _cell(text: str) -> str:
    """One table cell: a single line, `|` escaped."""
    return " ".join(text.split()).replace("|", "\\|")


def main() -> int:
    DOCUMENT.write_text(render(), encoding="utf-8")
    print(f"wrote {DOCUMENT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
