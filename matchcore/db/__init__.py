"""PostgreSQL in and out: read seekers, vacancies and outcomes; write each run's results.

Needs the ``db`` extra (``pip install 'matchcore[db]'``: the ADBC PostgreSQL driver and
pyarrow). The connection comes from the environment only: a URI in the variable the caller
names (``MATCHCORE_DB`` by default) or the standard PG* variables; passwords never appear in
messages (:func:`redact`).

Examples
--------
>>> from matchcore import db
>>> db.redact("postgresql://ann:s3cret@db/jobs", environ={})
'postgresql://ann:***@db/jobs'

With a server (``MATCHCORE_DB=postgresql://...`` set)::

    seekers = db.read_table("platform.seekers")
    vacancies = db.read_query("SELECT * FROM platform.postings WHERE open")
    result = mc.match(seekers, vacancies)
    record = db.write_run(result, schema="matchcore")     # one transaction
    yesterday = db.read_run("matchcore")                  # the current run's tables
"""

from matchcore.db._connect import DEFAULT_ENV, connect, connection_uri, describe, redact
from matchcore.db._errors import (
    DatabaseError,
    DbArgumentError,
    DbAuthError,
    DbConnectError,
    DbNotConfigured,
    DbQueryError,
    DbWriteError,
)
from matchcore.db._read import OUTCOMES, quote_table, read_outcomes, read_query, read_table
from matchcore.db._write import (
    RESULT_TABLES,
    RunRecord,
    StoredRun,
    new_run_id,
    read_run,
    write_run,
)

__all__ = [
    "DEFAULT_ENV",
    "OUTCOMES",
    "RESULT_TABLES",
    "DatabaseError",
    "DbArgumentError",
    "DbAuthError",
    "DbConnectError",
    "DbNotConfigured",
    "DbQueryError",
    "DbWriteError",
    "RunRecord",
    "StoredRun",
    "connect",
    "connection_uri",
    "describe",
    "new_run_id",
    "quote_table",
    "read_outcomes",
    "read_query",
    "read_run",
    "read_table",
    "redact",
    "write_run",
]
