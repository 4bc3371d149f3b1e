"""The plain data a letter is rendered from: the contract between the database and the renderer.

The integrator fills a :class:`LetterContext` from the case, the network and the target; the
renderer never sees an ORM object. :func:`to_snapshot` turns a context into JSON-safe data that is
stored with a frozen letter, and :func:`from_snapshot` reads it back, so a delivered letter can be
re-rendered from exactly the data it was made from, never from today's data.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any, Literal, cast, get_args

Language = Literal["en", "es"]
PageSize = Literal["A4", "Letter"]
DemandKind = Literal["money", "action"]

LANGUAGES: tuple[Language, ...] = get_args(Language)
PAGE_SIZES: tuple[PageSize, ...] = get_args(PageSize)
DEMAND_KINDS: tuple[DemandKind, ...] = get_args(DemandKind)

# Version of the snapshot layout; bump it (and teach from_snapshot the old one) when fields change.
# Version 1 had no per-language texts (a Spanish letter repeated the English ones).
SNAPSHOT_VERSION = 2


class LetterKind(StrEnum):
    """What the document is: the letter kinds of the design card plus the action leaflet."""

    DEMAND = "demand"
    ESCALATION = "escalation"
    FINAL_NOTICE = "final_notice"
    SETTLEMENT = "settlement"
    LEAFLET = "leaflet"


# The keys ``LetterContext.extra`` may carry. Unknown keys are refused so that a typo in the
# integration ("headine") fails at once instead of silently dropping text from a letter.
EXTRA_KEYS: Mapping[str, str] = {
    "headline": "leaflet: replaces the 'Don't rent here' / 'Don't shop here' headline",
    "action_summary": "escalation: what the network is doing now that the deadline has passed",
    "terms": "settlement: the agreed terms, as typed",
    "note": "any kind: a closing paragraph, as typed",
}


def _check_encodable(text: str) -> None:
    # A lone surrogate (possible from a JSON "\\ud800" escape) would only fail deep inside
    # WeasyPrint; refuse it here, where the caller can say which data is wrong.
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as error:
        raise ValueError(f"text is not valid Unicode: {text[:40]!r}") from error


@dataclass(frozen=True, slots=True)
class Demand:
    """One demand: money (with its amount and how it was computed) or an action to take."""

    kind: DemandKind
    description: str
    amount: Decimal | None = None
    calculation: str = ""

    def __post_init__(self) -> None:
        if self.kind not in DEMAND_KINDS:
            raise ValueError(f"demand kind must be one of {DEMAND_KINDS}, not {self.kind!r}")
        if not self.description.strip():
            raise ValueError("a demand needs a description")
        if self.kind == "money":
            if self.amount is None:
                raise ValueError("a money demand needs an amount")
            if not self.amount.is_finite() or self.amount < 0:
                raise ValueError(f"a money demand needs a positive amount, not {self.amount}")
        elif self.amount is not None:
            raise ValueError("an action demand has no amount")


@dataclass(frozen=True, slots=True)
class LetterText:
    """The letter's own words in one language: the subject, what happened, each demand's
    wording and calculation (in the order of ``LetterContext.demands``) and the kind's texts."""

    issue_label: str = ""
    wrongs: str = ""
    demands: tuple[str, ...] = ()
    calculations: tuple[str, ...] = ()
    extra: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "demands", tuple(self.demands))
        object.__setattr__(self, "calculations", tuple(self.calculations))
        object.__setattr__(self, "extra", dict(self.extra))
        unknown = sorted(set(self.extra) - set(EXTRA_KEYS))
        if unknown:
            raise ValueError(f"unknown extra keys {unknown}; known: {sorted(EXTRA_KEYS)}")
        texts = (self.issue_label, self.wrongs, *self.demands, *self.calculations,
                 *self.extra.values())
        if not all(isinstance(text, str) for text in texts):
            raise TypeError("letter texts must be strings")
        for text in texts:
            _check_encodable(text)


