"""The words and tables the synthetic province draws from (``synth/data``): cities and
counties with the ways clerks write them, common jobs with employer-style titles, majors."""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import numpy as np
import polars as pl

from matchcore import occupations

# Relative frequency of rare occupations (not in jobs.csv) by prefix, for vacancies.
_TAIL_GROUPS = {"6": 0.50, "2-02": 0.22, "4": 0.18, "2": 0.06, "3": 0.03, "5": 0.01}
_COMMON_SHARE = 0.75  # share of postings for the common jobs of jobs.csv


@dataclass(frozen=True)
class _Vocab:
    cities: pl.DataFrame
    counties: pl.DataFrame  # code, name, city_idx, weight, region forms f0..f7
    region_forms: np.ndarray  # (n_counties, n_forms) object array of strings
    city_names: np.ndarray
    city_shorts: np.ndarray
    occ_codes: np.ndarray
    occ_weight: np.ndarray  # posting frequency, sums to 1
    post_titles: np.ndarray
    post_start: np.ndarray
    post_count: np.ndarray
    seek_titles: np.ndarray
    seek_start: np.ndarray
    seek_count: np.ndarray
    majors: pl.DataFrame
    major_codes: np.ndarray  # occupation index for each (major, code) pair, flattened
    major_start: np.ndarray
    major_count: np.ndarray
    words: dict[str, Any]


def _data(name: str) -> str:
    return resources.files("matchcore.synth").joinpath("data", name).read_text(encoding="utf-8")


def _csv(name: str) -> pl.DataFrame:
    return pl.read_csv(io.StringIO(_data(name)), infer_schema=False)


def _short(name: str) -> str:
    for suffix in ("自治县", "区", "县", "市"):
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return name


def _flat(lists: list[list[str]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    count = np.array([len(x) for x in lists], dtype=np.int64)
    start = np.concatenate([[0], np.cumsum(count)[:-1]]).astype(np.int64)
    flat = np.array([t for x in lists for t in x], dtype=object)
    return flat, start, count


def _seeker_forms(name: str, aliases: tuple[str, ...]) -> list[str]:
    forms = [name, *aliases[:3]]
    if name.endswith("工程技术人员"):
        forms.append(name.removesuffix("工程技术人员") + "工程师")
    elif name.endswith("人员") and len(name) > 4:
        forms.append(name.removesuffix("人员"))
    return list(dict.fromkeys(f for f in forms if f))


@cache
def _vocab() -> _Vocab:
    tax = occupations.load()
    cities = _csv("cities.csv").with_columns(pl.col("population").cast(pl.Int64))
    city_index = {c: i for i, c in enumerate(cities["code"])}
    div = _csv("shandong_divisions.csv").filter(pl.col("depth") == "3")
    retired = _csv("retired.csv")
    old_name = dict(zip(retired["new_code"], retired["old_name"], strict=True))
    old_code = dict(zip(retired["new_code"], retired["old_code"], strict=True))
    name_count: dict[str, int] = {}
    for n in div["name"]:
        name_count[n] = name_count.get(n, 0) + 1
    short_count: dict[str, int] = {}
    for n in div["name"]:
        short_count[_short(n)] = short_count.get(_short(n), 0) + 1
    weight = {"市辖区": 1.5, "县级市": 1.2}
    rows, forms = [], []
    for code, name, typ, parent in div.select("code", "name", "type", "parent_code").iter_rows():
        ci = city_index[parent]
        city, short = cities["name"][ci], cities["short"][ci]
        unique = name_count[name] == 1
        bare = name if unique else city + name
        sh = _short(name)
        short_form = sh if unique and short_count[sh] == 1 and sh != short else short + name
        # Real exports: the county name, city + county, the full path, the code, the city only,
        # the short city name, a short county name, a retired name or code where there is one.
        retired_form = old_name.get(code, city + name)
        retired_code = old_code.get(code, code)
        forms.append(
            [
                bare,
                city + name,
                "山东省" + city + name,
                code,
                city,
                short,
                short_form,
                retired_form,
                retired_code,
                "山东" + short + name,
            ]
        )
        rows.append((code, name, ci, weight.get(typ, 1.0)))
    counties = pl.DataFrame(
        rows, schema=["code", "name", "city_idx", "weight"], orient="row"
    ).with_columns(pl.col("city_idx").cast(pl.Int64))

    jobs = _csv("jobs.csv")
    common = set(jobs["code"])
    codes: list[str] = []
    weights: list[float] = []
    post: list[list[str]] = []
    seek: list[list[str]] = []
    jw = jobs["weight"].cast(pl.Float64).to_numpy()
    jw = jw / jw.sum() * _COMMON_SHARE
    for (code, _w, pt, st), w in zip(jobs.iter_rows(), jw, strict=True):
        codes.append(code)
        weights.append(float(w))
        post.append(pt.split("|"))
        seek.append(st.split("|"))
    tail = [
        o
        for o in tax.at_level(4)
        if o.code not in common and o.code[0] in "23456" and not o.code.startswith("2-99")
    ]

    def group(code: str) -> str:
        return "2-02" if code.startswith("2-02") else code[0]

    sizes: dict[str, int] = {}
    for o in tail:
        sizes[group(o.code)] = sizes.get(group(o.code), 0) + 1
    total = sum(_TAIL_GROUPS[g] for g in sizes)
    for o in tail:
        g = group(o.code)
        codes.append(o.code)
        weights.append((1 - _COMMON_SHARE) * _TAIL_GROUPS[g] / total / sizes[g])
        post.append([o.name, *o.aliases[:4]])
        seek.append(_seeker_forms(o.name, o.aliases))
    occ_weight = np.array(weights)
    occ_weight /= occ_weight.sum()
    post_titles, post_start, post_count = _flat(post)
    seek_titles, seek_start, seek_count = _flat(seek)

    occ_index = {c: i for i, c in enumerate(codes)}
    majors = _csv("majors.csv")
    major_codes, major_start, major_count = _flat(
        [[str(occ_index[c]) for c in cs.split("|")] for cs in majors["codes"]]
    )
    return _Vocab(
        cities=cities,
        counties=counties,
        region_forms=np.array(forms, dtype=object),
        city_names=cities["name"].to_numpy().astype(object),
        city_shorts=cities["short"].to_numpy().astype(object),
        occ_codes=np.array(codes, dtype=object),
        occ_weight=occ_weight,
        post_titles=post_titles,
        post_start=post_start,
        post_count=post_count,
        seek_titles=seek_titles,
        seek_start=seek_start,
        seek_count=seek_count,
        majors=majors,
        major_codes=major_codes.astype(np.int64),
        major_start=major_start,
        major_count=major_count,
        words=json.loads(_data("vocabulary.json")),
    )
