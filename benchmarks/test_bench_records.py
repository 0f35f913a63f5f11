"""Synthetic province generation and records.prepare: time, memory of the tables, and quality.

``pytest benchmarks/test_bench_records.py`` runs the small size; ``--scale province`` the full
1,000,000 seekers x 200,000 vacancies. ``prepare`` is timed with a coder that returns no codes,
so that the figure is the records stage alone (the title coder is measured by its own
benchmark); when ``matchcore.normalize.TitleCoder`` exists, a second test runs the real coder
and reports coding accuracy against the synthetic truth.
"""

import time

import polars as pl
import pytest

import matchcore as mc
from matchcore.synth._province import WARNING_DEFECTS


class NoCoder:
    """Codes nothing, instantly: isolates the records stage from title coding."""

    def code(self, titles):
        n = len(titles)
        return pl.DataFrame(
            {"title": titles, "code": [None] * n, "confidence": [0.0] * n},
            schema={"title": pl.Utf8, "code": pl.Utf8, "confidence": pl.Float64},
        )


@pytest.fixture(scope="module")
def province(scale):
    _, (n_s, n_v) = scale
    mc.synth.province_with_truth(100, 20, seed=0)  # warm-up: vocabulary, taxonomy
    t0 = time.perf_counter()
    p = mc.synth.province_with_truth(n_s, n_v, seed=0)
    return p, time.perf_counter() - t0


def test_bench_synth_province(province, scale, report):
    p, seconds = province
    name, (n_s, n_v) = scale
    mb = (p.seekers.estimated_size() + p.vacancies.estimated_size()) / 2**20
    report(
        f"synth.province [{name}] {n_s:,} seekers x {n_v:,} vacancies: {seconds:.1f} s, "
        f"raw tables {mb:,.0f} MiB, openings {p.vacancies['openings'].sum():,}"
    )
    assert p.seekers.height == n_s
    assert p.vacancies.height == n_v


def _quality(prepared, truth, table):
    kept = getattr(prepared, table).join(
        truth.select(
            "row", pl.col("city_code").alias("t_city"), pl.col("region_code").alias("t_region")
        ),
        on="row",
    )
    city_ok = (kept["city_code"] == kept["t_city"]).mean()
    county_ok = (kept["region_code"] == kept["t_region"]).mean()
    errors = set(prepared.rejected.filter(table=table, severity="error")["row"])
    warned = set(prepared.rejected.filter(table=table, severity="warning")["row"])
    d = truth["defect"]
    fatal = set(truth.filter(d.is_not_null() & ~d.is_in(list(WARNING_DEFECTS)))["row"])
    soft = set(truth.filter(d.is_in(list(WARNING_DEFECTS)))["row"])
    recall = len(errors & fatal) / max(1, len(fatal))
    precision = len(errors & fatal) / max(1, len(errors))
    soft_recall = len(soft & warned) / max(1, len(soft))
    return (
        f"{table}: rejected {len(errors) / truth.height:.2%} (defects {len(fatal) / truth.height:.2%}; "
        f"recall {recall:.3f}, precision {precision:.3f}), warned rows {len(warned) / truth.height:.2%} "
        f"(soft-defect recall {soft_recall:.3f}), city right {city_ok:.4f}, county right {county_ok:.3f}"
    )


def test_bench_prepare(province, scale, report):
    p, _ = province
    name, _sizes = scale
    mc.records.prepare(p.seekers.head(200), p.vacancies.head(50), coder=NoCoder())  # warm-up
    t0 = time.perf_counter()
    prepared = mc.records.prepare(p.seekers, p.vacancies, coder=NoCoder(), progress=False)
    seconds = time.perf_counter() - t0
    report(
        f"records.prepare [{name}] without title coding: {seconds:.1f} s "
        f"({p.seekers.height / seconds:,.0f} seekers/s incl. vacancies)"
    )
    report("  " + _quality(prepared, p.seeker_truth, "seekers"))
    report("  " + _quality(prepared, p.vacancy_truth, "vacancies"))
    summary = prepared.summary()
    assert (summary["input"] == pl.Series([p.seekers.height, p.vacancies.height])).all()


def test_bench_prepare_with_title_coder(province, scale, report):
    if not hasattr(mc.normalize, "TitleCoder"):
        pytest.skip("matchcore.normalize.TitleCoder is not available yet")
    p, _ = province
    name, _sizes = scale
    coder = mc.normalize.TitleCoder()
    t0 = time.perf_counter()
    prepared = mc.records.prepare(p.seekers, p.vacancies, coder=coder, progress=False)
    seconds = time.perf_counter() - t0
    lines = [f"records.prepare [{name}] with TitleCoder: {seconds:.1f} s"]
    for table, truth in (("seekers", p.seeker_truth), ("vacancies", p.vacancy_truth)):
        kept = getattr(prepared, table).join(
            truth.select("row", pl.col("occupation_code").alias("true_code")), on="row"
        )
        coded = kept.filter(pl.col("occupation_confidence") < 1.0)
        exact = (coded["occupation_code"] == coded["true_code"]).mean()
        minor = (
            coded["occupation_code"].str.slice(0, 7) == coded["true_code"].str.slice(0, 7)
        ).mean()
        lines.append(
            f"  {table}: {coded.height:,} rows coded from titles, exact code {exact:.3f}, "
            f"same minor group {minor:.3f} (synthetic titles: an easy test, not the dev set)"
        )
    for line in lines:
        report(line)
