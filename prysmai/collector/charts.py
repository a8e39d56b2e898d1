"""The overview's charts: inline SVG drawn on the server from a :class:`Series`.

No script library and no external file: the page's Content-Security-Policy allows neither,
and a chart is a few hundred elements. Styling is by class (the page's nonce'd stylesheet),
since the policy also refuses ``style`` attributes. The charts show numbers and labels of our
own, yet every text still goes through :func:`html.escape` on its way into the page.

Each chart is an SVG with ``role="img"``, a title and a description giving each line's
minimum, maximum and last value; the same summary is printed under the chart. A number that
overflowed (a sum of huge stored costs) is drawn as a full-height bar marked "out of range"
and never reaches a coordinate.
"""

from __future__ import annotations

import html
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Final, Literal

from prysmai.store_queries import Series

WIDTH: Final = 480
HEIGHT: Final = 170
_LEFT: Final = 64
"""Room for the value labels of the y axis."""
_RIGHT: Final = 8
_TOP: Final = 8
_BOTTOM: Final = 22
"""Room for the time labels of the x axis."""
_PLOT_W: Final = WIDTH - _LEFT - _RIGHT
_PLOT_H: Final = HEIGHT - _TOP - _BOTTOM
_BAR_SHARE: Final = 0.8
"""Part of its bucket's width a bar covers."""
OUT_OF_RANGE: Final = "out of range"
REFRESH_S: Final = 30
"""How often the overview's script reloads the charts."""
CHARTS_PATH: Final = "/overview/charts"
"""The route that answers the charts alone, for that reload."""

STYLE: Final = """
.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(340px,1fr));gap:12px}
.chart{background:#fff;border:1px solid #dde1e8;border-radius:6px;padding:8px 12px;margin:0}
.chart h3{font-size:14px;margin:0 0 4px}.chart svg{display:block;width:100%;height:auto}
.chart figcaption{font-size:12px;color:#5b6474}.chart text{font-size:10px;fill:#5b6474}
.chart .axis{stroke:#c4cad4;stroke-width:1}.chart .grid{stroke:#eef0f4;stroke-width:1}
.key{display:inline-block;width:10px;height:10px;margin:0 4px 0 10px;vertical-align:-1px}
.c-requests{fill:#9db4d8;background:#9db4d8}.c-errors{fill:#b42318;background:#b42318}
.c-p50{fill:#1d4ed8;stroke:#1d4ed8;background:#1d4ed8}
.c-p95{fill:#b54708;stroke:#b54708;background:#b54708}
.c-cost{fill:#067647;background:#067647}.c-tokens{fill:#6941c6;background:#6941c6}
.chart polyline{fill:none;stroke-width:1.5}rect.oor{fill:#1d2330;fill-opacity:.35}
.empty{background:#fff;border:1px dashed #c4cad4;border-radius:6px;padding:16px;color:#5b6474}
"""
"""The charts' rules, added to the page's stylesheet."""

Kind = Literal["bars", "lines"]
Formatter = Callable[[float], str]


@dataclass(frozen=True, slots=True)
class Plot:
    """One set of bars or one line of a chart."""

    name: str
    """For the legend and the summary: ``Requests``."""
    css: str
    """Colour class suffix: ``requests`` gives ``c-requests``."""
    values: Sequence[float | None]
    """One per bucket; ``None`` where there is nothing to draw (no calls in the bucket)."""


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def _compact(value: float, digits: int) -> str:
    """Thousands separators up to a trillion, then scientific: a sum of 1e300 stays short."""
    if abs(value) >= 1e12:
        return f"{value:.3g}"
    return f"{value:,.{digits}f}"


def format_count(value: float) -> str:
    """Calls or tokens: ``1,234``."""
    return _compact(value, 0) if math.isfinite(value) else OUT_OF_RANGE


def format_ms(value: float) -> str:
    """A latency: ``250 ms``, ``0.42 ms``."""
    if not math.isfinite(value):
        return OUT_OF_RANGE
    return (f"{value:.2g}" if 0 < abs(value) < 1 else _compact(value, 0)) + " ms"


def format_usd(value: float) -> str:
    """A cost: ``$12.50``, ``$0.000022``, ``-$0.25`` (a refund)."""
    if not math.isfinite(value):
        return OUT_OF_RANGE
    sign, magnitude = ("-" if value < 0 else ""), abs(value)
    if magnitude < 1:  # as the cards show costs: six decimals at most, no trailing zeros
        return f"{sign}${f'{magnitude:.6f}'.rstrip('0').rstrip('.') or '0'}"
    return f"{sign}${_compact(magnitude, 2)}"


