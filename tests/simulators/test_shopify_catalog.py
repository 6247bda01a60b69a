"""The Shopify simulator's Admin GraphQL catalog over real sockets: productSet, inventorySetQuantities, lookups,
query cost throttling, idempotency keys per API version, faults and stats."""

from typing import Any

import httpx
import pytest

from localdev.simulators.shopify import ShopifySimulator
from tests.support.clocks import MonotonicClock

TOKEN = "shpat_catalog"
PRODUCT_SET = """
mutation Set($input: ProductSetInput!, $identifier: ProductSetIdentifiers) {
  productSet(input: $input, identifier: $identifier, synchronous: true) {
    product { id handle variants(first: 250) { nodes { id sku inventoryItem { id } } } }
    userErrors { field message code }
  }
}"""
SET_QUANTITIES = """
mutation Stock($input: InventorySetQuantitiesInput!) {
  inventorySetQuantities(input: $input) {
    inventoryAdjustmentGroup { changes { name delta quantityAfterChange } }
    userErrors { field message code }
  }
}"""
SET_QUANTITIES_ONCE = SET_QUANTITIES.replace(
    "inventorySetQuantities(input: $input)", "inventorySetQuantities(input: $input) @idempotent(key: $key)"
).replace("($input: InventorySetQuantitiesInput!)", "($input: InventorySetQuantitiesInput!, $key: String!)")
READ_PRODUCT = """
query Read($id: ID!) {
  product(id: $id) {
    title handle status descriptionHtml vendor tags totalInventory hasOnlyDefaultVariant
    options { name position values }
    metafield(namespace: "bc", key: "item_no") { value type }
    metafields(first: 10) { nodes { namespace key value } }
    variants(first: 10) {
      nodes {
        id title sku price compareAtPrice inventoryPolicy position selectedOptions { name value }
        inventoryItem { id tracked }
        metafields(first: 5) { nodes { key value } }
      }
    }
  }
}"""
LOCATIONS = "{ locations(first: 5) { nodes { id name isActive } } }"
STOCK = """
query Stock($item: ID!, $location: ID!) {
  inventoryItem(id: $item) {
    sku variant { id }
    inventoryLevel(locationId: $location) { quantities(names: ["available", "on_hand", "committed"]) { name quantity } }
  }
}"""


class Admin:
    """An httpx client for one simulator's GraphQL endpoint."""

    def __init__(self, sim: ShopifySimulator) -> None:
        self.sim = sim
        self.http = httpx.Client(headers={"X-Shopify-Access-Token": TOKEN}, timeout=30)

    def call(self, query: str, variables: dict[str, Any] | None = None, version: str = "2025-10") -> httpx.Response:
        url = f"{self.sim.url}/admin/api/{version}/graphql.json"
        return self.http.post(url, json={"query": query, "variables": variables or {}})

    def data(self, query: str, variables: dict[str, Any] | None = None, version: str = "2025-10") -> dict[str, Any]:
        response = self.call(query, variables, version)
        assert response.status_code == 200, response.text
        body = response.json()
        assert "errors" not in body, body["errors"]
        return body["data"]

    def product_set(self, product: dict[str, Any], identifier: dict[str, Any] | None = None) -> dict[str, Any]:
        return self.data(PRODUCT_SET, {"input": product, "identifier": identifier})["productSet"]

    def set_stock(self, quantities: list[dict[str, Any]], version: str = "2025-10", **extra) -> dict[str, Any]:
        quantities_input = {"name": "available", "reason": "correction", "quantities": quantities, **extra}
        return self.data(SET_QUANTITIES, {"input": quantities_input}, version)["inventorySetQuantities"]

    def location(self) -> str:
        return self.data(LOCATIONS)["locations"]["nodes"][0]["id"]

    def control(self, method: str, path: str, body: dict[str, Any] | None = None) -> httpx.Response:
        return self.http.request(method, f"{self.sim.url}/_sim/{path}", json=body)


def variant(colour: str, sku: str | None, price: object = "12.50", **extra) -> dict[str, Any]:
    item = {"sku": sku, "tracked": True} if sku is not None else {"tracked": True}
    return {"optionValues": [{"optionName": "Kleur", "name": colour}], "price": price, "inventoryItem": item, **extra}


def mug(**changes) -> dict[str, Any]:
    product = {
        "title": "Mok",
        "status": "ACTIVE",
        "descriptionHtml": "<p>Blauw aardewerk</p>",
        "vendor": "Koppel",
        "tags": ["keuken"],
        "productOptions": [{"name": "Kleur", "values": [{"name": "Rood"}, {"name": "Blauw"}, {"name": "Groen"}]}],
        "variants": [variant("Rood", "MOK-R"), variant("Blauw", "MOK-B", "13")],
        "metafields": [{"namespace": "bc", "key": "item_no", "type": "single_line_text_field", "value": "1000"}],
    }
    return {**product, **changes}


