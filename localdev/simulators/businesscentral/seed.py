"""Deterministic demo data for one Dutch company: items with variants, customers, G/L accounts."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date

from localdev.simulators.businesscentral.catalog_reference import (
    BOX_UNIT,
    MAIN_LOCATION,
    Reference,
    ensure_reference_data,
)
from localdev.simulators.businesscentral.customers import CUSTOMER_DEFAULTS
from localdev.simulators.businesscentral.item_units import add_unit
from localdev.simulators.businesscentral.payments import seed_journals
from localdev.simulators.businesscentral.seed_bulk import seed_large_catalog
from localdev.simulators.businesscentral.seed_catalog import SPECIAL_PRICE_CUSTOMER, seed_catalog
from localdev.simulators.businesscentral.seed_random import gtin, guid
from localdev.simulators.businesscentral.store import Record, Store

COMPANY_NAME = "CRONUS Nederland Demo"
BOXED_FAMILY = "KOF"
BOX_SIZE = 6.0
"""Coffee is also sold and stocked by the box of 6."""
SHIPPING_ACCOUNT_NUMBER = "8090"
NOT_RETURNED_ACCOUNT_NUMBER = "8120"
"""A sales allowance: units a shop refunded without taking them back (KOPPEL_BC_REFUNDED_NOT_RETURNED_ACCOUNT)."""
ROUNDING_ACCOUNT_NUMBER = "8990"
"""Rounding, 0 % VAT (group NUL): a credit memo brought to a shop's refund (KOPPEL_BC_ROUNDING_ACCOUNT)."""
WEBSHOP_CUSTOMER_NUMBER = "C10000"
RANDOM_SEED = 20240501
BRANCHES_BILLED_TO = SPECIAL_PRICE_CUSTOMER
BRANCHES = (
    ("Koffiehuis De Zwaan Filiaal Utrecht", "utrecht@koffiehuisdezwaan.example.nl"),
    ("Koffiehuis De Zwaan Filiaal Zwolle", "zwolle@koffiehuisdezwaan.example.nl"),
)
"""Customers whose bill-to customer is another one: the head office with a price agreement (seed_catalog), which
BC's prices for the branches' orders follow."""
LOCATED_CUSTOMER = BRANCHES[0][0]
"""The branch whose card has a Location Code (HOOFD): an item line made for it without a location gets that one."""


@dataclass(frozen=True)
class _Range:
    """A product family: SKU prefix, names, price range, VAT group, item type and optional variants."""

    prefix: str
    names: tuple[str, ...]
    sizes: tuple[str, ...]
    low: float
    high: float
    vat_group: str
    """The VAT Prod. Posting Group."""
    item_type: str = "Inventory"
    variants: tuple[tuple[str, str], ...] = ()


_CLOTHING_SIZES = (("S", "Small"), ("M", "Medium"), ("L", "Large"), ("XL", "Extra Large"))
_COLOURS = (
    ("ZWART", "Zwart / Black"),
    ("WIT", "Wit / White"),
    ("ROOD", "Rood / Red"),
    ("BLAUW", "Blauw / Blue"),
)

