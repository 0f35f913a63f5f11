"""The online Matcher answers like a fresh index over the same live vacancies."""

import polars as pl
import pytest

import matchcore as mc


@pytest.fixture(scope="module")
def tables():
    return mc.synth.province(120, 900, seed=11)


def _reference(matcher, seekers, k):
    """A fresh index over the matcher's live vacancies, sharing its title vectorizer."""
    live = matcher.vacancies_
    index = mc.scoring.VacancyIndex(mc.MatchConfig(), progress=False).fit(
        live, vectorizer=matcher.index_.vectorizer_
    )
    index.as_of_ = matcher.index_.as_of_
    ps = mc.records.prepare(
        seekers,
        pl.DataFrame(
            schema={
                "vacancy_id": pl.Utf8,
                "title": pl.Utf8,
                "openings": pl.Int64,
                "region": pl.Utf8,
            }
        ),
        progress=False,
    ).seekers
    return index.candidates(ps, k=k).to_frame(top=k)


def _key(df):
    return df.sort("seeker_id", "rank").select("seeker_id", "vacancy_id", "rank", "score")


def test_recommend_equals_a_fresh_index(tables):
    seekers, vacancies = tables
    matcher = mc.Matcher().fit(vacancies)
    batch = seekers.slice(0, 30)
    got = matcher.recommend(batch, k=5)
    assert got["rank"].max() <= 5
    assert "reason" in got.columns
    assert _key(got).equals(_key(_reference(matcher, batch, 5)))


@pytest.mark.parametrize("ratio", [0.5, 0.01])  # second index, or merged into the main one
def test_add_and_remove_keep_the_index_current(tables, ratio):
    seekers, vacancies = tables
    matcher = mc.Matcher(compact_ratio=ratio).fit(vacancies.slice(0, 700))
    n0 = matcher.n_vacancies
    rejected = matcher.add(vacancies.slice(700, 200))
    assert (
        matcher.n_vacancies
        == n0 + 200 - rejected.filter(pl.col("severity") == "error")["row"].n_unique()
    )
    batch = seekers.slice(0, 40)
    first = matcher.recommend(batch, k=5)
    gone = first["vacancy_id"].unique().to_list()[:10]
    assert matcher.remove(gone) == len(gone)
    assert matcher.remove(gone) == 0  # already gone
    after = matcher.recommend(batch, k=5)
    assert not set(after["vacancy_id"]) & set(gone)
    assert _key(after).equals(_key(_reference(matcher, batch, 5)))


def test_add_rejects_ids_already_indexed(tables):
    _, vacancies = tables
    matcher = mc.Matcher().fit(vacancies.slice(0, 100))
    rejected = matcher.add(vacancies.slice(0, 3))
    dup = rejected.filter(pl.col("code") == "duplicate_id")
    assert (
        dup.height
        == matcher.vacancies_.filter(
            pl.col("vacancy_id").is_in(vacancies.slice(0, 3)["vacancy_id"].implode())
        ).height
    )


def test_errors():
    with pytest.raises(mc.InvalidParameter, match="call fit"):
        mc.Matcher().recommend(pl.DataFrame({"seeker_id": ["a"]}))
    seekers, vacancies = mc.synth.province(5, 30, seed=1)
    matcher = mc.Matcher().fit(vacancies)
    with pytest.raises(mc.InvalidParameter, match=r"'k' parameter of Matcher\.recommend"):
        matcher.recommend(seekers, k=0)
    with pytest.raises(mc.InvalidParameter, match="'config' parameter of Matcher"):
        mc.Matcher(config={"top_k": 3}).fit(vacancies)
