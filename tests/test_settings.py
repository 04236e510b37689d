"""Settings: laptop-safe defaults, loud refusal of unsafe production values."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from convene.settings import Settings


def test_defaults_are_for_a_laptop(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("CONVENE_DATABASE_URL", "CONVENE_ENV", "CONVENE_MAIL_URL", "CONVENE_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    settings = Settings()
    assert settings.database_url == "sqlite:///./convene.db"
    assert settings.mail_url == "file://./outbox"
    assert settings.secure_cookies is False


def test_local_secret_key_is_generated_once_and_kept(tmp_path: Path) -> None:
    settings = Settings(secret_key_file=tmp_path / "key")
    first = settings.resolved_secret_key()
    assert len(first) >= 48
    assert Settings(secret_key_file=tmp_path / "key").resolved_secret_key() == first
    assert (tmp_path / "key").stat().st_mode & 0o077 == 0


def test_production_refuses_missing_secret_and_http(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CONVENE_ENV", "production")
    monkeypatch.delenv("CONVENE_SECRET_KEY", raising=False)
    monkeypatch.setenv("CONVENE_BASE_URL", "http://convene.example")
    with pytest.raises(ValidationError) as info:
        Settings()
    message = str(info.value)
    assert "CONVENE_SECRET_KEY must be set" in message
    assert "CONVENE_BASE_URL must be an https:// URL" in message


def test_production_accepts_safe_values(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CONVENE_ENV", "production")
    monkeypatch.setenv("CONVENE_SECRET_KEY", "x" * 40)
    monkeypatch.setenv("CONVENE_BASE_URL", "https://convene.example")
    monkeypatch.setenv("CONVENE_MAIL_URL", "smtp://mail.example:25")
    settings = Settings()
    assert settings.secure_cookies is True
    assert settings.resolved_secret_key() == "x" * 40
