"""Day to day: keep yesterday's placements and lists where they still hold, and read outcomes.

:func:`matchcore.match` calls :func:`plan_day` when it is given ``previous=`` or ``outcomes=``;
this module is the whole of that feature, and ``match`` only calls into it.

The rule (documented in :class:`~matchcore.MatchConfig` ``keep_margin``)
------------------------------------------------------------------------
A previous pair (a placement, or a pair of a recommendation list) is *still valid* when both ids
are in today's prepared tables, the seeker was not hired, the pair was not declined, the vacancy
has openings left and the pair is still one of today's candidates (so it passes every hard
constraint). Every still-valid pair gets a *stability bonus* of ``keep_margin`` score units added
to its benefit in the optimisation itself (the assignment graph, and the recommendation graph for
list pairs), not patched into the output. So a kept placement is given up only when the
assignment finds another whose total score is more than ``keep_margin`` higher for every
previous placement it breaks (the solvers maximize the sum, so the bonus is paid once per kept
pair), and a list pair only when the congestion-priced list objective gains more than the margin.
Capacity still binds: a vacancy whose openings fell below its previous placements keeps its
best-scoring ones. Reported scores and ranks are always the true scores: the bonus only steers.

Outcomes
--------
An outcomes table (``seeker_id, vacancy_id, outcome`` in ``hired``/``declined``/``no_show``,
optionally ``date``): a hired seeker leaves the run (in ``unmatched`` with reason ``hired``, so
every seeker is still in exactly one place), each hire takes one opening off its vacancy, and a
declined pair is never proposed again (its pair leaves the candidate graph). ``no_show`` is kept
for learning weights (:func:`matchcore.scoring.outcome_labels`) and does not block the pair.
Pass the outcomes recorded since the postings' ``openings`` were last updated, and every decline
ever recorded (declines are read whatever their date).

The ``changes`` table
---------------------
One row per pair of yesterday or today, per kind (``assignment`` or ``recommendation``):
``status`` (``kept``, ``new``, ``dropped_filled``, ``dropped_withdrawn``, ``dropped_seeker_left``,
``dropped_declined``, ``dropped_ineligible``, ``replaced_better``), a stable ``code`` and a
Chinese ``reason`` a caseworker reads (:data:`CHANGE_CODES`).

Warm start
----------
When the assignment is solved by the auction and ``previous`` carries prices
(``MatchResult.prices``, or a ``prices`` table read back), the auction starts from yesterday's
still-valid placements, each holding its vacancy at yesterday's price of that vacancy (0 for new
postings). Is that safe for the certificate? The bound itself always is: weak duality holds for
any non-negative prices (:func:`matchcore.assign._auction.dual_bound`). What a careless warm
start breaks is the ``n x eps`` guarantee: a seed that is not within ``eps`` of its best choice
at the starting prices never re-bids. So :meth:`matchcore.assign._auction._Market.seed` checks
every seed against the prices the seeds produce, lowers the bid of each seed out of slackness
to what it would bid now (or releases it), and repeats until all comply; a vacancy with a free
opening is priced 0 by construction, as in a cold start. The result carries the same guarantee
and a valid certificate. Measured (``benchmarks/test_bench_daily.py``): it saves bids, not time:
the auction's time goes to the long tail of rounds among near-tied seekers, which a warm start
does not shorten. The recommendations' auction (several places a seeker) is not warm-started.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import polars as pl

from matchcore._errors import InvalidParameter, MissingColumns
from matchcore._result import CHANGES_SCHEMA, MatchResult
from matchcore.assign._kernels import order_in_rows, row_of_edge
from matchcore.assign._solve import _frozen

__all__ = ["CHANGE_CODES", "HIRED_REASON", "OUTCOMES", "Day", "plan_day", "prices_table"]

#: outcome values an outcomes table may hold
OUTCOMES = ("hired", "declined", "no_show")

#: the ``unmatched`` reason of a seeker who left the run because a hire was recorded
HIRED_REASON = "hired: an outcome records a hire, so the seeker leaves the run"

#: code -> (status, reason in Chinese) of the ``changes`` table
CHANGE_CODES: dict[str, tuple[str, str]] = {
    "kept": ("kept", "与上次相同：该配对仍然有效，予以保留"),
    "new": ("new", "本次新增"),
    "seeker_hired": ("dropped_seeker_left", "求职者已被录用，退出本次匹配"),
    "seeker_left": ("dropped_seeker_left", "求职者不在本次名单中（已退出登记或信息不可用）"),
    "vacancy_withdrawn": ("dropped_withdrawn", "岗位已撤下或本次信息不可用"),
    "vacancy_filled": ("dropped_filled", "岗位空缺已全部招满"),
    "openings_reduced": ("dropped_filled", "岗位剩余空缺减少，名额已由得分更高的配对占用"),
    "declined": ("dropped_declined", "该岗位已被谢绝，不再推荐"),
    "no_longer_eligible": (
        "dropped_ineligible",
        "该配对已不再符合硬性条件或不在本次候选范围内",
    ),
    "replaced_better": (
        "replaced_better",
        "出现明显更优的安排：总体得分的提升超过了保留阈值（keep_margin）",
    ),
}


_OWNER = "match"


PRICES_SCHEMA = {"vacancy_id": pl.Utf8, "price": pl.Float64}


def prices_table(solved: Any, pv: pl.DataFrame) -> pl.DataFrame:
    """``vacancy_id, price``: the assignment auction's final price of each vacancy (no rows
    when another method solved), for the next day's warm start."""
    if getattr(solved, "prices", None) is None:
        return pl.DataFrame(schema=PRICES_SCHEMA)
    return pl.DataFrame(
        {"vacancy_id": pv["vacancy_id"], "price": np.asarray(solved.prices, dtype=np.float64)},
        schema=PRICES_SCHEMA,
    )


