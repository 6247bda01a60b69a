"""Which items a catalog run reads from BC: all of them, or only those that may have changed since the last run.

BC stamps item cards and variants with lastModifiedDateTime, so those are read after a watermark. Price list
lines and stock carry no usable stamp (page 7005 shows no SystemModifiedAt; stock lives in ledger entries and open
order lines), so they are read in full each run and fingerprinted per item: an item whose fingerprint moved is
read again too. Prices also move with the calendar (a campaign starts, a line expires), so the first run of each
day reads everything.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime

from domain.catalog.availability import ItemKey, StockFacts
from domain.catalog.prices import PriceListLine
from domain.models import Frozen, fingerprint_of

RETRY = "retry"
"""The inputs remembered for an item the channel refused (part of): never a fingerprint, so it is read again."""


def is_full_run(watermark: datetime | None, now: datetime) -> bool:
    """No completed run yet, or the last one was on an earlier day."""
    return watermark is None or watermark.date() < now.date()


def input_fingerprints(
    lines: Mapping[str, Sequence[PriceListLine]],
    stock: Mapping[ItemKey, StockFacts],
    numbers: Iterable[str],
) -> dict[str, str]:
    """Per item number, a fingerprint of its price list lines and the stock facts of the item and its variants,
    for every item that has either and for each of `numbers` (items known to the channel)."""
    keys_by_item: dict[str, list[ItemKey]] = defaultdict(list)
    for key in stock:
        keys_by_item[key.item_number].append(key)
    every = set(lines) | set(keys_by_item) | set(numbers)
    return {
        number: _fingerprint(lines.get(number, ()), [stock[key] for key in keys_by_item.get(number, ())])
        for number in every
    }


def _fingerprint(lines: Sequence[PriceListLine], stock: Sequence[StockFacts]) -> str:
    """Independent of the order BC returned rows in."""
    parts = (sorted(_canonical(line) for line in lines), sorted(_canonical(facts) for facts in stock))
    return fingerprint_of(json.dumps(parts))


def _canonical(model: Frozen) -> str:
    return json.dumps(model.model_dump(mode="json"), sort_keys=True)


NO_INPUTS = _fingerprint((), ())
"""The fingerprint of an item without price lines or stock."""
