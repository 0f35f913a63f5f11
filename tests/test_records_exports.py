"""Real exports: Chinese and near-miss headers, unused columns, key groups, retired places,
numerals, openings, null spellings, input types, row lines, and that every row has a place."""

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import matchcore as mc


class Coder:
    """A test double for TitleCoder: every title to 电工."""

    def code(self, titles):
        titles = list(titles)
        n = len(titles)
        return pl.DataFrame({"title": titles, "code": ["6-31-01-03"] * n, "confidence": [0.8] * n})


def prepare(seekers, vacancies=None):
    v = (
        vacancies
        if vacancies is not None
        else pl.DataFrame(
            {"vacancy_id": ["v"], "title": ["电工"], "openings": ["1"], "region": ["济南"]}
        )
    )
    return mc.records.prepare(pl.DataFrame(seekers), pl.DataFrame(v), coder=Coder())


# --------------------------------------------------------------------------------------------
# headers


def test_chinese_vacancy_headers_are_read():
    v = pl.DataFrame(
        {
            "岗位编号": ["v1"], "岗位名称": ["电工"], "招聘人数": ["3人"], "工作地点": ["历下区"],
            "学历要求": ["大学专科"], "薪资待遇": ["三千五百元"], "工作经验": ["两年以上"],
            "年龄要求": ["18-45岁"], "岗位要求": ["限男性"],
        }
    )  # fmt: skip
    p = mc.records.prepare(pl.DataFrame({"编号": [], "求职意向": [], "地区": []}), v, coder=Coder())
    row = p.vacancies.row(0, named=True)
    assert row["vacancy_id"] == "v1" and row["openings"] == 3 and row["region_code"] == "370102"
    assert row["education_min"] == 4 and row["salary_min"] == 3500
    assert row["experience_min"] == 2 and (row["age_min"], row["age_max"]) == (18, 45)
    assert row["audit"]  # 岗位要求 is audited as requirements
    assert p.rejected.filter(code="unused_column").height == 0


def test_chinese_seeker_headers_are_read():
    p = prepare(
        {
            "求职者编号": ["s1"], "求职意向": ["电工"], "现居住地": ["济南市历下区"],
            "文化程度": ["初级中学"], "期望薪资": ["三千五"], "出生年月": ["1990-05"],
            "专业": ["电气自动化"], "人员类别": ["退役军人"], "意向工作地区": ["本市"],
        }
    )  # fmt: skip
    row = p.seekers.row(0, named=True)
    assert row["education"] == 2 and row["salary_min"] == 3500 and row["birth_year"] == 1990
    assert row["major"] == "电气自动化" and row["groups"] == ["退役军人"]
    assert row["willing_region_codes"] == ["370100"]


@pytest.mark.parametrize(
    ("table", "header", "column"),
    [
        ("vacancies", "education", "education_min"), ("seekers", "salary", "expected_salary"),
        ("seekers", "birthday", "birth_year"), ("seekers", "Birth Date", "birth_year"),
        ("vacancies", "薪资待遇（元/月）", "salary"), ("vacancies", "*招聘人数", "openings"),
        ("seekers", "Education_Level", "education"), ("seekers", "出生日期", "birth_year"),
        ("vacancies", "单位名称", "employer_id"), ("seekers", "人员类型", "category"),
    ],
)  # fmt: skip
def test_near_miss_headers_map_to_the_column(table, header, column):
    names = mc.records.SEEKER_COLUMNS if table == "seekers" else mc.records.VACANCY_COLUMNS
    rename, unused = mc.records.canonical(table, [header], names)
    assert rename == {header: column} and unused == []


def test_an_unknown_column_is_reported_with_what_it_probably_meant():
    p = prepare(
        {
            "seeker_id": ["s1"], "desired_title": ["电工"], "region": ["济南"],
            "educaton": ["本科"], "性别": ["男"], "备注": ["x"], "序号": ["1"],
        }
    )  # fmt: skip
    unused = p.rejected.filter(code="unused_column")
    assert set(unused["field"]) == {"educaton", "性别", "备注", "序号"}
    assert unused["row"].null_count() == unused["line"].null_count() == 4
    assert (unused["severity"] == "warning").all()
    why = dict(unused.select("field", "reason").iter_rows())
    assert "education" in why["educaton"] and "文化程度" in why["educaton"]
    assert "受保护属性" in why["性别"]
    assert "education" not in why["备注"]
    assert "序号" in why["序号"] and "seeker_id" not in why["序号"]
    assert p.summary()["prepared"].to_list() == [1, 1]


def test_an_alias_beside_its_column_is_reported_not_read():
    p = prepare(
        {"seeker_id": ["s1"], "desired_title": ["电工"], "region": ["济南"],
         "education": ["本科"], "文化程度": ["初中"]}
    )  # fmt: skip
    assert p.seekers["education"].item() == 5
    unused = p.rejected.filter(code="unused_column")
    assert unused["field"].to_list() == ["文化程度"] and "education" in unused["reason"].item()


