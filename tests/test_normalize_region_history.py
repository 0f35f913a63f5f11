"""Retired county names and codes (divisions_history.csv), reviewed merges and functional zones."""

import csv
from importlib import resources

import pytest

from matchcore.normalize import region
from matchcore.normalize._region import _GENERIC, _index


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("文登市", "371003"), ("长清县", "370113"), ("垦利县", "370505"), ("沾化县", "371603"),
        ("陵县", "371403"), ("兖州市", "370812"), ("定陶县", "371703"), ("胶南市", "370211"),
        ("牟平县", "370612"), ("莱芜市钢城区", "370117"), ("威海市文登市", "371003"),
        ("山东省莱芜市钢城区", "370117"), ("山东省威海市文登市", "371003"), ("371081", "371003"),
        ("370284", "370211"), ("372131", "370612"), ("青岛市四方区", "370203"),
        ("济宁市市中区", "370811"), ("370802", "370811"), ("苍山县", "371324"),
        ("长岛县", "370614"), ("黄县", "370681"), ("掖县", "370683"), ("益都县", "370781"),
        ("莱芜钢城", "370117"), ("莱芜市莱城区", "370116"), ("青岛胶南", "370211"),
        ("德州市陵县", "371403"), ("济宁兖州", "370812"),
    ],
)  # fmt: skip
def test_retired_names_and_codes_map_to_their_successor(text, code):
    assert region(text, within="370000") == code


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("青岛西海岸新区", "370211"), ("西海岸新区", "370211"), ("济南高新区", "370100"),
        ("济南高新技术产业开发区", "370100"), ("章丘经济开发区", "370114"),
        ("淄博高新区", "370300"), ("胶州经济技术开发区", "370281"), ("青岛高新区", "370200"),
        ("烟台经济技术开发区", "370600"), ("莱芜高新区", "370116"), ("雄安新区", "130600"),
        ("青岛西海岸", "370211"), ("青岛市黄岛区（西海岸新区）", "370211"),
    ],
)  # fmt: skip
def test_functional_zones_read_as_the_district_or_city(text, code):
    assert region(text, within="370000") == code


@pytest.mark.parametrize(
    ("text", "code"),
    [("济南市（原莱芜市）钢城区", "370117"), ("原莱芜市", "370116"), ("市中区（济南）", "370103"),
     ("市中区(枣庄市)", "370402"), ("（济南）", "370100"), ("历下区（原）", "370102")],
)  # fmt: skip
def test_brackets_and_former_names(text, code):
    assert region(text) == code


def test_a_bare_zone_word_names_no_place():
    with pytest.raises(Exception, match="cannot read region"):
        region("开发区")


def _history():
    text = resources.files("matchcore.normalize").joinpath("data", "divisions_history.csv")
    return list(csv.DictReader(text.read_text("utf-8").splitlines()))


def test_every_retired_shandong_county_maps_to_a_current_code():
    idx = _index()
    seen = 0
    for row in _history():
        code, name = row["code"], row["name"]
        if not code.startswith("37") or code.endswith("00"):
            continue
        if idx.name.get(code) == name:
            continue
        seen += 1
        # a generic name (郊区, 市中区) needs its city: 济南市郊区
        city = idx.name.get(code[:4] + "00", "")
        for text in (code, city + name if name in _GENERIC else name):
            got = region(text, within="370000")
            assert got in idx.name, (text, got)
            assert got.startswith("37"), (text, got)
    assert seen > 200  # the lists hold some 212 retired Shandong pairs


def test_history_never_makes_a_current_name_ambiguous():
    # 市中区 was also a district of 济宁 until 2013: the current ones still need within=
    assert region("市中区", within="370100") == "370103"
    assert region("市中区", within="370400") == "370402"
    assert region("历下") == "370102"


def test_every_reviewed_merge_names_a_current_successor():
    idx = _index()
    text = resources.files("matchcore.normalize").joinpath("data", "division_merges.csv")
    rows = list(csv.DictReader(text.read_text("utf-8").splitlines()))
    assert rows
    for row in rows:
        assert idx.name[row["successor"]] == row["successor_name"], row
        assert row["kind"] in {"merge", "rename", "zone"}
