import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matchcore._io import (
    FORMULA_PREFIXES,
    UnsupportedFile,
    neutralize_formulas,
    read_table,
    write_table,
)

FRAME = pl.DataFrame(
    {
        "vacancy_id": ["v001", "v002"],
        "title": ["新能源电工+五险一金", "汽修學徒工"],
        "region": ["0370102", None],
        "tags": [["a", "b"], []],
    }
)


@pytest.mark.parametrize("suffix", [".csv", ".parquet", ".xlsx"])
def test_round_trip_keeps_chinese_and_leading_zeros(tmp_path, suffix):
    path = write_table(FRAME, tmp_path / f"t{suffix}")
    back = read_table(path)
    assert back["title"].to_list() == FRAME["title"].to_list()
    assert back["vacancy_id"].to_list() == ["v001", "v002"]
    assert back["region"][0] == "0370102"


@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "utf-8", "utf-8-sig"])
def test_csv_encodings(tmp_path, encoding):
    p = tmp_path / "s.csv"
    p.write_bytes("seeker_id,desired_title\ns1,电工\ns2,汽修学徒工\n".encode(encoding))
    assert read_table(p)["desired_title"].to_list() == ["电工", "汽修学徒工"]


def test_errors_name_the_path(tmp_path):
    with pytest.raises(UnsupportedFile, match=r"no such file: '.*missing\.csv'"):
        read_table(tmp_path / "missing.csv")
    with pytest.raises(UnsupportedFile, match=r"expected a file ending in \.csv"):
        read_table(tmp_path / "x.pkl")
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"\xff\xfe\x00\x81\x30")
    with pytest.raises(ValueError, match="cannot read encoding"):
        read_table(bad)


def test_csv_formula_cells_are_neutralised(tmp_path):
    df = pl.DataFrame(
        {
            "id": [
                '=HYPERLINK("http://evil.example","V001")',
                "+1",
                "-x",
                "@A1",
                "\tx",
                "\rx",
                "ok",
            ],
            "n": [1, -2, 3, 4, 5, 6, 7],
        }
    )
    back = pl.read_csv(write_table(df, tmp_path / "t.csv"), infer_schema=False)
    assert back["id"].to_list() == [
        '\'=HYPERLINK("http://evil.example","V001")',
        "'+1",
        "'-x",
        "'@A1",
        "'\tx",
        "'\rx",
        "ok",
    ]
    assert back["n"].to_list() == ["1", "-2", "3", "4", "5", "6", "7"]  # numbers stay numbers
    assert df["id"][0].startswith("=")  # the input frame is not changed


@settings(deadline=None)
@given(st.lists(st.one_of(st.none(), st.text(max_size=8)), max_size=20))
def test_neutralize_property(cells):
    df = pl.DataFrame({"c": cells}, schema={"c": pl.Utf8})
    out = neutralize_formulas(df)["c"].to_list()
    for before, after in zip(cells, out):
        if before is None:
            assert after is None
        elif before[:1] in FORMULA_PREFIXES:
            assert after == "'" + before
        else:
            assert after == before
        assert after is None or after[:1] not in FORMULA_PREFIXES


def test_excel_longer_than_a_sheet_is_split(tmp_path, monkeypatch):
    import matchcore._io as io_mod

    monkeypatch.setattr(io_mod, "EXCEL_MAX_ROWS", 4)  # 3 data rows a sheet
    df = pl.DataFrame({"id": [f"s{i}" for i in range(8)], "v": ["=1+1"] + ["x"] * 7})
    path = write_table(df, tmp_path / "recommendations.xlsx")
    import fastexcel

    reader = fastexcel.read_excel(str(path))
    assert reader.sheet_names == [
        "recommendations",
        "recommendations_2",
        "recommendations_3",
    ]
    parts = [pl.read_excel(path, sheet_name=n) for n in reader.sheet_names]
    assert [p.height for p in parts] == [3, 3, 2]
    assert pl.concat(parts)["id"].to_list() == df["id"].to_list()
    assert parts[0]["v"][0] == "=1+1"  # text in Excel, not a formula


def test_read_errors_name_the_place(tmp_path):
    p = tmp_path / "bad.csv"
    p.write_bytes("id,t\n1,电工\n2,".encode() + b"\xff\xfe" + b"\n")
    with pytest.raises(UnsupportedFile, match="第 3 行"):
        read_table(p)
    p.write_text("id,t,id\n1,2,3\n", encoding="utf-8")
    with pytest.raises(UnsupportedFile, match="'id' 在第 1、3 列"):
        read_table(p)
    p.write_text("", encoding="utf-8")
    with pytest.raises(UnsupportedFile, match="空文件"):
        read_table(p)
    p.write_text("标题\nid,t\n1,2\n", encoding="utf-8")
    with pytest.raises(UnsupportedFile, match="标题行"):
        read_table(p)
    assert read_table(p, skip_rows=1).columns == ["id", "t"]
    x = tmp_path / "renamed.xlsx"
    x.write_text("id,t\n1,2\n", encoding="utf-8")
    with pytest.raises(UnsupportedFile, match="不是 Excel 工作簿"):
        read_table(x)
    q = tmp_path / "cut.parquet"
    q.write_bytes(b"PAR1 not really")
    with pytest.raises(UnsupportedFile, match="Parquet"):
        read_table(q)