def test_birthday_keeps_the_age_constraint_end_to_end():
    # with birthday instead of birth_year a 68-year-old was placed
    s = pl.DataFrame(
        {"seeker_id": ["old", "young"], "desired_occupation": ["6-31-01-03"] * 2,
         "region": ["济南市历下区"] * 2, "birthday": ["1958-03-12", "1995-03-12"]}
    )  # fmt: skip
    v = pl.DataFrame(
        {"vacancy_id": ["v"], "occupation_code": ["6-31-01-03"], "openings": [5],
         "region": ["济南市历下区"], "发布日期": ["2026-03-01"]}
    )  # fmt: skip
    r = mc.match(s, v, progress=False)
    assert r.assignments["seeker_id"].to_list() == ["young"]
    assert r.unmatched.filter(seeker_id="old")["code"].item() == "age"


# --------------------------------------------------------------------------------------------
# key groups


@pytest.mark.parametrize(
    ("text", "groups", "category"),
    [
        ("2025届高校毕业生", ["高校毕业生"], "graduate"),
        ("离校未就业高校毕业生", ["高校毕业生"], "graduate"),
        ("就业困难人员、退役军人", ["就业困难人员", "退役军人"], "other"),
        ("长期失业人员", ["登记失业人员", "长期失业人员"], "unemployed"),
        ("农村转移劳动力/脱贫劳动力", ["农村转移劳动力", "脱贫劳动力"], "other"),
        ("残疾人;登记失业人员", ["登记失业人员", "残疾人"], "unemployed"),
        ("unemployed", ["登记失业人员"], "unemployed"),
        ("graduate", ["高校毕业生"], "graduate"),
        ("other", [], "other"),
        ("城镇登记失业人员，零就业家庭", ["登记失业人员", "零就业家庭成员"], "unemployed"),
        ("建档立卡贫困劳动力", ["脱贫劳动力"], "other"),
        ("退伍军人、应届毕业生", ["高校毕业生", "退役军人"], "graduate"),
        ("毕业两年内未就业", ["高校毕业生"], "graduate"),
        ("退役士兵", ["退役军人"], "other"),
        ("失业人员", ["登记失业人员"], "unemployed"),
    ],
)
def test_key_groups(text, groups, category):
    p = prepare(
        {"seeker_id": ["s"], "desired_title": ["电工"], "region": ["济南"], "人员类别": [text]}
    )
    row = p.seekers.row(0, named=True)
    assert row["groups"] == groups and row["category"] == category
    assert set(row["groups"]) <= set(mc.records.KEY_GROUPS)
    assert p.rejected.filter(code="unknown_group").height == 0


def test_graduation_year_is_kept_from_the_group_and_unknown_parts_warn():
    p = prepare(
        {"seeker_id": ["a", "b"], "desired_title": ["电工"] * 2, "region": ["济南"] * 2,
         "category": ["2025届高校毕业生、外星人", None]}
    )  # fmt: skip
    assert p.seekers["graduation_year"].to_list() == [2025, None]
    assert p.seekers["groups"].to_list() == [["高校毕业生"], None]
    warn = p.rejected.filter(code="unknown_group")
    assert warn["row"].to_list() == [0] and "外星人" in warn["reason"].item()


# --------------------------------------------------------------------------------------------
# values


def test_retired_counties_are_not_rejected():
    names = ["文登市", "长清县", "垦利县", "沾化县", "陵县", "兖州市", "定陶县", "胶南市", "牟平县",
             "莱芜市钢城区", "威海市文登市", "青岛西海岸新区"]  # fmt: skip
    p = prepare({"seeker_id": names, "desired_title": ["电工"] * len(names), "region": names})
    assert p.rejected.filter(severity="error").height == 0
    codes = p.seekers["region_code"].to_list()
    assert codes[names.index("威海市文登市")] == "371003"  # the county, not the city
    assert all(not c.endswith("00") for c in codes)


@pytest.mark.parametrize(
    ("words", "codes"),
    [("全省", ["370000"]), ("省内", ["370000"]), ("本市", ["370100"]), ("不限", ["370000"]),
     ("本县、青岛", ["370102", "370200"]), ("全省范围内", ["370000"]),
     ("本市各区均可", ["370100"]), ("服从分配", ["370000"])],
)  # fmt: skip
def test_willing_region_words(words, codes):
    p = prepare(
        {"seeker_id": ["s"], "desired_title": ["电工"], "region": ["济南市历下区"],
         "willing_regions": [words]}
    )  # fmt: skip
    assert p.seekers["willing_region_codes"].item().to_list() == codes
    assert p.rejected.height == 0


