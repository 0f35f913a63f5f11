"""The synthetic province: reproducible, realistic in its proportions, defects where promised."""

import numpy as np
import polars as pl
import pytest

import matchcore as mc
from matchcore.synth import _province

SEEKER_COLUMNS = [
    "seeker_id", "category", "desired_title", "desired_occupation", "region", "willing_regions",
    "education", "major", "graduation_year", "expected_salary", "experience_years",
    "skill_level", "professional_title", "birth_year", "registered_at",
]  # fmt: skip
VACANCY_COLUMNS = [
    "vacancy_id", "employer_id", "title", "occupation_code", "openings", "region",
    "education_min", "salary", "salary_min", "salary_max", "experience_min", "skill_level_min",
    "professional_title_min", "age_min", "age_max", "industry_code", "advanced_manufacturing",
    "internship", "session", "posted_at", "expires_at", "requirements",
]  # fmt: skip


@pytest.fixture(scope="module")
def prov():
    return mc.synth.province_with_truth(20_000, 4_000, seed=11)


def test_same_seed_same_tables_and_other_seed_differs():
    a = mc.synth.province(500, 100, seed=5)
    b = mc.synth.province(500, 100, seed=5)
    c = mc.synth.province(500, 100, seed=6)
    assert a[0].equals(b[0])
    assert a[1].equals(b[1])
    assert not a[0].equals(c[0])
    assert not a[1].equals(c[1])


def test_province_returns_the_raw_tables_of_province_with_truth():
    s, v = mc.synth.province(300, 80, seed=2)
    p = mc.synth.province_with_truth(300, 80, seed=2)
    assert s.equals(p.seekers)
    assert v.equals(p.vacancies)


def test_columns_and_sizes(prov):
    assert prov.seekers.columns == SEEKER_COLUMNS
    assert prov.vacancies.columns == VACANCY_COLUMNS
    assert prov.seekers.height == prov.seeker_truth.height == 20_000
    assert prov.vacancies.height == prov.vacancy_truth.height == 4_000
    assert prov.vacancies.schema["openings"] == pl.Int64
    assert prov.seekers.schema["birth_year"] == pl.Int64


def test_empty_province():
    s, v = mc.synth.province(0, 0)
    assert s.height == 0
    assert v.height == 0
    assert s.columns == SEEKER_COLUMNS


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"n_seekers": -1}, "'n_seekers' parameter of province must be an int in"),
        ({"n_vacancies": 2.5}, "'n_vacancies' parameter of province"),
        ({"seed": -3}, "'seed' parameter of province"),
        ({"province": "440000"}, "'province' parameter of province must be '370000'"),
    ],
)
def test_bad_parameters(kwargs, match):
    args = {"n_seekers": 10, "n_vacancies": 10} | kwargs
    with pytest.raises(mc.InvalidParameter, match=match):
        mc.synth.province(**args)


def test_seekers_follow_city_population(prov):
    cities = _province._vocab().cities
    expected = cities["population"].to_numpy() / cities["population"].sum()
    counts = (
        prov.seeker_truth.group_by("city_code")
        .len()
        .join(cities.select(pl.col("code").alias("city_code")), on="city_code", how="right")
    )
    got = dict(zip(counts["city_code"], counts["len"].fill_null(0), strict=True))
    observed = np.array([got[c] for c in cities["code"]]) / prov.seekers.height
    assert np.abs(observed - expected).max() < 0.01
    # Linyi (largest) has more seekers than Dongying (smallest)
    assert got["371300"] > 3 * got["370500"]


def test_truth_counties_lie_in_their_city_and_codes_exist(prov):
    tax = mc.occupations.load()
    for truth in (prov.seeker_truth, prov.vacancy_truth):
        assert (truth["region_code"].str.slice(0, 4) == truth["city_code"].str.slice(0, 4)).all()
        assert all(code in tax for code in truth["occupation_code"].unique())


def test_regions_are_written_many_ways(prov):
    region = prov.seekers["region"].drop_nulls()
    assert region.str.contains(r"^\d{6}$").mean() > 0.05  # codes
    assert region.str.starts_with("山东").mean() > 0.05  # full paths
    assert region.is_in(["济阳县", "莱芜市", "章丘市", "即墨市", "370125", "371202"]).any()
    assert region.n_unique() > 300


