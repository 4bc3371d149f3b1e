"""The state machine as an SVG picture, drawn by Graphviz on the server from the table."""

from __future__ import annotations

from functools import lru_cache

import graphviz
from flask_babel import get_locale
from flask_babel import gettext as _

from casework.workflow.states import ENDED_STATES, CaseState
from casework.workflow.table import BY_TRIGGER, TRANSITIONS

CURRENT_FILL = "#ffd166"
ENDED_FILL = "#e9ecef"
FANNED_OUT = {"pause", "resume", "reopen"}  # drawn once each, not from every state


def workflow_svg(current: CaseState | None = None) -> str:
    """The diagram with ``current`` highlighted, in the user's language."""
    return drawn_workflow(current, str(get_locale() or "en"))


@lru_cache(maxsize=4 * (len(CaseState) + 1))
def drawn_workflow(current: CaseState | None, _language: str) -> str:
    """The diagram in one language (the cache's key); the table never changes at run time."""
    graph = graphviz.Digraph("workflow", format="svg", graph_attr={
        "rankdir": "LR", "fontname": "Helvetica", "bgcolor": "transparent", "nodesep": "0.35",
    }, node_attr={"shape": "box", "style": "rounded,filled", "fontname": "Helvetica",
                  "fillcolor": "white"}, edge_attr={"fontname": "Helvetica", "fontsize": "10"})
    for state in CaseState:
        fill = CURRENT_FILL if state == current else ENDED_FILL if state in ENDED_STATES \
            else "white"
        label = _("%(state)s\n(now)", state=state.label) if state == current \
            else str(state.label)
        graph.node(state.value, label=label, fillcolor=fill,
                   penwidth="3" if state == current else "1")
    for transition in TRANSITIONS:
        if transition.trigger in FANNED_OUT or transition.dest is None:
            continue
        for source in transition.sources:
            if source == CaseState.PAUSED:
                continue
            graph.edge(source.value, transition.dest.value, label=str(transition.label))
    graph.edge("inquiry", "paused", label=_("Pause (from any open state)"), style="dashed")
    graph.edge("paused", "inquiry", label=_("Resume (back where it was)"), style="dashed")
    graph.edge("paused", "closed", label=str(BY_TRIGGER["close"].label), style="dashed")
    graph.edge("won", "screening", label=_("Reopen (coordinator; back where it ended)"),
               style="dotted", constraint="false")
    return graph.pipe(encoding="utf-8")
