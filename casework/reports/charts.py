"""Charts of the report tables, drawn on the server as SVG with pygal.

A chart is drawn from a ``Table`` (casework/reports/tables.py), so it shows exactly the
figures of the table beside it. pygal's own script (a CDN link and an inline config) and its
tooltips are left out: charts work without JavaScript. ``inline`` SVG (for the page) has no
``<style>`` either, which the Content-Security-Policy would block: the page links
static/charts.css, which ``chart_stylesheet()`` generates from the same pygal style
(``python -m casework.reports.charts > casework/static/charts.css``). ``standalone`` SVG
(a file, or the year-in-review PDF) keeps its style element.
"""

from __future__ import annotations

import functools
import math
import sys
from dataclasses import dataclass
from typing import Any

import pygal
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from lxml import etree
from markupsafe import Markup
from pygal.style import Style

from casework.reports.tables import (
    ALL_ACTIONS,
    DURATION_LABELS,
    MEDIAN_TURNOUT,
    Cell,
    Column,
    Table,
)

# pygal appends to sys.meta_path a finder for its map plugins that has no find_spec(): every
# failed import anywhere afterwards then warns (ImportWarning). We draw no maps.
sys.meta_path[:] = [f for f in sys.meta_path if not isinstance(f, pygal.PluginImportFixer)]

CHART_CLASS = "report-chart"
# Okabe and Ito's palette: told apart by people with every common colour blindness.
COLORS = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#56B4E9", "#CC79A7", "#F0E442",
          "#000000")
STYLE = Style(
    background="transparent", plot_background="#ffffff", foreground="#373c44",
    foreground_strong="#1b1f24", foreground_subtle="#5d6570", opacity=".9",
    opacity_hover=".95", transition="0ms", colors=COLORS,
    font_family='system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", sans-serif',
    title_font_size=20, label_font_size=14, major_label_font_size=14, legend_font_size=14,
    value_font_size=14, value_label_font_size=14, tooltip_font_size=14, no_data_font_size=20,
)


@dataclass(frozen=True)
class ChartSpec:
    key: str
    table: str  # the key of the table it draws
    title: str  # lazy: in the page's language when drawn
    kind: str  # "bar", "hbar", "stacked", "line"
    series: tuple[str, ...]  # the table columns drawn, one series each ("*": every count)


CHARTS = (
    ChartSpec("funnel", "funnel", _l("Fights at each step"), "hbar", (_l("Fights"),)),
    ChartSpec("outcomes-by-issue", "outcomes-by-issue", _l("Outcomes by issue type"), "stacked",
              (_l("Won"), _l("Partial"), _l("Lost"))),
    ChartSpec("money", "money", _l("Money demanded and recovered by issue type (US$)"), "bar",
              (_l("Demanded"), _l("Recovered"))),
    ChartSpec("timing", "timing", _l("Median days between the stages"), "hbar",
              (_l("Median"),)),
    ChartSpec("actions", "actions", _l("Actions carried out per month, by kind"), "stacked",
              ("*",)),
    ChartSpec("turnout", "actions", _l("Median turnout per action, by month"), "line",
              (MEDIAN_TURNOUT,)),
    ChartSpec("calls", "calls", _l("Call lists: called, said yes, came"), "hbar",
              (_l("People"),)),
)


@dataclass(frozen=True)
class Chart:
    key: str
    title: str
    svg: Markup


def charts_for(table: Table, *, standalone: bool = False) -> list[Chart]:
    """The charts drawn from a table (none for an empty one)."""
    if table.is_empty:
        return []
    return [Chart(spec.key, str(spec.title),
                  Markup(render(spec, table, standalone=standalone)))  # noqa: S704 - pygal's own markup, our labels escaped by lxml
            for spec in CHARTS if spec.table == table.key]


def series_of(spec: ChartSpec, table: Table) -> list[tuple[str, list[float | None]]]:
    """(name, values) for each series; timing draws only its day measures."""
    if spec.series == ("*",):  # every count column but the first label and the totals
        left_out = (str(ALL_ACTIONS), str(MEDIAN_TURNOUT))
        names = [str(c.label) for c in table.columns[1:] if str(c.label) not in left_out]
    else:
        names = [str(name) for name in spec.series]
    return [(name, [None if v is None else float(v) for v in table.column(name)])
            for name in names]


def labels_of(spec: ChartSpec, table: Table) -> list[str]:
    return [str(label) for label in table.column(table.columns[0].label)]


