"""The network seen from above (coordinators) and from one organisation (its ego network)."""

from __future__ import annotations

import html
import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import lru_cache

from sqlalchemy import func, or_, select
from sqlmodel import Session, col

from convene.models import (
    GROUP_KINDS,
    IntroductionRequest,
    Organisation,
    OrganisationKind,
    Relationship,
    RelationshipType,
)
from convene.organisations import repository as repo

KIND_COLOURS = {
    "company": "#1f5fa8",
    "union": "#b3261e",
    "ngo": "#2e7d32",
    "initiative": "#8e24aa",
    "government": "#5d4037",
    "knowledge_institute": "#00838f",
    "industry_association": "#ef6c00",
    "covenant": "#455a64",
    "network": "#212121",
    "programme": "#6d4c41",
}
EGO_CAP = 40  # neighbours drawn around one organisation; hubs are summarised beyond it


@dataclass
class Overview:
    kinds: list[tuple[str, int]]
    groups: list[tuple[Organisation, int]]
    weeks: list[tuple[str, int, int, int]]
    isolated_total: int
    isolated: list[Organisation]
    overlaps: list[tuple[str, str, int]]
    svg: str = ""
    relationship_types: list[tuple[str, int]] = field(default_factory=list)


def _iso_week(moment: datetime | date) -> str:
    year, week, _ = moment.isocalendar()
    return f"{year}-W{week:02d}"


def overview(session: Session, *, weeks: int = 12, today: date | None = None) -> Overview:
    today = today or date.today()
    kinds = session.execute(
        select(col(Organisation.kind), func.count()).group_by(col(Organisation.kind))
    ).all()
    rel_types = session.execute(
        select(col(Relationship.type), func.count()).group_by(col(Relationship.type))
    ).all()
    active = repo.active_clause(today)
    members = session.execute(
        select(col(Relationship.target_id), col(Relationship.source_id)).where(
            col(Relationship.type) == RelationshipType.member_of.value, active
        )
    ).all()
    by_group: dict[int, set[int]] = defaultdict(set)
    for group_id, member_id in members:
        by_group[group_id].add(member_id)
    groups = list(
        session.execute(
            select(Organisation).where(col(Organisation.kind).in_([k.value for k in GROUP_KINDS]))
        ).scalars()
    )
    sized = sorted(
        ((g, len(by_group.get(g.id or 0, ()))) for g in groups), key=lambda p: (-p[1], p[0].name)
    )
    overlaps: list[tuple[str, str, int]] = []
    top = [g for g, n in sized if n][:12]
    for i, a in enumerate(top):
        for b in top[i + 1 :]:
            shared = len(by_group[a.id or 0] & by_group[b.id or 0])
            if shared:
                overlaps.append((a.slug, b.slug, shared))
    overlaps.sort(key=lambda t: -t[2])
    since = datetime.combine(today - timedelta(weeks=weeks), datetime.min.time())
    requests = session.execute(
        select(
            col(IntroductionRequest.created_at),
            col(IntroductionRequest.approved_at),
            col(IntroductionRequest.updated_at),
            col(IntroductionRequest.state),
        ).where(col(IntroductionRequest.updated_at) >= since)
    ).all()
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for created, approved, updated, state in requests:
        counts[_iso_week(created)]["requested"] += 1
        if approved is not None:
            counts[_iso_week(approved)]["approved"] += 1
        if state == "introduced":
            counts[_iso_week(updated)]["completed"] += 1
    week_rows = []
    for back in range(weeks - 1, -1, -1):
        label = _iso_week(today - timedelta(weeks=back))
        c = counts.get(label, Counter())
        week_rows.append((label, c["requested"], c["approved"], c["completed"]))
    linked = select(col(Relationship.source_id)).union(select(col(Relationship.target_id)))
    isolated_q = select(Organisation).where(col(Organisation.id).not_in(linked))
    isolated_total = session.execute(
        select(func.count()).select_from(isolated_q.subquery())
    ).scalar_one()
    isolated = list(
        session.execute(isolated_q.order_by(col(Organisation.name)).limit(50)).scalars()
    )
    result = Overview(
        kinds=sorted(((str(k), int(n)) for k, n in kinds), key=lambda p: -p[1]),
        groups=sized,
        weeks=week_rows,
        isolated_total=int(isolated_total),
        isolated=isolated,
        overlaps=overlaps,
        relationship_types=sorted(((str(t), int(n)) for t, n in rel_types), key=lambda p: -p[1]),
    )
    result.svg = groups_svg([(g, n) for g, n in sized if n][:12], overlaps)
    return result


