"""A refund's items as wc_create_refund makes them and the refunds controller shows them (woocommerce/woocommerce
plugins/woocommerce/: includes/wc-order-functions.php, src/Internal/RestApiUtil.php,
includes/rest-api/Controllers/Version2/class-wc-rest-orders-v2-controller.php get_order_item_data).

The request's `line_items` name order items (products, shipping and fees alike) by their order item id:
`[{id, quantity, refund_total, refund_tax: [{id, refund_total}]}]`, or already keyed by id (WooCommerce's own format,
`{"<id>": {qty, refund_total, refund_tax: {"<rate id>": amount}}}`). An id the order does not have, and an entry with
no quantity, total or tax, is skipped without a word. Each refund item is a copy of the order item with the quantity,
total, subtotal and taxes negative, and meta `_refunded_item_id` (the order item's id). WooCommerce checks no quantity
or total against what the item has left: only the refund's amount against the order's.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from localdev.simulators.woocommerce.errors import WooError
from localdev.simulators.woocommerce.wc_values import to_int
from localdev.simulators.woocommerce.wp_schema import is_numeric

CENT = Decimal("0.01")
KINDS = {"line_items": "line_item", "shipping_lines": "shipping", "fee_lines": "fee"}
"""The order's lists wc_create_refund takes items from (`get_items(['line_item', 'fee', 'shipping'])`)."""
COPIED = {
    "line_item": ("name", "product_id", "variation_id", "tax_class"),
    "shipping": ("method_title", "method_id", "instance_id", "tax_status"),
    "fee": ("name", "tax_class", "tax_status", "amount"),
}
"""The order item's fields the refund item keeps as they are (the fee's `amount` stays positive)."""


@dataclass(frozen=True)
class AskedLine:
    """One entry of the request's `line_items`, in wc_create_refund's terms."""

    qty: int
    refund_total: Decimal
    """0 when not sent."""
    total_sent: str
    """"number", "missing" (null or "") or "other" (no number: PHP 8 cannot multiply it by -1)."""
    refund_tax: tuple[tuple[str, Decimal], ...]
    tax_sent: bool
    """`refund_tax` was sent and not empty (wc_create_refund's `empty()` check)."""


@dataclass(frozen=True)
class RefundItem:
    id: int
    kind: str
    """line_item, shipping or fee."""
    refunded_item_id: int
    meta_id: int
    quantity: int
    """As asked, positive."""
    total: Decimal
    taxes: tuple[tuple[str, Decimal], ...]
    """Rate id and amount, positive, as asked."""
    copied: Mapping[str, Any]
    sku: str | None = None

    @property
    def tax(self) -> Decimal:
        return sum((amount for _rate, amount in self.taxes), Decimal(0))


def asked_lines(raw: object) -> dict[int, AskedLine]:
    """RestApiUtil::adjust_create_refund_request_parameters on `line_items`; entries without an id are dropped."""
    entries: dict[str, Any] = {}
    if isinstance(raw, dict):
        entries = {str(key): value for key, value in raw.items()}
    elif isinstance(raw, list) and all(isinstance(e, dict) and "id" in e for e in raw):
        entries = {str(e["id"]): {**e, "qty": e.get("qty", e.get("quantity"))} for e in raw}
    return {int(key): _asked(entry) for key, entry in entries.items() if key.isdigit() and isinstance(entry, dict)}


def _asked(entry: Mapping[str, Any]) -> AskedLine:
    total = entry.get("refund_total")
    sent = "number" if is_numeric(total) else "missing" if total in (None, "") else "other"
    amount = Decimal(str(total).strip()) if sent == "number" else Decimal(0)
    taxes = _taxes(entry.get("refund_tax"))
    return AskedLine(to_int(entry.get("qty") or 0), amount, sent, taxes, bool(entry.get("refund_tax")))


def _taxes(raw: object) -> tuple[tuple[str, Decimal], ...]:
    """`[{id, refund_total}]` or `{rate id: amount}`; wc_create_refund keeps only the numeric amounts."""
    if isinstance(raw, list) and all(isinstance(t, dict) and "id" in t and "refund_total" in t for t in raw):
        raw = {str(t["id"]): t["refund_total"] for t in raw}
    if isinstance(raw, list):
        raw = dict(enumerate(raw))
    if not isinstance(raw, dict):
        return ()
    return tuple((str(rate), Decimal(str(value).strip())) for rate, value in raw.items() if is_numeric(value))


