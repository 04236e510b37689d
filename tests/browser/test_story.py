"""The introduction story in a real browser, in English and in Dutch, the directory's
filters, and every page at phone width (375 px) without sideways scrolling.

A member signs in, opens a suggestion from the dashboard, reads why it was suggested and
asks for an introduction; a coordinator approves it from the queue; the other member
accepts from their dashboard; then both see each other's contact details.

Set ``CONVENE_SCREENSHOTS=DIR`` to keep screenshots of the main pages (desktop and phone).
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Page, ViewportSize, expect

from tests.browser.conftest import COORDINATOR, MEMBERS, Pages, Server, cli

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PHONE: ViewportSize = {"width": 375, "height": 812}
MOTIVATION = {
    "en": "We buy natural stone from India and want to work on forced labour in quarries.",
    "nl": "Wij kopen kleding in Bangladesh en willen samen werken aan een leefbaar loon.",
}
SHOTS = os.environ.get("CONVENE_SCREENSHOTS", "")


def shot(page: Page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


def sign_in(page: Page, server: Server, email: str) -> None:
    page.goto("/login")
    form = page.locator("form[action='/login']")
    form.locator("input[name=email]").fill(email)
    form.locator("input[name=password]").fill(server.passwords[email])
    form.locator("button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.locator("header.site form[action='/logout']")).to_be_visible()


def lang(page: Page) -> str:
    return str(page.locator("html").get_attribute("lang"))


def main_text(page: Page) -> str:
    return str(page.locator("main").inner_text())


def walk_story(pages: Pages, server: Server, requester: str, target: str, language: str) -> None:
    locale = "nl-NL" if language == "nl" else "en-GB"
    requester_email, target_email = MEMBERS[requester], MEMBERS[target]

    # --- the member opens a suggestion and reads why
    member = pages.new(f"member-{language}", locale=locale)
    sign_in(member, server, requester_email)
    assert lang(member) == language
    stakeholders = member.locator("section[aria-labelledby=stakeholders-title]")
    card = stakeholders.locator(f"li.card:has(h3 a[href='/organisations/{target}'])")
    expect(card).to_have_count(1)
    card_reasons = card.locator("ul.reasons li").all_inner_texts()
    assert card_reasons and all(r.strip() for r in card_reasons)
    card.locator("h3 a").click()
    expect(member).to_have_url(re.compile(rf"/organisations/{target}$"))
    assert lang(member) == language
    why = member.locator("section.why-suggested ul.reasons li")
    expect(why.first).to_be_visible()
    assert why.all_inner_texts() == card_reasons
    assert target_email not in member.content()  # no contact details before consent
    at_phone_width(member, f"profile-{language}")

    # --- and asks for an introduction
    member.locator(f"a.button[href='/introductions/new?to={target}']").click()
    expect(member).to_have_url(re.compile(rf"/introductions/new\?to={target}$"))
    motivation = member.locator("textarea#motivation")
    expect(motivation).not_to_be_empty()  # prefilled from the reasons
    assert member.locator("label[for=motivation]").inner_text().strip()
    motivation.fill(MOTIVATION[language])
    at_phone_width(member, f"request-{language}")
    member.locator("form[action='/introductions/new'] button[type=submit]").click()
    expect(member).to_have_url(re.compile(r"/introductions/\d+$"))
    request_id = int(member.url.rsplit("/", 1)[1])
    expect(member.locator("[role=status]")).to_be_visible()
    expect(member.locator("strong.state-requested")).to_be_visible()
    assert lang(member) == language

    # --- a coordinator approves it from the queue
    coordinator = pages.new(f"coordinator-{language}", locale=locale)
    sign_in(coordinator, server, COORDINATOR)
    coordinator.locator("header.site a[href='/coordinator/queue']").click()
    expect(coordinator).to_have_url(re.compile(r"/coordinator/queue$"))
    assert lang(coordinator) == language
    row = coordinator.locator(f"li.queue-item:has(h2 a[href='/introductions/{request_id}'])")
    expect(row).to_have_count(1)
    expect(row.locator("blockquote.motivation")).to_have_text(MOTIVATION[language])
    assert row.locator("section.matching li").all_inner_texts() == card_reasons
    at_phone_width(coordinator, f"queue-{language}")
    row.locator(f"form[action='/introductions/{request_id}/approve'] button").click()
    expect(coordinator).to_have_url(re.compile(r"/coordinator/queue$"))
    expect(coordinator.locator("[role=status]")).to_be_visible()
    expect(
        coordinator.locator(f"li.queue-item:has(a[href='/introductions/{request_id}'])")
    ).to_have_count(0)

    # --- the other member accepts from their dashboard
    other = pages.new(f"target-{language}", locale=locale)
    sign_in(other, server, target_email)
    assert lang(other) == language
    incoming = other.locator("section[aria-labelledby=incoming-title]")
    expect(incoming.locator(f"a[href='/introductions/{request_id}']")).to_be_visible()
    assert requester_email not in other.content()
    incoming.locator(f"form[action='/introductions/{request_id}/accept'] button").click()
    expect(other).to_have_url(re.compile(r"/$"))
    expect(other.locator("[role=status]")).to_be_visible()

    # --- both see each other's contact details
    met = other.locator("section[aria-labelledby=met-title]")
    expect(met.locator(f"a[href='mailto:{requester_email}']")).to_be_visible()
    member.goto(f"/organisations/{target}")
    contacts = member.locator("section[aria-labelledby=contacts-title]")
    expect(contacts.locator(f"a[href='mailto:{target_email}']")).to_be_visible()
    member.goto("/")
    expect(
        member.locator(f"section[aria-labelledby=met-title] a[href='mailto:{target_email}']")
    ).to_be_visible()
    member.goto(f"/introductions/{request_id}")
    expect(member.locator("strong.state-introduced")).to_be_visible()
    people = member.locator("section[aria-labelledby=people-title]")
    for email in (requester_email, target_email):
        expect(people.locator(f"a[href='mailto:{email}']")).to_be_visible()
    assert lang(member) == language


def at_phone_width(page: Page, name: str) -> None:
    """The page as it is now, also at 375 px: no sideways scrolling (and a screenshot)."""
    desktop = page.viewport_size
    assert desktop is not None
    shot(page, f"desktop-{name}")
    page.set_viewport_size(PHONE)
    try:
        shot(page, f"phone-{name}")
        assert no_sideways_scroll(page) == [], name
    finally:
        page.set_viewport_size(desktop)


def test_the_introduction_story_in_english(pages: Pages, server: Server) -> None:
    walk_story(pages, server, "hoogveld-stone", "arisa", "en")


def test_the_introduction_story_in_dutch(pages: Pages, server: Server) -> None:
    walk_story(pages, server, "dommel-apparel", "arisa", "nl")


def test_the_language_switch(pages: Pages, server: Server) -> None:
    page = pages.new("switch")
    page.goto("/login")
    assert lang(page) == "en"
    footer = page.locator("footer.site form[action='/language']")
    footer.locator("select[name=language]").select_option("nl")
    footer.locator("button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/login$"))
    assert lang(page) == "nl"
    sign_in(page, server, MEMBERS["arisa"])
    assert lang(page) == "nl"


def count_of(page: Page) -> int:
    digits = re.sub(r"\D", "", page.locator("p.count").inner_text())
    return int(digits)


def api_total(page: Page, query: str) -> int:
    response = page.request.get(f"/api/v1/organisations?{query}&limit=1")
    assert response.ok, response.text()
    total: int = response.json()["total"]
    return total


def test_directory_filters(pages: Pages, server: Server) -> None:
    page = pages.new("directory")
    sign_in(page, server, MEMBERS["hoogveld-stone"])
    page.locator("header.site a[href='/organisations']").click()
    everyone = count_of(page)
    assert everyone == api_total(page, "")
    assert page.locator("ul.cards li.card").count() == 25
    expect(page.locator("nav.pagination a[rel=next]")).to_have_attribute("href", "?page=2")

    search = page.locator("form[role=search]")
    search.locator("select#kind").select_option("ngo")
    search.locator("button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"kind=ngo"))
    ngos = count_of(page)
    assert 0 < ngos < everyone
    assert ngos == api_total(page, "kind=ngo")
    kinds = set(page.locator("ul.cards li.card p.kind").all_inner_texts())
    assert {k.split(" · ")[0] for k in kinds} == {"ngo"}
    expect(search.locator("select#kind")).to_have_value("ngo")

    search.locator("select#country").select_option("IN")
    search.locator("select#theme").select_option("child-labour")
    search.locator("button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"country=IN"))
    narrowed = count_of(page)
    assert narrowed == api_total(page, "kind=ngo&country=IN&theme=child-labour")
    assert 0 < narrowed <= ngos
    for filters in page.locator("ul.cards li.card p.kind").all_inner_texts():
        assert "IN" in filters

    # a group, then the next page keeps the filter
    page.goto("/organisations")
    group = search.locator("select#group")
    options = group.locator("option").evaluate_all("os => os.map(o => o.value)")
    largest, size = "", 0
    for slug in options[1:]:
        total = api_total(page, f"group={slug}")
        if total > size:
            largest, size = slug, total
    group.select_option(largest)
    search.locator("button[type=submit]").click()
    assert count_of(page) == size > 25
    page.locator("nav.pagination a[rel=next]").click()
    expect(page).to_have_url(re.compile(rf"group={largest}&page=2$"))
    expect(group).to_have_value(largest)
    assert page.locator("ul.cards li.card").count() == min(25, size - 25)

    page.locator("form[role=search] input#q").fill("stone")
    page.locator("form[role=search] select#group").select_option("")
    page.locator("form[role=search] button[type=submit]").click()
    assert count_of(page) == api_total(page, "q=stone") > 0


def no_sideways_scroll(page: Page) -> list[str]:
    """What sticks out, if the page scrolls sideways."""
    width = page.evaluate("document.documentElement.scrollWidth")
    if width <= PHONE["width"]:
        return []
    wide: list[str] = page.evaluate(
        """() => [...document.querySelectorAll('body *')]
            .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
            .slice(0, 6)
            .map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')
                      + (typeof e.className === 'string' && e.className ? '.' + e.className : '')
                      + ' right edge at ' + Math.round(e.getBoundingClientRect().right) + 'px')"""
    )
    return [f"scrollWidth {width}", *wide]


PHONE_PAGES = [
    ("anonymous", "en", "/"),
    ("anonymous", "en", "/login"),
    ("anonymous", "en", "/password-reset"),
    ("member", "en", "/"),
    ("member", "en", "/organisations"),
    ("member", "en", "/organisations?kind=ngo&country=IN"),
    ("member", "en", "/organisations/arisa"),
    ("member", "en", "/organisations/hoogveld-stone"),
    ("member", "en", "/organisations/hoogveld-stone/edit"),
    ("member", "en", "/introductions/new?to=solidaridad"),
    ("member", "en", "/account"),
    ("member", "nl", "/"),
    ("member", "nl", "/organisations"),
    ("member", "nl", "/organisations/arisa"),
    ("coordinator", "en", "/"),
    ("coordinator", "en", "/coordinator/queue"),
    ("coordinator", "en", "/coordinator/network"),
    ("coordinator", "nl", "/coordinator/network"),
    ("coordinator", "en", "/coordinator/organisations/new"),
    ("coordinator", "en", "/coordinator/import"),
    ("coordinator", "en", "/organisations/hoogveld-stone"),
    ("coordinator", "en", "/organisations/ser-imvo-network"),
]
SIGN_IN = {"member": MEMBERS["hoogveld-stone"], "coordinator": COORDINATOR}


@pytest.fixture(scope="module")
def introduced(server: Server) -> int:
    """A completed introduction (Hoogveld Stone and FNV Mondiaal, through the API), so the
    dashboards show contact details whichever tests ran before."""
    tokens = {
        email: cli(server, "users", "token", email, "--name", "browser tests").strip()
        for email in (MEMBERS["hoogveld-stone"], MEMBERS["fnv-mondiaal"], COORDINATOR)
    }

    def call(email: str, path: str, body: dict[str, str] | None = None) -> dict[str, Any]:
        response = httpx.post(
            f"{server.url}/api/v1/introductions{path}",
            json=body,
            headers={"Authorization": f"Bearer {tokens[email]}"},
        )
        assert response.status_code in (200, 201), response.text
        result: dict[str, Any] = response.json()
        return result

    created = call(
        MEMBERS["hoogveld-stone"],
        "",
        {"to": "fnv-mondiaal", "motivation": "Freedom of association in the quarries we buy from."},
    )
    call(COORDINATOR, f"/{created['id']}/approve")
    assert call(MEMBERS["fnv-mondiaal"], f"/{created['id']}/accept")["state"] == "introduced"
    return int(created["id"])


@pytest.fixture(scope="module")
def signed_in(chromium: Any, server: Server, introduced: int) -> dict[str, Any]:  # noqa: ARG001
    """Each reader's cookies, signed in once for all the phone pages."""
    states: dict[str, Any] = {"anonymous": None}
    for who, email in SIGN_IN.items():
        context = chromium.new_context(base_url=server.url)
        try:
            sign_in(context.new_page(), server, email)
            states[who] = context.storage_state()
        finally:
            context.close()
    return states


