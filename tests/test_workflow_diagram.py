"""The workflow diagram speaks in words: move and state labels, not code names."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from flask.testing import FlaskClient

from casework.models import Role
from casework.workflow.states import CaseState


@pytest.mark.parametrize("state", [CaseState.DRAFTING, CaseState.NEGOTIATING], ids=str)
def test_diagram_shows_moves_and_states_in_words(
    make_user: Callable[..., int], login_as: Callable[[int], FlaskClient], state: CaseState,
) -> None:
    client = login_as(make_user(Role.ORGANIZER))
    svg = client.get(f"/workflow/diagram.svg?state={state.value}").get_data(as_text=True)
    shown = set(re.findall(r"<text[^>]*>([^<]*)</text>", svg))
    assert {"Approve the letter", "Record the delivery", "Propose to the meeting",
            "Start screening", "Inquiry", "Screening", "Negotiating", "(now)"} <= shown
    assert not shown & {"approve_letter", "open_talks", "revise_letter", "screen", "inquiry",
                        "negotiating"}
    now = svg.index("(now)")
    assert svg.rindex(str(state.label), 0, now) > svg.rindex("<g id=\"node", 0, now)
