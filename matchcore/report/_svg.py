"""Small self-contained SVG charts with titles, axis titles, ticks and a value on every bar.

No plotting dependency: a chart is a few dozen SVG elements, the page's CSS gives the text its
(embedded) CJK font, and the same string stands alone as an ``.svg`` file with a font stack.
Elements carry classes (``chart-title``, ``axis-title x``/``y``, ``tick``, ``bar``, ``value``) that
the browser tests read.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from html import escape

__all__ = ["FONT_STACK", "bar_chart", "histogram", "nice_ticks"]

#: Fallback fonts after the embedded one: common CJK fonts of servers, Windows, macOS, Linux.
FONT_STACK = (
    "'Noto Sans CJK SC', 'Source Han Sans SC', 'Microsoft YaHei', 'PingFang SC', "
    "'WenQuanYi Micro Hei', 'SimHei', sans-serif"
)
_W = 680
_BLUE, _ORANGE, _GRID, _INK = "#2f6ca3", "#d9822b", "#e3e3e3", "#333"
_CHAR_W = 12.5  # width of one CJK character at font-size 12 (ASCII digits about half)


def _text_w(text: str, size: float = 12) -> float:
    return sum(size * (1.04 if ord(ch) > 0x2E80 else 0.58) for ch in text)


def nice_ticks(top: float, n: int = 5) -> list[float]:
    """Round tick values from 0 to at least ``top``, about ``n`` of them.

    Examples
    --------
    >>> nice_ticks(0.83)
    [0.0, 0.2, 0.4, 0.6, 0.8, 1.0]
    >>> nice_ticks(1234)
    [0.0, 250.0, 500.0, 750.0, 1000.0, 1250.0]
    >>> nice_ticks(0)
    [0.0, 1.0]
    """
    if top <= 0:
        return [0.0, 1.0]
    raw = top / n
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw)
    k = math.ceil(top / step - 1e-9)
    return [round(i * step, 10) for i in range(k + 1)]


def _fmt(v: float, percent: bool) -> str:
    if percent:
        return f"{v:.1%}"
    return f"{v:,.0f}" if float(v).is_integer() else f"{v:,.2f}"


def _head(width: float, height: float, title: str) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'aria-label="{escape(title)}" viewBox="0 0 {width:.0f} {height:.0f}" '
        f'width="{width:.0f}" height="{height:.0f}" font-family="{escape(FONT_STACK)}" '
        f'font-size="12" fill="{_INK}">',
        f"<title>{escape(title)}</title>",
        f'<text class="chart-title" x="{width / 2:.1f}" y="20" text-anchor="middle" '
        f'font-size="15" font-weight="bold">{escape(title)}</text>',
    ]


def _shorten(label: str, width: float) -> str:
    if _text_w(label) <= width:
        return label
    while label and _text_w(label + "…") > width:
        label = label[:-1]
    return label + "…"


def bar_chart(
    labels: Sequence[str],
    values: Sequence[float],
    *,
    title: str,
    percent: bool = True,
    secondary: Sequence[float] | None = None,
    legend: tuple[str, str] = ("", ""),
    x_title: str = "",
    y_title: str = "",
) -> str:
    """A horizontal bar chart as an SVG string; ``secondary`` draws a second bar per label.

    Every bar carries its value; the scale leaves room right of the longest bar for it, so
    values never overlap bars or each other.

    Examples
    --------
    >>> svg = bar_chart(["济南市", "青岛市"], [0.5, 0.25], title="建议匹配率",
    ...                 x_title="建议匹配率", y_title="地级市")
    >>> svg.startswith("<svg") and "济南市" in svg and svg.count('class="value"') == 2
    True
    """
    n = len(labels)
    two = secondary is not None
    bar_h, pair_gap = 19, 8  # a value (11 px, its line box about 16 px) stays beside its own bar
    row_h = bar_h * (2 if two else 1) + pair_gap
    label_w = min(max([_text_w(str(x)) for x in labels] + [36]) + 10, 200)
    left = 28 + label_w  # y-axis title, then labels
    right = 72  # room for the value of the longest bar
    plot_w = _W - left - right
    top_y = 36 + (22 if two else 0)
    plot_h = max(n, 1) * row_h
    height = top_y + plot_h + 58
    vals = [max(float(v or 0), 0.0) for v in values]
    sec = [max(float(v or 0), 0.0) for v in secondary] if two else []  # type: ignore[union-attr]
    ticks = nice_ticks(max([*vals, *sec], default=0.0))
    scale = plot_w / ticks[-1]
    parts = _head(_W, height, title)
    if two:
        lx = left
        for color, name in ((_BLUE, legend[0]), (_ORANGE, legend[1])):
            parts.append(
                f'<g class="legend"><rect x="{lx}" y="{top_y - 19}" width="11" height="11" '
                f'fill="{color}"/><text x="{lx + 15}" y="{top_y - 9}">{escape(name)}</text></g>'
            )
            lx += 30 + _text_w(name)
    bottom = top_y + plot_h
    for t in ticks:  # grid and x ticks
        x = left + t * scale
        parts.append(
            f'<line x1="{x:.1f}" y1="{top_y - 4}" x2="{x:.1f}" y2="{bottom}" stroke="{_GRID}"/>'
            f'<text class="tick x" x="{x:.1f}" y="{bottom + 15}" text-anchor="middle">'
            f"{_fmt(t, percent) if not percent else f'{t:.0%}'}</text>"
        )
    parts.append(
        f'<line x1="{left}" y1="{top_y - 4}" x2="{left}" y2="{bottom}" stroke="{_INK}"/>'
        f'<line x1="{left}" y1="{bottom}" x2="{left + plot_w}" y2="{bottom}" stroke="{_INK}"/>'
    )
    for i, label in enumerate(labels):
        y = top_y + i * row_h + pair_gap / 2
        parts.append(
            f'<text class="tick y" x="{left - 6}" y="{y + bar_h * (1 if two else 0.5) + 4:.1f}" '
            f'text-anchor="end">{escape(_shorten(str(label), label_w - 8))}</text>'
        )
        bars = [(vals[i], _BLUE, values[i])] + ([(sec[i], _ORANGE, secondary[i])] if two else [])  # type: ignore[index]
        for j, (v, color, raw) in enumerate(bars):
            by = y + j * bar_h
            w = v * scale
            parts.append(
                f'<rect class="bar" x="{left}" y="{by:.1f}" width="{w:.1f}" '
                f'height="{bar_h - 1}" fill="{color}"/>'
                f'<text class="value" x="{left + w + 4:.1f}" y="{by + (bar_h - 1) / 2:.1f}" '
                f'font-size="11" dominant-baseline="middle">{_fmt(float(raw or 0), percent)}</text>'
            )
    parts.append(
        f'<text class="axis-title x" x="{left + plot_w / 2:.1f}" y="{bottom + 36}" '
        f'text-anchor="middle">{escape(x_title)}</text>'
        f'<text class="axis-title y" x="0" y="0" text-anchor="middle" '
        f'transform="translate(14 {top_y + plot_h / 2:.1f}) rotate(-90)">{escape(y_title)}</text>'
    )
    parts.append("</svg>")
    return "".join(parts)


def histogram(
    counts: Sequence[int],
    edges: Sequence[float],
    *,
    title: str,
    x_title: str = "",
    y_title: str = "",
) -> str:
    """A vertical histogram as an SVG string from bin ``counts`` and their ``edges``.

    Each bar shows its count; the y axis has round ticks and grid lines, the x axis a tick at
    every bin edge.

    Examples
    --------
    >>> svg = histogram([1, 3, 2], [0.0, 0.5, 0.75, 1.0], title="得分分布",
    ...                 x_title="得分", y_title="条数")
    >>> svg.count('class="bar"'), svg.count('class="tick x"')
    (3, 4)
    """
    height, top_y = 300, 44
    left = 36 + max(_text_w(f"{max(counts, default=0):,}"), 20)
    bottom = height - 52
    width = _W - left - 16
    ticks = nice_ticks(float(max(counts, default=0)))
    scale = (bottom - top_y) / ticks[-1]
    n = len(counts)
    bw = width / max(n, 1)
    parts = _head(_W, height, title)
    for t in ticks:
        y = bottom - t * scale
        parts.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{left + width:.1f}" y2="{y:.1f}" '
            f'stroke="{_GRID}"/><text class="tick y" x="{left - 5}" y="{y + 4:.1f}" '
            f'text-anchor="end">{t:,.0f}</text>'
        )
    for i, c in enumerate(counts):
        h = c * scale
        x = left + i * bw
        parts.append(
            f'<rect class="bar" x="{x + 1:.1f}" y="{bottom - h:.1f}" width="{bw - 2:.1f}" '
            f'height="{h:.1f}" fill="{_BLUE}"/><text class="value" x="{x + bw / 2:.1f}" '
            f'y="{bottom - h - 4:.1f}" text-anchor="middle" font-size="11">{c:,}</text>'
        )
    for i, e in enumerate(edges):
        parts.append(
            f'<text class="tick x" x="{left + i * bw:.1f}" y="{bottom + 15}" '
            f'text-anchor="middle">{e:.1f}</text>'
        )
    parts.append(
        f'<line x1="{left}" y1="{top_y}" x2="{left}" y2="{bottom}" stroke="{_INK}"/>'
        f'<line x1="{left}" y1="{bottom}" x2="{left + width:.1f}" y2="{bottom}" stroke="{_INK}"/>'
        f'<text class="axis-title x" x="{left + width / 2:.1f}" y="{bottom + 38}" '
        f'text-anchor="middle">{escape(x_title)}</text>'
        f'<text class="axis-title y" x="0" y="0" text-anchor="middle" '
        f'transform="translate(14 {(top_y + bottom) / 2:.1f}) rotate(-90)">{escape(y_title)}</text>'
    )
    parts.append("</svg>")
    return "".join(parts)
