"""Sign-in pages over real HTTP, read as HTML: the login form, CSRF, the session cookie's
flags, throttling that survives a restart, logout, and where ``next`` may lead."""

from __future__ import annotations

from collections.abc import Iterator
from http.cookies import Morsel, SimpleCookie

import httpx
import pytest
from bs4 import BeautifulSoup, Tag
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from convene.asgi import create_app
from convene.db import dispose_engines, unit_of_work
from convene.settings import get_settings
from tests.factories import make_organisation, make_user

PASSWORD = "a-long-test-password"
EMAIL = "anna@example.org"
OTHER = "bram@example.org"


@pytest.fixture
def accounts(engine: Engine) -> None:
    with unit_of_work(engine) as session:
        org = make_organisation(session, slug="bremer-stone", name="Bremer Stone")
        make_user(session, organisation=org, email=EMAIL)
        make_user(session, organisation=org, email=OTHER)


@pytest.fixture
def browser(accounts: None) -> Iterator[TestClient]:  # noqa: ARG001 (data first)
    with TestClient(create_app()) as client:
        yield client


def page(html: str) -> BeautifulSoup:
    return BeautifulSoup(html, "html.parser")


def csrf_of(client: TestClient, path: str = "/login") -> str:
    field = page(client.get(path).text).find("input", attrs={"name": "csrf_token"})
    assert isinstance(field, Tag)
    return str(field["value"])


def post_login(
    client: TestClient,
    email: str = EMAIL,
    password: str = PASSWORD,
    *,
    csrf: str | None = None,
    next: str | None = None,
) -> httpx.Response:
    data = {"email": email, "password": password}
    data["csrf_token"] = csrf if csrf is not None else csrf_of(client)
    if next is not None:
        data["next"] = next
    response: httpx.Response = client.post("/login", data=data, follow_redirects=False)
    return response


def set_cookie(response: httpx.Response, name: str) -> Morsel[str] | None:
    for header in response.headers.get_list("set-cookie"):
        parsed: SimpleCookie = SimpleCookie()
        parsed.load(header)
        if name in parsed:
            return parsed[name]
    return None


def alert_text(response: httpx.Response) -> str:
    alert = page(response.text).select_one('[role="alert"]')
    assert alert is not None, response.text
    return str(alert.get_text(strip=True))


def in_site_layout(response: httpx.Response) -> BeautifulSoup:
    soup = page(response.text)
    assert soup.find("header", class_="site") is not None
    assert soup.find("main", id="main") is not None
    assert soup.find("footer", class_="site") is not None
    return soup


# --------------------------------------------------------------------------- the form


def test_login_page_has_a_labelled_form_with_a_csrf_token(browser: TestClient) -> None:
    response = browser.get("/login")
    assert response.status_code == 200
    soup = in_site_layout(response)
    form = soup.find("form", attrs={"action": "/login", "method": "post"})
    assert isinstance(form, Tag)
    hidden = form.find("input", attrs={"name": "csrf_token", "type": "hidden"})
    assert isinstance(hidden, Tag) and len(str(hidden["value"])) >= 32
    assert browser.cookies["convene_csrf"] == hidden["value"]
    for name, kind in (("email", "email"), ("password", "password")):
        field = form.find("input", attrs={"name": name})
        assert isinstance(field, Tag) and field["type"] == kind
        label = form.find("label", attrs={"for": field["id"]})
        assert label is not None and label.get_text(strip=True)


@pytest.mark.parametrize("csrf", ["", "forged-token"])
def test_login_without_the_right_csrf_token_is_refused(browser: TestClient, csrf: str) -> None:
    csrf_of(browser)  # the browser has a CSRF cookie, the form does not echo it
    response = post_login(browser, csrf=csrf)
    assert response.status_code == 403
    soup = in_site_layout(response)
    assert "did not come from this site" in soup.get_text()
    assert set_cookie(response, "convene_session") is None
    assert "convene_session" not in browser.cookies


def test_login_form_without_any_csrf_field_is_refused(browser: TestClient) -> None:
    csrf_of(browser)
    response = browser.post(
        "/login", data={"email": EMAIL, "password": PASSWORD}, follow_redirects=False
    )
    assert response.status_code == 403
    assert "did not come from this site" in in_site_layout(response).get_text()
    assert set_cookie(response, "convene_session") is None


# --------------------------------------------------------------------------- the cookie


def test_right_password_sets_an_httponly_lax_cookie_not_secure_on_http(
    browser: TestClient,
) -> None:
    response = post_login(browser)
    assert response.status_code == 303
    assert response.headers["location"] == "/"
    cookie = set_cookie(response, "convene_session")
    assert cookie is not None
    assert cookie["httponly"] is True
    assert cookie["samesite"].lower() == "lax"
    assert not cookie["secure"]
    assert browser.get("/api/v1/me").json()["email"] == EMAIL


