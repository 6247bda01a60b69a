"""The SKU rule `ITEM-CODE`, composed by the catalog and the portal and read back by order intake."""

from __future__ import annotations

from domain.catalog.sku import VariantSku, sku_of


def test_an_item_is_sold_under_its_number_and_a_variant_under_item_dash_code():
    assert sku_of("KOF-1001") == "KOF-1001"
    assert sku_of("TEX-1001", "S") == "TEX-1001-S"
    assert str(VariantSku("TEX-1001", "R-01")) == "TEX-1001-R-01"


def test_a_sku_is_read_at_its_last_dash_first_then_at_each_earlier_one():
    """Item numbers and variant codes may both hold "-": each split is a reading, the old one (the last "-") first."""
    assert VariantSku.readings("TEX-1001-R-01") == (
        VariantSku("TEX-1001-R", "01"),
        VariantSku("TEX-1001", "R-01"),
        VariantSku("TEX", "1001-R-01"),
    )


def test_what_composes_reads_back_among_the_readings():
    for item_number, variant_code in [("1000", "R-01"), ("A-B", "C"), ("A-B", "-"), ("X", "1-2-3-4-5")]:
        assert VariantSku(item_number, variant_code) in VariantSku.readings(sku_of(item_number, variant_code))


def test_readings_stay_within_bcs_field_lengths():
    """A variant code is Code[10] and an item number Code[20]: longer parts are no reading."""
    assert VariantSku.readings("ITEM-ABCDEFGHIJK") == ()
    assert VariantSku.readings("ITEM-ABCDEFGHIJ") == (VariantSku("ITEM", "ABCDEFGHIJ"),)
    assert VariantSku.readings("A" * 21 + "-S") == ()
    assert VariantSku.readings("ITEM") == ()
    assert VariantSku.readings("-S") == ()
    assert VariantSku.readings("ITEM-") == ()
    assert len(VariantSku.readings("A" + "-A" * 6)) == 5, "the split after the first A leaves a code of 11"
