import logging

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import matchcore as mc
from matchcore.occupations import UnknownOccupation, from_rows, load

TAX = load()
CODES = TAX.codes


def test_counts_per_level_of_shipped_file():
    # 2047 rows, one a code (four repeated upstream rows were removed, see data/NOTICE.md)
    assert len(TAX) == 2047
    assert [len(TAX.at_level(lv)) for lv in (1, 2, 3, 4)] == [8, 72, 335, 1632]


def _shipped_rows():
    import csv
    from importlib import resources

    text = resources.files("matchcore.occupations").joinpath("data/csco2022.csv").read_text("utf-8")
    return list(csv.DictReader(text.splitlines()))


def test_shipped_file_holds_each_code_once_and_loads_without_warning(caplog):
    rows = _shipped_rows()
    codes = [r["code"] for r in rows]
    assert len(codes) == len(set(codes)) == 2047
    with caplog.at_level(logging.WARNING, logger="matchcore.occupations._taxonomy"):
        tax = from_rows(rows, source="csco2022.csv")
    assert not caplog.records
    # the row kept for 2-03-01-00 is the upstream row with text
    assert tax["2-03-01-00"].definition.startswith("从事土壤")


def test_duplicates_are_reported_by_a_warning(caplog):
    rows = _shipped_rows()
    by_code = {r["code"]: r for r in rows}
    poor = {**by_code["2-03-01-00"], "level": "3", "definition": "", "tasks": ""}
    doubled = [*rows, poor, dict(by_code["4-12-04-02"])]
    with caplog.at_level(logging.WARNING, logger="matchcore.occupations._taxonomy"):
        tax = from_rows(doubled, source="doubled.csv")
    msg = " ".join(r.getMessage() for r in caplog.records)
    assert "doubled.csv repeats 2 code(s)" in msg
    for code in ("2-03-01-00", "4-12-04-02"):
        assert code in msg
    # the richer row wins: 2-03-01-00 keeps its definition
    assert tax["2-03-01-00"].definition.startswith("从事土壤")


def test_every_non_root_code_has_an_existing_parent():
    for occ in TAX:
        parent = TAX.parent(occ.code)
        if occ.code.endswith("-00-00-00"):
            assert parent is None
        else:
            assert parent in TAX
            assert occ.code in TAX.children(parent)


def test_contract_example():
    assert TAX["6-31-01-03"].name == "电工"
    assert TAX.ancestors("6-31-01-03") == ["6-00-00-00", "6-31-00-00", "6-31-01-00"]
    assert TAX.parent("6-31-01-03") == "6-31-01-00"


def test_codes_accepted_in_both_spellings():
    assert TAX["6310103"] is TAX["6-31-01-03"]
    assert "6310103" in TAX and "6-31-01-03" in TAX
    assert TAX.get("9-99-99-99") is None


@pytest.mark.parametrize("bad", ["6-31-01-99", "electrician", "", "63101", None, 3.5])
def test_unknown_codes_raise_with_value_and_suggestions(bad):
    with pytest.raises(UnknownOccupation, match="unknown occupation code"):
        TAX[bad]
    assert issubclass(UnknownOccupation, KeyError)
    assert issubclass(UnknownOccupation, mc.MatchcoreError)


def test_unknown_code_suggests_nearest():
    with pytest.raises(UnknownOccupation, match=r"'6-31-01-99'.*nearest codes: 6-31-01-0\d") as ei:
        TAX["6-31-01-99"]
    assert ei.value.suggestions and all(s in TAX for s in ei.value.suggestions)


def test_flags_and_names():
    occ = TAX["2-02-01-02"]  # 地球物理地球化学与遥感勘查工程技术人员L/S
    assert occ.name == "地球物理地球化学与遥感勘查工程技术人员"
    assert occ.digital and occ.green
    s = TAX["2-02-02-02"]  # 工程测量工程技术人员S
    assert s.digital and not s.green and not s.name.endswith("S")
    assert sum(o.digital for o in TAX) == 72 + 23
    assert sum(o.green for o in TAX) == 111 + 23
    assert not any(o.name.endswith(("S", "L")) for o in TAX)


def test_aliases_are_split():
    occ = TAX["4-10-03-01"]
    assert "纹绣师" in occ.aliases and "美容学徒" in occ.aliases