_RANGES = (
    _Range(
        "KOF",
        (
            "Koffiebonen Espresso Roast",
            "Koffiebonen Huisblend",
            "Koffiebonen Colombia Supremo",
            "Koffiebonen Ethiopia Yirgacheffe",
            "Koffiebonen Brazil Santos",
            "Decaf Koffiebonen Swiss Water",
            "Filterkoffie Gemalen Medium",
            "Koffiebonen Guatemala Antigua",
            "Koffiebonen Kenya AA",
            "Koffiebonen Sumatra Mandheling",
            "Koffiebonen Peru Organic",
            "Cold Brew Blend",
        ),
        ("250 g", "500 g", "1 kg", "6 x 1 kg"),
        6.5,
        89.0,
        "LAAG",
    ),
    _Range(
        "THE",
        (
            "Groene Thee Sencha",
            "Earl Grey Thee",
            "Rooibos Vanille",
            "Verse Muntthee Blend",
            "Chai Masala",
            "English Breakfast Tea",
            "Jasmijn Parel Thee",
            "Oolong Formosa",
            "Witte Thee Pai Mu Tan",
            "Kamille Bloesem",
        ),
        ("50 g", "100 g", "250 g"),
        3.95,
        24.5,
        "LAAG",
    ),
    _Range(
        "MOK",
        (
            "Espressokopje Porselein",
            "Cappuccinokop met Schotel",
            "Latte Macchiato Glas",
            "Koffiemok Stoneware",
            "Dubbelwandig Glas",
            "Theepot Gietijzer",
        ),
        ("per stuk", "set van 2", "set van 6"),
        4.95,
        64.0,
        "HOOG",
    ),
    _Range(
        "APP",
        (
            "Handkoffiemolen Keramisch",
            "Elektrische Koffiemolen",
            "Melkopschuimer",
            "Waterkoker Zwanenhals",
            "French Press",
            "Pour-over Dripper",
            "Espressomachine Compact",
            "Koffieweegschaal met Timer",
        ),
        ("Standaard", "Deluxe"),
        14.95,
        499.0,
        "HOOG",
    ),
    _Range(
        "ACC",
        (
            "Tamper RVS",
            "Melkkan RVS",
            "Filterpapier",
            "Ontkalker",
            "Koffieblik Luchtdicht",
            "Reinigingstabletten",
            "Knockbox",
            "Barista Doek",
            "Koffiecapsules Navulbaar",
            "Kalkfilter Patroon",
            "Doseerring",
            "Melkthermometer",
        ),
        ("klein", "groot", "voordeelpak"),
        2.95,
        39.95,
        "HOOG",
    ),
    _Range(
        "TEX",
        (
            "Barista Schort Canvas",
            "T-shirt Koffieliefhebber",
            "Hoodie Roastery",
            "Pet Logo",
            "Sokken Koffieboon",
            "Polo Barista",
        ),
        ("Katoen", "Biologisch Katoen"),
        14.95,
        59.95,
        "HOOG",
        variants=_CLOTHING_SIZES,
    ),
    _Range(
        "FLS",
        ("Thermosbeker To Go", "Cold Brew Fles", "Drinkfles RVS", "Koffiebeker Bamboe"),
        ("350 ml", "500 ml"),
        12.5,
        34.95,
        "HOOG",
        variants=_COLOURS,
    ),
    _Range(
        "CHO",
        (
            "Pure Chocolade 72%",
            "Melkchocolade Karamel",
            "Stroopwafels Roomboter",
            "Cantuccini Amandel",
            "Chocolade Koffieboontjes",
            "Speculaas Koekjes",
        ),
        ("100 g", "250 g", "doos 12"),
        2.25,
        18.95,
        "LAAG",
    ),
    _Range(
        "SRV",
        ("Barista Workshop", "Onderhoudsbeurt Espressomachine", "Latte Art Masterclass"),
        ("1 persoon", "2 personen"),
        45.0,
        149.0,
        "HOOG",
        item_type="Service",
    ),
    _Range(
        "BON",
        ("Cadeaubon",),
        ("EUR 10", "EUR 25", "EUR 50", "EUR 100"),
        10.0,
        100.0,
        "NUL",
        item_type="Non-Inventory",
    ),
)

