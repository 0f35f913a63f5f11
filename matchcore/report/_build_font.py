"""Rebuild the report's embedded CJK font subset (a maintainer's tool, not used at run time).

The report page must draw Chinese on a server or intranet browser with no CJK font installed,
so it embeds an open font. The subset shipped in ``fonts/report-sc.woff2`` is Noto Sans CJK SC
Regular (SIL Open Font License 1.1, see ``fonts/OFL.txt``) cut to: the 3,755 characters of
GB 2312 level 1, GB 2312's symbol rows, printable ASCII, every character of the current and
legacy division names, the occupation classification's major and medium group names, and every
character of the report's own labels and templates. Other characters (a rare one in a session
name) fall back to the page's font stack.

Run from the repository with fontTools and brotli installed and Debian's ``fonts-noto-cjk``::

    python -m matchcore.report._build_font [path/to/NotoSansCJK-Regular.ttc]
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

HERE = Path(__file__).parent
FONT_DIR = HERE / "fonts"
SOURCE = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"


def _gb2312(lo: int, hi: int) -> list[str]:
    out = []
    for b1 in range(lo, hi + 1):
        for b2 in range(0xA1, 0xFF):
            try:
                out.append(bytes([b1, b2]).decode("gb2312"))
            except UnicodeDecodeError:
                continue
    return out


def characters() -> str:
    """Every character the shipped subset covers, sorted."""
    chars = set(_gb2312(0xB0, 0xD7)) | set(_gb2312(0xA1, 0xA9))
    chars |= {chr(c) for c in range(0x20, 0x7F)}
    pkg = HERE.parent
    for name in ("divisions.csv", "divisions_legacy.csv"):
        with (pkg / "normalize" / "data" / name).open(encoding="utf-8") as fh:
            chars |= set("".join(r["name"] for r in csv.DictReader(fh)))
    with (pkg / "occupations" / "data" / "csco2022.csv").open(encoding="utf-8") as fh:
        chars |= set("".join(r["name"] for r in csv.DictReader(fh) if r["level"] in ("1", "2")))
    for f in [*HERE.glob("*.py"), *HERE.glob("templates/*")]:
        chars |= set(f.read_text(encoding="utf-8"))
    return "".join(sorted(c for c in chars if c.isprintable() and c != "\x7f"))


def main(source: str = SOURCE) -> None:
    """Cut the subset from ``source`` and write it with its character list."""
    from fontTools import subset
    from fontTools.ttLib import TTCollection, TTFont

    if source.endswith(".ttc"):
        col = TTCollection(source)
        font = next(f for f in col.fonts if "CJK SC" in f["name"].getDebugName(1))
    else:
        font = TTFont(source)
    text = characters()
    opts = subset.Options()
    opts.flavor = "woff2"
    opts.hinting = False
    opts.layout_features = ["kern", "palt", "vert", "locl"]
    opts.name_IDs = ["*"]
    sub = subset.Subsetter(opts)
    sub.populate(text=text)
    sub.subset(font)
    font.flavor = "woff2"
    FONT_DIR.mkdir(exist_ok=True)
    font.save(FONT_DIR / "report-sc.woff2")
    covered = "".join(sorted(chr(c) for c in font.getBestCmap()))
    (FONT_DIR / "report-sc.chars.txt").write_text(covered, encoding="utf-8")
    print(f"{len(covered)} characters, {(FONT_DIR / 'report-sc.woff2').stat().st_size:,} bytes")


if __name__ == "__main__":  # pragma: no cover
    main(*sys.argv[1:2])