def codes(payload: dict[str, Any]) -> list[str]:
    return [error["code"] for error in payload["userErrors"]]


def quantity(item: str, location: str, value: int, **extra) -> dict[str, Any]:
    return {"inventoryItemId": item, "locationId": location, "quantity": value, **extra}


@pytest.fixture
def clock():
    return MonotonicClock()


@pytest.fixture
def sim(clock):
    with ShopifySimulator(access_token=TOKEN, clock=clock) as running:
        yield running


@pytest.fixture
def admin(sim):
    client = Admin(sim)
    yield client
    client.http.close()


def test_graphql_needs_the_token_and_answers_with_cost_not_the_rest_call_limit(sim, admin):
    refused = httpx.post(sim.graphql_url, json={"query": LOCATIONS}, headers={"X-Shopify-Access-Token": "shpat_x"})
    answer = admin.call(LOCATIONS)
    no_query = admin.http.post(sim.graphql_url, json={"variables": {}})

    assert refused.status_code == 401
    assert refused.json()["errors"].startswith("[API] Invalid API key or access token")
    assert answer.status_code == 200
    assert answer.headers["X-Shopify-API-Version"] == "2025-10"
    assert "X-Shopify-Shop-Api-Call-Limit" not in answer.headers
    assert answer.json()["data"]["locations"]["nodes"] == [
        {"id": answer.json()["data"]["locations"]["nodes"][0]["id"], "name": "Hoofdmagazijn", "isActive": True}
    ]
    assert answer.json()["extensions"]["cost"] == {
        "requestedQueryCost": 7,
        "actualQueryCost": 3,
        "throttleStatus": {"maximumAvailable": 1000.0, "currentlyAvailable": 997, "restoreRate": 50.0},
    }
    assert (no_query.status_code, no_query.json()) == (
        400,
        {"errors": {"query": "Required parameter missing or invalid"}},
    )


def test_product_set_creates_the_product_and_it_reads_back_as_set(admin):
    payload = admin.product_set(mug())
    product = payload["product"]
    read = admin.data(READ_PRODUCT, {"id": product["id"]})["product"]
    stored = admin.control("GET", f"products/{product['id'].rsplit('/', 1)[1]}").json()

    assert payload["userErrors"] == []
    assert product["id"].startswith("gid://shopify/Product/")
    assert [v["sku"] for v in product["variants"]["nodes"]] == ["MOK-R", "MOK-B"]
    assert all(
        v["inventoryItem"]["id"].startswith("gid://shopify/InventoryItem/") for v in product["variants"]["nodes"]
    )
    assert (read["title"], read["handle"], read["status"], read["vendor"], read["tags"]) == (
        "Mok",
        "mok",
        "ACTIVE",
        "Koppel",
        ["keuken"],
    )
    assert read["options"] == [{"name": "Kleur", "position": 1, "values": ["Rood", "Blauw", "Groen"]}]
    assert read["metafield"] == {"value": "1000", "type": "single_line_text_field"}
    red, blue = read["variants"]["nodes"]
    assert (red["title"], red["price"], red["compareAtPrice"], red["inventoryPolicy"]) == (
        "Rood",
        "12.50",
        None,
        "DENY",
    )
    assert (blue["price"], blue["position"], blue["selectedOptions"]) == (
        "13.00",
        2,
        [{"name": "Kleur", "value": "Blauw"}],
    )
    assert red["inventoryItem"]["tracked"] is True
    assert read["hasOnlyDefaultVariant"] is False
    assert stored["descriptionHtml"] == "<p>Blauw aardewerk</p>"
    assert [v["sku"] for v in stored["variants"]] == ["MOK-R", "MOK-B"]
    assert admin.sim.catalog_products() == [stored]


def test_product_set_update_removes_unlisted_variants_and_keeps_what_was_not_given(admin):
    created = admin.product_set(mug())["product"]
    red_id, blue_id = (v["id"] for v in created["variants"]["nodes"])
    blue_item = created["variants"]["nodes"][1]["inventoryItem"]["id"]
    location = admin.location()

    update = {
        "id": created["id"],
        "title": "Mok XL",
        "productOptions": [{"name": "Kleur", "values": [{"name": "Rood"}, {"name": "Groen"}]}],
        "variants": [variant("Rood", "MOK-R", "14.95", compareAtPrice="16.95", id=red_id), variant("Groen", "MOK-G")],
    }
    updated = admin.product_set(update)
    read = admin.data(READ_PRODUCT, {"id": created["id"]})["product"]
    gone = admin.set_stock([quantity(blue_item, location, 5)], ignoreCompareQuantity=True)

    assert updated["userErrors"] == []
    assert [v["sku"] for v in read["variants"]["nodes"]] == ["MOK-R", "MOK-G"]
    assert read["variants"]["nodes"][0]["id"] == red_id
    assert blue_id not in {v["id"] for v in read["variants"]["nodes"]}
    assert (read["variants"]["nodes"][0]["price"], read["variants"]["nodes"][0]["compareAtPrice"]) == ("14.95", "16.95")
    assert read["title"] == "Mok XL"
    assert (read["descriptionHtml"], read["vendor"], read["tags"]) == ("<p>Blauw aardewerk</p>", "Koppel", ["keuken"])
    assert read["metafield"]["value"] == "1000"
    assert read["options"][0]["values"] == ["Rood", "Groen"]
    assert codes(gone) == ["INVALID_INVENTORY_ITEM"]
    assert gone["userErrors"][0]["field"] == ["input", "quantities", "0", "inventoryItemId"]


