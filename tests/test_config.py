"""MatchConfig: defaults, JSON round trip, validation messages naming key and value."""

import datetime as dt
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import matchcore as mc
from matchcore.scoring._config import DEFAULT_WEIGHTS


def test_defaults():
    cfg = mc.MatchConfig()
    assert cfg.top_k == 10
    assert cfg.candidates == 50
    assert cfg.scope == "city"
    assert cfg.weights == DEFAULT_WEIGHTS
    assert abs(sum(cfg.normalized_weights().values()) - 1.0) < 1e-12


def test_frozen():
    cfg = mc.MatchConfig()
    with pytest.raises(AttributeError):
        cfg.top_k = 3  # type: ignore[misc]


def test_partial_weights_merge_with_defaults():
    cfg = mc.MatchConfig(weights={"occupation": 1.0})
    assert cfg.weights["occupation"] == 1.0
    assert cfg.weights["title"] == DEFAULT_WEIGHTS["title"]


@settings(max_examples=40, deadline=None)
@given(
    top_k=st.integers(1, 100),
    cand=st.integers(1, 500),
    scope=st.sampled_from(["city", "province"]),
    tol=st.integers(0, 1),
    w=st.dictionaries(st.sampled_from(sorted(DEFAULT_WEIGHTS)), st.floats(0.01, 5.0)),
    as_of=st.none() | st.dates(dt.date(2000, 1, 1), dt.date(2040, 1, 1)),
    urgent=st.lists(st.sampled_from(["6-31-01-03", "2-02-07-00", "4-00-00-00"]), max_size=3),
)
def test_json_round_trip(top_k, cand, scope, tol, w, as_of, urgent):
    cfg = mc.MatchConfig(
        top_k=top_k,
        candidates=cand,
        scope=scope,
        education_tolerance=tol,
        weights=w,
        as_of=as_of,
        urgent_occupations=tuple(urgent),
    )
    d = json.loads(json.dumps(cfg.to_dict()))
    assert mc.MatchConfig.from_dict(d) == cfg
    assert mc.MatchConfig.from_json(cfg.to_json()) == cfg


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"top_k": 0}, r"'top_k' parameter of MatchConfig must be an int in \[1, inf\)\. Got 0"),
        ({"candidates": 2.5}, r"'candidates' .* Got 2\.5"),
        ({"scope": "county"}, r"'scope' .* one of 'city', 'province'\. Got 'county'"),
        ({"education_tolerance": 2}, r"'education_tolerance' .* \[0, 1\]\. Got 2"),
        ({"weights": {"salray": 1.0}}, r"weights\['salray'\].*valid components: .*'salary'"),
        ({"weights": {"salary": -1.0}}, r"weights\['salary'\].* >= 0\. Got -1\.0"),
        ({"weights": dict.fromkeys(DEFAULT_WEIGHTS, 0.0)}, r"positive sum"),
        ({"legal_working_age": (70, 16)}, r"'legal_working_age'.*Got \(70, 16\)"),
        ({"urgent_occupations": ("9-99-99-99",)}, r"'urgent_occupations'.*Got '9-99-99-99'"),
        ({"vacancy_age_limits": "yes"}, r"'vacancy_age_limits'.*True or False\. Got 'yes'"),
        ({"as_of": "2026-01-01"}, r"'as_of'.*datetime\.date"),
    ],
)
def test_invalid_values_name_key_and_value(kwargs, match):
    with pytest.raises(mc.InvalidParameter, match=match):
        mc.MatchConfig(**kwargs)


def test_unknown_key_lists_valid_keys():
    with pytest.raises(mc.InvalidParameter, match=r"'topk' .*valid keys: .*'top_k'.* Got 3"):
        mc.MatchConfig.from_dict({"topk": 3})


def test_from_dict_bad_date():
    with pytest.raises(mc.InvalidParameter, match=r"'as_of'.*ISO date.*Got '2026-13-01'"):
        mc.MatchConfig.from_dict({"as_of": "2026-13-01"})


def test_replace_validates():
    cfg = mc.MatchConfig()
    assert cfg.replace(top_k=3).top_k == 3
    with pytest.raises(mc.InvalidParameter, match="top_k"):
        cfg.replace(top_k=-1)


def test_weights_cannot_be_changed_in_place():
    import copy
    import dataclasses
    import pickle

    cfg = mc.MatchConfig()
    with pytest.raises(TypeError, match="read-only"):
        cfg.weights["occupation"] = -5
    with pytest.raises(TypeError, match="read-only"):
        cfg.weights.update(title=3.0)
    assert cfg.weights["occupation"] == mc.MatchConfig().weights["occupation"]
    # copies, pickles and replace still work
    assert pickle.loads(pickle.dumps(cfg)) == cfg == copy.deepcopy(cfg)
    assert dataclasses.replace(cfg, weights={"title": 0.2}).weights["title"] == 0.2
