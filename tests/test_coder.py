"""Tests of the title coder (matchcore.normalize.TitleCoder) and the code-titles command."""

from __future__ import annotations

import json
import math

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import matchcore as mc
from matchcore import cli
from matchcore._errors import InvalidParameter, InvalidValue
from matchcore.normalize import TitleCoder, _coder

COLUMNS = ["title", "code", "name", "confidence", "level", "needs_review", "alternatives"]
# Messy posting titles: several jobs, perks, ids, Latin words, punctuation only, nothing.
TITLES = [
    "电工",
    "保洁/保安",
    "",
    "销售代表",
    "厨师/帮厨/服务员",
    "汽修学徒工",
    "高级Java开发工程师（急招）",
    "青岛必胜客餐厅兼职服务员(J306229)",
    "？？",
    "新能源电工+五险一金+包食宿",
    "仓管员",
    "qqqq",
]


@pytest.fixture(scope="module")
def coder() -> TitleCoder:
    return TitleCoder()


def test_exported() -> None:
    assert mc.normalize.TitleCoder is TitleCoder
    assert "TitleCoder" in mc.normalize.__all__


@pytest.mark.parametrize(
    ("title", "code"),
    [
        ("汽修学徒工", "4-12-01-01"),
        ("汽车维修工", "4-12-01-01"),
        ("新能源电工+五险一金+包食宿", "6-31-01-03"),
        ("金房物业招聘保安", "4-07-05-01"),
        ("B2司机", "4-02-02-02"),
        ("A1司机", "4-02-02-01"),
        ("ＣＮＣ操机", "6-18-01-07"),
        ("保洁阿姨", "4-09-08-01"),
    ],
)
def test_common_titles(coder: TitleCoder, title: str, code: str) -> None:
    assert coder.code([title], progress=False)["code"][0] == code


def test_schema_and_order(coder: TitleCoder) -> None:
    titles = ["电工", "保安", None, "", "电工"]
    out = coder.code(titles, progress=False)
    assert out.columns == COLUMNS
    assert out.schema["alternatives"] == pl.List(pl.Utf8)
    assert out.schema["level"] == pl.Int8
    assert out["title"].to_list() == titles
    assert out["code"].to_list()[2:4] == [None, None]
    assert out["needs_review"].to_list()[2:4] == [True, True]
    assert out.row(0) == out.row(4)
    levels = out.drop_nulls("code")
    assert all(_coder.code_depth(c) == lv for c, lv in zip(levels["code"], levels["level"]))
    tax = mc.occupations.load()
    assert all(tax[c].name == n for c, n in zip(levels["code"], levels["name"]))


def test_series_input_equals_list(coder: TitleCoder) -> None:
    titles = ["电工", "销售代表（底薪+提成）", "厨师"]
    assert coder.code(pl.Series(titles), progress=False).equals(coder.code(titles, progress=False))


def test_main_job_coded_and_others_in_alternatives(coder: TitleCoder) -> None:
    out = coder.code(["保洁/保安"], top_k=3, progress=False)
    assert out["code"][0] == "4-09-08-01"
    assert out["alternatives"][0][0] == "4-07-05-01"
    assert len(out["alternatives"][0]) == 2


def test_top_k_bounds_alternatives(coder: TitleCoder) -> None:
    for k in (1, 2, 5, 8):
        alts = coder.code(["电工", "焊工"], top_k=k, progress=False)["alternatives"]
        assert all(len(a) == k - 1 for a in alts)
        assert all(len(set(a)) == len(a) for a in alts)


def test_backs_off_to_parent_when_unsure() -> None:
    # With a threshold near 1 nothing is sure enough: every code is flagged for review and is
    # the best detailed code or one of its groups.
    strict = TitleCoder(threshold=1.0).code(["销售", "业务员"], progress=False)
    loose = TitleCoder(threshold=0.0).code(["销售", "业务员"], progress=False)
    tax = mc.occupations.load()
    for s, lo in zip(strict.iter_rows(named=True), loose.iter_rows(named=True)):
        assert s["needs_review"]
        assert s["code"] in tax.ancestors(lo["code"]) or s["code"] == lo["code"]


def test_never_backs_off_at_zero_threshold(coder: TitleCoder) -> None:
    p = coder.predict_proba(["销售", "文员"])
    out = TitleCoder(threshold=0.0).code(["销售", "文员"], progress=False)
    assert out["needs_review"].to_list() == (out["confidence"] < 0.5).to_list()
    codes = mc.occupations.load().codes
    assert out["code"].to_list() == [codes[_coder.ranking._rank_reference(row, 1)[0]] for row in p]


