"""The online Matcher answers like a fresh index over the same live vacancies."""

import json
import threading

import numpy as np
import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

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


# -- answers carry their own rejections and reasons ---------------------------------------------
ODD = pl.DataFrame(
    {
        "seeker_id": ["ok", "no_title", "old", "far"],
        "desired_title": ["电工", None, "电工", "保安"],
        "region": ["济南", "济南", "济南", "西藏"],
        "birth_year": [1990, 1990, 1940, 1990],
    }
)


@pytest.fixture(scope="module")
def fitted(tables):
    return mc.Matcher().fit(tables[1])


def test_every_seeker_row_is_answered_or_has_a_coded_chinese_reason(fitted):
    got = fitted.answer(ODD, k=3)
    assert got.recommendations["seeker_id"].unique().to_list() == ["ok"]
    assert got.unmatched.select("seeker_id", "row", "code").rows() == [
        ("no_title", 1, "rejected"),
        ("old", 2, "age"),
        ("far", 3, "no_candidate"),
    ]
    reasons = dict(zip(got.unmatched["code"], got.unmatched["reason"]))
    assert reasons["age"] == mc.NO_ANSWER_REASONS["age"]
    assert reasons["no_candidate"] == mc.NO_ANSWER_REASONS["no_candidate"]
    assert reasons["rejected"] == "记录无法使用：求职意向缺失或无法识别（详见 rejected 表）"
    assert got.rejected.filter(pl.col("severity") == "error")["id"].unique().to_list() == [
        "no_title"
    ]


def test_an_answer_with_recommendations_has_no_unmatched_rows(tables, fitted):
    seekers, _ = tables
    got = fitted.answer(seekers.slice(0, 20), k=5)
    answered = set(got.recommendations["seeker_id"])
    assert not answered & set(got.unmatched["seeker_id"])
    assert answered | set(got.unmatched["seeker_id"]) == set(seekers.slice(0, 20)["seeker_id"])


def test_last_rejected_is_per_thread(fitted):
    fitted.recommend(ODD, k=2)
    assert fitted.last_rejected_["id"].unique().to_list() == ["no_title"]
    seen = {}

    def other():
        try:
            fitted.last_rejected_  # noqa: B018 - nothing called in this thread yet
        except AttributeError as exc:
            seen["error"] = str(exc)
        fitted.recommend(ODD.slice(0, 1), k=2)
        seen["rejected"] = fitted.last_rejected_.height

    t = threading.Thread(target=other)
    t.start()
    t.join()
    assert "no call yet" in seen["error"]
    assert seen["rejected"] == 0
    assert fitted.last_rejected_["id"].unique().to_list() == ["no_title"]  # ours unchanged


def test_repr_is_readable(tables):
    _, vacancies = tables
    assert repr(mc.Matcher(compact_ratio=0.1)) == (
        "Matcher(config=None, coder=None, compact_ratio=0.1; not fitted)"
    )
    m = mc.Matcher(compact_ratio=0.5).fit(vacancies.slice(0, 100))
    n = m.n_vacancies
    m.add(vacancies.slice(100, 10))
    m.remove([m.vacancies_["vacancy_id"][0]])
    text = repr(m)
    assert text.startswith(f"Matcher({m.n_vacancies:,} vacancies: {n - 1:,} indexed + ")
    assert "1 withdrawn" in text
    assert text.endswith("generation 2)")


# -- many threads against a serial reference ---------------------------------------------------
def _ops(vacancies):
    """A fixed sequence of writes: adds (some compacting) and removals."""
    ops = []
    for i in range(6):
        ops.append(("add", vacancies.slice(500 + 60 * i, 60)))
        ops.append(("remove", vacancies.slice(40 * i, 15)["vacancy_id"].to_list()))
    return ops


def _apply(matcher, op):
    kind, arg = op
    if kind == "add":
        matcher.add(arg)
    else:
        matcher.remove(arg)


