"""The `document:<externalDocumentNumber>` rows of the orders table on Azurite: a web order claims its BC document
number with an insert that fails when the row exists (Azure Table "Insert Entity": 409 EntityAlreadyExists), so two
web orders never both create a BC order with one number; BC itself accepts the second (microsoft/BCApps
src/Layers/W1/BaseApp/Sales/Document/SalesHeader.Table.al, field 100, only notifies)."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

from domain.models import BcSalesOrder, OrderStatus, WebOrderKey
from domain.records import OrderRecord
from integrations.storage.account import StorageAccount
from integrations.storage.order_store import TableOrderStore
from localdev.azurite import Azurite


def _key(shop: str, order_id: str) -> WebOrderKey:
    return WebOrderKey(source="woocommerce", shop=shop, order_id=order_id)


def test_of_web_orders_claiming_one_number_at_once_exactly_one_holds_it(azurite: Azurite) -> None:
    store = TableOrderStore(StorageAccount(azurite.connection_string))
    number = f"c-{uuid.uuid4().hex[:12]}"
    keys = [_key(f"shop-{n}", "1001") for n in range(8)]

    with ThreadPoolExecutor(8) as pool:
        holders = list(pool.map(lambda key: store.claim_document(number, key), keys))

    assert len(set(map(str, holders))) == 1
    assert holders[0] in keys
    assert store.key_for_document(number.upper()) == holders[0]
    assert store.claim_document(number, holders[0]) == holders[0], "the holder finds its own claim"


def test_only_the_holder_gives_a_number_up(azurite: Azurite) -> None:
    store = TableOrderStore(StorageAccount(azurite.connection_string))
    number = f"r-{uuid.uuid4().hex[:12]}"
    holder, other = _key("shop-a", "1"), _key("shop-b", "1")
    store.claim_document(number, holder)

    store.release_document(number, other)
    assert store.key_for_document(number) == holder

    store.release_document(number, holder)
    assert store.key_for_document(number) is None
    assert store.claim_document(number, other) == other


def test_a_record_naming_its_bc_document_never_takes_another_web_orders_number(azurite: Azurite) -> None:
    store = TableOrderStore(StorageAccount(azurite.connection_string))
    number = f"F-{uuid.uuid4().hex[:12]}".upper()
    holder, late = _key("shop-a", uuid.uuid4().hex), _key("shop-b", uuid.uuid4().hex)
    document = BcSalesOrder(
        id=str(uuid.uuid4()),
        number="S-ORD1",
        status="Draft",
        customer_number="C10000",
        external_document_number=number,
        total_excluding_tax=Decimal("24.79"),
        total_tax=Decimal("5.21"),
        total_including_tax=Decimal("30.00"),
    )
    store.create(OrderRecord(key=holder, status=OrderStatus.IN_BC, bc=document))

    store.create(OrderRecord(key=late, status=OrderStatus.IN_BC, bc=document))

    assert store.key_for_document(number) == holder
