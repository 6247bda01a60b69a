"""Price list lines for the tests that need a few: active sales lines for KOF-1001 unless told otherwise."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from domain.catalog.prices import PriceAmountType, PriceListLine, PriceSourceType, PriceStatus, PriceType


def price_line(
    line_number: int,
    source_type: str,
    source_number: str = "",
    *,
    price: str = "0",
    discount: str = "0",
    amount_type: str = "Price",
    **fields: Any,
) -> PriceListLine:
    values: dict[str, Any] = {
        "price_list_code": "S-TEST",
        "line_number": line_number,
        "price_type": PriceType.SALE,
        "status": PriceStatus.ACTIVE,
        "source_type": PriceSourceType(source_type),
        "source_number": source_number,
        "asset_number": "KOF-1001",
        "amount_type": PriceAmountType(amount_type),
        "unit_price": Decimal(price),
        "line_discount_percent": Decimal(discount),
        "allow_line_discount": True,
        "price_includes_vat": False,
    }
    return PriceListLine(**(values | fields))
