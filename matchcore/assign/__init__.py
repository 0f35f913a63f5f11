"""Capacitated assignment solvers, recommendations with congestion control, sharded execution."""

__all__: list[str] = []
