"""region: names, short names, paths and codes (current or retired) to current division codes."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matchcore._errors import AmbiguousRegion, InvalidParameter, InvalidValue, MatchcoreError
from matchcore.normalize import city_of, province_of, region, region_name, region_path


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("山东省济南市历下区", "370102"),
        ("山东济南历下", "370102"),
        ("山东 济南 历下", "370102"),
        ("山东省/济南市/历下区", "370102"),
        ("济南市历下区解放路12号", "370102"),
        ("济南", "370100"),
        ("济南市", "370100"),
        ("历下", "370102"),
        ("历下区", "370102"),
        ("  历下区 ", "370102"),
        ("濟南市", "370100"),  # traditional characters
        ("山东", "370000"),
        ("山东省", "370000"),
        ("370102", "370102"),
        (370102, "370102"),
        ("３７０１０２", "370102"),  # full-width digits
        ("370102000000", "370102"),  # 12-digit statistical code
        ("370000", "370000"),
        # retired codes and names
        ("370125", "370115"),
        ("济阳县", "370115"),
        ("山东省济南市济阳县", "370115"),
        ("章丘市", "370114"),
        ("370181", "370114"),
        ("莱芜", "370116"),
        ("莱芜市", "370116"),
        ("371200", "370116"),
        ("371203", "370117"),
        ("即墨市", "370215"),
        ("枣庄市市中区", "370402"),
        ("济南市中区", "370103"),
        ("北京", "110000"),
        ("北京市朝阳区", "110105"),
        ("内蒙古", "150000"),
        ("延边", "222400"),
        ("辽阳", "211000"),  # 辽阳市 and its 辽阳县: the wider place
        ("重庆市渝北区", "500112"),
    ],
)
def test_region(text, code):
    assert region(text) == code


@pytest.mark.parametrize("text", [None, "", "  ", "不限", "全国", float("nan")])
def test_not_stated(text):
    assert region(text) is None


@pytest.mark.parametrize(
    ("within", "code"), [("370100", "370103"), ("370400", "370402"), ("370800", None)]
)
def test_within_resolves_shared_names(within, code):
    if code is None:  # 济宁 has no 市中区 any more: still ambiguous
        with pytest.raises(AmbiguousRegion):
            region("市中区", within=within)
    else:
        assert region("市中区", within=within) == code


def test_ambiguous_lists_candidates():
    with pytest.raises(AmbiguousRegion, match=r"'市中区'.*370103 山东省济南市市中区.*370402") as ei:
        region("市中区")
    assert "370103" in ei.value.candidates
    assert isinstance(ei.value, InvalidValue)
    assert isinstance(ei.value, ValueError)


def test_within_only_narrows():
    # A name matching one place returns it even outside ``within``.
    assert region("北京", within="370000") == "110000"
    assert region("朝阳区", within="110000") == "110105"


@pytest.mark.parametrize("text", ["不存在的地方", "999999", "xyz", "济南市芝罘区", True, 3.5])
def test_unreadable(text):
    with pytest.raises(InvalidValue, match=r"cannot read region from .*: expected"):
        region(text)


def test_bad_within():
    with pytest.raises(InvalidParameter, match=r"'within' parameter of region"):
        region("济南", within="999999")


@pytest.mark.parametrize(
    ("code", "city", "province"),
    [
        ("370102", "370100", "370000"),
        ("370100", "370100", "370000"),
        ("370000", None, "370000"),
        ("110105", "110000", "110000"),
        ("110000", "110000", "110000"),
        ("429004", "429004", "420000"),  # 仙桃市, administered by the province
        ("370125", "370100", "370000"),  # retired code
    ],
)
def test_city_and_province(code, city, province):
    assert city_of(code) == city
    assert province_of(code) == province


def test_names():
    assert region_name("370102") == "历下区"
    assert region_path("370116") == "山东省济南市莱芜区"


def test_every_current_code_reads_as_itself_and_by_path():
    import csv
    from importlib import resources

    text = resources.files("matchcore.normalize").joinpath("data", "divisions.csv").read_text()
    rows = [r for r in csv.DictReader(text.splitlines()) if r["code"].isdigit()]
    assert len(rows) > 3000
    for r in rows:
        assert region(r["code"]) == r["code"]
        assert region(region_path(r["code"])) == r["code"]


def test_every_retired_code_maps_into_the_current_table():
    import csv
    from importlib import resources

    base = resources.files("matchcore.normalize").joinpath("data")
    current = {
        r["code"] for r in csv.DictReader(base.joinpath("divisions.csv").read_text().splitlines())
    }
    for r in csv.DictReader(base.joinpath("divisions_legacy.csv").read_text().splitlines()):
        code = region(r["code"])
        assert code in current or code in {"710000", "500105", "500112"}
        # A retired county stays in its province.
        assert code[:2] == r["code"][:2] or r["code"].startswith("2203") or r["code"] == "710000"


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=20))
def test_any_text_reads_or_raises_invalid_value(text):
    try:
        out = region(text)
    except MatchcoreError as e:
        out = e
    assert (
        out is None
        or isinstance(out, InvalidValue)
        or (isinstance(out, str) and len(out) == 6 and out.isdigit())
    )
