"""Who may do what — the one place API, web and CLI ask.

A member acts for one organisation (its contact's); coordinators act on everything;
admins are coordinators who also manage users. Reads start from what the actor may see
(see the repositories' ``readable_by``), so another organisation's private things are
"not found", never "forbidden".
"""

from __future__ import annotations

from dataclasses import dataclass

from convene.errors import Forbidden
from convene.models import Role


@dataclass(frozen=True)
class Actor:
    user_id: int
    email: str
    role: Role
    org_id: int | None
    org_slug: str | None = None
    name: str | None = None
    language: str | None = None

    @property
    def is_coordinator(self) -> bool:
        return self.role in (Role.coordinator, Role.admin)

    @property
    def is_admin(self) -> bool:
        return self.role is Role.admin

    def acts_for(self, org_id: int) -> bool:
        return self.is_coordinator or (self.org_id is not None and self.org_id == org_id)


def require_coordinator(actor: Actor, what: str = "this") -> None:
    if not actor.is_coordinator:
        raise Forbidden(f"only coordinators may do {what}")


def require_admin(actor: Actor, what: str = "this") -> None:
    if not actor.is_admin:
        raise Forbidden(f"only admins may do {what}")


def require_acts_for(actor: Actor, org_id: int, what: str = "this") -> None:
    if not actor.acts_for(org_id):
        raise Forbidden(f"you do not act for this organisation and may not do {what}")
