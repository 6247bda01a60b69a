"""Value types every channel's payload is validated with, so nothing BC cannot hold gets past intake."""

from __future__ import annotations

from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Annotated, Any, TypeVar

from pydantic import AfterValidator, BaseModel, BeforeValidator, Field, ValidationError

MAX_AMOUNT = Decimal(10) ** 12
CENT = Decimal("0.01")
EARLIEST = datetime(2000, 1, 1)
LATEST = datetime(2100, 1, 1)

Amount = Annotated[Decimal, Field(ge=0, le=MAX_AMOUNT, allow_inf_nan=False)]
"""A price or total: never negative on an order (refunds and discounts are reported apart)."""

SignedAmount = Annotated[Decimal, Field(ge=-MAX_AMOUNT, le=MAX_AMOUNT, allow_inf_nan=False)]
"""An amount that may be negative, such as a WooCommerce fee line used as a discount."""


def cents(amount: Decimal) -> Decimal:
    """An amount rounded to the cent, half a cent up, as BC and the shops round money."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def _plausible(moment: datetime) -> datetime:
    naive = moment.replace(tzinfo=None)
    if not EARLIEST <= naive < LATEST:
        raise ValueError(f"a date between {EARLIEST.year} and {LATEST.year} is expected")
    return moment


Timestamp = Annotated[datetime, AfterValidator(_plausible)]
"""A date and time of this century: far enough from datetime's limits to convert between time zones."""


def _no_float(value: Any) -> Any:
    if isinstance(value, float):
        raise ValueError("an id must be a JSON integer: a float cannot hold all of its digits")
    return value


ExactId = Annotated[int, BeforeValidator(_no_float), Field(gt=0, lt=2**63)]
"""A 64-bit id (Shopify's exceed 2^53) that must arrive exact."""


M = TypeVar("M", bound=BaseModel)


def parse_json(model: type[M], body: bytes, what: str) -> M:
    """Validate a JSON body; a ValueError naming up to five offending fields when it does not fit."""
    try:
        return model.model_validate_json(body)
    except ValidationError as error:
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc']) or 'body'}: {e['msg']}" for e in error.errors()[:5])
        raise ValueError(f"not a {what}: {problems}") from None