_FIRST_NAMES = (
    "Sanne",
    "Daan",
    "Emma",
    "Lucas",
    "Julia",
    "Sem",
    "Tess",
    "Finn",
    "Lotte",
    "Bram",
    "Fleur",
    "Jesse",
    "Anouk",
    "Thijs",
    "Noor",
    "Ruben",
    "Iris",
    "Milan",
    "Eva",
    "Joris",
)
_LAST_NAMES = (
    "de Vries",
    "Jansen",
    "van den Berg",
    "Bakker",
    "Visser",
    "Smit",
    "Meijer",
    "de Boer",
    "Mulder",
    "de Groot",
    "Bos",
    "Vos",
    "Peters",
    "Hendriks",
    "van Leeuwen",
    "Dekker",
)
_STREETS = (
    "Kerkstraat",
    "Dorpsstraat",
    "Stationsweg",
    "Molenstraat",
    "Schoolstraat",
    "Julianastraat",
    "Beatrixlaan",
    "Prinsengracht",
    "Lindenlaan",
    "Eikenlaan",
    "Marktplein",
    "Havenweg",
)
_NL_CITIES = (
    ("Amsterdam", "1012", "NH"),
    ("Rotterdam", "3011", "ZH"),
    ("Utrecht", "3511", "UT"),
    ("Den Haag", "2511", "ZH"),
    ("Eindhoven", "5611", "NB"),
    ("Groningen", "9711", "GR"),
    ("Zwolle", "8011", "OV"),
    ("Haarlem", "2011", "NH"),
    ("Nijmegen", "6511", "GE"),
    ("Maastricht", "6211", "LI"),
    ("Leeuwarden", "8911", "FR"),
    ("Breda", "4811", "NB"),
)
_NL_COMPANIES = (
    "Koffiehuis De Zwaan",
    "Lunchroom Het Pleintje",
    "Brasserie Oost",
    "Kantoorservice Bakker B.V.",
    "Hotel De Gouden Leeuw",
    "Cafe Mokka",
    "Bistro Jansen V.O.F.",
    "Restaurant Zee & Zo",
    "Roasters Collectief B.V.",
    "De Koffiekamer",
    "Vergadercentrum Zuid B.V.",
    "Espressobar Noord",
)
_EU_COMPANIES = (
    ("Koffiebranderij Antwerpen BV", "Meir 12", "Antwerpen", "2000", "BE", "BE0", 9),
    ("Cafe Brussel-Centraal SRL", "Rue Neuve 44", "Brussel", "1000", "BE", "BE0", 9),
    ("Gentse Koffiebar BV", "Korenmarkt 5", "Gent", "9000", "BE", "BE0", 9),
    ("Kaffeehaus Koeln GmbH", "Hohe Strasse 88", "Koeln", "50667", "DE", "DE", 9),
    ("Roesterei Duesseldorf GmbH", "Koenigsallee 21", "Duesseldorf", "40212", "DE", "DE", 9),
    ("Espresso Berlin Mitte GmbH", "Friedrichstrasse 120", "Berlin", "10117", "DE", "DE", 9),
)
_ACCOUNTS = (
    ("0500", "Eigen vermogen", "Equity", "", False, False, ""),
    ("1100", "Debiteuren", "Assets", "Receivables", False, False, ""),
    ("1300", "Bank", "Assets", "Cash", False, False, ""),
    ("1600", "Crediteuren", "Liabilities", "Payables", False, False, ""),
    ("1800", "Te betalen btw", "Liabilities", "Taxes", False, False, ""),
    ("4000", "Personeelskosten", "Expense", "Payroll", True, False, "HOOG"),
    ("4500", "Verkoopkosten", "Expense", "Selling", True, False, "HOOG"),
    ("7000", "Kostprijs van de omzet", "Cost of Goods Sold", "Materials", True, False, "HOOG"),
    ("8000", "Omzet hoog tarief", "Income", "Sales", True, False, "HOOG"),
    ("8010", "Omzet laag tarief", "Income", "Sales", True, False, "LAAG"),
    (SHIPPING_ACCOUNT_NUMBER, "Verzendkosten", "Income", "Shipping", True, False, "HOOG"),
    ("8095", "Betaalkosten doorberekend", "Income", "Other Income", True, False, "HOOG"),
    ("8100", "Verleende kortingen", "Income", "Discounts", True, False, "HOOG"),
    ("9999", "Oude verzendkosten (geblokkeerd)", "Income", "Shipping", True, True, "HOOG"),
    (NOT_RETURNED_ACCOUNT_NUMBER, "Niet-geretourneerde goederen", "Income", "Discounts", True, False, "HOOG"),
    (ROUNDING_ACCOUNT_NUMBER, "Afrondingsverschillen", "Income", "Other Income", True, False, "NUL"),
)
"""(number, name, category, sub category, direct posting, blocked, VAT Prod. Posting Group): a sales line on the
account takes the group's VAT unless it names another (taxCode). The last two come last, so the ids of the others
stay as they were."""


