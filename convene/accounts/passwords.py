"""Password hashing (argon2id via pwdlib) and the rules a new password must meet."""

from __future__ import annotations

from functools import lru_cache

from pwdlib import PasswordHash

from convene.errors import Invalid

MIN_LENGTH = 12
COMMON = frozenset(
    {
        "password1234", "123456789012", "qwertyuiop12", "passwordpassword",
        "welkom123456", "wachtwoord12", "wachtwoord123", "iloveyou1234",
        "changeme1234", "letmein12345", "administrator", "convene12345",
    }
)  # fmt: skip


@lru_cache
def hasher() -> PasswordHash:
    return PasswordHash.recommended()  # argon2id


def check_password_rules(password: str) -> None:
    if len(password) < MIN_LENGTH:
        raise Invalid(
            f"password must be at least {MIN_LENGTH} characters",
            code="weak_password",
            field="password",
        )
    if password.lower() in COMMON or len(set(password)) < 4:
        raise Invalid(
            "password is too common or too simple", code="weak_password", field="password"
        )


def hash_password(password: str) -> str:
    return hasher().hash(password)


def verify_password(password: str, password_hash: str) -> bool:
    if not password_hash:
        hasher().verify(password, _dummy_hash())  # spend the same time for unknown users
        return False
    return hasher().verify(password, password_hash)


@lru_cache
def _dummy_hash() -> str:
    return hasher().hash("not-a-real-password-only-for-timing")