def test_graduates_and_unemployed_look_right(prov):
    s = prov.seekers
    grad = s["category"].is_in(["graduate", "未就业高校毕业生"])
    age = 2026 - s["birth_year"]
    assert 0.25 < grad.mean() < 0.35
    assert age.filter(grad).min() >= 21
    assert age.filter(grad).max() <= 25
    assert age.filter(~grad).is_between(18, 60).all()
    edu_g = s["education"].filter(grad).drop_nulls()
    assert edu_g.str.contains("大专|专科|高职|本科|学士").mean() > 0.85
    assert s["major"].filter(grad).null_count() == 0
    edu_u = s["education"].filter(~grad).drop_nulls()
    assert edu_u.str.contains("初|高中|中专|技校|职高|中技|中等").mean() > 0.65


def test_vacancies_lean_to_manufacturing_and_services(prov):
    code = prov.vacancy_truth["occupation_code"]
    manufacturing = (code.str.starts_with("6") | code.str.starts_with("2-02")).mean()
    services = code.str.starts_with("4").mean()
    assert manufacturing > 0.5
    assert services > 0.2
    assert code.n_unique() > 500  # a long tail, not only the common jobs


def test_openings_are_heavy_tailed(prov):
    clean = prov.vacancy_truth["defect"] != "bad_openings"
    openings = prov.vacancies["openings"].filter(clean.fill_null(True))
    assert (openings >= 1).all()
    assert openings.is_between(1, 5).mean() > 0.8
    assert openings.max() >= 100


def test_titles_are_decorated_like_postings(prov):
    titles = prov.vacancies["title"].drop_nulls()
    assert titles.str.contains("五险一金|包吃住|双休|餐补").mean() > 0.05
    assert titles.str.contains("急招|诚聘|直招|招聘").mean() > 0.05
    assert titles.str.contains(r"\d{4}").mean() > 0.03  # salaries in titles
    assert titles.str.contains("见习|实习|管培生|储备干部").any()
    assert prov.vacancies["internship"].eq("是").sum() > 50
    assert prov.vacancies["session"].drop_nulls().len() > 100


def test_advanced_manufacturing_follows_the_industry_codes(prov):
    v = prov.vacancies
    given = v["advanced_manufacturing"].is_not_null()
    derived = mc.records.is_advanced_manufacturing(v["industry_code"])
    both = given & derived.is_not_null()
    assert both.sum() > 100
    assert ((v["advanced_manufacturing"] == "是") == derived).filter(both).all()
    assert derived.fill_null(False).mean() > 0.1


def test_seekers_usually_find_their_occupation_group_in_their_city(prov):
    s = prov.seeker_truth.with_columns(g=pl.col("occupation_code").str.slice(0, 4))
    v = prov.vacancy_truth.with_columns(g=pl.col("occupation_code").str.slice(0, 4))
    hits = s.join(v.group_by("city_code", "g").len(), on=["city_code", "g"], how="left")
    assert (hits["len"].fill_null(0) >= 3).mean() > 0.7


def test_defects_are_injected_as_declared(prov):
    for raw, truth, spec, id_col in (
        (prov.seekers, prov.seeker_truth, _province._SEEKER_DEFECTS, "seeker_id"),
        (prov.vacancies, prov.vacancy_truth, _province._VACANCY_DEFECTS, "vacancy_id"),
    ):
        counts = dict(truth["defect"].value_counts().iter_rows())
        for kind, share in spec:
            assert counts[kind] == round(share * raw.height), kind
        d = truth["defect"]
        assert raw[id_col].filter(d == "missing_id").null_count() == counts["missing_id"]
        assert raw[id_col].filter(d != "missing_id").null_count() == 0
        assert raw["region"].filter(d == "missing_region").null_count() == counts["missing_region"]
        # each duplicate copies the id of an earlier row
        first = raw.with_row_index("i").group_by(id_col).agg(pl.col("i").min())
        dup = raw.with_row_index("i").filter(d == "duplicate_id").join(first, on=id_col)
        assert (dup["i_right"] < dup["i"]).all()
        assert dup.height == counts["duplicate_id"]
        assert 0.015 < d.is_not_null().mean() < 0.04