def amount_from_lines(asked: Mapping[int, AskedLine]) -> Decimal | None:
    """The refund's amount when the request has none: every line's total and taxes, if all are numbers."""
    if not asked or any(line.total_sent != "number" for line in asked.values()):
        return None
    return sum((line.refund_total + sum(a for _r, a in line.refund_tax) for line in asked.values()), Decimal(0))


def refund_items(order: Mapping[str, Any], asked: Mapping[int, AskedLine], ids: Iterator[int]) -> list[RefundItem]:
    """The refund's items, in the order's order; `ids` gives each item's id and then its meta's."""
    items: list[RefundItem] = []
    for list_name, kind in KINDS.items():
        for source in order.get(list_name) or []:
            line = asked.get(int(source["id"]))
            if line is None or not (line.qty or line.refund_total or line.tax_sent or line.total_sent == "other"):
                continue
            if line.total_sent == "other":
                raise WooError(500, "internal_server_error", "There has been a critical error on this website.")
            copied = {field: source[field] for field in COPIED[kind] if field in source}
            sku = source.get("sku") if kind == "line_item" else None
            item_id, meta_id = next(ids), next(ids)
            items.append(
                RefundItem(
                    item_id, kind, int(source["id"]), meta_id, line.qty, line.refund_total, line.refund_tax, copied, sku
                )
            )
    return items


def restocked(items: list[RefundItem]) -> list[RefundItem]:
    """The items wc_restock_refunded_items puts back: product lines with a quantity (it also needs a product that
    manages stock and whose stock the order reduced, which the simulator does not model)."""
    return [item for item in items if item.kind == "line_item" and item.quantity]


def rendered(items: list[RefundItem], kind: str, deleted_skus: set[str]) -> list[dict[str, Any]]:
    """get_order_item_data of the refund's items of one kind."""
    return [_rendered(item, deleted_skus) for item in items if item.kind == kind]


def _rendered(item: RefundItem, deleted_skus: set[str]) -> dict[str, Any]:
    meta = {"id": item.meta_id, "key": "_refunded_item_id", "value": str(item.refunded_item_id)}
    body: dict[str, Any] = {"id": item.id, **item.copied}
    if item.kind == "line_item":
        body["quantity"] = -item.quantity
        body["subtotal"] = _money(-item.total)
        body["subtotal_tax"] = _money(-item.tax)
    body["total"] = _money(-item.total)
    body["total_tax"] = _money(-item.tax)
    subtotal = item.kind == "line_item"
    body["taxes"] = [
        {"id": _rate_id(rate), "total": _php(-amount), "subtotal": _php(-amount) if subtotal else ""}
        for rate, amount in item.taxes
    ]
    body["meta_data"] = [{**meta, "display_key": meta["key"], "display_value": meta["value"]}]
    if item.kind == "line_item":
        body["sku"] = None if item.sku is None or item.sku in deleted_skus else item.sku
        body["price"] = float(item.total / item.quantity) if item.quantity else 0
        body["image"] = {"id": 0, "src": ""}
        body["parent_name"] = None
    return body


def tax_lines(items: list[RefundItem], tax_ids: Iterator[int]) -> list[dict[str, Any]]:
    """The refund's tax items (WC_Abstract_Order::update_taxes): per rate, the items' taxes and the shipping's."""
    rates = list(dict.fromkeys(rate for item in items for rate, _a in item.taxes))
    lines: list[dict[str, Any]] = []
    for rate in rates:
        cart = sum((a for i in items if i.kind != "shipping" for r, a in i.taxes if r == rate), Decimal(0))
        shipping = sum((a for i in items if i.kind == "shipping" for r, a in i.taxes if r == rate), Decimal(0))
        lines.append(
            {
                "id": next(tax_ids),
                "rate_code": "",
                "rate_id": _rate_id(rate),
                "label": "",
                "compound": False,
                "tax_total": _money(-cart),
                "shipping_tax_total": _money(-shipping),
                "rate_percent": None,
                "meta_data": [],
            }
        )
    return lines


def _money(amount: Decimal) -> str:
    """wc_format_decimal with the store's 2 decimals (the REST `dp`)."""
    return f"{amount.quantize(CENT) + 0:.2f}"


def _php(amount: Decimal) -> str:
    """A float as wc_format_decimal without decimals prints it: no trailing zeros."""
    text = f"{amount.normalize():f}"
    return "0" if text in ("-0", "0") else text


def _rate_id(rate: str) -> int | str:
    return int(rate) if rate.isdigit() else rate