def test_a_variant_sent_without_its_id_is_a_new_variant_and_the_old_one_goes_with_its_stock(admin):
    """Shopify's ProductVariantSetInput.id "Specifies the product variant to update or create a new variant if
    absent", and productSet deletes the list entries not included (shopify.dev/docs/api/admin-graphql/latest/
    input-objects/ProductVariantSetInput, .../mutations/productSet): the same option values do not make it the same
    variant."""
    created = admin.product_set(mug())["product"]
    red, blue = created["variants"]["nodes"]
    location = admin.location()
    admin.set_stock([quantity(red["inventoryItem"]["id"], location, 7)], ignoreCompareQuantity=True)

    again = admin.product_set({"id": created["id"], **{k: mug()[k] for k in ("productOptions", "variants")}})
    nodes = again["product"]["variants"]["nodes"]
    gone = admin.set_stock([quantity(red["inventoryItem"]["id"], location, 5)], ignoreCompareQuantity=True)
    kept = admin.product_set(
        {
            "id": created["id"],
            "productOptions": mug()["productOptions"],
            "variants": [variant("Rood", "MOK-R", id=nodes[0]["id"]), variant("Blauw", "MOK-B", id=nodes[1]["id"])],
        }
    )

    assert again["userErrors"] == []
    assert [v["sku"] for v in nodes] == ["MOK-R", "MOK-B"]
    assert {v["id"] for v in nodes}.isdisjoint({red["id"], blue["id"]})
    assert nodes[0]["inventoryItem"]["id"] != red["inventoryItem"]["id"]
    assert codes(gone) == ["INVALID_INVENTORY_ITEM"]
    assert admin.data(STOCK, {"item": nodes[0]["inventoryItem"]["id"], "location": location})["inventoryItem"][
        "inventoryLevel"
    ]["quantities"][0] == {"name": "available", "quantity": 0}
    assert kept["product"]["variants"]["nodes"] == nodes


def test_product_set_replaces_given_metafields_and_keeps_variants_when_options_are_not_given(admin):
    created = admin.product_set(mug())["product"]
    metafields = [{"namespace": "bc", "key": "unit", "type": "single_line_text_field", "value": "STUK"}]

    admin.product_set({"id": created["id"], "metafields": metafields, "status": "DRAFT"})
    read = admin.data(READ_PRODUCT, {"id": created["id"]})["product"]

    assert read["metafields"]["nodes"] == [{"namespace": "bc", "key": "unit", "value": "STUK"}]
    assert read["metafield"] is None
    assert read["status"] == "DRAFT"
    assert [v["id"] for v in read["variants"]["nodes"]] == [v["id"] for v in created["variants"]["nodes"]]


