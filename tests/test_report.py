import csv
import datetime as dt
import io
import re

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import matchcore as mc
from matchcore._io import neutralize_cell as _neutralise_csv_cell
from matchcore._result import MatchResult
from matchcore.report import quarterly
from matchcore.report._html import font_characters

_EMPTY_REJECTED = pl.DataFrame(
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


def _make(seekers, vacancies, assignments, config=None):
    return MatchResult(
        recommendations=pl.DataFrame(),
        assignments=assignments,
        unmatched=pl.DataFrame({"seeker_id": [], "reason": []}),
        rejected=_EMPTY_REJECTED,
        audit=pl.DataFrame({"vacancy_id": [], "row": [], "category": [], "words": []}),
        seekers=seekers,
        vacancies=vacancies,
        config=config,
    )


def _result(**seeker_extra):
    seekers = pl.DataFrame(
        {
            "seeker_id": ["s1", "s2", "s3", "s4", "s5"],
            "category": ["graduate", "unemployed", "unemployed", "other", "unemployed"],
            "city_code": ["370100", "370100", "370200", "370200", "370200"],
            "birth_year": pl.Series([2004, 1980, 2001, 1990, None], dtype=pl.Int16),
            "registered_at": [
                dt.date(2026, 7, 2),
                dt.date(2026, 8, 1),
                dt.date(2026, 9, 30),
                dt.date(2026, 1, 5),
                None,
            ],
            **seeker_extra,
        }
    )
    vacancies = pl.DataFrame(
        {
            "vacancy_id": ["v1", "v2", "v3", "v4"],
            "city_code": ["370100", "370200", "370200", "370100"],
            "openings": pl.Series([2, 1, 5, 3], dtype=pl.Int32),
            "occupation_code": ["6-31-01-03", "4-01-02-01", None, "6-31-01-03"],
            "advanced_manufacturing": [True, False, None, True],
            "internship": [True, False, False, False],
            "session": ["先进制造业专场", None, "先进制造业专场", None],
            "posted_at": [
                dt.date(2026, 7, 1),
                dt.date(2026, 9, 30),
                dt.date(2026, 7, 3),
                dt.date(2026, 4, 2),
            ],
        }
    )
    assignments = pl.DataFrame(
        {
            "seeker_id": ["s1", "s2", "s3", "s4"],
            "vacancy_id": ["v1", "v1", "v2", "v4"],
            "score": [0.9, 0.7, 0.5, 0.35],
        }
    )
    return _make(seekers, vacancies, assignments)


def test_quarterly_counts_by_city_and_advanced_manufacturing():
    rep = quarterly(_result(), period="2026Q3")
    city = rep.tables["by_city"]
    assert city["city_name"].to_list() == ["济南市", "青岛市", "合计"]
    assert city["postings"].to_list() == [1, 2, 3]
    assert city["openings"].to_list() == [2, 6, 8]
    assert city["proposals"].to_list() == [2, 1, 3]
    assert city["proposal_rate"].to_list() == [1.0, pytest.approx(1 / 6), pytest.approx(3 / 8)]
    assert city["am_openings"].to_list() == [2, 0, 2]
    assert city["am_proposals"].to_list() == [2, 0, 2]
    assert city["am_proposal_rate"][1] is None  # no AM openings: no rate, not 0 %
    overall = rep.tables["overall"]
    assert overall.row(0, named=True)["proposals"] == 3
    am_row = overall.row(1, named=True)
    assert (am_row["scope"], am_row["openings"], am_row["proposals"]) == ("其中：先进制造业", 2, 2)


def test_regression_am_row_seekers_is_not_its_proposals():
    # The 先进制造业 row's "seekers" used to count placed seekers, so it always equalled its
    # matches (19,809 = 19,809 in the demo). Seekers are not divided by industry: no figure.
    rep = quarterly(_result(), period="2026Q3")
    am_row = rep.tables["overall"].row(1, named=True)
    assert am_row["seekers"] is None
    assert rep.tables["overall"]["seekers"][0] == 3
    page = rep.to_html(embed_font=False)
    assert "先进制造业行没有求职人数" in page


def test_regression_histogram_follows_the_period():
    # The score histogram used to count every assignment whatever --period said.
    r = _result()
    empty = quarterly(r, period="2025Q1")
    assert empty.tables["overall"]["proposals"][0] == 0
    assert 'class="bar"' in empty.charts["score_distribution"]
    assert (
        re.findall(r'class="value"[^>]*>([\d,]+)<', empty.charts["score_distribution"])
        == ["0"] * 10
    )
    q3 = quarterly(r, period="2026Q3")
    values = re.findall(r'class="value"[^>]*>([\d,]+)<', q3.charts["score_distribution"])
    assert sum(map(int, values)) == 3  # v4 was posted in Q2: its proposal is not Q3's
    assert "0.35" not in q3.charts["score_distribution"]


def test_regression_fill_rate_is_hires_not_proposals():
    # 填补率 used to be proposals / openings with nothing saying so.
    rep = quarterly(_result(), period="2026Q3")
    assert "fill_rate" not in rep.tables["by_city"].columns
    assert "hires" not in rep.tables["overall"].columns
    page = rep.to_html(embed_font=False)
    assert "匹配建议不是录用" in page
    assert "未统计录用人数和岗位填补率" in page
    outcomes = pl.DataFrame(
        {
            "seeker_id": ["s1", "s2", "s3", "s4", "s1"],
            "vacancy_id": ["v1", "v1", "v2", "v4", "v1"],
            "outcome": ["hired", "declined", "hired", "hired", "hired"],
            "date": [
                dt.date(2026, 8, 1),
                dt.date(2026, 8, 1),
                dt.date(2026, 10, 2),  # after the quarter: next quarter's report
                dt.date(2026, 9, 1),  # v4 was posted in Q2: Q2's posting, not Q3's
                dt.date(2026, 8, 1),  # duplicate feedback counts once
            ],
        }
    )
    rep = quarterly(_result(), period="2026Q3", outcomes=outcomes)
    overall = rep.tables["overall"].row(0, named=True)
    assert overall["hires"] == 1
    assert overall["fill_rate"] == pytest.approx(1 / 8)
    assert rep.tables["overall"].row(1, named=True)["hires"] == 1  # v1 is AM
    assert rep.tables["key_groups"].filter(pl.col("group") == "高校毕业生")["hires"][0] == 1
    assert rep.has_outcomes
    later = quarterly(_result(), period="2026Q2", outcomes=outcomes)
    assert later.tables["overall"]["hires"][0] == 0  # v4's hire is dated after Q2's end
    assert quarterly(_result(), outcomes=outcomes).tables["overall"]["hires"][0] == 3
    assert "录用人数和岗位填补率取自" in rep.to_html(embed_font=False)


def test_outcomes_are_validated():
    bad = pl.DataFrame(
        {"seeker_id": ["s1", "s2"], "vacancy_id": ["v1", "v1"], "outcome": ["hired", "offer"]}
    )
    with pytest.raises(mc.InvalidValue, match=r"outcome.*'offer'.*hired, declined, no_show"):
        quarterly(_result(), outcomes=bad)
    with pytest.raises(mc.MissingColumns, match="outcome"):
        quarterly(_result(), outcomes=bad.drop("outcome"))
    with pytest.raises(mc.InvalidParameter, match="'outcomes' parameter of quarterly"):
        quarterly(_result(), outcomes={"seeker_id": []})  # type: ignore[arg-type]


def test_key_groups_from_category_and_birth_year():
    rep = quarterly(_result(), period="2026Q3")
    g = {r["group"]: r for r in rep.tables["key_groups"].to_dicts()}
    assert list(g)[:4] == ["登记失业人员", "高校毕业生", "就业困难人员", "青年（16-24岁）"]
    assert g["登记失业人员"]["seekers"] == 2  # s2, s3 (s5 has no date)
    assert g["高校毕业生"]["proposed"] == 1
    # 2026 - 2004 = 22 and 2026 - 2001 = 25: only s1 is young at the quarter's end
    assert g["青年（16-24岁）"]["seekers"] == 1
    assert g["就业困难人员"]["seekers"] is None  # not in the records: unknown, not zero
    assert any("未注明日期" in n for n in rep.notes)


def test_key_groups_from_the_groups_column():
    groups = [["高校毕业生"], ["登记失业人员", "就业困难人员", "退役军人"], [], None, ["残疾人"]]
    r = _result(groups=pl.Series(groups, dtype=pl.List(pl.Utf8)))
    g = {x["group"]: x for x in quarterly(r, period="2026Q3").tables["key_groups"].to_dicts()}
    assert g["就业困难人员"]["seekers"] == 1
    assert g["退役军人"]["seekers"] == 1
    assert g["登记失业人员"]["seekers"] == 2  # s3 has no groups: its category counts
    assert "残疾人" not in g  # s5 has no date
    rep_all = quarterly(r)
    assert "残疾人" in rep_all.tables["key_groups"]["group"].to_list()


def test_trainee_sessions_and_major_groups():
    rep = quarterly(_result(), period="2026Q3")
    t = rep.tables["trainee"].row(0, named=True)
    assert (t["postings"], t["openings"], t["proposals"]) == (1, 2, 2)
    assert t["young_proposed"] == 1 and t["graduates_proposed"] == 1
    s = rep.tables["sessions"]
    assert s["session"].to_list() == ["先进制造业专场", "合计"]
    assert s["openings"].to_list() == [7, 7]
    assert s["am_openings"].to_list() == [2, 2]
    m = {r["major_group_name"]: r for r in rep.tables["by_major_group"].to_dicts()}
    assert m["生产制造及有关人员"]["proposals"] == 2
    assert m["未编码"]["openings"] == 5
    assert m["合计"]["openings"] == 8


def test_shortage_occupation_coverage_counts_codes_below_the_listed_ones():
    rep = quarterly(_result(), period="2026Q3", urgent_occupations=["6-31-00-00", "6-18-02-04"])
    s = {r["occupation_code"]: r for r in rep.tables["shortage"].to_dicts()}
    assert s["6-31-00-00"]["postings"] == 1 and s["6-31-00-00"]["proposals"] == 2
    assert s["6-18-02-04"]["postings"] == 0
    assert any("覆盖率 50.0%" in n for n in rep.notes)
    assert "目录内职业 2 个，本期有岗位的 1 个，覆盖率 50.0%" in rep.to_html(embed_font=False)
    none = quarterly(_result(), period="2026Q3")
    assert none.tables["shortage"].height == 0
    assert "未提供急需紧缺职业目录" in none.to_html(embed_font=False)


def test_comparison_with_the_previous_quarter():
    r = _result()
    rep = quarterly(r, period="2026Q3", previous=r)
    c = {x["indicator"]: x for x in rep.tables["comparison"].to_dicts()}
    assert c["岗位数"]["value"] == 3 and c["岗位数"]["previous"] == 1  # v4 in Q2
    assert c["岗位数"]["change"] == 2 and c["岗位数"]["change_pct"] == pytest.approx(2.0)
    same = quarterly(r, period="2026Q3", previous=quarterly(r, period="2026Q2"))
    assert same.tables["comparison"].equals(rep.tables["comparison"])
    assert next(iter(rep.tables)) == "comparison"
    assert mc.report.previous_quarter("2026Q1") == "2025Q4"


def test_period_is_validated_and_named():
    assert quarterly(_result(), period="2026q3").title == "2026年第三季度"
    rep = quarterly(_result(), period="2026Q3")
    assert (rep.start, rep.end) == (dt.date(2026, 7, 1), dt.date(2026, 9, 30))
    page = rep.to_html(embed_font=False)
    assert "2026年7月1日至2026年9月30日" in page
    assert " all" not in page
    everything = quarterly(_result())
    assert (everything.start, everything.end) == (dt.date(2026, 1, 5), dt.date(2026, 9, 30))
    with pytest.raises(mc.InvalidParameter, match="'period' parameter of quarterly"):
        quarterly(_result(), period="2026-07")


def test_page_is_chinese_with_definitions_and_totals():
    page = quarterly(_result(), period="2026Q3").to_html(embed_font=False)
    headers = re.findall(r"<th scope=\"col\">([^<]*)</th>", page)
    assert headers and not [h for h in headers if re.search(r"[a-z]_[a-z]", h)]
    assert "建议匹配率（%）" in headers
    assert "合计" in page and "口径" in page
    assert "by_major_group" not in re.sub(r'id="[^"]*"', "", page)


def test_report_writes_csv_excel_and_page(tmp_path):
    rep = quarterly(_result(), period="2026Q3")
    paths = rep.write(tmp_path, pdf=False)
    names = {p.name for p in paths}
    assert {"by_city.csv", "key_groups.csv", "index.html", "quarterly_2026Q3.xlsx"} <= names
    assert not list(tmp_path.glob("*.part"))
    with (tmp_path / "by_city.csv").open(encoding="utf-8-sig") as fh:
        head = next(csv.reader(fh))
    assert head[:3] == ["区划代码", "地区", "岗位数（个）"]
    html = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert "济南市" in html and "<svg" in html and "font/woff2;base64," in html
    xlsx = tmp_path / "quarterly_2026Q3.xlsx"
    sheet = pl.read_excel(xlsx, sheet_name="各市岗位", has_header=False)
    assert sheet[1, 0] == "各市岗位与匹配情况"
    assert str(sheet[2, sheet.width // 2 - 1]).startswith("统计期间：2026年7月1日")
    assert sheet.row(4)[:3] == ("区划代码", "地区", "岗位数（个）")
    assert sheet[5, 1] == "济南市"
    assert any(str(v).startswith("口径") for v in sheet.to_series(0).to_list())
    sheets = pl.read_excel(xlsx, sheet_id=0)
    assert {"说明", "总体情况", "重点群体", "就业见习", "专场招聘", "急需紧缺职业"} <= set(sheets)
    with pytest.raises(mc.InvalidParameter, match="'fmt' parameter"):
        rep.write(tmp_path, fmt="pdf")


def test_csv_and_excel_neutralise_formula_cells(tmp_path):
    r = _result()
    evil = r.vacancies.with_columns(
        pl.when(pl.col("session").is_not_null())
        .then(pl.lit('=HYPERLINK("http://x","点击")'))
        .alias("session")
    )
    rep = quarterly(_make(r.seekers, evil, r.assignments), period="2026Q3")
    rep.write(tmp_path, pdf=False)
    with (tmp_path / "sessions.csv").open(encoding="utf-8-sig") as fh:
        rows = list(csv.reader(fh))
    assert rows[1][0] == '\'=HYPERLINK("http://x","点击")'
    sheet = pl.read_excel(
        tmp_path / "quarterly_2026Q3.xlsx", sheet_name="专场招聘", has_header=False
    )
    assert sheet[5, 0].startswith("'=")
    for cell in ("=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"):
        assert _neutralise_csv_cell(cell) == "'" + cell
    assert _neutralise_csv_cell("1-1") == "1-1"


def test_page_characters_are_in_the_embedded_font():
    s, v = mc.synth.province(400, 100, seed=3)
    page = quarterly(mc.match(s, v, progress=False)).to_html(embed_font=False)
    text = re.sub(r"<style>.*?</style>|<[^>]+>", "", page, flags=re.S)
    missing = {c for c in text if ord(c) > 0x7F and c not in font_characters()}
    assert not missing


_date = st.dates(dt.date(2026, 1, 1), dt.date(2026, 12, 31))


@st.composite
def _runs(draw):
    n_v = draw(st.integers(1, 8))
    n_s = draw(st.integers(1, 12))
    cities = ["370100", "370200", "370300"]
    vac = pl.DataFrame(
        {
            "vacancy_id": [f"v{i}" for i in range(n_v)],
            "city_code": draw(st.lists(st.sampled_from(cities), min_size=n_v, max_size=n_v)),
            "openings": pl.Series(
                draw(st.lists(st.integers(1, 4), min_size=n_v, max_size=n_v)), dtype=pl.Int32
            ),
            "occupation_code": draw(
                st.lists(
                    st.sampled_from(["6-31-01-03", "6-18-02-04", None]), min_size=n_v, max_size=n_v
                )
            ),
            "advanced_manufacturing": draw(
                st.lists(st.booleans() | st.none(), min_size=n_v, max_size=n_v)
            ),
            "internship": draw(st.lists(st.booleans(), min_size=n_v, max_size=n_v)),
            "session": draw(
                st.lists(st.sampled_from(["甲专场", "乙专场", None]), min_size=n_v, max_size=n_v)
            ),
            "posted_at": draw(st.lists(_date, min_size=n_v, max_size=n_v)),
        }
    )
    seekers = pl.DataFrame(
        {
            "seeker_id": [f"s{i}" for i in range(n_s)],
            "category": draw(
                st.lists(
                    st.sampled_from(["unemployed", "graduate", "other"]), min_size=n_s, max_size=n_s
                )
            ),
            "city_code": draw(st.lists(st.sampled_from(cities), min_size=n_s, max_size=n_s)),
            "birth_year": pl.Series(
                draw(st.lists(st.integers(1960, 2010), min_size=n_s, max_size=n_s)), dtype=pl.Int16
            ),
            "registered_at": draw(st.lists(_date, min_size=n_s, max_size=n_s)),
        }
    )
    # each seeker at most once, each vacancy at most its openings
    left = dict(zip(vac["vacancy_id"], vac["openings"]))
    pairs = []
    for sid in seekers["seeker_id"]:
        vid = draw(st.sampled_from([None, *left]))
        if vid is not None and left[vid] > 0:
            left[vid] -= 1
            pairs.append((sid, vid, draw(st.floats(0, 1))))
    asg = pl.DataFrame(
        pairs,
        schema={"seeker_id": pl.Utf8, "vacancy_id": pl.Utf8, "score": pl.Float64},
        orient="row",
    )
    return _make(seekers, vac, asg), draw(st.sampled_from([None, "2026Q1", "2026Q2", "2026Q3"]))


@settings(max_examples=40, deadline=None)
@given(_runs())
def test_property_totals_agree_across_tables(run):
    r, period = run
    rep = quarterly(r, period=period)
    overall = rep.tables["overall"].row(0, named=True)
    am = rep.tables["overall"].row(1, named=True)
    for tid, label_col in (("by_city", "city_name"), ("by_major_group", "major_group_name")):
        total = rep.tables[tid].filter(pl.col(label_col) == "合计").row(0, named=True)
        for c in ("postings", "openings", "proposals"):
            assert total[c] == overall[c]
            assert total[f"am_{c}"] == am[c]
    assert am["postings"] <= overall["postings"] and am["proposals"] <= overall["proposals"]
    assert overall["proposals"] <= overall["openings"]
    s_total = rep.tables["seekers_by_city"].filter(pl.col("city_name") == "合计")
    assert s_total["seekers"][0] == overall["seekers"]
    for g in rep.tables["key_groups"].drop_nulls("seekers").iter_rows(named=True):
        assert g["proposed"] <= g["seekers"] <= overall["seekers"]
    bars = re.findall(r'class="value"[^>]*>([\d,]+)<', rep.charts["score_distribution"])
    assert sum(int(b.replace(",", "")) for b in bars) == overall["proposals"]


def test_summary_accounts_for_everything():
    s = _result().summary()
    assert s["assigned"] == 4
    assert s["openings"] == 11
    assert s["fill_rate"] == pytest.approx(4 / 11)


def test_shortage_list_is_validated():
    with pytest.raises(mc.InvalidParameter, match=r"'urgent_occupations'.*'9-99-99-99'"):
        quarterly(_result(), urgent_occupations=["6-31-01-03", "9-99-99-99"])
    with pytest.raises(mc.InvalidParameter, match="a list of occupation codes"):
        quarterly(_result(), urgent_occupations="6-31-01-03")


def test_csv_percentages_are_numbers_of_percent(tmp_path):
    quarterly(_result(), period="2026Q3").write(tmp_path, fmt="csv", pdf=False)
    with (tmp_path / "by_city.csv").open(encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    assert rows[1]["建议匹配率（%）"] == "16.67"
    assert rows[1]["先进制造业建议匹配率（%）"] == ""
    assert rows[-1]["地区"] == "合计"


def test_page_font_is_cut_to_the_page_or_whole_without_fonttools(monkeypatch):
    import base64
    import sys

    from matchcore.report._html import _font_bytes

    rep = quarterly(_result(), period="2026Q3")

    def font_of(page):
        data = re.search(r"font/woff2;base64,([A-Za-z0-9+/=]+)", page).group(1)
        return base64.b64decode(data)

    small = font_of(rep.to_html())
    assert small[:4] == b"wOF2" and len(small) < len(_font_bytes()) / 5
    from fontTools.ttLib import TTFont

    cmap = TTFont(io.BytesIO(small)).getBestCmap()
    assert all(ord(c) in cmap for c in "济南市先进制造业合计口径")
    monkeypatch.setitem(sys.modules, "fontTools", None)  # not installed
    assert font_of(rep.to_html()) == _font_bytes()


def test_pdf_is_optional_and_its_failure_is_clear(tmp_path, monkeypatch):
    rep = quarterly(_result(), period="2026Q3")
    monkeypatch.setenv("MATCHCORE_CHROMIUM", str(tmp_path / "no-such-chromium"))
    paths = rep.write(tmp_path / "a")  # no Chromium: everything but the PDF
    assert {p.name for p in paths} >= {"index.html", "by_city.csv", "quarterly_2026Q3.xlsx"}
    assert not (tmp_path / "a" / "report.pdf").exists()
    with pytest.raises(mc.MatchcoreError, match="REPORT_NO_CHROMIUM"):
        rep.write(tmp_path / "b", pdf=True)
    broken = tmp_path / "broken-chromium"
    broken.write_text("#!/bin/sh\necho 'cannot start' >&2\nexit 3\n")
    broken.chmod(0o755)
    monkeypatch.setenv("MATCHCORE_CHROMIUM", str(broken))
    with pytest.warns(UserWarning, match="REPORT_PDF_FAILED"):
        rep.write(tmp_path / "c")
    assert not list((tmp_path / "c").glob("report.pdf*"))
    with pytest.raises(mc.MatchcoreError, match=r"REPORT_PDF_FAILED, exit 3\): cannot start"):
        rep.write(tmp_path / "d", pdf=True)


def _reference_by_city(r, period):
    """A slow, plain-Python count of the by-city postings table, to check the polars one."""
    if period is None:
        start, end = dt.date.min, dt.date.max
    else:
        y, q = int(period[:4]), int(period[-1])
        start = dt.date(y, 3 * q - 2, 1)
        end = dt.date(y + (q == 4), 1 if q == 4 else 3 * q + 1, 1)
    vac = {
        row["vacancy_id"]: row
        for row in r.vacancies.iter_rows(named=True)
        if row["posted_at"] is not None and start <= row["posted_at"] < end
    }
    out = {}
    for v in vac.values():
        c = out.setdefault(v["city_code"], dict.fromkeys(
            ("postings", "openings", "proposals", "am_postings", "am_openings", "am_proposals"), 0
        ))  # fmt: skip
        am = bool(v["advanced_manufacturing"])
        c["postings"] += 1
        c["openings"] += v["openings"]
        c["am_postings"] += am
        c["am_openings"] += v["openings"] if am else 0
    for a in r.assignments.iter_rows(named=True):
        v = vac.get(a["vacancy_id"])
        if v is not None:
            out[v["city_code"]]["proposals"] += 1
            out[v["city_code"]]["am_proposals"] += bool(v["advanced_manufacturing"])
    return out


@settings(max_examples=40, deadline=None)
@given(_runs())
def test_by_city_agrees_with_a_plain_python_count(run):
    r, period = run
    got = {
        row["city_code"]: {k: row[k] for k in row if k not in ("city_code", "city_name")}
        for row in quarterly(r, period=period).tables["by_city"].iter_rows(named=True)
        if row["city_name"] != "合计"
    }
    want = _reference_by_city(r, period)
    assert set(got) == set(want)
    for city, counts in want.items():
        for k, v in counts.items():
            assert got[city][k] == v, (city, k)
        rate = counts["proposals"] / counts["openings"] if counts["openings"] else None
        assert got[city]["proposal_rate"] == (pytest.approx(rate) if rate is not None else None)


def test_every_character_of_the_report_labels_is_in_the_shipped_font():
    # A new label with a character the subset lacks needs `python -m matchcore.report._build_font`.
    from pathlib import Path

    import matchcore.report as report

    folder = Path(report.__file__).parent
    text = "".join(
        p.read_text(encoding="utf-8")
        for p in [*folder.glob("*.py"), *(folder / "templates").glob("*")]
    )
    assert not {c for c in text if ord(c) > 0x7F and c not in font_characters()}
