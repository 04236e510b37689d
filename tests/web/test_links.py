"""Single-use links survive a refused password: the person can try again."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from convene.accounts import service as accounts
from convene.asgi import create_app
from convene.db import unit_of_work
from tests.factories import make_organisation, make_user


def test_a_weak_password_does_not_use_up_the_link(engine: Engine) -> None:
    with unit_of_work(engine) as session:
        user = make_user(session, organisation=make_organisation(session, slug="acme"))
        raw = accounts._one_time(session, user, accounts.RESET, timedelta(minutes=30))
    with TestClient(create_app(), follow_redirects=False) as client:
        page = client.get(f"/password-reset/{raw}")
        assert page.status_code == 200
        csrf = client.cookies["convene_csrf"]
        weak = client.post(f"/password-reset/{raw}", data={"csrf_token": csrf, "password": "short"})
        assert weak.status_code == 422
        assert "at least 12 characters" in weak.text
        good = client.post(
            f"/password-reset/{raw}", data={"csrf_token": csrf, "password": "a-much-better-pass-9"}
        )
        assert (good.status_code, good.headers["location"]) == (303, "/login")
        again = client.post(
            f"/password-reset/{raw}", data={"csrf_token": csrf, "password": "a-much-better-pass-9"}
        )
        assert again.status_code == 404