@pytest.mark.parametrize(("top_k", "ties"), [(5, False), (5, True), (12, True)])
def test_decide_matches_slow_reference(top_k: int, ties: bool) -> None:
    # top_k <= 8 takes the argmax passes, larger the sort; ties go to the lower column.
    rng = np.random.default_rng(0)
    tax = mc.occupations.load()
    codes = tax.codes
    n = len(codes)
    p = rng.dirichlet(np.full(n, 0.02), size=30).astype(np.float32)
    # Mass on groups as well as on detailed codes, as experts' labels have.
    groups = [i for i, c in enumerate(codes) if _coder.code_depth(c) < 4]
    p[:, groups] += rng.dirichlet(np.full(len(groups), 0.05), size=30).astype(np.float32)
    if ties:
        p = np.round(p, 1) + np.float32(1e-3)  # many exact ties at the bottom of the top k
        p[:, :40] = p[:, 40:80]
    p /= p.sum(axis=1, keepdims=True)
    best, chosen, raw, backed, ranked = _coder.ranking._decide(p, 0.4, top_k)
    for r in range(p.shape[0]):
        order = _coder.ranking._rank_reference(p[r], top_k)
        assert ranked[r].tolist() == order
        assert len(set(order)) == len(order)
        b = order[0]
        assert best[r] == b
        # The chance of the best code: its own probability and its ancestors' (as labels).
        chain = [b] + [codes.index(a) for a in tax.ancestors(codes[b])]
        expect, expect_raw = b, float(p[r, chain].sum())
        if expect_raw < 0.4:
            for anc in reversed(tax.ancestors(codes[b])):
                sub = [codes.index(anc)] + [codes.index(d) for d in tax.descendants(anc)]
                total = float(p[r, sub].sum())
                if total >= 0.4:
                    expect, expect_raw = codes.index(anc), total
                    break
        assert chosen[r] == expect
        assert raw[r] == pytest.approx(expect_raw, rel=1e-4)
        assert backed[r] == (expect != b)


def test_rank_reference_prefers_codes_under_likely_groups() -> None:
    # A group label's probability counts for every code under it: a child of a likely group
    # beats a slightly more probable code elsewhere, and the second pick leaves that group.
    codes = mc.occupations.load().codes
    p = np.zeros(len(codes), dtype=np.float32)
    sales, seller, cook = (codes.index(c) for c in ("4-01-02-00", "4-01-02-01", "4-03-02-01"))
    p[sales], p[seller], p[cook] = 0.3, 0.2, 0.4
    p[codes.index("4-01-02-03")] = 0.05
    p[codes.index("2-06-07-02")] = 0.05
    assert _coder.ranking._rank_reference(p, 3) == [seller, cook, codes.index("2-06-07-02")]
    fast = _coder.ranking._rank(p[None, :], 3)[0].tolist()
    assert fast == _coder.ranking._rank_reference(p, 3)


def test_vectorizer_matches_reference() -> None:
    v = _coder.vectorizer._CharNgrams(2)
    docs = ["电工 学徒", "电焊工", "cnc操机", "电工"]
    x = v.fit_transform(docs).toarray()
    vocab = v.vocabulary_
    n = len(docs)
    for r, doc in enumerate(docs):
        grams: dict[str, int] = {}
        for tok in doc.split():
            for k in (1, 2):
                for i in range(len(tok) - k + 1):
                    grams[tok[i : i + k]] = grams.get(tok[i : i + k], 0) + 1
        ref = np.zeros(len(vocab))
        for g, tf in grams.items():
            df = sum(g in [d[i : i + len(g)] for d in docs for i in range(len(d))] for _ in [0])
            df = sum(
                any(t[i : i + len(g)] == g for t in d.split() for i in range(len(t))) for d in docs
            )
            ref[vocab[g]] = (1 + math.log(tf)) * (math.log((1 + n) / (1 + df)) + 1)
        ref /= np.linalg.norm(ref)
        np.testing.assert_allclose(x[r], ref, rtol=1e-5)


def test_fit_teaches_local_words_and_replaces_history() -> None:
    word = "挖机师傅"
    first = TitleCoder().fit([word, word + "学徒"], ["6-30-05-05", "6-30-05-05"])
    assert first.code([word], progress=False)["code"][0] == "6-30-05-05"
    assert first.history_size_ == 2
    # Fitting again replaces the history: the first lesson is forgotten.
    second = first.fit(["厨房打荷"], ["4-03-02-01"])
    assert second is first
    assert first.history_size_ == 1
    fresh = TitleCoder().fit(["厨房打荷"], ["4-03-02-01"])
    assert first.code([word, "厨房打荷"], progress=False).equals(
        fresh.code([word, "厨房打荷"], progress=False)
    )


