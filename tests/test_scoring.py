"""matchcore.scoring: components, candidates (exact vs brute force), explanations."""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import matchcore as mc
from matchcore.scoring import (
    COMPONENTS,
    VacancyIndex,
    candidates,
    education_allowed,
    education_score,
    experience_score,
    level_score,
    major_codes,
    priority_score,
    region_score,
    salary_score,
)
from matchcore.scoring._reference import reference_candidates
from matchcore.synth import fake_prepared

# -- prepared-shaped tables from plain rows ------------------------------------------------------
S_SCHEMA = {
    "row": pl.UInt32, "seeker_id": pl.String, "category": pl.String, "desired_title": pl.String,
    "title_core": pl.String, "occupation_code": pl.String, "occupation_confidence": pl.Float64,
    "region_code": pl.String, "city_code": pl.String, "willing_region_codes": pl.List(pl.String),
    "education": pl.Int8, "major": pl.String, "graduation_year": pl.Int16,
    "salary_min": pl.Float64, "salary_max": pl.Float64, "experience_years": pl.Float64,
    "skill_level": pl.Int8, "professional_title": pl.Int8, "birth_year": pl.Int16,
    "registered_at": pl.Date,
}  # fmt: skip
V_SCHEMA = {
    "row": pl.UInt32, "vacancy_id": pl.String, "employer_id": pl.String, "title": pl.String,
    "title_core": pl.String, "occupation_code": pl.String, "occupation_confidence": pl.Float64,
    "openings": pl.Int32, "region_code": pl.String, "city_code": pl.String,
    "education_min": pl.Int8, "salary_min": pl.Float64, "salary_max": pl.Float64,
    "experience_min": pl.Float64, "skill_level_min": pl.Int8, "professional_title_min": pl.Int8,
    "age_min": pl.Int16, "age_max": pl.Int16, "industry_code": pl.String,
    "advanced_manufacturing": pl.Boolean, "internship": pl.Boolean, "session": pl.String,
    "posted_at": pl.Date, "expires_at": pl.Date, "audit": pl.List(pl.String),
}  # fmt: skip

SEEKER = {
    "seeker_id": "S1", "category": "unemployed", "desired_title": "电工", "title_core": "电工",
    "occupation_code": "6-31-01-03", "occupation_confidence": 1.0, "region_code": "370102",
    "city_code": "370100", "willing_region_codes": [], "education": 3, "major": None,
    "graduation_year": None, "salary_min": 6000.0, "salary_max": None, "experience_years": 3.0,
    "skill_level": None, "professional_title": None, "birth_year": 1990,
    "registered_at": dt.date(2026, 5, 1),
}  # fmt: skip
VACANCY = {
    "vacancy_id": "V1", "employer_id": "E1", "title": "电工", "title_core": "电工",
    "occupation_code": "6-31-01-03", "occupation_confidence": 1.0, "openings": 1,
    "region_code": "370102", "city_code": "370100", "education_min": 2, "salary_min": 6000.0,
    "salary_max": 8000.0, "experience_min": None, "skill_level_min": None,
    "professional_title_min": None, "age_min": None, "age_max": None, "industry_code": "C38",
    "advanced_manufacturing": False, "internship": False, "session": None,
    "posted_at": dt.date(2026, 6, 1), "expires_at": dt.date(2026, 9, 1), "audit": [],
}  # fmt: skip


def seekers_df(rows: list[dict]) -> pl.DataFrame:
    rows = [{**SEEKER, **r, "row": i} for i, r in enumerate(rows)]
    return pl.DataFrame(rows, schema=S_SCHEMA)


def vacancies_df(rows: list[dict]) -> pl.DataFrame:
    rows = [{**VACANCY, **r, "row": i} for i, r in enumerate(rows)]
    return pl.DataFrame(rows, schema=V_SCHEMA)


# -- components, table-driven ------------------------------------------------------------------
@pytest.mark.parametrize(
    ("seeker", "minimum", "expected"),
    [
        (3, 2, 1.0),  # 中专 >= 初中
        (5, 5, 1.0),  # 本科 = 本科
        (4, 5, 0.5),  # 大专, 本科 required: one short
        (2, 5, 0.0),  # 初中, 本科 required: far short
        (-1, 4, 0.5),  # unknown
        (0, -1, 1.0),  # none required
    ],
)
def test_education_score(seeker, minimum, expected):
    assert education_score(seeker, minimum) == pytest.approx(expected)


