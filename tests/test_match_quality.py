"""Match quality as a caseworker reads it: suitable work or none, and reasons that are true."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import matchcore as mc
from matchcore.normalize import ANY_WORK, PRODUCTION_WORK, generic_wish, wishes
from matchcore.scoring._related import (
    MAJOR_FIT,
    NEAR,
    NEIGHBOURS,
    WITHIN_MINOR,
    licence_of,
    major_codes,
    related_table,
    relatedness,
)

DEV = Path(__file__).resolve().parents[2] / "shared" / "data" / "caseworker_dev"
DATA = Path(mc.scoring.__file__).parent / "data"
TAX = mc.occupations.load()


def _csv(name: str) -> list[dict[str, str]]:
    with open(DATA / name, encoding="utf-8") as f:
        return list(csv.DictReader(f))


# -- the reviewed tables -----------------------------------------------------------------------
def test_every_code_in_the_reviewed_tables_exists():
    for r in _csv("majors.csv"):
        for c in r["codes"].split("|"):
            assert c in TAX and TAX[c].level >= 3, (r["major"], c)
    for r in _csv("occupation_neighbours.csv"):
        for c in (r["a"], r["b"]):
            full = c + "-00" * (3 - c.count("-"))
            assert full in TAX, c
        assert 0.0 <= float(r["relatedness"]) <= 1.0
    for r in _csv("entry_occupations.csv"):
        full = r["prefix"] + "-00" * (3 - r["prefix"].count("-"))
        assert full in TAX and r["kind"] in ("production", "service"), r


def test_majors_have_no_duplicate_names():
    seen: set[str] = set()
    for r in _csv("majors.csv"):
        for name in [r["major"], *filter(None, r["aliases"].split("|"))]:
            assert name not in seen, name
            seen.add(name)


# -- relatedness -------------------------------------------------------------------------------
def test_no_credit_for_merely_sharing_a_broad_group():
    # 机械设计 / 幼儿园教师 share only major group 2; 叉车 / 焊工 only group 6
    assert relatedness("2-02-07-01", "2-08-03-00") == 0.0
    assert relatedness("6-30-05-01", "6-18-02-04") == 0.0
    assert relatedness("2-05-01-00", "2-05-08-01") == 0.0  # doctor / nurse: one medium group


def test_neighbouring_trades_and_reviewed_exceptions():
    assert relatedness("6-31-01-03", "6-29-03-02") >= NEAR  # 电工 / 电气设备安装工
    assert relatedness("4-02-06-01", "4-02-06-02") >= NEAR  # 仓储管理员 / 理货员
    assert relatedness("4-03-02-01", "4-03-02-05") == 0.0  # 厨师 / 餐厅服务员: one minor group
    # 行政 and 人事 are one post in most small firms (行政人事专员): neighbours both ways
    assert relatedness("2-06-08-01", "3-01-01-01") >= NEAR
    assert relatedness("3-01-01-01", "4-07-03-04") >= NEAR
    assert relatedness("2-06-08-01", "4-07-03-04") >= NEAR
    assert relatedness("2-06-08-01", "3-01-02-05") == 0.0  # 打字员 is not an HR job
    specific = {}  # the most specific entry decides a pair (families first, pairs after)
    for a, b, value, _note in sorted(NEIGHBOURS, key=lambda e: e[0].count("-") + e[1].count("-")):
        ca = next(c for c in TAX.codes if c.startswith(a))
        cb = next(c for c in TAX.codes if c.startswith(b))
        specific[ca, cb] = specific[cb, ca] = value
    for (ca, cb), value in specific.items():
        if ca == cb:
            continue
        for x, y in ((ca, cb),):
            # licensed work is reached only from work under the same licence
            blocked = licence_of(y) is not None and licence_of(x) != licence_of(y)
            assert relatedness(x, y) == pytest.approx(0.0 if blocked else value), (x, y)


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(TAX.codes), st.sampled_from(TAX.codes))
def test_relatedness_is_symmetric_bounded_and_one_only_for_the_same_code(a, b):
    r = relatedness(a, b)
    assert 0.0 <= r <= 1.0
    if licence_of(a) == licence_of(b):
        assert r == relatedness(b, a)
    elif licence_of(b) is not None:
        assert r == 0.0  # licensed work needs its licence
    assert (r == 1.0) == (a == b)
    if a[0] != b[0] and not any(
        (a.startswith(x) and b.startswith(y)) or (a.startswith(y) and b.startswith(x))
        for x, y, _v, _n in NEIGHBOURS
    ):
        assert r == 0.0  # across major groups only a reviewed pair relates


def test_licensed_work_needs_its_licence():
    assert relatedness("4-02-06-01", "6-30-05-01") == 0.0  # 仓管 -> 叉车
    assert relatedness("6-31-01-10", "6-31-01-03") == 0.0  # 机电维修 -> 电工
    assert relatedness("6-31-01-03", "6-29-03-02") > 0  # 电工 -> 电气设备安装工: same licence
    assert relatedness("*", "4-02-02-02") == 0.0  # 不限 -> 货车司机
    assert relatedness("2-05-08-00", "2-05-08-01") > 0  # 护理人员 -> 内科护士


def test_broad_wishes_are_read_as_entry_level_work():
    assert relatedness(PRODUCTION_WORK, "6-31-05-00") > relatedness(ANY_WORK, "6-31-05-00") > 0
    assert relatedness(PRODUCTION_WORK, "6-31-01-03") == 0.0  # 电工 needs a licence
    assert relatedness(ANY_WORK, "2-02-10-03") == 0.0  # software engineering is not entry work
    assert generic_wish("普工") == PRODUCTION_WORK and generic_wish("不限") == ANY_WORK
    assert generic_wish("电工") is None


def test_wishes_split_several_jobs():
    assert wishes("保安或者司机（C1）") == ("保安", "司机")
    assert wishes("出纳或会计助理") == ("出纳", "会计助理")
    assert wishes(None) == () and wishes("  ") == ()


def test_majors_map_by_training_not_by_characters():
    assert not any(c.startswith(("6-25", "2-02-09")) for c in major_codes("电子商务"))
    assert not any(c.startswith("2-05") for c in major_codes("国际经济与贸易"))
    assert major_codes("国际经济与贸易")
    assert major_codes("机械设计制造及其自动化 专业") == major_codes("机械设计制造及其自动化")


def test_groups_cover_every_related_column():
    rt = related_table()
    group = np.array([int(c[0]) for c in TAX.codes])
    for row in (0, 500, 1500, rt.any_work):
        hit = np.flatnonzero(rt.rel[row, : len(group)] > 0)
        for g in set(group[hit].tolist()):
            assert (int(rt.groups[row]) >> g) & 1, (row, g)


# -- suitability -------------------------------------------------------------------------------
def _people():
    seekers = pl.DataFrame(
        {
            "seeker_id": ["qc", "fork", "nurse", "general"],
            "desired_title": ["质检员", "叉车司机", "护士", "普工"],
            "category": ["unemployed", "unemployed", "graduate", "unemployed"],
            "major": ["机械设计与制造", None, "护理", None],
            "region": ["青岛市崂山区"] * 4,
            "education": ["大专", "高中", "大专", "初中"],
        }
    )
    vacancies = pl.DataFrame(
        {
            "vacancy_id": ["kinder", "qc", "cook", "pack"],
            "employer_id": ["e1", "e2", "e3", "e4"],
            "title": ["幼儿园教师", "质检员", "厨师", "包装工"],
            "openings": [3, 1, 2, 5],
            "region": ["青岛市崂山区"] * 4,
        }
    )
    return seekers, vacancies


def test_unrelated_work_is_never_proposed_and_reasons_stay_true():
    seekers, vacancies = _people()
    r = mc.match(seekers, vacancies, progress=False)
    pairs = set(r.recommendations.select("seeker_id", "vacancy_id").iter_rows())
    assert ("qc", "kinder") not in pairs and ("qc", "cook") not in pairs
    assert ("qc", "qc") in pairs and ("general", "pack") in pairs
    assert ("fork", "kinder") not in pairs and ("nurse", "cook") not in pairs
    # the nurse has nothing suitable: unmatched with that reason, not placed in unrelated work
    assert "nurse" not in r.assignments["seeker_id"].to_list()
    why = dict(r.unmatched.select("seeker_id", "code").iter_rows())
    assert why["nurse"] == "no_suitable"
    nurse = r.unmatched.filter(pl.col("seeker_id") == "nurse")["reason"][0]
    assert "没有适合" in nurse


def test_nothing_in_reach_is_told_apart_from_nothing_suitable():
    seekers = pl.DataFrame(
        {"seeker_id": ["far"], "desired_title": ["焊工"], "region": ["烟台市芝罘区"]}
    )
    vacancies = pl.DataFrame(
        {
            "vacancy_id": ["v"],
            "employer_id": ["e"],
            "title": ["焊工"],
            "openings": [1],
            "region": ["青岛市崂山区"],
        }
    )
    r = mc.match(seekers, vacancies, progress=False)
    assert r.unmatched["code"].to_list() == ["no_candidate"]


def test_floors_off_give_the_unfloored_candidates():
    seekers, vacancies = _people()
    off = mc.MatchConfig(min_occupation=0.0, min_score=0.0, max_commute_km=None)
    r = mc.match(seekers, vacancies, config=off, progress=False)
    assert (
        r.recommendations.height
        > mc.match(seekers, vacancies, progress=False).recommendations.height
    )
    claims = r.recommendations.filter(pl.col("occupation") == 0)["reason"]
    assert claims.len() > 0
    assert not claims.str.contains("专业对口|职业相同|职业相近").any()
    assert claims.str.starts_with("职业不同").all()


def test_commuting_distance_and_housing():
    seekers = pl.DataFrame({"seeker_id": ["s"], "desired_title": ["焊工"], "region": ["莱西市"]})
    vacancies = pl.DataFrame(
        {
            "vacancy_id": ["far", "far_housed", "near"],
            "employer_id": ["e"] * 3,
            "title": ["焊工", "焊工（包吃住）", "焊工"],
            "openings": [1, 1, 1],
            "region": ["青岛市黄岛区", "青岛市黄岛区", "莱西市"],
        }
    )
    r = mc.match(seekers, vacancies, progress=False)
    assert set(r.recommendations["vacancy_id"]) == {"far_housed", "near"}
    loose = mc.match(seekers, vacancies, config=mc.MatchConfig(max_commute_km=None), progress=False)
    assert set(loose.recommendations["vacancy_id"]) == {"far", "far_housed", "near"}


def test_flagged_postings_are_held_unless_the_config_includes_them():
    seekers = pl.DataFrame({"seeker_id": ["s"], "desired_title": ["保安"], "region": ["李沧区"]})
    vacancies = pl.DataFrame(
        {
            "vacancy_id": ["flag", "ok"],
            "employer_id": ["e", "f"],
            "title": ["保安员（限男性）", "保安员"],
            "openings": [1, 1],
            "region": ["李沧区", "李沧区"],
        }
    )
    r = mc.match(seekers, vacancies, progress=False)
    assert r.recommendations["vacancy_id"].to_list() == ["ok"]
    assert "flag" in r.audit["vacancy_id"].to_list()
    inc = mc.match(seekers, vacancies, config=mc.MatchConfig(include_flagged=True), progress=False)
    flagged = inc.recommendations.filter(pl.col("vacancy_id") == "flag")["reason"]
    assert flagged.len() == 1 and "待审核" in flagged[0]


# -- the hand-judged development set ------------------------------------------------------------
@pytest.fixture(scope="module")
def dev():
    if not DEV.is_dir():
        pytest.skip(f"caseworker development set not found at {DEV}")
    s = pl.read_csv(DEV / "seekers.csv", infer_schema=False)
    v = pl.read_csv(DEV / "vacancies.csv", infer_schema=False)
    j = pl.read_csv(DEV / "judgements.csv", infer_schema=False)
    return s, v, j, mc.match(s, v, progress=False)


def test_reason_phrases_match_their_definitions(dev):
    """Each occupation phrase of every recommendation is checked against what it claims."""
    _s, _v, _j, r = dev
    ps, pv = r.seekers, r.vacancies
    recs = r.recommendations.join(
        ps.select("seeker_id", "occupation_codes", "major", "category"), on="seeker_id"
    ).join(pv.select("vacancy_id", pl.col("occupation_code").alias("v_code")), on="vacancy_id")
    assert recs.height > 0
    for row in recs.iter_rows(named=True):
        reason, wishes_, code = row["reason"], row["occupation_codes"], row["v_code"]
        best = max((relatedness(w, code) for w in wishes_), default=0.0)
        if reason.startswith("职业相同"):
            assert code in wishes_, row
        elif reason.startswith("职业相近"):
            assert best >= NEAR, row
        elif reason.startswith("专业对口"):
            assert any(relatedness(m, code) >= WITHIN_MINOR for m in major_codes(row["major"]))
            assert row["occupation"] == pytest.approx(MAJOR_FIT)
        elif reason.startswith("符合"):
            assert {PRODUCTION_WORK, ANY_WORK} & set(wishes_), row
        else:
            assert reason.startswith("职业关联较弱"), row


def test_dev_set_figures(dev):
    s, _v, j, r = dev
    f = mc.evaluate.caseworker_figures(r, j)
    # what a person achieves (the targets) is the aim; these bounds guard what landed
    # (before: 28.6 %, 67.1 %, 83.3 %, 0 of 9, 484)
    assert f.false_fit_reasons <= 5
    assert f.unsuitable_placements <= 0.03
    assert f.unsuitable_top3 <= 0.10
    assert f.good_in_top3 >= 0.85
    assert f.left_unplaced >= 0.90
    # every input seeker is in exactly one place
    placed = set(r.assignments["seeker_id"])
    left = set(r.unmatched["seeker_id"])
    assert not placed & left and placed | left >= set(s["seeker_id"]) - set(
        r.rejected.filter(pl.col("table") == "seekers")["id"].drop_nulls()
    )


def test_in_reach_counts_equal_a_count_of_each_citys_rows():
    s, v = mc.synth.province(300, 200, seed=1)
    p = mc.records.prepare(s, v)
    index = mc.scoring.VacancyIndex().fit(p.vacancies).drop([0, 1, 2, 3, 4])
    sf = index.transform(p.seekers)
    sizes = np.array([len(index._rows(c, None)) for c in range(len(index.cities_) + 1)] + [0])
    slow = np.zeros(sf.n, dtype=np.int64)
    for col in index._seeker_cities(sf):
        slow += sizes[np.where(col >= 0, col, len(sizes) - 1)]
    assert slow.sum() > 0
    np.testing.assert_array_equal(index._in_reach(sf), slow)


def test_wish_profiles_equal_a_row_by_row_reference():
    from matchcore.scoring._features import _wishes, code_table

    s, v = mc.synth.province(3000, 300, seed=2)
    p = mc.records.prepare(s, v, progress=False).seekers
    for df in (p, p.drop("occupation_codes"), p.head(5), p.head(5).drop("occupation_codes")):
        if "occupation_codes" in df.columns:
            keys = [tuple(x) if x else () for x in df["occupation_codes"].to_list()]
        else:
            keys = [(c,) if c is not None else () for c in df["occupation_code"].to_list()]
        profiles: dict[tuple, int] = {(): 0}
        slow = [profiles.setdefault(k, len(profiles)) for k in keys]
        ids, sets = _wishes(df, code_table().null)
        assert ids.tolist() == slow
        assert len(sets) == len(profiles) > 1
