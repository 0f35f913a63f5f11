"""records.prepare: every row accounted for, each rejection reason, typed output; records.read."""

import datetime as dt
import re
from pathlib import Path

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import matchcore as mc
from matchcore.records import _columns


class CountingCoder:
    """A test double for TitleCoder: codes 电工-like titles to 6-31-01-03, others to 6-00-00-00."""

    def __init__(self):
        self.calls: list[list[str]] = []

    def code(self, titles):
        titles = list(titles)
        self.calls.append(titles)
        codes = ["6-31-01-03" if "电工" in t else "6-00-00-00" for t in titles]
        return pl.DataFrame({"title": titles, "code": codes, "confidence": [0.8] * len(titles)})


def seeker(**kw):
    row = {"seeker_id": "s1", "desired_title": "电工", "region": "济南市历下区"}
    row.update(kw)
    return row


def vacancy(**kw):
    row = {"vacancy_id": "v1", "title": "电工", "openings": 2, "region": "370102"}
    row.update(kw)
    return row


def frame(rows, schema=None):
    return pl.DataFrame(rows, schema=schema, infer_schema_length=None)


def run(seekers=None, vacancies=None, **kw):
    s = frame(seekers or [seeker()])
    v = frame(vacancies or [vacancy()])
    return mc.records.prepare(s, v, coder=kw.pop("coder", CountingCoder()), **kw)


def errors(p, table):
    return p.rejected.filter(table=table, severity="error")


def warnings(p, table):
    return p.rejected.filter(table=table, severity="warning")


STAGES = Path(__file__).resolve().parents[1] / "docs" / "stages.md"


def documented_schema(table: str) -> dict[str, str]:
    """Column -> dtype of a prepared table as docs/stages.md states it (the contract)."""
    text = STAGES.read_text(encoding="utf-8")
    block = text.split(f"matchcore/records/_columns.py: {table} -->", 1)[1]
    block = block.split("<!-- end of generated table -->", 1)[0]
    rows = [line.split("|") for line in block.strip().splitlines()[2:]]
    return {cells[1].strip().strip("`"): cells[2].strip() for cells in rows}


def assert_documented_schema(p):
    for table in ("seekers", "vacancies"):
        got = {name: str(dtype) for name, dtype in getattr(p, table).schema.items()}
        assert got == documented_schema(table), table
    got = {name: str(dtype) for name, dtype in p.rejected.schema.items()}
    assert got == documented_schema("rejected")


def accounted(p, table, n):
    prepared = getattr(p, table)
    bad = errors(p, table)["row"].unique().to_list()
    kept = prepared["row"].to_list()
    assert sorted(kept + bad) == list(range(n))


# --------------------------------------------------------------------------------------------
# a clean row


def test_clean_rows_are_typed_as_the_contract_says():
    p = run(
        [seeker(education="大专", expected_salary="5000-7000元/月", willing_regions="济南、青岛")],
        [vacancy(industry_code="C3612", salary="6000-8000元/月", posted_at="2026-03-01")],
    )
    assert_documented_schema(p)
    s = p.seekers.row(0, named=True)
    assert s["region_code"] == "370102"
    assert s["city_code"] == "370100"
    assert s["occupation_code"] == "6-31-01-03"
    assert s["salary_min"] == 5000
    assert s["salary_max"] == 7000
    assert s["willing_region_codes"] == ["370100", "370200"]
    v = p.vacancies.row(0, named=True)
    assert v["openings"] == 2
    assert v["advanced_manufacturing"] is True
    assert v["posted_at"] == dt.date(2026, 3, 1)
    assert p.rejected.height == 0


def test_stages_doc_tables_are_the_schema_module():
    text = STAGES.read_text(encoding="utf-8")
    assert _columns.render_docs(text) == text, (
        "docs/stages.md differs from matchcore/records/_columns.py: run "
        '`python -c "from matchcore.records._columns import update_docs; update_docs()"`'
    )
    for table in ("raw seekers", "raw vacancies", "seekers", "vacancies", "rejected"):
        assert f"matchcore/records/_columns.py: {table} -->" in text, table


def test_stages_doc_check_catches_an_edited_table():
    text = STAGES.read_text(encoding="utf-8")
    edited = text.replace("| `openings` | Int32 |", "| `openings` | Int64 |")
    assert edited != text
    assert _columns.render_docs(edited) == text


