"""The WooCommerce simulator's catalog over real sockets: products, variations, batches, stats and injected faults."""

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from localdev.simulators.woocommerce import WooCommerceSimulator

KEY, SECRET = "ck_test", "cs_test"


@pytest.fixture
def sim():
    with WooCommerceSimulator(consumer_key=KEY, consumer_secret=SECRET) as running:
        yield running


@pytest.fixture
def api(sim):
    with httpx.Client(base_url=sim.api_base, auth=(KEY, SECRET), timeout=30) as client:
        yield client


def control(sim, method, path, body=None):
    return httpx.request(method, f"{sim.url}/_sim/{path}", json=body, timeout=10)


def created(response):
    assert response.status_code == 201, response.text
    return response.json()


def test_catalog_routes_need_the_consumer_key_and_refuse_per_action(sim):
    base = sim.api_base
    anonymous = [
        httpx.get(f"{base}/products"),
        httpx.post(f"{base}/products", json={"name": "Mok"}),
        httpx.post(f"{base}/products/batch", json={"create": [{"name": "Mok"}]}),
        httpx.put(f"{base}/products/10", json={"name": "Mok"}, auth=(KEY, "cs_wrong")),
    ]
    by_query = httpx.get(f"{base}/products", params={"consumer_key": KEY, "consumer_secret": SECRET})

    assert [(r.status_code, r.json()["code"]) for r in anonymous] == [
        (401, "woocommerce_rest_cannot_view"),
        (401, "woocommerce_rest_cannot_create"),
        (401, "woocommerce_rest_cannot_batch"),
        (401, "woocommerce_rest_cannot_edit"),
    ]
    assert anonymous[1].json() == {
        "code": "woocommerce_rest_cannot_create",
        "message": "Sorry, you are not allowed to create resources.",
        "data": {"status": 401},
    }
    assert (by_query.status_code, by_query.json()) == (200, [])
    assert sim.catalog.products == {}


def test_a_product_is_created_read_updated_trashed_and_deleted(sim, api):
    product = created(
        api.post(
            "/products",
            json={"name": "Mok Delft", "sku": "MUG-01", "regular_price": "12.50", "description": "Blauw.\n\nHandwerk."},
        )
    )
    product_id = product["id"]

    read = api.get(f"/products/{product_id}").json()
    raw = api.get(f"/products/{product_id}", params={"context": "edit"}).json()
    updated = api.put(f"/products/{product_id}", json={"regular_price": "13.95", "status": "draft"}).json()
    trashed = api.delete(f"/products/{product_id}")
    again = api.delete(f"/products/{product_id}")
    listed = api.get("/products")
    in_trash = api.get("/products", params={"status": "trash"})
    deleted = api.delete(f"/products/{product_id}", params={"force": "true"})

    assert (product["type"], product["status"], product["slug"], product["sku"]) == (
        "simple",
        "publish",
        "mok-delft",
        "MUG-01",
    )
    assert (product["regular_price"], product["price"], product["on_sale"]) == ("12.50", "12.50", False)
    assert product["description"] == "Blauw.\n\nHandwerk."
    assert read["description"] == "<p>Blauw.</p>\n<p>Handwerk.</p>\n"
    assert raw["description"] == "Blauw.\n\nHandwerk."
    assert product["categories"] == [{"id": 15, "name": "Uncategorized", "slug": "uncategorized"}]
    assert (updated["regular_price"], updated["price"], updated["status"]) == ("13.95", "13.95", "draft")
    assert updated["date_modified_gmt"] > product["date_modified_gmt"]
    assert (trashed.status_code, trashed.json()["status"]) == (200, "draft")
    assert (again.status_code, again.json()["code"]) == (410, "woocommerce_rest_already_trashed")
    assert listed.json() == []
    assert [p["status"] for p in in_trash.json()] == ["trash"]
    assert deleted.json()["id"] == product_id
    for response, status in (
        (api.get(f"/products/{product_id}"), 404),
        (api.put(f"/products/{product_id}", json={}), 400),
    ):
        assert response.status_code == status
        assert response.json() == {
            "code": "woocommerce_rest_product_invalid_id",
            "message": "Invalid ID.",
            "data": {"status": status},
        }