def test_education_allowed_tolerance():
    assert not education_allowed(4, 5, 0)
    assert education_allowed(4, 5, 1)
    assert not education_allowed(3, 5, 1)
    assert education_allowed(-1, 7, 0)


@pytest.mark.parametrize(
    ("expected", "offer", "value"),
    [
        (6000, 8000, 1.0),  # 期望6000，提供6000-8000
        (6000, 6000, 1.0),
        (6000, 4200, 0.0),  # 70 %
        (6000, 5100, 0.5),  # 85 %
        (np.nan, 5000, 0.5),
        (6000, np.nan, 0.5),
    ],
)
def test_salary_score(expected, offer, value):
    assert salary_score(expected, offer) == pytest.approx(value, abs=1e-6)


@pytest.mark.parametrize(
    ("years", "required", "value"),
    [(3, 2, 1.0), (1, 4, 0.25), (np.nan, 2, 0.5), (0, np.nan, 1.0), (0, 0, 1.0)],
)
def test_experience_score(years, required, value):
    assert experience_score(years, required) == pytest.approx(value)


@pytest.mark.parametrize(
    ("seeker", "minimum", "value"),
    [(3, 3, 1.0), (2, 3, 0.5), (1, 3, 0.0), (-1, 1, 0.0), (-1, -1, 1.0)],
)
def test_level_score(seeker, minimum, value):
    assert level_score(seeker, minimum) == pytest.approx(value)