def seed_store(store: Store, demo_data: bool = True, catalog_items: int = 0, today: date | None = None) -> str:
    """Add the company to `store`, with items, customers, accounts and their catalog (stock, prices, orders) if
    `demo_data`, and `catalog_items` more generated items for benchmarks; returns the company id.

    Dates (campaigns, receipts, shipments) are relative to `today`: the same day always gives the same data."""
    rng = random.Random(RANDOM_SEED)
    today = today or date.today()
    company_id = guid(rng)
    store.companies.add(
        {
            "id": company_id,
            "systemVersion": "24.0.16410.18056",
            "name": COMPANY_NAME,
            "displayName": COMPANY_NAME,
            "businessProfileId": "",
            "systemCreatedAt": "2024-01-02T08:00:00Z",
            "systemModifiedAt": "2024-01-02T08:00:00Z",
        }
    )
    if demo_data:
        reference = ensure_reference_data(store)
        _seed_items(store, rng, reference)
        _seed_customers(store, rng)
        _seed_branches(store, random.Random(RANDOM_SEED + 1))
        _seed_accounts(store, rng)
        seed_catalog(store, reference, today)
    if catalog_items:
        seed_large_catalog(store, catalog_items, today)
    seed_journals(store)
    return company_id


def _gtin(rng: random.Random) -> str:
    return gtin([8, 7, *(rng.randrange(10) for _ in range(10))])


def _price(rng: random.Random, low: float, high: float) -> float:
    return round(int(rng.uniform(low, high)) + rng.choice((0.0, 0.5, 0.95)), 2)


def _inventory(rng: random.Random) -> float:
    return 0.0 if rng.random() < 0.15 else float(rng.randrange(1, 250))


def _seed_items(store: Store, rng: random.Random, reference: Reference) -> None:
    for family in _RANGES:
        sequence = 1000
        for name in family.names:
            for size in family.sizes:
                sequence += 1
                price = _price(rng, family.low, family.high)
                item = store.items.add(
                    {
                        "id": guid(rng),
                        "number": f"{family.prefix}-{sequence}",
                        "displayName": f"{name} {size}",
                        "displayName2": "",
                        "type": family.item_type,
                        "itemCategoryCode": family.prefix,
                        "blocked": len(store.items.rows) % 37 == 36,
                        "gtin": _gtin(rng) if family.item_type == "Inventory" else "",
                        "inventory": _inventory(rng) if family.item_type == "Inventory" else 0.0,
                        "unitPrice": price,
                        "priceIncludesTax": False,
                        "unitCost": round(price * 0.55, 2),
                        **reference.item_fields(family.prefix, family.item_type, family.vat_group),
                    }
                )
                add_unit(store, item["number"], item["baseUnitOfMeasureCode"], 1.0)
                if family.prefix == BOXED_FAMILY:
                    add_unit(store, item["number"], BOX_UNIT, BOX_SIZE)
                if family.variants:
                    _seed_variants(store, rng, item, family.variants)


def _seed_variants(store: Store, rng: random.Random, item: Record, variants: tuple[tuple[str, str], ...]) -> None:
    for code, description in variants:
        store.item_variants.add(
            {
                "id": guid(rng),
                "itemId": item["id"],
                "itemNumber": item["number"],
                "code": code,
                "description": f"{item['displayName']} - {description}"[:100],
            }
        )


