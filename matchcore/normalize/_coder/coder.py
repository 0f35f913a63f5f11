"""The title coder: :class:`TitleCoder`, free-text job titles to codes of the classification.

``TitleCoder.code`` cleans each distinct title once (:mod:`.cleaning`); its main job, followed by
the whole title's text, is coded and the other jobs a title names become alternatives. The texts
are scored in batches (:mod:`.worker`) by the model (:mod:`.model`), ranked and backed off to a
group when unsure (:mod:`.ranking`); ``confidence`` is the calibrated chance the code is right
(:mod:`.calibration`). Titles that name no occupation (only generic words such as 学徒, 经理)
get no code. A caseworker's corrections (:mod:`.corrections`) replace the model's answer for
every title of the same cleaned main job.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
from numpy.typing import NDArray

from matchcore import occupations
from matchcore._errors import InvalidParameter, InvalidValue
from matchcore.normalize._coder.calibration import (
    _PARENT,
    _Calibration,
    _calibration_key,
    _shipped_calibration,
    _shipped_curve,
    _strata,
)
from matchcore.normalize._coder.cleaning import _MAX_CHARS, _core_of, _generic_rows, _prepare
from matchcore.normalize._coder.corrections import (
    Corrections,
    apply_corrections,
    read_corrections,
)
from matchcore.normalize._coder.coverage import review_threshold
from matchcore.normalize._coder.data import _builtin_history
from matchcore.normalize._coder.inputs import _as_list, _rows
from matchcore.normalize._coder.model import (
    _PARAMS,
    MODEL_VERSION,
    _base_model,
    _history_rows,
    _job_codes,
    _Model,
)
from matchcore.normalize._coder.ranking import _decide
from matchcore.normalize._coder.review import review_queue
from matchcore.normalize._coder.worker import _score_titles

__all__ = ["TitleCoder"]

log = logging.getLogger(__name__)

_SCHEMA_COLUMNS = ["title", "code", "name", "confidence", "level", "needs_review", "alternatives"]


class TitleCoder:
    """Code free-text job titles to the 2022 occupation classification.

    Ready to use as built: it knows the classification's names, aliases and definitions, a
    dictionary of common posting words and a shipped history of 1,780 expert-coded posting
    titles. :meth:`fit` adds a service's own coded history on top (fitting again replaces it).

    Parameters
    ----------
    threshold : float, default 0.15
        When the best detailed code's chance of being right (its probability plus that of its
        groups as the expert's code) is below this, the nearest ancestor whose subtree reaches
        it is returned instead (a level 1-3 code), with ``needs_review`` set
        (also set when not even the major group reaches it). 0 never backs off.
    review_below : float, default 0.5
        Calibrated confidence under which ``needs_review`` is set.
    review_coverage : float or None
        Instead of ``review_below``: the share of titles to settle automatically. It is turned
        into a confidence threshold on the cross-validated curve shipped with the calibration
        (see :func:`matchcore.normalize._coder.coverage.review_threshold`), so a title's flag
        does not depend on the other titles of a batch.
    review_precision : float or None
        Instead of ``review_below``: the precision the automatically settled titles must reach
        (on the same curve: the lowest threshold whose cross-validated precision reaches it).
    builtin_history : bool, default True
        Learn from the shipped coded history as well as the classification. Set False to measure
        the coder on that history by cross-validation (see :func:`cross_validate`).

    Notes
    -----
    The ``needs_review`` rule: a title is sent to a person when (a) its best code was not
    clearly ahead (it was backed off to a group, or not even the major group reached
    ``threshold``), (b) its calibrated confidence is under the review threshold
    (``review_below``, or the one ``review_coverage`` / ``review_precision`` gives), (c) its
    main job is only generic words that name no occupation (学徒, 助理, 经理, 不限, ...: listed
    in ``data/coder_generic.csv``; these get no code and confidence 0), (d) it is longer than
    40 characters (coded by the main job of its first 40), or (e) it is empty. A title a
    caseworker corrected (see :meth:`correct`) is never sent back: its code is the correction.

    Attributes
    ----------
    history_size_ : int
        Titles of the service's own history used by :meth:`fit` (absent before fitting).

    Examples
    --------
    >>> from matchcore.normalize import TitleCoder
    >>> coded = TitleCoder().code(["汽修学徒工", "保安（包吃住）"], progress=False)
    >>> coded["code"].to_list()
    ['4-12-01-01', '4-07-05-01']
    >>> coded.columns
    ['title', 'code', 'name', 'confidence', 'level', 'needs_review', 'alternatives']
    """

    def __init__(
        self,
        *,
        threshold: float = 0.15,
        review_below: float = 0.5,
        review_coverage: float | None = None,
        review_precision: float | None = None,
        builtin_history: bool = True,
    ) -> None:
        self.threshold = threshold
        self.review_below = review_below
        self.review_coverage = review_coverage
        self.review_precision = review_precision
        self.builtin_history = builtin_history
        self._corrections: Corrections | None = None

    def __repr__(self) -> str:
        extra = "".join(
            f", {k}={getattr(self, k)!r}"
            for k in ("review_coverage", "review_precision")
            if getattr(self, k) is not None
        )
        return (
            f"TitleCoder(threshold={self.threshold!r}, review_below={self.review_below!r}"
            f"{extra}, builtin_history={self.builtin_history!r})"
        )

    # -- validation ----------------------------------------------------------------------------
    def _check_params(self) -> None:
        if self.review_coverage is not None and self.review_precision is not None:
            raise InvalidParameter.of(
                "review_coverage",
                "TitleCoder",
                self.review_coverage,
                "None when review_precision is set (one review target at a time)",
            )
        for name in ("threshold", "review_below", "review_coverage", "review_precision"):
            v = getattr(self, name)
            if v is None and name in ("review_coverage", "review_precision"):
                continue
            if (
                isinstance(v, bool)
                or not isinstance(v, (int, float))
                or not (0.0 <= float(v) <= 1.0)
            ):
                raise InvalidParameter.of(name, "TitleCoder", v, "a float in [0, 1]")
        if not isinstance(self.builtin_history, bool):
            raise InvalidParameter.of(
                "builtin_history", "TitleCoder", self.builtin_history, "True or False"
            )

    # -- fitting -------------------------------------------------------------------------------
    def fit(
        self, titles: Sequence[str] | pl.Series, codes: Sequence[str] | pl.Series
    ) -> TitleCoder:
        """Learn a service's own coded history on top of the classification.

        Fitting again replaces the earlier history; it does not add to it.

        Parameters
        ----------
        titles : list of str or polars Series, shape (n,)
            Titles as typed in postings or seekers' wishes.
        codes : list of str or polars Series, shape (n,)
            The code a person gave each title, at any level (``4-01-02-00`` is fine); any form
            :func:`matchcore.occupations.normalize_code` reads.

        Returns
        -------
        TitleCoder
            ``self``, fitted.

        Raises
        ------
        InvalidValue
            Naming the row positions whose code is not in the classification or whose title is
            empty, all at once.

        Examples
        --------
        >>> from matchcore.normalize import TitleCoder
        >>> coder = TitleCoder().fit(["挖机师傅", "挖机师傅学徒"], ["6-30-05-05", "6-30-05-05"])
        >>> coder.code(["挖机师傅"], progress=False)["code"][0]
        '6-30-05-05'
        """
        self._check_params()
        t_list = _as_list(titles, "titles", "TitleCoder.fit")
        c_list = _as_list(codes, "codes", "TitleCoder.fit")
        if len(t_list) != len(c_list):
            raise InvalidParameter.of(
                "codes",
                "TitleCoder.fit",
                f"{len(c_list)} codes",
                f"one code per title ({len(t_list)})",
            )
        tax = occupations.load()
        bad_codes: list[int] = []
        bad_titles: list[int] = []
        resolved: list[str] = []
        for i, (t, c) in enumerate(zip(t_list, c_list)):
            norm = occupations.normalize_code(c)
            if norm is None or norm not in tax:
                bad_codes.append(i)
            else:
                resolved.append(norm)
            if t is None or not str(t).strip():
                bad_titles.append(i)
        if bad_codes:
            raise InvalidValue(
                "codes",
                f"rows {_rows(bad_codes)}",
                "codes of the 2022 classification such as '6-31-01-03'",
            )
        if bad_titles:
            raise InvalidValue("titles", f"rows {_rows(bad_titles)}", "a non-empty title")
        history = _history_rows([str(t) for t in t_list], resolved)
        base = list(_history_rows(*_builtin_history())) if self.builtin_history else []
        titles_all = [str(t) for t in t_list]
        codes_all = list(resolved)
        if self.builtin_history:
            titles_all = [*_builtin_history()[0], *titles_all]
            codes_all = [*_builtin_history()[1], *codes_all]
        self.model_ = _Model(base + history, _PARAMS, _job_codes(titles_all, codes_all))
        self.history_size_ = len(t_list)
        h = hashlib.sha256()
        for t, c in zip(t_list, resolved):
            h.update(f"{t}\x1f{c}\x1e".encode())
        self.history_digest_ = h.hexdigest()[:12]
        return self

    def _review_below(self) -> float:
        """The confidence under which ``needs_review`` is set (see the class's Notes)."""
        if self.review_coverage is None and self.review_precision is None:
            return float(self.review_below)
        curve = _shipped_curve()
        if curve is None:
            raise InvalidParameter.of(
                "review_coverage" if self.review_coverage is not None else "review_precision",
                "TitleCoder",
                self.review_coverage if self.review_coverage is not None else self.review_precision,
                "None: the shipped calibration (and its coverage curve) is missing",
            )
        return review_threshold(
            curve, coverage=self.review_coverage, precision=self.review_precision
        )

    # -- corrections ---------------------------------------------------------------------------
    def correct(
        self, title: str, code: str, *, who: str | None = None, when: str | None = None
    ) -> TitleCoder:
        """Record a person's code for a title; it takes effect at once, with no refit.

        Every title whose cleaned main job is this title's (``仓管员`` and ``仓管员（包吃住）``)
        is then coded ``code`` with ``needs_review`` False, and confidence 1.0 for this title
        (once normalized) or 0.76 for the others (how often a code is right for another title
        of the same main job on the shipped expert-coded history); no other title changes. A later correction of the same main job replaces it; every correction stays in
        :attr:`corrections`.

        Parameters
        ----------
        title : str
            The title as typed.
        code : str
            Its code, at any level, in any form :func:`matchcore.occupations.normalize_code`
            reads.
        who, when : str, optional
            Who corrected it and when (ISO 8601; now, in UTC, by default).

        Returns
        -------
        TitleCoder
            ``self``.

        Raises
        ------
        InvalidValue
            If the code is not in the classification, or the title names no job once cleaned;
            nothing is recorded then.

        Examples
        --------
        >>> from matchcore.normalize import TitleCoder
        >>> coder = TitleCoder().correct("仓管员", "4-02-06-03", who="caseworker 7")
        >>> coder.code(["仓管员（包吃住）"], progress=False)["code"][0]
        '4-02-06-03'
        """
        table = self._corrections.copy() if self._corrections is not None else Corrections()
        self._corrections = table.add(title, code, who=who, when=when)
        return self

    def load_corrections(self, source: str | Path | pl.DataFrame) -> TitleCoder:
        """Add the corrections of a table (``title``, ``code``; ``who``, ``when`` optional).

        ``source`` is a path (CSV, Parquet or Excel) or a polars DataFrame, such as a review
        queue a caseworker filled in (rows with an empty ``code`` are skipped). All rows are
        checked first; bad ones are named together and nothing is added.

        Examples
        --------
        >>> import polars as pl
        >>> from matchcore.normalize import TitleCoder
        >>> table = pl.DataFrame({"title": ["仓管员"], "code": ["4-02-06-03"]})
        >>> TitleCoder().load_corrections(table).corrections["code"].to_list()
        ['4-02-06-03']
        """
        frame = read_corrections(source)
        table = self._corrections.copy() if self._corrections is not None else Corrections()
        self._corrections = table.extend(
            frame, source=str(source) if not isinstance(source, pl.DataFrame) else "corrections"
        )
        return self

    @property
    def corrections(self) -> pl.DataFrame:
        """Every correction, oldest first: ``title``, ``main_job``, ``code``, ``who``, ``when``.

        Write it with ``coder.corrections.write_csv(path)`` to keep or review it; read it back
        with :meth:`load_corrections`.

        Examples
        --------
        >>> from matchcore.normalize import TitleCoder
        >>> TitleCoder().corrections.columns
        ['title', 'main_job', 'code', 'who', 'when']
        """
        return (self._corrections or Corrections()).frame()

    @property
    def version(self) -> str:
        """The model's version: model and data, the fitted history's size and the corrections.

        Two coders with the same version code every title the same way; a correction changes it.

        Examples
        --------
        >>> from matchcore.normalize import TitleCoder
        >>> a, b = TitleCoder(), TitleCoder().correct("仓管员", "4-02-06-03", when="2026-01-05")
        >>> a.version == TitleCoder().version, a.version == b.version
        (True, False)
        """
        fitted = getattr(self, "history_digest_", "")
        corr = self._corrections.digest() if self._corrections is not None else ""
        return f"{MODEL_VERSION}.{_calibration_key(float(self.threshold))[:8]}.{fitted or 'base'}.{corr or 'none'}"

    def review_queue(
        self,
        titles: Sequence[str | None] | pl.Series,
        *,
        limit: int | None = None,
        path: str | Path | None = None,
    ) -> pl.DataFrame:
        """Titles a person should review first: how often each main job occurs times how unsure
        the coder is (``count * (1 - confidence)``), best value first.

        One row a cleaned main job not yet corrected. ``path`` writes it (CSV by its suffix, UTF-8
        with BOM so Excel opens it): a caseworker fills in ``code`` (and ``who``, ``when``) and
        :meth:`load_corrections` reads it back.

        Returns
        -------
        polars.DataFrame
            ``rank``, ``main_job``, ``title`` (the group's most frequent title), ``count``,
            ``value``, ``suggested_code``, ``suggested_name``, ``confidence``, ``alternatives``
            (``|``-separated), and the blank ``code``, ``who``, ``when``.

        Examples
        --------
        >>> from matchcore.normalize import TitleCoder
        >>> q = TitleCoder().review_queue(["学徒", "学徒", "电工", "急招学徒（包吃住）"])
        >>> q.select("main_job", "count").row(0)
        ('学徒', 3)
        """
        return review_queue(self, titles, limit=limit, path=path)

    def _model(self) -> _Model:
        model = getattr(self, "model_", None)
        return model if model is not None else _base_model(self.builtin_history)

    def _calibration(self) -> _Calibration | None:
        shipped = _shipped_calibration()
        if shipped is None:
            return None
        key, cal = shipped
        if key != _calibration_key(float(self.threshold)):
            # Calibrated for another threshold or model: the map is still a fair estimate.
            log.debug("calibration fitted for another threshold or model version")
        return cal

    # -- coding --------------------------------------------------------------------------------
    def code(
        self,
        titles: Sequence[str | None] | pl.Series,
        *,
        top_k: int = 5,
        progress: bool | None = None,
    ) -> pl.DataFrame:
        """Code titles; one row per input, in input order.

        Repeated titles are cleaned and scored once, so batches with heavy repetition are fast.

        Parameters
        ----------
        titles : list of str or polars Series, shape (n,)
            Titles; None or empty ones give a row with a null code.
        top_k : int, default 5
            The code plus ``top_k - 1`` alternatives.
        progress : bool or None
            Show a progress bar (None: when standard error is a terminal).

        Returns
        -------
        polars.DataFrame
            ``title`` (Utf8), ``code`` (Utf8, level 1-4), ``name`` (Utf8), ``confidence``
            (Float64, 0..1, calibrated), ``level`` (Int8, the level of ``code``),
            ``needs_review`` (Boolean), ``alternatives`` (List(Utf8), the next best codes, best
            first: the other jobs a title names, then the runners-up).

        Examples
        --------
        >>> from matchcore.normalize import TitleCoder
        >>> out = TitleCoder().code(["汽车维修工", "保洁/保安"], top_k=3, progress=False)
        >>> out["code"].to_list(), out["alternatives"][1][0]
        (['4-12-01-01', '4-09-08-01'], '4-07-05-01')
        """
        self._check_params()
        if isinstance(top_k, bool) or not isinstance(top_k, int) or top_k < 1:
            raise InvalidParameter.of("top_k", "TitleCoder.code", top_k, "an int in [1, inf)")
        t_list = _as_list(titles, "titles", "TitleCoder.code")
        distinct: dict[str, int] = {}
        inverse = np.empty(len(t_list), dtype=np.intp)
        for i, t in enumerate(t_list):
            key = "" if t is None else str(t)
            inverse[i] = distinct.setdefault(key, len(distinct))
        coded = self._code_distinct(list(distinct), top_k=top_k, progress=progress)
        if self._corrections is not None:  # a person's code first: no refit, at once
            coded = apply_corrections(coded, self._corrections)
        out = coded if len(distinct) == len(t_list) else coded[inverse]  # no repeats: in order
        return out.with_columns(pl.Series("title", t_list, dtype=pl.Utf8))

    def _code_distinct(
        self, titles: list[str], *, top_k: int, progress: bool | None
    ) -> pl.DataFrame:
        tree = occupations.load().arrays()
        model = self._model()
        cal = self._calibration()
        threshold = float(self.threshold)
        n = len(titles)

        def score(batch: list[str]) -> tuple[NDArray[Any], ...]:
            return _decide(model.proba(batch), threshold, top_k)

        prepared, texts, results = _score_titles(titles, score, progress=progress)
        if results:
            _, chosen, raw, backed, ranked = (np.concatenate(a) for a in zip(*results))
        else:
            chosen = np.zeros(0, dtype=np.intp)
            raw = np.zeros(0, dtype=np.float32)
            backed = np.zeros(0, dtype=bool)
            ranked = np.zeros((0, top_k), dtype=np.intp)
        # Per title: the row of its main job's text (-1 for an empty title).
        main_row = np.fromiter(
            (texts[main] if main else -1 for main, _ in prepared), dtype=np.intp, count=n
        )
        full = main_row >= 0
        j = main_row[full]
        k = chosen[j]
        # Alternatives: the runners-up without the returned code (a backed-off group is not
        # among them), the first top_k - 1; titles naming other jobs put those first.
        rk = ranked[j]
        keep_order = np.argsort(rk == k[:, None], axis=1, kind="stable")
        alts = np.take_along_axis(rk, keep_order, axis=1)[:, : top_k - 1]
        if alts.shape[1] < top_k - 1:  # fewer codes than top_k: cannot happen in practice
            alts = np.pad(alts, ((0, 0), (0, top_k - 1 - alts.shape[1])), mode="edge")
        pos = np.flatnonzero(full)
        for row in np.flatnonzero([bool(prepared[i][1]) for i in pos]):
            named = [int(chosen[texts[o]]) for o in prepared[pos[row]][1]]
            merged = [a for a in dict.fromkeys([*named, *ranked[j[row]].tolist()]) if a != k[row]]
            alts[row] = merged[: top_k - 1]
        review_below = self._review_below()
        pos_titles = [titles[i] for i in pos]
        if cal is None:
            conf_j = raw[j].astype(np.float64)
        else:
            stratum = np.where(backed[j], _PARENT, 0).astype(np.int8)
            if model.job_codes:
                # Only titles whose main job starts as a history main job can have one (the
                # main text starts with the main job): the others' cores are not recovered.
                firsts = model.job_firsts
                cand = [
                    r
                    for r, i in enumerate(pos.tolist())
                    if not backed[j[r]] and prepared[i][0].split(" ", 1)[0] in firsts
                ]
                if cand:
                    rows_c = np.array(cand, dtype=np.intp)
                    stratum[rows_c] = _strata(
                        [_core_of(pos_titles[r], prepared[pos[r]][0]) for r in cand],
                        [tree.codes[x] for x in k[rows_c].tolist()],
                        backed[j[rows_c]],
                        model.job_codes,
                    )
            conf_j = cal(raw[j], stratum)
        unsure = backed[j] | (raw[j] < threshold)
        # Titles naming no occupation (only generic words: 学徒, 助理, 经理, 不限): no code.
        generic = _generic_rows(pos_titles, [prepared[i][0] for i in pos])
        # Titles cut to their first _MAX_CHARS characters: coded by their head, reviewed.
        unsure |= np.fromiter((len(t) > _MAX_CHARS for t in pos_titles), bool, count=len(pos))
        code_s = pl.Series("code", tree.codes, dtype=pl.Utf8)
        name_s = pl.Series("name", tree.names, dtype=pl.Utf8)
        code_col = code_s.gather(k)
        name_col = name_s.gather(k)
        level_col = pl.Series("level", tree.level[k].astype(np.int8), dtype=pl.Int8)
        if generic.any():
            rows_g = np.flatnonzero(generic)
            code_col = code_col.scatter(rows_g, None)
            name_col = name_col.scatter(rows_g, None)
            level_col = level_col.scatter(rows_g, None)
            conf_j = np.where(generic, 0.0, conf_j)
            unsure |= generic
        done = pl.DataFrame(
            {
                "title": pos_titles,
                "code": code_col.alias("code"),
                "name": name_col.alias("name"),
                "confidence": conf_j,
                "level": level_col.alias("level"),
                "needs_review": unsure | (conf_j < review_below),
                "alternatives": (
                    code_s.gather(alts.ravel()).reshape((len(k), top_k - 1)).cast(pl.List(pl.Utf8))
                    if top_k > 1
                    else pl.Series([[]] * len(k), dtype=pl.List(pl.Utf8))
                ),
            }
        )
        empty_pos = np.flatnonzero(~full)
        if not empty_pos.size:  # every title coded (one title online): already in input order
            return done.select(_SCHEMA_COLUMNS)
        empty = pl.DataFrame(
            {
                "title": [titles[i] for i in empty_pos],
                "code": [None] * len(empty_pos),
                "name": [None] * len(empty_pos),
                "confidence": [0.0] * len(empty_pos),
                "level": [None] * len(empty_pos),
                "needs_review": [True] * len(empty_pos),
                "alternatives": [[] for _ in empty_pos],
            },
            schema=done.schema,
        )
        # Back to input order: the coded rows, then the empty ones.
        order = np.empty(n, dtype=np.intp)
        order[np.concatenate([pos, empty_pos])] = np.arange(n)
        return pl.concat([done, empty]).select(_SCHEMA_COLUMNS)[order]

    def predict_proba(self, titles: Sequence[str]) -> NDArray[np.float32]:
        """Probabilities of every code for each title's main job (no backing off).

        Returns
        -------
        ndarray of float32, shape (n_titles, n_codes)
            Columns in the order of ``matchcore.occupations.load().codes``; rows sum to 1.

        Examples
        --------
        >>> from matchcore.normalize import TitleCoder
        >>> import matchcore as mc
        >>> p = TitleCoder().predict_proba(["电工"])
        >>> mc.occupations.load().codes[int(p[0].argmax())]
        '6-31-01-03'
        """
        self._check_params()
        t_list = _as_list(titles, "titles", "TitleCoder.predict_proba")
        return self._model().proba([_prepare(str(t or ""))[0] for t in t_list])