def empty_changes() -> pl.DataFrame:
    """The ``changes`` table of a run without ``previous``: no rows, the same columns."""
    return pl.DataFrame(schema=CHANGES_SCHEMA)


# -- reading the inputs --------------------------------------------------------------------------
def _frame(value: Any, name: str, required: tuple[str, ...]) -> pl.DataFrame:
    """``value`` as a polars DataFrame with string ids and the ``required`` columns."""
    if not isinstance(value, pl.DataFrame):
        try:
            value = pl.DataFrame(value)
        except Exception:  # any unreadable object gets the one message below
            raise InvalidParameter.of(
                name, _OWNER, type(value).__name__, "a polars DataFrame (or a table polars reads)"
            ) from None
    missing = [c for c in required if c not in value.columns]
    if missing:
        raise MissingColumns(name, missing, value.columns)
    ids = [c for c in ("seeker_id", "vacancy_id") if c in required]
    out = value.with_columns(pl.col(c).cast(pl.Utf8) for c in ids)
    for c in ids:
        nulls = out[c].is_null()
        if nulls.any():
            row = int(nulls.arg_true()[0])
            raise InvalidParameter.of(
                f"{name}[{c!r}] (row {row})", _OWNER, None, "an id (no missing values)"
            )
    return out


def previous_tables(previous: Any) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """The previous run's placements and recommendation pairs as ``seeker_id, vacancy_id``, and
    its auction prices as ``vacancy_id, price`` (no rows when unknown).

    ``previous`` is a :class:`~matchcore.MatchResult` or a mapping with ``assignments`` and/or
    ``recommendations`` and optionally ``prices`` (as read back from a database).
    """
    expected = (
        "a MatchResult or a mapping with 'assignments' and/or 'recommendations' tables "
        "(seeker_id, vacancy_id)"
    )
    if isinstance(previous, MatchResult):
        tables: dict[str, Any] = {
            "assignments": previous.assignments,
            "recommendations": previous.recommendations,
            "prices": previous.prices,
        }
    elif isinstance(previous, Mapping):
        unknown = [k for k in previous if k not in ("assignments", "recommendations", "prices")]
        if unknown or not previous:
            raise InvalidParameter.of("previous", _OWNER, sorted(map(str, previous)), expected)
        tables = dict(previous)
    else:
        raise InvalidParameter.of("previous", _OWNER, type(previous).__name__, expected)
    out = []
    for name in ("assignments", "recommendations"):
        t = tables.get(name)
        if t is None:
            out.append(pl.DataFrame(schema={"seeker_id": pl.Utf8, "vacancy_id": pl.Utf8}))
            continue
        f = _frame(t, f"previous[{name!r}]", ("seeker_id", "vacancy_id"))
        out.append(f.select("seeker_id", "vacancy_id").unique(maintain_order=name == "assignments"))
    prices = pl.DataFrame(schema=PRICES_SCHEMA)
    if tables.get("prices") is not None:
        p = tables["prices"]
        p = p if isinstance(p, pl.DataFrame) else _frame(p, "previous['prices']", ())
        missing = [c for c in ("vacancy_id", "price") if c not in p.columns]
        if missing:
            raise MissingColumns("previous['prices']", missing, p.columns)
        prices = p.select(pl.col("vacancy_id").cast(pl.Utf8), pl.col("price").cast(pl.Float64))
        bad = prices["price"].is_null() | ~prices["price"].is_finite() | (prices["price"] < 0)
        if bad.any():
            row = int(bad.arg_true()[0])
            raise InvalidParameter.of(
                f"previous['prices']['price'] (row {row})",
                _OWNER,
                prices["price"][row],
                "a finite price >= 0",
            )
        prices = prices.unique("vacancy_id", keep="first", maintain_order=True)
    return out[0], out[1], prices


