"""The pages read as HTML, per reader: a member of Acme Stone (A), a member of its peer
Bremer Stone (B), a member of the unrelated Cobalt Co (C), and a coordinator.

Each test compares exact lists of what a reader sees (Datasette's ``test_html.py`` style):
section headings, suggestion cards with their reasons, queue rows in order, directory
cards and counts, and — above all — that a contact's email is absent until both sides
have consented, and present afterwards. The introduction itself is made through the
pages' own forms (request, approve from the queue, accept from the dashboard).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from bs4 import BeautifulSoup, Tag
from fastapi.testclient import TestClient
from sqlalchemy import update
from sqlalchemy.engine import Engine

from convene import i18n
from convene.accounts.service import start_session
from convene.asgi import create_app
from convene.db import unit_of_work
from convene.deps import CSRF_COOKIE, SESSION_COOKIE
from convene.models import IntroductionRequest, Suggestion
from convene.models.common import utcnow
from tests.factories import (
    make_contact,
    make_organisation,
    make_relationship,
    make_user,
    make_vocabulary,
)

MOTIVATION = "We source granite in Telangana and want to act on child labour together."
EMAILS = {
    "acme-stone": "anna@acme.example",
    "bremer-stone": "bas@bremer.example",
    "cobalt-co": "cor@cobalt.example",
    "nomad-ngo": "noor@nomad.example",
}
ROLES = ("a", "b", "c", "coordinator")
EMAIL_PATTERN = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")

# stored suggestions, as `convene match refresh` would write them (fixed, so the reasons
# a reader sees are exact; the matching model has its own tests)
SUGGESTIONS: list[tuple[str, str, str, list[dict[str, Any]]]] = [
    (
        "acme-stone",
        "peer",
        "bremer-stone",
        [
            {"code": "shared_group", "params": {"group": "stone-covenant"}, "weight": 0.3},
            {"code": "shared_sector", "params": {"sector": "natural-stone"}, "weight": 0.2},
        ],
    ),
    (
        "acme-stone",
        "stakeholder",
        "nomad-ngo",
        [
            {
                "code": "theme_in_country",
                "params": {"theme": "child-labour", "country": "IN"},
                "weight": 0.5,
            }
        ],
    ),
    (
        "bremer-stone",
        "peer",
        "acme-stone",
        [{"code": "shared_group", "params": {"group": "stone-covenant"}, "weight": 0.3}],
    ),
]
ACME_PEER_REASONS = ["Both in the Natural Stone Covenant", "Both in natural stone"]
ACME_STAKEHOLDER_REASONS = ["Works on child labour in India, where you operate or source"]


# --------------------------------------------------------------------------- the world


@dataclass
class Site:
    """One application, a signed-in browser per reader, and the database behind them."""

    engine: Engine
    app: Any
    sessions: dict[str, str]
    clients: dict[str, TestClient] = field(default_factory=dict)

    def as_(self, who: str) -> TestClient:
        if who not in self.clients:
            client = TestClient(self.app, raise_server_exceptions=False)
            client.__enter__()
            if who in self.sessions:
                client.cookies.set(SESSION_COOKIE, self.sessions[who])
            self.clients[who] = client
        return self.clients[who]

    def close(self) -> None:
        for client in self.clients.values():
            client.__exit__(None, None, None)


def build_world(engine: Engine) -> dict[str, str]:
    """The tiny network; returns a signed-in session cookie per reader."""
    with unit_of_work(engine) as session:
        make_vocabulary(session)
        covenant = make_organisation(
            session, slug="stone-covenant", name="Natural Stone Covenant", kind="covenant"
        )
        a = make_organisation(
            session,
            slug="acme-stone",
            name="Acme Stone",
            description="Granite importer sourcing from quarries in India.",
            sectors=("natural-stone",),
            countries=("IN",),
            themes=("child-labour",),
        )
        b = make_organisation(
            session,
            slug="bremer-stone",
            name="Bremer Stone",
            description="Sandstone and granite from India.",
            sectors=("natural-stone",),
            countries=("IN",),
            themes=("child-labour",),
        )
        c = make_organisation(
            session,
            slug="cobalt-co",
            name="Cobalt Co",
            description="Electronics assembly.",
            sectors=("electronics",),
            countries=("CD",),
            themes=("conflict-minerals",),
        )
        n = make_organisation(
            session,
            slug="nomad-ngo",
            name="Nomad NGO",
            kind="ngo",
            description="Works against child labour in Indian quarries.",
            countries=("IN",),
            themes=("child-labour",),
        )
        for member in (a, b):
            make_relationship(session, source=member, target=covenant, type="member_of")
        users = {
            "a": make_user(session, organisation=a, name="Anna Smit", email=EMAILS["acme-stone"]),
            "b": make_user(session, organisation=b, name="Bas Kok", email=EMAILS["bremer-stone"]),
            "c": make_user(session, organisation=c, name="Cor Vos", email=EMAILS["cobalt-co"]),
            "coordinator": make_user(session, role="coordinator", email="coord@example.org"),
        }
        make_contact(session, organisation=n, name="Noor Ali", email=EMAILS["nomad-ngo"])
        ids = {o.slug: o.id for o in (covenant, a, b, c, n)}
        for org, kind, candidate, reasons in SUGGESTIONS:
            org_id, candidate_id = ids[org], ids[candidate]
            assert org_id is not None and candidate_id is not None
            session.add(
                Suggestion(
                    organisation_id=org_id,
                    candidate_id=candidate_id,
                    kind=kind,  # type: ignore[arg-type]
                    rank=1,
                    score=0.7,
                    reasons=reasons,
                    model_version="test",
                )
            )
        return {who: start_session(session, user) for who, user in users.items()}


@pytest.fixture
def site(engine: Engine) -> Iterator[Site]:
    sessions = build_world(engine)
    world = Site(engine, create_app(), sessions)
    try:
        yield world
    finally:
        world.close()


# --------------------------------------------------------------------------- reading pages


def parse(response: httpx.Response) -> BeautifulSoup:
    return BeautifulSoup(response.text, "html.parser")


def in_layout(response: httpx.Response) -> BeautifulSoup:
    """The page is a whole site page: header with navigation, main, footer."""
    soup = parse(response)
    assert soup.find("header", class_="site") is not None, response.text[:500]
    assert soup.find("main", id="main") is not None
    assert soup.find("footer", class_="site") is not None
    return soup


def get(client: TestClient, path: str, status: int = 200, **kwargs: Any) -> BeautifulSoup:
    response = client.get(path, follow_redirects=False, **kwargs)
    assert response.status_code == status, (path, response.status_code, response.text[:800])
    return in_layout(response)


def text(node: Tag | None) -> str:
    assert node is not None
    return " ".join(node.get_text(" ", strip=True).split())


def texts(nodes: Any) -> list[str]:
    return [text(n) for n in nodes]


def main(soup: BeautifulSoup) -> Tag:
    found = soup.find("main")
    assert isinstance(found, Tag)
    return found


def section(soup: BeautifulSoup, title_id: str) -> Tag:
    found = soup.find("section", attrs={"aria-labelledby": title_id})
    assert isinstance(found, Tag), f"no section {title_id}"
    return found


def emails_in(node: Tag) -> list[str]:
    return sorted(set(EMAIL_PATTERN.findall(node.get_text(" "))))


def cards(node: Tag) -> list[tuple[str, str, list[str]]]:
    """Suggestion cards: (name, link, reasons)."""
    out = []
    for card in node.select("li.card.suggestion"):
        link = card.select_one("h3 a, h4 a")
        assert link is not None
        out.append((text(link), str(link["href"]), texts(card.select("ul.reasons li"))))
    return out


def form_fields(form: Tag) -> dict[str, str | list[str]]:
    """What a browser would send for a form, untouched."""
    values: dict[str, str | list[str]] = {}
    for element in form.find_all(["input", "select", "textarea"]):
        name = element.get("name")
        if not name:
            continue
        name = str(name)
        if element.name == "input":
            kind = str(element.get("type", "text"))
            if kind in ("submit", "button", "file", "image", "reset"):
                continue
            if kind in ("checkbox", "radio"):
                if element.has_attr("checked"):
                    values[name] = str(element.get("value", "on"))
                continue
            values[name] = str(element.get("value", ""))
        elif element.name == "textarea":
            values[name] = element.get_text()
        else:
            options = element.find_all("option")
            chosen = [str(o.get("value", o.get_text())) for o in options if o.has_attr("selected")]
            if element.has_attr("multiple"):
                values[name] = chosen
            elif chosen or options:
                values[name] = chosen[0] if chosen else str(options[0].get("value", ""))
    return values


def find_form(soup: BeautifulSoup, action: str) -> Tag:
    forms = soup.find_all("form", attrs={"method": "post", "action": action})
    assert len(forms) >= 1, f"no form posting to {action}"
    form = forms[0]
    assert isinstance(form, Tag)
    return form


def submit(
    client: TestClient, page: str, action: str, **overrides: str | list[str]
) -> httpx.Response:
    """Open ``page``, fill in the form that posts to ``action`` and send it, as a browser."""
    form = find_form(get(client, page), action)
    data = {**form_fields(form), **overrides}
    response: httpx.Response = client.post(action, data=data, follow_redirects=False)
    return response


def request_introduction(site: Site, who: str, to: str) -> int:
    response = submit(
        site.as_(who), f"/introductions/new?to={to}", "/introductions/new", motivation=MOTIVATION
    )
    assert response.status_code == 303, response.text
    location = response.headers["location"]
    assert re.fullmatch(r"/introductions/\d+", location), location
    return int(location.rsplit("/", 1)[1])


def approve(site: Site, request_id: int) -> None:
    action = f"/introductions/{request_id}/approve"
    response = submit(site.as_("coordinator"), "/coordinator/queue", action)
    assert response.status_code == 303, response.text
    assert response.headers["location"] == "/coordinator/queue"


def accept(site: Site, who: str, request_id: int) -> None:
    response = submit(site.as_(who), "/", f"/introductions/{request_id}/accept")
    assert response.status_code == 303, response.text
    assert response.headers["location"] == "/"


def introduce_a_and_b(site: Site) -> int:
    request_id = request_introduction(site, "a", "bremer-stone")
    approve(site, request_id)
    accept(site, "b", request_id)
    return request_id


def set_created(site: Site, request_id: int, when: datetime) -> None:
    with unit_of_work(site.engine) as session:
        session.execute(
            update(IntroductionRequest)
            .where(IntroductionRequest.id == request_id)  # type: ignore[arg-type]
            .values(created_at=when)
        )


# --------------------------------------------------------------------------- dashboard


DASHBOARD_SECTIONS = [
    "Requests waiting for your answer",
    "Peers facing the same risks",
    "Stakeholders to talk to",
    "Your requests",
    "Completed introductions",
]


def test_dashboard_shows_a_member_their_suggestions_with_reasons(site: Site) -> None:
    soup = get(site.as_("a"), "/")
    assert text(soup.find("h1")) == "Welcome, Anna Smit"
    assert texts(main(soup).select("section > h2")) == DASHBOARD_SECTIONS
    assert cards(section(soup, "peers-title")) == [
        ("Bremer Stone", "/organisations/bremer-stone", ACME_PEER_REASONS)
    ]
    assert cards(section(soup, "stakeholders-title")) == [
        ("Nomad NGO", "/organisations/nomad-ngo", ACME_STAKEHOLDER_REASONS)
    ]
    peer = section(soup, "peers-title").select_one("li.card")
    assert peer is not None
    assert [(str(a["href"]), text(a)) for a in peer.select("a.button")] == [
        ("/introductions/new?to=bremer-stone", "Request introduction")
    ]
    dismiss = peer.select_one("form")
    assert dismiss is not None
    assert dismiss["action"] == "/organisations/acme-stone/suggestions/bremer-stone/dismiss"
    assert text(dismiss.find("button")) == "Not relevant"
    for title, empty in (
        ("incoming-title", "Nothing waits for you."),
        ("outgoing-title", "You have not asked for an introduction yet."),
        ("met-title", "No completed introductions yet."),
    ):
        assert texts(section(soup, title).select("p.empty")) == [empty]
    assert emails_in(main(soup)) == []


def test_dashboard_of_an_unrelated_member_has_no_suggestions(site: Site) -> None:
    soup = get(site.as_("c"), "/")
    assert text(soup.find("h1")) == "Welcome, Cor Vos"
    assert texts(main(soup).select("section > h2")) == DASHBOARD_SECTIONS
    assert texts(main(soup).select("p.empty")) == [
        "Nothing waits for you.",
        "No peer suggestions yet.",
        "No stakeholder suggestions yet.",
        "You have not asked for an introduction yet.",
        "No completed introductions yet.",
    ]
    assert cards(main(soup)) == []


def test_dashboard_of_a_coordinator_points_to_the_queue(site: Site) -> None:
    request_introduction(site, "a", "bremer-stone")
    soup = get(site.as_("coordinator"), "/")
    assert text(soup.find("h1")) == "Welcome, coord@example.org"
    callout = soup.select_one("p.callout a")
    assert callout is not None
    assert (callout["href"], text(callout)) == (
        "/coordinator/queue",
        "1 request waits for a decision",
    )
    assert texts(main(soup).select("section > h2")) == []  # no organisation of their own
    nav = soup.select_one("header.site nav")
    assert nav is not None
    assert [(str(a["href"]), text(a)) for a in nav.find_all("a")] == [
        ("/", "Convene"),
        ("/organisations", "Directory"),
        ("/coordinator/queue", "Queue"),
        ("/coordinator/network", "Network"),
        ("/coordinator/organisations/new", "Add organisation"),
        ("/coordinator/import", "Import"),
        ("/account", "Account"),
    ]


def test_member_navigation_has_no_coordinator_links(site: Site) -> None:
    nav = get(site.as_("a"), "/").select_one("header.site nav")
    assert nav is not None
    assert [(str(a["href"]), text(a)) for a in nav.find_all("a")] == [
        ("/", "Convene"),
        ("/organisations", "Directory"),
        ("/account", "Account"),
    ]


def test_signed_out_visitors_get_the_welcome_page_and_are_sent_to_sign_in(site: Site) -> None:
    soup = get(site.as_("anonymous"), "/")
    assert soup.find("body")["class"] == ["welcome"]  # type: ignore[index]
    assert [a["href"] for a in main(soup).find_all("a")] == ["/login"]
    for path in ("/organisations", "/organisations/acme-stone", "/account", "/coordinator/queue"):
        response = site.as_("anonymous").get(path, follow_redirects=False)
        assert response.status_code == 303, path
        assert response.headers["location"] == "/login?next=" + path


def test_the_introduction_story_across_four_dashboards(site: Site) -> None:
    request_id = request_introduction(site, "a", "bremer-stone")
    row = "Acme Stone → Bremer Stone"

    outgoing = section(get(site.as_("a"), "/"), "outgoing-title")
    assert [
        (text(li.find("a")), text(li.select_one(".state"))) for li in outgoing.select("li")
    ] == [(row, "requested")]
    # the target is not asked before a coordinator approved
    assert section(get(site.as_("b"), "/"), "incoming-title").select("li") == []

    approve(site, request_id)
    incoming = section(get(site.as_("b"), "/"), "incoming-title")
    assert [
        (text(li.find("a")), text(li.select_one(".state"))) for li in incoming.select("li")
    ] == [(row, "approved")]
    assert [(f["action"], text(f.find("button"))) for f in incoming.find_all("form")] == [
        (f"/introductions/{request_id}/accept", "Accept"),
        (f"/introductions/{request_id}/decline", "Decline"),
    ]
    assert emails_in(main(get(site.as_("b"), "/"))) == []

    accept(site, "b", request_id)
    for who, other, person in (
        ("a", "Bremer Stone", "Bas Kok, CSR manager — bas@bremer.example"),
        ("b", "Acme Stone", "Anna Smit, CSR manager — anna@acme.example"),
    ):
        met = section(get(site.as_(who), "/"), "met-title")
        assert [
            (text(li.find("h3")), texts(li.select("ul.contacts li")))
            for li in met.select("ul.met > li")
        ] == [(other, [person])]
    assert section(get(site.as_("b"), "/"), "incoming-title").select("li") == []
    assert emails_in(main(get(site.as_("c"), "/"))) == []


def test_not_relevant_removes_the_card(site: Site) -> None:
    action = "/organisations/acme-stone/suggestions/nomad-ngo/dismiss"
    response = submit(site.as_("a"), "/", action)
    assert response.status_code == 303
    soup = get(site.as_("a"), "/")
    assert texts(soup.select('[role="status"]')) == [
        "Marked as not relevant; it will not be suggested again"
    ]
    assert cards(section(soup, "stakeholders-title")) == []
    assert [name for name, _, _ in cards(section(soup, "peers-title"))] == ["Bremer Stone"]


def test_a_coordinators_dashboard_lists_only_their_own_organisations_introductions(
    site: Site,
) -> None:
    introduce_a_and_b(site)
    with unit_of_work(site.engine) as session:
        staff = make_organisation(session, slug="ser-network", name="SER network", kind="network")
        user = make_user(session, role="coordinator", organisation=staff, email="staff@ser.example")
        site.sessions["staff"] = start_session(session, user)
    soup = get(site.as_("staff"), "/")
    assert section(soup, "met-title").select("ul.met > li") == []


# --------------------------------------------------------------------------- directory


def directory(client: TestClient, query: str = "") -> tuple[list[str], str, list[tuple[str, str]]]:
    """(card names, the count line, pagination links) of a directory page."""
    soup = get(client, "/organisations" + (f"?{query}" if query else ""))
    names = texts(soup.select("ul.cards li.card h2 a"))
    count = text(soup.select_one("p.count"))
    links = [(str(a["rel"][0]), str(a["href"])) for a in soup.select("nav.pagination a")]
    return names, count, links


ALL_FIVE = ["Acme Stone", "Bremer Stone", "Cobalt Co", "Natural Stone Covenant", "Nomad NGO"]


@pytest.mark.parametrize(
    ("query", "names"),
    [
        ("", ALL_FIVE),
        ("kind=ngo", ["Nomad NGO"]),
        ("kind=company", ["Acme Stone", "Bremer Stone", "Cobalt Co"]),
        ("sector=natural-stone", ["Acme Stone", "Bremer Stone"]),
        ("country=IN", ["Acme Stone", "Bremer Stone", "Nomad NGO"]),
        ("country=in", ["Acme Stone", "Bremer Stone", "Nomad NGO"]),
        ("theme=conflict-minerals", ["Cobalt Co"]),
        ("group=stone-covenant", ["Acme Stone", "Bremer Stone"]),
        ("q=granite", ["Acme Stone", "Bremer Stone"]),
        ("q=QUARRIES", ["Acme Stone", "Nomad NGO"]),
        ("kind=company&country=IN&theme=child-labour", ["Acme Stone", "Bremer Stone"]),
        ("kind=union", []),
        ("sector=gold", []),
        ("group=stone-covenant&country=IN", ["Acme Stone", "Bremer Stone"]),
        ("group=stone-covenant&kind=ngo", []),
        ("group=no-such-group", []),
        ("group=stone-covenant&q=acme", ["Acme Stone"]),
        ("kind=&sector=&country=&theme=&group=&q=", ALL_FIVE),
    ],
)
def test_directory_filters(site: Site, query: str, names: list[str]) -> None:
    found, count, links = directory(site.as_("c"), query)
    assert found == names
    noun = "organisation" if len(names) == 1 else "organisations"
    assert count == f"{len(names)} {noun}"
    assert links == []


def test_directory_form_keeps_the_chosen_filters(site: Site) -> None:
    soup = get(site.as_("a"), "/organisations?kind=company&country=IN&q=granite")
    form = soup.find("form", attrs={"role": "search"})
    assert isinstance(form, Tag)
    assert form["method"] == "get"
    assert form_fields(form) == {
        "q": "granite",
        "kind": "company",
        "sector": "",
        "country": "IN",
        "theme": "",
        "group": "",
    }
    # every filter has a label
    for control in form.find_all(["input", "select"]):
        assert form.find("label", attrs={"for": control["id"]}) is not None, control["id"]
    group = form.find("select", attrs={"name": "group"})
    assert isinstance(group, Tag)
    assert [(o["value"], text(o)) for o in group.find_all("option")] == [
        ("", "Any"),
        ("stone-covenant", "Natural Stone Covenant"),
    ]
    # directory cards show organisations, never contact details
    assert emails_in(main(soup)) == []


def test_directory_pagination(site: Site) -> None:
    with unit_of_work(site.engine) as session:
        for n in range(1, 31):
            make_organisation(session, slug=f"filler-{n:02d}", name=f"Filler {n:02d}")
    client = site.as_("a")
    fillers = [f"Filler {n:02d}" for n in range(1, 31)]
    everyone = ALL_FIVE[:3] + fillers + ALL_FIVE[3:]

    names, count, links = directory(client)
    assert (names, count, links) == (everyone[:25], "35 organisations", [("next", "?page=2")])
    soup = get(client, "/organisations")
    assert text(soup.select_one("nav.pagination span")) == "Page 1 of 2"
    names, count, links = directory(client, "page=2")
    assert (names, count, links) == (everyone[25:], "35 organisations", [("prev", "?page=1")])

    companies = ALL_FIVE[:3] + fillers
    names, count, links = directory(client, "kind=company")
    assert (names, count, links) == (
        companies[:25],
        "33 organisations",
        [("next", "?kind=company&page=2")],
    )
    names, _, links = directory(client, "kind=company&page=2")
    assert (names, links) == (companies[25:], [("prev", "?kind=company&page=1")])

    # past the last page: an empty page, not an error
    names, count, links = directory(client, "page=9")
    assert (names, count) == ([], "35 organisations")
    assert links == [("prev", "?page=8")]


def test_the_group_filter_follows_new_and_renamed_groups(site: Site) -> None:
    # the options are kept between requests; they must still follow every change
    def options() -> list[tuple[str, str]]:
        form = get(site.as_("a"), "/organisations").find("form", attrs={"role": "search"})
        assert isinstance(form, Tag)
        group = form.find("select", attrs={"name": "group"})
        assert isinstance(group, Tag)
        return [(str(o["value"]), text(o)) for o in group.find_all("option")][1:]

    assert options() == [("stone-covenant", "Natural Stone Covenant")]
    with unit_of_work(site.engine) as session:
        make_organisation(session, slug="garment-covenant", name="Garment Covenant",
                          kind="covenant")  # fmt: skip
    assert options() == [
        ("garment-covenant", "Garment Covenant"),
        ("stone-covenant", "Natural Stone Covenant"),
    ]
    response = submit(
        site.as_("coordinator"),
        "/organisations/stone-covenant/edit",
        "/organisations/stone-covenant/edit",
        name="Agreement on Natural Stone",
    )
    assert response.status_code == 303, response.text
    assert options() == [
        ("stone-covenant", "Agreement on Natural Stone"),
        ("garment-covenant", "Garment Covenant"),
    ]


def test_the_directory_follows_every_change_at_once(site: Site) -> None:
    # its order and facets are kept between requests; a change must show on the next page
    client = site.as_("a")
    assert directory(client, "country=BR")[0] == []
    response = submit(
        site.as_("coordinator"),
        "/organisations/cobalt-co/edit",
        "/organisations/cobalt-co/edit",
        name="Aardvark Cobalt",
        countries=["BR"],
    )
    assert response.status_code == 303, response.text
    assert directory(client, "country=BR")[0] == ["Aardvark Cobalt"]
    assert directory(client)[0][0] == "Aardvark Cobalt"  # renamed: first by name now
    with unit_of_work(site.engine) as session:
        make_organisation(session, slug="zz-brazil-ngo", name="Amazon Watch", kind="ngo",
                          countries=("BR",))  # fmt: skip
    assert directory(client, "country=BR") == (
        ["Aardvark Cobalt", "Amazon Watch"],
        "2 organisations",
        [],
    )
    assert directory(client, "kind=ngo&country=BR")[0] == ["Amazon Watch"]


@pytest.mark.parametrize("query", ["page=0", "page=abc", "country=NLD"])
def test_directory_refuses_bad_parameters_in_the_layout(site: Site, query: str) -> None:
    soup = get(site.as_("a"), f"/organisations?{query}", status=400)
    assert text(soup.find("h1")) == "Bad request"


# --------------------------------------------------------------------------- profile


def contact_lines(soup: BeautifulSoup) -> list[str]:
    return texts(section(soup, "contacts-title").select("ul.contacts li"))


def test_profile_contacts_are_hidden_until_the_introduction_completes(site: Site) -> None:
    def lines(who: str, slug: str) -> list[str]:
        response = site.as_(who).get(f"/organisations/{slug}")
        assert response.status_code == 200
        shown = contact_lines(in_layout(response))
        # no address anywhere in the page (an attribute, a comment) but the ones shown
        anywhere = {e for e in EMAILS.values() if e in response.text}
        assert anywhere == {e for e in EMAILS.values() if any(e in line for line in shown)}
        return shown

    anna = "Anna Smit, CSR manager"
    bas = "Bas Kok, CSR manager"
    before = {
        ("a", "bremer-stone"): [bas],
        ("c", "bremer-stone"): [bas],
        ("c", "acme-stone"): [anna],
        ("b", "acme-stone"): [anna],
        ("a", "acme-stone"): [f"{anna} — anna@acme.example"],  # one's own organisation
        ("coordinator", "acme-stone"): [f"{anna} — anna@acme.example"],
        ("coordinator", "bremer-stone"): [f"{bas} — bas@bremer.example"],
        ("coordinator", "nomad-ngo"): ["Noor Ali, CSR manager — noor@nomad.example"],
    }
    assert {key: lines(*key) for key in before} == before
    soup = get(site.as_("a"), "/organisations/bremer-stone")
    assert texts(section(soup, "contacts-title").select("p.hint")) == [
        "Contact details are shared once an introduction between your organisations has completed."
    ]
    assert EMAILS["bremer-stone"] not in site.as_("a").get("/organisations/bremer-stone").text

    request_id = request_introduction(site, "a", "bremer-stone")
    approve(site, request_id)
    # approved is not consented: still nothing
    assert lines("a", "bremer-stone") == [bas]
    assert lines("b", "acme-stone") == [anna]
    accept(site, "b", request_id)

    after = {
        **before,
        ("a", "bremer-stone"): [f"{bas} — bas@bremer.example"],
        ("b", "acme-stone"): [f"{anna} — anna@acme.example"],
        ("a", "nomad-ngo"): ["Noor Ali, CSR manager"],
    }
    assert {key: lines(*key) for key in after} == after
    mailto = section(get(site.as_("a"), "/organisations/bremer-stone"), "contacts-title").find("a")
    assert isinstance(mailto, Tag) and mailto["href"] == "mailto:bas@bremer.example"
    for slug in ("acme-stone", "bremer-stone"):
        response = site.as_("c").get(f"/organisations/{slug}")
        assert EMAILS[slug] not in response.text


def test_why_suggested_is_shown_to_the_reader_whose_suggestion_it_is(site: Site) -> None:
    def why(who: str, slug: str) -> list[str] | None:
        soup = get(site.as_(who), f"/organisations/{slug}")
        found = soup.find("section", class_="why-suggested")
        if found is None:
            return None
        assert isinstance(found, Tag)
        assert text(found.find("h2")) == "Why suggested"
        return texts(found.select("ul.reasons li"))

    assert why("a", "bremer-stone") == ACME_PEER_REASONS
    assert why("a", "nomad-ngo") == ACME_STAKEHOLDER_REASONS
    assert why("b", "acme-stone") == ["Both in the Natural Stone Covenant"]
    assert why("b", "nomad-ngo") is None
    assert why("c", "bremer-stone") is None
    assert why("c", "acme-stone") is None
    assert why("a", "acme-stone") is None
    assert why("coordinator", "bremer-stone") is None


def test_profile_actions_per_reader(site: Site) -> None:
    def actions(who: str, slug: str) -> list[tuple[str, str]]:
        soup = get(site.as_(who), f"/organisations/{slug}")
        return [(str(a["href"]), text(a)) for a in soup.select("article .actions a")]

    request = ("/introductions/new?to=bremer-stone", "Request introduction")
    edit = ("/organisations/bremer-stone/edit", "Edit")
    assert actions("a", "bremer-stone") == [request]
    assert actions("c", "bremer-stone") == [request]
    assert actions("b", "bremer-stone") == [edit]
    assert actions("coordinator", "bremer-stone") == [edit]  # staff have no organisation
    assert actions("a", "stone-covenant") == []  # groups take no introductions


def test_profile_shows_the_organisation_and_its_network(site: Site) -> None:
    soup = get(site.as_("c"), "/organisations/acme-stone")
    assert text(soup.find("h1")) == "Acme Stone"
    assert soup.find("body")["class"] == ["organisation"]  # type: ignore[index]
    facts = soup.select_one("article dl")
    assert facts is not None
    assert list(zip(texts(facts.find_all("dt")), texts(facts.find_all("dd")), strict=True)) == [
        ("Sectors", "Natural stone"),
        ("Countries", "India"),
        ("Themes", "Child labour"),
        ("Groups", "Natural Stone Covenant"),
    ]
    figure = soup.select_one("figure.ego")
    assert figure is not None
    svg = figure.find("svg")
    assert isinstance(svg, Tag)
    assert svg["role"] == "img"
    title = svg.find("title", id=svg["aria-labelledby"])
    assert text(title) == "Acme Stone and the organisations it is connected to"
    # the text alternative lists the same neighbours as the drawing
    assert [(text(li), str(li.find("a")["href"])) for li in figure.select("ul.ego-list li")] == [  # type: ignore[index]
        ("Natural Stone Covenant (member of)", "/organisations/stone-covenant")
    ]
    drawn = sorted(str(a["href"]) for a in svg.find_all("a"))
    assert drawn == ["/organisations/acme-stone", "/organisations/stone-covenant"]
    relationships = section(soup, "rels-title")
    assert text(relationships.find("h2")) == "Relationships (1)"
    assert texts(relationships.select("ul.relationships li")) == [
        "Acme Stone member of Natural Stone Covenant (since January 1, 2020)"
    ]
    # members see no curation tools
    assert soup.find("section", class_="coordinator") is None
    assert soup.find_all("form", attrs={"action": re.compile("^/relationships/")}) == []


def test_profile_relationships_are_paginated(site: Site) -> None:
    # a hub's relationships come 25 to a page, with links to the others
    with unit_of_work(site.engine) as session:
        hub = make_organisation(session, slug="zz-hub", name="Zz Hub")
        for n in range(1, 28):
            partner = make_organisation(session, slug=f"aa-partner-{n:02d}", name=f"P {n:02d}")
            make_relationship(session, source=partner, target=hub)
    client = site.as_("c")

    def page(query: str = "") -> tuple[str, list[str], list[tuple[str, str]]]:
        rels = section(get(client, f"/organisations/zz-hub{query}"), "rels-title")
        links = [(str(a["rel"][0]), str(a["href"])) for a in rels.select("nav.pagination a")]
        return text(rels.find("h2")), texts(rels.select("ul.relationships li")), links

    everyone = [f"P {n:02d} partner Zz Hub (since January 1, 2020)" for n in range(1, 28)]
    # the links come back to the list, not to the top of the profile
    assert page() == ("Relationships (27)", everyone[:25], [("next", "?page=2#rels-title")])
    assert page("?page=2") == (
        "Relationships (27)",
        everyone[25:],
        [("prev", "?page=1#rels-title")],
    )
    get(client, "/organisations/zz-hub?page=0", status=400)


def test_ego_network_grows_with_the_introduction(site: Site) -> None:
    introduce_a_and_b(site)
    soup = get(site.as_("a"), "/organisations/acme-stone")
    assert texts(soup.select("ul.ego-list li")) == [
        "Bremer Stone (introduced)",
        "Natural Stone Covenant (member of)",
    ]


def test_coordinator_profile_has_curation_and_the_organisations_suggestions(site: Site) -> None:
    soup = get(site.as_("coordinator"), "/organisations/acme-stone")
    curate = section(soup, "curate-title")
    assert texts(curate.find_all("h3")) == ["Suggested peers", "Suggested stakeholders"]
    assert cards(curate) == [
        ("Bremer Stone", "/organisations/bremer-stone", ACME_PEER_REASONS),
        ("Nomad NGO", "/organisations/nomad-ngo", ACME_STAKEHOLDER_REASONS),
    ]
    assert [f["action"] for f in curate.find_all("form")] == [
        "/organisations/acme-stone/relationships",
        "/coordinator/propose",
        "/coordinator/propose",
    ]
    ends = soup.select("section[aria-labelledby=rels-title] form")
    assert [str(f["action"]).startswith("/relationships/") for f in ends] == [True]


def test_a_coordinator_proposes_and_both_sides_accept(site: Site) -> None:
    response = submit(
        site.as_("coordinator"),
        "/organisations/acme-stone",
        "/coordinator/propose",
        motivation=MOTIVATION,
    )
    assert response.status_code == 303
    request_id = int(response.headers["location"].rsplit("/", 1)[1])
    soup = get(site.as_("a"), f"/introductions/{request_id}")
    assert "proposed by a coordinator" in text(soup.find("main"))
    assert text(soup.find("h1")) == "Acme Stone → Bremer Stone"
    for who in ("a", "b"):
        assert (
            submit(
                site.as_(who),
                f"/introductions/{request_id}",
                f"/introductions/{request_id}/accept",
            ).status_code
            == 303
        )
    soup = get(site.as_("b"), f"/introductions/{request_id}")
    assert text(soup.select_one("strong.state")) == "introduced"
    people = section(soup, "people-title")
    assert texts(people.find_all("h3")) == ["Acme Stone", "Bremer Stone"]
    assert texts(people.select("ul.contacts li")) == [
        "Anna Smit, CSR manager — anna@acme.example",
        "Bas Kok, CSR manager — bas@bremer.example",
    ]


def test_introduction_page_per_reader(site: Site) -> None:
    request_id = request_introduction(site, "a", "bremer-stone")
    path = f"/introductions/{request_id}"

    def page_forms(who: str) -> list[str]:
        soup = get(site.as_(who), path)
        return [str(f["action"]).rsplit("/", 1)[1] for f in main(soup).find_all("form")]

    assert page_forms("a") == ["withdraw"]
    assert page_forms("coordinator") == ["approve", "reject", "withdraw"]
    get(site.as_("b"), path, status=404)  # not asked yet
    get(site.as_("c"), path, status=404)
    approve(site, request_id)
    assert page_forms("b") == ["accept", "decline"]
    assert page_forms("a") == ["withdraw"]
    get(site.as_("c"), path, status=404)
    soup = get(site.as_("a"), path)
    assert text(soup.select_one("blockquote.motivation")) == MOTIVATION
    assert soup.find("section", attrs={"aria-labelledby": "people-title"}) is None
    assert EMAILS["bremer-stone"] not in str(soup)
    history = texts(section(soup, "history-title").select("ol.events li"))
    assert [line.split(": ", 1)[1] for line in history] == [
        "request",
        "approve (requested → approved)",
    ]


def test_the_target_does_not_read_the_requesters_email_before_consenting(site: Site) -> None:
    request_id = request_introduction(site, "a", "bremer-stone")
    approve(site, request_id)
    response = site.as_("b").get(f"/introductions/{request_id}")
    assert response.status_code == 200
    assert EMAILS["acme-stone"] not in response.text


# --------------------------------------------------------------------------- edit


@pytest.mark.parametrize(
    ("who", "status"), [("a", 200), ("coordinator", 200), ("b", 404), ("c", 404)]
)
def test_edit_page_only_for_the_organisations_members_and_coordinators(
    site: Site, who: str, status: int
) -> None:
    soup = get(site.as_(who), "/organisations/acme-stone/edit", status=status)
    if status == 404:
        assert text(soup.find("h1")) == "Not found"
        assert soup.find("form", attrs={"action": "/organisations/acme-stone/edit"}) is None
        return
    assert text(soup.find("h1")) == "Edit Acme Stone"
    form = find_form(soup, "/organisations/acme-stone/edit")
    values = form_fields(form)
    assert values["name"] == "Acme Stone"
    assert values["sectors"] == ["natural-stone"]
    assert values["countries"] == ["IN"]
    assert values["themes"] == ["child-labour"]
    assert values["open_to_introductions"] == "on"
    for control in form.find_all(["input", "select", "textarea"]):
        if control.get("type") in ("hidden", "submit"):
            continue
        assert form.find("label", attrs={"for": control["id"]}) is not None, control["id"]
    assert texts(section(soup, "contacts-title").select("ul.contacts > li")) == [
        "Anna Smit, CSR manager — anna@acme.example · receives requests Remove"
    ]


def test_saving_the_profile_and_refusing_bad_input(site: Site) -> None:
    client = site.as_("a")
    response = submit(
        client,
        "/organisations/acme-stone/edit",
        "/organisations/acme-stone/edit",
        offers="Audits of quarries",
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/organisations/acme-stone"
    soup = get(client, "/organisations/acme-stone")
    assert texts(soup.select('[role="status"]')) == ["Profile saved"]
    facts = soup.select_one("article dl")
    assert facts is not None and texts(facts.find_all("dd"))[0] == "Audits of quarries"

    bad = submit(
        client, "/organisations/acme-stone/edit", "/organisations/acme-stone/edit", name=""
    )
    assert bad.status_code == 422
    soup = in_layout(bad)
    name = soup.find("input", attrs={"name": "name"})
    assert isinstance(name, Tag) and name["aria-invalid"] == "true"
    assert text(soup.find(id=name["aria-describedby"]))


def test_another_member_cannot_post_an_edit(site: Site) -> None:
    token = submit(
        site.as_("a"), "/organisations/acme-stone/edit", "/organisations/acme-stone/edit"
    )
    assert token.status_code == 303  # the form itself is fine
    client = site.as_("b")
    get(client, "/")  # a CSRF cookie of B's own
    csrf = client.cookies[CSRF_COOKIE]
    response = client.post(
        "/organisations/acme-stone/edit",
        data={"csrf_token": csrf, "name": "Hijacked"},
        follow_redirects=False,
    )
    assert response.status_code in (403, 404)
    in_layout(response)
    assert text(get(site.as_("c"), "/organisations/acme-stone").find("h1")) == "Acme Stone"


# --------------------------------------------------------------------------- coordinator


def test_queue_rows_oldest_first_with_both_names_and_reasons(site: Site) -> None:
    later = request_introduction(site, "c", "nomad-ngo")
    earlier = request_introduction(site, "a", "bremer-stone")
    now = utcnow()
    set_created(site, later, now - timedelta(days=1))
    set_created(site, earlier, now - timedelta(days=3))

    soup = get(site.as_("coordinator"), "/coordinator/queue")
    assert text(soup.select_one("p.count")) == "2 requests, oldest first"
    rows = soup.select("ol.queue > li.queue-item")
    assert [
        (
            text(row.find("h2")),
            str(row.find("h2").find("a")["href"]),  # type: ignore[union-attr,index]
            texts(row.select("section.profile-summary h3")),
            texts(row.select("section.matching li")) or texts(row.select("section.matching p")),
            text(row.select_one("blockquote.motivation")),
        )
        for row in rows
    ] == [
        (
            "Acme Stone → Bremer Stone",
            f"/introductions/{earlier}",
            ["Acme Stone", "Bremer Stone"],
            ACME_PEER_REASONS,
            MOTIVATION,
        ),
        (
            "Cobalt Co → Nomad NGO",
            f"/introductions/{later}",
            ["Cobalt Co", "Nomad NGO"],
            ["Not among the stored suggestions."],
            MOTIVATION,
        ),
    ]
    asked = (now - timedelta(days=3)).date()
    assert text(rows[0].select_one("p.when")) == f"Asked on {i18n.format_date(asked, 'en')}"
    # countries by name, as on the profiles (Acme Stone: IN; Bremer Stone: IN)
    summaries = rows[0].select("section.profile-summary")
    assert [text(s.find_all("p")[-1]) for s in summaries] == ["India", "India"]
    # each row: approve, and reject with a labelled, required note
    for row, request_id in zip(rows, (earlier, later), strict=True):
        forms = row.find_all("form")
        assert [f["action"] for f in forms] == [
            f"/introductions/{request_id}/approve",
            f"/introductions/{request_id}/reject",
        ]
        note = forms[1].find("textarea")
        assert isinstance(note, Tag) and note.has_attr("required")
        assert forms[1].find("label", attrs={"for": note["id"]}) is not None
    assert emails_in(main(soup)) == []


def test_rejecting_from_the_queue_needs_a_note(site: Site) -> None:
    request_id = request_introduction(site, "c", "nomad-ngo")
    action = f"/introductions/{request_id}/reject"
    response = submit(site.as_("coordinator"), "/coordinator/queue", action, note="")
    assert response.status_code == 303
    soup = get(site.as_("coordinator"), "/coordinator/queue")
    assert len(soup.select('[role="alert"]')) == 1
    assert len(soup.select("li.queue-item")) == 1
    response = submit(
        site.as_("coordinator"), "/coordinator/queue", action, note="Not the right partner."
    )
    assert response.status_code == 303
    soup = get(site.as_("coordinator"), "/coordinator/queue")
    assert texts(soup.select('[role="status"]')) == ["Rejected; the requester has been told"]
    assert texts(soup.select("ol.queue > li")) == ["The queue is empty."]
    outgoing = section(get(site.as_("c"), "/"), "outgoing-title")
    assert texts(outgoing.select(".state")) == ["rejected"]


@pytest.mark.parametrize(
    "path",
    [
        "/coordinator/queue",
        "/coordinator/network",
        "/coordinator/organisations/new",
        "/coordinator/import",
        "/coordinator/digests/preview",
    ],
)
def test_coordinator_pages_are_forbidden_to_members(site: Site, path: str) -> None:
    soup = get(site.as_("a"), path, status=403)
    assert text(soup.find("h1")) == "Not allowed"


def test_network_page_tables(site: Site) -> None:
    introduce_a_and_b(site)
    soup = get(site.as_("coordinator"), "/coordinator/network")
    assert text(soup.find("h1")) == "The network"

    def table(title_id: str) -> list[list[str]]:
        found = section(soup, title_id).find("table")
        assert isinstance(found, Tag)
        head = texts(found.select("thead th"))
        for th in found.select("thead th"):
            assert th["scope"] == "col"
        return [head] + [texts(tr.find_all("td")) for tr in found.select("tbody tr")]

    kinds = table("kinds-title")
    assert kinds[0] == ["Kind", "Count"]
    assert kinds[1] == ["company", "3"]
    assert sorted(kinds[2:]) == [["covenant", "1"], ["ngo", "1"]]

    weeks = table("weeks-title")
    assert weeks[0] == ["Week", "Requested", "Approved", "Completed"]
    assert len(weeks) == 13
    year, week, _ = date.today().isocalendar()
    assert weeks[-1] == [f"{year}-W{week:02d}", "1", "1", "1"]
    assert all(row[1:] == ["0", "0", "0"] for row in weeks[1:-1])

    groups = table("groups-title-h")
    assert groups == [["Group", "Kind", "Members"], ["Natural Stone Covenant", "covenant", "2"]]
    figure = section(soup, "groups-title-h").find("figure")
    assert isinstance(figure, Tag) and figure.find("svg") is not None
    assert figure.find("figcaption") is not None

    isolated = section(soup, "isolated-title")
    assert text(isolated.find("h2")) == "Organisations with no relationship (2)"
    assert texts(isolated.select("li a")) == ["Cobalt Co", "Nomad NGO"]


# --------------------------------------------------------------------------- account


def test_account_page(site: Site) -> None:
    soup = get(site.as_("a"), "/account")
    assert text(soup.find("h1")) == "Your account"
    assert texts(main(soup).select("section > h2")) == [
        "Preferences",
        "Change password",
        "API tokens",
    ]
    assert [f["action"] for f in main(soup).find_all("form")] == [
        "/account/preferences",
        "/account/password",
        "/account/tokens",
    ]
    response = submit(site.as_("a"), "/account", "/account/tokens", name="spreadsheet")
    assert response.status_code == 200
    soup = in_layout(response)
    token = soup.select_one("code.token")
    assert token is not None and len(text(token)) > 20
    # shown once: the next view of the page has only its prefix
    again = get(site.as_("a"), "/account")
    assert again.select_one("code.token") is None
    assert [f["action"] for f in main(again).find_all("form")] == [
        "/account/preferences",
        "/account/password",
        "/account/tokens/1/revoke",
        "/account/tokens",
    ]


# --------------------------------------------------------------------------- headers, errors


def test_security_headers_on_every_page(site: Site) -> None:
    request_id = request_introduction(site, "a", "bremer-stone")
    pages = {
        "anonymous": ["/", "/login", "/password-reset"],
        "a": ["/", "/organisations", "/organisations/bremer-stone", "/account",
              "/organisations/acme-stone/edit", f"/introductions/{request_id}",
              "/introductions/new?to=nomad-ngo", "/organisations/nope"],
        "coordinator": ["/coordinator/queue", "/coordinator/network"],
    }  # fmt: skip
    for who, paths in pages.items():
        for path in paths:
            response = site.as_(who).get(path)
            csp = response.headers["content-security-policy"]
            assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
            directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
            assert directives["default-src"] == "'self'"
            assert directives["frame-ancestors"] == "'none'"
            assert response.headers["x-content-type-options"] == "nosniff"
            assert response.headers["referrer-policy"] in ("same-origin", "no-referrer")
            assert response.headers["x-frame-options"] == "DENY"
            assert response.headers["content-type"].startswith("text/html")
            if who != "anonymous":
                assert response.headers["cache-control"] == "no-store", path
            soup = parse(response)
            # no asset from another site, no inline script or style
            for tag, attr in (("script", "src"), ("link", "href"), ("img", "src")):
                for element in soup.find_all(tag):
                    assert urlsplit(str(element.get(attr, ""))).netloc in ("", "testserver")
            assert soup.find("script", src=False) is None
            assert soup.find("style") is None
            assert soup.find(style=True) is None, path


def test_error_pages_render_in_the_layout(site: Site) -> None:
    client = site.as_("a")
    cases = [
        ("/organisations/nope", 404, "Not found"),
        ("/introductions/999999", 404, "Not found"),
        ("/no/such/page", 404, "Not found"),
        ("/coordinator/queue", 403, "Not allowed"),
        ("/logout", 405, "Not allowed"),
        ("/organisations?page=0", 400, "Bad request"),
        ("/introductions/new?to=nope", 404, "Not found"),
    ]
    for path, status, title in cases:
        soup = get(client, path, status=status)
        assert text(soup.find("h1")) == title, path
        assert soup.find("body")["class"] == ["error"]  # type: ignore[index]
        assert text(soup.find("title")) == f"{status} — Convene"
        assert [a["href"] for a in main(soup).find_all("a")] == ["/"]


def test_a_refused_request_is_a_409_in_the_form(site: Site) -> None:
    request_introduction(site, "a", "bremer-stone")
    response = submit(
        site.as_("a"),
        "/introductions/new?to=bremer-stone",
        "/introductions/new",
        motivation=MOTIVATION,
    )
    assert response.status_code == 409
    soup = in_layout(response)
    assert texts(soup.select('[role="alert"]')) == [
        "A request between your organisations is already pending."
    ]
    # the form comes back with what was typed
    motivation = soup.find("textarea", attrs={"name": "motivation"})
    assert isinstance(motivation, Tag) and motivation.get_text() == MOTIVATION


def test_a_too_short_motivation_is_a_422_next_to_the_field(site: Site) -> None:
    response = submit(
        site.as_("a"), "/introductions/new?to=bremer-stone", "/introductions/new", motivation="hi"
    )
    assert response.status_code == 422
    soup = in_layout(response)
    assert soup.select("p.field-error") != []


def test_an_unexpected_error_is_a_500_page_in_the_layout(
    site: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr("convene.organisations.service.list_organisations", broken)
    response = site.as_("a").get("/organisations")
    assert response.status_code == 500
    soup = in_layout(response)
    assert text(soup.find("h1")) == "Something went wrong"
    assert "boom" not in response.text and "Traceback" not in response.text


def test_the_500_page_has_the_security_headers(site: Site, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr("convene.organisations.service.list_organisations", broken)
    response = site.as_("a").get("/organisations")
    assert response.status_code == 500
    assert response.headers.get("x-frame-options") == "DENY"
    assert "default-src 'self'" in response.headers.get("content-security-policy", "")


# --------------------------------------------------------------------------- Dutch


def nl(message: str) -> str:
    """The Dutch for an English message, as the catalogue says right now."""
    return i18n.gettext(message, "nl")


def test_dutch_from_accept_language(site: Site) -> None:
    client = site.as_("c")
    headers = {"Accept-Language": "nl-NL,nl;q=0.9,en;q=0.5"}
    soup = get(client, "/organisations/acme-stone", headers=headers)
    html = soup.find("html")
    assert isinstance(html, Tag) and html["lang"] == "nl"
    relationships = texts(section(soup, "rels-title").select("ul.relationships li"))
    assert relationships == [
        f"Acme Stone {nl('member of')} Natural Stone Covenant ({nl('since')} 1 januari 2020)"
    ]
    facts = soup.select_one("article dl")
    assert facts is not None
    assert texts(facts.find_all("dd"))[:3] == ["Natuursteen", "India", "Kinderarbeid"]
    nav = soup.select_one("header.site nav")
    assert nav is not None
    assert texts(nav.find_all("a"))[1:] == [nl("Directory"), nl("Account")]
    english = get(client, "/organisations/acme-stone", headers={"Accept-Language": "en"})
    assert english.find("html")["lang"] == "en"  # type: ignore[index]


def test_dutch_reasons_and_dates_on_the_dashboard(site: Site) -> None:
    request_id = request_introduction(site, "a", "bremer-stone")
    with unit_of_work(site.engine) as session:
        found = session.get(IntroductionRequest, request_id)
        assert found is not None
        updated = found.updated_at
    soup = get(site.as_("a"), "/", headers={"Accept-Language": "nl"})
    assert soup.find("html")["lang"] == "nl"  # type: ignore[index]
    assert cards(section(soup, "stakeholders-title"))[0][2] == [
        nl("Works on {theme} in {country}, where you operate or source").format(
            theme="kinderarbeid", country="India"
        )
    ]
    row = section(soup, "outgoing-title").select_one("li .when")
    assert text(row) == i18n.format_date(updated, "nl")
    months = ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus",
              "september", "oktober", "november", "december"]  # fmt: skip
    assert months[updated.month - 1] in text(row)


def test_switching_language_keeps_the_page_and_its_query(site: Site) -> None:
    # the footer's switch on a filtered directory page, and on the request form (whose
    # ?to= is required: without it the page is a 400)
    client = site.as_("a")
    for page in ("/organisations?kind=company&country=IN", "/introductions/new?to=cobalt-co"):
        response = submit(client, page, "/language", language="nl")
        assert response.status_code == 303
        assert response.headers["location"] == page
        assert get(client, page).find("html")["lang"] == "nl"  # type: ignore[index]
        submit(client, page, "/language", language="en")


def test_language_switch_and_saved_preference(site: Site) -> None:
    anonymous = site.as_("anonymous")
    response = submit(anonymous, "/login", "/language", language="nl", back="/login")
    assert response.status_code == 303
    assert response.headers["location"] == "/login"
    assert get(anonymous, "/login").find("html")["lang"] == "nl"  # type: ignore[index]

    client = site.as_("b")
    assert submit(client, "/account", "/account/preferences", language="nl").status_code == 303
    client.cookies.delete("convene_lang")  # the saved choice, not the cookie, decides
    soup = get(client, "/account", headers={"Accept-Language": "en"})
    assert soup.find("html")["lang"] == "nl"  # type: ignore[index]
    preferences = soup.find("form", attrs={"action": "/account/preferences"})
    assert isinstance(preferences, Tag)
    assert form_fields(preferences)["language"] == "nl"
