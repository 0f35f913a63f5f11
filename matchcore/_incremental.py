"""Day 2 from day 1's work: prepare and score only what changed (``match(..., incremental=True)``).

A run with ``incremental=True`` keeps a :class:`DayState` on its result (``MatchResult.state``,
in memory, not written with the tables). The next day's run with ``previous=`` that result and
``incremental=True`` reuses it where it still holds, and gives what a full run of the same day
gives, with one documented exception (the title weights, below). Without a usable state (another
config, another coder, no state) the run is a full run and keeps a fresh state.

What is reused, and when
------------------------
**Prepared rows.** A raw input row is *unchanged* when its digest (``polars.DataFrame.hash_rows``
of every raw column, same column names and dtypes as yesterday) equals yesterday's row of the
same id, and its id occurs once in both days' tables (so no duplicate-id rule reaches it).
Preparing a row depends on that row alone (and on ``within`` and the coder, both part of the
state's key), so an unchanged row's prepared row and its ``rejected`` rows are yesterday's, with
``row``, ``line`` and the line in the reason moved to today's position. Only the other rows go
through :func:`matchcore.records.prepare` (title coding included); every table equals a full
prepare (tested).

**Candidates.** A seeker or posting is *clean* when its prepared row was reused (and, for a
seeker, the age is the same: ages move with ``as_of``); everything else is *new*. Yesterday's
run kept, for every seeker, its best ``candidates + BUFFER`` pairs (an exact prefix of its
ranking, or all of its allowed pairs: ``complete``). Today:

- a clean seeker keeps its pairs with clean postings (still exact: any posting not in the list
  ranked below its last entry), and is scored against the new postings only; the two lists are
  merged and kept up to where both are still exact. When fewer than ``candidates`` exact pairs
  are left (more than ``BUFFER`` of its postings went), the seeker is scored again in full;
- a new seeker is scored against every posting.

So every seeker's top ``candidates`` equals the brute-force top of the day (ties by
``vacancy_id`` as everywhere), and its scores and components are the same numbers, because
every component is a function of the pair's two rows only, **given the title weights**.

**The one global part: title weights.** Title similarity uses TF-IDF weights fitted on the
postings' titles; they change a little with every posting that comes or goes, and with them
every title score. The incremental run keeps the weights fitted on the first day of the chain
(``DayState.vectorizer``) so that yesterday's scores stay valid; a full run (``incremental=False``
or no usable state) fits them again. The two differ by a few 1/1024 steps of some title scores:
measured on the daily benchmark, the objective differs from a fresh full solve by less than
the keep rule's effect (``benchmarks/test_bench_daily.py`` prints both). Refit by running one day with
``incremental=False`` (e.g. weekly) and chaining from it.

Everything else is recomputed on the whole day (features of all rows, ``in_reach``, congestion
of the recommendations, the assignment with its warm start, the changes table), so nothing
depending on the day's whole population is reused.

**Reasons.** The reason sentence of a recommended pair is a function of the pair's two feature
rows (and the title weights): for a pair of a clean seeker and a clean posting that was
recommended yesterday, yesterday's sentence is reused.
"""

from __future__ import annotations

import dataclasses
import functools
import re
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import numpy as np
import polars as pl
from numpy.typing import NDArray

from matchcore import records
from matchcore._progress import Progress
from matchcore._result import MatchResult
from matchcore.scoring import VacancyIndex
from matchcore.scoring._candidates import Candidates
from matchcore.scoring._config import MatchConfig
from matchcore.scoring._engine import _Engine, _Kept, order_by_score, rank_in_rows

__all__ = ["BUFFER", "DayState", "Incremental"]

#: pairs kept per seeker beyond ``config.candidates``, so that a seeker's list survives that
#: many of its postings going away before it must be scored again
BUFFER = 10

_PREFIX = re.compile(r"^第 \d+ 行：")
_SAME_AS = re.compile(r"与第 (\d+) 行相同")


def _config_key(config: MatchConfig) -> dict[str, Any]:
    """What the reused work depends on: every setting but the keep rule's margin."""
    d = config.to_dict()
    d.pop("keep_margin", None)
    return d


@dataclass(frozen=True, eq=False)
class _Side:
    """One raw table of a day: its schema, each raw row's id and digest, and whether the id
    occurs once (only such rows are reused)."""

    schema: tuple[tuple[str, str], ...]
    ids: pl.Series  # Utf8, per raw row (null: none)
    digest: NDArray[np.uint64]
    unique: NDArray[np.bool_]


