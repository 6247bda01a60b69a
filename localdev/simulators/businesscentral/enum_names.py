"""How BC's OData layer names an enum value: characters not allowed in an identifier become `_xHHHH_`.

A blank option (" ") is served as "_x0020_" (seen on API v2.0 customers.blocked), "G/L Account" as
"G_x002F_L_x0020_Account"; filters must use the encoded name. Microsoft's own API v2.0 examples show it:
`"entryType": "Positive_x0020_Adjmt_x002E_"`, `"sourceType": "_x0020_"` (MicrosoftDocs/dynamics365smb-devitpro-pb
dev-itpro/api-reference/v2.0/api/dynamics_itemledgerentry_get.md), `"status": "In_x0020_Progress"`
(dynamics_opportunity_get.md). API v2.0 records keep the member itself (" ", "In Review"); it is encoded where it is
served (`query.project`) and filtered on (`odata_filter`). Encoding a name already encoded changes nothing.
"""

from __future__ import annotations

import re

_ENCODED_CHARACTER = re.compile(r"_x([0-9A-Fa-f]{4})_")


def odata_enum_name(value: str) -> str:
    return "".join(char if char.isalnum() or char == "_" else f"_x{ord(char):04X}_" for char in value)


def enum_member(name: str) -> str:
    """The member an OData enum name stands for: `In_x0020_Review` is "In Review", `_x0020_` the blank " "."""
    return _ENCODED_CHARACTER.sub(lambda match: chr(int(match.group(1), 16)), name)


def odata_enum_names(*values: str) -> tuple[str, ...]:
    return tuple(odata_enum_name(value) for value in values)