def test_fit_does_not_mutate_inputs() -> None:
    titles = ["挖机师傅"]
    codes = ["6300505"]
    TitleCoder().fit(titles, codes)
    assert titles == ["挖机师傅"] and codes == ["6300505"]


def test_fit_errors_name_rows() -> None:
    with pytest.raises(InvalidValue, match=r"cannot read codes from 'rows 1, 2'"):
        TitleCoder().fit(["电工", "焊工", "保安"], ["6-31-01-03", "9-99-99-99", "x"])
    with pytest.raises(InvalidValue, match=r"cannot read titles from 'rows 0'"):
        TitleCoder().fit([""], ["6-31-01-03"])
    with pytest.raises(InvalidParameter, match=r"'codes' parameter of TitleCoder.fit"):
        TitleCoder().fit(["电工"], ["6-31-01-03", "6-31-01-03"])


def test_parameter_errors(coder: TitleCoder) -> None:
    with pytest.raises(InvalidParameter, match=r"'top_k' parameter of TitleCoder.code must be"):
        coder.code(["电工"], top_k=0)
    with pytest.raises(InvalidParameter, match=r"'threshold' parameter of TitleCoder must be"):
        TitleCoder(threshold=1.5).code(["电工"])
    with pytest.raises(InvalidParameter, match=r"'titles' parameter of TitleCoder.code"):
        coder.code("电工")  # type: ignore[arg-type]


@settings(max_examples=25, deadline=None)
@given(
    st.lists(
        st.sampled_from(["电工", "普工", "销售", "文员", "保安", "厨师", "司机", "xx", "", "？？"]),
        min_size=1,
        max_size=12,
    )
)
def test_deterministic_and_dedup_invariant(titles: list[str]) -> None:
    coder = _shared_coder()
    out = coder.code(titles, progress=False)
    assert out.height == len(titles)
    assert out["title"].to_list() == titles
    # Each row equals coding that title alone: repeats are coded once, with no cross-talk.
    for t, row in zip(titles, out.iter_rows(named=True)):
        assert coder.code([t], progress=False).row(0, named=True) == row
    conf = out["confidence"].to_numpy()
    assert np.all((conf >= 0) & (conf <= 1))


_SHARED: list[TitleCoder] = []


def _shared_coder() -> TitleCoder:
    if not _SHARED:
        _SHARED.append(TitleCoder())
    return _SHARED[0]


def test_shipped_calibration_is_current() -> None:
    shipped = _coder.calibration._shipped_calibration()
    assert shipped is not None
    key, _ = shipped
    assert key == _coder.calibration._calibration_key(TitleCoder().threshold)


@pytest.mark.slow
def test_shipped_calibration_rebuilds_closely() -> None:
    # Refit by cross-validation as shipped. clean_title (owned elsewhere) may have changed a
    # few titles' cleaning since, so compare the maps on a grid rather than their breakpoints.
    rebuilt = _coder.evaluation._build_calibration(TitleCoder().threshold)
    shipped = json.loads(_coder.data._read_data("coder_calibration.json"))
    assert rebuilt["key"] == shipped["key"]
    grid = np.linspace(0.0, 1.0, 201)
    for part in ("detailed", "parent"):
        a = np.interp(grid, rebuilt[part]["x"], rebuilt[part]["y"])
        b = np.interp(grid, shipped[part]["x"], shipped[part]["y"])
        assert float(np.mean(np.abs(a - b))) < 0.05, part


def test_cross_validate_small() -> None:
    titles = ["电工", "维修电工", "焊工", "电焊工", "保安", "门卫保安"] * 2
    codes = (["6-31-01-03"] * 2 + ["6-18-02-04"] * 2 + ["4-07-05-01"] * 2) * 2
    r = _coder.cross_validate(titles, codes, folds=2)
    assert r["accuracy"][1] == 1.0
    assert 0.0 <= r["ece"] <= 1.0
    assert sum(row[2] for row in r["reliability"]) == len(titles)


def test_accuracy_rule() -> None:
    assert _coder.calibration._agrees("4-01-02-01", "4-01-02-00")
    assert not _coder.calibration._agrees("4-01-02-00", "4-01-02-01")  # coarser is not right
    assert not _coder.calibration._agrees("4-01-03-01", "4-01-02-00")
    assert not _coder.calibration._agrees(None, "4-01-02-00")


