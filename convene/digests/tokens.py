"""Signed unsubscribe tokens: the contact id, signed with the site's secret key.

The token is the proof for RFC 8058 one-click unsubscribe (no sign-in, no CSRF token);
it does not expire, because a digest in someone's mailbox must keep working.
"""

from __future__ import annotations

from itsdangerous import BadData, URLSafeSerializer

from convene.errors import NotFound
from convene.settings import get_settings

SALT = "unsubscribe"


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(get_settings().resolved_secret_key(), salt=SALT)


def unsubscribe_token(contact_id: int) -> str:
    return _serializer().dumps(contact_id)


def contact_id_from(token: str) -> int:
    try:
        value = _serializer().loads(token)
    except BadData:
        raise NotFound("this unsubscribe link is not valid") from None
    if not isinstance(value, int) or isinstance(value, bool):
        raise NotFound("this unsubscribe link is not valid")
    return value


def unsubscribe_url(contact_id: int) -> str:
    return f"{get_settings().base_url.rstrip('/')}/unsubscribe/{unsubscribe_token(contact_id)}"
