"""Random assignment instances with the shape of a province: city blocks, heavy-tailed openings."""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.sparse as sp

from matchcore._errors import InvalidParameter

__all__ = ["random_instance"]


def _check_int(value: Any, name: str, owner: str, low: int) -> int:
    """An int (not bool) of at least ``low``, as ``matchcore.assign`` checks its own."""
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < low:
        raise InvalidParameter.of(name, owner, value, f"an int in [{low}, inf)")
    return int(value)


def random_instance(
    n_seekers: int,
    n_vacancies: int,
    *,
    candidates: int = 50,
    n_cities: int = 16,
    cross_city: float = 0.03,
    openings: int | None = None,
    appeal: float = 0.3,
    seed: int = 0,
) -> tuple[sp.csr_array, np.ndarray]:
    """A random sparse score matrix and capacities, for tests and benchmarks.

    Seekers and vacancies are spread over ``n_cities`` cities of unequal size (weights
    ``1/sqrt(rank)``), numbered city by city. Each seeker gets ``candidates`` distinct vacancies
    (fewer if the city has fewer): from its own city, or with probability ``cross_city`` from its
    neighbouring city (cities are paired 0-1, 2-3, ...), so the candidate graph falls into about
    ``n_cities / 2`` independent components. Within a city, vacancy ``j`` is drawn with weight
    ``exp(4 a_j) x openings_j x lognormal(0, 0.5)``: postings with many openings have broad
    requirements and so many candidates, and attractive ones (``a_j ~ Beta(2, 5)``) are
    everybody's candidates (congestion). A pair's score is ``appeal x a_j + (1 - appeal) x u`` with
    ``u ~ Beta(2, 2)`` the pair's own fit, in [0, 1]. Openings are ``1 + multinomial`` over lognormal(0, 1.2) weights, heavy-tailed, summing
    to ``openings`` (default ``5 x n_vacancies``).

    Parameters
    ----------
    n_seekers, n_vacancies : int
        Matrix shape.
    candidates : int
        Pairs per seeker.
    n_cities : int
        City blocks.
    cross_city : float
        Share of a seeker's pairs in the neighbouring city, in [0, 1].
    openings : int, optional
        Total openings, at least ``n_vacancies``.
    appeal : float
        Weight in [0, 1] of the part of the score every seeker agrees on (the vacancy's
        attractiveness); the rest is the pair's own fit.
    seed : int
        Random seed; the same seed gives the same instance.

    Returns
    -------
    scores : csr_array, shape (n_seekers, n_vacancies)
    capacity : ndarray of int64, shape (n_vacancies,)

    Examples
    --------
    >>> import numpy as np
    >>> from matchcore.assign import random_instance
    >>> scores, capacity = random_instance(1000, 200, candidates=10, seed=1)
    >>> scores.shape, int(capacity.sum()), int(np.diff(scores.indptr).max())
    ((1000, 200), 1000, 10)
    """
    owner = "random_instance"
    n = _check_int(n_seekers, "n_seekers", owner, 1)
    m = _check_int(n_vacancies, "n_vacancies", owner, 1)
    k = _check_int(candidates, "candidates", owner, 1)
    n_cities = min(_check_int(n_cities, "n_cities", owner, 1), m)
    if not 0.0 <= cross_city <= 1.0:
        raise InvalidParameter.of("cross_city", owner, cross_city, "a float in [0, 1]")
    if not 0.0 <= appeal <= 1.0:
        raise InvalidParameter.of("appeal", owner, appeal, "a float in [0, 1]")
    total = 5 * m if openings is None else _check_int(openings, "openings", owner, m)
    rng = np.random.default_rng(seed)

    w = 1.0 / np.sqrt(np.arange(1, n_cities + 1))
    w /= w.sum()
    s_bounds = np.concatenate([[0], np.cumsum(rng.multinomial(n - n_cities, w) + 1)])
    s_bounds = np.minimum(s_bounds, n)
    v_bounds = np.concatenate([[0], np.cumsum(rng.multinomial(m - n_cities, w) + 1)])

    capacity = 1 + rng.multinomial(total - m, _normalized(rng.lognormal(0.0, 1.2, m)))
    attract = rng.beta(2.0, 5.0, m)
    pop = np.exp(4.0 * attract) * capacity * rng.lognormal(0.0, 0.5, m)

    rows_out: list[np.ndarray] = []
    cols_out: list[np.ndarray] = []
    for c in range(n_cities):
        lo, hi = int(s_bounds[c]), int(s_bounds[c + 1])
        if hi <= lo:
            continue
        nb = c ^ 1 if (c ^ 1) < n_cities else c
        own = np.arange(v_bounds[c], v_bounds[c + 1])
        other = np.arange(v_bounds[nb], v_bounds[nb + 1]) if nb != c else own
        cnt = hi - lo
        draws = int(np.ceil(k * 1.3)) + 4
        far = rng.random((cnt, draws)) < cross_city
        pick_own = _draw(rng, own, pop[own], (cnt, draws))
        pick_far = _draw(rng, other, pop[other], (cnt, draws))
        cols = np.where(far, pick_far, pick_own)
        rows = np.repeat(np.arange(lo, hi), draws)
        cols = cols.ravel()
        # distinct pairs, then keep k of them per seeker in random order
        key = rows.astype(np.int64) * m + cols
        key.sort()
        key = key[np.concatenate([[True], key[1:] != key[:-1]])]
        rows, cols = key // m, key % m
        order = np.lexsort((rng.random(rows.size), rows))
        rows, cols = rows[order], cols[order]
        first = np.searchsorted(rows, rows, side="left")
        keep = (np.arange(rows.size) - first) < k
        rows_out.append(rows[keep])
        cols_out.append(cols[keep])
    rows = np.concatenate(rows_out)
    cols = np.concatenate(cols_out)
    u = rng.beta(2.0, 2.0, rows.size)
    data = appeal * attract[cols] + (1.0 - appeal) * u
    scores = sp.csr_array((data, (rows, cols)), shape=(n, m))
    scores.sum_duplicates()
    return scores, capacity.astype(np.int64)


def _normalized(x: np.ndarray) -> np.ndarray:
    return x / x.sum()


def _draw(rng: np.random.Generator, ids: np.ndarray, weight: np.ndarray, size: tuple[int, int]):
    """Weighted draws with replacement from ``ids``."""
    cw = np.cumsum(weight)
    cw /= cw[-1]
    pos = np.searchsorted(cw, rng.random(size), side="right")
    return ids[np.minimum(pos, ids.size - 1)]
