"""Charts drawn on the server as plain geometry for the SVG templates (no JavaScript, no CDN)."""

from __future__ import annotations

from dataclasses import dataclass

#: Colour per actor type (chapter), readable on white and distinguishable in grey scale order.
PALETTE = ("#0b5394", "#e69138", "#38761d", "#a64d79", "#45818e", "#7f6000", "#595959", "#cc0000")


@dataclass(frozen=True)
class Segment:
    x: float
    width: float
    value: int
    series: str
    color: str


@dataclass(frozen=True)
class Bar:
    label: str
    href: str
    y: float
    total: int
    segments: list[Segment]


def stacked_bars(
    rows: list[tuple[str, str, dict[str, int]]],
    series: list[str],
    width: float = 560.0,
    bar_height: float = 16.0,
    gap: float = 6.0,
) -> tuple[list[Bar], float]:
    """Horizontal stacked bars: one ``(label, href, {series: value})`` per row; returns bars and height."""
    maximum = max((sum(v.values()) for _, _, v in rows), default=0) or 1
    bars = []
    for i, (label, href, values) in enumerate(rows):
        x = 0.0
        segs = []
        for j, name in enumerate(series):
            value = values.get(name, 0)
            if not value:
                continue
            w = width * value / maximum
            segs.append(Segment(round(x, 2), round(w, 2), value, name, PALETTE[j % len(PALETTE)]))
            x += w
        bars.append(Bar(label, href, i * (bar_height + gap), sum(values.values()), segs))
    return bars, len(rows) * (bar_height + gap)


def heat_color(value: int, maximum: int) -> str:
    """A blue scale from white (0) to dark blue (maximum), as a CSS colour."""
    if value <= 0 or maximum <= 0:
        return "#ffffff"
    t = 0.15 + 0.85 * (value / maximum) ** 0.6
    r, g, b = (int(255 - t * (255 - c)) for c in (11, 83, 148))
    return f"#{r:02x}{g:02x}{b:02x}"


def heat_ink(value: int, maximum: int) -> str:
    """Black or white text for a heat cell so that contrast stays readable."""
    return "#ffffff" if maximum and value / maximum > 0.35 else "#1b1b1b"