@pytest.mark.parametrize(
    ("v_county", "v_city", "willing", "value"),
    [
        (370102, 370100, [], 1.0),  # 同在历下区
        (370103, 370100, [], 0.75),  # 同在济南市
        (370203, 370200, [], 0.4),  # 青岛: same province
        (110101, 110100, [], 0.0),  # 北京
        (370203, 370200, [370203], 1.0),  # a willing county
        (370211, 370200, [370200], 0.75),  # a willing city
        (110101, 110100, [110000], 0.4),  # a willing province
    ],
)
def test_region_score(v_county, v_city, willing, value):
    w = np.array(willing or [-1])
    wc = np.where((w % 100 != 0), w, -1)[None, :]
    wy = np.where(w % 10000 != 0, w // 100 * 100, -1)[None, :]
    wp = np.where((w > 0) & (w % 10000 == 0), w, -1)[None, :]
    got = region_score([370102], [370100], wc, wy, wp, [v_county], [v_city])
    assert float(got[0]) == pytest.approx(value)


def test_priority_score():
    assert priority_score(1, 0, 0, 0, 0) == pytest.approx(0.5)
    assert priority_score(1, 1, 0, 0, 0) == pytest.approx(1.0)
    assert priority_score(0, 0, 0, 1, 0) == pytest.approx(0.0)  # trainee post, not eligible
    assert priority_score(0, 0, 0, 1, 1) == pytest.approx(0.5)


def test_registry():
    names = [c.name for c in COMPONENTS]
    assert names == mc.scoring.component_names()
    assert set(names) == set(mc.MatchConfig().weights)
    assert all(c.low == 0 and c.high == 1 and c.higher_is_better for c in COMPONENTS)
    assert all(c.label for c in COMPONENTS)


def test_major_table_maps_by_what_the_major_trains_for():
    codes = major_codes("机械设计制造及其自动化")
    assert "2-02-07-01" in codes  # 机械设计工程技术人员
    assert any(c.startswith("2-05-08") for c in major_codes("护理"))
    # 电子商务 trains for e-commerce, not electronics (no mapping by shared characters)
    assert "4-01-06-01" in major_codes("电子商务")
    assert not any(c.startswith(("6-25", "2-02-09")) for c in major_codes("电子商务"))
    assert major_codes("不在目录里的专业名") == ()


def test_major_counts_for_graduates_not_for_a_stated_wish():
    design = "2-02-07-01"  # 机械设计工程技术人员
    grad = {
        "category": "graduate",
        "major": "机械设计制造及其自动化",
        "occupation_code": "4-01-02-01",
    }
    near = {**grad, "occupation_code": "2-02-07-02"}  # 机械制造工程: a wish in the same line
    no_wish = {**grad, "occupation_code": None}
    s = seekers_df(
        [{**grad, "seeker_id": "g1"}, {**near, "seeker_id": "g2"}, {**no_wish, "seeker_id": "g3"}]
    )
    worker = seekers_df([{**near, "category": "unemployed"}])
    no_major = seekers_df([{**near, "major": None}])
    v = vacancies_df([{"occupation_code": design, "title_core": "机械设计"}])
    off = mc.MatchConfig(min_occupation=0.0, min_score=0.0)
    occ = candidates(s, v, off).to_frame(reasons=False)
    by = dict(zip(occ["seeker_id"], occ["occupation"]))
    ids = ["g1", "g2", "g3"]
    # a major confirms a wish in its own line of work (or stands for a seeker with none); it
    # does not open another line: the graduate who wants sales is not sent to design by it
    assert by[ids[1]] == pytest.approx(0.85) and by[ids[2]] == pytest.approx(0.85)
    assert by.get(ids[0], 0.0) == 0.0
    assert candidates(worker, v, off).components["occupation"][0] == pytest.approx(0.4)
    assert candidates(no_major, v, off).components["occupation"][0] == pytest.approx(0.4)
    # under the default floor the unrelated pairs are not candidates at all
    assert candidates(worker, v).scores.nnz == 0


def test_hierarchy_aware_occupation():
    s = seekers_df([{}])
    v = vacancies_df(
        [
            {"vacancy_id": "A", "occupation_code": "6-31-01-03"},
            {"vacancy_id": "B", "occupation_code": "6-31-01-04"},
            {"vacancy_id": "C", "occupation_code": "2-06-07-02"},
        ]
    )
    c = candidates(s, v, mc.MatchConfig(min_occupation=0.0, min_score=0.0), k=3)
    occ = dict(zip(c.scores.indices.tolist(), c.components["occupation"].tolist()))
    # same code; two trades of one minor group (电工, 仪器仪表维修工); only major group shared
    assert occ == {0: 1.0, 1: pytest.approx(0.4), 2: 0.0}
    # the default floor keeps both the merely neighbouring and the unrelated one out
    assert candidates(s, v, k=3).scores.indices.tolist() == [0]


# -- hard constraints ----------------------------------------------------------------------------
def test_hard_constraints():
    s = seekers_df(
        [
            {"seeker_id": "young_grad", "category": "graduate", "birth_year": 2003, "education": 5},
            {"seeker_id": "older", "birth_year": 1980, "education": 2},
            {"seeker_id": "child", "birth_year": 2014},
        ]
    )
    v = vacancies_df(
        [
            {"vacancy_id": "bachelor", "education_min": 5},
            {"vacancy_id": "trainee", "internship": True, "education_min": None},
            {
                "vacancy_id": "qingdao",
                "region_code": "370203",
                "city_code": "370200",
                "education_min": None,
            },
            {"vacancy_id": "plain", "education_min": None},
        ]
    )
    c = candidates(s, v, k=10)
    dense = c.scores.toarray() > 0
    stored = np.zeros(c.shape, dtype=bool)
    r, col = c.pairs()
    stored[r, col] = True
    assert stored[0].tolist() == [True, True, False, True]
    assert stored[1].tolist() == [False, False, False, True]  # 初中 for 本科; not trainee-eligible
    assert not stored[2].any()  # 12 years old: outside the legal working age
    assert c.excluded.tolist() == [2]
    assert dense[0, 0]
    # tolerance of one level does not rescue 初中 -> 本科
    c1 = candidates(s, v, mc.MatchConfig(education_tolerance=1), k=10)
    assert c1.scores[[1], :].indices.tolist() == [3]
    # province scope: 青岛 becomes a candidate, scored as same province
    cp = candidates(s, v, mc.MatchConfig(scope="province", max_commute_km=None), k=10)
    row0 = dict(zip(cp.scores[[0], :].indices.tolist(), range(10)))
    assert 2 in row0


def test_willing_city_is_allowed():
    s = seekers_df([{"willing_region_codes": ["370200"]}])
    v = vacancies_df([{"region_code": "370203", "city_code": "370200"}])
    c = candidates(s, v)
    assert c.scores.nnz == 1
    assert c.components["region"][0] == pytest.approx(0.75)


def test_protected_attributes_are_ignored():
    s, v = fake_prepared(60, 40, seed=3)
    base = candidates(s, v, k=5)
    s2 = s.with_columns(gender=pl.lit("女"), ethnicity=pl.lit("汉"), marital_status=pl.lit("未婚"))
    v2 = v.with_columns(gender_required=pl.lit("男"))
    other = candidates(s2, v2, k=5)
    assert (base.scores != other.scores).nnz == 0


def test_inputs_not_mutated():
    s, v = fake_prepared(30, 20, seed=4)
    s0, v0 = s.clone(), v.clone()
    candidates(s, v, k=5).to_frame()
    assert s.equals(s0)
    assert v.equals(v0)


# -- exactness -----------------------------------------------------------------------------------
def _compare(c, ref, tol=2e-5):
    """Fast candidates equal the reference top-k, up to float32 rounding at exact ties."""
    for i, expected in ref.items():
        row = c.scores[[i], :]
        got = dict(zip(row.indices.tolist(), row.data.tolist()))
        assert len(got) == len(expected), (i, got, expected)
        exp_scores = sorted((s for _, s in expected), reverse=True)
        got_scores = sorted(got.values(), reverse=True)
        np.testing.assert_allclose(got_scores, exp_scores, atol=tol)
        if expected:
            kth = exp_scores[-1]
            must = {j for j, s in expected if s > kth + tol}
            assert must <= set(got), (i, must, got)
            for j, s in expected:
                if j in got:
                    assert got[j] == pytest.approx(s, abs=tol)


CODES = ["6-31-01-03", "6-31-01-04", "6-31-01-00", "2-06-07-02", "6-18-01-01", "4-01-02-01", None]
TITLES = ["电工", "维修电工", "车工", "销售", "", "CNC操作工"]


@st.composite
def tables(draw):
    ns = draw(st.integers(1, 6))
    nv = draw(st.integers(1, 10))
    lvl = st.none() | st.integers(0, 4)
    money = st.none() | st.sampled_from([3000.0, 4500.0, 6000.0, 8000.0])
    region = st.sampled_from(
        [("370102", "370100"), ("370103", "370100"), ("370203", "370200"), ("370300", "370300")]
    )
    seekers = []
    for i in range(ns):
        reg = draw(region)
        seekers.append(
            {
                "seeker_id": f"S{i}",
                "category": draw(st.sampled_from(["unemployed", "graduate", "other"])),
                "title_core": draw(st.sampled_from(TITLES)),
                "occupation_code": draw(st.sampled_from(CODES)),
                "region_code": reg[0],
                "city_code": reg[1],
                "willing_region_codes": draw(
                    st.lists(st.sampled_from(["370200", "370203", "370000", "370300"]), max_size=2)
                ),
                "education": draw(lvl),
                "major": draw(st.sampled_from([None, "机械设计制造及其自动化", "会计学"])),
                "salary_min": draw(money),
                "salary_max": None,
                "experience_years": draw(st.none() | st.sampled_from([0.0, 1.0, 3.0])),
                "skill_level": draw(lvl),
                "professional_title": draw(lvl),
                "birth_year": draw(st.sampled_from([1955, 1985, 2004, 2012])),
            }
        )
    vacancies = []
    for j in range(nv):
        reg = draw(region)
        lo = draw(money)
        vacancies.append(
            {
                "vacancy_id": f"V{draw(st.integers(0, 99)):02d}-{j}",
                "title_core": draw(st.sampled_from(TITLES)),
                "occupation_code": draw(st.sampled_from(CODES)),
                "region_code": reg[0],
                "city_code": reg[1],
                "education_min": draw(lvl),
                "salary_min": lo,
                "salary_max": None if lo is None else lo + draw(st.sampled_from([0.0, 2000.0])),
                "experience_min": draw(st.none() | st.sampled_from([0.0, 2.0])),
                "skill_level_min": draw(lvl),
                "professional_title_min": draw(lvl),
                "age_min": draw(st.none() | st.just(18)),
                "age_max": draw(st.none() | st.just(45)),
                "advanced_manufacturing": draw(st.booleans()),
                "internship": draw(st.booleans()),
                "session": draw(st.sampled_from([None, "先进制造业专场"])),
            }
        )
    cfg = mc.MatchConfig(
        scope=draw(st.sampled_from(["city", "province"])),
        education_tolerance=draw(st.integers(0, 1)),
        vacancy_age_limits=draw(st.booleans()),
        urgent_occupations=tuple(
            draw(st.lists(st.sampled_from(["6-31-01-00", "2-00-00-00"]), max_size=1))
        ),
        weights=draw(
            st.dictionaries(
                st.sampled_from([c.name for c in COMPONENTS]),
                st.sampled_from([0.0, 0.05, 0.3, 1.0]),
            )
        ),
    )
    k = draw(st.integers(1, 4))
    return seekers_df(seekers), vacancies_df(vacancies), cfg, k


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=tables(), group_min_k=st.sampled_from([0, 100]))
def test_candidates_equal_brute_force(data, group_min_k):
    s, v, cfg, k = data
    index = VacancyIndex(cfg, group_min_k=group_min_k, chunk_elements=7).fit(v)
    c = index.candidates(s, k=k)
    as_of = max(dt.date(2026, 5, 1), dt.date(2026, 6, 1))
    ref = reference_candidates(s, v, cfg, k, index.vectorizer_, as_of)
    _compare(c, ref)
    # the stored score is the weighted sum of the stored components
    w = cfg.normalized_weights()
    total = sum(w[n] * c.components[n].astype(np.float64) for n in w)
    np.testing.assert_allclose(c.scores.data, np.clip(total, 0, 1), atol=2e-5)


