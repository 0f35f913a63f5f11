"""Small vectorised helpers of the synthetic province: picking words, writing amounts, dates and
places the way exports do, planting defects."""

from __future__ import annotations

from datetime import date
from typing import Any

import numpy as np
import polars as pl

from matchcore._errors import InvalidParameter
from matchcore.synth._vocab import _Vocab

_PROVINCES = {"370000", "37", "山东", "山东省"}
_START = date(2026, 1, 1)  # registrations and postings fall within 2026


def _s(values: np.ndarray | list[Any], name: str = "", dtype: Any = pl.Utf8) -> pl.Series:
    if isinstance(values, np.ndarray) and values.dtype == object:
        values = values.tolist()
    return pl.Series(name, values, dtype=dtype)


def _g(values: np.ndarray | list[str], idx: Any) -> pl.Series:
    """``values[idx]`` as a Utf8 Series, gathered by polars (fast for millions of rows)."""
    return pl.Series(list(values), dtype=pl.Utf8).gather(np.asarray(idx, dtype=np.int64))


def _num(x: np.ndarray) -> pl.Series:
    """Integers as decimal text."""
    return pl.Series(np.asarray(x)).cast(pl.Utf8)


def _pick(rng: np.random.Generator, words: list[str], n: int, p: Any = None) -> pl.Series:
    idx = rng.choice(len(words), size=n, p=p)
    return _s(words).gather(idx)


def _pick_flat(
    rng: np.random.Generator, flat: np.ndarray, start: np.ndarray, count: np.ndarray, idx: Any
) -> pl.Series:
    """For each occupation index in ``idx`` one of its words, uniformly."""
    k = (rng.random(len(idx)) * count[idx]).astype(np.int64)
    return _g(flat, start[idx] + k)


def _when(
    mask: np.ndarray, then: pl.Series | str | None, otherwise: pl.Series | str | None = ""
) -> Any:
    """An expression: ``then`` where mask, else ``otherwise`` (``None`` for null)."""
    m = pl.lit(pl.Series(mask, dtype=pl.Boolean))
    t = pl.lit(then) if isinstance(then, pl.Series) else pl.lit(then, dtype=pl.Utf8)
    o = pl.lit(otherwise) if isinstance(otherwise, pl.Series) else pl.lit(otherwise, dtype=pl.Utf8)
    return pl.when(m).then(t).otherwise(o)


def _select_by(index: np.ndarray, options: list[pl.Series], n: int) -> pl.Series:
    """Row i takes ``options[index[i]][i]``; an option may be a Series of length n or 1."""
    frame = pl.DataFrame(
        {f"o{k}": (o if o.len() == n else o.new_from_index(0, n)) for k, o in enumerate(options)}
    )
    expr: Any = pl.lit(None, dtype=pl.Utf8)
    for k in range(len(options) - 1, -1, -1):
        expr = pl.when(pl.lit(pl.Series(index == k))).then(pl.col(f"o{k}")).otherwise(expr)
    return frame.select(expr.alias("x")).to_series()


def _money(v: pl.Series) -> pl.Series:
    """CNY amounts as ``8千`` / ``1.2万``, the way postings abbreviate them."""
    f = v.cast(pl.Float64)
    wan = (f / 10000).round(2).cast(pl.Utf8).str.replace(r"\.0$", "") + "万"
    qian = (f / 1000).round(1).cast(pl.Utf8).str.replace(r"\.0$", "") + "千"
    return pl.select(
        pl.when(pl.lit(f) >= 10000).then(pl.lit(wan)).otherwise(pl.lit(qian))
    ).to_series()


def _date_text(rng: np.random.Generator, days: np.ndarray) -> pl.Series:
    d = pl.select(pl.lit(_START) + pl.duration(days=pl.lit(pl.Series(days)))).to_series()
    forms = [
        d.dt.strftime("%Y-%m-%d"),
        d.dt.strftime("%Y/%-m/%-d"),
        d.dt.strftime("%Y%m%d"),
        d.dt.strftime("%Y年%-m月%-d日"),
        d.dt.strftime("%Y.%m.%d"),
    ]
    idx = rng.choice(len(forms), size=len(days), p=[0.55, 0.2, 0.1, 0.1, 0.05])
    return _select_by(idx, forms, len(days))


def _salary_base(codes: np.ndarray, city_idx: np.ndarray) -> np.ndarray:
    base = np.full(len(codes), 5200.0)
    prefixes = [
        ("2-02-10", 9500.0),
        ("4-04-05", 8000.0),
        ("2-02", 7800.0),
        ("2-", 6500.0),
        ("3-", 4600.0),
        ("4-", 4900.0),
        ("5-", 4300.0),
        ("6-", 5800.0),
    ]
    s = pl.Series(codes, dtype=pl.Utf8)
    done = np.zeros(len(codes), dtype=bool)
    for prefix, value in prefixes:
        m = s.str.starts_with(prefix).to_numpy() & ~done
        base[m] = value
        done |= m
    city_factor = np.array(
        [
            1.15,
            1.22,
            1.0,
            0.92,
            1.05,
            1.05,
            1.0,
            0.95,
            0.92,
            1.05,
            0.95,
            0.92,
            0.9,
            0.88,
            0.92,
            0.86,
        ]
    )
    return base * city_factor[city_idx]


