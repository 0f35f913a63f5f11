import polars as pl
import pytest

from matchcore._io import UnsupportedFile, read_table, write_table

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
