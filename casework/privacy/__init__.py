"""Members' personal data: exports (full or pseudonymised), pseudonyms, retention purge.

- ``pseudonyms``: stable, unguessable stand-ins for people (``Member-3F9A2C1D``).
- ``export``: the case export as CSV rows, safe to open in a spreadsheet.
- ``second_factor``: the fresh-2FA check a full export needs.
- ``purge``: remove personal data from long-ended fights, keep the anonymous facts.
- ``views`` (``/export``) and ``cli`` (``flask casework purge``).
"""
