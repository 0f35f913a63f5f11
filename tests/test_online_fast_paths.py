"""The online path's fast paths give what the batch paths give.

One seeker at a time goes through short cuts (a row-by-row field parser for short Series, no
distinct/join for one row, no query for a column with nothing to read or warn about, a tiny
coder batch in input order): each row answered alone must equal the same row of a batch run.
"""

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import matchcore as mc
from matchcore.normalize import TitleCoder, parse
from matchcore.normalize._series import _SMALL, FIELDS

EMPTY_V = pl.DataFrame(
    schema={"vacancy_id": pl.Utf8, "title": pl.Utf8, "openings": pl.Int64, "region": pl.Utf8}
)

# Every optional field read, unreadable, blank or missing somewhere (warnings and errors).
MESSY = pl.DataFrame(
    {
        "seeker_id": ["m1", "m2", "m3", "m4", "m5", "m6", "m7", "m8", "m9"],
        "category": ["登记失业", "火星人", None, " graduate ", "", "其他", None, "other", "x"],
        "desired_title": ["电工", "  保洁员 ", None, "见习会计", "司机", "", "焊工", "电工", None],
        "desired_occupation": [None, None, "6-31-01-03", None, "99-99", None, None, None, None],
        "region": ["济南市历下区", "青岛", "370102", "火星", "烟台市", "潍坊", None, "  ", "临沂"],
        "willing_regions": [
            "青岛、烟台",
            "火星,济南",
            None,
            "",
            "淄博 / 日照",
            None,
            "x",
            "济南",
            "威海",
        ],
        "education": ["本科", "会开车", None, "大专", "", "硕士", "本科及以上", None, "高中"],
        "major": [None, "机械", "会计学", None, "", "计算机", None, None, "护理"],
        "graduation_year": ["2025届", "明年", None, "2026", "1800", "2024-07", "", None, "2023"],
        "expected_salary": [
            "8k-12k",
            "很多",
            None,
            "面议",
            "5000以上",
            "",
            "3.5千-4千",
            None,
            "6000",
        ],
        "experience_years": ["3-5年", "很多年", None, "一年以上", "", "10年以上", None, "2年", "x"],
        "skill_level": ["高级工", "很好", None, "三级", "", "四级/中级工", None, "不限", "初级工"],
        "professional_title": [None, "x", "中级职称", "", None, "高级工程师", None, None, "初级"],
        "birth_year": [1994, 2030, None, 1988, 1975, None, 2001, 1999, 1890],
        "registered_at": [
            "2026/3/30",
            "明天",
            None,
            "2026-01-02",
            "",
            "2025年12月1日",
            None,
            "x",
            None,
        ],
    }
)


def _rows_alone_equal_batch(seekers: pl.DataFrame, coder: TitleCoder) -> None:
    batch = mc.records.prepare(seekers, EMPTY_V, coder=coder, progress=False)
    for i in range(seekers.height):
        one = mc.records.prepare(seekers.slice(i, 1), EMPTY_V, coder=coder, progress=False)
        first = (pl.lit(0, pl.UInt32).alias("row"), pl.lit(2, pl.UInt32).alias("line"))
        want = batch.seekers.filter(pl.col("row") == i).with_columns(*first)
        assert one.seekers.equals(want), i
        want_rej = batch.rejected.filter(pl.col("row") == i).with_columns(
            *first, pl.col("reason").str.replace(r"^第 \d+ 行：", "第 2 行：")
        )
        # (table-level warnings, row null, are the same for one row and the batch)
        assert one.rejected.filter(pl.col("row").is_not_null()).equals(want_rej), i
        table_level = pl.col("row").is_null()
        assert one.rejected.filter(table_level).equals(batch.rejected.filter(table_level))
        assert one.seekers.schema == batch.seekers.schema


@pytest.fixture(scope="module")
def coder():
    return TitleCoder()


def test_prepare_one_row_equals_its_row_of_a_batch_messy(coder):
    _rows_alone_equal_batch(MESSY, coder)


def test_prepare_one_row_equals_its_row_of_a_batch_synth(coder):
    seekers, _ = mc.synth.province(40, 10, seed=3)
    _rows_alone_equal_batch(seekers, coder)


def test_prepare_all_null_optional_columns_give_the_batch_schema(coder):
    # a one-row table whose optional columns are all null (typed and untyped)
    one = MESSY.slice(2, 1).with_columns(pl.lit(None).alias("major"))
    got = mc.records.prepare(one, EMPTY_V, coder=coder, progress=False)
    batch = mc.records.prepare(
        pl.concat([one, one.with_columns(pl.lit("zz").alias("seeker_id"))]),
        EMPTY_V,
        coder=coder,
        progress=False,
    )
    assert got.seekers.equals(batch.seekers.head(1))


SAMPLES = {
    "education": ["本科及以上", "学历不限", None, "会开车", "大专", "", "本科及以上", "  "],
    "skill_level": ["高级工", "不限", None, "很好", "三级", "四级/中级工", ""],
    "professional_title": ["中级职称及以上", None, "x", "高级工程师", "初级"],
    "salary": ["8k-12k", "面议", None, "很多", "5000以上", "8k-12k", "3.5千-4千"],
    "region": ["历下区", "市中区", None, "火星", "370125", "", "青岛"],
    "experience": ["3-5年", "经验不限", None, "很多年", "一年以上", "10年以上"],
    "age_range": ["18-45岁", "45岁以下", None, "年轻", "年龄不限"],
    "date": ["2026-03-01", "2026年3月1日", None, "明天", "", "2026/3/30"],
}


