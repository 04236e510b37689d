"""`convene seed --demo` loads the demo network deterministically and idempotently."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlmodel import col

from convene.db import unit_of_work
from convene.models import Contact, Organisation, Relationship
from convene.seed import seed_demo
from convene.transfer.service import ImportKind, export_rows


def test_demo_network_loads_with_its_shape_and_a_second_run_changes_nothing(
    engine: Engine,
) -> None:
    with unit_of_work(engine) as session:
        first = seed_demo(session)
    assert first.changed > 0
    with unit_of_work(engine, readonly=True) as session:
        kinds = Counter(str(k) for k in session.execute(select(col(Organisation.kind))).scalars())
        types = Counter(str(t) for t in session.execute(select(col(Relationship.type))).scalars())
        emails = list(session.execute(select(col(Contact.email))).scalars())
        before = {kind: export_rows(session, kind) for kind in ImportKind}
    assert kinds["company"] >= 150
    assert kinds["union"] >= 8
    assert kinds["ngo"] >= 20
    stakeholders = sum(
        kinds[k]
        for k in (
            "union", "ngo", "initiative", "government", "knowledge_institute",
            "industry_association",
        )
    )  # fmt: skip
    assert stakeholders >= 45
    assert kinds["covenant"] >= 11 and kinds["network"] == 2 and kinds["programme"] == 1
    assert sum(types.values()) >= 600
    assert set(types) == {"member_of", "partner", "supplier_of", "introduced", "dispute"}
    assert len(emails) >= 300 and all(e.endswith("@example.org") for e in emails)

    with unit_of_work(engine) as session:
        second = seed_demo(session)
    assert second.changed == 0
    assert [(r.created, r.updated) for r in second.imports] == [(0, 0)] * 3
    with unit_of_work(engine, readonly=True) as session:
        assert {kind: export_rows(session, kind) for kind in ImportKind} == before


def test_accelerator_cohort_and_both_networks(engine: Engine) -> None:
    with unit_of_work(engine) as session:
        seed_demo(session)
        members: dict[str, set[str]] = {}
        for group, member in session.execute(
            select(col(Organisation.slug), col(Relationship.source_id))
            .join(Relationship, col(Relationship.target_id) == col(Organisation.id))
            .where(col(Relationship.type) == "member_of", col(Relationship.until).is_(None))
        ):
            members.setdefault(group, set()).add(str(member))
    assert len(members["business-human-rights-accelerator"]) == 26
    gc = members["un-global-compact-network-netherlands"]
    ser = members["ser-imvo-network"]
    assert gc - ser and ser - gc and gc & ser
