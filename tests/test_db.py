"""matchcore.db against a real PostgreSQL server (started by the ``pg`` fixture), and its pure parts.

Where no server can start the server tests skip with the reason; with MATCHCORE_REQUIRE_DB=1
(.ci/run sets it) they fail instead.
"""

from __future__ import annotations

import datetime as dt
import decimal
import json
import os
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

import matchcore as mc
from matchcore import db
from tests._pgserver import PASSWORD, PgServer, ServerUnavailable

PG_VARS = ("PGHOST", "PGHOSTADDR", "PGPORT", "PGUSER", "PGPASSWORD", "PGDATABASE", "PGSERVICE")


# ------------------------------------------------------------------------------------------
# fixtures


@pytest.fixture(scope="module")
def pg():
    """A PostgreSQL server for this module: initdb in a temporary folder, stopped at the end."""
    require = os.environ.get("MATCHCORE_REQUIRE_DB") == "1"
    try:
        import adbc_driver_postgresql.dbapi  # noqa: F401
    except ImportError as exc:
        msg = f"the db extra is not installed ({exc}): pip install 'matchcore[db]'"
        if require:
            pytest.fail(f"MATCHCORE_REQUIRE_DB=1 but {msg}")
        pytest.skip(msg)
    server = PgServer()
    try:
        server.start()
    except ServerUnavailable as exc:
        server.stop()
        if require:
            pytest.fail(f"MATCHCORE_REQUIRE_DB=1 but no PostgreSQL server could start: {exc}")
        pytest.skip(f"no PostgreSQL server could start: {exc}")
    yield server
    server.stop()


@pytest.fixture
def env(pg, monkeypatch):
    """MATCHCORE_DB pointing at the test server; no PG* variables."""
    for var in PG_VARS:
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("MATCHCORE_DB", pg.uri())
    return pg


@pytest.fixture(scope="module")
def province():
    return mc.synth.province(300, 60, seed=3)


@pytest.fixture(scope="module")
def result(province):
    return mc.match(*province, progress=False)


@pytest.fixture(scope="module")
def other_result():
    return mc.match(*mc.synth.province(200, 40, seed=4), progress=False)


def _sql(sql: str, parameters=None):
    with db.connect() as conn, conn.cursor() as cur:
        cur.execute(sql, parameters=parameters)
        rows = cur.fetchall() if cur.description else None
        conn.commit()
    return rows


def _load(name: str, df: pl.DataFrame) -> None:
    """A table as the platform would hold it (created by COPY from the frame's types)."""
    with db.connect() as conn, conn.cursor() as cur:
        cur.adbc_ingest(name, df.to_arrow(), mode="replace")
        conn.commit()


def _run_rows(schema: str, run_id: str) -> dict[str, pl.DataFrame]:
    out = {
        name: db.read_query(
            f'SELECT * FROM "{schema}"."{name}" WHERE run_id = $1 ORDER BY run_row',
            parameters=(run_id,),
        )
        for name in db.RESULT_TABLES
    }
    out["runs"] = db.read_query(
        f'SELECT * FROM "{schema}".runs WHERE run_id = $1', parameters=(run_id,)
    )
    return out


# ------------------------------------------------------------------------------------------
# without a server


def test_exported_names_resolve_and_are_documented():
    assert sorted(db.__all__) == sorted(set(db.__all__))
    for attr in db.__all__:
        obj = getattr(db, attr)
        if callable(obj) or isinstance(obj, type):
            assert (obj.__doc__ or "").strip(), f"matchcore.db.{attr} has no docstring"


def test_redact_uri_and_key_value():
    assert (
        db.redact("x postgresql://u:p%40ss@h:1/d y", environ={}) == "x postgresql://u:***@h:1/d y"
    )
    assert db.redact("postgres://u:pw@h/d", environ={}) == "postgres://u:***@h/d"
    assert db.redact("host=h password=abc user=u", environ={}) == "host=h password=*** user=u"
    assert db.redact("postgresql://h/d?user=u&password=abc&x=1", environ={}) == (
        "postgresql://h/d?user=u&password=***&x=1"
    )
    # the literal password of the URI used, and PGPASSWORD, wherever they appear
    assert db.redact("echo hunter22", "postgresql://u:hunter22@h/d", environ={}) == "echo ***"
    assert db.redact("echo hunter22", environ={"PGPASSWORD": "hunter22"}) == "echo ***"