def build(spec: ChartSpec, table: Table) -> Any:
    """The pygal chart object for a table."""
    charts = {"bar": pygal.Bar, "hbar": pygal.HorizontalBar, "stacked": pygal.StackedBar,
              "line": pygal.Line}
    labels = labels_of(spec, table)
    rows = None
    if spec.key == "timing":  # days only: "Actions before a win" is a count
        short = {str(label): str(days) for label, days in DURATION_LABELS.values() if days}
        rows = [i for i, label in enumerate(labels) if label in short]
        labels = [short[labels[i]] for i in rows]
    chart = charts[spec.kind](
        title=str(spec.title), style=STYLE, js=[], disable_xml_declaration=True, width=640,
        height=400 if spec.kind != "hbar" else 80 + 44 * max(len(labels), 2),
        print_values=spec.kind in ("hbar", "bar"), show_legend=len(spec.series) > 1
        or spec.series == ("*",), legend_at_bottom=True, legend_at_bottom_columns=3,
        x_label_rotation=30 if spec.kind in ("stacked", "line") and len(labels) > 6 else 0,
        truncate_label=-1, truncate_legend=-1, include_x_axis=True, min_scale=1,
        value_formatter=lambda v: f"{v:,.1f}".removesuffix(".0"), show_y_guides=True,
        margin=12,
    )
    chart.uuid = spec.key  # a stable id: the styles of standalone charts name it
    series = [(name, values if rows is None else [values[i] for i in rows])
              for name, values in series_of(spec, table)]
    if spec.kind == "hbar":  # pygal draws the first bar at the bottom: read top-down
        labels = labels[::-1]
        series = [(name, values[::-1]) for name, values in series]
    chart.x_labels = labels
    if spec.kind == "stacked":  # whole numbers of fights or actions on the axis
        top = max((sum(v or 0 for v in column) for column in zip(*(s[1] for s in series),
                                                                  strict=True)), default=0)
        step = max(1, math.ceil(top / 8))
        chart.y_labels = list(range(0, int(top) + step + 1, step))
    for name, values in series:
        chart.add(name, values)
    return chart


def render(spec: ChartSpec, table: Table, *, standalone: bool = False) -> str:
    """The chart as SVG markup: no script, no tooltips; no style element unless standalone.

    Drawing takes pygal ~25 ms a chart; the same figures always give the same markup, so the
    last charts drawn are kept (a page reloaded with unchanged figures draws nothing).
    """
    rows = tuple(tuple(row) for row in table.rows)
    return _render(spec, str(get_locale()), table.key, tuple(table.columns), rows,
                   table.has_total_row, standalone)


@functools.lru_cache(maxsize=128)
def _render(spec: ChartSpec, language: str, key: str, columns: tuple[Column, ...],
            rows: tuple[tuple[Cell, ...], ...], has_total_row: bool, standalone: bool) -> str:
    """``language``: the spec's words are drawn in it (a chart is kept per language)."""
    table = Table(key, "", list(columns), [list(row) for row in rows], "",
                  has_total_row=has_total_row)
    root = build(spec, table).render_tree()
    for node in list(root.iter("script")):
        node.getparent().remove(node)
    for node in list(root.iter()):
        is_comment = not isinstance(node.tag, str)  # "Generated with pygal…"
        if is_comment or "tooltip" in node.get("class", "").split():
            node.getparent().remove(node)
    if not standalone:
        for node in list(root.iter("style")):
            node.getparent().remove(node)
    for node in root.iter():  # valid HTML with several charts on a page
        if node is not root and node.get("id"):  # pygal's ids serve only its script
            del node.attrib["id"]
        if node.tag == "rect" and node.get("width") is None:  # pygal's zero-width bars
            node.set("width", "0")
    root.set("class", f"pygal-chart {CHART_CLASS}")
    root.set("role", "img")
    title = root.find("title")
    if title is not None:
        title.set("id", f"chart-{spec.key}-title")
        root.set("aria-labelledby", f"chart-{spec.key}-title")
    return etree.tostring(root, encoding="unicode")


def chart_stylesheet() -> str:
    """pygal's styles for STYLE, written for inline charts (selectors under .report-chart)."""
    chart = pygal.StackedBar(style=STYLE, js=[], title="styles")
    chart.uuid = "styles"
    for index in range(len(COLORS)):
        chart.add(f"series {index}", [1])
    root = chart.render_tree()
    css = "\n".join(node.text or "" for node in root.iter("style"))
    header = ("/* Generated by casework/reports/charts.py (chart_stylesheet) from pygal's "
              "styles: do not edit. */\n")
    return header + css.replace("#chart-styles ", f".{CHART_CLASS} ").replace(
        "#chart-styles", f".{CHART_CLASS}") + "\n"


if __name__ == "__main__":
    print(chart_stylesheet(), end="")  # noqa: T201 - the command that writes charts.css