def _clock(time_ns: int, span_ns: int) -> str:
    """A bucket boundary, as precise as the window needs (UTC)."""
    try:
        moment = datetime.fromtimestamp(time_ns / 1e9, tz=UTC)
    except (OverflowError, OSError, ValueError):  # a time the calendar cannot show
        return str(time_ns)
    if span_ns <= 3600 * 10**9:
        return moment.strftime("%H:%M:%S")
    if span_ns <= 12 * 3600 * 10**9:
        return moment.strftime("%H:%M")
    if span_ns <= 400 * 86_400 * 10**9:
        return moment.strftime("%m-%d %H:%M")
    return moment.strftime("%Y-%m-%d")


def describe_bucket(bucket_ns: int) -> str:
    """A bucket's width in words: ``30 min``, ``18.75 s``, ``3.5 h``, ``15 d``."""
    seconds = bucket_ns / 1e9
    for unit, size in (("d", 86_400.0), ("h", 3600.0), ("min", 60.0)):
        if seconds >= 2 * size:
            return f"{seconds / size:.4g} {unit}"
    return f"{seconds:.4g} s"


class _Scale:
    """Maps finite values to y coordinates; the range always includes zero."""

    def __init__(self, values: Sequence[float | None]) -> None:
        finite = [value for value in values if value is not None and math.isfinite(value)]
        self.low = min(0.0, *finite) if finite else 0.0
        self.high = max(0.0, *finite) if finite else 0.0
        if self.high == self.low:  # both zero: any positive range draws flat bars at 0
            self.high = 1.0

    def y(self, value: float) -> float:
        # Halves: high - low of two huge values (1e308 and -1e308) would overflow to inf.
        share = (value / 2 - self.low / 2) / (self.high / 2 - self.low / 2)
        return _TOP + (1.0 - share) * _PLOT_H


def _point(value: float) -> str:
    return f"{value:.2f}"


def _extremes(values: Sequence[float | None], fmt: Formatter) -> str:
    present = [value for value in values if value is not None]
    if not present:
        return "no data"
    finite = [value for value in present if math.isfinite(value)]
    overflowed = len(finite) < len(present)
    low = fmt(min(finite)) if finite else OUT_OF_RANGE
    high = OUT_OF_RANGE if overflowed else fmt(max(finite))
    last = values[-1]
    last_text = "-" if last is None else fmt(last)
    return f"min {low}, max {high}, last {last_text}"


def summary(plots: Sequence[Plot], fmt: Formatter) -> str:
    """Min, max and last value of each plot, as one line of text."""
    return "; ".join(f"{plot.name}: {_extremes(plot.values, fmt)}" for plot in plots)


def _bars(plot: Plot, scale: _Scale, labels: Sequence[str], fmt: Formatter) -> list[str]:
    slot = _PLOT_W / max(len(plot.values), 1)
    width = _point(slot * _BAR_SHARE)
    base = scale.y(0.0)
    shapes = []
    for index, value in enumerate(plot.values):
        if value is None:
            continue
        x = _point(_LEFT + index * slot + slot * (1 - _BAR_SHARE) / 2)
        tip = f"{labels[index]}: {plot.name} {fmt(value)}"
        if not math.isfinite(value):
            top, height, css = float(_TOP), float(_PLOT_H), f"bar c-{plot.css} oor"
        else:
            y = scale.y(value)
            top, height, css = min(y, base), abs(base - y), f"bar c-{plot.css}"
        shapes.append(
            f'<rect class="{_e(css)}" x="{x}" y="{_point(top)}" width="{width}"'
            f' height="{_point(height)}"><title>{_e(tip)}</title></rect>'
        )
    return shapes


def _lines(plot: Plot, scale: _Scale, labels: Sequence[str], fmt: Formatter) -> list[str]:
    slot = _PLOT_W / max(len(plot.values), 1)
    shapes: list[str] = []
    run: list[str] = []
    # A bucket without a value (no calls) breaks the line: joining across it would draw
    # values that were never measured.
    for index, value in enumerate((*plot.values, None)):
        if value is None or not math.isfinite(value):
            if len(run) > 1:
                shapes.append(f'<polyline class="c-{_e(plot.css)}" points="{" ".join(run)}"/>')
            run = []
            continue
        x, y = _point(_LEFT + (index + 0.5) * slot), _point(scale.y(value))
        run.append(f"{x},{y}")
        tip = f"{labels[index]}: {plot.name} {fmt(value)}"
        shapes.append(
            f'<circle class="pt c-{_e(plot.css)}" cx="{x}" cy="{y}" r="2">'
            f"<title>{_e(tip)}</title></circle>"
        )
    return shapes


