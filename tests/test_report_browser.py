"""The quarterly report in a real browser: headless Chromium renders the page as a department
opens it, a script measures it, and the PDF is checked page by page.

`.ci/run` installs Debian's chromium and poppler-utils, so CI runs these; a developer machine
without Chromium skips them with a message (set MATCHCORE_REQUIRE_CHROMIUM=1 to fail instead).
"""

import datetime as dt
import json
import os
import re
import shutil
import subprocess

import polars as pl
import pytest

import matchcore as mc
from matchcore.report._pdf import find_chromium, run_chromium

_REQUIRED = os.environ.get("MATCHCORE_REQUIRE_CHROMIUM") == "1" or os.environ.get("CI") == "true"
if find_chromium() is None:
    if _REQUIRED:
        raise RuntimeError("Chromium is required here (CI): .ci/run must install it")
    pytest.skip(
        "Chromium not installed: `apt-get install chromium poppler-utils` to run the browser tests",
        allow_module_level=True,
    )

# A4 at 96 dpi is 794 px wide; the page's print margins leave about 703 px for content.
_A4_WIDTH_PX = 794

_MEASURE = r"""
<script>
(async () => {
  await document.fonts.ready;
  const out = {tables: [], charts: [], font: {}};
  const body = document.body.getBoundingClientRect();
  out.body = {left: body.left, right: body.right};
  out.docScroll = document.documentElement.scrollWidth;
  out.viewport = window.innerWidth;
  for (const t of document.querySelectorAll('table')) {
    const r = t.getBoundingClientRect();
    let cellRight = 0;
    for (const c of t.querySelectorAll('th,td')) cellRight = Math.max(cellRight, c.getBoundingClientRect().right);
    out.tables.push({id: (t.closest('section') || {}).id || 'meta', left: r.left, right: r.right,
                     cellRight, scroll: t.scrollWidth, client: t.clientWidth});
  }
  for (const svg of document.querySelectorAll('svg.chart')) {
    const txt = (sel) => [...svg.querySelectorAll(sel)].map(e => e.textContent.trim());
    const boxes = [...svg.querySelectorAll('text.value')].map(e => e.getBBox());
    const bars = [...svg.querySelectorAll('rect.bar')].map(e => e.getBBox());
    let overlaps = 0;
    for (let i = 0; i < boxes.length; i++) {
      for (let j = i + 1; j < boxes.length; j++) {
        const a = boxes[i], b = boxes[j];
        if (a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height) overlaps++;
      }
      for (const b of bars) {  // a value drawn over a bar hides it
        const a = boxes[i];
        if (a.x + 1 < b.x + b.width && b.x < a.x + a.width - 1 && a.y + 1 < b.y + b.height && b.y < a.y + a.height - 1) overlaps++;
      }
    }
    const r = svg.getBoundingClientRect();
    out.charts.push({title: txt('.chart-title'), x: txt('.axis-title.x'), y: txt('.axis-title.y'),
                     xticks: txt('.tick.x').length, yticks: txt('.tick.y').length,
                     bars: bars.length, values: boxes.length, overlaps, right: r.right});
  }
  const face = [...document.fonts].find(f => f.family.replace(/"/g, '') === 'MatchcoreSC');
  out.font.status = face ? face.status : 'absent';
  out.font.check = document.fonts.check('16px MatchcoreSC', '济南市先进制造业');
  // Boxes (tofu) are one shape for every missing character: distinct characters drawn in the
  // embedded font must differ from each other and from the box of an unassigned code point.
  const draw = (ch) => {
    const c = document.createElement('canvas'); c.width = 48; c.height = 48;
    const g = c.getContext('2d'); g.font = '40px MatchcoreSC'; g.fillStyle = '#000';
    g.fillText(ch, 4, 40);
    const d = g.getImageData(0, 0, 48, 48).data; let ink = 0, sig = [];
    for (let i = 3; i < d.length; i += 4) { if (d[i] > 128) ink++; sig.push(d[i] > 128 ? 1 : 0); }
    return {ink, sig: sig.join('')};
  };
  const chars = ['济', '南', '业', '率', '青', '年'].map(draw);
  const tofu = draw('\u{10FFFD}');
  out.font.ink = chars.map(c => c.ink);
  out.font.distinct = new Set(chars.map(c => c.sig)).size;
  out.font.likeTofu = chars.filter(c => c.sig === tofu.sig).length;
  const pre = document.createElement('pre'); pre.id = 'measurements';
  pre.textContent = JSON.stringify(out); document.body.appendChild(pre);
})();
</script>
"""


