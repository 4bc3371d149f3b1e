"""The year in review as a PDF: the reports' figures for one calendar year, with charts.

The figures come from the reports service (``network_report``), for the whole calendar year
in the network's time zone, without per-person figures (the assembly reads it). The document
is plain HTML from one Jinja template, laid out by the letters' renderer: the same bundled
fonts, the same fetcher that loads nothing but bundled assets. Charts are pygal SVG drawn
here, inline, with the figures of the table beside them.
"""

from __future__ import annotations

import functools
import sys
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any, Final

import jinja2
import pygal
from markupsafe import Markup
from pygal.style import Style

from casework.letters.context import Language
from casework.letters.i18n import format_date
from casework.letters.rendering import render_pdf_from_html
from casework.models import Network, PageSize
from casework.reports.figures import Report, network_report
from casework.reports.period import Period
from casework.year_review import texts
from casework.year_review.texts import WORDS, money, number, percent

# pygal appends to sys.meta_path a finder for its map plugins that has no find_spec(): every
# failed import anywhere afterwards then warns (ImportWarning). No maps are drawn here (the
# reports' charts module removes it the same way; doing it twice is harmless).
sys.meta_path[:] = [f for f in sys.meta_path if not isinstance(f, pygal.PluginImportFixer)]

TEMPLATES_DIR: Final = Path(__file__).resolve().parents[2] / "templates" / "year_review"
# Okabe and Ito's colours, told apart with every common colour blindness (as the reports).
CHART_STYLE: Final = Style(
    background="transparent", plot_background="#ffffff", foreground="#333333",
    foreground_strong="#111111", foreground_subtle="#666666", opacity="1",
    colors=("#0072B2", "#E69F00", "#D55E00", "#009E73"), font_family="IBM Plex Sans",
    title_font_size=16, label_font_size=12, major_label_font_size=12, legend_font_size=12,
    value_font_size=11, no_data_font_size=14, guide_stroke_dasharray="1,4",
    major_guide_stroke_dasharray="1,4")


@dataclass(frozen=True)
class Row:
    """One table row: its label and its cells, already written out in the language."""

    label: str
    cells: tuple[str, ...]


def year_report(network: Network, year: int, today: date) -> Report:
    """The figures of one calendar year, as the reports page counts them."""
    zone = network.timezone or "UTC"
    return network_report(network, Period.year(zone, year), include_people=False, today=today)


def year_review_pdf(network: Network, year: int, language: Language, today: date) -> bytes:
    """The PDF for the general assembly."""
    return render_pdf_from_html(year_review_html(network, year, language, today))


def year_review_html(network: Network, year: int, language: Language, today: date) -> str:
    report = year_report(network, year, today)
    template = environment().get_template("document.html")
    return template.render(context(report, network, year, language))


@functools.cache
def environment() -> jinja2.Environment:
    return jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES_DIR), autoescape=True,
                              undefined=jinja2.StrictUndefined, trim_blocks=True,
                              lstrip_blocks=True)