def _customer(store: Store, rng: random.Random, **values: object) -> None:
    city, postcode, state = rng.choice(_NL_CITIES)
    record: Record = {
        **CUSTOMER_DEFAULTS,
        "id": guid(rng),
        "number": store.customer_numbers.next(),
        "type": "Person",
        "addressLine1": f"{rng.choice(_STREETS)} {rng.randrange(1, 200)}",
        "city": city,
        "state": state,
        "country": "NL",
        "postalCode": f"{postcode} {rng.choice('ABCDEFGHJKLMNPRSTVWXZ')}{rng.choice('ABCDEGHJKLNPRSTVWXZ')}",
        "phoneNumber": f"+31 6 {rng.randrange(10_000_000, 99_999_999)}",
    }
    record.update(values)
    store.customers.add(record)


def _mailbox(name: str) -> str:
    return "".join(c for c in name.lower().replace(" ", ".") if c.isalnum() or c == ".")


def _seed_customers(store: Store, rng: random.Random) -> None:
    _customer(store, rng, displayName="Webshop Consumenten", email="webshop@example.nl")
    _customer(store, rng, displayName="Sean O'Brien", email="sean.obrien@example.com")
    for index in range(28):
        name = f"{_FIRST_NAMES[index % len(_FIRST_NAMES)]} {rng.choice(_LAST_NAMES)}"
        blocked = "All" if index in (5, 17, 23) else " "
        _customer(store, rng, displayName=name, email=f"{_mailbox(name)}{index}@example.nl", blocked=blocked)
    for index, name in enumerate(_NL_COMPANIES):
        vat = f"NL{rng.randrange(100_000_000, 999_999_999)}B01"
        blocked = {3: "Ship", 7: "Invoice", 10: "All"}.get(index, " ")
        _customer(
            store,
            rng,
            displayName=name,
            type="Company",
            email=f"inkoop@{_mailbox(name).replace('.', '')[:20]}.example.nl",
            phoneNumber=f"+31 20 {rng.randrange(1_000_000, 9_999_999)}",
            taxRegistrationNumber=vat,
            creditLimit=float(rng.choice((2500, 5000, 10000))),
            blocked=blocked,
        )
    for name, street, city, postcode, country, vat_prefix, digits in _EU_COMPANIES:
        _customer(
            store,
            rng,
            displayName=name,
            type="Company",
            addressLine1=street,
            city=city,
            state="",
            postalCode=postcode,
            country=country,
            email=f"einkauf@{_mailbox(name).replace('.', '')[:20]}.example.eu",
            phoneNumber=f"+{32 if country == 'BE' else 49} {rng.randrange(10_000_000, 99_999_999)}",
            taxLiable=False,
            taxRegistrationNumber=f"{vat_prefix}{rng.randrange(10 ** (digits - 1), 10**digits)}",
            creditLimit=10000.0,
        )
    for index in range(50 - len(store.customers.rows)):
        name = f"{rng.choice(_FIRST_NAMES)} {_LAST_NAMES[index % len(_LAST_NAMES)]}"
        _customer(store, rng, displayName=name, email=f"{_mailbox(name)}.{index}@example.com")


def _seed_branches(store: Store, rng: random.Random) -> None:
    """Branches of a chain, billed to its head office: the customer card's "Bill-to Customer No." (not served by API
    v2.0 customers), so their orders and invoices carry the head office as billToCustomerNumber and its ledger gets
    their entries. Their own random numbers, so the customers seeded before stay as they were."""
    head_office = store.customers.find("displayName", BRANCHES_BILLED_TO)
    assert head_office is not None
    for name, email in BRANCHES:
        _customer(store, rng, displayName=name, type="Company", email=email, billToCustomerNumber=head_office["number"])
    located = store.customers.find("displayName", LOCATED_CUSTOMER)
    assert located is not None
    located["locationCode"] = MAIN_LOCATION


def _seed_accounts(store: Store, rng: random.Random) -> None:
    for number, name, category, sub_category, direct, blocked, vat_group in _ACCOUNTS:
        store.accounts.add(
            {
                "id": guid(rng),
                "number": number,
                "displayName": name,
                "category": category,
                "subCategory": sub_category,
                "blocked": blocked,
                "accountType": "Posting",
                "directPosting": direct,
                "vatProductPostingGroup": vat_group,
            }
        )