def test_a_sku_is_unique_across_products_and_variations_until_its_holder_is_trashed(api):
    mug = created(api.post("/products", json={"name": "Mok", "sku": "MUG-01"}))
    shirt = created(api.post("/products", json={"name": "Shirt", "type": "variable"}))
    created(api.post(f"/products/{shirt['id']}/variations", json={"sku": "SHIRT-RED"}))

    same = api.post("/products", json={"name": "Andere mok", "sku": "MUG-01"})
    other_case = api.post("/products", json={"name": "Andere mok", "sku": " mug-01 "})
    as_variation = api.post(f"/products/{shirt['id']}/variations", json={"sku": "MUG-01"})
    taken_by_variation = api.put(f"/products/{mug['id']}", json={"sku": "SHIRT-RED"})
    own_sku = api.put(f"/products/{mug['id']}", json={"sku": "MUG-01", "name": "Mok 2"})
    api.delete(f"/products/{mug['id']}")
    after_trash = api.post("/products", json={"name": "Nieuwe mok", "sku": "MUG-01"})

    assert same.status_code == 400
    assert same.json() == {
        "code": "product_invalid_sku",
        "message": "Invalid or duplicated SKU.",
        "data": {"status": 400, "resource_id": mug["id"], "unique_sku": "MUG-01-1"},
    }
    assert other_case.json()["code"] == as_variation.json()["code"] == "product_invalid_sku"
    assert taken_by_variation.json()["code"] == "product_invalid_sku"
    assert own_sku.status_code == 200
    assert after_trash.status_code == 201


def test_invalid_values_on_the_single_routes_get_wordpress_rest_invalid_param(api):
    product = created(api.post("/products", json={"name": "Mok"}))

    response = api.put(
        f"/products/{product['id']}",
        json={"stock_status": "maybe", "regular_price": 12.5, "categories": [{"id": "abc"}], "manage_stock": "yes"},
    )
    bad_type = api.post("/products", json={"type": "bundle"})

    assert response.status_code == 400
    assert response.json() == {
        "code": "rest_invalid_param",
        "message": "Invalid parameter(s): regular_price, manage_stock, stock_status, categories",
        "data": {
            "status": 400,
            "params": {
                "regular_price": "regular_price is not of type string.",
                "manage_stock": "manage_stock is not of type boolean.",
                "stock_status": "stock_status is not one of instock, outofstock, and onbackorder.",
                "categories": "categories[0][id] is not of type integer.",
            },
            "details": {
                "regular_price": {
                    "code": "rest_invalid_type",
                    "message": "regular_price is not of type string.",
                    "data": {"param": "regular_price"},
                },
                "manage_stock": {
                    "code": "rest_invalid_type",
                    "message": "manage_stock is not of type boolean.",
                    "data": {"param": "manage_stock"},
                },
                "stock_status": {
                    "code": "rest_not_in_enum",
                    "message": "stock_status is not one of instock, outofstock, and onbackorder.",
                    "data": None,
                },
                "categories": {
                    "code": "rest_invalid_type",
                    "message": "categories[0][id] is not of type integer.",
                    "data": {"param": "categories[0][id]"},
                },
            },
        },
    }
    assert bad_type.json()["data"]["params"] == {"type": "type is not one of simple, grouped, external, and variable."}
    assert api.get(f"/products/{product['id']}").json()["stock_status"] == "instock"


def test_prices_are_strings_that_woocommerce_sanitises_rather_than_refuses(api):
    comma = created(api.post("/products", json={"name": "A", "regular_price": "12,50"}))
    words = created(api.post("/products", json={"name": "B", "regular_price": "gratis"}))
    batch = api.post(
        "/products/batch",
        json={"create": [{"name": "C", "regular_price": 12.5, "sale_price": 10, "stock_status": "maybe"}]},
    ).json()["create"][0]

    assert comma["regular_price"] == "1250"
    assert (words["regular_price"], words["price"], words["purchasable"]) == ("", "", False)
    assert (batch["regular_price"], batch["sale_price"], batch["price"]) == ("12.5", "10", "10")
    assert batch["stock_status"] == "instock"


