"""Moved to :mod:`matchcore.synth` (``mc.synth.fake_prepared``); this name stays for old imports."""

from matchcore.synth._prepared import CITIES, fake_prepared

__all__ = ["CITIES", "fake_prepared"]
