"""How much one letter may hold, so that any letter renders in a few seconds at most.

A process renders one letter at a time (see ``rendering``), so a letter that took a minute to
lay out would hold up every other letter. The forms refuse more than this next to the field,
and the services refuse it too, so no path (command line, demo data) gets around them. An
organizer writes far less: a usual demand is a sentence, a letter one or two pages.

``bench/letters.py`` renders the largest letter these limits allow and prints its time.
"""

from __future__ import annotations

from collections.abc import Mapping

from flask_babel import gettext as _

MAX_DEMANDS = 20
MAX_DEMAND_DESCRIPTION = 500
MAX_DEMAND_CALCULATION = 1_000
# A letter's own "what happened", in each of its languages (as long as the case's own field).
MAX_WRONGS = 10_000
# The texts typed for a letter version (``LetterContext.extra``).
MAX_TEXT_LENGTHS: Mapping[str, int] = {
    "headline": 120,
    "action_summary": 3_000,
    "terms": 4_000,
    "note": 2_000,
}
# What the renderer accepts from any source (old data, a stored snapshot, the case's own long
# texts): checked on the HTML before the costly layout, in lines of about CHARS_PER_LINE
# characters (typed line breaks count: 5,000 short lines would make 200 pages), and on the
# laid-out pages before the PDF is written. The largest letter the limits above allow (a
# Spanish one, printed with its English copy) is about 28 pages and 1,600 such lines.
MAX_PAGES = 40
CHARS_PER_LINE = 100
MAX_HTML_LINES = 2_000


def html_lines(html: str) -> int:
    """About how many lines a document lays out: its line breaks (typed text keeps them) plus
    its length in lines of ``CHARS_PER_LINE``. Cheap, and proportional to the layout's cost."""
    return html.count("\n") + len(html) // CHARS_PER_LINE


def too_many_demands_message() -> str:
    return _("This case already has %(num)s demands, the most one letter can hold: remove or "
             "combine some first.", num=MAX_DEMANDS)


def too_long_message(limit: int) -> str:
    return _("Keep this to %(limit)s characters.", limit=f"{limit:,}")


def overlong_texts(texts: Mapping[str, str]) -> dict[str, str]:
    """The letter texts longer than their limit, each with the message to show beside it."""
    return {key: too_long_message(limit) for key, limit in MAX_TEXT_LENGTHS.items()
            if len(texts.get(key) or "") > limit}