def test_identifier_updates_by_id_or_upserts_by_handle(admin):
    created = admin.product_set(mug())["product"]

    by_id = admin.product_set({"title": "Mok 2"}, {"id": created["id"]})
    by_handle = admin.product_set({"title": "Beker"}, {"handle": "beker-1"})
    again = admin.product_set({"title": "Beker groot"}, {"handle": "beker-1"})
    both = admin.product_set({"id": created["id"], "title": "X"}, {"id": created["id"]})
    unknown = admin.product_set({"title": "X"}, {"id": "gid://shopify/Product/1"})
    unknown_input = admin.product_set({"id": "gid://shopify/Product/1", "title": "X"})

    assert by_id["product"]["id"] == created["id"]
    assert by_handle["product"]["handle"] == "beker-1"
    assert again["product"]["id"] == by_handle["product"]["id"]
    assert [v["sku"] for v in by_handle["product"]["variants"]["nodes"]] == [None]
    assert (codes(both), both["product"]) == (["ID_NOT_ALLOWED"], None)
    assert codes(unknown) == ["NOT_FOUND"]
    assert codes(unknown_input) == ["PRODUCT_DOES_NOT_EXIST"]
    read = admin.data(READ_PRODUCT, {"id": by_handle["product"]["id"]})["product"]
    assert (read["title"], read["hasOnlyDefaultVariant"]) == ("Beker groot", True)
    assert read["variants"]["nodes"][0]["selectedOptions"] == [{"name": "Title", "value": "Default Title"}]


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"variants": [variant("Rood", "A"), variant("Rood", "B")]}, ("INVALID_VARIANT", ["input", "variants", "1"])),
        (
            {"variants": [{"optionValues": [], "price": "1"}]},
            ("INVALID_VARIANT", ["input", "variants", "0", "optionValues"]),
        ),
        (
            {"variants": [variant("Paars", "A")]},
            ("OPTION_VALUE_DOES_NOT_EXIST", ["input", "variants", "0", "optionValues", "0", "name"]),
        ),
        ({"variants": [variant("Rood", "A", "-1")]}, ("INVALID_VARIANT", ["input", "variants", "0", "price"])),
        (
            {"productOptions": [{"name": f"O{n}", "values": [{"name": "x"}]} for n in range(4)]},
            ("OPTIONS_OVER_LIMIT", ["input", "productOptions"]),
        ),
        (
            {
                "productOptions": [
                    {"name": "Kleur", "values": [{"name": "Rood"}]},
                    {"name": "kleur", "values": [{"name": "x"}]},
                ]
            },
            ("DUPLICATED_OPTION_NAME", ["input", "productOptions", "1", "name"]),
        ),
        (
            {"productOptions": [{"name": "Kleur", "values": [{"name": "Rood"}, {"name": "rood"}]}]},
            ("DUPLICATED_OPTION_VALUE", ["input", "productOptions", "0", "values", "1"]),
        ),
        (
            {"productOptions": [{"name": "Kleur", "values": []}]},
            ("OPTION_VALUES_MISSING", ["input", "productOptions", "0", "values"]),
        ),
        ({"productOptions": None, "title": ""}, ("INVALID_PRODUCT", ["input", "title"])),
        (
            {"metafields": [{"namespace": "bc", "key": "qty", "type": "number_integer", "value": "veel"}]},
            ("INVALID_METAFIELD", ["input", "metafields", "0", "value"]),
        ),
        (
            {"variants": [variant("Rood", "A", id="gid://shopify/ProductVariant/1")]},
            ("PRODUCT_VARIANT_DOES_NOT_EXIST", ["input", "variants", "0", "id"]),
        ),
    ],
)
def test_product_set_user_errors_store_nothing(admin, changes, expected):
    product = {key: value for key, value in mug(**changes).items() if value is not None}
    if "productOptions" not in product:
        del product["variants"]

    payload = admin.product_set(product)

    assert payload["product"] is None
    assert (payload["userErrors"][0]["code"], payload["userErrors"][0]["field"]) == expected
    assert admin.sim.catalog_products() == []


def test_a_product_without_options_has_the_default_title_variant(admin):
    simple = admin.product_set({"title": "Thee", "productOptions": [], "variants": [variant("-", "TEA-9", "4.99")]})
    plain = admin.product_set(
        {"title": "Thee", "productOptions": [], "variants": [{"optionValues": [], "inventoryItem": {"sku": "TEA-1"}}]}
    )
    two = admin.product_set({"title": "Thee", "productOptions": [], "variants": [{"optionValues": []}] * 2})
    read = admin.data(READ_PRODUCT, {"id": plain["product"]["id"]})["product"]

    assert codes(simple) == ["OPTION_DOES_NOT_EXIST"]
    assert plain["userErrors"] == []
    assert (read["hasOnlyDefaultVariant"], read["options"]) == (
        True,
        [{"name": "Title", "position": 1, "values": ["Default Title"]}],
    )
    assert (read["variants"]["nodes"][0]["title"], read["variants"]["nodes"][0]["sku"]) == ("Default Title", "TEA-1")
    assert codes(two) == ["INVALID_VARIANT"]


def test_product_set_messages_options_and_variants_must_come_together(admin):
    without_options = admin.product_set({key: v for key, v in mug().items() if key != "productOptions"})
    duplicate = admin.product_set(mug(variants=[variant("Rood", "A"), variant("Rood", "B")]))

    assert codes(without_options) == ["PRODUCT_OPTIONS_INPUT_MISSING"]
    assert duplicate["userErrors"][0]["message"] == (
        "The variant 'Rood' already exists. Please change at least one option value."
    )


def test_more_than_2048_variants_are_refused_and_2048_are_not(admin):
    sizes = [{"name": "Maat", "values": [{"name": str(n)} for n in range(64)]}]
    colours = [{"name": "Kleur", "values": [{"name": f"K{n}"} for n in range(33)]}]

    def combos(count: int) -> list[dict[str, Any]]:
        pairs = [(s, c) for c in range(33) for s in range(64)][:count]
        values = [[{"optionName": "Maat", "name": str(s)}, {"optionName": "Kleur", "name": f"K{c}"}] for s, c in pairs]
        return [{"optionValues": v} for v in values]

    too_many = admin.product_set({"title": "Sok", "productOptions": sizes + colours, "variants": combos(2049)})
    just_right = admin.product_set({"title": "Sok", "productOptions": sizes + colours, "variants": combos(2048)})

    assert (codes(too_many), too_many["userErrors"][0]["field"]) == (["VARIANTS_OVER_LIMIT"], ["input", "variants"])
    assert just_right["userErrors"] == []
    assert len(admin.sim.catalog_products()[0]["variants"]) == 2048


