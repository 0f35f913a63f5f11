"""``matchcore serve --index DIR``: the HTTP service of a saved Matcher (``serve`` extra).

The command lives with the service (:mod:`matchcore.service._cli`); this module registers it
beside the other commands. FastAPI and uvicorn are imported only when the command runs.
"""

from matchcore.service._cli import HELP, add_arguments, run

__all__ = ["HELP", "add_arguments", "run"]
