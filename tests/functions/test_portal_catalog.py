"""The portal's settings and its price endpoint, called as the host calls them."""

from __future__ import annotations

import json
from decimal import Decimal

import azure.functions as func
import pytest

from domain.catalog.availability import DisplayMode
from functions.container import container
from functions.wiring.catalog import PORTAL_CATALOG_RUN
from tests.functions.conftest import trigger


def _published(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KOPPEL_BC_COMPANY_NAME", "CRONUS")
    monkeypatch.setenv("KOPPEL_BC_PRICE_LIST_SERVICE", "KoppelPriceListLines")


def _ask(customer: str, body: bytes) -> func.HttpResponse:
    request = func.HttpRequest(
        "POST",
        f"http://localhost/api/portal/customers/{customer}/prices",
        route_params={"customerNumber": customer},
        body=body,
    )
    response: func.HttpResponse = trigger("portal_prices")(request)
    return response


def test_the_portal_gets_its_run_and_its_choices_when_bcs_pages_are_published(
    app_settings: str, monkeypatch: pytest.MonkeyPatch
):
    _published(monkeypatch)
    monkeypatch.setenv("KOPPEL_PORTAL_SAFETY_STOCK", "2")
    monkeypatch.setenv("KOPPEL_PORTAL_CAMPAIGNS", "CP1001, CP1002")

    built = container()

    assert built.portal_catalog is not None
    assert built.portal_prices is not None
    assert PORTAL_CATALOG_RUN in built.named_runs()
    policy = built.portal_prices.policy
    assert (policy.stock.display, policy.stock.safety_stock) == (DisplayMode.QUANTITY_WITH_DATE, Decimal(2))
    assert (policy.campaigns, policy.prices_include_vat) == (frozenset({"CP1001", "CP1002"}), False)


@pytest.mark.parametrize(
    ("setting", "value"),
    [
        ("KOPPEL_PORTAL_STOCK_DISPLAY", "everything"),
        ("KOPPEL_PORTAL_SAFETY_STOCK", "lots"),
        ("KOPPEL_PORTAL_PRICES_INCLUDE_VAT", "yes"),
    ],
)
def test_an_invalid_portal_setting_leaves_out_the_portal_and_everything_else_is_built(
    app_settings: str, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, setting: str, value: str
):
    _published(monkeypatch)
    monkeypatch.setenv(setting, value)

    assert (container().portal_catalog, container().portal_prices) == (None, None)
    assert PORTAL_CATALOG_RUN not in container().named_runs()
    assert "portal catalog not kept" in caplog.text


def test_without_bcs_pages_the_price_endpoint_says_there_is_no_portal_catalog(app_settings: str):
    response = _ask("C10000", b'{"lines": [{"itemNumber": "KOF-1001"}]}')
    assert (response.status_code, json.loads(response.get_body())["error"]["code"]) == (404, "not_found")


@pytest.mark.parametrize(
    ("customer", "body", "says"),
    [
        ("C10000", b"not json", "not a price inquiry"),
        ("C10000", b'{"lines": []}', "lines"),
        ("C1'--", b'{"lines": [{"itemNumber": "KOF-1001"}]}', "not a customer number"),
    ],
)
def test_a_bad_inquiry_is_400_saying_what_is_wrong(
    app_settings: str, monkeypatch: pytest.MonkeyPatch, customer: str, body: bytes, says: str
):
    _published(monkeypatch)
    response = _ask(customer, body)
    error = json.loads(response.get_body())["error"]
    assert (response.status_code, error["code"]) == (400, "malformed")
    assert says in error["message"]