@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_parse_short_series_equals_the_distinct_path(data):
    field = data.draw(st.sampled_from(sorted(FIELDS)))
    values = data.draw(st.lists(st.sampled_from(SAMPLES[field]), min_size=0, max_size=_SMALL))
    short = pl.Series(values, dtype=pl.Utf8)
    # padded past _SMALL the same values take the distinct/gather path
    pad = pl.Series(values + ["8k-12k", "x"] * _SMALL, dtype=pl.Utf8)
    assert parse(short, field).equals(parse(pad, field).head(len(values)))


@pytest.mark.parametrize("values", [[None], [None, None], [2025, None], [3.0, 2.5]])
def test_parse_short_numeric_and_null_series(values):
    s = pl.Series(values)
    long = pl.Series(values * (_SMALL + 1))
    for field in ("experience", "salary"):
        assert parse(s, field).equals(parse(long, field).head(len(values)))


def test_coder_one_title_equals_its_row_of_a_batch(coder):
    titles = ["电工", "保洁/保安", "", "汽车维修工", "电工", None, "见习会计", "  "]
    batch = coder.code(titles, progress=False)
    for i, t in enumerate(titles):
        one = coder.code([t], progress=False)
        assert one.equals(batch.slice(i, 1)), t
    # a batch without repeats or empty titles (returned as coded, no reordering)
    distinct = ["电工", "保洁/保安", "汽车维修工", "见习会计"]
    got = coder.code(distinct, progress=False)
    assert got.equals(
        batch.filter(pl.col("title").is_in(distinct)).unique("title", maintain_order=True)
    )


def test_recommend_one_seeker_equals_its_rows_of_a_batch():
    seekers, vacancies = mc.synth.province(30, 400, seed=5)
    matcher = mc.Matcher().fit(vacancies)
    batch = matcher.recommend(seekers, k=5)
    for i in range(0, seekers.height, 3):
        one = matcher.recommend(seekers.slice(i, 1), k=5)
        sid = seekers["seeker_id"][i]
        assert one.equals(batch.filter(pl.col("seeker_id") == sid)), sid


@pytest.mark.parametrize("scope", ["city", "province"])
def test_reasons_of_a_few_pairs_equal_the_column_wise_path(scope):
    from matchcore.scoring._reasons import _SMALL_PAIRS, _columnwise, reasons
    from matchcore.synth import fake_prepared

    seekers, vacancies = fake_prepared(40, 60, seed=2)
    index = mc.scoring.VacancyIndex(mc.MatchConfig(scope=scope), progress=False).fit(vacancies)
    sf = index.transform(seekers)
    rng = np.random.default_rng(2)
    rows = rng.integers(0, 40, 5 * _SMALL_PAIRS)
    cols = rng.integers(0, 60, 5 * _SMALL_PAIRS)
    want = _columnwise(index, sf, rows, cols)
    for start in range(0, len(rows), _SMALL_PAIRS):
        stop = start + _SMALL_PAIRS
        got = reasons(index, sf, rows[start:stop], cols[start:stop])
        assert got.equals(want.slice(start, _SMALL_PAIRS)), start
    assert reasons(index, sf, rows[:1], cols[:1]).to_list() == want.head(1).to_list()


def test_seeker_features_of_one_row_equal_its_row_of_a_batch(coder):
    from matchcore.scoring._features import seeker_features

    seekers, _ = mc.synth.province(30, 10, seed=7)
    prepared = mc.records.prepare(
        seekers,
        EMPTY_V,
        coder=coder,
        progress=False,
    ).seekers
    config = mc.MatchConfig()
    batch = seeker_features(prepared, config, None)
    for i in range(prepared.height):
        one = seeker_features(prepared.slice(i, 1), config, None)
        assert one.titles[one.arrays["title"][0]] == batch.titles[batch.arrays["title"][i]]
        assert one.majors[one.arrays["major"][0]] == batch.majors[batch.arrays["major"][i]]
        pad = {mc.scoring._features.code_table().null}  # rows padded to the widest set
        one_w = set(one.wish_sets[one.arrays["wish"][0]].tolist()) - pad
        assert one_w == set(batch.wish_sets[batch.arrays["wish"][i]].tolist()) - pad
        for key, arr in batch.arrays.items():
            got, want = one.arrays[key][0], arr[i]
            if key in ("title", "major", "wish"):  # ids into per-table lists (compared above)
                continue
            if key in ("w_county", "w_city", "w_prov"):  # padded to the widest row: compare sets
                assert set(got.tolist()) - {-1} == set(want.tolist()) - {-1}, (i, key)
            else:
                np.testing.assert_array_equal(got, want, err_msg=f"{i} {key}")


@settings(max_examples=60, deadline=None)
@given(
    values=st.lists(
        st.one_of(st.none(), st.sampled_from(["", "电工", "保洁员", "a", "B", "é", "🙂", "电工 "])),
        min_size=0,
        max_size=8,
    )
)
def test_feature_title_table_of_a_few_rows_equals_the_polars_path(values):
    from matchcore.scoring._features import _titles

    short = pl.Series(values, dtype=pl.Utf8)
    long = pl.Series(values * 2 + ["电工", "a"] * 5, dtype=pl.Utf8)  # past the short cut
    ids, table = _titles(short)
    ids_l, table_l = _titles(long)
    assert table.dtype == table_l.dtype and ids.dtype == ids_l.dtype
    assert [table[i] for i in ids] == [table_l[i] for i in ids_l[: len(values)]]
    # the same order as polars sorts them
    assert list(table) == [t for t in table_l.tolist() if t in set(table.tolist())]
    assert ids.shape == (len(values),)
