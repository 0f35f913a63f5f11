"""parse(series, field): the column contract of docs/stages.md, and agreement with the per-row path."""

import datetime as dt

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matchcore._errors import InvalidParameter
from matchcore.normalize import parse
from matchcore.normalize._reference import parse_naive
from matchcore.normalize._series import FIELDS

SAMPLES = {
    "education": ["本科及以上", "学历不限", None, "会开车", "大专", "本科及以上"],
    "skill_level": ["高级工", "不限", None, "很好", "三级"],
    "professional_title": ["中级职称及以上", None, "x", "高级工程师"],
    "salary": ["8k-12k", "面议", None, "很多", "5000以上", "8k-12k"],
    "region": ["历下区", "市中区", None, "火星", "370125", ""],
    "experience": ["3-5年", "经验不限", None, "很多年", "一年以上"],
    "age_range": ["18-45岁", "45岁以下", None, "年轻", "年龄不限"],
    "date": ["2026-03-01", "2026年3月1日", None, "明天", ""],
}
DTYPES = {
    "education": {"value": pl.Int8},
    "skill_level": {"value": pl.Int8},
    "professional_title": {"value": pl.Int8},
    "salary": {"low": pl.Float64, "high": pl.Float64},
    "region": {"value": pl.Utf8},
    "experience": {"min": pl.Float64, "max": pl.Float64},
    "age_range": {"min": pl.Float64, "max": pl.Float64},
    "date": {"value": pl.Date},
}


@pytest.mark.parametrize("field", sorted(SAMPLES))
def test_columns_and_dtypes(field):
    out = parse(pl.Series(SAMPLES[field], dtype=pl.Utf8), field)
    assert out.schema == pl.Schema({**DTYPES[field], "reason": pl.Utf8})
    assert out.height == len(SAMPLES[field])


@pytest.mark.parametrize("field", sorted(SAMPLES))
def test_null_in_null_out_and_reasons_only_for_failures(field):
    values = SAMPLES[field]
    out = parse(pl.Series(values, dtype=pl.Utf8), field)
    first = next(iter(DTYPES[field]))
    for i, v in enumerate(values):
        if v is None:
            assert out[first][i] is None
            assert out["reason"][i] is None
        if out["reason"][i] is not None:
            assert out["reason"][i].startswith("cannot read ")
            assert all(out[c][i] is None for c in DTYPES[field])
    assert out["reason"].null_count() < len(values)  # every sample has one failure


def test_values():
    out = parse(pl.Series(["8k-12k", "面议", None, "很多", "5000以上"]), "salary")
    assert out["low"].to_list() == [8000.0, None, None, None, 5000.0]
    assert out["high"].to_list() == [12000.0, None, None, None, None]
    assert out["reason"].to_list()[3] == (
        "cannot read salary from '很多': expected a salary such as 8k-12k, 8千-1.2万, "
        "6000-8000元/月, 年薪20万, 200元/天, 25元/小时, 5000以上 (or 面议)"
    )
    assert parse(pl.Series(["本科", "大专"]), "education")["value"].to_list() == [5, 4]


def test_region_within_option():
    out = parse(pl.Series(["市中区", "历下"]), "region", within="370400")
    assert out["value"].to_list() == ["370402", "370102"]
    assert parse(pl.Series(["市中区"]), "region")["reason"][0].startswith("cannot read region")


def test_numbers_and_dates():
    assert parse(pl.Series([5000, None, 7000]), "salary")["low"].to_list() == [5000.0, None, 7000.0]
    assert parse(pl.Series([1.5, None]), "experience")["min"].to_list() == [1.5, None]
    days = pl.Series([dt.date(2026, 3, 1), None])
    out = parse(days, "date")
    assert out["value"].to_list() == [dt.date(2026, 3, 1), None]
    assert out["reason"].to_list() == [None, None]
    assert parse(pl.Series([None, None], dtype=pl.Null), "salary").height == 2


def test_empty_series():
    out = parse(pl.Series([], dtype=pl.Utf8), "education")
    assert out.height == 0
    assert out.columns == ["value", "reason"]


def test_input_not_mutated():
    s = pl.Series("x", ["8k-12k", None])
    parse(s, "salary")
    assert s.to_list() == ["8k-12k", None]
    assert s.name == "x"


@pytest.mark.parametrize(
    ("args", "kwargs", "match"),
    [
        ((pl.Series(["a"]), "colour"), {}, r"'field' parameter of parse must be one of \["),
        ((["a"], "salary"), {}, r"'series' parameter of parse must be a polars Series"),
        ((pl.Series(["a"]), "salary"), {"within": "370000"}, r"'within' parameter of parse"),
    ],
)
def test_bad_parameters(args, kwargs, match):
    with pytest.raises(InvalidParameter, match=match):
        parse(*args, **kwargs)


pool = st.sampled_from(
    [v for values in SAMPLES.values() for v in values] + ["", "  ", "１２k", "8千", "本科/硕士"]
)


@pytest.mark.parametrize("field", sorted(FIELDS))
@settings(max_examples=25, deadline=None)
@given(values=st.lists(st.one_of(pool, st.text(max_size=6)), max_size=30))
def test_distinct_path_equals_per_row_path(field, values):
    s = pl.Series(values, dtype=pl.Utf8)
    assert parse(s, field).equals(parse_naive(s, field))
