"""How BC's OData layer names an enum value: characters not allowed in an identifier become `_xHHHH_`.

A blank option (" ") is served as "_x0020_" (seen on API v2.0 customers.blocked), "G/L Account" as
"G_x002F_L_x0020_Account"; filters must use the encoded name.
"""

from __future__ import annotations


def odata_enum_name(value: str) -> str:
    return "".join(char if char.isalnum() or char == "_" else f"_x{ord(char):04X}_" for char in value)


def odata_enum_names(*values: str) -> tuple[str, ...]:
    return tuple(odata_enum_name(value) for value in values)
