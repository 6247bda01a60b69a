"""Raw body of an accepted delivery -> canonical Order, by the channel it came from."""

from collections.abc import Callable

from domain.errors import PermanentError
from domain.mapping import woocommerce
from domain.models import Order, WebOrderKey


def _woocommerce(key: WebOrderKey, body: bytes) -> Order:
    return woocommerce.to_order(key.shop, woocommerce.parse(body))


READERS: dict[str, Callable[[WebOrderKey, bytes], Order]] = {woocommerce.SOURCE: _woocommerce}


def read_order(key: WebOrderKey, body: bytes) -> Order:
    reader = READERS.get(key.source)
    if reader is None:
        raise PermanentError(f"no order reader for channel '{key.source}'")
    try:
        return reader(key, body)
    except ValueError as error:
        raise PermanentError(f"the stored web order cannot be read: {error}") from None
