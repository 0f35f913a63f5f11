"""Advanced manufacturing from GB/T 4754-2017 industry codes."""

import polars as pl
import pytest

import matchcore as mc


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("2720", True),  # chemical drug preparations (high-tech: pharmaceuticals)
        ("3741", True),  # aircraft (high-tech: aerospace)
        ("3973", True),  # integrated circuits
        ("4014", True),  # laboratory instruments
        ("C3612", True),  # new energy vehicles, with the section letter
        ("34", True),  # general equipment, a division alone
        ("2614", True),  # organic chemicals (Shandong: high-end chemicals)
        ("4343", True),  # aircraft repair (high-tech, outside manufacturing divisions)
        ("1351", False),  # slaughtering
        ("1819", False),  # garments
        ("3130", False),  # steel rolling
        ("5212", False),  # supermarkets
        ("4310", False),  # repair of metal products, not aircraft
        (None, None),
        ("机械", None),
    ],
)
def test_is_advanced_manufacturing(code, expected):
    got = mc.records.is_advanced_manufacturing(pl.Series([code], dtype=pl.Utf8)).to_list()
    assert got == [expected]


def test_integer_codes_are_read():
    got = mc.records.is_advanced_manufacturing(pl.Series([2720, 1351])).to_list()
    assert got == [True, False]


def test_prefix_lists_are_consistent():
    rec = mc.records
    assert set(rec.HIGH_TECH_PREFIXES) <= set(rec.ADVANCED_MANUFACTURING_PREFIXES)
    assert set(rec.SHANDONG_ADVANCED_PREFIXES) <= set(rec.ADVANCED_MANUFACTURING_PREFIXES)
    assert all(p.isdigit() and 2 <= len(p) <= 4 for p in rec.ADVANCED_MANUFACTURING_PREFIXES)
