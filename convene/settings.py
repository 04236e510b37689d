"""Configuration from ``CONVENE_*`` environment variables.

Defaults are safe on a laptop (SQLite in the working directory, mail written to files);
``CONVENE_ENV=production`` refuses values that are only fine on a laptop.
"""

from __future__ import annotations

import secrets
from functools import lru_cache
from pathlib import Path
from typing import Literal, Self

from pydantic import Field, computed_field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

SECRET_FILE_NAME = ".convene-secret-key"


class Settings(BaseSettings):
    """All of Convene's settings; each field is read from ``CONVENE_<NAME>``."""

    model_config = SettingsConfigDict(env_prefix="CONVENE_", extra="ignore")

    env: Literal["development", "test", "production"] = "development"
    database_url: str = "sqlite:///./convene.db"
    secret_key: str = Field(default="", repr=False)
    secret_key_file: Path = Path(SECRET_FILE_NAME)
    base_url: str = "http://127.0.0.1:8000"
    mail_url: str = "file://./outbox"
    mail_from: str = "Convene <convene@example.org>"
    sqlite_busy_timeout_ms: int = Field(default=30_000, ge=0)
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    session_days: int = Field(default=14, ge=1, le=365)
    decline_cooldown_days: int = Field(default=180, ge=0)
    introduction_expiry_days: int = Field(default=30, ge=1)
    invitation_days: int = Field(default=7, ge=1)
    password_reset_minutes: int = Field(default=60, ge=5)
    login_max_failures_per_account: int = Field(default=5, ge=1)
    login_max_failures_per_client: int = Field(default=20, ge=1)
    login_throttle_minutes: int = Field(default=15, ge=1)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def secure_cookies(self) -> bool:
        """Cookies carry ``Secure`` exactly when the site is served over https."""
        return self.base_url.startswith("https://")

    @computed_field  # type: ignore[prop-decorator]
    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @model_validator(mode="after")
    def _check_production(self) -> Self:
        if self.env != "production":
            return self
        problems = []
        if not self.secret_key or len(self.secret_key) < 32:
            problems.append("CONVENE_SECRET_KEY must be set to at least 32 characters")
        if not self.base_url.startswith("https://"):
            problems.append("CONVENE_BASE_URL must be an https:// URL (cookies are Secure)")
        if problems:
            raise ValueError("unsafe production settings: " + "; ".join(problems))
        return self

    def resolved_secret_key(self) -> str:
        """The secret key; on a laptop one is generated once and kept in a file."""
        if self.secret_key:
            return self.secret_key
        path = self.secret_key_file
        if path.exists():
            return path.read_text(encoding="utf-8").strip()
        key = secrets.token_urlsafe(48)
        path.write_text(key + "\n", encoding="utf-8")
        path.chmod(0o600)
        return key


@lru_cache
def get_settings() -> Settings:
    """The process's settings, read once."""
    return Settings()