@pytest.mark.parametrize("suffix", [".csv", ".parquet", ".xlsx"])
def test_cli_code_titles(tmp_path, suffix: str) -> None:  # type: ignore[no-untyped-def]
    from matchcore._io import read_table, write_table

    src = write_table(
        pl.DataFrame({"id": [1, 2, 3], "job": ["汽修学徒工", "保安", "汽修学徒工"]}),
        tmp_path / f"in{suffix}",
    )
    out = tmp_path / f"out{suffix}"
    status = cli.main(
        ["code-titles", str(src), "--column", "job", "--out", str(out), "--no-progress"]
    )
    assert status == 0
    got = read_table(out)
    assert [str(v) for v in got["id"].to_list()] == ["1", "2", "3"]
    assert got["code"].to_list() == ["4-12-01-01", "4-07-05-01", "4-12-01-01"]


def test_cli_missing_column(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    from matchcore._io import write_table

    src = write_table(pl.DataFrame({"job": ["电工"]}), tmp_path / "in.csv")
    assert cli.main(["code-titles", str(src), "--column", "title", "--no-progress"]) == 3
    assert "missing required column(s) ['title']" in capsys.readouterr().err


def test_threshold_backs_off_a_close_call(coder: TitleCoder) -> None:
    # Find the detailed code's probability for a title, then ask for more than that: the coder
    # must return a group above it, whose subtree probability reaches the threshold.
    p = coder.predict_proba(["业务员"])[0]
    top = float(p.max())
    out = TitleCoder(threshold=min(top + 0.05, 1.0)).code(["业务员"], progress=False)
    loose = TitleCoder(threshold=0.0).code(["业务员"], progress=False)
    tax = mc.occupations.load()
    assert out["code"][0] in tax.ancestors(loose["code"][0])
    assert out["level"][0] < loose["level"][0]
    assert out["needs_review"][0]


@pytest.mark.parametrize("ngram", [1, 2, 3])
def test_vectorized_counts_match_text_by_text(ngram: int) -> None:
    import random

    v = _coder.vectorizer._CharNgrams(ngram)
    v.fit_transform([t for t, _, _ in _coder.model._documents()[:2000]])
    rng = random.Random(ngram)
    alphabet = "电工焊保安司机 abc汽修"
    texts = [" ".join("".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12))).split())]
    texts += [
        " ".join("".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12))).split())
        for _ in range(300)
    ] + ["", "电", "a", ""]
    assert_counts_equal(v, texts)


def assert_counts_equal(v: _coder.vectorizer._CharNgrams, texts: list[str]) -> None:
    """The vectorized n-gram counts of ``texts`` are the text-by-text reference's, exactly."""
    fast = v._counts(texts)
    slow = v._counts_reference(texts)
    assert fast.shape == slow.shape
    np.testing.assert_array_equal(fast.indptr, slow.indptr)
    np.testing.assert_array_equal(fast.indices, slow.indices)
    np.testing.assert_array_equal(fast.data, slow.data)


def test_code_matches_per_title_reference(coder: TitleCoder) -> None:
    # The vectorized output equals a title-by-title reading of _decide's arrays.
    titles = ["电工", "保洁/保安", "销售", "", "？？", "厨师/帮厨/服务员", "业务员", "电工"]
    for top_k in (1, 3, 5):
        out = coder.code(titles, top_k=top_k, progress=False)
        tree = mc.occupations.load().arrays()
        model = coder._model()
        for t, row in zip(titles, out.iter_rows(named=True)):
            main, others = _coder.cleaning._prepare(t) if t.strip() else ("", ())
            if not main:
                assert row["code"] is None and row["alternatives"] == []
                continue
            texts = [main, *others]
            p = model.proba(texts)
            _, chosen, _, _, ranked = _coder.ranking._decide(p, coder.threshold, top_k)
            code = tree.codes[int(chosen[0])]
            alts = [tree.codes[int(c)] for c in chosen[1:]]
            alts += [tree.codes[int(x)] for x in ranked[0]]
            alts = [a for a in dict.fromkeys(alts) if a != code][: top_k - 1]
            assert row["code"] == code
            assert row["alternatives"] == alts


