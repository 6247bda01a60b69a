"""VAT numbers: what counts as the same one, and which spellings of one a BC customer can carry."""

from __future__ import annotations

import re

MAX_VAT_REGISTRATION_NUMBER = 20
"""Customer "VAT Registration No." is Text[20] (microsoft/BCApps BaseApp Sales/Customer/Customer.Table.al, field
86): a longer spelling is on no customer."""
_PUNCTUATION = re.compile(r"[\s.\-]")


def vat_key(vat_number: str) -> str:
    """A VAT number as compared: upper case, without spaces, dots or dashes ("nl 8537.26.432.B01" is
    "NL853726432B01")."""
    return _PUNCTUATION.sub("", vat_number).upper()


def bc_spellings(vat_number: str) -> list[str]:
    """The spellings a customer may carry the number in: as given and as compared, those BC can keep."""
    spellings = {vat_number.strip(), vat_key(vat_number)}
    return sorted(spelling for spelling in spellings if spelling and len(spelling) <= MAX_VAT_REGISTRATION_NUMBER)
