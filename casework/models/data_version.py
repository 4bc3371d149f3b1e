"""One row whose token changes with every transaction that writes (casework/data_version.py).

Whatever is computed from the database alone, at a given token, stays right for as long as
the token is the same: the reports keep their figures by it.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from casework.extensions import Model


class DataVersion(Model):
    __tablename__ = "data_version"

    id: Mapped[int] = mapped_column(primary_key=True)  # always 1
    token: Mapped[str] = mapped_column(sa.String(32))