def test_a_price_that_is_no_money_is_an_invalid_variable(admin):
    response = admin.call(PRODUCT_SET, {"input": mug(variants=[variant("Rood", "A", "gratis")])})

    error = response.json()["errors"][0]
    assert response.status_code == 200
    assert error["extensions"]["code"] == "INVALID_VARIABLE"
    assert "price" in error["message"]
    assert "data" not in response.json()
    assert admin.sim.catalog_products() == []


def test_duplicate_skus_are_allowed_as_in_shopify(admin):
    first = admin.product_set(mug())
    second = admin.product_set(mug())
    same_product = admin.product_set(mug(title="Mok dubbel", variants=[variant("Rood", "X"), variant("Blauw", "X")]))

    assert first["userErrors"] == second["userErrors"] == same_product["userErrors"] == []
    assert second["product"]["handle"] == "mok-1"
    found = admin.data('{ productVariants(first: 10, query: "sku:MOK-R") { nodes { sku product { id } } } }')
    assert {v["product"]["id"] for v in found["productVariants"]["nodes"]} == {
        first["product"]["id"],
        second["product"]["id"],
    }


def test_products_are_found_by_sku_and_paged_with_cursors(admin):
    ids = [
        admin.product_set(mug(title=f"Mok {n}", variants=[variant("Rood", f"SKU-{n}")]))["product"]["id"]
        for n in range(5)
    ]
    query = """query Page($after: String, $query: String) {
      products(first: 2, after: $after, query: $query) {
        edges { cursor node { id } } pageInfo { hasNextPage endCursor }
      }
    }"""

    seen, after, pages = [], None, 0
    while pages < 5:
        page = admin.data(query, {"after": after})["products"]
        seen += [edge["node"]["id"] for edge in page["edges"]]
        pages += 1
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    by_sku = admin.data(query, {"query": "sku:SKU-1 OR sku:sku-3"})["products"]["edges"]
    prefix = admin.data(query, {"query": "sku:SKU-4*"})["products"]["edges"]
    negated = admin.data("{ products(first: 10, query: \"-sku:SKU-0 title:'Mok 1'\") { nodes { id } } }")

    assert (seen, pages) == (ids, 3)
    assert [edge["node"]["id"] for edge in by_sku] == [ids[1], ids[3]]
    assert [edge["node"]["id"] for edge in prefix] == [ids[4]]
    assert negated["products"]["nodes"] == [{"id": ids[1]}]
    assert admin.data(READ_PRODUCT, {"id": "gid://shopify/Product/1"}) == {"product": None}


def test_connections_need_first_or_last_of_at_most_250(admin):
    missing = admin.call('{ products(query: "sku:A") { nodes { id } } }')
    too_many = admin.call("{ products(first: 251) { nodes { id } } }")

    assert missing.json()["errors"][0]["message"] == "you must provide one of first or last"
    assert missing.json()["data"] is None
    assert "250" in too_many.json()["errors"][0]["message"]


def test_set_quantities_sets_available_and_reads_back(admin):
    item = admin.product_set(mug())["product"]["variants"]["nodes"][0]["inventoryItem"]["id"]
    location = admin.location()

    first = admin.set_stock([quantity(item, location, 7)], ignoreCompareQuantity=True)
    second = admin.set_stock([quantity(item, location, 4, compareQuantity=7)])
    unchanged = admin.set_stock([quantity(item, location, 4)], ignoreCompareQuantity=True)
    stock = admin.data(STOCK, {"item": item, "location": location})["inventoryItem"]

    assert first == {
        "inventoryAdjustmentGroup": {
            "changes": [
                {"name": "available", "delta": 7, "quantityAfterChange": 7},
                {"name": "on_hand", "delta": 7, "quantityAfterChange": 7},
            ]
        },
        "userErrors": [],
    }
    assert second["inventoryAdjustmentGroup"]["changes"][0] == {
        "name": "available",
        "delta": -3,
        "quantityAfterChange": 4,
    }
    assert unchanged["inventoryAdjustmentGroup"]["changes"] == []
    assert stock["sku"] == "MOK-R"
    assert stock["inventoryLevel"]["quantities"] == [
        {"name": "available", "quantity": 4},
        {"name": "on_hand", "quantity": 4},
        {"name": "committed", "quantity": 0},
    ]