def test_price_and_on_sale_follow_the_sale_price_and_its_dates(api):
    now = datetime.now(UTC).replace(microsecond=0)
    gmt = "%Y-%m-%dT%H:%M:%S"
    bodies = {
        "on sale": {"regular_price": "20.00", "sale_price": "15.00"},
        "not cheaper": {"regular_price": "20.00", "sale_price": "25.00"},
        "starts later": {
            "regular_price": "20.00",
            "sale_price": "15.00",
            "date_on_sale_from_gmt": (now + timedelta(days=2)).strftime(gmt),
        },
        "ended": {
            "regular_price": "20.00",
            "sale_price": "15.00",
            "date_on_sale_to_gmt": (now - timedelta(days=1)).strftime(gmt),
        },
        "running": {
            "regular_price": "20.00",
            "sale_price": "15.00",
            "date_on_sale_from": (now - timedelta(days=1)).strftime(gmt),
            "date_on_sale_to": (now + timedelta(days=1)).strftime(gmt),
        },
    }

    shown = {name: created(api.post("/products", json={"name": name, **body})) for name, body in bodies.items()}

    assert {name: (p["price"], p["on_sale"]) for name, p in shown.items()} == {
        "on sale": ("15.00", True),
        "not cheaper": ("20.00", False),
        "starts later": ("20.00", False),
        "ended": ("20.00", False),
        "running": ("15.00", True),
    }
    starts = shown["starts later"]
    local = datetime.fromisoformat(starts["date_on_sale_from"])
    assert local - datetime.fromisoformat(starts["date_on_sale_from_gmt"]) == timedelta(hours=1)


def test_a_managed_stock_decides_the_stock_status(api):
    bodies: list[dict[str, Any]] = [
        {"manage_stock": True, "stock_quantity": 4, "stock_status": "outofstock"},
        {"manage_stock": True, "stock_quantity": 0},
        {"manage_stock": True, "stock_quantity": -2, "backorders": "notify"},
        {"stock_quantity": 9, "stock_status": "onbackorder", "backorders": "yes"},
    ]

    shown = [created(api.post("/products", json={"name": "Stock", **body})) for body in bodies]

    assert [(p["stock_quantity"], p["stock_status"], p["backorders"], p["backordered"]) for p in shown] == [
        (4, "instock", "no", False),
        (0, "outofstock", "no", False),
        (-2, "onbackorder", "notify", True),
        (None, "onbackorder", "no", True),
    ]


def test_list_pages_filters_and_sku_lookups(sim, api):
    ids = sim.seed_products([{"name": f"Artikel {n:02d}", "sku": f"ART-{n:02d}"} for n in range(23)])
    sim.seed_products([{"name": "Concept", "sku": "DRAFT-1", "status": "draft"}])
    shirt = created(api.post("/products", json={"name": "Shirt", "type": "variable", "sku": "SHIRT"}))
    variation = created(api.post(f"/products/{shirt['id']}/variations", json={"sku": "SHIRT-L"}))

    pages = [
        api.get("/products", params={"per_page": 10, "page": p, "orderby": "id", "order": "asc"}) for p in (1, 2, 3)
    ]
    by_sku = api.get("/products", params={"sku": "art-03,ART-07,SHIRT-L,NOPE"})
    drafts = api.get("/products", params={"status": "draft"})
    variable = api.get("/products", params={"type": "variable"})
    by_title = api.get("/products", params={"orderby": "title", "order": "asc", "per_page": 2})
    too_many = api.get("/products", params={"per_page": 101})

    assert [(r.headers["X-WP-Total"], r.headers["X-WP-TotalPages"]) for r in pages] == [("25", "3")] * 3
    assert [p["id"] for r in pages for p in r.json()][:23] == ids
    assert 'rel="next"' in pages[0].headers["Link"]
    assert 'rel="prev"' in pages[2].headers["Link"]
    assert "next" not in pages[2].headers["Link"]
    assert sorted((p["sku"], p["type"]) for p in by_sku.json()) == [
        ("ART-03", "simple"),
        ("ART-07", "simple"),
        ("SHIRT-L", "variation"),
    ]
    found_variation = next(p for p in by_sku.json() if p["type"] == "variation")
    assert (found_variation["id"], found_variation["parent_id"]) == (variation["id"], shirt["id"])
    assert [p["sku"] for p in drafts.json()] == ["DRAFT-1"]
    assert drafts.json()[0]["slug"] == ""
    assert [p["id"] for p in variable.json()] == [shirt["id"]]
    assert [p["name"] for p in by_title.json()] == ["Artikel 00", "Artikel 01"]
    assert too_many.status_code == 400
    assert too_many.json()["data"]["params"] == {
        "per_page": "per_page must be between 1 (inclusive) and 100 (inclusive)"
    }


