"""Users, sign-in, sessions, API tokens, invitations and password resets.

Secrets handed to people (session cookies, API tokens, invitation and reset links) are
random 256-bit strings; only their SHA-256 is stored, so a database leak reveals none.
Revocation is a timestamp: logout, a password change and deactivation set it.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from sqlmodel import Session

from convene.accounts import repository as repo
from convene.accounts.passwords import check_password_rules, hash_password, verify_password
from convene.db import after_commit
from convene.errors import Conflict, ConveneError, Invalid, NotFound, Unauthorized
from convene.mail import Mail, send_mail
from convene.models import (
    ApiToken,
    Contact,
    OneTimeToken,
    Role,
    TokenCreated,
    TokenPublic,
    User,
    UserPublic,
    UserSession,
)
from convene.models.common import utcnow
from convene.organisations import repository as orgs_repo
from convene.permissions import Actor, require_admin, require_coordinator
from convene.settings import get_settings

TOKEN_PREFIX = "cvn_"
INVITE = "invite"
RESET = "reset"


class TooManyAttempts(ConveneError):
    status_code = 429
    code = "too_many_attempts"


def _send(mail: Mail) -> None:
    send_mail(mail)


def digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def new_secret() -> str:
    return secrets.token_urlsafe(32)


# --------------------------------------------------------------------------- users


def create_user(
    session: Session,
    *,
    email: str,
    role: Role,
    password: str | None,
    org_slug: str | None = None,
    name: str | None = None,
) -> User:
    """Create a user for ``email``; link the contact with that email or create one at ``org``.

    ``password=None`` creates a user who sets a password through an invitation link.
    """
    email = email.strip()
    if "@" not in email:
        raise Invalid(f"not an email address: {email!r}", field="email")
    if role is Role.member and not org_slug:
        existing_contact = repo.contact_by_email(session, email)
        if existing_contact is None:
            raise Invalid("a member acts for one organisation: give --org", field="org")
    if password is not None:
        check_password_rules(password)
    if repo.user_by_email(session, email):
        raise Conflict(f"a user with email {email} already exists", code="user_exists")
    contact = repo.contact_by_email(session, email)
    org = None
    if org_slug:
        org = orgs_repo.get_by_slug(session, org_slug)
        if org is None:
            raise NotFound(f"no organisation {org_slug!r}", field="org")
    if contact is not None and org is not None and contact.organisation_id != org.id:
        raise Conflict(
            f"contact {email} belongs to another organisation than {org_slug!r}",
            code="contact_elsewhere",
        )
    if contact is None and org is not None:
        assert org.id is not None
        contact = Contact(organisation_id=org.id, name=name or email.split("@")[0], email=email)
        session.add(contact)
        session.flush()
    user = User(
        email=email,
        role=role,
        password_hash=hash_password(password) if password is not None else "",
        contact_id=contact.id if contact else None,
    )
    session.add(user)
    session.flush()
    return user


def actor_for(session: Session, user: User) -> Actor:
    assert user.id is not None
    org_id = org_slug = name = None
    if user.contact_id is not None:
        found = repo.contact_and_org(session, user.contact_id)
        if found:
            contact, org = found
            org_id, org_slug, name = org.id, org.slug, contact.name
    return Actor(
        user_id=user.id,
        email=user.email,
        role=Role(user.role),
        org_id=org_id if user.role == Role.member else org_id,
        org_slug=org_slug,
        name=name,
        language=str(user.language) if user.language else None,
    )


def user_public(session: Session, user: User) -> UserPublic:
    actor = actor_for(session, user)
    assert user.id is not None
    return UserPublic(
        id=user.id,
        email=user.email,
        role=Role(user.role),
        is_active=user.is_active,
        organisation=actor.org_slug,
        name=actor.name,
    )


def list_users(
    session: Session, actor: Actor, *, limit: int, offset: int
) -> tuple[list[UserPublic], int]:
    require_admin(actor, "list users")
    users, total = repo.list_users(session, limit=limit, offset=offset)
    return [user_public(session, u) for u in users], total


def update_user(
    session: Session, actor: Actor, user_id: int, *, role: Role | None, is_active: bool | None
) -> UserPublic:
    """Admins change roles and deactivate users; deactivation ends every session and token."""
    require_admin(actor, "manage users")
    user = repo.user_by_id(session, user_id)
    if user is None:
        raise NotFound(f"no user {user_id}")
    if user.id == actor.user_id and (is_active is False or (role and role is not Role.admin)):
        raise Conflict("admins cannot demote or deactivate themselves", code="self_demotion")
    if role is not None:
        if role is Role.member and user.contact_id is None:
            raise Invalid("a member needs a contact at an organisation", field="role")
        user.role = role
    if is_active is not None:
        user.is_active = is_active
        if not is_active:
            now = utcnow()
            assert user.id is not None
            repo.revoke_sessions(session, user.id, now)
            repo.revoke_tokens(session, user.id, now)
    session.add(user)
    session.flush()
    return user_public(session, user)


def reset_password(session: Session, email: str) -> str:
    """Give ``email`` a new random password (operator's CLI); ends its sessions."""
    user = repo.user_by_email(session, email)
    if user is None:
        raise NotFound(f"no user {email}")
    password = secrets.token_urlsafe(12)
    _set_password(session, user, password)
    return password


def _set_password(
    session: Session, user: User, password: str, *, keep_session: int | None = None
) -> None:
    check_password_rules(password)
    user.password_hash = hash_password(password)
    session.add(user)
    assert user.id is not None
    repo.revoke_sessions(session, user.id, utcnow(), keep_id=keep_session)


def change_password(
    session: Session, actor: Actor, current: str, new: str, *, session_id: int | None = None
) -> None:
    """Change one's own password; every other session of the user ends."""
    user = repo.user_by_id(session, actor.user_id)
    assert user is not None
    if not verify_password(current, user.password_hash):
        raise Invalid("the current password is not right", field="current_password")
    try:
        _set_password(session, user, new, keep_session=session_id)
    except Invalid as exc:
        raise Invalid(exc.message, code=exc.code, field="new_password") from None


# --------------------------------------------------------------------------- sign-in


def _throttle_keys(email: str, client: str) -> tuple[str, str]:
    return f"account:{email.strip().lower()}", f"client:{client}"


def authenticate(session: Session, email: str, password: str, *, client: str) -> User:
    """Check a password, throttled per account and per client address (in the database,
    so a restart does not reset it). Unknown accounts take as long as known ones."""
    settings = get_settings()
    now = utcnow()
    since = now - timedelta(minutes=settings.login_throttle_minutes)
    account_key, client_key = _throttle_keys(email, client)
    if (
        repo.failures_since(session, account_key, since) >= settings.login_max_failures_per_account
        or repo.failures_since(session, client_key, since) >= settings.login_max_failures_per_client
    ):
        raise TooManyAttempts(
            f"too many failed sign-ins; try again in {settings.login_throttle_minutes} minutes"
        )
    user = repo.user_by_email(session, email)
    ok = verify_password(password, user.password_hash if user else "")
    if not ok or user is None or not user.is_active:
        from convene.models import LoginFailure

        session.add(LoginFailure(key=account_key, at=now))
        session.add(LoginFailure(key=client_key, at=now))
        session.flush()
        raise Unauthorized("email or password is not right", code="bad_credentials")
    repo.clear_failures(session, account_key)
    return user


def start_session(session: Session, user: User, *, client: str = "") -> str:
    """A new server-side session; returns the cookie value (shown only now)."""
    assert user.id is not None
    raw = new_secret()
    now = utcnow()
    session.add(
        UserSession(
            token_hash=digest(raw),
            user_id=user.id,
            created_at=now,
            expires_at=now + timedelta(days=get_settings().session_days),
            client=client[:100],
        )
    )
    session.flush()
    return raw


def user_for_session(session: Session, raw: str) -> tuple[User, UserSession] | None:
    found = repo.live_session(session, digest(raw), utcnow())
    if found is None:
        return None
    user = repo.user_by_id(session, found.user_id)
    if user is None or not user.is_active:
        return None
    return user, found


def end_session(session: Session, raw: str) -> None:
    found = repo.live_session(session, digest(raw), utcnow())
    if found is not None:
        found.revoked_at = utcnow()
        session.add(found)
        session.flush()


# --------------------------------------------------------------------------- API tokens


def _token_public(token: ApiToken) -> TokenPublic:
    assert token.id is not None
    return TokenPublic(
        id=token.id,
        name=token.name,
        prefix=token.prefix,
        created_at=token.created_at,
        last_used_at=token.last_used_at,
        revoked=token.revoked_at is not None,
    )


def create_token(session: Session, user: User, name: str) -> TokenCreated:
    assert user.id is not None
    raw = TOKEN_PREFIX + new_secret()
    token = ApiToken(user_id=user.id, name=name, token_hash=digest(raw), prefix=raw[:10])
    session.add(token)
    session.flush()
    return TokenCreated(**_token_public(token).model_dump(), token=raw)


def token_and_user(session: Session, raw: str) -> tuple[ApiToken, User] | None:
    if not raw.startswith(TOKEN_PREFIX):
        return None
    token = repo.live_token(session, digest(raw))
    if token is None:
        return None
    user = repo.user_by_id(session, token.user_id)
    if user is None or not user.is_active:
        return None
    return token, user


def user_for_token(session: Session, raw: str) -> User | None:
    found = token_and_user(session, raw)
    return found[1] if found else None


LAST_USED_EVERY = timedelta(minutes=1)


def note_token_use(session: Session, token: ApiToken) -> None:
    """Record when a token was last used, at most once a minute (one small UPDATE)."""
    assert token.id is not None
    repo.touch_token(session, token.id, utcnow(), LAST_USED_EVERY)


def list_tokens(session: Session, actor: Actor) -> list[TokenPublic]:
    return [_token_public(t) for t in repo.tokens_of(session, actor.user_id)]


def revoke_token(session: Session, actor: Actor, token_id: int) -> TokenPublic:
    token = session.get(ApiToken, token_id)
    if token is None or token.user_id != actor.user_id:
        raise NotFound(f"no token {token_id}")
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        session.add(token)
        session.flush()
    return _token_public(token)


# --------------------------------------------------------------------------- one-time links


def _one_time(session: Session, user: User, purpose: str, lifetime: timedelta) -> str:
    assert user.id is not None
    raw = new_secret()
    now = utcnow()
    session.add(
        OneTimeToken(
            purpose=purpose,
            token_hash=digest(raw),
            user_id=user.id,
            created_at=now,
            expires_at=now + lifetime,
        )
    )
    session.flush()
    return raw


def _use_one_time(session: Session, raw: str, purpose: str) -> User:
    token = repo.one_time_token(session, digest(raw), purpose)
    what = "invitation" if purpose == INVITE else "password reset link"
    if token is None or token.used_at is not None:
        raise NotFound(f"this {what} is not valid or was already used")
    if token.expires_at <= utcnow():
        raise NotFound(f"this {what} has expired; ask for a new one")
    token.used_at = utcnow()
    session.add(token)
    user = repo.user_by_id(session, token.user_id)
    assert user is not None
    return user


def check_one_time(session: Session, raw: str, purpose: str) -> User:
    """Whether a link is still good (for showing its form), without using it."""
    token = repo.one_time_token(session, digest(raw), purpose)
    if token is None or token.used_at is not None or token.expires_at <= utcnow():
        raise NotFound("this link is not valid, was already used or has expired")
    user = repo.user_by_id(session, token.user_id)
    assert user is not None
    return user


def invite(session: Session, actor: Actor, email: str, role: Role = Role.member) -> User:
    """A coordinator invites a contact: a user without a password and a single-use link."""
    require_coordinator(actor, "invite people")
    if role is not Role.member:
        require_admin(actor, "invite coordinators or admins")
    contact = repo.contact_by_email(session, email)
    if contact is None:
        raise NotFound(f"no contact with email {email}", field="email")
    user = repo.user_by_email(session, email)
    if user is not None and user.password_hash:
        raise Conflict(f"{email} already has an account", code="user_exists")
    if user is None:
        user = User(email=contact.email, role=role, contact_id=contact.id)
        session.add(user)
        session.flush()
    raw = _one_time(session, user, INVITE, timedelta(days=get_settings().invitation_days))
    link = f"{get_settings().base_url.rstrip('/')}/invitations/{raw}"
    mail = Mail(
        to=contact.email,
        subject="You are invited to Convene",
        text=(
            f"Hello {contact.name},\n\n{actor.name or actor.email} invites you to Convene, where "
            f"your organisation meets peers and stakeholders.\n\nSet your password here (the "
            f"link works once, for {get_settings().invitation_days} days):\n{link}\n"
        ),
    )
    after_commit(session, lambda: _send(mail))
    return user


def accept_invitation(session: Session, raw: str, password: str) -> User:
    user = _use_one_time(session, raw, INVITE)
    _set_password(session, user, password)
    user.is_active = True
    session.add(user)
    session.flush()
    return user


def request_password_reset(session: Session, email: str) -> None:
    """Mail a reset link if the account exists; the answer is the same either way."""
    user = repo.user_by_email(session, email)
    if user is None or not user.is_active:
        return
    minutes = get_settings().password_reset_minutes
    raw = _one_time(session, user, RESET, timedelta(minutes=minutes))
    link = f"{get_settings().base_url.rstrip('/')}/password-reset/{raw}"
    mail = Mail(
        to=user.email,
        subject="Reset your Convene password",
        text=(
            f"Someone asked to reset the password of {user.email} on Convene.\n\n"
            f"Choose a new one here (the link works once, for {minutes} minutes):\n{link}\n\n"
            "If this was not you, ignore this message.\n"
        ),
    )
    after_commit(session, lambda: _send(mail))


def complete_password_reset(session: Session, raw: str, password: str) -> User:
    """A reset is how people recover from a compromise: sessions and API tokens end."""
    user = _use_one_time(session, raw, RESET)
    _set_password(session, user, password)
    assert user.id is not None
    repo.revoke_tokens(session, user.id, utcnow())
    session.flush()
    return user