def test_threads_reading_and_writing_agree_with_a_serial_reference(tables):
    seekers, vacancies = tables
    batches = [seekers.slice(5 * j, 5) for j in range(6)]
    batches = [b.vstack(_bad_row(b, j)) for j, b in enumerate(batches)]
    ops = _ops(vacancies)
    # the serial reference: every batch's answer at every generation
    # floors off: every small batch then has answers to compare (the floors are tested elsewhere)
    loose = mc.MatchConfig(min_occupation=0.0, min_score=0.0)
    ref = mc.Matcher(loose, compact_ratio=0.2).fit(vacancies.slice(0, 500))
    expected = {}
    for g in range(len(ops) + 1):
        if g:
            _apply(ref, ops[g - 1])
        assert ref.generation_ == g
        expected[g] = [ref.answer(b, k=5).recommendations for b in batches]

    live = mc.Matcher(loose, compact_ratio=0.2).fit(vacancies.slice(0, 500))
    seen: list[tuple[int, int, pl.DataFrame, pl.DataFrame]] = []
    errors: list[BaseException] = []
    start = threading.Barrier(9)

    def reader(t):
        try:
            start.wait()
            for i in range(8):
                j = (t + i) % len(batches)
                got = live.answer(batches[j], k=5)
                recs = live.recommend(batches[j], k=5)
                seen.append((got.generation, j, got.recommendations, got.rejected))
                errors_only = live.last_rejected_.filter(pl.col("severity") == "error")
                assert errors_only["id"].to_list() == [f"bad{j}"] * 2
                assert recs.height > 0
        except BaseException as exc:  # reported below
            errors.append(exc)

    def writer():
        try:
            start.wait()
            for op in ops:
                _apply(live, op)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=reader, args=(t,)) for t in range(8)]
    threads.append(threading.Thread(target=writer))
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    assert live.generation_ == len(ops)
    assert len(seen) == 64
    for g, j, recs, rejected in seen:
        assert recs.equals(expected[g][j]), (g, j)
        assert rejected.filter(pl.col("severity") == "error")["id"].unique().to_list() == [
            f"bad{j}"
        ]
    for j, b in enumerate(batches):  # and the final state is the reference's
        assert live.answer(b, k=5).recommendations.equals(expected[len(ops)][j])


def _bad_row(batch, j):
    """One row of ``batch``'s schema with no region and no title, id ``bad{j}``."""
    return pl.DataFrame(
        {c: [f"bad{j}" if c == "seeker_id" else None] for c in batch.columns},
        schema=batch.schema,
    )


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    steps=st.lists(
        st.tuples(st.sampled_from(["add", "remove"]), st.integers(0, 8)), min_size=1, max_size=5
    ),
    ratio=st.sampled_from([0.05, 0.5]),
)
def test_any_sequence_of_writes_answers_like_a_fresh_index(small_tables, steps, ratio):
    seekers, vacancies = small_tables
    m = mc.Matcher(compact_ratio=ratio).fit(vacancies.slice(0, 150))
    pool = 150
    for kind, n in steps:
        if kind == "add":
            m.add(vacancies.slice(pool, 3 * n + 1))
            pool += 3 * n + 1
        else:
            m.remove(m.vacancies_["vacancy_id"].gather_every(7, offset=n).to_list())
    batch = seekers.slice(0, 15)
    assert _key(m.recommend(batch, k=4)).equals(_key(_reference(m, batch, 4)))


@pytest.fixture(scope="module")
def small_tables():
    return mc.synth.province(40, 300, seed=5)


# -- save and load -------------------------------------------------------------------------------
def test_a_loaded_matcher_answers_exactly_as_the_saved_one(tables, tmp_path):
    seekers, vacancies = tables
    m = mc.Matcher(mc.MatchConfig(weights={"title": 0.3}), compact_ratio=0.5).fit(
        vacancies.slice(0, 800)
    )
    m.add(vacancies.slice(800, 100))  # an added part and withdrawn rows are saved as they stand
    m.remove(m.vacancies_["vacancy_id"].gather_every(9).to_list())
    path = m.save(tmp_path / "index")
    loaded = mc.Matcher.load(path)
    assert loaded.config == m.config
    assert loaded.n_vacancies == m.n_vacancies
    assert loaded.index_.as_of_ == m.index_.as_of_
    batch = seekers.slice(0, 80).vstack(ODD.pipe(lambda d: _as(seekers, d)))
    a, b = m.answer(batch, k=7), loaded.answer(batch, k=7)
    assert a.recommendations.height > 20
    assert b.recommendations.equals(a.recommendations)  # ids, ranks, scores, components, reasons
    assert b.unmatched.equals(a.unmatched)
    # both keep answering alike as the index changes (same vectorizer, same reference date)
    for x in (m, loaded):
        x.add(vacancies.slice(0, 900).gather_every(50))  # duplicates: rejected, not added
        x.remove(a.recommendations["vacancy_id"].head(5).to_list())
    assert loaded.answer(batch, k=7).recommendations.equals(m.answer(batch, k=7).recommendations)


def _as(seekers, df):
    return (
        df.with_columns(
            [pl.lit(None, dtype=seekers.schema[c]).alias(c) for c in seekers.columns if c not in df]
        )
        .select(seekers.columns)
        .cast(seekers.schema)
    )