def test_given_codes_have_confidence_one_and_titles_are_coded_once():
    coder = CountingCoder()
    p = run(
        [
            seeker(seeker_id="a", desired_title="电工"),
            seeker(seeker_id="b", desired_title="电工"),
            seeker(seeker_id="c", desired_title="焊工", desired_occupation="6180204"),
            seeker(seeker_id="d", desired_title=None, desired_occupation="6-18-02-04"),
            seeker(seeker_id="e", desired_title="保安", region=None),  # rejected: not coded
        ],
        [vacancy(title="电工"), vacancy(vacancy_id="v2", title="普工", occupation_code=None)],
        coder=coder,
    )
    assert len(coder.calls) == 1
    # 焊工: the wish of c's title is coded too (a stated code does not stop the title's wishes
    # from counting: a row's wishes do not depend on which other rows needed coding); e is not
    assert sorted(coder.calls[0]) == ["普工", "焊工", "电工"]
    got = dict(zip(p.seekers["seeker_id"], p.seekers["occupation_confidence"], strict=True))
    assert got == {"a": 0.8, "b": 0.8, "c": 1.0, "d": 1.0}
    assert p.seekers.filter(seeker_id="d")["occupation_code"].item() == "6-18-02-04"


def test_no_coder_needed_when_every_row_has_a_code():
    class Boom:
        def code(self, titles):
            raise AssertionError("should not be called")

    # (a seeker's desired title is read for its wishes even beside a stated code, so the
    # seeker here states no title)
    p = run(
        [seeker(desired_occupation="6-31-01-03", desired_title=None)],
        [vacancy(occupation_code="6310103")],
        coder=Boom(),
    )
    assert p.vacancies["occupation_code"].item() == "6-31-01-03"


# --------------------------------------------------------------------------------------------
# rejection reasons, one table row each


@pytest.mark.parametrize(
    ("change", "field", "code", "reason"),
    [
        ({"seeker_id": None}, "seeker_id", "missing_id", r"^第 3 行：缺少求职者编号$"),
        ({"seeker_id": "   "}, "seeker_id", "missing_id", r"^第 3 行：缺少求职者编号$"),
        ({"seeker_id": "\\N"}, "seeker_id", "missing_id", r"^第 3 行：缺少求职者编号$"),
        ({"desired_title": None}, "desired_title", "missing_title", r"^第 3 行：既无求职意向也无意向职业代码"),
        ({"desired_title": " "}, "desired_title", "missing_title", r"^第 3 行：既无求职意向也无意向职业代码"),
        (
            {"desired_title": None, "desired_occupation": "9-99-99-99"},
            "desired_occupation",
            "unknown_occupation",
            r"「9-99-99-99」不在职业分类大典（2022）中",
        ),
        ({"region": None}, "region", "missing_region", r"^第 3 行：缺少所在地区$"),
        ({"region": "—"}, "region", "missing_region", r"^第 3 行：缺少所在地区$"),
        ({"region": "火星基地"}, "region", "bad_region", r"^第 3 行：无法识别所在地区「火星基地」"),
        ({"region": "市中区"}, "region", "ambiguous_region", r"370103 山东省济南市市中区, 370402"),
    ],
)  # fmt: skip
def test_seeker_rejection_reasons(change, field, code, reason):
    p = run([seeker(seeker_id="ok"), seeker(**change)])
    err = errors(p, "seekers")
    assert err.height == 1
    assert err["row"].item() == 1
    assert err["line"].item() == 3  # the header is line 1
    assert err["field"].item() == field
    assert err["code"].item() == code
    assert code in mc.records.REJECTED_CODES
    assert err["reason"].str.contains(reason).item()
    assert p.seekers["seeker_id"].to_list() == ["ok"]


@pytest.mark.parametrize(
    ("change", "field", "code", "reason"),
    [
        ({"vacancy_id": None}, "vacancy_id", "missing_id", r"^第 3 行：缺少岗位编号$"),
        ({"title": None}, "title", "missing_title", r"^第 3 行：既无岗位名称也无职业代码"),
        ({"title": None, "occupation_code": "123"}, "occupation_code", "unknown_occupation",
         r"「123」不在职业分类大典"),
        ({"region": None}, "region", "missing_region", r"^第 3 行：缺少工作地点$"),
        ({"region": "不存在的县"}, "region", "bad_region", r"^第 3 行：无法识别所在地区「不存在的县」"),
        ({"openings": None}, "openings", "missing_openings", r"^第 3 行：缺少招聘人数$"),
        ({"openings": "0"}, "openings", "bad_openings", r"应为不小于 1 的整数"),
        ({"openings": "-3"}, "openings", "bad_openings", r"应为不小于 1 的整数"),
        ({"openings": "很多很多"}, "openings", "bad_openings", r"无法识别招聘人数「很多很多」"),
        ({"openings": "2.5"}, "openings", "bad_openings", r"应为不小于 1 的整数"),
    ],
)  # fmt: skip
def test_vacancy_rejection_reasons(change, field, code, reason):
    p = run(
        vacancies=[vacancy(vacancy_id="ok", openings="1"), vacancy(**({"openings": "2"} | change))]
    )
    err = errors(p, "vacancies")
    assert err.height == 1
    assert err["row"].item() == 1
    assert err["field"].item() == field
    assert err["code"].item() == code
    assert err["reason"].str.contains(reason).item()
    assert p.vacancies["vacancy_id"].to_list() == ["ok"]


