"""Small self-contained SVG charts (no plotting dependency; Chinese labels render in any browser)."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

__all__ = ["bar_chart", "histogram"]

_W, _BAR_H, _GAP, _LEFT, _RIGHT = 640, 18, 6, 150, 70


def bar_chart(
    labels: Sequence[str],
    values: Sequence[float],
    *,
    title: str,
    percent: bool = True,
    secondary: Sequence[float] | None = None,
    legend: tuple[str, str] = ("", ""),
) -> str:
    """A horizontal bar chart as an SVG string; ``secondary`` draws a thinner second bar.

    Examples
    --------
    >>> svg = bar_chart(["济南市", "青岛市"], [0.5, 0.25], title="填补率")
    >>> svg.startswith("<svg") and "济南市" in svg
    True
    """
    n = len(labels)
    height = 40 + n * (_BAR_H + _GAP) + (20 if secondary is not None else 0)
    top = max([*values, *(secondary or [])], default=0.0) or 1.0
    scale = (_W - _LEFT - _RIGHT) / top
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{_W}" height="{height}" '
        f'font-family="sans-serif" font-size="12">',
        f'<text x="{_W / 2}" y="18" text-anchor="middle" font-size="14">{escape(title)}</text>',
    ]
    for i, (label, v) in enumerate(zip(labels, values)):
        y = 30 + i * (_BAR_H + _GAP)
        text = f"{v:.1%}" if percent else f"{v:,.3g}"
        parts.append(
            f'<text x="{_LEFT - 6}" y="{y + 13}" text-anchor="end">{escape(str(label))}</text>'
            f'<rect x="{_LEFT}" y="{y}" width="{max(v, 0) * scale:.1f}" height="{_BAR_H}" '
            f'fill="#3b78b0"/><text x="{_LEFT + max(v, 0) * scale + 4:.1f}" y="{y + 13}">'
            f"{text}</text>"
        )
        if secondary is not None:
            w = max(secondary[i], 0) * scale
            parts.append(
                f'<rect x="{_LEFT}" y="{y + _BAR_H - 6}" width="{w:.1f}" height="6" fill="#e08a2c"/>'
            )
    if secondary is not None:
        y = height - 12
        parts.append(
            f'<rect x="{_LEFT}" y="{y - 9}" width="10" height="10" fill="#3b78b0"/>'
            f'<text x="{_LEFT + 14}" y="{y}">{escape(legend[0])}</text>'
            f'<rect x="{_LEFT + 160}" y="{y - 9}" width="10" height="10" fill="#e08a2c"/>'
            f'<text x="{_LEFT + 174}" y="{y}">{escape(legend[1])}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def histogram(counts: Sequence[int], edges: Sequence[float], *, title: str) -> str:
    """A vertical histogram as an SVG string from bin ``counts`` and their ``edges``.

    Examples
    --------
    >>> histogram([1, 3, 2], [0.0, 0.5, 0.75, 1.0], title="得分分布").count("<rect")
    3
    """
    height, bottom, left = 260, 220, 50
    width = _W - left - 20
    top = max(counts, default=0) or 1
    n = len(counts)
    bw = width / max(n, 1)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{_W}" height="{height}" '
        f'font-family="sans-serif" font-size="12">',
        f'<text x="{_W / 2}" y="18" text-anchor="middle" font-size="14">{escape(title)}</text>',
        f'<text x="{left - 6}" y="40" text-anchor="end">{top:,}</text>',
    ]
    for i, c in enumerate(counts):
        h = (bottom - 30) * c / top
        parts.append(
            f'<rect x="{left + i * bw:.1f}" y="{bottom - h:.1f}" width="{bw - 1:.1f}" '
            f'height="{h:.1f}" fill="#3b78b0"/>'
        )
    for i in (0, n // 2, n):
        if 0 <= i < len(edges):
            parts.append(
                f'<text x="{left + i * bw:.1f}" y="{bottom + 16}" text-anchor="middle">'
                f"{edges[i]:.2f}</text>"
            )
    parts.append("</svg>")
    return "".join(parts)
