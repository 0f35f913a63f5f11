"""The classification as index arrays: row ``i`` of every array is ``Taxonomy.codes[i]``.

Code that works on all codes at once (the title coder's scores, its ranking of a code with its
groups) reads the tree from these arrays rather than walking :class:`Taxonomy` code by code.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

if TYPE_CHECKING:  # (for the annotations only: _taxonomy imports this module)
    from matchcore.occupations._taxonomy import Taxonomy

__all__ = ["TaxonomyArrays", "code_depth"]


def code_depth(code: str) -> int:
    """The level of a code from its segments: the position of its last non-zero segment.

    ``4-01-02-00`` is a level-3 code, ``1-01-00-01`` a level-4 one. This is the level a code
    is written at, which the title coder reports; :meth:`Taxonomy.depth` is the depth in the
    tree, less for the few codes whose groups skip a level (``1-01-00-01`` sits right under
    ``1-01-00-00``: depth 3).

    Examples
    --------
    >>> from matchcore.occupations import code_depth
    >>> code_depth("4-01-02-00"), code_depth("6-00-00-00"), code_depth("1-01-00-01")
    (3, 1, 4)
    """
    seg = code.split("-")
    depth = 1
    for k in (1, 2, 3):
        if seg[k] != "00":
            depth = k + 1
    return depth


@dataclass(frozen=True, eq=False)
class TaxonomyArrays:
    """The tree of a :class:`Taxonomy` as index arrays, built by :meth:`Taxonomy.arrays`.

    Attributes
    ----------
    codes, names : tuple of str, shape (n_codes,)
        Codes in ascending order and their names.
    index : dict of str to int
        The row of each code.
    level : ndarray of int8, shape (n_codes,)
        :func:`code_depth` of each code.
    up : ndarray of intp, shape (n_codes, 4)
        ``up[i, 0] = i``, ``up[i, k]`` the k-th ancestor of ``i``; -1 past the root.
    chain : ndarray of intp, shape (n_codes, 4)
        The same nodes root first: ``chain[i, d]`` is the node at tree depth ``d + 1`` on the
        way to ``i``; -1 below ``i``.
    desc : sparse array of float32, shape (n_codes, n_codes)
        1 where column ``j`` is ``i`` or an ancestor of ``i``: ``p @ desc`` sums ``p`` over each
        subtree.
    anc_mean : sparse array of float32, shape (n_codes, n_codes)
        ``1 / n_ancestors(i)`` at each proper ancestor ``j`` of ``i``.

    Examples
    --------
    >>> import matchcore as mc
    >>> a = mc.occupations.load().arrays()
    >>> i = a.index["6-31-01-03"]
    >>> [a.codes[j] for j in a.chain[i] if j >= 0]
    ['6-00-00-00', '6-31-00-00', '6-31-01-00', '6-31-01-03']
    >>> int(a.level[i]), a.names[i]
    (4, '电工')
    """

    codes: tuple[str, ...]
    names: tuple[str, ...]
    index: dict[str, int]
    level: NDArray[np.int8]
    up: NDArray[np.intp]
    chain: NDArray[np.intp]
    desc: sp.csr_array
    anc_mean: sp.csr_array

    @classmethod
    def of(cls, tax: Taxonomy) -> TaxonomyArrays:
        """Build the arrays of ``tax`` (use :meth:`Taxonomy.arrays`, which keeps them)."""
        codes = tuple(tax.codes)
        index = {c: i for i, c in enumerate(codes)}
        n = len(codes)
        up = np.full((n, 4), -1, dtype=np.intp)
        chain = np.full((n, 4), -1, dtype=np.intp)
        rows: list[int] = []
        cols: list[int] = []
        arow: list[int] = []
        acol: list[int] = []
        aval: list[float] = []
        for i, c in enumerate(codes):
            anc = [index[a] for a in tax.ancestors(c)]
            path = [i, *reversed(anc)]
            up[i, : len(path)] = path
            chain[i, : len(path)] = path[::-1]
            rows.extend([i] * len(path))
            cols.extend(path)
            for a in anc:
                arow.append(i)
                acol.append(a)
                aval.append(1.0 / len(anc))
        desc = sp.csr_array((np.ones(len(rows), dtype=np.float32), (rows, cols)), shape=(n, n))
        anc_mean = sp.csr_array((np.array(aval, dtype=np.float32), (arow, acol)), shape=(n, n))
        return cls(
            codes=codes,
            names=tuple(tax[c].name for c in codes),
            index=index,
            level=np.array([code_depth(c) for c in codes], dtype=np.int8),
            up=up,
            chain=chain,
            desc=desc,
            anc_mean=anc_mean,
        )