def test_modified_after_finds_what_changed_in_utc_or_site_time(api):
    first, second, third = (created(api.post("/products", json={"name": f"P{n}"})) for n in range(3))
    changed = api.put(f"/products/{second['id']}", json={"regular_price": "5.00"}).json()
    since = third["date_modified_gmt"]

    gmt = api.get("/products", params={"modified_after": since, "dates_are_gmt": "true"})
    local = api.get("/products", params={"modified_after": third["date_modified"]})
    with_offset = api.get("/products", params={"modified_after": since + "+00:00"})
    bad = api.get("/products", params={"modified_after": "yesterday"})

    assert changed["date_modified_gmt"] > since
    assert [p["id"] for p in gmt.json()] == [p["id"] for p in local.json()] == [second["id"]]
    assert [p["id"] for p in with_offset.json()] == [second["id"]]
    assert first["id"] not in [p["id"] for p in gmt.json()]
    assert bad.json()["data"]["params"] == {"modified_after": "Invalid date."}


def test_a_batch_handles_each_item_on_its_own_and_answers_in_request_order(api):
    keep = created(api.post("/products", json={"name": "Blijft", "sku": "KEEP"}))
    gone = created(api.post("/products", json={"name": "Weg", "sku": "GONE"}))

    response = api.post(
        "/products/batch",
        json={
            "create": [
                {"name": "Nieuw 1", "sku": "NEW-1"},
                {"name": "Dubbel", "sku": "KEEP"},
                {"name": "Nieuw 2", "id": 5},
            ],
            "update": [{"id": keep["id"], "regular_price": "9.95"}, {"id": 999_999, "regular_price": "1"}],
            "delete": [gone["id"], 0, 888_888],
        },
    )
    body = response.json()

    assert response.status_code == 200
    assert list(body) == ["create", "update", "delete"]
    assert body["create"][0]["sku"] == "NEW-1"
    assert body["create"][1] == {
        "id": 0,
        "error": {
            "code": "product_invalid_sku",
            "message": "Invalid or duplicated SKU.",
            "data": {"status": 400, "resource_id": keep["id"], "unique_sku": "KEEP-1"},
        },
    }
    assert body["create"][2]["error"]["code"] == "woocommerce_rest_product_exists"
    assert body["update"][0]["regular_price"] == "9.95"
    assert body["update"][1] == {
        "id": 999_999,
        "error": {"code": "woocommerce_rest_product_invalid_id", "message": "Invalid ID.", "data": {"status": 400}},
    }
    assert [entry["id"] for entry in body["delete"]] == [gone["id"], 888_888]
    assert body["delete"][1]["error"] == {
        "code": "woocommerce_rest_product_invalid_id",
        "message": "Invalid ID.",
        "data": {"status": 404},
    }
    assert api.get(f"/products/{gone['id']}").status_code == 404
    assert api.post("/products/batch", json={"update": [{"id": keep["id"], "name": "Blijft"}]}).json().keys() == {
        "update"
    }
    assert api.post("/products/batch", json={"create": [], "delete": []}).json() == []