def test_tree_walks():
    kids = TAX.children("6-31-01-00")
    assert "6-31-01-03" in kids and kids == sorted(kids)
    assert set(TAX.descendants("6-31-00-00")) >= set(kids)
    assert len(TAX.children()) == 8
    assert TAX.depth("6-31-01-03") == 4 and TAX.depth("6-00-00-00") == 1
    # a detailed occupation whose code has a zero minor segment hangs under its medium group
    assert TAX.ancestors("1-01-00-01") == ["1-00-00-00", "1-01-00-00"]


def test_similarity_values():
    assert TAX.similarity("6-31-01-03", "6-31-01-03") == 1.0
    assert TAX.similarity("6-31-01-03", "6-31-01-04") == 0.75
    assert TAX.similarity("6-31-01-03", "2-06-07-02") == 0.0
    assert TAX.similarity("6-31-01-03", "6-31-01-00") == pytest.approx(6 / 7)
    got = TAX.similarity(["6-31-01-03", "6310104"], "6-31-01-03")
    np.testing.assert_allclose(got, [1.0, 0.75])


def test_similarity_vectorised_matches_scalar():
    rng = np.random.default_rng(0)
    a = rng.choice(CODES, 300)
    b = rng.choice(CODES, 300)
    fast = TAX.similarity(TAX.encode(a), TAX.encode(b))
    slow = [_slow_similarity(x, y) for x, y in zip(a, b)]
    np.testing.assert_allclose(fast, slow)


def _slow_similarity(a, b):
    """Reference: Wu-Palmer from explicit ancestor lists."""
    pa = [*TAX.ancestors(a), a]
    pb = [*TAX.ancestors(b), b]
    common = 0
    for x, y in zip(pa, pb):
        if x != y:
            break
        common += 1
    return 2 * common / (len(pa) + len(pb))


def test_similarity_rejects_unknown_codes():
    with pytest.raises(UnknownOccupation):
        TAX.similarity("6-31-01-03", "6-31-01-99")
    with pytest.raises(UnknownOccupation):
        TAX.similarity(np.array([6310103]), np.array([6319999]))


@given(st.sampled_from(CODES), st.sampled_from(CODES))
def test_similarity_symmetric_bounded_and_one_only_for_equal(a, b):
    s_ab = float(TAX.similarity(a, b))
    s_ba = float(TAX.similarity(b, a))
    assert s_ab == s_ba
    assert 0.0 <= s_ab <= 1.0
    assert (s_ab == 1.0) == (a == b)
    assert s_ab == pytest.approx(_slow_similarity(a, b))


def test_search_exact_then_fuzzy():
    hits = TAX.search("电工")
    assert hits[0].occupation.code == "6-31-01-03" and hits[0].score == 100
    assert TAX.search("美容学徒")[0].occupation.code == "4-10-03-01"
    fuzzy = TAX.search("汽车维修")
    assert any(h.occupation.code.startswith("4-12-01") for h in fuzzy)
    assert TAX.search("   ") == []
    with pytest.raises(mc.InvalidParameter, match="'limit' parameter"):
        TAX.search("电工", limit=0)


def test_load_is_cached():
    assert load() is load()


def test_arrays_agree_with_the_tree():
    # The index arrays (used by the title coder) say what ancestors() and depth() say, code
    # by code; level is the segment level, which is not the tree depth for a few codes.
    tax = load()
    a = tax.arrays()
    assert a is tax.arrays()
    assert list(a.codes) == tax.codes
    desc = a.desc.toarray()
    for i, c in enumerate(tax.codes):
        anc = [a.index[x] for x in tax.ancestors(c)]
        assert [j for j in a.chain[i] if j >= 0] == [*anc, i]
        assert [j for j in a.up[i] if j >= 0] == [i, *reversed(anc)]
        assert len(anc) + 1 == tax.depth(c)
        assert np.flatnonzero(desc[i]).tolist() == sorted([i, *anc])
        assert a.level[i] == mc.occupations.code_depth(c)
        assert a.names[i] == tax[c].name
    assert mc.occupations.code_depth("1-01-00-01") == 4 != tax.depth("1-01-00-01")