def test_set_quantities_user_errors_apply_nothing(admin):
    item = admin.product_set(mug())["product"]["variants"]["nodes"][0]["inventoryItem"]["id"]
    location = admin.location()
    admin.set_stock([quantity(item, location, 3)], ignoreCompareQuantity=True)

    mixed = admin.set_stock(
        [quantity(item, location, 9), quantity("gid://shopify/InventoryItem/1", location, 1)],
        ignoreCompareQuantity=True,
    )
    unknown_location = admin.set_stock([quantity(item, "gid://shopify/Location/1", 1)], ignoreCompareQuantity=True)
    bad_name = admin.set_stock([quantity(item, location, 1)], ignoreCompareQuantity=True, name="incoming", reason="x")
    no_compare = admin.set_stock([quantity(item, location, 1)])
    stale = admin.set_stock([quantity(item, location, 1, compareQuantity=2)])
    twice = admin.set_stock([quantity(item, location, 1), quantity(item, location, 2)], ignoreCompareQuantity=True)
    stock = admin.data(STOCK, {"item": item, "location": location})["inventoryItem"]

    assert (codes(mixed), mixed["inventoryAdjustmentGroup"]) == (["INVALID_INVENTORY_ITEM"], None)
    assert codes(unknown_location) == ["INVALID_LOCATION"]
    assert codes(bad_name) == ["INVALID_NAME", "INVALID_REASON"]
    assert codes(no_compare) == ["COMPARE_QUANTITY_REQUIRED"]
    assert codes(stale) == ["COMPARE_QUANTITY_STALE"]
    assert codes(twice) == ["NO_DUPLICATE_INVENTORY_ITEM_ID_GROUP_ID_PAIR"]
    assert stock["inventoryLevel"]["quantities"][0] == {"name": "available", "quantity": 3}


def test_set_quantities_takes_250_quantities_and_refuses_251(admin):
    values = [{"name": f"V{n}"} for n in range(250)]
    product_variants = [{"optionValues": [{"optionName": "Variant", "name": f"V{n}"}]} for n in range(250)]
    created = admin.product_set(
        {"title": "Schroef", "productOptions": [{"name": "Variant", "values": values}], "variants": product_variants}
    )
    items = [v["inventoryItem"]["id"] for v in created["product"]["variants"]["nodes"]]
    location = admin.location()

    full = admin.set_stock([quantity(item, location, 1) for item in items[:250]], ignoreCompareQuantity=True)
    refused = admin.call(
        SET_QUANTITIES,
        {
            "input": {
                "name": "available",
                "reason": "correction",
                "ignoreCompareQuantity": True,
                "quantities": [quantity(item, location, 2) for item in [*items, "gid://shopify/InventoryItem/1"]],
            }
        },
    ).json()

    assert created["userErrors"] == []
    assert full["userErrors"] == []
    assert len(full["inventoryAdjustmentGroup"]["changes"]) == 500
    assert refused["data"] == {"inventorySetQuantities": None}
    assert refused["errors"][0]["message"] == "The input array size of 251 is greater than the maximum allowed of 250."
    assert refused["errors"][0]["extensions"]["code"] == "MAX_INPUT_SIZE_EXCEEDED"
    assert refused["errors"][0]["path"] == ["inventorySetQuantities", "input", "quantities"]
    stock = admin.data(STOCK, {"item": items[0], "location": location})["inventoryItem"]
    assert stock["inventoryLevel"]["quantities"][0]["quantity"] == 1


def stock_input(item: str, location: str, value: int, **extra) -> dict[str, Any]:
    return {"name": "available", "reason": "correction", "quantities": [quantity(item, location, value, **extra)]}


def test_an_idempotency_key_replays_the_first_result_without_applying_again(admin):
    item = admin.product_set(mug())["product"]["variants"]["nodes"][0]["inventoryItem"]["id"]
    location = admin.location()

    def once(key: str, value: int) -> dict[str, Any]:
        variables = {"input": stock_input(item, location, value, changeFromQuantity=None), "key": key}
        return admin.data(SET_QUANTITIES_ONCE, variables, "2026-01")["inventorySetQuantities"]

    first = once("key-a", 5)
    later = once("key-b", 8)
    retried = once("key-a", 5)
    mismatch = once("key-a", 6)
    stock = admin.data(STOCK, {"item": item, "location": location})["inventoryItem"]

    assert retried == first
    assert first["inventoryAdjustmentGroup"]["changes"][0] == {
        "name": "available",
        "delta": 5,
        "quantityAfterChange": 5,
    }
    assert later["inventoryAdjustmentGroup"]["changes"][0]["quantityAfterChange"] == 8
    assert stock["inventoryLevel"]["quantities"][0] == {"name": "available", "quantity": 8}
    assert mismatch["userErrors"] == [
        {
            "field": None,
            "message": "The same idempotency key cannot be used with different operation parameters.",
            "code": "IDEMPOTENCY_KEY_PARAMETER_MISMATCH",
        }
    ]
    assert admin.control("GET", "graphql/stats").json()["calls"]["inventorySetQuantities"] == 4


