"""Values for seeded records: deterministic ids (the same generator state always gives the same GUID), GTINs."""

from __future__ import annotations

import random
import uuid


def guid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def gtin(digits: list[int]) -> str:
    """A GTIN-13 of 12 digits and their check digit."""
    check = (10 - sum(d * (3 if i % 2 else 1) for i, d in enumerate(digits)) % 10) % 10
    return "".join(map(str, [*digits, check]))
