"""The title coder's output on real and synthetic titles, against a stored copy, to the bit.

A change of the coder's structure (moving code between modules, a faster path) must not change
a single code, confidence or alternative. The stored copy is ``golden/coder_titles.csv``: the
shipped history's 1,780 titles, the titles of the caseworker development set and 400 synthetic
titles. When the coder is meant to change, rewrite it with ``python tests/test_coder_golden.py``
and review the diff of that file.
"""

from __future__ import annotations

import csv
import random
import sys
from pathlib import Path

import polars as pl
import pytest

import matchcore as mc
from matchcore.normalize import TitleCoder, _coder

GOLDEN = Path(__file__).with_name("golden") / "coder_titles.csv"
DEV = Path(__file__).resolve().parents[2] / "shared" / "data" / "caseworker_dev"
NOISE = ["", "（包吃住）", "+五险一金", "急聘", "/月薪8000", "（济南）", "学徒", "车间", "、普工"]


def _titles() -> list[str]:
    titles = list(_coder.data._builtin_history()[0])
    for name, column in (("seekers.csv", "desired_title"), ("vacancies.csv", "title")):
        with open(DEV / name, encoding="utf-8") as f:
            titles += [r[column] for r in csv.DictReader(f)]
    base = [t for o in mc.occupations.load() for t in (o.name, *o.aliases)]
    rng = random.Random(7)
    titles += [rng.choice(base) + rng.choice(NOISE) + rng.choice(NOISE) for _ in range(400)]
    return [*titles, "", "学徒", "经理（深圳）", "电工" + "啊" * 60]


def _coded(titles: list[str]) -> pl.DataFrame:
    out = TitleCoder().code(titles, progress=False)
    return out.select(
        "title",
        pl.col("code").fill_null(""),
        pl.col("confidence").map_elements(repr, return_dtype=pl.Utf8),
        pl.col("level").cast(pl.Utf8).fill_null(""),
        pl.col("needs_review").cast(pl.Utf8),
        pl.col("alternatives").list.join("|"),
    )


@pytest.mark.skipif(not DEV.is_dir(), reason="the shared caseworker development set is absent")
def test_coder_output_is_the_stored_one() -> None:
    got = _coded(_titles())
    want = pl.read_csv(GOLDEN, infer_schema=False).with_columns(pl.all().fill_null(""))
    assert got.columns == want.columns
    changed = [
        (i, w, g)
        for i, (w, g) in enumerate(zip(want.iter_rows(), got.iter_rows()))
        if tuple(x or "" for x in w) != tuple(x or "" for x in g)
    ]
    assert got.height == want.height
    assert not changed, f"{len(changed)} rows differ, first: {changed[:3]}"


if __name__ == "__main__":  # rewrite the stored copy
    _coded(_titles()).write_csv(GOLDEN)
    sys.stdout.write(f"wrote {GOLDEN}\n")