def outcomes_table(outcomes: Any) -> pl.DataFrame:
    """``outcomes`` checked: ``seeker_id, vacancy_id, outcome`` (one of :data:`OUTCOMES`)."""
    f = _frame(outcomes, "outcomes", ("seeker_id", "vacancy_id", "outcome"))
    value = f["outcome"].cast(pl.Utf8).str.strip_chars().str.to_lowercase()
    bad = ~value.is_in(list(OUTCOMES)) | value.is_null()
    if bad.any():
        rows = bad.arg_true().to_list()
        raise InvalidParameter.of(
            f"outcomes['outcome'] (row {rows[0]}; {len(rows)} bad row(s) in all)",
            _OWNER,
            f["outcome"][rows[0]],
            f"one of {list(OUTCOMES)}",
        )
    return f.select("seeker_id", "vacancy_id", value.alias("outcome"))


# -- the plan --------------------------------------------------------------------------------------
def _positions(ids: pl.Series, keys: pl.Series) -> np.ndarray:
    """Position of each of ``ids`` in ``keys`` (unique), -1 where absent."""
    index = pl.DataFrame({"k": keys, "p": np.arange(keys.len(), dtype=np.int64)})
    got = pl.DataFrame({"k": ids}).join(index, on="k", how="left", maintain_order="left")
    return got["p"].fill_null(-1).to_numpy().astype(np.int64)