@pytest.mark.parametrize("text", ["若干", "不限", "多名", "若干人", "数名"])
def test_unstated_openings_keep_the_posting_with_a_warning(text):
    v = {"vacancy_id": ["v"], "title": ["电工"], "openings": [text], "region": ["济南"]}
    p = prepare({"seeker_id": [], "desired_title": [], "region": []}, v)
    assert p.vacancies["openings"].to_list() == [mc.records.DEFAULT_OPENINGS]
    warn = p.rejected.filter(code="openings_unstated")
    assert warn["severity"].to_list() == ["warning"] and text in warn["reason"].item()


@pytest.mark.parametrize(("text", "n"), [("三名", 3), ("十人", 10), ("3-5人", 3), ("20人以上", 20)])
def test_openings_in_words_and_ranges(text, n):
    v = {"vacancy_id": ["v"], "title": ["电工"], "openings": [text], "region": ["济南"]}
    p = prepare({"seeker_id": [], "desired_title": [], "region": []}, v)
    assert p.vacancies["openings"].to_list() == [n] and p.rejected.height == 0


@pytest.mark.parametrize("null", ["\\N", "—", "NULL", "N/A", "-", "#N/A"])
def test_null_spellings_are_empty_in_every_column(null):
    p = prepare(
        {"seeker_id": ["s"], "desired_title": ["电工"], "region": ["济南"], "education": [null],
         "birth_year": [null], "willing_regions": [null], "category": [null]}
    )  # fmt: skip
    assert p.rejected.height == 0
    row = p.seekers.row(0, named=True)
    assert row["education"] is None and row["birth_year"] is None


def test_a_long_title_is_cut_and_warned_and_not_copied_whole():
    long = "包吃住" * 3400
    v = {"vacancy_id": ["v"], "title": ["电工" + long], "openings": ["2"], "region": ["济南"]}
    p = prepare({"seeker_id": [], "desired_title": [], "region": []}, v)
    assert p.vacancies["title"].str.len_chars().item() == mc.records.MAX_TITLE_CHARS
    assert p.vacancies["title"].item().startswith("电工")
    warn = p.rejected.filter(code="title_too_long")
    assert warn.height == 1 and warn["reason"].str.len_chars().item() < 100
    assert p.rejected["value"].str.len_chars().max() <= 200


def test_rows_name_the_line_a_person_sees():
    p = prepare({"seeker_id": ["a", None], "desired_title": ["电工"] * 2, "region": ["济南"] * 2})
    err = p.rejected.filter(severity="error")
    assert (err["row"].item(), err["line"].item()) == (1, 3)
    assert p.seekers["line"].to_list() == [2]


# --------------------------------------------------------------------------------------------
# input types


def _tables():
    s = pl.DataFrame({"seeker_id": ["a"], "desired_occupation": ["6-31-01-03"], "region": ["济南"]})
    v = pl.DataFrame(
        {
            "vacancy_id": ["v"],
            "occupation_code": ["6-31-01-03"],
            "openings": [1],
            "region": ["济南"],
        }
    )
    return s, v


def test_lazy_frames_are_accepted():
    s, v = _tables()
    r = mc.match(s.lazy(), v.lazy(), progress=False)
    assert r.assignments.height == 1


def test_pandas_frames_are_accepted():
    pd = pytest.importorskip("pandas")
    s, v = _tables()
    ps = pd.DataFrame({c: s[c].to_list() for c in s.columns})
    pv = pd.DataFrame({c: v[c].to_list() for c in v.columns})
    r = mc.match(ps, pv, progress=False)
    assert r.assignments.rows() == mc.match(s, v, progress=False).assignments.rows()
    assert mc.records.prepare(ps, pv).seekers.height == 1


def test_pyarrow_tables_are_accepted():
    pa = pytest.importorskip("pyarrow")
    s, v = _tables()
    r = mc.match(pa.table(s.to_dict(as_series=False)), v.to_arrow(), progress=False)
    assert r.assignments.height == 1


def test_other_inputs_are_refused_by_name():
    _, v = _tables()
    with pytest.raises(mc.InvalidParameter, match="'seekers' parameter of match must be a polars"):
        mc.match({"seeker_id": ["a"]}, v, progress=False)


# --------------------------------------------------------------------------------------------
# every input row has a place


