"""The digest tests' shared network, with links under an https base URL."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import Engine

from convene import i18n
from convene.settings import get_settings
from tests.digests.support import BASE_URL, Network, build_network


@pytest.fixture
def network(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> Network:
    monkeypatch.setenv("CONVENE_BASE_URL", BASE_URL)
    get_settings.cache_clear()
    i18n.translations.cache_clear()  # the Dutch catalogue as it is on disk now
    return build_network(engine)
