"""Preflight of the shops' order webhooks, read-only: for each shop, every topic Koppel needs has an active webhook
whose delivery URL is this app's route for that shop (`{public URL}/api/webhooks/{source}/{shop}`). URLs are compared
by scheme, host, port and path: a query string (a function key) is ignored and never shown.

WooCommerce: `GET /wp-json/wc/v3/webhooks` (status active / paused / disabled; `disabled` is WooCommerce's own after
failed deliveries). Shopify: the Admin GraphQL `webhookSubscriptions`, which lists the subscriptions made through the
API only; those declared in the app's `shopify.app.toml` are not listed, so a topic without one is not a failure."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from functools import partial
from urllib.parse import urlsplit

from domain.errors import RetryableError
from domain.intake.channels import SHOPIFY, WOOCOMMERCE
from domain.preflight import Check, failed, passed
from integrations.shops.shopify.client import GraphQLRefused, ShopifyClient
from integrations.shops.woocommerce.client import WooCommerceClient

WOOCOMMERCE_TOPICS = tuple(sorted(WOOCOMMERCE.order_topics - {"order.restored"}))
"""The order topics a WooCommerce shop must send; `order.restored` (an order taken out of the bin) is welcome, not
needed."""
SHOPIFY_TOPICS = tuple(sorted(topic.upper().replace("/", "_") for topic in SHOPIFY.topics))
"""The order and refund topics as the GraphQL WebhookSubscriptionTopic enum names them (`orders/create` ->
ORDERS_CREATE, `refunds/create` -> REFUNDS_CREATE)."""
PAGE_SIZE = 100
"""WooCommerce's largest per_page; Shopify's largest `first`."""
MAX_PAGES = 20
WOOCOMMERCE_SCREEN = "WooCommerce > Settings > Advanced > Webhooks"
SUBSCRIPTIONS = """
query Subscriptions($first: Int!, $after: String) {
  webhookSubscriptions(first: $first, after: $after) {
    nodes { id topic uri }
    pageInfo { hasNextPage endCursor }
  }
}
"""


@dataclass(frozen=True)
class Hook:
    """One webhook as the shop lists it."""

    id: str
    topic: str
    active: bool
    status: str
    url: str


def shown(url: str) -> str:
    """The URL without user info, query or fragment: what a fix may show."""
    parts = urlsplit(url)
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{parts.hostname or ''}{port}{parts.path}"


def same_target(url: str, expected: str) -> bool:
    """Scheme, host, port and path alike (case-insensitive scheme and host; a trailing slash ignored)."""
    return shown(url).lower().rstrip("/") == shown(expected).lower().rstrip("/")


def problems(hooks: list[Hook], topics: tuple[str, ...], expected: str, missing_is_fine: bool) -> list[str]:
    """What to do so that each topic has an active webhook delivering to `expected`; empty when nothing."""
    todo: list[str] = []
    for topic in topics:
        candidates = [hook for hook in hooks if hook.topic == topic]
        here = [hook for hook in candidates if same_target(hook.url, expected)]
        if any(hook.active for hook in here):
            continue
        if here:
            todo.extend(f"webhook {hook.id} ({topic}) is {_why(hook.status)}: activate it" for hook in here)
        elif candidates:
            todo.extend(
                f"webhook {hook.id} ({topic}) points at {shown(hook.url)}, not at this app: set its delivery URL to "
                f"{expected}"
                for hook in candidates
            )
        elif not missing_is_fine:
            todo.append(f"create a webhook for topic {topic} with delivery URL {expected}")
    return todo


def _why(status: str) -> str:
    if status == "disabled":
        return "disabled (WooCommerce does that after 5 failed deliveries in a row: see the host log for why)"
    return status


class WebhookPreflight:
    what = "the shops' webhooks"

    def __init__(
        self,
        public_url: str,
        woocommerce: Mapping[str, WooCommerceClient],
        shopify: Mapping[str, ShopifyClient],
    ) -> None:
        """`public_url`: this app's base URL (empty when unknown); per shop name, its client."""
        self._public_url = public_url.rstrip("/")
        self._woocommerce = woocommerce
        self._shopify = shopify

    def checks(self) -> Iterator[Check]:
        for shop, client in self._woocommerce.items():
            yield self._check("WooCommerce", "woocommerce", shop, partial(_woocommerce_hooks, client))
        for shop, admin in self._shopify.items():
            yield self._check("Shopify", "shopify", shop, partial(_shopify_hooks, admin))

    def _check(self, vendor: str, source: str, shop: str, listed: Callable[[], list[Hook]]) -> Check:
        name = f"{vendor} shop {shop}: order webhooks"
        if not self._public_url:
            fix = "set KOPPEL_PUBLIC_URL to this app's public URL (in Azure WEBSITE_HOSTNAME gives it)"
            return failed(name, "this app's public URL is unknown", fix)
        expected = f"{self._public_url}/api/webhooks/{source}/{shop}"
        try:
            hooks = listed()
        except (RetryableError, GraphQLRefused) as error:
            return failed(name, f"the webhooks could not be listed: {error}", _list_fix(source))
        if source == "woocommerce":
            todo = problems(hooks, WOOCOMMERCE_TOPICS, expected, missing_is_fine=False)
            if todo:
                return failed(name, f"{len(hooks)} webhooks listed", f"{'; '.join(todo)} ({WOOCOMMERCE_SCREEN})")
            return passed(name, f"{', '.join(WOOCOMMERCE_TOPICS)} deliver to {expected}")
        return _shopify_check(name, hooks, expected)


