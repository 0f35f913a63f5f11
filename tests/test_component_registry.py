"""The component registry: a component registered in one place is scored by the engine, checked by
the reference, explained in the reason and weighted by MatchConfig."""

import datetime as dt

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_scoring import _compare, tables

import matchcore as mc
from matchcore.scoring import VacancyIndex, candidates
from matchcore.scoring._components import (
    COMPONENTS,
    Component,
    Pair,
    _lvl,
    component_names,
    registered,
)
from matchcore.scoring._reference import reference_candidates, reference_components
from matchcore.synth import fake_prepared

PHRASE = "学历完全对口"


def _same_education(s, v, ctx):
    return ((s["edu"] == v["edu"]) & (v["edu"] >= 0)).astype(np.float32)


def _same_education_reference(p: Pair) -> float:
    need = _lvl(p.v["education_min"])
    return float(need >= 0 and _lvl(p.s["education"]) == need)


TOY = Component(
    "same_education", "学历对口", "the seeker's education is the level the posting asks for",
    0.2, _same_education, _same_education_reference, ("edu",), ("edu",),
    reason=lambda value: [PHRASE if x >= 1 else None for x in value.tolist()],
)  # fmt: skip


def test_a_registered_component_is_scored_referenced_and_explained():
    s, v = fake_prepared(120, 90, seed=3, n_cities=1)
    loose = dict(min_occupation=0.0, min_score=0.0)
    with registered(TOY):
        assert component_names()[-1] == "same_education"
        cfg = mc.MatchConfig(**loose)
        assert cfg.weights["same_education"] == 0.2
        cand = candidates(s, v, cfg, k=6)
        frame = cand.to_frame()
        # its column, after the built-in ones and before the reason
        assert frame.columns[-2:] == ["same_education", "reason"]
        rows, cols = cand.pairs()
        got = cand.components["same_education"]
        edu_s, edu_v = s["education"].to_list(), v["education_min"].to_list()
        want = [
            float(edu_v[j] is not None and edu_s[i] == edu_v[j])
            for i, j in zip(rows.tolist(), cols.tolist())
        ]
        np.testing.assert_array_equal(got, np.asarray(want, dtype=np.float32))
        assert 0 < got.sum() < len(got)  # both values occur: the checks below can fail
        # the reference agrees pair by pair
        srows, vrows = s.to_dicts(), v.to_dicts()
        for i, j, value in zip(rows[:200].tolist(), cols[:200].tolist(), got[:200].tolist()):
            comps, _ok = reference_components(srows[i], vrows[j], cfg, None, 0.0)
            assert comps["same_education"] == value
        # the reason states it exactly where it holds, column-wise and pair by pair
        has = frame["reason"].str.contains(PHRASE).to_numpy()
        np.testing.assert_array_equal(has, frame["same_education"].to_numpy() == 1)
        few = cand.explain(rows[:20], cols[:20])
        assert [PHRASE in r for r in few] == (got[:20] == 1).tolist()
        # its weight moves scores
        off = candidates(s, v, mc.MatchConfig(**loose, weights={"same_education": 0.0}), k=6)
        assert (off.scores != cand.scores).nnz > 0
    assert component_names() == [c.name for c in COMPONENTS]
    with pytest.raises(mc.InvalidParameter, match="same_education"):
        mc.MatchConfig(weights={"same_education": 1.0})


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=tables(), weight=st.sampled_from([0.0, 0.3, 2.0]))
def test_a_registered_component_keeps_the_engine_equal_to_the_reference(data, weight):
    s, v, cfg, k = data
    with registered(TOY):
        cfg = cfg.replace(weights={**cfg.weights, "same_education": weight})
        index = VacancyIndex(cfg, group_min_k=0, chunk_elements=7).fit(v)
        c = index.candidates(s, k=k)
        ref = reference_candidates(s, v, cfg, k, index.vectorizer_, dt.date(2026, 6, 1))
        _compare(c, ref)
        w = cfg.normalized_weights()
        total = sum(w[n] * c.components[n].astype(np.float64) for n in w)
        np.testing.assert_allclose(c.scores.data, np.clip(total, 0, 1), atol=2e-5)


def test_registration_refuses_a_clash_and_leaves_no_trace():
    clash = Component("occupation", "x", "x", 1.0, _same_education, float)
    with pytest.raises(mc.InvalidParameter, match="occupation"), registered(clash):
        pass
    assert component_names() == [c.name for c in COMPONENTS]


def test_the_bound_of_the_group_blocking_counts_every_component_that_depends_on_the_group():
    from matchcore.scoring._engine import _outside_group_bound

    w = mc.MatchConfig().normalized_weights()
    assert _outside_group_bound(w) == 1.0 - w["occupation"]
    grouped = Component(
        "group_bonus", "x", "x", 0.2, _same_education, float, ("edu",), ("edu",), group_high=0.25
    )
    with registered(grouped):
        w = mc.MatchConfig().normalized_weights()
        want = 1.0 - w["occupation"] - 0.75 * w["group_bonus"]
        assert _outside_group_bound(w) == pytest.approx(want)
