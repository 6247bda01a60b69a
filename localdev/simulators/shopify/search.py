"""The `query:` argument of `products` and `productVariants`, in a subset of Shopify's search syntax.

Terms are `field:value` (quoted values may hold spaces; a trailing `*` matches a prefix) or a bare word, which
searches the title. Terms side by side must all match; `OR` separates alternatives (`sku:A OR sku:B`); a leading
`-` negates a term. Comparison ignores case. Fields a resource does not know match nothing; bare words match
the title as a substring, fields match exactly.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from localdev.simulators.shopify.catalog import Product, Variant

_TERM = re.compile(r"""(-)?(?:(\w+):)?("([^"]*)"|'([^']*)'|[^\s()]+)""")


@dataclass(frozen=True)
class Term:
    field: str | None
    value: str
    negated: bool = False

    def matches(self, values: Callable[[str], list[str]], title: str) -> bool:
        return self._found(values, title) != self.negated

    def _found(self, values: Callable[[str], list[str]], title: str) -> bool:
        wanted = self.value.casefold()
        if self.field is None:
            return wanted.rstrip("*") in title.casefold()
        if wanted.endswith("*"):
            return any(v.casefold().startswith(wanted[:-1]) for v in values(self.field))
        return any(v.casefold() == wanted for v in values(self.field))


@dataclass(frozen=True)
class SearchQuery:
    """Alternatives (OR), each a list of terms that must all match (AND)."""

    alternatives: tuple[tuple[Term, ...], ...]

    @classmethod
    def parse(cls, text: str | None) -> SearchQuery:
        alternatives: list[list[Term]] = [[]]
        for match in _TERM.finditer(text or ""):
            negated, field, raw, double, single = match.groups()
            value = double if double is not None else single if single is not None else raw
            if field is None and raw == "OR":
                alternatives.append([])
            elif not (field is None and raw == "AND"):
                alternatives[-1].append(Term(field and field.lower(), value, bool(negated)))
        return cls(tuple(tuple(terms) for terms in alternatives if terms) or ((),))

    def accepts_product(self, product: Product) -> bool:
        return self._accepts(lambda field: product_values(product, field), product.title)

    def accepts_variant(self, variant: Variant) -> bool:
        return self._accepts(lambda field: variant_values(variant, field), variant.title)

    def _accepts(self, values: Callable[[str], list[str]], title: str) -> bool:
        return any(all(term.matches(values, title) for term in terms) for terms in self.alternatives)


def product_values(product: Product, field: str) -> list[str]:
    simple = {
        "id": [product.id.rsplit("/", 1)[1]],
        "title": [product.title],
        "handle": [product.handle],
        "status": [product.status],
        "vendor": [product.vendor],
        "product_type": [product.product_type],
        "tag": product.tags,
    }
    if field == "sku":
        return [v.sku for v in product.variants if v.sku is not None]
    return simple.get(field, [])


def variant_values(variant: Variant, field: str) -> list[str]:
    simple = {
        "id": [variant.id.rsplit("/", 1)[1]],
        "product_id": [variant.product_id.rsplit("/", 1)[1]],
        "title": [variant.title],
        "sku": [variant.sku] if variant.sku is not None else [],
    }
    return simple.get(field, [])