def _round_to(x: np.ndarray, step: int) -> np.ndarray:
    return (np.maximum(np.round(x / step), 1) * step).astype(np.int64)


def _salary_text(
    rng: np.random.Generator, lo: np.ndarray, hi: np.ndarray, p: list[float]
) -> pl.Series:
    n = len(lo)
    los, his = _num(lo), _num(hi)
    lok, hik = _money(pl.Series(lo)), _money(pl.Series(hi))
    year_lo = _num(np.round(lo * 12 / 10000).astype(np.int64))
    year_hi = _num(np.round(hi * 12 / 10000).astype(np.int64))
    options = [
        los + "-" + his + "元/月",
        los + "-" + his,
        lok + "-" + hik,
        _num(lo // 1000) + "k-" + _num(hi // 1000) + "k",
        _s(["面议"]),
        "年薪" + year_lo + "-" + year_hi + "万",
        "底薪" + los + "+提成",
        los + "元以上",
        los,
        _s([None]),
    ]
    return _select_by(rng.choice(len(options), size=n, p=p), options, n)


def _region_text(rng: np.random.Generator, vocab: _Vocab, county: np.ndarray) -> pl.Series:
    # county name, city+county, full path, code, city, city short, short county, retired name,
    # retired code, 山东+city short+county
    p = np.array([0.2, 0.24, 0.1, 0.13, 0.1, 0.07, 0.05, 0.04, 0.02, 0.05])
    form = rng.choice(len(p), size=len(county), p=p / p.sum())
    return _g(vocab.region_forms.ravel(), county * vocab.region_forms.shape[1] + form)


def _place(
    rng: np.random.Generator, vocab: _Vocab, n: int, city_weight: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """City and county indices for ``n`` records."""
    city = rng.choice(len(city_weight), size=n, p=city_weight / city_weight.sum())
    cidx = vocab.counties["city_idx"].to_numpy()
    w = vocab.counties["weight"].to_numpy()
    county = np.empty(n, dtype=np.int64)
    for c in range(len(city_weight)):
        rows = np.flatnonzero(city == c)
        members = np.flatnonzero(cidx == c)
        county[rows] = rng.choice(members, size=len(rows), p=w[members] / w[members].sum())
    return city, county


def _defects(rng: np.random.Generator, n: int, spec: tuple[tuple[str, float], ...]) -> np.ndarray:
    """Disjoint rows for each defect kind; ``None`` where the row is clean."""
    out = np.full(n, None, dtype=object)
    counts = [round(share * n) for _, share in spec]
    if sum(counts) == 0:
        return out
    order = rng.permutation(n)
    # duplicates need an earlier clean row to copy: never put defects on row 0
    order = order[order != 0] if n > 1 else order[:0]
    pos = 0
    for (kind, _), k in zip(spec, counts, strict=True):
        k = min(k, len(order) - pos)
        out[order[pos : pos + k]] = kind
        pos += k
    return out


def _ids(rng: np.random.Generator, prefix: str, width: int, defect: np.ndarray) -> pl.Series:
    """Sequential ids; ``duplicate_id`` rows copy an earlier clean row's, ``missing_id`` are null."""
    n = len(defect)
    num = np.arange(1, n + 1, dtype=np.int64)
    rows = np.flatnonzero(defect == "duplicate_id")
    clean = np.flatnonzero(defect == None)  # noqa: E711 - object array comparison
    earlier = np.searchsorted(clean, rows)  # clean rows before each duplicate
    ok = earlier > 0
    pick = (rng.random(len(rows)) * earlier).astype(np.int64)
    num[rows[ok]] = num[clean[pick[ok]]]
    ids = prefix + _num(num).str.zfill(width)
    return pl.select(_when(defect == "missing_id", None, ids)).to_series()


def _check(n_seekers: int, n_vacancies: int, seed: int, province_code: str) -> None:
    for name, value in (("n_seekers", n_seekers), ("n_vacancies", n_vacancies)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 0:
            raise InvalidParameter.of(name, "province", value, "an int in [0, inf)")
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise InvalidParameter.of("seed", "province", seed, "an int in [0, inf)")
    if str(province_code) not in _PROVINCES:
        raise InvalidParameter.of(
            "province", "province", province_code, "'370000' (Shandong, the only province shipped)"
        )
