"""The command line through the real command: ``python -m matchcore ...`` in a subprocess.

Each test runs the installed entry point's ``main`` as a user would and checks the exit status,
the one-line error (code, file, line or sheet, fix), and that the output folder is whole or absent.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest

import matchcore as mc
from matchcore._io import FORMULA_PREFIXES

EVIL = '=HYPERLINK("http://evil.example","V001")'


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "MATCHCORE_PROGRESS": "0", "PYTHONWARNINGS": "ignore"}
    return subprocess.run(
        [sys.executable, "-m", "matchcore", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=600,
        check=False,
    )


def error_lines(proc: subprocess.CompletedProcess[str]) -> list[str]:
    return [ln for ln in proc.stderr.splitlines() if ": 错误 [MC" in ln]


def assert_one_error(proc: subprocess.CompletedProcess[str], code: str, *words: str) -> str:
    """Exactly one error line, with its code and the given words, and no traceback."""
    lines = error_lines(proc)
    assert len(lines) == 1, proc.stderr
    assert f"[{code} " in lines[0], lines[0]
    for w in words:
        assert w in lines[0], (w, lines[0])
    assert "Traceback" not in proc.stderr
    return lines[0]


def no_leftovers(parent: Path) -> None:
    assert not [p.name for p in parent.iterdir() if ".partial-" in p.name or ".old-" in p.name]


@pytest.fixture(scope="module")
def inputs(tmp_path_factory):
    d = tmp_path_factory.mktemp("inputs")
    s, v = mc.synth.province(300, 60, seed=3)
    # formula cells a spreadsheet would run: an id, a session name and a value that is rejected
    v = v.with_columns(
        pl.when(pl.int_range(pl.len()) == 0)
        .then(pl.lit(EVIL))
        .otherwise("vacancy_id")
        .alias("vacancy_id"),
        pl.lit("=1+1").alias("session"),
    )
    s = s.with_columns(
        pl.when(pl.int_range(pl.len()) == 1)
        .then(pl.lit("@SUM(A1)"))
        .otherwise("education")
        .alias("education"),
        pl.when(pl.int_range(pl.len()) == 0)
        .then(pl.lit(EVIL))
        .otherwise("seeker_id")
        .alias("seeker_id"),
    )
    s.write_csv(d / "s.csv")
    v.write_csv(d / "v.csv")
    s.write_parquet(d / "s.parquet")
    # a config saved by Windows Notepad: UTF-8 with a byte-order mark
    (d / "cfg.json").write_bytes(b"\xef\xbb\xbf" + json.dumps({"top_k": 3}).encode())
    return d


def match_args(inputs: Path, out: Path, *extra: str) -> list[str]:
    return [
        "match",
        "--seekers",
        str(inputs / "s.csv"),
        "--vacancies",
        str(inputs / "v.csv"),
        "--out",
        str(out),
        "--no-progress",
        *extra,
    ]


def test_match_writes_everything_safe_to_open_with_provenance(inputs, tmp_path):
    out = tmp_path / "run"
    proc = run(*match_args(inputs, out, "--config", str(inputs / "cfg.json")))
    assert proc.returncode == 0, proc.stderr
    assert "repeats" not in proc.stderr  # the classification no longer warns on every command
    no_leftovers(tmp_path)
    rec = pl.read_csv(out / "recommendations.csv", infer_schema=False)
    assert int(rec["rank"].cast(int).max()) <= 3  # the BOM config was read
    # no CSV cell anywhere (tables, rejected values, the report) starts a formula
    files = sorted(out.rglob("*.csv"))
    assert {"assignments.csv", "recommendations.csv", "rejected.csv", "sessions.csv"} <= {
        f.name for f in files
    }
    seen_neutralised = set()
    for f in files:
        with f.open(encoding="utf-8-sig", newline="") as fh:
            for row in csv.reader(fh):
                for cell in row:
                    if cell.startswith("'") and cell[1:2] in FORMULA_PREFIXES:
                        seen_neutralised.add(f.name)
                        if cell == "'" + EVIL:
                            seen_neutralised.add("EVIL")
                    if cell[:1] in FORMULA_PREFIXES:
                        try:
                            float(cell)
                        except ValueError:
                            pytest.fail(f"{f.name}: formula cell {cell!r}")
    # (the loop above checks every cell of every file; whether the formula ids land in
    # recommendations.csv depends on the suitability floors, so only these are required)
    assert {"rejected.csv", "sessions.csv", "EVIL"} <= seen_neutralised

    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    prov = summary["provenance"]
    assert prov["matchcore_version"] == mc.__version__
    assert isinstance(prov["coder_model_version"], int)
    assert set(prov["data"]) >= {"classification", "divisions"}
    assert all(len(d["sha256"]) == 64 for d in prov["data"].values())
    assert prov["config"] == mc.MatchConfig(top_k=3).to_dict()
    by_role = {f["role"]: f for f in prov["inputs"]}
    for role, name, rows in (("seekers", "s.csv", 300), ("vacancies", "v.csv", 60)):
        digest = hashlib.sha256((inputs / name).read_bytes()).hexdigest()
        assert by_role[role]["sha256"] == digest
        assert by_role[role]["rows"] == rows
    assert prov["started_at"] <= prov["finished_at"]
    assert summary["seekers_in"] == 300


def test_period_refused_before_any_data_is_read(inputs, tmp_path):
    bad = tmp_path / "damaged.xlsx"
    bad.write_bytes(b"PK\x03\x04 truncated")  # would fail reading (exit 3) if it were read
    out = tmp_path / "run"
    args = match_args(inputs, out, "--period", "2026-Q3")
    args[args.index("--seekers") + 1] = str(bad)
    proc = run(*args)
    assert proc.returncode == 2
    assert_one_error(proc, "MC001", "--period", "2026Q3")
    assert not out.exists()
    no_leftovers(tmp_path)


@pytest.mark.parametrize("workers", ["0", "-1", "two"])
def test_workers_must_be_at_least_one(inputs, tmp_path, workers):
    proc = run(*match_args(inputs, tmp_path / "run", "--workers", workers))
    assert proc.returncode == 2
    assert_one_error(proc, "MC001", "--workers", "不小于 1")
    assert not (tmp_path / "run").exists()


def test_workers_n_means_n():
    from matchcore.cli._common import executor

    pool = executor(3)
    try:
        assert pool is not None
        assert pool._max_workers == 3  # type: ignore[attr-defined]
    finally:
        pool.shutdown()
    one = executor(1)
    assert one is not None
    assert one._max_workers == 1  # type: ignore[attr-defined]
    one.shutdown()
    assert executor(None) is None


def test_bad_config_names_line_and_file(inputs, tmp_path):
    cfg = tmp_path / "cfg.json"
    cfg.write_text('{"top_k": 3,\n  oops}', encoding="utf-8")
    proc = run(*match_args(inputs, tmp_path / "run", "--config", str(cfg)))
    assert proc.returncode == 2
    assert_one_error(proc, "MC301", "cfg.json", "第 2 行")
    unknown = tmp_path / "unknown.json"
    unknown.write_text('{"topk": 3}', encoding="utf-8")
    proc = run(*match_args(inputs, tmp_path / "run", "--config", str(unknown)))
    assert proc.returncode == 2
    assert_one_error(proc, "MC101", "topk", "unknown.json")


def test_existing_output_refused_unless_force(inputs, tmp_path):
    out = tmp_path / "run"
    out.mkdir()
    (out / "old_format.csv").write_text("stale", encoding="utf-8")
    proc = run(*match_args(inputs, out))
    assert proc.returncode == 5
    assert_one_error(proc, "MC401", "--force", str(out))
    assert sorted(p.name for p in out.iterdir()) == ["old_format.csv"]

    # a failing run with --force leaves the old folder as it was
    args = match_args(inputs, out, "--force")
    args[args.index("--vacancies") + 1] = str(tmp_path / "missing.csv")
    assert run(*args).returncode == 3
    assert sorted(p.name for p in out.iterdir()) == ["old_format.csv"]

    proc = run(*match_args(inputs, out, "--force"))
    assert proc.returncode == 0, proc.stderr
    names = {p.name for p in out.iterdir()}
    assert "old_format.csv" not in names
    assert {"assignments.csv", "summary.json", "report"} <= names
    no_leftovers(tmp_path)


def test_output_that_is_a_file(inputs, tmp_path):
    out = tmp_path / "run"
    out.write_text("x", encoding="utf-8")
    proc = run(*match_args(inputs, out))
    assert proc.returncode == 5
    assert_one_error(proc, "MC401", "已有文件")
    assert out.read_text(encoding="utf-8") == "x"


def test_output_folder_that_cannot_be_written_even_by_root(inputs, tmp_path):
    # a path under a regular file cannot be created by anyone, root included
    blocker = tmp_path / "blocker"
    blocker.write_text("x", encoding="utf-8")
    proc = run(*match_args(inputs, blocker / "run"))
    assert proc.returncode == 5
    assert_one_error(proc, "MC401", "--out")


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="needs Linux /proc")
def test_read_only_output_folder_for_root(inputs, tmp_path):
    # /proc/self is an existing folder that nobody can add entries to, root included (CI runs
    # the tests as root, for whom chmod 0o555 does not stop writes)
    proc = run(*match_args(inputs, Path("/proc/self/matchcore-run")))
    assert proc.returncode == 5
    assert_one_error(proc, "MC401", "/proc/self")


@pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() == 0,
    reason="root ignores folder permissions; the /proc test above covers root",
)
def test_read_only_output_folder_by_permissions(inputs, tmp_path):
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o555)
    try:
        proc = run(*match_args(inputs, ro / "run"))
    finally:
        ro.chmod(0o755)
    assert proc.returncode == 5
    assert_one_error(proc, "MC401")


def test_empty_csv_and_header_only(inputs, tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    args = match_args(inputs, tmp_path / "run")
    args[args.index("--seekers") + 1] = str(empty)
    proc = run(*args)
    assert proc.returncode == 3
    assert_one_error(proc, "MC202", "empty.csv", "空文件")
    assert not (tmp_path / "run").exists()

    header = tmp_path / "header.csv"
    header.write_text(
        (inputs / "s.csv").read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8"
    )
    args[args.index("--seekers") + 1] = str(header)
    proc = run(*args)
    assert proc.returncode == 4, proc.stderr
    assert "[MC501" in proc.stderr
    assert "没有数据行" in proc.stderr
    assert (tmp_path / "run" / "summary.json").exists()


def test_every_vacancy_rejected_exits_4(inputs, tmp_path):
    v = pl.read_csv(inputs / "v.csv", infer_schema=False).with_columns(openings=pl.lit("0"))
    v.write_csv(tmp_path / "v0.csv")
    args = match_args(inputs, tmp_path / "run")
    args[args.index("--vacancies") + 1] = str(tmp_path / "v0.csv")
    proc = run(*args)
    assert proc.returncode == 4, proc.stderr
    assert "所有岗位记录都被拒收" in proc.stderr
    assert pl.read_csv(tmp_path / "run" / "assignments.csv").height == 0


@pytest.mark.parametrize(
    ("name", "content", "words"),
    [
        ("trunc.xlsx", "truncated", ("trunc.xlsx", "损坏")),
        ("renamed.xlsx", "csv", ("renamed.xlsx", ".csv")),
        ("badbyte.csv", "badbyte", ("badbyte.csv", "第 3 行")),
        ("dup.csv", "dup", ("dup.csv", "'seeker_id'", "第 1、3 列")),
        ("title.xlsx", "title", ("title.xlsx", "标题行", "--seekers-skip-rows 1")),
    ],
)
def test_unreadable_inputs_name_file_and_place(inputs, tmp_path, name, content, words):
    p = tmp_path / name
    s = pl.read_csv(inputs / "s.csv", infer_schema=False).head(5)
    if content == "truncated":
        s.write_excel(tmp_path / "full.xlsx")
        p.write_bytes((tmp_path / "full.xlsx").read_bytes()[:700])
    elif content == "csv":
        s.write_csv(p)
    elif content == "badbyte":
        lines = (inputs / "s.csv").read_bytes().splitlines(keepends=True)
        p.write_bytes(b"".join([lines[0], lines[1], lines[2][:5] + b"\xff" + lines[2][5:]]))
    elif content == "dup":
        s.select("seeker_id", "region", pl.col("seeker_id").alias("x")).write_csv(p)
        p.write_text(p.read_text(encoding="utf-8").replace(",x", ",seeker_id", 1), "utf-8")
    else:
        import xlsxwriter

        with xlsxwriter.Workbook(p) as wb:
            ws = wb.add_worksheet("求职登记")
            ws.write_row(0, 0, ["2026年第三季度求职登记表"])
            for i, row in enumerate([s.columns, *s.rows()]):
                ws.write_row(i + 1, 0, ["" if c is None else c for c in row])
    args = match_args(inputs, tmp_path / "run")
    args[args.index("--seekers") + 1] = str(p)
    proc = run(*args)
    assert proc.returncode == 3, proc.stderr
    assert_one_error(proc, "MC202", *words)
    assert not (tmp_path / "run").exists()
    no_leftovers(tmp_path)
    if content == "title":  # the option the message names works, and so does --seekers-sheet
        proc = run(*args, "--seekers-skip-rows", "1", "--seekers-sheet", "求职登记")
        assert proc.returncode in (0, 4), proc.stderr
        summary = json.loads((tmp_path / "run" / "summary.json").read_text(encoding="utf-8"))
        assert summary["seekers_in"] == 5
        assert summary["provenance"]["inputs"][0]["sheet"] == "求职登记"
        proc = run(*args, "--seekers-sheet", "无此表", "--force")
        assert proc.returncode == 3
        assert_one_error(proc, "MC202", "无此表", "求职登记", "--seekers-sheet")
        assert (tmp_path / "run" / "summary.json").exists()  # the earlier result is kept


def test_missing_column_names_the_file_and_the_fix(inputs, tmp_path):
    s = pl.read_csv(inputs / "s.csv", infer_schema=False).drop("region")
    s.write_csv(tmp_path / "s.csv")
    args = match_args(inputs, tmp_path / "run")
    args[args.index("--seekers") + 1] = str(tmp_path / "s.csv")
    proc = run(*args)
    assert proc.returncode == 3
    assert_one_error(proc, "MC201", "region", "s.csv", "--seekers-skip-rows")


def test_debug_shows_the_traceback(inputs, tmp_path):
    args = match_args(inputs, tmp_path / "run", "--debug")
    args[args.index("--seekers") + 1] = str(tmp_path / "missing.csv")
    proc = run(*args)
    assert proc.returncode != 0
    assert "Traceback" in proc.stderr
    assert "UnsupportedFile" in proc.stderr


def test_xlsx_output_keeps_formulas_as_text(inputs, tmp_path):
    out = tmp_path / "run"
    proc = run(*match_args(inputs, out, "--format", "xlsx"))
    assert proc.returncode == 0, proc.stderr
    rec = pl.read_excel(out / "recommendations.xlsx")
    left = pl.read_excel(out / "unmatched.xlsx")
    ids = [*rec["seeker_id"], *rec["vacancy_id"], *left["seeker_id"]]
    assert EVIL in ids  # a string cell, not a formula (the seeker is matched or unmatched)
    import zipfile

    for book in ("recommendations.xlsx", "unmatched.xlsx"):
        with zipfile.ZipFile(out / book) as z:
            sheets = [n for n in z.namelist() if n.startswith("xl/worksheets/sheet")]
            assert not any(b"<f>" in z.read(n) for n in sheets)
    assert json.loads((out / "report" / "provenance.json").read_text(encoding="utf-8"))["inputs"]


def test_report_xlsx_keeps_formulas_as_text(inputs, tmp_path):
    import zipfile

    out = tmp_path / "run"
    assert run(*match_args(inputs, out, "--format", "xlsx")).returncode == 0
    (book,) = (out / "report").glob("*.xlsx")
    with zipfile.ZipFile(book) as z:
        sheets = [n for n in z.namelist() if n.startswith("xl/worksheets/sheet")]
        assert not any(b"<f>" in z.read(n) for n in sheets)


def test_demo_and_help(tmp_path):
    proc = run("demo", "--seekers", "300", "--vacancies", "60", "--out", "d", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "fill rate" in proc.stdout
    assert "repeats" not in proc.stderr
    assert (tmp_path / "d" / "summary.json").exists()
    proc = run("--help")
    assert proc.returncode == 0
    for code in ("0  success", "2  usage error", "3  an input file", "4  finished, but no match"):
        assert code in proc.stdout
    proc = run()
    assert proc.returncode == 2


@pytest.mark.parametrize(
    ("query", "status", "text"),
    [
        ("6-31-01-03", 0, "电工"),
        ("电工", 0, "6-31-01-03"),
        ("xyz", 4, "没有找到"),
        ("9-99-99-99", 4, "没有代码"),
        ("", 2, "查询为空"),
        ("  ", 2, "查询为空"),
    ],
)
def test_occupation(query, status, text):
    proc = run("occupation", query)
    assert proc.returncode == status, proc.stderr
    assert text in proc.stdout + proc.stderr
    if status == 4:
        assert "(0," not in proc.stdout  # no score-0 noise


def test_code_titles_refuses_to_overwrite_and_reads_title_rows(tmp_path):
    src = tmp_path / "t.csv"
    src.write_text("2026年岗位名称\njob,id\n汽修学徒工,1\n保安,2\n", encoding="utf-8")
    proc = run("code-titles", str(src), "--column", "job", "--no-progress")
    assert proc.returncode == 3
    assert_one_error(proc, "MC202", "t.csv", "标题行", "--skip-rows 1")
    assert not (tmp_path / "t_coded.csv").exists()
    args = ["code-titles", str(src), "--column", "job", "--skip-rows", "1", "--no-progress"]
    proc = run(*args)
    assert proc.returncode == 0, proc.stderr
    got = pl.read_csv(tmp_path / "t_coded.csv")
    assert got["code"].to_list() == ["4-12-01-01", "4-07-05-01"]
    proc = run(*args)
    assert proc.returncode == 5
    assert_one_error(proc, "MC401", "t_coded.csv", "--force")
    assert run(*args, "--force").returncode == 0
    no_leftovers(tmp_path)


def test_code_titles_header_only_exits_4(tmp_path):
    src = tmp_path / "h.csv"
    src.write_text("job,id\n", encoding="utf-8")
    proc = run("code-titles", str(src), "--column", "job", "--no-progress")
    assert proc.returncode == 4, proc.stderr
    assert "[MC501" in proc.stderr
    assert pl.read_csv(tmp_path / "h_coded.csv").height == 0


def test_unused_columns_are_named_on_the_command_line(tmp_path):
    s, v = mc.synth.province(60, 20, seed=5)
    s = s.rename({"birth_year": "birthday_of_person"})
    s.write_csv(tmp_path / "s.csv")
    v.write_csv(tmp_path / "v.csv")
    proc = run(
        "match",
        "--seekers",
        str(tmp_path / "s.csv"),
        "--vacancies",
        str(tmp_path / "v.csv"),
        "--out",
        str(tmp_path / "o"),
        "--no-progress",
    )
    assert proc.returncode in (0, 4), proc.stderr
    assert "[unused_column]" in proc.stderr and "birthday_of_person" in proc.stderr