def _shopify_check(name: str, hooks: list[Hook], expected: str) -> Check:
    todo = problems(hooks, SHOPIFY_TOPICS, expected, missing_is_fine=True)
    if todo:
        return failed(name, f"{len(hooks)} subscriptions listed", "; ".join(todo))
    unlisted = [topic for topic in SHOPIFY_TOPICS if not any(hook.topic == topic for hook in hooks)]
    if unlisted:
        detail = (
            f"no subscription listed for {', '.join(unlisted)}: fine when the app's shopify.app.toml declares them "
            f"(the API does not list those); else subscribe the app to them at {expected}"
        )
        return passed(name, detail)
    return passed(name, f"{', '.join(SHOPIFY_TOPICS)} deliver to {expected}")


def _list_fix(source: str) -> str:
    if source == "woocommerce":
        return (
            "give the REST key's user the manage_woocommerce capability (an administrator or shop manager) and the key "
            "Read permission (WooCommerce > Settings > Advanced > REST API)"
        )
    return "check the app's Admin API access (the check above) and that it is installed on the shop"


def _woocommerce_hooks(client: WooCommerceClient) -> list[Hook]:
    """Every webhook of the shop, page by page (a page shorter than PAGE_SIZE is the last)."""
    hooks: list[Hook] = []
    for page in range(1, MAX_PAGES + 1):
        rows = client.get(client.url("webhooks"), {"per_page": str(PAGE_SIZE), "page": str(page)}, "the webhook list")
        hooks.extend(
            Hook(
                str(row.get("id")),
                str(row.get("topic")),
                row.get("status") == "active",
                str(row.get("status")),
                str(row.get("delivery_url") or ""),
            )
            for row in rows
        )
        if len(rows) < PAGE_SIZE:
            break
    return hooks


def _shopify_hooks(client: ShopifyClient) -> list[Hook]:
    hooks: list[Hook] = []
    after: str | None = None
    for _ in range(MAX_PAGES):
        data = client.graphql(SUBSCRIPTIONS, {"first": PAGE_SIZE, "after": after})["webhookSubscriptions"]
        hooks.extend(
            Hook(str(node["id"]).rsplit("/", 1)[-1], str(node["topic"]), True, "active", str(node.get("uri") or ""))
            for node in data["nodes"]
        )
        if not data["pageInfo"]["hasNextPage"]:
            break
        after = data["pageInfo"]["endCursor"]
    return hooks
