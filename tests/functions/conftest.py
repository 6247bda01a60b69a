"""Trigger functions of function_app.py, called directly with real azure.functions objects, against Azurite."""

from __future__ import annotations

import base64
import json
import os
import uuid
from collections.abc import Callable, Iterator, Mapping
from functools import cache
from typing import Any

import azure.functions as func
import pytest

from function_app import app
from functions.container import container
from integrations.settings import settings
from integrations.storage.account import StorageAccount
from localdev.azurite import Azurite
from localdev.host.metadata import read_functions

SECRET = "functions-test-secret"


def use_settings(monkeypatch: pytest.MonkeyPatch, values: Mapping[str, str]) -> None:
    """These settings in the environment, and the settings and container read afresh on next use."""
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    settings.cache_clear()
    container.cache_clear()


@pytest.fixture
def app_settings(azurite: Azurite, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """Settings for a shop with a unique name, so tests never see each other's rows; yields the shop."""
    shop = f"shop-{uuid.uuid4().hex[:8]}"
    values = {
        "AzureWebJobsStorage": azurite.connection_string,
        "KOPPEL_BC_TENANT_ID": "tenant",
        "KOPPEL_BC_COMPANY_ID": "00000000-0000-0000-0000-000000000001",
        "KOPPEL_BC_CLIENT_ID": "client",
        "KOPPEL_BC_CLIENT_SECRET": "unused",
        "KOPPEL_BC_API_URL": "http://127.0.0.1:9",
        "KOPPEL_BC_TOKEN_URL": "http://127.0.0.1:9/token",
        "KOPPEL_BC_SHIPPING_ACCOUNT": "8090",
        "KOPPEL_WOOCOMMERCE_SHOPS": shop,
        f"KOPPEL_WOOCOMMERCE_SECRET_{shop.upper().replace('-', '_')}": SECRET,
        "KOPPEL_MAX_WEBHOOK_BYTES": "65536",
        "KOPPEL_RECOVERY_SCHEDULE": "0 */5 * * * *",
        "KOPPEL_CATALOG_SCHEDULE": "0 */15 * * * *",
        "KOPPEL_PORTAL_CATALOG_SCHEDULE": "0 */15 * * * *",
        "KOPPEL_BC_SUBSCRIPTION_SCHEDULE": "0 0 * * * *",
        "KOPPEL_BOOKING_SCHEDULE": "0 * * * * *",
        "KOPPEL_SHIPMENTS_SCHEDULE": "0 * * * * *",
    }
    use_settings(monkeypatch, values)
    yield shop
    settings.cache_clear()
    container.cache_clear()


@cache
def _user_functions() -> dict[str, Callable[..., Any]]:
    """Indexed by the local host's reader, which (unlike FunctionApp.get_functions) may index an app again."""
    return {function.name: function.user_function for function in read_functions(app, os.environ)}


def trigger(name: str) -> Callable[..., Any]:
    """The user function behind a registered trigger, as the Functions host would call it."""
    return _user_functions()[name]


def answer_body(response: func.HttpResponse) -> dict[str, Any]:
    """The JSON an HTTP trigger answered with."""
    found: dict[str, Any] = json.loads(response.get_body())
    return found


def queued_mentioning(azurite: Azurite, queue_name: str, needle: str) -> list[str]:
    """The messages on `queue_name` that mention `needle` (a queue is shared by the tests of this run)."""
    queue = StorageAccount(azurite.connection_string).queue(queue_name)
    texts = (base64.b64decode(message.content).decode() for message in queue.peek_messages(max_messages=32))
    return [text for text in texts if needle in text]