def context(report: Report, network: Network, year: int, language: Language) -> dict[str, Any]:
    """Plain strings for the template: every figure formatted in the document's language."""
    w = WORDS[language]
    funnel, overall = report.funnel, report.outcomes.overall
    money_all, mobilization = report.money.overall, report.mobilization

    def n(value: float | int | None, places: int = 0) -> str:
        return number(value, language, places)

    steps = [Row(w[step.key], (n(step.count),)) for step in funnel.steps()]
    steps.append(Row(w["declined"], (n(funnel.declined),)))
    outcome_rows = [Row(texts.issue(row.key, language), (n(row.won), n(row.partial), n(row.lost),
                                                         n(row.closed),
                                                         percent(row.win_rate, language)))
                    for row in report.outcomes.by_issue]
    money_rows = [Row(texts.issue(row.key, language), (
        n(row.fights), money(row.demanded, language), money(row.recovered, language),
        money(row.median_recovered, language))) for row in report.money.by_issue]
    timing = report.timing
    return {
        "w": w, "language": language, "network_name": network.name,
        "is_letter": network.page_size == PageSize.LETTER,
        "title": w["title"].format(year=year),
        "subtitle": w["subtitle"].format(network=network.name),
        "made_on": w["made_on"].format(date=format_date(report.today, language)),
        "is_empty": report.is_empty, "empty": w["empty"].format(year=year),
        "key_figures": [
            Row(w["inquiries"], (n(funnel.inquiries),)), Row(w["taken"], (n(funnel.taken),)),
            Row(w["won"], (n(funnel.won),)), Row(w["partial"], (n(funnel.partial),)),
            Row(w["lost"], (n(funnel.lost),)),
            Row(f"{w['win_rate']} ({w['win_rate_note']})", (percent(overall.win_rate, language),)),
            Row(w["demanded"], (money(money_all.demanded, language),)),
            Row(w["recovered"], (money(money_all.recovered, language),)),
            Row(w["actions"], (n(mobilization.actions),)),
            Row(w["median_turnout"], (n(mobilization.median_turnout, 1),)),
        ],
        "steps": steps,
        "decline_reasons": [Row(texts.DECLINE_REASONS[language].get(c.key, c.label),
                                (n(c.count),)) for c in funnel.decline_reasons],
        "outcomes": outcome_rows,
        "outcomes_all": Row(w["all"], (n(overall.won), n(overall.partial), n(overall.lost),
                                       n(overall.closed), percent(overall.win_rate, language))),
        "money": money_rows,
        "money_all": Row(w["all"], (n(money_all.fights), money(money_all.demanded, language),
                                    money(money_all.recovered, language),
                                    money(money_all.median_recovered, language))),
        "timing": [Row(w[key], (n(duration.median, 1), n(duration.fights))) for key, duration in (
            ("inquiry_to_decision", timing.inquiry_to_decision),
            ("decision_to_delivery", timing.decision_to_delivery),
            ("delivery_to_win", timing.delivery_to_win))],
        "mobilization": [Row(w["actions"], (n(mobilization.actions),)),
                         Row(w["actions_before_win"], (n(timing.actions_before_win.median, 1),)),
                         Row(w["median_turnout"], (n(mobilization.median_turnout, 1),)),
                         Row(w["called"], (n(mobilization.calls.called),)),
                         Row(w["said_yes"], (n(mobilization.calls.said_yes),)),
                         Row(w["came"], (n(mobilization.calls.came),))],
        "load": [Row(w["open_fights"], (n(report.load.open_fights),)),
                 Row(w["past_deadline"], (n(report.load.past_deadline),))],
        "repeat_targets": [Row(t.name, (n(t.fights), n(t.won)))
                           for t in report.load.repeat_targets],
        "charts": charts(report, language) if not report.is_empty else {},
    }


def charts(report: Report, language: Language) -> dict[str, Markup]:
    """The funnel, outcomes and money charts, drawn from the same figures as their tables."""
    w = WORDS[language]
    drawn = {}
    steps = report.funnel.steps()[::-1]  # pygal draws the first bar at the bottom
    drawn["funnel"] = bar_chart(pygal.HorizontalBar, w["chart_funnel"],
                                [w[s.key] for s in steps],
                                [(w["fights"], [s.count for s in steps])])
    issues = report.outcomes.by_issue
    if issues:
        drawn["outcomes"] = bar_chart(
            pygal.StackedBar, w["chart_outcomes"], [texts.issue(r.key, language) for r in issues],
            [(w["won"], [r.won for r in issues]), (w["partial"], [r.partial for r in issues]),
             (w["lost"], [r.lost for r in issues])])
    money_rows = report.money.by_issue
    if money_rows:
        drawn["money"] = bar_chart(
            pygal.Bar, w["chart_money"], [texts.issue(r.key, language) for r in money_rows],
            [(w["demanded"], [float(r.demanded) for r in money_rows]),
             (w["recovered"], [float(r.recovered) for r in money_rows])],
            formatter=lambda value: money(None if value is None else Decimal(str(value)),
                                          language))
    return drawn


def bar_chart(kind: Any, title: str, labels: list[str],
              series: list[tuple[str, list[int] | list[float]]],
              formatter: Any = None) -> Markup:
    """One pygal chart as inline SVG: no script, printed values, the legend below. Counts get
    whole-number ticks (no "0.2 fights")."""
    options: dict[str, Any] = {"value_formatter": formatter} if formatter else {}
    if all(isinstance(v, int) for _, values in series for v in values):
        stacked = kind is pygal.StackedBar
        top = max([sum(column) for column in zip(*(v for _, v in series), strict=True)]
                  if stacked else [v for _, values in series for v in values] or [0])
        step = max(1, -(-int(top) // 5))
        options["y_labels"] = list(range(0, int(top) + step + 1, step))
    chart = kind(style=CHART_STYLE, width=760, height=270, title=title, js=[],
                 disable_xml_declaration=True, explicit_size=True, legend_at_bottom=True,
                 legend_at_bottom_columns=len(series), print_values=True, print_zeroes=False,
                 margin=10, **options)
    chart.x_labels = labels
    for name, values in series:
        chart.add(name, values)
    # pygal builds the SVG as an XML tree, escaping every label; it carries no user HTML.
    return Markup(chart.render(is_unicode=True))  # noqa: S704