def groups_svg(groups: list[tuple[Organisation, int]], overlaps: list[tuple[str, str, int]]) -> str:
    """Groups as circles (area ∝ members) on a ring; a line's width shows shared members."""
    if not groups:
        return ""
    size, centre = 640, 320
    ring = 220
    biggest = max(n for _, n in groups) or 1
    positions: dict[str, tuple[float, float]] = {}
    for i, (g, _) in enumerate(groups):
        angle = 2 * math.pi * i / len(groups) - math.pi / 2
        positions[g.slug] = (centre + ring * math.cos(angle), centre + ring * math.sin(angle))
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size}" role="img" '
        f'aria-labelledby="groups-title" class="network-svg">',
        '<title id="groups-title">Groups and the members they share</title>',
    ]
    top_shared = max((n for _, _, n in overlaps), default=1)
    for a, b, n in overlaps:
        if a in positions and b in positions:
            (x1, y1), (x2, y2) = positions[a], positions[b]
            width = 1 + 7 * n / top_shared
            parts.append(
                f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" '
                f'stroke="#8a96a3" stroke-width="{width:.1f}" stroke-opacity="0.6">'
                f"<title>{n} shared members</title></line>"
            )
    for g, n in groups:
        x, y = positions[g.slug]
        radius = 8 + 34 * math.sqrt(n / biggest)
        colour = KIND_COLOURS.get(str(g.kind), "#555")
        name = html.escape(g.name)
        parts.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{radius:.1f}" fill="{colour}" '
            f'fill-opacity="0.85"><title>{name}: {n} members</title></circle>'
        )
        label = html.escape(g.name if len(g.name) <= 28 else g.name[:26] + "…")
        parts.append(
            f'<text x="{x:.1f}" y="{y + radius + 14:.1f}" text-anchor="middle" '
            f'font-size="12" fill="#1b1f24">{label} ({n})</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


# --------------------------------------------------------------------------- ego network


@dataclass(frozen=True)
class EgoNode:
    slug: str
    name: str
    kind: str
    relation: str  # how it connects to the centre


@dataclass(frozen=True)
class Ego:
    centre: EgoNode
    neighbours: tuple[EgoNode, ...]
    hidden: int
    svg: str


def ego_network(session: Session, org: Organisation, today: date | None = None) -> Ego:
    """The organisation, its groups and its direct relationships, capped for hubs."""
    assert org.id is not None
    today = today or date.today()
    touches = or_(
        (col(Relationship.source_id) == org.id)
        & (col(Organisation.id) == col(Relationship.target_id)),
        (col(Relationship.target_id) == org.id)
        & (col(Organisation.id) == col(Relationship.source_id)),
    )
    active = repo.active_clause(today)
    total = session.execute(
        select(func.count())
        .select_from(Relationship)
        .where(
            or_(col(Relationship.source_id) == org.id, col(Relationship.target_id) == org.id),
            active,
        )
    ).scalar_one()
    # a hub has thousands of neighbours: fetch only the ones drawn (relationships other
    # than membership first, then members, by name)
    is_member = col(Relationship.type) == RelationshipType.member_of.value
    rows = session.execute(
        select(col(Organisation.slug), col(Organisation.name), col(Organisation.kind),
               col(Relationship.type))
        .select_from(Relationship)
        .join(Organisation, touches)
        .where(active)
        .order_by(is_member, col(Relationship.type), col(Organisation.name))
        .limit(EGO_CAP)
    ).all()  # fmt: skip
    stamp = (org.updated_at.isoformat(), int(total), today.isoformat())
    shown = tuple(EgoNode(slug, name, str(kind), str(rel)) for slug, name, kind, rel in rows)
    centre = EgoNode(org.slug, org.name, str(org.kind), "self")
    return Ego(centre, shown, int(total) - len(shown), _ego_svg(centre, shown, stamp))


@lru_cache(maxsize=2048)
def _ego_svg(centre: EgoNode, neighbours: tuple[EgoNode, ...], _stamp: tuple[str, int, str]) -> str:
    """Server-side layout with networkx (spring layout, fixed seed), as inline SVG."""
    import networkx as nx

    graph = nx.Graph()
    graph.add_node(centre.slug)
    for n in neighbours:
        graph.add_edge(centre.slug, n.slug)
    positions = nx.spring_layout(graph, seed=7, center=(0, 0), scale=1.0)
    size, pad = 560, 70
    half = (size - 2 * pad) / 2

    def xy(slug: str) -> tuple[float, float]:
        x, y = positions[slug]
        return size / 2 + float(x) * half, size / 2 + float(y) * half

    cx, cy = xy(centre.slug)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size}" role="img" '
        f'aria-labelledby="ego-title" class="ego-svg">',
        f'<title id="ego-title">{html.escape(centre.name)} and the organisations it is '
        "connected to</title>",
    ]
    for n in neighbours:
        x, y = xy(n.slug)
        dash = ' stroke-dasharray="4 3"' if n.relation == "member_of" else ""
        colour = "#b3261e" if n.relation == "dispute" else "#8a96a3"
        parts.append(
            f'<line x1="{cx:.1f}" y1="{cy:.1f}" x2="{x:.1f}" y2="{y:.1f}" stroke="{colour}"'
            f' stroke-width="1.5"{dash}/>'
        )
    for n in (centre, *neighbours):
        x, y = xy(n.slug)
        radius = 14 if n is centre else 8
        colour = KIND_COLOURS.get(n.kind, "#555")
        label = html.escape(n.name if len(n.name) <= 24 else n.name[:22] + "…")
        parts.append(
            f'<a href="/organisations/{html.escape(n.slug)}"><circle cx="{x:.1f}" cy="{y:.1f}" '
            f'r="{radius}" fill="{colour}"><title>{html.escape(n.name)} '
            f"({n.kind.replace('_', ' ')})</title></circle>"
            f'<text x="{x:.1f}" y="{y - radius - 4:.1f}" text-anchor="middle" font-size="11" '
            f'fill="#1b1f24">{label}</text></a>'
        )
    parts.append("</svg>")
    return "".join(parts)


KINDS = [k.value for k in OrganisationKind]