def test_duplicate_ids_keep_the_first_and_name_its_position():
    p = run(
        [seeker(seeker_id="a"), seeker(seeker_id="b"), seeker(seeker_id="a"), seeker(seeker_id="a")]
    )
    err = errors(p, "seekers")
    assert err["row"].to_list() == [2, 3]
    assert err["line"].to_list() == [4, 5]
    assert set(err["code"]) == {"duplicate_id"}
    assert err["reason"].to_list() == [
        f"第 {n} 行：求职者编号重复：与第 2 行相同，只处理首次出现的那一行" for n in (4, 5)
    ]
    assert err["value"].to_list() == ["a", "a"]
    assert p.seekers["row"].to_list() == [0, 1]


def test_a_row_with_several_problems_has_one_error_row_each_and_counts_once():
    p = run([seeker(seeker_id=None, region=None, desired_title=None)])
    err = errors(p, "seekers")
    assert sorted(err["field"]) == ["desired_title", "region", "seeker_id"]
    assert p.summary().filter(table="seekers")["rejected"].item() == 1
    assert p.seekers.height == 0


def test_openings_written_with_a_unit_or_as_float_are_read():
    p = run(vacancies=[vacancy(openings="3人"), vacancy(vacancy_id="v2", openings="５")])
    assert p.vacancies["openings"].to_list() == [3, 5]
    p = run(vacancies=[vacancy(openings=4.0)])
    assert p.vacancies["openings"].to_list() == [4]


# --------------------------------------------------------------------------------------------
# warnings: kept rows with one field emptied


@pytest.mark.parametrize(
    ("change", "field", "column"),
    [
        ({"education": "???"}, "education", "education"),
        ({"expected_salary": "工资好"}, "expected_salary", "salary_min"),
        ({"registered_at": "昨天"}, "registered_at", "registered_at"),
        ({"birth_year": "19x5"}, "birth_year", "birth_year"),
        ({"graduation_year": 1800}, "graduation_year", "graduation_year"),
        ({"category": "不知道"}, "category", "category"),
        ({"desired_occupation": "9-99-99-99"}, "desired_occupation", "occupation_code"),
    ],
)
def test_seeker_warnings_keep_the_row(change, field, column):
    p = run([seeker(**change)])
    assert p.seekers.height == 1
    w = warnings(p, "seekers")
    assert w["field"].to_list() == [field]
    assert w["value"].item() == str(next(iter(change.values())))
    if field != "desired_occupation":
        assert p.seekers[column].item() is None
    else:  # the code is dropped and the title coded instead
        assert p.seekers[column].item() == "6-31-01-03"


@pytest.mark.parametrize(
    ("change", "field", "column"),
    [
        ({"education_min": "xx"}, "education_min", "education_min"),
        ({"salary": "abc元"}, "salary", "salary_min"),
        ({"salary_min": "很多"}, "salary_min", "salary_min"),
        ({"age_min": "abc"}, "age_min", "age_min"),
        ({"age_min": 40, "age_max": 30}, "age_max", "age_max"),
        ({"industry_code": "机械"}, "industry_code", "industry_code"),
        ({"advanced_manufacturing": "也许"}, "advanced_manufacturing", "advanced_manufacturing"),
        ({"posted_at": "2026-13-45"}, "posted_at", "posted_at"),
    ],
)
def test_vacancy_warnings_keep_the_row(change, field, column):
    p = run(vacancies=[vacancy(**change)])
    assert p.vacancies.height == 1
    w = warnings(p, "vacancies")
    assert w["field"].to_list() == [field]
    assert p.vacancies[column].item() is None


def test_unreadable_willing_region_drops_only_that_place():
    p = run([seeker(willing_regions="青岛，火星，烟台")])
    assert p.seekers["willing_region_codes"].item().to_list() == ["370200", "370600"]
    w = warnings(p, "seekers")
    assert w["field"].item() == "willing_regions"
    assert w["value"].item() == "火星"


def test_warnings_of_rejected_rows_are_not_reported():
    p = run([seeker(region=None, education="???")])
    assert p.rejected["severity"].to_list() == ["error"]


# --------------------------------------------------------------------------------------------
# derived fields


def test_advanced_manufacturing_given_wins_over_the_industry_code():
    p = run(
        vacancies=[
            vacancy(vacancy_id="a", industry_code="3660"),
            vacancy(vacancy_id="b", industry_code="5212"),
            vacancy(vacancy_id="c", industry_code="5212", advanced_manufacturing="是"),
            vacancy(vacancy_id="d", industry_code="3660", advanced_manufacturing="否"),
            vacancy(vacancy_id="e"),
        ]
    )
    assert p.vacancies["advanced_manufacturing"].to_list() == [True, False, True, False, None]


