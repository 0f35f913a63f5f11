"""fit_weights: learnt weights recover known ones and respect signs."""

import numpy as np
import polars as pl
import pytest
from scipy.stats import spearmanr

import matchcore as mc
from matchcore.scoring import component_names, fit_weights
from matchcore.synth import fake_prepared


def _outcomes(true_w, n=20000, seed=0):
    rng = np.random.default_rng(seed)
    x = {name: rng.random(n) for name in component_names()}
    logit = sum(true_w.get(k, 0.0) * x[k] for k in x) - 0.5 * sum(true_w.values())
    hired = rng.random(n) < 1 / (1 + np.exp(-4 * logit))
    return pl.DataFrame(x), hired


def test_recovers_ordering_of_known_weights():
    true_w = {
        "occupation": 5.0, "title": 1.0, "education": 2.0, "salary": 3.0, "region": 2.5,
        "experience": 0.5, "skill": 0.3, "professional_title": 0.2, "priority": 1.5,
    }  # fmt: skip
    feats, hired = _outcomes(true_w)
    cfg = fit_weights(feats, hired)
    assert isinstance(cfg, mc.MatchConfig)
    assert sum(cfg.weights.values()) == pytest.approx(1.0)
    rho = spearmanr(
        [true_w[n] for n in component_names()], [cfg.weights[n] for n in component_names()]
    )
    assert rho.statistic > 0.9
    assert max(cfg.weights, key=cfg.weights.get) == "occupation"


def test_negative_effects_get_zero_weight():
    rng = np.random.default_rng(1)
    n = 20000
    x = {name: rng.random(n) for name in component_names()}
    logit = 4 * x["occupation"] - 3 * x["priority"] - 0.5
    hired = rng.random(n) < 1 / (1 + np.exp(-logit))
    cfg = fit_weights(x, hired, base=mc.MatchConfig(top_k=7))
    assert cfg.weights["priority"] == 0.0
    assert all(v >= 0 for v in cfg.weights.values())
    assert cfg.top_k == 7  # other settings kept


def test_constant_column_gets_zero():
    feats, hired = _outcomes({"occupation": 4.0, "salary": 1.0}, n=5000)
    feats = feats.with_columns(pl.lit(1.0).alias("skill"))
    assert fit_weights(feats, hired).weights["skill"] == 0.0


def test_errors():
    feats, hired = _outcomes({"occupation": 1.0}, n=100)
    with pytest.raises(
        mc.MissingColumns, match=r"features table is missing required column\(s\) \['title'\]"
    ):
        fit_weights(feats.drop("title"), hired)
    with pytest.raises(
        mc.InvalidParameter, match=r"'hired' parameter of fit_weights.*both hired and not hired"
    ):
        fit_weights(feats, np.zeros(100, dtype=bool))
    with pytest.raises(mc.InvalidParameter, match=r"'hired'.*one value per feature row \(100\)"):
        fit_weights(feats, hired[:10])
    with pytest.raises(mc.InvalidParameter, match=r"'features'.*Got 'list'"):
        fit_weights([1, 2], hired)


def test_from_candidate_frame():
    s, v = fake_prepared(300, 200, seed=2)
    # floors off: under them every candidate is related work and occupation barely varies
    loose = mc.MatchConfig(min_occupation=0.0, min_score=0.0)
    frame = mc.scoring.candidates(s, v, loose, k=10).to_frame(reasons=False)
    rng = np.random.default_rng(0)
    hired = rng.random(frame.height) < 0.05 + 0.9 * frame["occupation"].to_numpy()
    cfg = fit_weights(frame, hired)
    assert cfg.weights["occupation"] == max(cfg.weights.values())