@dataclass(frozen=True, slots=True)
class LetterContext:
    """Everything a letter shows, as plain data (strings exactly as typed, dates, decimals).

    ``member_name`` is a name only: the letter gives the network's contact details, never the
    member's own phone or address. ``deadline`` is the real date once the letter is delivered;
    before that (a preview) it may be ``None`` and the letter says "within N days" instead.
    ``extra`` carries the kind-specific texts listed in :data:`EXTRA_KEYS`.

    ``languages`` are the versions the document holds, in order (empty: see
    :attr:`printed_languages`). ``texts`` holds the letter's own words per language; a
    language without an entry shows ``wrongs``, the demands' descriptions and ``extra``
    (snapshots of version 1 were made that way).
    """

    kind: LetterKind
    language: Language
    network_name: str
    network_phone: str
    network_email: str
    network_address: str
    page_size: PageSize
    reference: str
    letter_date: date
    target_name: str
    target_address: str
    member_name: str
    wrongs: str
    demands: tuple[Demand, ...]
    deadline: date | None
    deadline_days: int
    issue_label: str
    extra: Mapping[str, str] = field(default_factory=dict)
    languages: tuple[Language, ...] = ()
    texts: Mapping[Language, LetterText] = field(default_factory=dict)
    # Printed under the network's signature instead of its name when set (network settings).
    signature_line: str = ""

    def __post_init__(self) -> None:
        # Coerce the enum and the sequence so that callers may pass "demand" or a list; object
        # __setattr__ is the documented way to do that inside a frozen dataclass.
        object.__setattr__(self, "kind", LetterKind(self.kind))
        object.__setattr__(self, "demands", tuple(self.demands))
        object.__setattr__(self, "extra", dict(self.extra))
        if self.language not in LANGUAGES:
            raise ValueError(f"language must be one of {LANGUAGES}, not {self.language!r}")
        object.__setattr__(self, "languages", tuple(self.languages))
        object.__setattr__(self, "texts", dict(self.texts))
        languages = self.printed_languages
        if not set(languages) <= set(LANGUAGES) or len(set(languages)) != len(languages):
            raise ValueError(f"languages must be distinct ones of {LANGUAGES}, not {languages}")
        if not set(self.texts) <= set(languages):
            raise ValueError(f"texts given for languages the letter does not hold: {self.texts}")
        if not all(isinstance(text, LetterText) for text in self.texts.values()):
            raise TypeError("texts must be LetterText instances")
        if self.page_size not in PAGE_SIZES:
            raise ValueError(f"page_size must be one of {PAGE_SIZES}, not {self.page_size!r}")
        if self.deadline_days < 0:
            raise ValueError("deadline_days cannot be negative")
        if not all(isinstance(demand, Demand) for demand in self.demands):
            raise TypeError("demands must be Demand instances")
        unknown = sorted(set(self.extra) - set(EXTRA_KEYS))
        if unknown:
            raise ValueError(f"unknown extra keys {unknown}; known: {sorted(EXTRA_KEYS)}")
        if not all(isinstance(value, str) for value in self.extra.values()):
            raise TypeError("extra values must be strings")
        texts = [getattr(self, name) for name in _TEXT_FIELDS]
        texts += [text for d in self.demands for text in (d.description, d.calculation)]
        for text in (*texts, *self.extra.values()):
            _check_encodable(text)

    @property
    def printed_languages(self) -> tuple[Language, ...]:
        """The versions the document holds, in order: ``languages``, or by default the
        language's own, a Spanish one followed by the English one."""
        return self.languages or (("es", "en") if self.language == "es" else ("en",))

    def text_for(self, language: Language) -> LetterText:
        """The words of the letter in ``language``, one wording and calculation per demand."""
        given = self.texts.get(language)
        if given is None:
            return LetterText(self.issue_label, self.wrongs,
                              tuple(d.description for d in self.demands),
                              tuple(d.calculation for d in self.demands), self.extra)
        count = len(self.demands)
        pad = ("",) * count
        return LetterText(given.issue_label, given.wrongs, (given.demands + pad)[:count],
                          (given.calculations + pad)[:count], given.extra)

    @property
    def total_amount(self) -> Decimal:
        """The sum of the money demands (zero when there are none)."""
        return sum((d.amount for d in self.demands if d.amount is not None), Decimal(0))