def test_salary_numbers_win_and_backwards_ranges_are_turned_round():
    p = run(
        vacancies=[
            vacancy(vacancy_id="a", salary="4000-5000元/月", salary_min=6000, salary_max=9000),
            vacancy(vacancy_id="b", salary_min=9000, salary_max=6000),
            vacancy(vacancy_id="c", salary="4000-5000元/月"),
        ]
    )
    assert p.vacancies.select("salary_min", "salary_max").rows() == [
        (6000.0, 9000.0),
        (6000.0, 9000.0),
        (4000.0, 5000.0),
    ]


def test_categories_in_chinese_and_english():
    p = run(
        [
            seeker(seeker_id="a", category="登记失业人员"),
            seeker(seeker_id="b", category="未就业高校毕业生"),
            seeker(seeker_id="c", category="Graduate"),
            seeker(seeker_id="d", category="其他"),
            seeker(seeker_id="e"),
        ]
    )
    assert p.seekers["category"].to_list() == ["unemployed", "graduate", "graduate", "other", None]


def test_within_settles_shared_names():
    p = run([seeker(region="市中区")], within="370400")
    assert p.seekers["region_code"].item() == "370402"


def test_retired_region_codes_and_names_map_to_current_ones():
    p = run(
        [seeker(seeker_id="a", region="济阳县"), seeker(seeker_id="b", region="370125"),
         seeker(seeker_id="c", region=370102)]
    )  # fmt: skip
    assert p.seekers["region_code"].to_list() == ["370115", "370115", "370102"]


# --------------------------------------------------------------------------------------------
# parameters and columns


def test_missing_columns_are_listed_all_at_once():
    s = pl.DataFrame({"name": ["x"], "desired_title": ["电工"]})
    v = pl.DataFrame({"vacancy_id": ["v"]})
    with pytest.raises(
        mc.MissingColumns,
        match=r"seekers table is missing required column\(s\) \['seeker_id', 'region'\]; columns received: \['name', 'desired_title'\]",
    ) as ei:
        mc.records.prepare(s, v)
    notes = "\n".join(getattr(ei.value, "__notes__", []))
    assert (
        "vacancies table is missing required column(s) ['openings', 'region', 'title or occupation_code']"
        in notes
    )


def test_bad_parameters():
    s = frame([seeker()])
    v = frame([vacancy()])
    with pytest.raises(
        mc.InvalidParameter, match="'within' parameter of prepare must be a 6-digit"
    ):
        mc.records.prepare(s, v, within="Shandong")
    with pytest.raises(
        mc.InvalidParameter,
        match=r"'seekers' parameter of prepare must be a polars DataFrame or LazyFrame, a pandas "
        r"DataFrame or a pyarrow Table\. Got 'list'",
    ):
        mc.records.prepare([seeker()], v)  # type: ignore[arg-type]


def test_inputs_are_not_mutated_and_results_are_deterministic():
    s, v = mc.synth.province(300, 60, seed=4)
    s0, v0 = s.clone(), v.clone()
    a = mc.records.prepare(s, v, coder=CountingCoder())
    b = mc.records.prepare(s, v, coder=CountingCoder())
    assert s.equals(s0)
    assert v.equals(v0)
    assert a.seekers.equals(b.seekers)
    assert a.vacancies.equals(b.vacancies)
    assert a.rejected.equals(b.rejected)


def test_empty_tables():
    s = pl.DataFrame(schema={"seeker_id": pl.Utf8, "desired_title": pl.Utf8, "region": pl.Utf8})
    v = pl.DataFrame(
        schema={"vacancy_id": pl.Int64, "title": pl.Utf8, "openings": pl.Int64, "region": pl.Utf8}
    )
    p = mc.records.prepare(s, v, coder=CountingCoder())
    assert p.seekers.height == p.vacancies.height == p.rejected.height == 0
    assert_documented_schema(p)


# --------------------------------------------------------------------------------------------
# property: every row is accounted for, whatever the input

_CELLS = st.one_of(
    st.none(),
    st.sampled_from(
        [
            "",
            " ",
            "电工",
            "济南",
            "370102",
            "6-31-01-03",
            "3",
            "0",
            "若干",
            "是",
            "大专",
            "???",
            "市中区",
            "2026-01-01",
            "5000-8000",
        ]
    ),
    st.integers(-5, 400_000),
    st.text(max_size=6),
)
_SEEKER_COLS = [
    "seeker_id",
    "desired_title",
    "desired_occupation",
    "region",
    "education",
    "expected_salary",
    "birth_year",
    "willing_regions",
    "category",
    "registered_at",
]
_VACANCY_COLS = [
    "vacancy_id",
    "title",
    "occupation_code",
    "openings",
    "region",
    "salary",
    "salary_min",
    "age_min",
    "age_max",
    "industry_code",
    "advanced_manufacturing",
    "internship",
    "posted_at",
]