def test_a_lost_answer_is_retried_safely_with_the_same_key(admin):
    item = admin.product_set(mug())["product"]["variants"]["nodes"][0]["inventoryItem"]["id"]
    location = admin.location()
    variables = {"input": stock_input(item, location, 5, changeFromQuantity=0), "key": "key-a"}
    admin.control("POST", "graphql/faults", {"fail_next": 1, "fail_after_commit": True})

    lost = admin.call(SET_QUANTITIES_ONCE, variables, "2026-04")
    retried = admin.data(SET_QUANTITIES_ONCE, variables, "2026-04")["inventorySetQuantities"]

    assert lost.status_code == 502
    assert retried["userErrors"] == []
    assert retried["inventoryAdjustmentGroup"]["changes"][0] == {
        "name": "available",
        "delta": 5,
        "quantityAfterChange": 5,
    }


def test_idempotency_keys_expire_after_24_hours(admin, clock):
    item = admin.product_set(mug())["product"]["variants"]["nodes"][0]["inventoryItem"]["id"]
    location = admin.location()
    variables = {"input": stock_input(item, location, 5, changeFromQuantity=None), "key": "key-a"}

    admin.data(SET_QUANTITIES_ONCE, variables, "2026-01")
    admin.set_stock([quantity(item, location, 1)], ignoreCompareQuantity=True)
    clock.advance(24 * 3600 + 1)
    again = admin.data(SET_QUANTITIES_ONCE, variables, "2026-01")["inventorySetQuantities"]

    assert again["inventoryAdjustmentGroup"]["changes"][0] == {
        "name": "available",
        "delta": 4,
        "quantityAfterChange": 5,
    }


def test_the_idempotent_directive_and_change_from_quantity_follow_the_api_version(admin):
    item = admin.product_set(mug())["product"]["variants"]["nodes"][0]["inventoryItem"]["id"]
    location = admin.location()
    keyed = {"input": stock_input(item, location, 5), "key": "key-a"}

    unknown_directive = admin.call(SET_QUANTITIES_ONCE, keyed, "2025-10").json()
    without_key = admin.call(SET_QUANTITIES, {"input": stock_input(item, location, 5)}, "2026-04").json()
    without_change_from = admin.call(SET_QUANTITIES_ONCE, keyed, "2026-04").json()
    ignore_removed = admin.call(
        SET_QUANTITIES_ONCE,
        {**keyed, "input": {**stock_input(item, location, 5), "ignoreCompareQuantity": True}},
        "2026-04",
    ).json()
    stale = admin.data(
        SET_QUANTITIES_ONCE, {"input": stock_input(item, location, 5, changeFromQuantity=3), "key": "k1"}, "2026-04"
    )
    current = admin.data(
        SET_QUANTITIES_ONCE, {"input": stock_input(item, location, 5, changeFromQuantity=0), "key": "k2"}, "2026-04"
    )
    blank = admin.call(
        SET_QUANTITIES_ONCE, {"input": stock_input(item, location, 6, changeFromQuantity=None), "key": " "}, "2026-04"
    ).json()

    assert "idempotent" in unknown_directive["errors"][0]["message"]
    assert without_key["errors"][0]["message"] == (
        "The @idempotent directive is required for this mutation but was not provided."
    )
    assert (without_key["errors"][0]["extensions"]["code"], without_key["data"]) == (
        "BAD_REQUEST",
        {"inventorySetQuantities": None},
    )
    assert without_change_from["errors"][0]["message"] == (
        "InventoryQuantityInput must include the following argument: changeFromQuantity."
    )
    assert without_change_from["errors"][0]["extensions"]["code"] == "INVALID_FIELD_ARGUMENTS"
    assert ignore_removed["errors"][0]["extensions"]["code"] == "INVALID_VARIABLE"
    assert codes(stale["inventorySetQuantities"]) == ["CHANGE_FROM_QUANTITY_STALE"]
    assert current["inventorySetQuantities"]["userErrors"] == []
    assert blank["errors"][0]["extensions"]["code"] == "BAD_REQUEST"


def throttled_sim(clock, **options):
    return ShopifySimulator(access_token=TOKEN, clock=clock, **options)