@dataclass(frozen=True, eq=False)
class _Lists:
    """Each seeker's best pairs, an exact prefix of its ranking (``complete``: all of them).

    Entries are grouped by seeker row (``indptr``) in rank order; ``comps`` holds one array
    a component, aligned with the entries.
    """

    indptr: NDArray[np.int64]
    cols: NDArray[np.int32]
    vals: NDArray[np.float32]
    comps: tuple[NDArray[np.float32], ...]
    complete: NDArray[np.bool_]


@dataclass(frozen=True, eq=False)
class DayState:
    """What a run keeps so that the next day's run reuses its work (see the module docstring).

    Held in memory on ``MatchResult.state``; not written with the tables.
    """

    config: dict[str, Any]
    coder: Any
    seekers: _Side
    vacancies: _Side
    prepared: Any  # matchcore.records.Prepared of that day
    vectorizer: Any
    age: NDArray[np.float32]  # per prepared seeker
    lists: _Lists
    recommendations: pl.DataFrame | None = None  # seeker_id, vacancy_id, reason


def _side(frame: pl.DataFrame, table: str) -> _Side:

    schema = tuple((str(k), str(v)) for k, v in frame.schema.items())
    id_col = "seeker_id" if table == "seekers" else "vacancy_id"
    canon = records.canonical_headers(frame.head(0), table)
    pos = canon.columns.index(id_col) if id_col in canon.columns else None
    if pos is None or frame.height == 0:
        ids = pl.Series(id_col, [None] * frame.height, dtype=pl.Utf8)
    else:
        ids = frame.to_series(pos).cast(pl.Utf8, strict=False)
    counts = ids.to_frame("i").select(pl.len().over("i")).to_series()
    unique = (ids.is_not_null() & (counts == 1)).to_numpy()
    digest = frame.hash_rows(seed=17).to_numpy() if frame.height else np.zeros(0, np.uint64)
    return _Side(schema, ids, np.asarray(digest, dtype=np.uint64), np.asarray(unique))


def _reused_rows(today: _Side, before: _Side | None) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Raw rows of today that are unchanged since ``before``, and their rows there."""
    none = (np.zeros(0, np.int64), np.zeros(0, np.int64))
    if before is None or before.schema != today.schema or not len(today.digest):
        return none
    old = pl.DataFrame(
        {"d": before.digest, "id": before.ids, "j": np.arange(len(before.digest), dtype=np.int64)}
    ).filter(pl.Series(before.unique))
    old = old.filter(pl.len().over("d") == 1)  # (a digest collision is never reused)
    new = pl.DataFrame(
        {"d": today.digest, "id": today.ids, "i": np.arange(len(today.digest), dtype=np.int64)}
    ).filter(pl.Series(today.unique))
    hit = new.join(old, on=["d", "id"], how="inner").sort("i")
    return hit["i"].to_numpy(), hit["j"].to_numpy()


def _moved(frame: pl.DataFrame, new_row: pl.Series) -> pl.DataFrame:
    """A prepared table with ``row`` from ``new_row`` and ``line`` = row + 2."""
    dtype = frame.schema["row"]
    return frame.with_columns(
        new_row.cast(dtype).alias("row"), (new_row + 2).cast(frame.schema["line"]).alias("line")
    )


def _same_as(m: re.Match[str], to: NDArray[np.int64]) -> str:
    """The duplicate's reason "与第 N 行相同" with N moved through ``to`` (old -> new row)."""
    return f"与第 {int(to[int(m[1]) - 2]) + 2} 行相同"


def _move_rejected(rej: pl.DataFrame, row_map: dict[str, NDArray[np.int64]]) -> pl.DataFrame:
    """``rejected`` rows of a row-indexed table moved through ``row_map[table]`` (old -> new
    row), with the line in the reason (and of a duplicate's first row) moved alike."""
    if rej.height == 0:
        return rej
    out = []
    for table, mapping in row_map.items():
        part = rej.filter((pl.col("table") == table) & pl.col("row").is_not_null())
        if part.height == 0:
            continue
        old = part["row"].to_numpy().astype(np.int64)
        new = mapping[old]
        part, new = part.filter(pl.Series(new >= 0)), new[new >= 0]
        reasons = []
        for r, text in zip(new.tolist(), part["reason"].to_list(), strict=True):
            if text is not None:
                text = _PREFIX.sub(f"第 {r + 2} 行：", text, count=1)
                text = _SAME_AS.sub(functools.partial(_same_as, to=mapping), text)
            reasons.append(text)
        out.append(
            part.with_columns(
                pl.Series("row", new, dtype=rej.schema["row"]),
                pl.Series("line", new + 2, dtype=rej.schema["line"]),
                pl.Series("reason", reasons, dtype=rej.schema["reason"]),
            )
        )
    return pl.concat(out, how="vertical") if out else rej.head(0)