def _find(csr: Any, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """Position in ``csr.data`` of each stored pair ``(rows[i], cols[i])``; -1 where not stored.

    Rows or columns of -1 are not stored. Columns are sorted within a row (binary search)."""
    out = np.full(rows.shape[0], -1, dtype=np.int64)
    if csr.indices.shape[0] == 0:
        return out
    ok = (rows >= 0) & (cols >= 0)
    r, c = rows[ok], cols[ok]
    indptr = np.asarray(csr.indptr, dtype=np.int64)
    lo, hi = indptr[r], indptr[r + 1]
    n_idx = csr.indices.shape[0]
    active = np.flatnonzero(lo < hi)
    while active.size:
        mid = (lo[active] + hi[active]) // 2
        right = csr.indices[np.minimum(mid, n_idx - 1)] < c[active]
        lo[active] = np.where(right, mid + 1, lo[active])
        hi[active] = np.where(right, hi[active], mid)
        active = active[lo[active] < hi[active]]
    hit = (lo < indptr[r + 1]) & (csr.indices[np.minimum(lo, n_idx - 1)] == c)
    out[np.flatnonzero(ok)[hit]] = lo[hit]
    return out


@dataclass(frozen=True, eq=False)
class Day:
    """What :func:`plan_day` prepared: the graphs to solve and what is needed to report changes.

    Attributes
    ----------
    graph : sparse array, shape (n_seekers, n_vacancies)
        Today's candidate graph without declined pairs and hired seekers (true scores).
    assign_graph, rec_graph : sparse array
        ``graph`` with the stability bonus on the still-valid previous placements, resp.
        recommendation pairs.
    capacity : ndarray of int64, shape (n_vacancies,)
        Openings left after the recorded hires.
    """

    graph: Any
    assign_graph: Any
    rec_graph: Any
    capacity: np.ndarray
    hired: pl.Series
    declined: pl.DataFrame
    prev_assignments: pl.DataFrame
    prev_recommendations: pl.DataFrame
    seeker_ids: pl.Series
    vacancy_ids: pl.Series
    stats: dict[str, Any] = field(default_factory=dict)
    warm_start: tuple[np.ndarray, np.ndarray] | None = None

    def unbias(self, rec: Any) -> Any:
        """``rec`` (a :class:`~matchcore.assign.Recommendations` solved on ``rec_graph``) with
        the true scores and each list re-ranked by them (ties by lower vacancy position)."""
        rows = np.asarray(rec.seeker, dtype=np.int64)
        cols = np.asarray(rec.vacancy, dtype=np.int64)
        score = np.asarray(self.graph.data, dtype=np.float64)[_find(self.graph, rows, cols)]
        o = order_in_rows(rows, score)
        rows, cols, score = rows[o], cols[o], score[o]
        rank = np.arange(rows.size) - np.searchsorted(rows, rows, side="left") + 1
        return dataclasses.replace(
            rec,
            seeker=_frozen(rows),
            vacancy=_frozen(cols),
            rank=_frozen(rank.astype(np.int64)),
            score=_frozen(score),
            assigned=_frozen(np.asarray(rec.assigned)[o]),
        )

    def finish(
        self, assignments: pl.DataFrame, unmatched: pl.DataFrame, recommendations: pl.DataFrame
    ) -> tuple[pl.DataFrame, pl.DataFrame]:
        """Today's ``unmatched`` with the reason ``hired`` for hired seekers, and ``changes``."""
        if self.hired.len():
            unmatched = unmatched.with_columns(
                pl.when(pl.col("seeker_id").is_in(self.hired.implode()))
                .then(pl.lit(HIRED_REASON))
                .otherwise(pl.col("reason"))
                .alias("reason")
            )
        parts = [
            self._changes("assignment", self.prev_assignments, assignments),
            self._changes("recommendation", self.prev_recommendations, recommendations),
        ]
        changes = pl.concat(parts).sort(["kind", "seeker_id", "vacancy_id"])
        counts = changes.group_by("kind", "status").len().sort("kind", "status")
        self.stats["changes"] = {
            f"{k}.{s}": int(n) for k, s, n in counts.iter_rows()
        }  # (stats is a mutable dict by design: filled in as the run goes)
        return unmatched, changes

    def _changes(self, kind: str, prev: pl.DataFrame, today: pl.DataFrame) -> pl.DataFrame:
        pairs = ["seeker_id", "vacancy_id"]
        now = today.select(pairs).unique()
        kept = prev.join(now, on=pairs, how="semi")
        new = now.join(prev, on=pairs, how="anti")
        gone = prev.join(now, on=pairs, how="anti")
        code = self._why_gone(kind, gone)
        frames = [
            kept.with_columns(pl.lit("kept").alias("code")),
            new.with_columns(pl.lit("new").alias("code")),
            gone.with_columns(pl.Series("code", code, dtype=pl.Utf8)),
        ]
        out = pl.concat(frames).with_columns(pl.lit(kind).alias("kind"))
        status = {k: v[0] for k, v in CHANGE_CODES.items()}
        reason = {k: v[1] for k, v in CHANGE_CODES.items()}
        return out.select(
            "kind",
            "seeker_id",
            "vacancy_id",
            pl.col("code").replace_strict(status, return_dtype=pl.Utf8).alias("status"),
            "code",
            pl.col("code").replace_strict(reason, return_dtype=pl.Utf8).alias("reason"),
        )

    def _why_gone(self, kind: str, gone: pl.DataFrame) -> np.ndarray:
        """The code of each previous pair not in today's output, first matching rule wins."""
        n = gone.height
        if n == 0:
            return np.array([], dtype=object)
        r = _positions(gone["seeker_id"], self.seeker_ids)
        c = _positions(gone["vacancy_id"], self.vacancy_ids)
        hired = gone["seeker_id"].is_in(self.hired.implode()).to_numpy()
        declined = (
            gone.join(
                self.declined.with_columns(pl.lit(True).alias("d")),
                on=["seeker_id", "vacancy_id"],
                how="left",
                maintain_order="left",
            )["d"]
            .fill_null(False)
            .to_numpy()
        )
        cap = np.where(c >= 0, self.capacity[np.maximum(c, 0)], 0)
        found = _find(self.graph, r, c) >= 0
        code = np.full(n, "replaced_better", dtype=object)
        if kind == "assignment":
            # a vacancy whose openings fell below its still-valid previous placements
            valid = self.prev_valid("assignment")
            n_valid = np.bincount(valid[1], minlength=self.capacity.size)
            short = (c >= 0) & (n_valid[np.maximum(c, 0)] > cap)
            code[short] = "openings_reduced"
        code[~found] = "no_longer_eligible"
        code[cap <= 0] = "vacancy_filled"
        code[declined] = "declined"
        code[c < 0] = "vacancy_withdrawn"
        code[r < 0] = "seeker_left"
        code[hired] = "seeker_hired"
        return code

    def prev_valid(self, kind: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Rows, columns and graph positions of the still-valid previous pairs of ``kind``."""
        prev = self.prev_assignments if kind == "assignment" else self.prev_recommendations
        r = _positions(prev["seeker_id"], self.seeker_ids)
        c = _positions(prev["vacancy_id"], self.vacancy_ids)
        pos = _find(self.graph, r, c)
        ok = pos >= 0
        ok &= np.where(c >= 0, self.capacity[np.maximum(c, 0)], 0) > 0
        if self.graph.nnz:  # (a bonus never makes a pair worth nothing assignable)
            ok &= np.asarray(self.graph.data)[np.maximum(pos, 0)] > 0
        return r[ok], c[ok], pos[ok]


def _with_bonus(graph: Any, pos: np.ndarray, margin: float) -> Any:
    """``graph`` with ``margin`` added to the stored entries at ``pos`` (a new array)."""
    if pos.size == 0 or margin == 0:
        return graph
    data = np.array(graph.data, copy=True)
    data[pos] += data.dtype.type(margin)
    return type(graph)((data, graph.indices, graph.indptr), shape=graph.shape)


def plan_day(
    previous: Any,
    outcomes: Any,
    graph: Any,
    capacity: np.ndarray,
    ps: pl.DataFrame,
    pv: pl.DataFrame,
    margin: float,
) -> Day:
    """Read ``previous`` and ``outcomes`` against today's prepared tables and candidate graph.

    Returns the :class:`Day`: the graph without declined pairs and hired seekers, the openings
    left, and the assignment and recommendation graphs with the stability bonus ``margin`` on
    the still-valid previous pairs. Nothing passed in is modified.
    """
    empty = pl.DataFrame(schema={"seeker_id": pl.Utf8, "vacancy_id": pl.Utf8})
    prev_p = pl.DataFrame(schema=PRICES_SCHEMA)
    prev_a, prev_r = empty, empty
    if previous is not None:
        prev_a, prev_r, prev_p = previous_tables(previous)
    out = None if outcomes is None else outcomes_table(outcomes)
    seeker_ids, vacancy_ids = ps["seeker_id"], pv["vacancy_id"]
    capacity = np.asarray(capacity, dtype=np.int64).copy()
    hired = pl.Series("seeker_id", [], dtype=pl.Utf8)
    declined = empty
    stats: dict[str, Any] = {
        "previous_assignments": prev_a.height,
        "previous_recommendations": prev_r.height,
    }
    if out is not None:
        hires = out.filter(pl.col("outcome") == "hired").unique(["seeker_id", "vacancy_id"])
        hired = hires["seeker_id"].unique().sort()
        filled = _positions(hires["vacancy_id"], vacancy_ids)
        filled = np.bincount(filled[filled >= 0], minlength=capacity.size)
        capacity = np.maximum(capacity - filled, 0)
        declined = (
            out.filter(pl.col("outcome") == "declined").select("seeker_id", "vacancy_id").unique()
        )
        stats.update(
            {
                "outcomes": out.height,
                "hired_seekers_present": int(seeker_ids.is_in(hired.implode()).sum()),
                "openings_filled": int(filled.sum()),
                "declined_pairs": declined.height,
            }
        )
        # hired seekers' rows and declined pairs leave the graph
        keep = np.ones(graph.nnz, dtype=bool)
        gone_rows = _positions(hired, seeker_ids)
        gone_rows = gone_rows[gone_rows >= 0]
        if gone_rows.size:
            indptr = np.asarray(graph.indptr, dtype=np.int64)
            for a, b in zip(indptr[gone_rows].tolist(), indptr[gone_rows + 1].tolist()):
                keep[a:b] = False
        dpos = _find(
            graph,
            _positions(declined["seeker_id"], seeker_ids),
            _positions(declined["vacancy_id"], vacancy_ids),
        )
        keep[dpos[dpos >= 0]] = False
        if not keep.all():
            rows = row_of_edge(graph.indptr)[keep]
            indptr = np.r_[0, np.cumsum(np.bincount(rows, minlength=graph.shape[0]))]
            graph = type(graph)(
                (np.asarray(graph.data)[keep], graph.indices[keep], indptr), shape=graph.shape
            )
    day = Day(
        graph=graph,
        assign_graph=graph,
        rec_graph=graph,
        capacity=capacity,
        hired=hired,
        declined=declined,
        prev_assignments=prev_a,
        prev_recommendations=prev_r,
        seeker_ids=seeker_ids,
        vacancy_ids=vacancy_ids,
        stats=stats,
    )
    a_rows, a_cols, a_pos = day.prev_valid("assignment")
    _, _, r_pos = day.prev_valid("recommendation")
    warm = None
    if prev_p.height:
        # the auction starts from yesterday's placements at yesterday's prices (0 for new
        # postings); a row placed twice in a bad table starts from its first pair
        seed = np.full(graph.shape[0], -1, dtype=np.int64)
        seed[a_rows[::-1]] = a_cols[::-1]
        cols = _positions(prev_p["vacancy_id"], vacancy_ids)
        price = np.zeros(vacancy_ids.len())
        price[cols[cols >= 0]] = prev_p["price"].to_numpy()[cols >= 0]
        warm = (seed, price)
    stats.update(
        {
            "keep_margin": float(margin),
            "valid_previous_assignments": int(a_pos.size),
            "valid_previous_recommendations": int(r_pos.size),
        }
    )
    return dataclasses.replace(
        day,
        # (previous pairs are distinct, so are their positions: no np.unique, slow on 1e5 ints)
        assign_graph=_with_bonus(graph, a_pos, margin),
        rec_graph=_with_bonus(graph, r_pos, margin),
        warm_start=warm,
    )
