"""Plain records exchanged between the application and :mod:`matching`.

The application turns its database rows into :class:`OrgRecord` and :class:`EdgeRecord`,
fits a :class:`~matching.matcher.Matcher`, and receives :class:`Candidate` objects whose
:class:`Reason` tuples it renders in the reader's language.

Examples
--------
>>> from matching.records import OrgRecord, EdgeRecord, Reason, Candidate
>>> OrgRecord("acme", "company", themes=("living-wage",)).is_group
False
>>> EdgeRecord("acme", "garment-covenant", "member_of").active
True
>>> Reason("shared_theme", {"theme": "living-wage"}, 0.25).to_dict()
{'code': 'shared_theme', 'params': {'theme': 'living-wage'}, 'weight': 0.25}
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "COMPANY",
    "EDGE_TYPES",
    "GROUP_KINDS",
    "ORG_KINDS",
    "STAKEHOLDER_KINDS",
    "SUGGESTION_KINDS",
    "Candidate",
    "EdgeRecord",
    "OrgRecord",
    "Reason",
]

COMPANY = "company"
#: Kinds that are stakeholders: every kind but ``company`` and the group kinds.
STAKEHOLDER_KINDS = frozenset(
    {"union", "ngo", "initiative", "government", "knowledge_institute", "industry_association"}
)
#: Kinds that are groups: organisations others are ``member_of``; never suggested.
GROUP_KINDS = frozenset({"covenant", "network", "programme"})
ORG_KINDS = frozenset({COMPANY}) | STAKEHOLDER_KINDS | GROUP_KINDS
#: Relationship types; ``member_of`` points from a member to its group.
EDGE_TYPES = frozenset({"member_of", "partner", "supplier_of", "introduced", "dispute"})
SUGGESTION_KINDS = ("peer", "stakeholder")


@dataclass(frozen=True, slots=True)
class OrgRecord:
    """One organisation as the matcher sees it.

    Parameters
    ----------
    slug : str
        Unique identifier.
    kind : str
        ``company``, a stakeholder kind (see ``STAKEHOLDER_KINDS``) or a group kind
        (``covenant``, ``network``, ``programme``).
    name, description, offers, seeks : str
        Free text; ``offers`` is what it can bring, ``seeks`` what it looks for.
    sectors, themes : tuple of str
        Vocabulary slugs.
    countries : tuple of str
        ISO 3166-1 alpha-2 codes (operating or sourcing countries).
    open_to_introductions : bool
        ``False`` means the organisation is never offered as a candidate to others.

    Examples
    --------
    >>> OrgRecord("fnv", "union", countries=("BD",)).is_stakeholder
    True
    >>> OrgRecord("garment-covenant", "covenant").is_group
    True
    """

    slug: str
    kind: str
    name: str = ""
    description: str = ""
    offers: str = ""
    seeks: str = ""
    sectors: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    themes: tuple[str, ...] = ()
    open_to_introductions: bool = True

    @property
    def is_group(self) -> bool:
        """Whether the organisation is a covenant, network or programme."""
        return self.kind in GROUP_KINDS

    @property
    def is_stakeholder(self) -> bool:
        """Whether the organisation is a stakeholder (not a company, not a group)."""
        return self.kind in STAKEHOLDER_KINDS


@dataclass(frozen=True, slots=True)
class EdgeRecord:
    """One relationship between two organisations.

    Parameters
    ----------
    source, target : str
        Organisation slugs; for ``member_of`` the source is the member, the target the group.
    type : str
        ``member_of``, ``partner``, ``supplier_of``, ``introduced`` or ``dispute``.
    active : bool
        ``False`` for a relationship that has ended (its ``until`` has passed).

    Examples
    --------
    >>> EdgeRecord("acme", "fnv", "dispute", active=False)
    EdgeRecord(source='acme', target='fnv', type='dispute', active=False)
    """

    source: str
    target: str
    type: str
    active: bool = True


@dataclass(frozen=True, slots=True)
class Reason:
    """Why a candidate was suggested: a code, the concrete thing it names, its share.

    Parameters
    ----------
    code : str
        One of the codes documented in :mod:`matching.reasons`.
    params : Mapping[str, str]
        Slugs or codes naming the shared thing, e.g. ``{"group": "gold-covenant"}``.
    weight : float
        Share of the suggestion's score that this reason accounts for (0 to 1).

    Examples
    --------
    >>> Reason("shared_country", {"country": "IN"}, 0.1).to_dict()["params"]
    {'country': 'IN'}
    """

    code: str
    params: Mapping[str, str] = field(hash=False)
    weight: float

    def to_dict(self) -> dict[str, Any]:
        """Return ``{"code", "params", "weight"}`` with plain ``dict`` params (JSON-ready)."""
        return {"code": self.code, "params": dict(self.params), "weight": self.weight}


@dataclass(frozen=True, slots=True)
class Candidate:
    """A suggested organisation for ``org`` with its score and reasons.

    Parameters
    ----------
    org : str
        Slug of the organisation receiving the suggestion.
    candidate : str
        Slug of the suggested organisation.
    kind : str
        ``peer`` or ``stakeholder``.
    score : float
        Higher is better; comparable within one kind of one fitted model.
    reasons : tuple of Reason
        At most four, strongest first; at least one names a concrete shared thing.

    Examples
    --------
    >>> reason = Reason("shared_sector", {"sector": "gold"}, 0.4)
    >>> c = Candidate("acme", "bolt", "peer", 0.5, (reason,))
    >>> c.to_dict()["reasons"][0]["code"]
    'shared_sector'
    """

    org: str
    candidate: str
    kind: str
    score: float
    reasons: tuple[Reason, ...]

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready ``dict`` with the reasons as dicts."""
        return {
            "org": self.org,
            "candidate": self.candidate,
            "kind": self.kind,
            "score": self.score,
            "reasons": [reason.to_dict() for reason in self.reasons],
        }