_TEXT_FIELDS = (
    "network_name", "network_phone", "network_email", "network_address", "reference",
    "target_name", "target_address", "member_name", "wrongs", "issue_label", "signature_line",
)  # fmt: skip


def to_snapshot(ctx: LetterContext) -> dict[str, Any]:
    """The context as JSON-serialisable data: dates as ISO strings, amounts as strings."""
    return {
        "version": SNAPSHOT_VERSION,
        "kind": ctx.kind.value,
        "language": ctx.language,
        "network_name": ctx.network_name,
        "network_phone": ctx.network_phone,
        "network_email": ctx.network_email,
        "network_address": ctx.network_address,
        "page_size": ctx.page_size,
        "reference": ctx.reference,
        "letter_date": ctx.letter_date.isoformat(),
        "target_name": ctx.target_name,
        "target_address": ctx.target_address,
        "member_name": ctx.member_name,
        "wrongs": ctx.wrongs,
        "demands": [
            {
                "kind": demand.kind,
                "description": demand.description,
                "amount": None if demand.amount is None else str(demand.amount),
                "calculation": demand.calculation,
            }
            for demand in ctx.demands
        ],
        "deadline": None if ctx.deadline is None else ctx.deadline.isoformat(),
        "deadline_days": ctx.deadline_days,
        "issue_label": ctx.issue_label,
        "extra": dict(sorted(ctx.extra.items())),
        "languages": list(ctx.languages),
        "texts": {
            language: {
                "issue_label": text.issue_label,
                "wrongs": text.wrongs,
                "demands": list(text.demands),
                "calculations": list(text.calculations),
                "extra": dict(sorted(text.extra.items())),
            }
            for language, text in ctx.texts.items()
        },
        "signature_line": ctx.signature_line,
    }


def from_snapshot(data: Mapping[str, Any]) -> LetterContext:
    """Rebuild the context stored by :func:`to_snapshot`; raises ValueError on bad data."""
    version = data.get("version")
    if version not in (1, SNAPSHOT_VERSION):
        raise ValueError(f"unsupported letter snapshot version {version!r}")
    try:
        demands = tuple(
            Demand(
                kind=cast(DemandKind, item["kind"]),
                description=item["description"],
                amount=None if item["amount"] is None else Decimal(item["amount"]),
                calculation=item["calculation"],
            )
            for item in data["demands"]
        )
        deadline = data["deadline"]
        texts = {
            cast(Language, language): LetterText(
                issue_label=text["issue_label"], wrongs=text["wrongs"],
                demands=tuple(text["demands"]), calculations=tuple(text["calculations"]),
                extra=dict(text["extra"]))
            for language, text in dict(data.get("texts", {})).items()
        }
        return LetterContext(
            kind=LetterKind(data["kind"]),
            language=data["language"],
            network_name=data["network_name"],
            network_phone=data["network_phone"],
            network_email=data["network_email"],
            network_address=data["network_address"],
            page_size=data["page_size"],
            reference=data["reference"],
            letter_date=date.fromisoformat(data["letter_date"]),
            target_name=data["target_name"],
            target_address=data["target_address"],
            member_name=data["member_name"],
            wrongs=data["wrongs"],
            demands=demands,
            deadline=None if deadline is None else date.fromisoformat(deadline),
            deadline_days=int(data["deadline_days"]),
            issue_label=data["issue_label"],
            extra=dict(data["extra"]),
            languages=tuple(data.get("languages", ())),
            texts=texts,
            # Snapshots made before the network had a signature line sign with its name.
            signature_line=str(data.get("signature_line", "")),
        )
    except (KeyError, TypeError, InvalidOperation) as error:
        raise ValueError(f"malformed letter snapshot: {error!r}") from error
