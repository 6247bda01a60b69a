"""What every span carries when it starts: the current `koppel.*` dimensions, and no secret or e-mail address.

Instrumented HTTP clients (httpx: BC, the shops, Mollie, Stripe; azure-core: storage) put the request URL
on the span as it starts (`url.full` / `http.url`, the dependency's `data` in Application Insights). Its query
string carries OData filters with customers' e-mail addresses, WooCommerce's `consumer_secret`, a function key
(`code=`): the query string and any user info are cut from every URL, and every e-mail address left in an attribute
(a path, a name) is replaced. Headers (tokens, keys) are not recorded by the instrumentations."""

from __future__ import annotations

import re
from collections.abc import Sequence

from opentelemetry.context import Context
from opentelemetry.sdk.trace import Span, SpanProcessor
from opentelemetry.util.types import AttributeValue

from integrations.telemetry import dimensions

E_MAIL = re.compile(r"[\w.+%-]+(?:@|%40)[\w-]+(?:\.[\w-]+)+", re.IGNORECASE)
USER_INFO = re.compile(r"(?<=://)[^/@?#\s]*@")
ANONYMOUS = "(e-mail)"


def scrubbed(text: str) -> str:
    """`text` without a URL's query string, fragment or user info, and without e-mail addresses."""
    if "://" in text or text.startswith("/"):
        text = USER_INFO.sub("", text.split("?", 1)[0].split("#", 1)[0])
    return E_MAIL.sub(ANONYMOUS, text)


def scrubbed_value(value: AttributeValue) -> AttributeValue:
    """An attribute's value scrubbed: text, or each text of a sequence; numbers and booleans as they are."""
    if isinstance(value, str):
        return scrubbed(value)
    if isinstance(value, Sequence) and value and isinstance(value[0], str):
        return [scrubbed(str(item)) for item in value]
    return value


class KoppelSpanProcessor(SpanProcessor):
    """Runs as each span starts (while it can still be changed, before any exporter sees it)."""

    def on_start(self, span: Span, parent_context: Context | None = None) -> None:  # noqa: ARG002 - the SDK passes it
        for key, value in list((span.attributes or {}).items()):
            clean = scrubbed_value(value)
            if clean != value:
                span.set_attribute(key, clean)
        if span.name != scrubbed(span.name):
            span.update_name(scrubbed(span.name))
        for key, value in dimensions.current().items():
            span.set_attribute(key, value)