_IDS = st.sampled_from(["a", "b", "c", "d", None, "\\N"])
_REGIONS = st.sampled_from(
    ["济南市历下区", "历城区", "文登市", "胶南市", "市中区", "火星", None, "—"]
)
_CODES = st.sampled_from(["6-31-01-03", "6-18-02-04", "9-99-99-99", None])
_BIRTH = st.sampled_from(["1990", "1958-03-12", "出生", None])


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seekers=st.lists(st.tuples(_IDS, _REGIONS, _CODES, _BIRTH), min_size=1, max_size=12),
    vacancies=st.lists(
        st.tuples(
            st.sampled_from(["v1", "v2", "v3", None]),
            _REGIONS,
            _CODES,
            st.sampled_from(["1", "2", "若干", "0", None]),
        ),
        min_size=1,
        max_size=6,
    ),
)
def test_no_input_row_leaves_without_a_place(seekers, vacancies):
    s = pl.DataFrame(
        seekers, schema=["seeker_id", "region", "desired_occupation", "birthday"], orient="row"
    )
    v = pl.DataFrame(
        vacancies, schema=["vacancy_id", "region", "occupation_code", "招聘人数"], orient="row"
    )
    r = mc.match(s, v, config=mc.MatchConfig(top_k=3), progress=False)
    # seekers: each row assigned (through its prepared row) or unmatched, exactly once
    assigned = r.seekers.join(r.assignments, on="seeker_id", how="semi")["row"].to_list()
    unmatched = r.unmatched["row"].to_list()
    assert sorted(assigned + unmatched) == list(range(s.height))
    ids = r.unmatched["seeker_id"].drop_nulls()
    assert ids.is_unique().all()
    assert not set(ids) & set(r.assignments["seeker_id"])
    # vacancies: each row kept or rejected with an error, exactly once
    errors = r.rejected.filter(table="vacancies", severity="error")["row"].unique().to_list()
    assert sorted(r.vacancies["row"].to_list() + errors) == list(range(v.height))
    assert set(r.rejected["code"]) <= set(mc.records.REJECTED_CODES)
    assert r.rejected.filter(pl.col("row").is_not_null())["line"].equals(
        r.rejected.filter(pl.col("row").is_not_null())["row"] + 2
    )


def test_the_readme_column_table_lists_every_column_read():
    with open("README.md", encoding="utf-8") as fh:
        text = fh.read()
    table = text[text.index("## Input columns") : text.index("## Layout")]
    for name in mc.records.SEEKER_COLUMNS + mc.records.VACANCY_COLUMNS:
        assert f"`{name}`" in table, name
    for group in mc.records.KEY_GROUPS:
        assert group in table, group


def test_ages_in_chinese_numerals():
    v = {"vacancy_id": ["v"], "title": ["电工"], "openings": ["1"], "region": ["济南"],
         "最低年龄": ["十八岁"], "最高年龄": ["四十五周岁"]}  # fmt: skip
    p = prepare({"seeker_id": [], "desired_title": [], "region": []}, v)
    assert p.vacancies.select("age_min", "age_max").row(0) == (18, 45)
    assert p.rejected.height == 0


def test_the_audit_reads_requirements_under_a_chinese_header():
    s, _ = _tables()
    v = pl.DataFrame(
        {"岗位编号": ["v"], "职业代码": ["6-31-01-03"], "招聘人数": ["1"], "工作地点": ["济南"],
         "岗位要求": ["限男性，35岁以下"]}
    )  # fmt: skip
    r = mc.match(s, v, progress=False)
    assert r.audit.height > 0 and set(r.audit["vacancy_id"]) == {"v"}


@settings(max_examples=30, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            ["2025届高校毕业生、退役军人", "长期失业人员", "其他", "火星人", "残疾人/低保", None,
             "unemployed", "就业困难人员，脱贫劳动力", "graduate"]
        ),
        min_size=1,
        max_size=30,
    )
)  # fmt: skip
def test_groups_read_once_per_distinct_value_equal_a_read_per_row(cells):
    from matchcore.records import read_groups

    n = len(cells)
    p = prepare(
        {"seeker_id": [str(i) for i in range(n)], "desired_title": ["电工"] * n,
         "region": ["济南"] * n, "category": cells}
    )  # fmt: skip
    want = [None if c is None else read_groups(c) for c in cells]
    assert p.seekers["groups"].to_list() == [None if w is None else list(w[0]) for w in want]
    assert p.seekers["category"].to_list() == [None if w is None else w[1] for w in want]


def test_pandas_without_pyarrow_is_read_column_by_column():
    pd = pytest.importorskip("pandas")
    from matchcore.records._prepare import _from_pandas_by_column

    df = pd.DataFrame(
        {"seeker_id": ["a", "b"], "birth_year": [1990, None], "mixed": [1, "x"],
         "region": ["济南", float("nan")]}
    )  # fmt: skip
    out = _from_pandas_by_column(df)
    assert out["seeker_id"].to_list() == ["a", "b"]
    assert out["birth_year"].to_list() == [1990.0, None]
    assert out["mixed"].to_list() == ["1", "x"] and out["region"].to_list() == ["济南", None]
    assert mc.records.as_polars(df)["mixed"].to_list() == ["1", "x"]  # mixed cells: same path