@pytest.mark.parametrize(("who", "language", "path"), PHONE_PAGES)
def test_the_page_fits_a_phone(
    pages: Pages, signed_in: dict[str, Any], who: str, language: str, path: str
) -> None:
    page = pages.new(
        f"phone-{who}-{language}",
        locale="nl-NL" if language == "nl" else "en-GB",
        width=PHONE["width"],
        height=PHONE["height"],
        storage_state=signed_in[who],
    )
    response = page.goto(path)
    assert response is not None and response.status == 200, path
    assert lang(page) == language
    name = re.sub(r"[^a-z0-9]+", "-", path.lower()).strip("-") or "dashboard"
    shot(page, f"phone-{who}-{language}-{name}")
    assert no_sideways_scroll(page) == []


def test_desktop_screenshots(pages: Pages, server: Server) -> None:
    """The main pages render with the site's stylesheet (and, with CONVENE_SCREENSHOTS, are
    kept for a look)."""
    member = pages.new("desktop-member")
    sign_in(member, server, MEMBERS["hoogveld-stone"])
    for path in ("/", "/organisations/arisa"):
        member.goto(path)
        # the stylesheet applied: the cards are laid out as a grid
        if path == "/":
            assert (
                member.locator("ul.cards").first.evaluate("e => getComputedStyle(e).display")
                == "grid"
            )
        shot(member, "desktop-" + (path.strip("/").replace("/", "-") or "dashboard"))
    coordinator = pages.new("desktop-coordinator")
    sign_in(coordinator, server, COORDINATOR)
    for path in ("/coordinator/queue", "/coordinator/network"):
        coordinator.goto(path)
        shot(coordinator, "desktop-" + path.strip("/").replace("/", "-"))


def test_pages_work_without_javascript(chromium: Any, server: Server) -> None:
    """Forms post and redirect: signing in and filtering need no script."""
    context = chromium.new_context(base_url=server.url, java_script_enabled=False)
    try:
        page = context.new_page()
        sign_in(page, server, MEMBERS["arisa"])
        page.goto("/organisations")
        page.locator("form[role=search] select#kind").select_option("union")
        page.locator("form[role=search] button[type=submit]").click()
        expect(page).to_have_url(re.compile(r"kind=union"))
        assert count_of(page) == api_total(page, "kind=union")
    finally:
        context.close()