@settings(max_examples=200, deadline=None)
@given(
    pw=st.text(
        alphabet=st.characters(blacklist_characters="@*/", blacklist_categories=("Cs", "Z", "Cc")),
        min_size=1,
        max_size=30,
    ),
    before=st.text(max_size=20),
)
def test_redact_never_leaves_a_uri_password(pw, before):
    uri = f"postgresql://ann:{pw}@db.example:5432/jobs"
    out = db.redact(f"{before} failed for {uri}", uri, environ={})
    assert f":{pw}@" not in out
    if len(pw) >= 3:
        assert pw not in out


def test_connection_uri_from_environment_only():
    assert db.connection_uri("X", environ={"X": " postgresql://a@h/d "}) == "postgresql://a@h/d"
    assert db.connection_uri("X", environ={"PGHOST": "h"}) == "postgresql://"
    with pytest.raises(db.DbNotConfigured, match=r"^\[DB_NOT_CONFIGURED\] 未找到数据库连接.*X"):
        db.connection_uri("X", environ={"PGPASSWORD": "only-a-password"})


def test_describe_hides_the_password_and_uri_options():
    assert db.describe("postgresql://a:pw1@h:5/d?password=pw1", environ={}) == (
        "postgresql://a:***@h:5/d"
    )
    shown = db.describe("postgresql://", environ={"PGHOST": "h", "PGPASSWORD": "pw123"})
    assert "pw123" not in shown and "PGHOST=h" in shown


def test_quote_table():
    assert db.quote_table("a.b") == '"a"."b"'
    assert db.quote_table('x"; DROP TABLE y; --') == '"x""; DROP TABLE y; --"'
    with pytest.raises(db.DbQueryError, match=r"表名 'a\.b\.c' 无效"):
        db.quote_table("a.b.c")


def test_numeric_conversion_scale_nan_and_nulls():
    import pyarrow as pa

    from matchcore.db._read import _numeric

    s = _numeric(pa.chunked_array([["3.50", None, "-12.25"]]), (10 << 16 | 2) + 4)
    assert s.dtype == pl.Decimal(38, 2)
    assert s.to_list() == [decimal.Decimal("3.50"), None, decimal.Decimal("-12.25")]
    free = _numeric(pa.chunked_array([["7", "0.125", None]]), -1)
    assert free.dtype == pl.Decimal(38, 3)
    assert free.to_list() == [decimal.Decimal("7.000"), decimal.Decimal("0.125"), None]
    # NaN cannot be a Decimal: Float64, and the NaN is kept rather than turned into a null
    nan = _numeric(pa.chunked_array([["1.5", "NaN", None]]), -1)
    assert nan.dtype == pl.Float64 and nan.is_nan().to_list() == [False, True, None]


def _parse(argv):
    from matchcore.cli import build_parser

    return build_parser().parse_args(["match", *argv])


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--seekers", "s.csv", "--out", "o"], "vacancies 输入须且仅须给出一个来源"),
        (
            ["--seekers", "s.csv", "--seekers-table", "t", "--vacancies", "v.csv", "--out", "o"],
            "seekers 输入须且仅须给出一个来源",
        ),
        (["--seekers", "s.csv", "--vacancies", "v.csv"], "须给出输出位置"),
        (["--seekers", "s", "--vacancies", "v", "--out", "o", "--run-id", "r"], "--run-id 只能"),
    ],
)
def test_cli_db_options_that_do_not_fit(argv, message):
    from matchcore.db._cli import check_args

    with pytest.raises(db.DbArgumentError, match=message):
        check_args(_parse(argv))


