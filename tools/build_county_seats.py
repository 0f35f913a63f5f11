"""Build ``matchcore/scoring/data/county_seats.csv``: coordinates of every current division.

Reads ``../shared/data/division_centroids.csv`` (PyPI ``cpca`` 0.5.5, MIT License; codes in force
around 2016) and ``divisions.csv`` (the current tree). A current code found there keeps its
coordinates; a county renamed or re-coded since (即墨市 370282 -> 即墨区 370215) is the same place
and is found by its name without the 市/区/县 ending inside the same city; anything else falls back
to its parent's seat. Run from the repository root: ``python tools/build_county_seats.py``.
"""

import csv
from pathlib import Path

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"
OUT = Path(__file__).resolve().parents[1] / "matchcore" / "scoring" / "data" / "county_seats.csv"


def stem(name: str) -> str:
    for tail in ("自治县", "市", "区", "县", "旗"):
        if name.endswith(tail) and len(name) > len(tail) + 1:
            return name[: -len(tail)]
    return name


def _read(name: str) -> list[dict[str, str]]:
    with open(SHARED / name, encoding="utf-8") as f:
        return list(csv.DictReader(f))


def main() -> None:
    cent = {r["code"]: r for r in _read("division_centroids.csv")}
    by_stem = {(c[:4], stem(r["name"])): r for c, r in cent.items()}
    current = _read("divisions.csv")
    parent = {r["code"]: r["parent_code"] for r in current}
    rows, how = [], {"same code": 0, "renamed": 0, "parent": 0, "none": 0}
    for r in current:
        c = r["code"]
        hit = cent.get(c)
        kind = "same code"
        if hit is None:
            hit = by_stem.get((c[:4], stem(r["name"])))
            kind = "renamed"
        p = parent.get(c)
        while hit is None and p:
            hit, kind = cent.get(p), "parent"
            p = parent.get(p)
        if hit is None:
            how["none"] += 1
            continue
        how[kind] += 1
        rows.append((c, r["name"], hit["longitude"], hit["latitude"], kind))
    with open(OUT, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["code", "name", "longitude", "latitude", "source"])
        w.writerows(rows)
    print(OUT, len(rows), how)


if __name__ == "__main__":
    main()
