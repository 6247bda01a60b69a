"""How WooCommerce's setters turn a raw request value into the stored one, leniently, as PHP does.

These run for every write; on the batch routes they are the only check an item gets, so `"12,50"` is stored as
`"1250"` and a stock status of `"maybe"` as `"instock"`, without an error, as in WooCommerce.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from localdev.simulators.woocommerce.wp_schema import is_numeric

PRICE_DECIMAL_SEPARATOR = "."
ROUNDING_PRECISION = 6  # wc_get_rounding_precision(): max(2 price decimals + 2, WC_ROUNDING_PRECISION = 6)
_DECIMAL_JUNK = re.compile(r"\.(?![^.]+$)|[^0-9.-]")
_TAGS = re.compile(r"<[^>]*>")
_OCTETS = re.compile(r"%[a-f0-9]{2}", re.IGNORECASE)
_WHITESPACE = re.compile(r"[\r\n\t ]+")
_LEADING_INTEGER = re.compile(r"\s*[+-]?\d+")


def clean(value: Any) -> str:
    """wc_clean on a scalar (sanitize_text_field): no tags, no %xx octets, whitespace runs as one space, trimmed."""
    text = scalar_text(value)
    text = _TAGS.sub("", text)
    while (match := _OCTETS.search(text)) is not None:
        text = text.replace(match.group(0), "")
    return _WHITESPACE.sub(" ", text).strip()


def format_decimal(value: Any) -> str:
    """wc_format_decimal($number) as the price setters call it: no rounding, only sanitising.

    A float is printed with the rounding precision and its trailing zeros trimmed; anything else has the price decimal
    separator made a dot, then loses every character but digits, `-` and the last dot: "12,50" -> "1250" here.
    """
    if isinstance(value, float):
        text = f"{value:.{ROUNDING_PRECISION}f}"
        return text.rstrip("0").rstrip(".") if "." in text else text
    text = scalar_text(value).replace(PRICE_DECIMAL_SEPARATOR, ".")
    return _DECIMAL_JUNK.sub("", clean(text))


def to_bool(value: Any) -> bool:
    """wc_string_to_bool: true, 1, "1", "yes", "true"."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        return value.lower() in ("yes", "true", "1")
    return bool(value == 1)


def to_int(value: Any) -> int:
    """PHP's (int) / intval, which wc_stock_amount and absint start from: "12abc" -> 12, "abc" -> 0."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int | float):
        return int(value)
    if isinstance(value, str):
        if is_numeric(value):
            return int(float(value))
        match = _LEADING_INTEGER.match(value)
        return int(match.group(0)) if match else 0
    return 0


def sanitize_title(text: str) -> str:
    """sanitize_title_with_dashes: accents off, lower case, `[a-z0-9_-]` joined by single dashes."""
    plain = unicodedata.normalize("NFKD", _TAGS.sub("", text))
    plain = "".join(char for char in plain if not unicodedata.combining(char)).lower()
    plain = re.sub(r"&.+?;", "", plain).replace(".", "-")
    plain = re.sub(r"[^a-z0-9 _-]", "", plain)
    return re.sub(r"-+", "-", re.sub(r"\s+", "-", plain)).strip("-")


def text(value: Any) -> str:
    """A text field as stored: a string as sent (kses leaves plain text alone), any other scalar as PHP prints it."""
    return value if isinstance(value, str) else scalar_text(value)


def truthy(value: Any) -> bool:
    """PHP's truthiness: "0" and "" are false, "false" is true."""
    return value not in (None, False, 0, "", "0") and value not in ([], {})


def scalar_text(value: Any) -> str:
    """A scalar as PHP makes it a string: true -> "1", false and null -> ""; lists and objects -> ""."""
    if value is None or value is False:
        return ""
    if value is True:
        return "1"
    if isinstance(value, str | int | float):
        return str(value)
    return ""