def test_cli_db_env_must_be_a_name_and_is_never_echoed(capsys):
    from matchcore.cli import main

    uri = f"postgresql://ann:{PASSWORD}@127.0.0.1:1/x"
    argv = ["match", "--db-env", uri, "--seekers-table", "s", "--vacancies-table", "v"]
    assert main([*argv, "--write-schema", "m", "--no-progress"]) == 2
    err = capsys.readouterr().err
    assert "[DB_ARGS 数据库选项用法错误] --db-env 应为环境变量的名字" in err
    assert PASSWORD not in err and len(err.strip().splitlines()) == 1


def test_not_configured_is_one_clear_line(monkeypatch, capsys):
    from matchcore.cli import main

    for var in PG_VARS:
        monkeypatch.delenv(var, raising=False)
    monkeypatch.delenv("NOT_SET_DB", raising=False)
    argv = ["match", "--db-env", "NOT_SET_DB", "--seekers-table", "s", "--vacancies-table", "v"]
    assert main([*argv, "--write-schema", "m", "--no-progress"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith(
        "matchcore match: 错误 [DB_NOT_CONFIGURED 未配置数据库连接] 未找到数据库连接"
    )
    assert "NOT_SET_DB" in err and len(err.splitlines()) == 1


# ------------------------------------------------------------------------------------------
# against the server


def test_typed_columns_and_nulls_come_in(env):
    _sql("DROP TABLE IF EXISTS typed")
    _sql(
        "CREATE TABLE typed (seeker_id TEXT, born DATE, willing BOOLEAN, years INTEGER, "
        "big BIGINT, pay NUMERIC(10, 2), ratio NUMERIC, note TEXT, seen TIMESTAMPTZ, "
        "score DOUBLE PRECISION)"
    )
    _sql(
        "INSERT INTO typed VALUES ('s1', '1990-02-28', true, 7, 9000000000, 4500.50, 0.125, "
        "'电工，持证', '2026-07-01 08:00+08', 0.5), "
        "('s2', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL), "
        "('0370', '2000-01-01', false, 0, -1, -0.01, 12, '', '2026-01-01 00:00Z', -1.5)"
    )
    df = db.read_query("SELECT * FROM typed ORDER BY seeker_id")
    assert dict(df.schema) == {
        "seeker_id": pl.String,
        "born": pl.Date,
        "willing": pl.Boolean,
        "years": pl.Int32,
        "big": pl.Int64,
        "pay": pl.Decimal(38, 2),
        "ratio": pl.Decimal(38, 3),
        "note": pl.String,
        "seen": pl.Datetime("us", "UTC"),
        "score": pl.Float64,
    }
    rows = df.rows(named=True)
    assert [r["seeker_id"] for r in rows] == ["0370", "s1", "s2"]  # leading zeros kept
    s1 = rows[1]
    assert s1["born"] == dt.date(1990, 2, 28) and s1["willing"] is True and s1["years"] == 7
    assert s1["big"] == 9_000_000_000 and s1["pay"] == decimal.Decimal("4500.50")
    assert s1["ratio"] == decimal.Decimal("0.125") and s1["note"] == "电工，持证"
    assert s1["seen"] == dt.datetime(2026, 7, 1, 0, 0, tzinfo=dt.UTC)
    assert all(v is None for k, v in rows[2].items() if k != "seeker_id")  # NULLs stay null
    assert rows[0]["note"] == "" and rows[0]["willing"] is False and rows[0]["years"] == 0
    assert_frame_equal(
        db.read_table("public.typed", columns=["years"]), df.select("years"), check_row_order=False
    )


def test_typed_inputs_match_as_the_frames_do(env, province, result):
    """Typed tables (BIGINT, DOUBLE PRECISION, TEXT) in the database give the same result."""
    seekers, vacancies = province
    _load("typed_seekers", seekers)
    _load("typed_vacancies", vacancies)
    s = db.read_table("typed_seekers")
    v = db.read_table("typed_vacancies")
    assert_frame_equal(s, seekers)
    assert_frame_equal(v, vacancies)
    again = mc.match(s, v, progress=False)
    for name in db.RESULT_TABLES:
        assert_frame_equal(getattr(again, name), getattr(result, name))


def test_write_then_read_back_equals_the_result(env, result):
    rec = db.write_run(result, schema="rt", run_id="day1", sources={"seekers": {"table": "s"}})
    assert rec.rows == {n: getattr(result, n).height for n in db.RESULT_TABLES}
    back = db.read_run("rt")
    assert back.run_id == "day1"
    for name in db.RESULT_TABLES:
        assert_frame_equal(back.tables[name], getattr(result, name))
    prov = back.provenance
    assert prov["status"] == "complete" and prov["package_version"] == mc.__version__
    assert prov["input_counts"] == {"seekers": 300, "vacancies": 60}
    assert prov["config"] == json.loads(json.dumps(result.config.to_dict()))
    assert prov["sources"] == {"seekers": {"table": "s"}}
    assert prov["started_at"] <= prov["finished_at"] <= prov["written_at"]
    assert prov["row_counts"]["assignments"] == result.assignments.height
    # the current views hold this run
    n = db.read_query("SELECT count(*) AS n FROM rt.current_assignments")["n"][0]
    assert n == result.assignments.height


def test_second_run_leaves_the_first_alone_and_rerun_replaces_only_itself(
    env, result, other_result
):
    db.write_run(result, schema="two", run_id="a")
    first = _run_rows("two", "a")
    db.write_run(other_result, schema="two", run_id="b")
    assert _sql("SELECT run_id FROM two.current_run") == [("b",)]
    db.write_run(result, schema="two", run_id="b")  # b again, with other data: replaces b only
    for name, df in _run_rows("two", "a").items():
        assert_frame_equal(df, first[name])
    b = db.read_run("two", "b")
    for name in db.RESULT_TABLES:
        assert_frame_equal(b.tables[name], getattr(result, name))
    counts = dict(_sql("SELECT run_id, count(*) FROM two.assignments GROUP BY run_id"))
    assert counts == {"a": result.assignments.height, "b": result.assignments.height}
    assert _sql("SELECT count(*) FROM two.runs") == [(2,)]


def test_failure_in_the_middle_of_a_write_leaves_no_partial_run(env, result, other_result):
    db.write_run(result, schema="fail", run_id="a")
    before = _run_rows("fail", "a")
    # the server refuses the third table's rows of runs b and a: a failure mid-transaction
    _sql(
        "CREATE FUNCTION fail.refuse() RETURNS trigger AS $$ BEGIN "
        "RAISE EXCEPTION 'injected failure'; END $$ LANGUAGE plpgsql"
    )
    _sql(
        "CREATE TRIGGER refuse BEFORE INSERT ON fail.unmatched FOR EACH ROW "
        "WHEN (NEW.run_id IN ('a', 'b')) EXECUTE FUNCTION fail.refuse()"
    )
    with pytest.raises(db.DbWriteError, match=r"^\[DB_WRITE\] 写入运行 b 失败，已回滚.*injected"):
        db.write_run(other_result, schema="fail", run_id="b")
    # replacing run a fails too: a's old rows are all still there
    with pytest.raises(db.DbWriteError, match="写入运行 a 失败"):
        db.write_run(other_result, schema="fail", run_id="a")
    for name in db.RESULT_TABLES:
        assert _sql(f"SELECT count(*) FROM fail.{name} WHERE run_id = 'b'") == [(0,)]
    assert _sql("SELECT run_id FROM fail.runs") == [("a",)]
    assert _sql("SELECT run_id FROM fail.current_run") == [("a",)]
    for name, df in _run_rows("fail", "a").items():
        assert_frame_equal(df, before[name])
    n = db.read_query("SELECT count(*) AS n FROM fail.current_recommendations")["n"][0]
    assert n == result.recommendations.height


def test_failure_in_the_first_write_leaves_nothing(env, result, monkeypatch):
    from matchcore.db import _write

    real = _write._ingest

    def flaky(cur, qs, schema, name, df, run_id):
        if name == "rejected":  # after recommendations, assignments and unmatched went in
            raise RuntimeError("injected failure after three tables")
        return real(cur, qs, schema, name, df, run_id)

    monkeypatch.setattr(_write, "_ingest", flaky)
    with pytest.raises(db.DbWriteError, match="injected failure after three tables"):
        db.write_run(result, schema="fresh", run_id="x")
    # not even the schema: it was created in the same transaction
    assert _sql("SELECT count(*) FROM pg_namespace WHERE nspname = 'fresh'") == [(0,)]


def test_wrong_credentials_give_one_line_without_the_password(pg, monkeypatch, capsys):
    from matchcore.cli import main

    for var in PG_VARS:
        monkeypatch.delenv(var, raising=False)
    wrong = "Wr0ng-Passw0rd"
    monkeypatch.setenv("BAD_DB", pg.uri(password=wrong))
    with pytest.raises(db.DbAuthError) as info:
        db.connect("BAD_DB")
    msg = str(info.value)
    assert msg.startswith("[DB_AUTH] 数据库拒绝登录：用户名或密码错误")
    assert wrong not in msg and "***" in msg and "\n" not in msg
    assert info.value.__cause__ is None and info.value.__context__ is None

    argv = ["match", "--db-env", "BAD_DB", "--seekers-table", "s", "--vacancies-table", "v"]
    assert main(["-vv", *argv, "--write-schema", "m", "--no-progress"]) == 3  # unreadable input
    out, err = capsys.readouterr()
    lines = err.strip().splitlines()
    assert lines[-1].startswith("matchcore match: 错误 [DB_AUTH 数据库拒绝登录] 数据库拒绝登录")
    assert wrong not in out + err

    # the same through the PG* variables
    monkeypatch.delenv("BAD_DB")
    monkeypatch.setenv("PGHOST", "127.0.0.1")
    monkeypatch.setenv("PGPORT", str(pg.port))
    monkeypatch.setenv("PGUSER", "mc_admin")
    monkeypatch.setenv("PGPASSWORD", wrong)
    monkeypatch.setenv("PGDATABASE", "matchcore_test")
    with pytest.raises(db.DbAuthError) as info:
        db.connect("BAD_DB")
    assert wrong not in str(info.value) and "PGHOST=127.0.0.1" in str(info.value)


def test_connect_with_pg_variables(pg, monkeypatch):
    monkeypatch.delenv("MATCHCORE_DB", raising=False)
    monkeypatch.setenv("PGHOST", "127.0.0.1")
    monkeypatch.setenv("PGPORT", str(pg.port))
    monkeypatch.setenv("PGUSER", "mc_admin")
    monkeypatch.setenv("PGPASSWORD", PASSWORD)
    monkeypatch.setenv("PGDATABASE", "matchcore_test")
    assert db.read_query("SELECT current_database() AS d")["d"][0] == "matchcore_test"


def test_unreachable_server_is_one_line(monkeypatch):
    monkeypatch.setenv("GONE_DB", f"postgresql://ann:{PASSWORD}@127.0.0.1:1/x")
    with pytest.raises(db.DbConnectError, match=r"^\[DB_CONNECT\] 无法连接数据库") as info:
        db.connect("GONE_DB")
    assert PASSWORD not in str(info.value) and "\n" not in str(info.value)


def test_bad_query_names_the_server_reason(env):
    with pytest.raises(db.DbQueryError, match=r'^\[DB_QUERY\] 读取数据库失败.*"no_such_table"'):
        db.read_table("no_such_table")


def test_read_outcomes(env):
    _sql("DROP TABLE IF EXISTS outcomes")
    _sql("CREATE TABLE outcomes (seeker_id TEXT, vacancy_id TEXT, outcome TEXT, date DATE)")
    _sql(
        "INSERT INTO outcomes VALUES ('s2', 'v1', 'hired', '2026-07-02'), "
        "('s1', 'v1', 'Declined ', '2026-07-01'), ('s1', 'v2', 'no_show', '2026-07-02')"
    )
    out = db.read_outcomes("outcomes")
    assert out.rows() == [
        ("s1", "v1", "declined", dt.date(2026, 7, 1)),
        ("s1", "v2", "no_show", dt.date(2026, 7, 2)),
        ("s2", "v1", "hired", dt.date(2026, 7, 2)),
    ]
    q = db.read_outcomes("SELECT * FROM outcomes WHERE outcome = 'hired'")
    assert q.height == 1
    _sql("INSERT INTO outcomes VALUES ('s3', 'v9', 'maybe', '2026-07-03')")
    with pytest.raises(db.DbQueryError, match=r"1 行的 outcome 无法识别（第 3 行 s3/v9: 'maybe'）"):
        db.read_outcomes("outcomes")
    q = "SELECT seeker_id, vacancy_id, outcome, '2026-13-01'::text AS date FROM outcomes"
    with pytest.raises(db.DbQueryError, match=r"4 行的 date 无法读成日期（第 0 行 s2/v1"):
        db.read_outcomes(q)
    with pytest.raises(db.DbQueryError, match=r"缺少列 \['date'\]"):
        db.read_outcomes("SELECT seeker_id, vacancy_id, outcome FROM outcomes")


def test_cli_database_round_trip_equals_the_file_path(env, tmp_path, capsys, caplog):
    """Same data from files and from tables: the run written to the database equals the files."""
    from matchcore.cli import main

    caplog.set_level("DEBUG")

    seekers, vacancies = mc.synth.province(240, 50, seed=5)
    seekers.write_csv(tmp_path / "s.csv")
    vacancies.write_csv(tmp_path / "v.csv")
    files = ["--seekers", str(tmp_path / "s.csv"), "--vacancies", str(tmp_path / "v.csv")]
    base = ["match", "--no-progress", "--format", "parquet"]
    assert main([*base, *files, "--out", str(tmp_path / "files")]) == 0
    # the platform's tables: every column TEXT, as the CSV export is
    _load("cli_seekers", pl.read_csv(tmp_path / "s.csv", infer_schema=False))
    _load("cli_vacancies", pl.read_csv(tmp_path / "v.csv", infer_schema=False))
    capsys.readouterr()
    argv = [
        *base,
        "--db-env", "MATCHCORE_DB",
        "--seekers-query", "SELECT * FROM cli_seekers",
        "--vacancies-table", "public.cli_vacancies",
        "--write-schema", "cli",
        "--run-id", "2026-07-01",
        "--out", str(tmp_path / "db"),
    ]  # fmt: skip
    assert main(argv) == 0
    out, err = capsys.readouterr()
    assert "wrote run 2026-07-01 to schema cli at postgresql://mc_admin:***@" in out
    back = db.read_run("cli", "2026-07-01")
    for name in db.RESULT_TABLES:
        from_files = pl.read_parquet(tmp_path / "files" / f"{name}.parquet")
        assert_frame_equal(back.tables[name], from_files)
        assert_frame_equal(pl.read_parquet(tmp_path / "db" / f"{name}.parquet"), from_files)
    assert back.provenance["sources"] == {
        "seekers": {"query": "SELECT * FROM cli_seekers"},
        "vacancies": {"table": "public.cli_vacancies"},
    }
    started = back.provenance["started_at"]
    assert started <= back.provenance["finished_at"]
    # the password is nowhere: not in what was printed, summary.json, or the runs row
    summary = (tmp_path / "db" / "summary.json").read_text(encoding="utf-8")
    assert PASSWORD not in out + err + summary + caplog.text
    assert "wrote run 2026-07-01 to schema cli" in caplog.text  # the log was on
    stored = _sql("SELECT row_to_json(r)::text FROM cli.runs r")
    assert PASSWORD not in str(stored)
    # written without --out: the summary is printed, no folder needed
    assert main([*argv[: argv.index("--out")], "--run-id", "2026-07-02"]) == 0
    assert _sql("SELECT run_id FROM cli.current_run") == [("2026-07-02",)]


def test_files_path_unchanged_without_the_db_extra_options(tmp_path):
    from matchcore.cli import main

    s, v = mc.synth.province(60, 12, seed=1)
    s.write_csv(tmp_path / "s.csv")
    v.write_csv(tmp_path / "v.csv")
    argv = ["match", "--seekers", str(tmp_path / "s.csv"), "--vacancies", str(tmp_path / "v.csv")]
    assert main([*argv, "--out", str(tmp_path / "o"), "--no-progress"]) == 0
    assert Path(tmp_path / "o" / "assignments.csv").is_file()


def test_a_reader_sees_all_of_a_run_or_none(env, result, other_result):
    """A reader during a write sees none of the new run and the old marker; after it, all."""
    import threading
    import time

    db.write_run(result, schema="iso", run_id="a")
    _sql(
        "CREATE FUNCTION iso.hold() RETURNS trigger AS $$ BEGIN "
        "PERFORM pg_advisory_xact_lock(4217); RETURN NULL; END $$ LANGUAGE plpgsql"
    )
    # the last table of a run waits for the test's lock: every other table is in by then
    _sql(
        "CREATE TRIGGER hold BEFORE INSERT ON iso.audit FOR EACH STATEMENT "
        "EXECUTE FUNCTION iso.hold()"
    )
    errors: list[BaseException] = []
    with db.connect(autocommit=True) as gate, gate.cursor() as cur:
        cur.execute("SELECT pg_advisory_lock(4217)")
        cur.fetchall()

        def write():
            try:
                db.write_run(other_result, schema="iso", run_id="b")
            except BaseException as exc:
                errors.append(exc)

        writer = threading.Thread(target=write)
        writer.start()
        for _ in range(1200):  # until the writer waits on the lock (not a time limit on speed)
            cur.execute("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted")
            if cur.fetchone()[0]:
                break
            time.sleep(0.05)
        else:
            pytest.fail(f"the writer never reached the last table: {errors}")
        cur.execute("SELECT count(*) FROM iso.recommendations WHERE run_id = 'b'")
        assert cur.fetchone()[0] == 0  # in the writer's transaction, not yet visible
        cur.execute("SELECT run_id FROM iso.current_run")
        assert cur.fetchone()[0] == "a"
        cur.execute("SELECT count(*) FROM iso.runs")
        assert cur.fetchone()[0] == 1
        cur.execute("SELECT pg_advisory_unlock(4217)")
        cur.fetchall()
        writer.join()
    assert not errors
    assert _sql("SELECT run_id FROM iso.current_run") == [("b",)]
    counts = dict(_sql("SELECT run_id, count(*) FROM iso.recommendations GROUP BY run_id"))
    assert counts == {"a": result.recommendations.height, "b": other_result.recommendations.height}


def test_a_column_added_in_a_later_version_is_added_to_the_table(env, result):
    """An older run without a column, then a run with it: added, the old run reads back as it was."""
    import dataclasses

    older = dataclasses.replace(
        result,
        recommendations=result.recommendations.drop("priority"),
        unmatched=result.unmatched.with_columns(pl.col("row").cast(pl.Int32)),  # a type changed
    )
    db.write_run(older, schema="evolve", run_id="old")
    db.write_run(result, schema="evolve", run_id="new")
    cols = _sql(
        "SELECT column_name FROM information_schema.columns WHERE table_schema = 'evolve' "
        "AND table_name = 'recommendations' ORDER BY ordinal_position"
    )
    assert [c for (c,) in cols][-1] == "priority"  # appended after run_row
    old, new = db.read_run("evolve", "old"), db.read_run("evolve", "new")
    for name in db.RESULT_TABLES:
        assert_frame_equal(old.tables[name], getattr(older, name))
        assert_frame_equal(new.tables[name], getattr(result, name))


def test_two_writers_at_once_on_a_new_schema_both_land(env, result, other_result):
    """Writers of one schema take turns (advisory lock): neither trips on the other's CREATE."""
    import threading

    errors: list[BaseException] = []

    def write(res, run_id):
        try:
            db.write_run(res, schema="race", run_id=run_id)
        except BaseException as exc:
            errors.append(exc)

    threads = [
        threading.Thread(target=write, args=(res, rid))
        for res, rid in ((result, "x"), (other_result, "y"))
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    counts = dict(_sql("SELECT run_id, count(*) FROM race.assignments GROUP BY run_id"))
    assert counts == {"x": result.assignments.height, "y": other_result.assignments.height}
    assert _sql("SELECT run_id FROM race.current_run")[0][0] in ("x", "y")