@pytest.mark.usefixtures("accounts")
def test_cookie_is_secure_when_the_site_is_served_over_https(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("CONVENE_BASE_URL", "https://convene.example")
    get_settings.cache_clear()
    assert get_settings().env == "development"
    with TestClient(create_app(), base_url="https://testserver") as client:
        form = client.get("/login")
        csrf_cookie = set_cookie(form, "convene_csrf")
        assert csrf_cookie is not None and csrf_cookie["secure"] is True
        response = post_login(client)
        assert response.status_code == 303
        cookie = set_cookie(response, "convene_session")
        assert cookie is not None
        assert cookie["secure"] is True
        assert cookie["httponly"] is True
        assert cookie["samesite"].lower() == "lax"
    get_settings.cache_clear()


# --------------------------------------------------------------------------- failures


def test_wrong_password_shows_the_error_on_the_login_page(browser: TestClient) -> None:
    response = post_login(browser, password="not-the-password")
    assert response.status_code == 401
    in_site_layout(response)
    assert alert_text(response) == "email or password is not right"
    email_field = page(response.text).find("input", attrs={"name": "email"})
    assert isinstance(email_field, Tag) and email_field["value"] == EMAIL
    assert set_cookie(response, "convene_session") is None


def test_five_failures_lock_the_account_even_after_a_restart(browser: TestClient) -> None:
    for _ in range(4):
        assert post_login(browser, password="not-the-password").status_code == 401
    assert post_login(browser, password="not-the-password").status_code == 401  # the 5th
    locked = post_login(browser)
    assert locked.status_code == 429
    assert "too many failed sign-ins" in alert_text(locked)
    assert set_cookie(locked, "convene_session") is None

    # a restart: new engines, a new application, a new browser
    dispose_engines()
    with TestClient(create_app()) as restarted:
        still = post_login(restarted)
        assert still.status_code == 429
        assert "too many failed sign-ins" in alert_text(still)
        # only that account: another one on the same address signs in
        assert post_login(restarted, email=OTHER).status_code == 303


def test_twenty_failures_from_one_address_lock_out_further_accounts(browser: TestClient) -> None:
    for n in range(19):
        response = post_login(browser, email=f"guess{n}@example.org", password="x-password-x")
        assert response.status_code == 401
    assert post_login(browser).status_code == 303  # 19 is still under the limit
    assert post_login(browser, email="guess19@example.org").status_code == 401  # the 20th
    with TestClient(create_app()) as same_address:
        locked = post_login(same_address, email=OTHER)
        assert locked.status_code == 429
        assert "too many failed sign-ins" in alert_text(locked)
    with TestClient(create_app(), client=("203.0.113.7", 40000)) as elsewhere:
        assert post_login(elsewhere, email=OTHER).status_code == 303


# --------------------------------------------------------------------------- logout


def test_logout_revokes_the_session_on_the_server(browser: TestClient) -> None:
    response = post_login(browser)
    raw = response.cookies["convene_session"]
    assert browser.get("/api/v1/me").status_code == 200

    refused = browser.post("/logout", data={"csrf_token": "forged"}, follow_redirects=False)
    assert refused.status_code == 403
    assert browser.get("/api/v1/me").status_code == 200

    out = browser.post(
        "/logout", data={"csrf_token": csrf_of(browser, "/")}, follow_redirects=False
    )
    assert out.status_code == 303
    assert out.headers["location"] == "/login"
    cleared = set_cookie(out, "convene_session")
    assert cleared is not None and cleared.value in ("", '""')

    # the old cookie value, replayed by anyone, no longer signs in
    with TestClient(create_app(), cookies={"convene_session": raw}) as replay:
        assert replay.get("/api/v1/me").status_code == 401
        home = page(replay.get("/").text)
        assert home.find("a", attrs={"href": "/login"}) is not None


# --------------------------------------------------------------------------- next


@pytest.mark.parametrize(
    ("target", "location"),
    [
        ("/organisations/bremer-stone", "/organisations/bremer-stone"),
        ("//evil.example", "/"),
        ("//evil.example/login", "/"),
        ("https://evil.example/", "/"),
        ("evil.example", "/"),
        ("", "/"),
    ],
)
def test_next_leads_only_to_local_paths(browser: TestClient, target: str, location: str) -> None:
    response = post_login(browser, next=target)
    assert response.status_code == 303
    assert response.headers["location"] == location


@pytest.mark.parametrize("target", ["/\\evil.example", "/\t/evil.example", "/%2F/evil.example"])
def test_next_cannot_be_bent_into_another_host(browser: TestClient, target: str) -> None:
    # browsers read a backslash as a slash and drop tabs: `/\evil.example` is `//evil.example`
    response = post_login(browser, next=target)
    assert response.status_code == 303
    resolved = httpx.URL("https://convene.example/login").join(response.headers["location"])
    assert resolved.host == "convene.example"
    assert not response.headers["location"].replace("\\", "/").startswith("//")


def test_login_page_redirects_signed_in_users_to_a_safe_next(browser: TestClient) -> None:
    post_login(browser)
    response = browser.get("/login?next=//evil.example", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/"
