"""The title coder: free-text job titles to codes of the 2022 occupation classification.

:class:`TitleCoder` (exported as ``matchcore.normalize.TitleCoder``) is built from these modules,
in the order a title goes through them:

========================  ===================================================================
``cleaning``              a title's main job, the other jobs it names, generic words; the
                          bounded cache of cleaned titles
``worker``                coding many titles: cleaning in a forked process, scoring batches in
                          threads
``vectorizer``            TF-IDF of character n-grams
``model``                 the scores of every code and their probabilities
``ranking``               the codes of a title, backing off to a group when unsure
``calibration``           the chance a code is right (``confidence``), by stratum
``coder``                 :class:`TitleCoder`
``corrections``           a caseworker's codes, applied before the model
``review``                the review queue: what a person should look at first
``coverage``              precision at coverage; the review threshold for a target
``evaluation``            cross-validation and the fitting of the shipped calibration
``data``, ``inputs``      the shipped data files; checks of the arguments
========================  ===================================================================

The classification's tree as index arrays comes from :meth:`matchcore.occupations.Taxonomy.arrays`.
``docs/coder.md`` records how the model was chosen and what it measures.
"""

from matchcore.normalize._coder.coder import TitleCoder
from matchcore.normalize._coder.evaluation import cross_validate
from matchcore.normalize._coder.model import MODEL_VERSION
from matchcore.occupations import code_depth

__all__ = ["MODEL_VERSION", "TitleCoder", "code_depth", "cross_validate"]
