"""Text cleaning, field parsers, record validation helpers and the title coder."""

__all__: list[str] = []