@pytest.mark.parametrize("seed", [0, 1])
@pytest.mark.parametrize("scope", ["city", "province"])
def test_blocked_equals_scan(seed, scope):
    s, v = fake_prepared(600, 2500, seed=seed, n_cities=2)
    cfg = mc.MatchConfig(scope=scope, candidates=20)
    index = VacancyIndex(cfg, group_min_k=0, chunk_elements=50_000).fit(v)
    blocked = index.candidates(s)
    scan = index.candidates(s, method="scan")
    assert blocked.stats["pairs_scored"] < scan.stats["pairs_scored"]
    assert (blocked.scores != scan.scores).nnz == 0
    np.testing.assert_array_equal(blocked.scores.indices, scan.scores.indices)
    for name in blocked.components:
        np.testing.assert_array_equal(blocked.components[name], scan.components[name])


def test_threads_do_not_change_result():
    s, v = fake_prepared(400, 300, seed=5, n_cities=3)
    a = VacancyIndex(n_jobs=1, chunk_elements=5000).fit(v).candidates(s, k=7)
    b = VacancyIndex(n_jobs=2, chunk_elements=5000).fit(v).candidates(s, k=7)
    assert (a.scores != b.scores).nnz == 0
    np.testing.assert_array_equal(a.scores.indices, b.scores.indices)