def test_more_than_100_items_in_a_batch_is_a_413_for_the_whole_call(sim, api):
    creates = [{"name": f"P{n}", "sku": f"P-{n}"} for n in range(60)]

    too_many = api.post("/products/batch", json={"create": creates, "update": [{"id": 1}] * 30, "delete": [1] * 11})
    hundred = api.post("/products/batch", json={"create": creates, "delete": [1] * 40})

    assert too_many.status_code == 413
    assert too_many.json() == {
        "code": "woocommerce_rest_request_entity_too_large",
        "message": "Unable to accept more than 100 items for this request.",
        "data": {"status": 413},
    }
    assert hundred.status_code == 200
    assert len(sim.catalog.products) == 60
    with WooCommerceSimulator(consumer_key=KEY, consumer_secret=SECRET, batch_limit=5) as small:
        refused = httpx.post(f"{small.api_base}/products/batch", json={"create": creates[:6]}, auth=(KEY, SECRET))
        assert refused.json()["message"] == "Unable to accept more than 5 items for this request."


def test_variations_of_a_variable_product_singly_and_in_batches(api):
    shirt = created(
        api.post(
            "/products",
            json={
                "name": "Shirt",
                "type": "variable",
                "regular_price": "99",
                "attributes": [
                    {"name": "Maat", "options": ["S", "M"], "variation": True, "visible": True},
                    {"name": "Materiaal", "options": "Katoen | Linnen"},
                ],
            },
        )
    )
    base = f"/products/{shirt['id']}/variations"
    small = created(
        api.post(
            base,
            json={
                "sku": "SHIRT-S",
                "regular_price": "20.00",
                "manage_stock": True,
                "stock_quantity": 0,
                "attributes": [{"name": "maat", "option": "S"}, {"name": "Materiaal", "option": "Katoen"}],
            },
        )
    )

    batch = api.post(
        f"{base}/batch",
        json={
            "create": [
                {
                    "sku": "SHIRT-M",
                    "regular_price": "22.00",
                    "sale_price": "18.00",
                    "attributes": [{"name": "Maat", "option": "M"}],
                },
                {"sku": "SHIRT-S"},
            ],
            "update": [{"id": small["id"], "stock_quantity": 3}, {"id": shirt["id"], "sku": "X"}],
            "delete": [424_242],
        },
    ).json()
    parent = api.get(f"/products/{shirt['id']}").json()
    listed = api.get(base, params={"orderby": "id", "order": "asc"})
    too_many = api.post(f"{base}/batch", json={"create": [{}] * 101})
    orphan = api.post("/products/777777/variations", json={"sku": "ORPHAN"})

    assert (shirt["regular_price"], shirt["attributes"][1]["options"]) == ("", ["Katoen", "Linnen"])
    assert small["attributes"] == [{"id": 0, "name": "Maat", "slug": "maat", "option": "S"}]
    assert (small["name"], small["parent_id"], small["stock_status"]) == ("S", shirt["id"], "outofstock")
    assert batch["create"][0]["on_sale"] is True
    assert batch["create"][1]["error"]["code"] == "product_invalid_sku"
    assert (batch["update"][0]["stock_quantity"], batch["update"][0]["stock_status"]) == (3, "instock")
    assert batch["update"][1]["error"] == {
        "code": "woocommerce_rest_product_variation_invalid_id",
        "message": "Invalid ID.",
        "data": {"status": 400},
    }
    assert batch["delete"][0]["error"]["code"] == "woocommerce_rest_product_variation_invalid_id"
    assert parent["variations"] == [small["id"], batch["create"][0]["id"]]
    assert (parent["price"], parent["on_sale"], parent["stock_status"]) == ("18.00", True, "instock")
    assert [v["sku"] for v in listed.json()] == ["SHIRT-S", "SHIRT-M"]
    assert listed.headers["X-WP-Total"] == "2"
    assert too_many.status_code == 413
    assert (orphan.status_code, orphan.json()["code"]) == (404, "woocommerce_rest_product_variation_invalid_parent")
    deleted = api.delete(f"/products/{shirt['id']}", params={"force": "true"})
    assert deleted.json()["variations"] == parent["variations"]
    assert api.get(f"{base}/{small['id']}").json()["code"] == "woocommerce_rest_product_variation_invalid_id"