@st.composite
def tables(draw, columns, required):
    n = draw(st.integers(0, 12))
    extra = draw(st.lists(st.sampled_from(columns), unique=True))
    cols = list(dict.fromkeys([*required, *extra]))
    data = {}
    for c in cols:
        kind = draw(st.sampled_from(["text", "int", "null", "mixed", "float", "bool"]))
        if kind == "int":
            data[c] = pl.Series(
                c,
                draw(
                    st.lists(st.one_of(st.none(), st.integers(-3, 400_000)), min_size=n, max_size=n)
                ),
                dtype=pl.Int64,
            )
        elif kind == "float":
            data[c] = pl.Series(
                c,
                draw(
                    st.lists(
                        st.one_of(st.none(), st.floats(allow_nan=True)), min_size=n, max_size=n
                    )
                ),
                dtype=pl.Float64,
            )
        elif kind == "bool":
            data[c] = pl.Series(
                c,
                draw(st.lists(st.one_of(st.none(), st.booleans()), min_size=n, max_size=n)),
                dtype=pl.Boolean,
            )
        elif kind == "null":
            data[c] = pl.Series(c, [None] * n, dtype=pl.Null)
        else:
            cells = draw(st.lists(_CELLS, min_size=n, max_size=n))
            data[c] = pl.Series(c, [None if x is None else str(x) for x in cells], dtype=pl.Utf8)
    out = pl.DataFrame(data)
    id_col = required[0]
    if n >= 2 and draw(st.booleans()):  # repeat one row's id further down
        i, j = sorted(draw(st.lists(st.integers(0, n - 1), min_size=2, max_size=2, unique=True)))
        ids = out[id_col].to_list()
        ids[j] = ids[i]
        out = out.with_columns(pl.Series(id_col, ids, dtype=out[id_col].dtype))
    return out


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    s=tables(_SEEKER_COLS, ["seeker_id", "region", "desired_title"]),
    v=tables(_VACANCY_COLS, ["vacancy_id", "openings", "region", "title"]),
)
def test_every_row_is_prepared_or_rejected(s, v):
    p = mc.records.prepare(s, v, coder=CountingCoder())
    accounted(p, "seekers", s.height)
    accounted(p, "vacancies", v.height)
    assert p.seekers["seeker_id"].is_unique().all()
    assert p.vacancies["vacancy_id"].is_unique().all()
    assert p.seekers["seeker_id"].null_count() == 0
    assert (p.vacancies["openings"] >= 1).all()
    assert p.seekers["region_code"].null_count() == 0
    assert_documented_schema(p)
    kept_with_warning = set(p.rejected.filter(severity="warning")["row"])
    assert kept_with_warning <= set(p.seekers["row"]) | set(p.vacancies["row"])
    summary = p.summary()
    assert (summary["input"] == pl.Series([s.height, v.height])).all()


# --------------------------------------------------------------------------------------------
# the synthetic province goes through with the rejections it was built with


def test_synthetic_province_rejections_match_its_defects():
    prov = mc.synth.province_with_truth(4_000, 1_000, seed=21)
    p = mc.records.prepare(prov.seekers, prov.vacancies, coder=CountingCoder())
    for table, truth in (("seekers", prov.seeker_truth), ("vacancies", prov.vacancy_truth)):
        accounted(p, table, truth.height)
        rejected = set(errors(p, table)["row"])
        defect = truth["defect"]
        fatal = set(
            truth.filter(
                defect.is_not_null() & ~defect.is_in(list(mc.synth._province.WARNING_DEFECTS))
            )["row"]
        )
        assert len(fatal & rejected) >= 0.9 * len(fatal)
        clean = set(truth.filter(defect.is_null())["row"])
        assert len(clean & rejected) <= 0.005 * len(clean)
        share = len(rejected) / truth.height
        assert 0.01 < share < 0.04
        warned = set(warnings(p, table)["row"])
        # values the generator means as unreadable that are read now on purpose: #N/A is an
        # export's NULL, 一万一千五百多 a salary in Chinese numerals (11500 and up)
        raw = prov.seekers if table == "seekers" else prov.vacancies
        readable = pl.any_horizontal(
            pl.col(c).cast(pl.Utf8).is_in(["#N/A", "一万一千五百多"]) for c in raw.columns
        )
        now_read = set(raw.with_row_index("row").filter(readable)["row"])
        soft = set(truth.filter(defect.is_in(list(mc.synth._province.WARNING_DEFECTS)))["row"])
        soft -= now_read
        assert len(soft & warned) >= 0.9 * len(soft)


# --------------------------------------------------------------------------------------------
# read