def test_result_shape_and_invariants():
    s, v = fake_prepared(300, 200, seed=6)
    c = candidates(s, v, k=8)
    assert c.shape == (300, 200)
    assert np.diff(c.scores.indptr).max() <= 8
    assert c.scores.has_sorted_indices
    assert c.scores.data.min() >= 0.0 and c.scores.data.max() <= 1.0
    for name, arr in c.components.items():
        assert arr.dtype == np.float32 and arr.shape == c.scores.data.shape, name
        assert arr.min() >= 0.0 and arr.max() <= 1.0, name


def test_to_frame_and_reason():
    s = seekers_df([{"education": 3}])
    v = vacancies_df(
        [
            {"vacancy_id": "V2", "occupation_code": "6-31-01-03", "education_min": 2},
            {"vacancy_id": "V1", "occupation_code": "6-31-01-03", "education_min": 2},
            {"vacancy_id": "V3", "occupation_code": "2-06-07-02", "title_core": "销售代表"},
        ]
    )
    df = candidates(s, v, mc.MatchConfig(min_occupation=0.0, min_score=0.0), k=3).to_frame()
    assert df.columns == [
        "seeker_id", "vacancy_id", "rank", "score", *mc.scoring.component_names(), "reason",
    ]  # fmt: skip
    assert df["rank"].to_list() == [1, 2, 3]
    assert df["vacancy_id"].to_list()[:2] == ["V1", "V2"]  # tie broken by vacancy_id
    reason = df["reason"][0]
    assert reason.startswith("职业相同（电工 6-31-01-03）；")
    assert "学历满足（高中/中专≥初中）" in reason or "学历满足（" in reason
    assert "薪资相符（期望6000，提供6000-8000）" in reason
    top1 = candidates(s, v, k=3).to_frame(top=1, reasons=False)
    assert top1.height == 1 and "reason" not in top1.columns


def test_errors():
    s, v = fake_prepared(5, 5, seed=0)
    with pytest.raises(
        mc.MissingColumns, match=r"vacancies table is missing required column\(s\) \['title_core'\]"
    ):
        VacancyIndex().fit(v.drop("title_core"))
    with pytest.raises(
        mc.InvalidParameter,
        match=r"'k' parameter of VacancyIndex.candidates must be an int in \[1, inf\)\. Got 0",
    ):
        VacancyIndex().fit(v).candidates(s, k=0)
    with pytest.raises(mc.InvalidParameter, match="call fit"):
        VacancyIndex().candidates(s)
    with pytest.raises(mc.InvalidParameter, match=r"'method'.*Got 'fast'"):
        VacancyIndex().fit(v).candidates(s, method="fast")


