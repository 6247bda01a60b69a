"""Deterministic ids for seeded records: the same generator state always gives the same GUID."""

from __future__ import annotations

import random
import uuid


def guid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))
