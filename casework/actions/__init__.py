"""The escalation ladder: actions of a fight, their roles, call lists and turnout."""