def test_categories_images_and_meta_data(sim, api):
    kitchen = created(control(sim, "POST", "categories", {"name": "Keuken"}))
    product = created(
        api.post(
            "/products",
            json={
                "name": "Mok",
                "categories": [{"id": kitchen["id"]}, {"id": 9999}],
                "images": [
                    {"src": "https://cdn.example.nl/mok.jpg", "alt": "Mok"},
                    {"src": "https://cdn.example.nl/b.png"},
                ],
                "meta_data": [{"key": "bc_item_no", "value": "1000"}, {"key": "_bc_etag", "value": "W/1"}],
            },
        )
    )
    image_id = product["images"][0]["id"]

    updated = api.put(
        f"/products/{product['id']}",
        json={
            "images": [{"id": image_id}],
            "meta_data": [{"key": "bc_item_no", "value": "1001"}, {"key": "_bc_etag", "value": None}],
        },
    ).json()
    bad_image = api.put(f"/products/{product['id']}", json={"images": [{"id": 31337}], "sku": "MUG-IMG"})

    assert product["categories"] == [{"id": kitchen["id"], "name": "Keuken", "slug": "keuken"}]
    assert [(i["name"], i["alt"], i["position"]) for i in product["images"]] == [("mok", "Mok", 0), ("b", "", 1)]
    assert [i["id"] for i in updated["images"]] == [image_id]
    assert [(m["key"], m["value"]) for m in updated["meta_data"]] == [("bc_item_no", "1001")]
    assert updated["meta_data"][0]["id"] == product["meta_data"][0]["id"]
    assert bad_image.json() == {
        "code": "woocommerce_product_invalid_image_id",
        "message": "#31337 is an invalid image ID.",
        "data": {"status": 400},
    }
    assert api.get(f"/products/{product['id']}").json()["sku"] == ""


def test_stats_count_requests_routes_batch_items_and_item_errors(sim, api):
    api.get("/products")
    api.post("/products/batch", json={"create": [{"name": "A", "sku": "A"}, {"name": "B", "sku": "A"}], "delete": [5]})
    api.get("/products/12345")
    httpx.get(f"{sim.api_base}/products")

    stats = control(sim, "GET", "stats").json()
    reset = control(sim, "POST", "stats/reset").json()

    assert stats["requests"] == 4
    assert stats["by_method"] == {"GET": 3, "POST": 1}
    assert stats["by_route"] == {"GET /products": 2, "POST /products/batch": 1, "GET /products/{product_id}": 1}
    assert stats["by_status"] == {"200": 2, "404": 1, "401": 1}
    assert stats["batch_calls"] == {"products": 1}
    assert stats["batch_items"] == {"products": {"create": 2, "delete": 1}}
    assert stats["item_errors"] == {"product_invalid_sku": 1, "woocommerce_rest_product_invalid_id": 1}
    assert reset["requests"] == 0
    assert reset["batch_items"] == {}


def test_injected_batch_failures_before_and_after_the_writes(sim, api):
    control(
        sim,
        "POST",
        "faults",
        {"batches": [{"status": 503, "retry_after": 30}, {"status": 500, "after_commit": True}]},
    )
    body = {"create": [{"name": "Mok", "sku": "MUG-01"}]}

    unavailable = api.post("/products/batch", json=body)
    lost = api.post("/products/batch", json=body)
    retried = api.post("/products/batch", json=body)

    assert unavailable.status_code == 503
    assert unavailable.headers["Retry-After"] == "30"
    assert unavailable.headers["Content-Type"].startswith("text/html")
    assert lost.status_code == 500
    assert lost.json()["code"] == "internal_server_error"
    assert retried.status_code == 200
    assert retried.json()["create"][0]["error"]["code"] == "product_invalid_sku"
    assert [p.sku for p in sim.catalog.products.values()] == ["MUG-01"]
    assert control(sim, "GET", "stats").json()["faults"] == {"503": 1, "500": 1}
    assert control(sim, "GET", "faults").json() == {"batches": [], "items": []}