def test_read_csv_in_utf8_gbk_and_gb18030(tmp_path):
    text = "seeker_id,desired_title,region\n007,电工,济南市历下区\n008,焊工,青岛\n"
    for enc in ("utf-8", "utf-8-sig", "gbk", "gb18030"):
        path = tmp_path / f"s-{enc}.csv"
        path.write_bytes(text.encode(enc))
        got = mc.records.read(path)
        assert got.rows() == [("007", "电工", "济南市历下区"), ("008", "焊工", "青岛")], enc
    # a character outside GBK but inside GB18030
    path = tmp_path / "rare.csv"
    path.write_bytes("seeker_id,desired_title,region\n1,𠀀工,济南\n".encode("gb18030"))
    assert mc.records.read(path)["desired_title"].item() == "𠀀工"


def test_read_parquet_and_excel_round_trip(tmp_path):
    s, v = mc.synth.province(50, 20, seed=1)
    s.write_parquet(tmp_path / "s.parquet")
    assert mc.records.read(tmp_path / "s.parquet").equals(s)
    pytest.importorskip("fastexcel")
    pytest.importorskip("xlsxwriter")
    v.write_excel(tmp_path / "v.xlsx")
    got = mc.records.read(tmp_path / "v.xlsx")
    assert got.columns == v.columns
    assert got["vacancy_id"].to_list() == v["vacancy_id"].to_list()
    p = mc.records.prepare(s, got, coder=CountingCoder())
    accounted(p, "vacancies", v.height)


def test_read_errors(tmp_path):
    with pytest.raises(mc.MatchcoreError, match="expected a file ending in"):
        mc.records.read(tmp_path / "x.json")
    with pytest.raises(mc.MatchcoreError, match="no such file"):
        mc.records.read(tmp_path / "missing.csv")


def test_audit_flags_discriminatory_requirements_from_title_and_requirements():
    p = run(
        vacancies=[
            vacancy(vacancy_id="a", title="保安 限男性", requirements="本地户口优先"),
            vacancy(vacancy_id="b", requirements="身体健康，男女不限"),
            vacancy(vacancy_id="c", description="已婚已育"),
        ]
    )
    audit = dict(zip(p.vacancies["vacancy_id"], p.vacancies["audit"].to_list(), strict=True))
    assert set(audit["a"]) == {"gender", "household"}
    assert audit["b"] == []
    assert audit["c"] == ["marital"]


def test_internship_from_the_flag_or_a_trainee_title():
    p = run(
        vacancies=[
            vacancy(vacancy_id="a", title="会计见习生"),
            vacancy(vacancy_id="b", title="会计", internship="是"),
            vacancy(vacancy_id="c", title="会计"),
        ]
    )
    assert p.vacancies["internship"].to_list() == [True, True, False]


def test_typed_columns_from_excel_or_parquet_are_read():
    v = pl.DataFrame(
        {
            "vacancy_id": [101, 102],
            "title": ["电工", "焊工"],
            "openings": [3.0, 1.0],
            "region": [370102, 370211],
            "posted_at": [dt.datetime(2026, 3, 1, 0, 0), None],
            "expires_at": [dt.date(2026, 4, 1), None],
            "internship": [True, None],
            "salary_min": [5000, None],
        }
    )
    p = run(vacancies=v.to_dicts())
    got = mc.records.prepare(frame([seeker()]), v, coder=CountingCoder()).vacancies
    assert got["vacancy_id"].to_list() == ["101", "102"]
    assert got["openings"].to_list() == [3, 1]
    assert got["region_code"].to_list() == ["370102", "370211"]
    assert got["posted_at"].to_list() == [dt.date(2026, 3, 1), None]
    assert got["expires_at"].to_list() == [dt.date(2026, 4, 1), None]
    assert got["internship"].to_list() == [True, False]
    assert got["salary_min"].to_list() == [5000.0, None]
    assert p.vacancies.height == 2


def test_openings_with_thousands_separator():
    p = run(vacancies=[vacancy(openings="1,200人")])
    assert p.vacancies["openings"].to_list() == [1200]


def test_default_coder_codes_titles_without_a_code():
    s = pl.DataFrame({"seeker_id": ["a"], "desired_title": ["电工"], "region": ["济南"]})
    v = pl.DataFrame(
        {
            "vacancy_id": ["v"],
            "title": ["新能源电工+五险一金+包食宿"],
            "openings": [1],
            "region": ["370102"],
        }
    )
    p = mc.records.prepare(s, v)
    assert p.seekers["occupation_code"].item() == "6-31-01-03"
    assert 0 < p.seekers["occupation_confidence"].item() < 1
    assert p.vacancies["title_core"].item() == "新能源电工"
    assert p.vacancies["occupation_code"].item().startswith("6-31")


