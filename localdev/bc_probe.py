"""A plain look into the BC simulator over its API, for the demo's catalog and the tests' assertions."""

from __future__ import annotations

from typing import Any

import httpx

from localdev.simulators.businesscentral import BusinessCentralSimulator
from localdev.simulators.businesscentral.published import ITEMS


class BcProbe:
    def __init__(self, bc: BusinessCentralSimulator, client_id: str, client_secret: str) -> None:
        token = httpx.post(
            bc.token_url,
            data={
                "grant_type": "client_credentials",
                "client_id": client_id,
                "client_secret": client_secret,
                "scope": "https://api.businesscentral.dynamics.com/.default",
            },
        ).json()["access_token"]
        self._http = httpx.Client(
            base_url=f"{bc.api_base}/companies({bc.company_id})/",
            headers={"Authorization": f"Bearer {token}"},
            timeout=30,
        )
        escaped = bc.company_name.replace("'", "''")
        self._published = f"{bc.odata_base}/Company('{escaped}')"

    def all(self, entity: str, **params: str) -> list[dict[str, Any]]:
        """Every entity of a collection, following @odata.nextLink."""
        response = self._http.get(entity, params=params)
        response.raise_for_status()
        page = response.json()
        values: list[dict[str, Any]] = page["value"]
        while link := page.get("@odata.nextLink"):
            page = self._http.get(link).raise_for_status().json()
            values.extend(page["value"])
        return values

    def vat_groups(self) -> dict[str, str]:
        """Each item's VAT Prod. Posting Group (HOOG, LAAG, NUL) by item number, from the published page 31: API v2.0
        items have none (their taxGroupCode is the US sales tax group, blank in a Dutch company)."""
        url = f"{self._published}/{ITEMS}"
        return {
            row["No"]: row["VAT_Prod_Posting_Group"]
            for row in self.all(url, **{"$select": "No,VAT_Prod_Posting_Group"})
        }

    def patch(self, path: str, changes: dict[str, Any]) -> dict[str, Any]:
        """Change an entity as a BC user would, e.g. patch("customers(<id>)", {"blocked": " "})."""
        current = self._http.get(path).raise_for_status().json()
        response = self._http.patch(path, json=changes, headers={"If-Match": current["@odata.etag"]})
        changed: dict[str, Any] = response.raise_for_status().json()
        return changed

    def sales_orders(self, external_document_number: str) -> list[dict[str, Any]]:
        literal = "'" + external_document_number.replace("'", "''") + "'"
        return self.all(
            "salesOrders", **{"$filter": f"externalDocumentNumber eq {literal}", "$expand": "salesOrderLines"}
        )

    def get(self, path: str) -> dict[str, Any]:
        found: dict[str, Any] = self._http.get(path).raise_for_status().json()
        return found

    def ship_and_invoice(self, sales_order_id: str) -> None:
        """Ship every line and post the invoice, as the warehouse and the bookkeeper would."""
        self._http.post(f"salesOrders({sales_order_id})/Microsoft.NAV.shipAndInvoice").raise_for_status()