def chart(
    chart_id: str,
    title: str,
    plots: Sequence[Plot],
    kind: Kind,
    series: Series,
    fmt: Formatter,
) -> str:
    """One chart as a ``<figure>``: the SVG, a legend and the text summary.

    Args:
        chart_id: Unique within the page; prefixes the ids the SVG's ARIA labels point at.
        title: What the chart shows.
        plots: Bars drawn in order (later ones in front), or lines.
        kind: ``bars`` or ``lines``.
        series: The buckets the values belong to (for the time labels).
        fmt: Formats one value for labels and text.
    """
    span_ns = series.end_ns - series.start_ns
    labels = [
        f"{_clock(bucket.start_ns, span_ns)}-{_clock(bucket.end_ns, span_ns)} UTC"
        for bucket in series.buckets
    ]
    scale = _Scale([value for plot in plots for value in plot.values])
    draw = _bars if kind == "bars" else _lines
    shapes = [shape for plot in plots for shape in draw(plot, scale, labels, fmt)]
    text = summary(plots, fmt)
    base = _point(scale.y(0.0))
    right = _point(WIDTH - _RIGHT)
    bottom = HEIGHT - 6
    axes = (
        f'<line class="grid" x1="{_LEFT}" y1="{_TOP}" x2="{right}" y2="{_TOP}"/>'
        f'<line class="axis" x1="{_LEFT}" y1="{base}" x2="{right}" y2="{base}"/>'
        f'<text x="{_LEFT - 4}" y="{_TOP + 8}" text-anchor="end">{_e(fmt(scale.high))}</text>'
        f'<text x="{_LEFT - 4}" y="{_point(scale.y(scale.low))}" text-anchor="end">'
        f"{_e(fmt(scale.low))}</text>"
        f'<text x="{_LEFT}" y="{bottom}">{_e(_clock(series.start_ns, span_ns))}</text>'
        f'<text x="{right}" y="{bottom}" text-anchor="end">'
        f"{_e(_clock(series.end_ns, span_ns))} UTC</text>"
    )
    legend = "".join(f'<span class="key c-{_e(plot.css)}"></span>{_e(plot.name)}' for plot in plots)
    ids = f"{chart_id}-title {chart_id}-desc"
    return (
        f'<figure class="chart" id="{_e(chart_id)}"><h3>{_e(title)}</h3>'
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img"'
        f' aria-labelledby="{_e(ids)}" data-kind="{_e(kind)}">'
        f'<title id="{_e(chart_id)}-title">{_e(title)}</title>'
        f'<desc id="{_e(chart_id)}-desc">{_e(text)}</desc>'
        f"{axes}{''.join(shapes)}</svg>"
        f"<figcaption>{legend}<br>{_e(text)}</figcaption></figure>"
    )


def _empty(chart_id: str, title: str, message: str) -> str:
    return (
        f'<figure class="chart" id="{_e(chart_id)}"><h3>{_e(title)}</h3>'
        f'<p class="empty">{_e(message)}</p></figure>'
    )


def _number(value: int | float) -> float:
    """A sum as a float: an int too large for one becomes infinity (out of range)."""
    try:
        return float(value)
    except OverflowError:
        return math.inf


def overview_charts(window: str, series: Series) -> str:
    """The overview's charts for one window: a ``<section id="charts">``.

    A window without calls gets one "no calls" notice instead of empty charts; a window whose
    calls recorded no latency gets the notice in the latency chart's place.
    """
    opening = f'<section id="charts" class="charts-section" data-window="{_e(window)}">'
    buckets = series.buckets
    if not any(bucket.count for bucket in buckets):
        return f'{opening}<p class="empty">No calls in this window.</p></section>'
    requests = Plot("Requests", "requests", [float(bucket.count) for bucket in buckets])
    errors = Plot("Errors", "errors", [float(bucket.error_count) for bucket in buckets])
    p50 = Plot("p50", "p50", [bucket.latency_ms.p50 for bucket in buckets])
    p95 = Plot("p95", "p95", [bucket.latency_ms.p95 for bucket in buckets])
    cost = Plot("Cost", "cost", [bucket.cost_usd for bucket in buckets])
    tokens = Plot("Tokens", "tokens", [_number(bucket.total_tokens) for bucket in buckets])
    latency_title = "Latency p50 / p95"
    if any(value is not None for value in p95.values):
        latency = chart("chart-latency", latency_title, (p50, p95), "lines", series, format_ms)
    else:
        latency = _empty("chart-latency", latency_title, "No latency recorded in this window.")
    figures = (
        chart(
            "chart-requests",
            "Requests and errors",
            (requests, errors),
            "bars",
            series,
            format_count,
        ),
        latency,
        chart("chart-cost", "Cost (known prices)", (cost,), "bars", series, format_usd),
        chart("chart-tokens", "Tokens in + out", (tokens,), "bars", series, format_count),
    )
    note = (
        f'<p class="muted">{len(buckets)} buckets of {_e(describe_bucket(series.bucket_ns))},'
        f" times in UTC; refreshed every {REFRESH_S} s.</p>"
    )
    return f'{opening}{note}<div class="charts">{"".join(figures)}</div></section>'