def test_nearest_title_term_matches_brute_force() -> None:
    import dataclasses

    tree = mc.occupations.load().arrays()
    hist = [
        (_coder.cleaning._prepare(t)[0], tree.index[c])
        for t, c in [
            ("机电工程师", "2-02-11-01"),
            ("维修电工", "6-31-01-03"),
            ("电工", "6-31-01-03"),
        ]
    ]
    params = dataclasses.replace(_coder.model._PARAMS, knn=0.8, knn_power=4.0)
    model = _coder.model._Model(hist, params)
    plain = _coder.model._Model(hist, dataclasses.replace(params, knn=0.0))
    texts = ["新能源电工", "机电工程", "保安"]
    s_knn, _ = model.scores(texts)
    s_plain, _ = plain.scores(texts)
    q = model.vectorizer.transform(texts).toarray()
    h = model.vectorizer.transform([t for t, _ in hist]).toarray()
    expect = s_plain.astype(np.float64)
    for r in range(len(texts)):
        for code in {i for _, i in hist}:
            best = max(float(q[r] @ h[j]) for j, (_, i) in enumerate(hist) if i == code)
            expect[r, code] += 0.8 * best**4
    np.testing.assert_allclose(s_knn, expect, rtol=1e-4, atol=1e-5)


def test_linear_term_matches_brute_force() -> None:
    # The folded matrix (centroid + hierarchy * mean of the ancestors' subtree centroids) gives
    # the scores of the two terms computed one by one from the documents.
    import dataclasses

    tree = mc.occupations.load().arrays()
    hist = [
        (_coder.cleaning._prepare(t)[0], tree.index[c])
        for t, c in [("维修电工", "6-31-01-03"), ("保安员", "4-07-05-01")]
    ]
    params = dataclasses.replace(_coder.model._PARAMS, knn=0.0)
    model = _coder.model._Model(hist, params)
    texts = ["新能源电工", "保安", "机电工程", "Java开发"]
    s, empty = model.scores(texts)
    assert not empty.any()
    weight = {
        "name": params.w_name,
        "alias": params.w_alias,
        "definition": params.w_definition,
        "words": params.w_words,
    }
    docs = [(t, i, weight[k]) for t, i, k in _coder.model._documents()]
    docs += [(t, i, params.w_history) for t, i in hist]
    x = model.vectorizer.transform([t for t, _, _ in docs]).toarray().astype(np.float64)
    q = model.vectorizer.transform(texts).toarray().astype(np.float64)
    n = len(tree.codes)
    sums = np.zeros((n, x.shape[1]))
    np.add.at(sums, np.array([i for _, i, _ in docs]), x * np.array([w for *_, w in docs])[:, None])
    sub = np.asarray(tree.desc.T @ sums)  # each group sums its whole subtree

    def unit(a: np.ndarray) -> np.ndarray:
        norm = np.linalg.norm(a, axis=1, keepdims=True)
        return a / np.where(norm > 0, norm, 1.0)

    cent, sub = unit(sums), unit(sub)
    for code in ["6-31-01-03", "4-07-05-01", "2-02-11-01", "6-00-00-00", "2-02-00-00"]:
        i = tree.index[code]
        anc = [tree.index[a] for a in mc.occupations.load().ancestors(code)]
        for r in range(len(texts)):
            expect = q[r] @ cent[i]
            if anc:
                expect += params.hierarchy * np.mean([q[r] @ sub[a] for a in anc])
            assert s[r, i] == pytest.approx(expect, rel=1e-4, abs=1e-5)


def _normalize_reference(text: str) -> str:
    import unicodedata

    text = unicodedata.normalize("NFKC", text).lower()
    text = _coder.cleaning._DIGITS_RE.sub(" ", text)
    return _coder.cleaning._SPACE_RE.sub(" ", text).strip()


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=30), st.text(alphabet="电工Java8k万 _-İẞ²①٣", max_size=12)))
def test_normalize_fast_path_matches_reference(text: str) -> None:
    assert _coder.cleaning._normalize(text) == _normalize_reference(text)


def test_normalize_fast_path_on_real_titles() -> None:
    titles, _ = _coder.data._builtin_history()
    assert [_coder.cleaning._normalize(t) for t in titles] == [
        _normalize_reference(t) for t in titles
    ]


def test_pipelined_batches_match_one_batch(monkeypatch: pytest.MonkeyPatch) -> None:
    # Many small batches scored by the worker thread while later titles are cleaned, the same
    # batches scored inline, and one batch of everything give the same frame.
    titles = [*TITLES, "电工"] * 3 + [f"焊工{i}号" for i in range(20)]
    coder = TitleCoder()
    whole = coder.code(titles, progress=False)
    monkeypatch.setattr(_coder.worker, "_BATCH", 4)
    threaded = coder.code(titles, progress=False)
    monkeypatch.setattr(_coder.worker, "ThreadPoolExecutor", lambda **kw: None)
    inline = coder.code(titles, progress=False)
    # Each text is scored on its own (row by row), so the figures are the same to the bit.
    assert threaded.equals(whole)
    assert inline.equals(whole)