def test_summary_and_repr_count_rows_not_problems():
    p = run([seeker(seeker_id=None, region=None), seeker(seeker_id="b", education="???")])
    assert p.summary().rows() == [("seekers", 2, 1, 1, 1), ("vacancies", 1, 1, 0, 0)]
    assert repr(p) == (
        "Prepared(seekers: 1 prepared, 1 rejected, 1 warnings; "
        "vacancies: 1 prepared, 0 rejected, 0 warnings)"
    )


# --------------------------------------------------------------------------------------------
# the fast path (each distinct value parsed once, joined back) against a row-by-row reference


def _scalar(parser, value, **kw):
    try:
        return parser(value, **kw)
    except mc.InvalidValue:
        return "invalid"


def test_distinct_value_parsing_agrees_with_parsing_every_row():
    nz = mc.normalize
    prov = mc.synth.province_with_truth(1_500, 400, seed=8)
    p = mc.records.prepare(prov.seekers, prov.vacancies, coder=CountingCoder())
    raw = prov.seekers.select(pl.all().name.prefix("raw_")).with_row_index("row")
    got = p.seekers.join(raw.with_columns(pl.col("row").cast(pl.UInt32)), on="row")
    for r in got.iter_rows(named=True):
        reg = _scalar(nz.region, r["raw_region"], within="370000")
        assert r["region_code"] == reg
        assert r["city_code"] == nz.city_of(reg)
        edu = _scalar(nz.education, r["raw_education"])
        assert r["education"] == (None if edu in (None, "invalid") else int(edu))
        sal = _scalar(nz.salary, r["raw_expected_salary"])
        low = None if sal in (None, "invalid") else sal.low
        high = None if sal in (None, "invalid") else sal.high
        assert (r["salary_min"], r["salary_max"]) == (low, high)
        when = _scalar(nz.date, r["raw_registered_at"])
        assert r["registered_at"] == (None if when == "invalid" else when)
    raw_v = prov.vacancies.select(pl.all().name.prefix("raw_")).with_row_index("row")
    got_v = p.vacancies.join(raw_v.with_columns(pl.col("row").cast(pl.UInt32)), on="row")
    for r in got_v.iter_rows(named=True):
        exp = _scalar(nz.experience, r["raw_experience_min"])
        assert r["experience_min"] == (None if exp in (None, "invalid") else exp[0])
        audit = [f.category for f in nz.audit_posting(r["raw_title"] or "")]
        audit += [f.category for f in nz.audit_posting(r["raw_requirements"] or "")]
        assert set(r["audit"]) == set(audit)


def test_read_tab_separated_text_export(tmp_path):
    path = tmp_path / "vacancies.txt"
    path.write_bytes(
        "vacancy_id\ttitle\topenings\tregion\nV1\t电工，五险一金\t3\t济南\n".encode("gbk")
    )
    got = mc.records.read(path)
    assert got.rows() == [("V1", "电工，五险一金", "3", "济南")]


# --------------------------------------------------------------------------------------------
# the documented contract: given raw input X, the prepared column holds Y


def _full_rows():
    s = {
        "seeker_id": "s1", "category": "2025届高校毕业生", "desired_title": "C1司机",
        "region": "济南市历下区", "willing_regions": "青岛", "education": "大专",
        "major": "汽车维修", "graduation_year": "2025届", "expected_salary": "5千-7千",
        "experience_years": "3年", "skill_level": "高级工", "professional_title": "助理工程师",
        "birth_year": "1999年5月", "registered_at": "2026/03/01",
    }  # fmt: skip
    v = {
        "vacancy_id": "v1", "employer_id": "e1", "title": "B2货车司机 包住", "openings": "3人",
        "region": "青岛市黄岛区", "education_min": "高中", "salary": "6000-8000元/月",
        "experience_min": "2年以上", "skill_level_min": "中级工", "professional_title_min": "初级",
        "age_range": "20-45岁", "industry_code": "C3612", "internship": "否",
        "session": "先进制造业专场", "posted_at": "2026-03-01", "expires_at": "2026年4月30日",
        "requirements": "限男性",
    }  # fmt: skip
    return s, v


def test_a_full_raw_row_fills_every_documented_prepared_column():
    s, v = _full_rows()
    p = mc.records.prepare(pl.DataFrame([s]), pl.DataFrame([v]), coder=CountingCoder())
    assert p.rejected.height == 0
    assert_documented_schema(p)
    for table in ("seekers", "vacancies"):
        row = getattr(p, table).row(0, named=True)
        empty = [name for name, value in row.items() if value is None]
        assert empty == [], f"{table}: documented columns left empty by a full row: {empty}"


