"""The digests Koppel keeps of an e-mail address instead of the address itself (no personal data in keys and
records). There are two, on purpose, and both are stored, so neither may change:

- `guest_email_digest`: a guest buyer's customer binding is keyed `email-<it>` (table `bindings`): the address as
  the shop sent it, 40 hex characters. Normalising it now would orphan the bindings already stored.
- `payer_email_digest`: the payer on a payment record and the buyer on an unpaid order, compared to match a payment
  that names no order: trimmed and lower-cased, since a provider and a shop write one address differently; 32 hex
  characters.
"""

from __future__ import annotations

import hashlib


def guest_email_digest(email: str) -> str:
    """The digest in a guest's binding key: of the address exactly as given."""
    return hashlib.sha256(email.encode()).hexdigest()[:40]


def payer_email_digest(email: object) -> str:
    """The same digest for an address however it is written (case, spaces around it); "" without one."""
    address = email.strip().lower() if isinstance(email, str) else ""
    return hashlib.sha256(address.encode()).hexdigest()[:32] if address else ""