#: up to this share of the seekers new or changed, they are scored city by city
#: (:func:`_by_city`); more, by the blocked search of a full run (same pairs, same scores)
FEW = 0.1

#: pair scores a chunk of :func:`_by_city` holds at a time
SCAN_CHUNK = 1 << 21


def _by_city(
    index: Any,
    engine: Any,
    sf: Any,
    rows: NDArray[np.int64],
    cols: NDArray[np.int64],
    k: int,
    n_jobs: int,
) -> Any:
    """The top-``k`` of each seeker of ``rows`` among the postings ``cols`` (a few new ones).

    One dense block a city: the new postings of the city against the seekers who reach it
    (their city or a willing one: the blocking of ``VacancyIndex``, which is exact, since the
    region constraint holds nowhere else). Cheaper than blocking by each seeker's set of
    cities when the postings are few: the block is built once a city, not once a set. Each
    seeker's pairs of all its cities are cut to its best ``k`` (ties by ``vacancy_id``)."""

    if not len(rows) or not len(cols):
        return _Kept.empty()
    reach = index._seeker_cities(sf)  # per column: a city id of each seeker, -1 none
    v_city = index._city_ids(index.vacancies_.arrays["city"])
    tasks = []
    for city in np.unique(v_city[cols]).tolist():
        c_cols = cols[v_city[cols] == city]
        if city >= len(index.cities_) and index._config().scope != "province":
            continue  # a posting of no known city is in no seeker's block
        hit = np.zeros(len(rows), dtype=bool)
        for col in reach:
            hit |= col[rows] == city
        if not hit.any():
            continue
        block = engine.block(np.asarray(c_cols, dtype=np.int64))
        c_rows = rows[hit]
        step = max(1, SCAN_CHUNK // len(c_cols))
        tasks += [(c_rows[i : i + step], block) for i in range(0, len(c_rows), step)]

    def work(task: tuple[NDArray[np.int64], Any]) -> Any:
        return engine.topk(task[0], task[1], k)

    if n_jobs > 1 and len(tasks) > 1:
        with ThreadPoolExecutor(n_jobs) as ex:
            parts = list(ex.map(work, tasks))
    else:
        parts = [work(t) for t in tasks]
    kept = _Kept.concat(parts)
    order = order_by_score(kept.rows, kept.vals, index.vacancies_.arrays["tiebreak"][kept.cols])
    keep = order[rank_in_rows(kept.rows[order]) < k]
    return _Kept([a[keep] for a in kept.arrays])


def scatter(known: NDArray[np.bool_], old: pl.Series, new: pl.Series) -> pl.Series:
    """``old`` where ``known``, ``new`` elsewhere, each in order."""
    idx = np.empty(len(known), dtype=np.int64)
    idx[known] = np.arange(int(known.sum()))
    idx[~known] = len(old) + np.arange(len(known) - int(known.sum()))
    both = pl.concat([old.cast(pl.Utf8).rename("reason"), new.cast(pl.Utf8).rename("reason")])
    return both.gather(idx)


class Incremental:
    """One day's incremental run: :meth:`prepare`, :meth:`candidates`, then :meth:`state`."""

    def __init__(self, previous: Any, config: MatchConfig, coder: Any) -> None:

        state = previous.state if isinstance(previous, MatchResult) else None
        if isinstance(state, DayState) and (
            state.config != _config_key(config) or state.coder is not coder
        ):
            state = None
        self.prev: DayState | None = state
        self.config = config
        self.coder = coder
        self.stats: dict[str, Any] = {"reused_state": state is not None}

    # -- prepare -------------------------------------------------------------------------------
    def prepare(self, seekers: pl.DataFrame, vacancies: pl.DataFrame, progress: Any) -> Any:
        """:func:`matchcore.records.prepare` of both tables, preparing only the changed rows."""

        self.sides = {
            "seekers": _side(seekers, "seekers"),
            "vacancies": _side(vacancies, "vacancies"),
        }
        p = self.prev
        reused = {
            t: _reused_rows(self.sides[t], None if p is None else getattr(p, t))
            for t in ("seekers", "vacancies")
        }
        raw = {"seekers": seekers, "vacancies": vacancies}
        fresh: dict[str, NDArray[np.int64]] = {}
        for t, (i, _j) in reused.items():
            mask = np.ones(raw[t].height, dtype=bool)
            mask[i] = False
            fresh[t] = np.flatnonzero(mask)
        part = records.prepare(
            seekers[fresh["seekers"]] if len(fresh["seekers"]) < seekers.height else seekers,
            vacancies[fresh["vacancies"]]
            if len(fresh["vacancies"]) < vacancies.height
            else vacancies,
            within=self.config.within,
            coder=self.coder,
            progress=progress,
        )
        self.stats.update({f"prepared_{t}": len(fresh[t]) for t in fresh})
        self.reused_pos: dict[str, tuple[NDArray[np.int64], NDArray[np.int64]]] = {}
        if p is None or all(len(r[0]) == 0 for r in reused.values()):
            self.prepared = part
            for t in ("seekers", "vacancies"):
                self.reused_pos[t] = (np.zeros(0, np.int64), np.zeros(0, np.int64))
            return part
        tables = {}
        old_map: dict[str, NDArray[np.int64]] = {}
        for t in ("seekers", "vacancies"):
            i, j = reused[t]
            mine = getattr(part, t)
            fmap = pl.Series(fresh[t], dtype=pl.Int64)
            new_part = _moved(mine, fmap.gather(mine["row"].cast(pl.Int64)))
            old_tab = getattr(p.prepared, t)
            to_new = np.full(len(getattr(p, t).digest), -1, dtype=np.int64)
            to_new[j] = i
            old_map[t] = to_new
            old_rows = old_tab["row"].to_numpy().astype(np.int64)
            keep = to_new[old_rows] >= 0
            new_rows = to_new[old_rows[keep]]
            kept_old = _moved(old_tab.filter(pl.Series(keep)), pl.Series(new_rows))
            out = pl.concat([kept_old, new_part.select(kept_old.columns)], how="vertical")
            out = out.sort("row")
            tables[t] = out
            # prepared positions of the reused rows: today's and yesterday's
            pos_new = np.searchsorted(out["row"].to_numpy().astype(np.int64), new_rows)
            self.reused_pos[t] = (pos_new.astype(np.int64), np.flatnonzero(keep).astype(np.int64))
        # rejected: yesterday's rows of reused rows and today's of the rest, both moved
        table_level = part.rejected.filter(pl.col("row").is_null())
        rejected = pl.concat(
            [
                _move_rejected(p.prepared.rejected, old_map),
                _move_rejected(part.rejected, fresh),
                table_level,
            ],
            how="vertical",
        )
        if rejected.height > 1:
            rejected = rejected.sort(["table", "row", "severity", "field"], maintain_order=True)
        self.prepared = dataclasses.replace(
            part, seekers=tables["seekers"], vacancies=tables["vacancies"], rejected=rejected
        )
        return self.prepared

    # -- candidates ----------------------------------------------------------------------------
    def candidates(self, ps: pl.DataFrame, pv: pl.DataFrame, n_jobs: int, progress: Any) -> Any:
        """The day's :class:`~matchcore.scoring.Candidates`, scoring only clean seekers x new
        postings and new seekers x all postings (see the module docstring)."""

        t0 = time.perf_counter()
        cfg = self.config
        k = cfg.candidates
        kb = k + BUFFER
        p = self.prev
        index = VacancyIndex(cfg, n_jobs=n_jobs, progress=progress)
        index.fit(pv, vectorizer=None if p is None else p.vectorizer)
        sf = index.transform(ps)
        engine = _Engine(index, sf, cfg)
        legal = np.asarray(sf.arrays["legal"], dtype=bool)
        n_s, n_v = sf.n, index.vacancies_.n
        tb = index.vacancies_.arrays["tiebreak"]
        # clean rows: yesterday's position of each of today's rows (-1: new or changed)
        s_old = np.full(n_s, -1, dtype=np.int64)
        v_new_of_old = np.zeros(0, dtype=np.int64)
        v_clean = np.zeros(n_v, dtype=bool)
        if p is not None:
            pn, po = self.reused_pos["seekers"]
            same_age = (sf.arrays["age"][pn] == p.age[po]) | (
                np.isnan(sf.arrays["age"][pn]) & np.isnan(p.age[po])
            )
            s_old[pn[same_age]] = po[same_age]
            vn, vo = self.reused_pos["vacancies"]
            v_new_of_old = np.full(p.prepared.vacancies.height, -1, dtype=np.int64)
            v_new_of_old[vo] = vn
            v_clean[vn] = True
        live = ~index.dropped_
        # yesterday's lists of clean seekers, on clean live postings
        old_rows = np.zeros(0, np.int64)
        keep_idx = np.zeros(0, np.int64)
        complete_old = np.zeros(n_s, dtype=bool)
        clean = np.zeros(n_s, dtype=bool)
        if p is not None:
            lists = p.lists
            cs = np.flatnonzero((s_old >= 0) & legal)
            starts, ends = lists.indptr[s_old[cs]], lists.indptr[s_old[cs] + 1]
            lens = ends - starts
            old_rows = np.repeat(cs, lens)
            keep_idx = (
                np.repeat(starts - np.r_[0, np.cumsum(lens)[:-1]], lens) + np.arange(lens.sum())
                if len(cs)
                else np.zeros(0, np.int64)
            )
            cols = v_new_of_old[lists.cols[keep_idx]]
            ok = cols >= 0
            ok[ok] = live[cols[ok]]
            old_rows, keep_idx = old_rows[ok], keep_idx[ok]
            complete_old[cs] = lists.complete[s_old[cs]]
            left = np.bincount(old_rows, minlength=n_s)
            clean[cs] = complete_old[cs] | (left[cs] >= k)
            sel = clean[old_rows]
            old_rows, keep_idx = old_rows[sel], keep_idx[sel]
        dirty = np.flatnonzero(legal & ~clean).astype(np.int64)
        new_v = live & ~v_clean
        with Progress(total=None, desc="candidates", enabled=progress) as bar:
            fb = 0
            if len(dirty) and len(dirty) <= FEW * n_s:
                # a few seekers: one block a city of all its postings (no group blocking)
                kept_d = _by_city(index, engine, sf, dirty, np.flatnonzero(live), kb, n_jobs)
            elif len(dirty):
                kept_d, fb = index._search(engine, sf, dirty, kb, bar)
            else:
                kept_d = _Kept.empty()
            c_rows = np.flatnonzero(clean).astype(np.int64)
            if len(c_rows) and new_v.any():
                kept_n = _by_city(index, engine, sf, c_rows, np.flatnonzero(new_v), kb, n_jobs)
            else:
                kept_n = _Kept.empty()
        # merge: yesterday's (src 0) and the new postings' (src 1) pairs of clean seekers
        if p is not None and len(old_rows):
            o = _Kept(
                [
                    old_rows.astype(np.int32),
                    v_new_of_old[p.lists.cols[keep_idx]].astype(np.int32),
                    p.lists.vals[keep_idx],
                ]
                + [comp[keep_idx] for comp in p.lists.comps]
            )
        else:
            o = _Kept.empty()
        n_old = len(o.rows)
        new_trunc = np.bincount(kept_n.rows, minlength=n_s) >= kb
        merged = _Kept.concat([o, kept_n])
        src = np.r_[np.zeros(n_old, np.int8), np.ones(len(merged.rows) - n_old, np.int8)]
        order = order_by_score(merged.rows, merged.vals, tb[merged.cols])
        rows_s = merged.rows[order]
        src_s = src[order]
        rank = rank_in_rows(rows_s)
        # exact prefix: up to the last entry of each list that may continue below its end
        bound = np.full(n_s, np.iinfo(np.int64).max)
        for s_, trunc in ((0, ~complete_old), (1, new_trunc)):
            hit = src_s == s_
            last = np.full(n_s, -1, dtype=np.int64)
            np.maximum.at(last, rows_s[hit], rank[hit])
            t = trunc & clean
            bound[t] = np.minimum(bound[t], last[t] + 1)
        count = np.bincount(rows_s, minlength=n_s)
        limit = np.minimum(bound, kb)
        sel = order[rank < limit[rows_s]]
        complete = np.zeros(n_s, dtype=bool)
        complete[clean] = (complete_old & ~new_trunc & (count <= kb))[clean]
        clean_lists = _Kept([a[sel] for a in merged.arrays])
        # new seekers' lists, in rank order
        od = order_by_score(kept_d.rows, kept_d.vals, tb[kept_d.cols])
        dirty_lists = _Kept([a[od] for a in kept_d.arrays])
        cnt_d = np.bincount(dirty_lists.rows, minlength=n_s)
        complete[dirty] = cnt_d[dirty] < kb
        # all lists grouped by seeker in rank order (both parts are; a stable sort on the row)
        both = _Kept.concat([clean_lists, dirty_lists])
        og = np.argsort(both.rows, kind="stable")
        both = _Kept([a[og] for a in both.arrays])
        rank = rank_in_rows(both.rows)
        indptr = np.r_[0, np.cumsum(np.bincount(both.rows, minlength=n_s))].astype(np.int64)
        self.lists = _Lists(
            indptr,
            both.cols,
            both.vals,
            tuple(both.arrays[3:]),
            complete,
        )
        out = _Kept([a[rank < k] for a in both.arrays])
        self.index, self.sf = index, sf
        self.clean_s = s_old >= 0
        self.clean_v = v_clean
        scores, comps = index._assemble(sf, out)
        stats = {
            "method": "incremental" if p is not None else "blocked",
            "pairs_scored": engine.pairs_scored,
            "fallback_seekers": fb,
            "rescored_seekers": len(dirty),
            "kept_seekers": int(clean.sum()),
            "new_postings": int(new_v.sum()),
            "seconds": time.perf_counter() - t0,
        }
        self.stats.update({k_: v for k_, v in stats.items() if k_ != "seconds"})
        excluded = np.flatnonzero(~legal).astype(np.int64)
        return Candidates(
            scores, comps, k, excluded, stats, _context=(index, sf), in_reach=index._in_reach(sf)
        )

    # -- reasons -------------------------------------------------------------------------------
    def reasons(self, cand: Any, rows: NDArray[Any], cols: NDArray[Any]) -> pl.Series:
        """The ``reason`` column of the recommended pairs: yesterday's sentence where
        :meth:`known_reasons` has one, a new one (``cand.reasons``) elsewhere."""
        rows = np.asarray(rows, dtype=np.int64)
        cols = np.asarray(cols, dtype=np.int64)
        known = self.known_reasons(rows, cols)
        if known is None:
            return cand.reasons(rows, cols).rename("reason")
        return scatter(known[0], known[1], cand.reasons(rows[~known[0]], cols[~known[0]]))

    def known_reasons(
        self, rows: NDArray[np.int64], cols: NDArray[np.int64]
    ) -> tuple[NDArray[np.bool_], pl.Series] | None:
        """Which of the pairs (today's seeker rows, posting columns) were recommended
        yesterday between a clean seeker and a clean posting, and yesterday's sentences of
        those (in order): a sentence is a function of the pair's two rows."""
        p = self.prev
        if p is None or p.recommendations is None or not len(rows):
            return None
        clean = self.clean_s[rows] & self.clean_v[cols]
        if not clean.any():
            return None
        pairs = pl.DataFrame(
            {
                "seeker_id": self.prepared.seekers["seeker_id"].gather(rows[clean]),
                "vacancy_id": self.prepared.vacancies["vacancy_id"].gather(cols[clean]),
            }
        )
        got = pairs.join(
            p.recommendations, on=["seeker_id", "vacancy_id"], how="left", maintain_order="left"
        )["reason"]
        hit = got.is_not_null().to_numpy()
        mask = np.zeros(len(rows), dtype=bool)
        mask[np.flatnonzero(clean)[hit]] = True
        self.stats["reasons_reused"] = int(mask.sum())
        return mask, got.filter(pl.Series(hit))

    # -- tomorrow ------------------------------------------------------------------------------
    def state(self, recommendations: pl.DataFrame | None = None) -> DayState:
        """What tomorrow's run reuses."""
        return DayState(
            config=_config_key(self.config),
            coder=self.coder,
            seekers=self.sides["seekers"],
            vacancies=self.sides["vacancies"],
            prepared=self.prepared,
            vectorizer=self.index.vectorizer_,
            age=np.asarray(self.sf.arrays["age"], dtype=np.float32),
            lists=self.lists,
            recommendations=(
                None
                if recommendations is None
                else recommendations.select("seeker_id", "vacancy_id", "reason")
            ),
        )
