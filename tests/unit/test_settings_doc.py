"""The settings have one home, the settings model: docs/settings.md is written from it and local.settings.example.json
names every setting it knows, secrets only as placeholders."""

from __future__ import annotations

import json
import re

import pytest
from pydantic import SecretStr

from domain.orders.mapping import portal
from function_app import app
from integrations.per_shop_settings import ACCOUNT_SOURCES, CHANNELS, PER_SHOP_SETTINGS, names, shop_setting
from integrations.settings import TIMER_SCHEDULES, Settings
from localdev.settings_doc import DOCUMENT, ROOT, render

EXAMPLE = ROOT / "local.settings.example.json"
DEVELOPMENT_STORAGE = "UseDevelopmentStorage=true"
LISTS = [(channel, "SHOPS") for channel in CHANNELS] + [(source, "ACCOUNTS") for source in ACCOUNT_SOURCES]


def _example() -> dict[str, str]:
    values: dict[str, str] = json.loads(EXAMPLE.read_text(encoding="utf-8"))["Values"]
    return values


def _per_shop_names(values: dict[str, str]) -> dict[str, str]:
    """Every per-shop setting of the shops and accounts the example lists (and of the portal, when it has a secret),
    with its kind."""
    listed = {source: names(values.get(f"KOPPEL_{source.upper()}_{kind}", "")) for source, kind in LISTS}
    if values.get("KOPPEL_PORTAL_SECRET"):
        listed[portal.SOURCE] = [portal.SHOP]
    return {
        shop_setting(source, kind, shop): kind
        for source, shops in listed.items()
        for shop in shops
        for kind, setting in PER_SHOP_SETTINGS.items()
        if source in setting.sources
    }


def test_docs_settings_md_is_what_the_settings_model_writes():
    assert DOCUMENT.read_text(encoding="utf-8") == render(), "run `make settings-doc` and commit docs/settings.md"


def test_every_setting_says_what_it_does():
    assert [name for name, field in Settings.model_fields.items() if not field.description] == []


def test_every_timer_schedule_the_app_reads_is_documented():
    app.functions_bindings = None  # the app object indexes once per call; another test may have indexed it
    triggers = [function.get_trigger() for function in app.get_functions()]
    schedules = {
        name
        for trigger in triggers
        if trigger is not None
        for name in re.findall(r"%([^%]+)%", str(trigger.get_dict_repr().get("schedule", "")))
    }
    assert schedules == set(TIMER_SCHEDULES)


def test_the_example_names_every_setting_and_no_other():
    values = _example()
    koppel = {name for name in values if name.startswith(("KOPPEL_", "AzureWebJobsStorage"))}
    expected = {str(field.validation_alias) for field in Settings.model_fields.values()}
    expected |= set(TIMER_SCHEDULES) | set(_per_shop_names(values))
    assert sorted(expected - koppel) == [], "missing from local.settings.example.json"
    assert sorted(koppel - expected) == [], "in local.settings.example.json but no setting of Koppel's"


def test_the_example_holds_no_secret_only_placeholders():
    values = _example()
    secrets = {str(f.validation_alias) for f in Settings.model_fields.values() if f.annotation is SecretStr}
    secrets |= {name for name, kind in _per_shop_names(values).items() if PER_SHOP_SETTINGS[kind].secret}
    real = {
        name: values[name]
        for name in secrets
        if values[name] not in ("", DEVELOPMENT_STORAGE) and not re.fullmatch(r"<[^>]*>.*", values[name])
    }
    assert real == {}


def test_the_example_loads(monkeypatch: pytest.MonkeyPatch):
    for name, value in _example().items():
        monkeypatch.setenv(name, value)
    config = Settings()
    assert config.portal_policy().local_currency == "EUR"
    assert config.listing_policy("woocommerce", "shop-a").prices_include_vat
