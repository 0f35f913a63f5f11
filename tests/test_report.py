import datetime as dt

import polars as pl
import pytest

import matchcore as mc
from matchcore._result import MatchResult
from matchcore.report import quarterly


def _result():
    seekers = pl.DataFrame(
        {
            "seeker_id": ["s1", "s2", "s3", "s4"],
            "category": ["graduate", "unemployed", "unemployed", "other"],
            "city_code": ["370100", "370100", "370200", "370200"],
            "registered_at": [dt.date(2026, 7, 2), dt.date(2026, 8, 1), None, dt.date(2026, 1, 5)],
        }
    )
    vacancies = pl.DataFrame(
        {
            "vacancy_id": ["v1", "v2", "v3"],
            "city_code": ["370100", "370200", "370200"],
            "openings": [2, 1, 5],
            "occupation_code": ["6-31-01-03", "4-01-02-01", None],
            "advanced_manufacturing": [True, False, None],
            "internship": [True, False, False],
            "session": ["先进制造业专场", None, "先进制造业专场"],
            "posted_at": [dt.date(2026, 7, 1), dt.date(2026, 9, 30), dt.date(2026, 7, 3)],
        }
    )
    assignments = pl.DataFrame(
        {
            "seeker_id": ["s1", "s2", "s3"],
            "vacancy_id": ["v1", "v1", "v2"],
            "score": [0.9, 0.7, 0.5],
        }
    )
    empty = pl.DataFrame()
    rejected = pl.DataFrame(
        schema={
            "table": pl.Utf8,
            "row": pl.UInt32,
            "id": pl.Utf8,
            "field": pl.Utf8,
            "value": pl.Utf8,
            "reason": pl.Utf8,
            "severity": pl.Utf8,
        }
    )
    unmatched = pl.DataFrame({"seeker_id": ["s4"], "reason": ["no candidate in reach"]})
    return MatchResult(
        recommendations=empty,
        assignments=assignments,
        unmatched=unmatched,
        rejected=rejected,
        audit=pl.DataFrame({"vacancy_id": [], "row": [], "category": [], "words": []}),
        seekers=seekers,
        vacancies=vacancies,
        config=None,
    )


def test_quarterly_counts_by_city_category_and_advanced_manufacturing():
    rep = quarterly(_result())
    city = rep.tables["by_city"].sort("city_code")
    assert city["city_name"].to_list() == ["济南市", "青岛市"]
    assert city["seekers"].to_list() == [2, 2]
    assert city["openings"].to_list() == [2, 6]
    assert city["matches"].to_list() == [2, 1]
    assert city["fill_rate"].to_list() == [1.0, pytest.approx(1 / 6)]
    assert city["am_openings"].to_list() == [2, 0]
    assert city["am_matches"].to_list() == [2, 0]
    overall = rep.tables["overall"]
    assert overall.row(0, named=True)["matches"] == 3
    am_row = overall.row(1, named=True)
    assert (am_row["scope"], am_row["openings"], am_row["matches"]) == ("先进制造业", 2, 2)
    cat = {r["category"]: r for r in rep.tables["by_category"].to_dicts()}
    assert cat["graduate"]["matched"] == 1
    assert cat["unemployed"]["placement_rate"] == 1.0
    assert rep.tables["trainee"].row(0, named=True)["graduates_matched"] == 1
    sessions = rep.tables["sessions"]
    assert sessions["openings"].to_list() == [7]
    major = {r["major_group"]: r for r in rep.tables["by_major_group"].to_dicts()}
    assert major["6"]["matches"] == 2
    assert major[None]["major_group_name"] == "未编码"


def test_quarterly_period_filters_by_dates_and_validates():
    rep = quarterly(_result(), period="2026Q3")
    # s4 registered in Q1 drops out; s3 has no date and stays
    assert rep.tables["overall"]["seekers"][0] == 3
    with pytest.raises(mc.InvalidParameter, match="'period' parameter of quarterly"):
        quarterly(_result(), period="2026-07")


def test_report_writes_tables_charts_and_page(tmp_path):
    rep = quarterly(_result(), period="2026Q3")
    paths = rep.write(tmp_path, fmt="csv")
    names = {p.name for p in paths}
    assert {"by_city.csv", "fill_rate_by_city.svg", "score_distribution.svg", "index.html"} <= names
    html = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert "济南市" in html
    assert "<svg" in html
    xlsx = rep.write(tmp_path / "x", fmt="xlsx")
    assert any(p.suffix == ".xlsx" for p in xlsx)
    back = pl.read_excel(next(p for p in xlsx if p.suffix == ".xlsx"), sheet_name="by_city")
    assert back.height == 2


def test_summary_accounts_for_everything():
    s = _result().summary()
    assert s["assigned"] == 3
    assert s["openings"] == 8
    assert s["fill_rate"] == pytest.approx(3 / 8)
    assert s["unmatched_reasons"] == {"no candidate in reach": 1}