@pytest.fixture(scope="module")
def demo_report(tmp_path_factory):
    folder = tmp_path_factory.mktemp("report")
    s, v = mc.synth.province(3000, 600, seed=0)
    result = mc.match(s, v, progress=False)
    outcomes = (
        result.assignments.head(400)
        .select("seeker_id", "vacancy_id")
        .with_columns(outcome=pl.lit("hired"), date=pl.lit(dt.date(2026, 8, 15)))
    )
    rep = mc.report.quarterly(
        result,
        period="2026Q3",
        previous=result,
        outcomes=outcomes,
        urgent_occupations=["6-31-01-03", "6-18-02-04", "6-18-01-01", "4-02-06-03"],
    )
    paths = rep.write(folder, pdf=True)
    return rep, folder, paths


def _no_cjk_fonts(folder):
    """A fontconfig that knows only DejaVu (no CJK): the browser of a bare server."""
    conf = folder / "fonts.conf"
    conf.write_text(
        '<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig>'
        "<dir>/usr/share/fonts/truetype/dejavu</dir>"
        f"<cachedir>{folder / 'fc-cache'}</cachedir></fontconfig>",
        encoding="utf-8",
    )
    return {"FONTCONFIG_FILE": str(conf)}


def _measure(page, width=_A4_WIDTH_PX):
    html = page.read_text(encoding="utf-8").replace("</body>", _MEASURE + "</body>")
    probe = page.with_name("probe.html")
    probe.write_text(html, encoding="utf-8")
    proc = run_chromium(
        [
            f"--window-size={width},1200",
            "--virtual-time-budget=10000",
            "--dump-dom",
            probe.as_uri(),
        ],
        env=_no_cjk_fonts(page.parent),
    )
    m = re.search(r'<pre id="measurements">(.*?)</pre>', proc.stdout, re.S)
    assert m, f"the measuring script did not run: {proc.stderr[-500:]}"
    return json.loads(m.group(1).replace("&quot;", '"').replace("&amp;", "&"))


@pytest.fixture(scope="module")
def measured(demo_report):
    return _measure(demo_report[1] / "index.html")


def test_no_table_overflows_the_page_width(measured):
    assert measured["docScroll"] <= measured["viewport"]
    body = measured["body"]
    assert len(measured["tables"]) >= 9
    for t in measured["tables"]:
        assert t["scroll"] <= t["client"] + 1, t
        assert t["right"] <= body["right"] + 1 and t["cellRight"] <= body["right"] + 1, t
    for c in measured["charts"]:
        assert c["right"] <= body["right"] + 1


def test_every_chart_has_a_title_axis_titles_and_a_value_on_every_bar(measured):
    assert len(measured["charts"]) == 3
    for c in measured["charts"]:
        assert c["title"] and c["title"][0], c
        assert c["x"] and c["x"][0] and c["y"] and c["y"][0], c
        assert c["xticks"] >= 2 and c["yticks"] >= 2, c
        assert c["bars"] == c["values"] > 0, c
        assert c["overlaps"] == 0, c


def test_chinese_is_drawn_in_the_embedded_cjk_font_not_boxes(measured):
    font = measured["font"]
    assert font["status"] == "loaded"
    assert font["check"] is True
    assert font["distinct"] == 6 and font["likeTofu"] == 0
    assert min(font["ink"]) > 40


def test_pdf_has_the_expected_pages(demo_report):
    rep, folder, paths = demo_report
    pdf = folder / "report.pdf"
    assert pdf in paths and pdf.read_bytes().startswith(b"%PDF")
    if shutil.which("pdfinfo") is None or shutil.which("pdftotext") is None:
        if _REQUIRED:
            raise RuntimeError("poppler-utils is required here (CI): .ci/run must install it")
        pytest.skip("poppler-utils not installed")
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    assert re.search(r"Page size:\s+59\d\.\d+ x 84\d\.\d+ pts \(A4\)", info), info
    assert 3 <= pages <= 12
    texts = [
        subprocess.run(
            ["pdftotext", "-layout", "-f", str(i), "-l", str(i), str(pdf), "-"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for i in range(1, pages + 1)
    ]
    assert all(t.strip() for t in texts), "an empty page"
    assert "人岗匹配服务季度统计报告" in texts[0] and "匹配建议不是录用" in texts[0]
    whole = "\n".join(texts)
    from matchcore.report._labels import TABLES

    positions = [whole.find(TABLES[t][0].replace(" ", "")) for t in rep.tables]
    assert -1 not in positions, [TABLES[t][0] for t, p in zip(rep.tables, positions) if p < 0]
    assert positions == sorted(positions)  # the sections in order, none lost at a page break
    assert "填表人" in texts[-1]


def test_the_box_detector_sees_boxes_without_the_embedded_font(demo_report, tmp_path):
    # The check above can fail: the same page without its font, on a browser with no CJK
    # font, draws every character as the same box.
    rep = demo_report[0]
    page = tmp_path / "index.html"
    page.write_text(rep.to_html(embed_font=False), encoding="utf-8")
    font = _measure(page)["font"]
    assert font["status"] == "absent"
    assert font["distinct"] == 1 and font["likeTofu"] == 6