def test_an_item_fault_fails_only_that_sku_inside_a_batch(sim, api):
    mug = created(api.post("/products", json={"name": "Mok", "sku": "MUG-01"}))
    control(
        sim,
        "POST",
        "faults",
        {"items": [{"sku": "mug-01", "count": 2}, {"sku": "TEA-9", "code": "custom", "status": 503}]},
    )

    first = api.post(
        "/products/batch",
        json={
            "create": [{"name": "Thee", "sku": "TEA-9"}, {"name": "Koffie", "sku": "COF-1"}],
            "update": [{"id": mug["id"], "regular_price": "3"}],
        },
    ).json()
    second = api.post("/products/batch", json={"delete": [mug["id"]]}).json()
    third = api.post("/products/batch", json={"update": [{"id": mug["id"], "regular_price": "4"}]}).json()
    control(sim, "DELETE", "faults")
    cleared = api.post("/products/batch", json={"create": [{"name": "Thee", "sku": "TEA-9"}]}).json()

    assert first["create"][0] == {
        "id": 0,
        "error": {"code": "custom", "message": "Simulated failure while saving the product.", "data": {"status": 503}},
    }
    assert first["create"][1]["sku"] == "COF-1"
    assert first["update"][0]["error"] == {
        "code": "woocommerce_rest_product_not_created",
        "message": "Simulated failure while saving the product.",
        "data": {"status": 400},
    }
    assert second["delete"][0] == {
        "id": mug["id"],
        "error": {
            "code": "woocommerce_rest_cannot_delete",
            "message": "The product cannot be deleted.",
            "data": {"status": 500},
        },
    }
    assert third["update"][0]["regular_price"] == "4"
    assert cleared["create"][0]["sku"] == "TEA-9"
    assert control(sim, "GET", "stats").json()["faults"] == {"item": 3}


def test_among_fifty_thousand_products_batches_and_sku_look_ups_find_the_right_ones(sim, api):
    ids = sim.seed_products(
        [{"name": f"Artikel {n}", "sku": f"BC-{n:05d}", "regular_price": "10.00"} for n in range(50_000)]
    )
    updates = [
        {"id": product_id, "regular_price": "11.00", "manage_stock": True, "stock_quantity": 4}
        for product_id in ids[-100:]
    ]
    creates = [{"name": f"Nieuw {n}", "sku": f"BC-{n:05d}" if n < 3 else f"NEW-{n}"} for n in range(100)]

    updated = api.post("/products/batch", json={"update": updates}).json()
    made = api.post("/products/batch", json={"create": creates}).json()
    found = api.get("/products", params={"sku": "BC-49999"}).json()

    assert all(entry["price"] == "11.00" for entry in updated["update"])
    assert sum("error" in entry for entry in made["create"]) == 3
    assert [p["id"] for p in found] == [ids[-1]]


def test_product_categories_are_listed_made_singly_and_in_batches_and_a_taken_name_is_term_exists(sim, api):
    made = created(api.post("/products/categories", json={"name": "Koffie"}))
    batch = api.post("/products/categories/batch", json={"create": [{"name": "Thee"}, {"name": "koffie"}, {}]}).json()
    listed = api.get("/products/categories", params={"per_page": 2})

    assert (made["name"], made["slug"], made["parent"]) == ("Koffie", "koffie", 0)
    assert batch["create"][0]["name"] == "Thee"
    assert batch["create"][1] == {
        "id": 0,
        "error": {
            "code": "term_exists",
            "message": "A term with the name provided already exists with this parent.",
            "data": {"status": 400, "resource_id": made["id"]},
        },
    }
    assert batch["create"][2]["error"]["code"] == "rest_missing_callback_param"
    assert [term["name"] for term in listed.json()] == ["Koffie", "Thee"]
    assert (listed.headers["X-WP-Total"], listed.headers["X-WP-TotalPages"]) == ("3", "2")
    assert api.get("/products/categories", params={"per_page": 0}).status_code == 400
    assert httpx.get(f"{sim.api_base}/products/categories").status_code == 401
    product = created(api.post("/products", json={"name": "Bonen", "categories": [{"id": made["id"]}]}))
    assert [term["name"] for term in product["categories"]] == ["Koffie"]