def test_deterministic():
    s, v = fake_prepared(200, 150, seed=9)
    a = candidates(s, v, k=5)
    b = candidates(s, v, k=5)
    assert (a.scores != b.scores).nnz == 0
    assert a.to_frame().equals(b.to_frame())


def test_empty_tables_and_missing_regions():
    s, v = fake_prepared(20, 10, seed=0)
    assert candidates(s.head(0), v).to_frame().height == 0
    assert candidates(s, v.head(0)).scores.shape == (20, 0)
    nowhere = v.with_columns(city_code=pl.lit(None, pl.String), region_code=pl.lit(None, pl.String))
    assert candidates(s, nowhere).scores.nnz == 0  # city scope: no city, no candidate
    loose = mc.MatchConfig(scope="province", min_occupation=0.0, min_score=0.0)
    assert candidates(s, nowhere, loose).scores.nnz > 0


def test_legal_working_age_is_configurable():
    s = seekers_df([{"birth_year": 2012}, {"birth_year": 1990}])
    v = vacancies_df([{}])
    assert candidates(s, v).excluded.tolist() == [0]
    wide = candidates(s, v, mc.MatchConfig(legal_working_age=(10, 65)))
    assert wide.excluded.tolist() == []
    assert wide.scores.nnz == 2


def test_urgent_occupation_and_reason_flags():
    s = seekers_df([{"category": "graduate", "birth_year": 2003}])
    v = vacancies_df(
        [{"internship": True, "advanced_manufacturing": True, "session": "先进制造业专场"}]
    )
    cfg = mc.MatchConfig(urgent_occupations=("6-31-00-00",))
    c = candidates(s, v, cfg)
    assert c.components["priority"][0] == pytest.approx(1.0)
    reason = c.explain([0], [0])[0]
    assert "重点：先进制造业企业、急需紧缺职业、就业见习岗位、专场招聘" in reason
    assert "同在历下区" in reason


def test_drop_and_shared_vectorizer():
    s, v = fake_prepared(200, 120, seed=7, n_cities=2)
    full = VacancyIndex().fit(v)
    before = full.candidates(s, k=5)
    gone = np.unique(before.scores.indices)[:10]
    after = full.drop(gone).candidates(s, k=5)
    assert not np.isin(after.scores.indices, gone).any()
    assert after.shape == before.shape
    assert not np.isin(full.candidates(s, k=5, method="scan").scores.indices, gone).any()
    with pytest.raises(
        mc.InvalidParameter, match=r"'rows' parameter of VacancyIndex.drop.*Got 120"
    ):
        full.drop([120])
    # a second index on other vacancies can reuse the first one's title vectorizer
    part = VacancyIndex().fit(v.slice(0, 30), vectorizer=full.vectorizer_)
    assert part.vectorizer_ is full.vectorizer_
    whole = VacancyIndex().fit(v)
    a = part.candidates(s, k=3).to_frame(reasons=False)
    b = (
        whole.candidates(s, k=120)
        .to_frame(reasons=False)
        .filter(pl.col("vacancy_id").is_in(v["vacancy_id"].head(30).implode()))
    )
    joined = a.join(b, on=["seeker_id", "vacancy_id"], suffix="_w")
    assert joined.height > 0
    np.testing.assert_allclose(joined["title"], joined["title_w"])
    with pytest.raises(mc.InvalidParameter, match="fitted TfidfVectorizer"):
        VacancyIndex().fit(v, vectorizer=object())


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(0, 4),
            st.sampled_from([-1.5, -0.0, 0.0, 0.25, 0.5, 1.0, float(np.float32(0.1))]),
            st.integers(0, 6),
        ),
        max_size=40,
    )
)
def test_order_by_score_is_row_then_score_then_tiebreak(entries):
    from matchcore.scoring._engine import order_by_score, rank_in_rows

    rows = np.array([e[0] for e in entries], dtype=np.int64)
    vals = np.array([e[1] for e in entries], dtype=np.float32)
    tb = np.array([e[2] for e in entries], dtype=np.int64)
    got = order_by_score(rows, vals, tb)
    want = np.lexsort((np.arange(len(rows)), tb, -vals, rows))  # -0.0 == 0.0: stable by position
    assert np.array_equal(got, want)
    ranks = rank_in_rows(rows[got])
    for r in np.unique(rows):
        assert np.array_equal(ranks[rows[got] == r], np.arange(int((rows == r).sum())))