def test_save_writes_open_formats_and_no_pickle(fitted, tmp_path):
    path = fitted.save(tmp_path / "index")
    names = sorted(p.name for p in path.iterdir())
    assert names == ["manifest.json", "rejected.parquet", "vacancies.parquet", "vectorizer.npz"]
    manifest = json.loads((path / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["versions"]["matchcore"] == mc.__version__
    assert set(manifest["versions"]) >= {"matchcore", "coder_model", "reference_data"}
    assert pl.read_parquet(path / "vacancies.parquet").equals(fitted.vacancies_)
    with np.load(path / "vectorizer.npz", allow_pickle=False) as data:  # would raise on objects
        assert data["terms"].dtype.kind == "U"
        assert len(data["terms"]) == len(fitted.index_.vectorizer_.vocabulary_)
    for p in path.iterdir():
        assert b"\x80\x04\x95" not in p.read_bytes()[:4096]  # no pickle protocol 4 header


def test_save_refuses_to_overwrite_unless_asked(fitted, tmp_path):
    (tmp_path / "other").mkdir()
    with pytest.raises(mc.InvalidParameter, match=r"'path' parameter of Matcher\.save"):
        fitted.save(tmp_path / "other")
    with pytest.raises(mc.InvalidParameter, match=r"has no manifest\.json"):
        fitted.save(tmp_path / "other", overwrite=True)
    path = fitted.save(tmp_path / "index")
    fitted.save(path, overwrite=True)
    assert mc.Matcher.load(path).n_vacancies == fitted.n_vacancies
    assert sorted(p.name for p in tmp_path.iterdir()) == ["index", "other"]  # no leftovers


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("matchcore", "0.0.1", r"matchcore '0.0.1' \(this one: '"),
        ("coder_model", "1", r"coder_model '1'"),
        ("reference_data", "0000", r"reference_data '0000'"),
    ],
)
def test_an_index_from_another_version_is_refused(fitted, tmp_path, key, value, message):
    path = fitted.save(tmp_path / "index")
    manifest = json.loads((path / "manifest.json").read_text(encoding="utf-8"))
    manifest["versions"][key] = value
    (path / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(mc.SavedIndexError, match=message) as err:
        mc.Matcher.load(path)
    assert err.value.code == "index_version"
    assert "rebuild the index" in str(err.value)
    assert "重新生成" in err.value.message_zh


def test_a_damaged_or_missing_index_is_refused(fitted, tmp_path):
    with pytest.raises(mc.SavedIndexError, match=r"\[index_missing\] no saved Matcher"):
        mc.Matcher.load(tmp_path / "nowhere")
    path = fitted.save(tmp_path / "index")
    data = bytearray((path / "vacancies.parquet").read_bytes())
    data[100] ^= 0xFF
    (path / "vacancies.parquet").write_bytes(bytes(data))
    with pytest.raises(mc.SavedIndexError, match=r"\[index_damaged\] vacancies.parquet"):
        mc.Matcher.load(path)
    (path / "manifest.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(mc.SavedIndexError, match="not valid JSON"):
        mc.Matcher.load(path)
    manifest = {"format": "matchcore-matcher", "format_version": 99}
    (path / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(mc.SavedIndexError, match="format 99"):
        mc.Matcher.load(path)


def test_concurrent_writers_lose_nothing(small_tables):
    seekers, vacancies = small_tables
    m = mc.Matcher(compact_ratio=0.05).fit(vacancies.slice(0, 150))
    first = set(m.vacancies_["vacancy_id"])
    gone = sorted(first)[::5]
    batches = [vacancies.slice(150 + 30 * i, 30) for i in range(4)]
    jobs = [lambda b=b: m.add(b) for b in batches] + [lambda: m.remove(gone)]
    threads = [threading.Thread(target=j) for j in jobs]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    expected = mc.Matcher().fit(vacancies.slice(0, 270)).vacancies_["vacancy_id"]
    assert set(m.vacancies_["vacancy_id"]) == set(expected) - set(gone)
    assert m.generation_ == 5
    batch = seekers.slice(0, 15)
    assert _key(m.recommend(batch, k=4)).equals(_key(_reference(m, batch, 4)))


def test_a_matcher_copies_in_memory(fitted, tables):
    import copy
    import pickle

    seekers, _ = tables
    for other in (copy.deepcopy(fitted), pickle.loads(pickle.dumps(fitted))):
        assert other.recommend(seekers.slice(0, 5), k=3).equals(
            fitted.recommend(seekers.slice(0, 5), k=3)
        )