def test_raw_values_become_the_documented_prepared_values():
    s, v = _full_rows()
    p = mc.records.prepare(pl.DataFrame([s]), pl.DataFrame([v]), coder=CountingCoder())
    got = p.seekers.row(0, named=True)
    N = mc.normalize
    assert {k: got[k] for k in ("category", "groups", "region_code", "city_code")} == {
        "category": "graduate",
        "groups": ["高校毕业生"],
        "region_code": "370102",
        "city_code": "370100",
    }
    assert got["willing_region_codes"] == ["370200"]
    assert got["education"] == N.Education.ASSOCIATE
    assert got["skill_level"] == N.SkillLevel.SENIOR
    assert got["professional_title"] == N.ProfessionalTitle.ASSISTANT
    assert (got["salary_min"], got["salary_max"]) == (5000.0, 7000.0)
    assert (got["graduation_year"], got["birth_year"]) == (2025, 1999)
    assert got["experience_years"] == 3.0
    assert got["registered_at"] == dt.date(2026, 3, 1)
    assert got["driving_class"] == "C1"
    assert (got["occupation_confidence"], got["line"]) == (0.8, 2)
    got = p.vacancies.row(0, named=True)
    assert (got["openings"], got["region_code"], got["city_code"]) == (3, "370211", "370200")
    assert got["education_min"] == N.Education.SENIOR_SECONDARY
    assert got["skill_level_min"] == N.SkillLevel.INTERMEDIATE
    assert (got["age_min"], got["age_max"], got["experience_min"]) == (20, 45, 2.0)
    assert (got["industry_code"], got["advanced_manufacturing"]) == ("3612", True)
    assert (got["internship"], got["housing"], got["driving_class"]) == (False, True, "B2")
    assert got["expires_at"] == dt.date(2026, 4, 30)
    assert got["audit"] == ["gender"]
    assert "requirements" not in p.vacancies.columns  # audited, not carried over


def test_unknown_and_aliased_columns_follow_the_schema_module():
    s = pl.DataFrame(
        {"编号": ["a"], "求职意向": ["电工"], "地区": ["济南市历下区"], "文化程度": ["本科"],
         "性别": ["女"], "shoe_size": ["42"]}
    )  # fmt: skip
    p = mc.records.prepare(s, frame([vacancy()]), coder=CountingCoder())
    assert p.seekers["education"].to_list() == [mc.normalize.Education.BACHELOR]
    assert list(p.seekers.columns) == list(_columns.PREPARED_SEEKERS)
    unused = p.rejected.filter(code="unused_column")
    assert sorted(unused["field"]) == ["shoe_size", "性别"]
    assert unused["row"].null_count() == unused.height
    assert set(unused["severity"]) == {"warning"}
    assert all(name in _columns.COLUMN_LABELS for name in _columns.SEEKER_COLUMNS)
    for table, names in (
        ("seekers", _columns.SEEKER_COLUMNS),
        ("vacancies", _columns.VACANCY_COLUMNS),
    ):
        assert set(_columns.COLUMN_ALIASES[table].values()) <= set(names), table


def test_synthetic_prepared_tables_have_the_documented_dtypes():
    s, v = mc.synth.fake_prepared(30, 20, seed=0)
    for table, got in (("seekers", s), ("vacancies", v)):
        documented = documented_schema(table)
        assert set(_columns.scoring_columns(table)) <= set(got.columns), table
        for name, dtype in got.schema.items():
            assert str(dtype) == documented[name], (table, name)


def _readme_column_rows(table: str) -> list[tuple[list[str], list[str], str]]:
    """(columns, accepted headers, required mark) of each row of the README's table."""
    text = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    start = {
        "seekers": "Seekers (one row a person):",
        "vacancies": "Vacancies (one row a posting):",
    }
    block = text.split(start[table], 1)[1].split("\n\n", 2)[1]
    rows = []
    for line in block.splitlines()[2:]:
        cells = [c.strip() for c in line.strip("|").split("|")]
        names = re.findall(r"`(\w+)`", cells[0])
        rows.append((names, [h.strip() for h in cells[1].split(",")], cells[2]))
    return rows


@pytest.mark.parametrize("table", ["seekers", "vacancies"])
def test_readme_column_table_agrees_with_the_schema_module(table):
    names = _columns.SEEKER_COLUMNS if table == "seekers" else _columns.VACANCY_COLUMNS
    rows = _readme_column_rows(table)
    listed = [n for row_names, _, _ in rows for n in row_names]
    assert sorted(listed) == sorted(names)
    required = {r for r in _columns.REQUIRED_COLUMNS[table] if isinstance(r, str)}
    either = {n for r in _columns.REQUIRED_COLUMNS[table] if not isinstance(r, str) for n in r}
    for row_names, headers, mark in rows:
        for n in row_names:
            assert mark == ("R" if n in required else "R/" if n in either else ""), n
        for header in headers:  # every header the README promises is read as that column
            rename, _ = _columns.canonical(table, [header], names)
            assert rename.get(header) in row_names, (header, row_names)
