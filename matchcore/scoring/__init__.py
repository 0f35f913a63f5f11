"""Feature vectors, candidate generation, component scores, weights and explanations."""

__all__: list[str] = []