def test_the_cost_bucket_throttles_and_refills_with_the_clock(clock):
    with throttled_sim(clock, graphql_bucket_size=30, graphql_restore_rate=10) as sim:
        admin = Admin(sim)
        answers = [admin.call(PRODUCT_SET, {"input": {"title": f"Mok {n}"}}) for n in range(4)]
        clock.advance(0.5)
        still = admin.call(PRODUCT_SET, {"input": {"title": "Mok 5"}})
        clock.advance(0.5)
        later = admin.call(PRODUCT_SET, {"input": {"title": "Mok 6"}})
        stats = admin.control("GET", "graphql/stats").json()
        stored = sim.catalog_products()
        admin.http.close()

    assert [a.status_code for a in answers] == [200, 200, 200, 200]
    assert [a.json()["extensions"]["cost"]["throttleStatus"]["currentlyAvailable"] for a in answers[:3]] == [20, 10, 0]
    throttled = answers[3].json()
    assert throttled["errors"] == [
        {
            "message": "Throttled",
            "extensions": {"code": "THROTTLED", "documentation": "https://shopify.dev/api/usage/rate-limits"},
        }
    ]
    assert "data" not in throttled
    assert throttled["extensions"]["cost"] == {
        "requestedQueryCost": 10,
        "actualQueryCost": None,
        "throttleStatus": {"maximumAvailable": 30.0, "currentlyAvailable": 0, "restoreRate": 10.0},
    }
    assert "errors" in still.json()
    assert later.json()["data"]["productSet"]["userErrors"] == []
    assert len(stored) == 4
    assert (stats["calls"], stats["throttled"]) == ({"productSet": 4}, {"productSet": 2})


def test_queries_are_priced_by_first_and_refunded_by_what_came_back(clock):
    query = "{ products(first: 40) { nodes { id variants(first: 2) { nodes { sku } } } } }"
    with throttled_sim(clock, graphql_bucket_size=300, graphql_restore_rate=10) as sim:
        admin = Admin(sim)
        admin.product_set(mug())
        after_set = admin.call(LOCATIONS).json()["extensions"]["cost"]["throttleStatus"]["currentlyAvailable"]
        cost = admin.call(query).json()["extensions"]["cost"]
        admin.http.close()

    assert (cost["requestedQueryCost"], cost["actualQueryCost"]) == (2 + 40 * (1 + 2 + 2 * 1), 2 + 1 * (1 + 2 + 2))
    assert cost["throttleStatus"]["currentlyAvailable"] == after_set - cost["actualQueryCost"]


def test_a_query_above_1000_points_is_refused_whatever_the_bucket_holds(admin):
    query = "{ products(first: 250) { nodes { variants(first: 250) { nodes { id } } } } }"

    body = admin.call(query).json()

    assert body["errors"][0]["extensions"]["code"] == "MAX_COST_EXCEEDED"
    assert body["errors"][0]["message"].startswith("Query cost is 63252, which exceeds the single query max cost limit")
    assert body["extensions"]["cost"]["throttleStatus"]["currentlyAvailable"] == 1000


def test_faults_fail_calls_before_or_after_commit_and_throttle(admin):
    assert admin.control("POST", "graphql/faults", {"fail_next": 2}).json()["fail_next"] == 2
    failed = [admin.call(PRODUCT_SET, {"input": {"title": f"Mok {n}"}}) for n in range(2)]
    assert admin.sim.catalog_products() == []

    admin.control("POST", "graphql/faults", {"fail_next": 1, "fail_after_commit": True, "throttle_next": 1})
    throttled = admin.call(PRODUCT_SET, {"input": {"title": "Mok A"}})
    lost = admin.call(PRODUCT_SET, {"input": {"title": "Mok B"}})
    fine = admin.call(LOCATIONS)
    cleared = admin.control("DELETE", "graphql/faults").json()
    stats = admin.control("GET", "graphql/stats").json()

    assert [f.status_code for f in failed] == [502, 502]
    assert failed[0].headers["Content-Type"].startswith("text/html")
    assert throttled.json()["errors"][0]["extensions"]["code"] == "THROTTLED"
    assert lost.status_code == 502
    assert [p["title"] for p in admin.sim.catalog_products()] == ["Mok B"]
    assert fine.status_code == 200
    assert cleared == {
        "fail_next": 0,
        "fail_status": 502,
        "fail_after_commit": False,
        "throttle_next": 0,
        "lose_answer_of": {},
        "rate_429": 0.0,
        "rate_503": 0.0,
        "rate_lost_answer": 0.0,
        "retry_after": 1.0,
        "seed": None,
    }
    assert stats["faults"] == {"502": 3}
    assert stats["calls"] == {"productSet": 1, "locations": 1}
    assert admin.control("POST", "graphql/faults", {"fail_status": 418}).status_code == 400


def test_stats_count_calls_by_operation_and_reset(admin):
    admin.product_set(mug())
    admin.data(LOCATIONS)
    admin.data("{ a: locations(first: 1) { nodes { id } } b: products(first: 1) { nodes { id } } }")

    stats = admin.control("GET", "graphql/stats").json()
    reset = admin.control("POST", "graphql/stats/reset").json()

    assert stats["requests"] == 3
    assert stats["calls"] == {"productSet": 1, "locations": 2, "products": 1}
    assert stats["cost"]["requested"] >= stats["cost"]["actual"] > 0
    assert stats["throttleStatus"]["maximumAvailable"] == 1000.0
    assert (reset["requests"], reset["calls"]) == (0, {})
    assert admin.control("GET", "products/1").status_code == 404
