"""Users, roles and sign-in.

A store without users runs in single-user mode: the local account acts with
every role (``Actor.local()``).  Once the first user exists (it must be an
admin), every command line call and the app need a user name and password.
Passwords are hashed with argon2id (argon2-cffi, the reference binding of the
Password Hashing Competition winner; hand-rolled hashing is not an option).

Roles are checked here and in every service with ``store.require``:
nurse prepares agendas; facilitator runs meetings and records decisions;
manager sees statistics and exports, never identities; admin manages users,
retention and the audit log.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import exists, func, select

from db.models import Organisation, Staff
from huddle.domain.text import ShownText
from huddle.errors import AccessDenied, InputError
from huddle.store import ALL_ROLES, Actor, Store

if TYPE_CHECKING:
    from huddle.services.oidc import DeviceCode

ROLES = ("nurse", "facilitator", "manager", "admin")
MIN_PASSWORD = 8
# After this many refused sign-ins for one user name within LOCK_MINUTES, further tries are refused unchecked.
MAX_REFUSALS = 5
LOCK_MINUTES = 15
_USERNAME = re.compile(r"^[A-Za-z0-9._-]{1,60}$")
# A hash of a random password, verified against when the user is unknown, so
# that "unknown user" and "wrong password" take the same time.
_DUMMY_HASH: str | None = None


@dataclass(frozen=True)
class UserInfo(ShownText):
    staff_id: int
    username: str
    name: str
    organisation: str | None
    profession: str | None
    roles: tuple[str, ...]
    active: bool

    def to_json(self) -> dict:
        return {
            "username": self.username,
            "name": self.name,
            "organisation": self.organisation,
            "profession": self.profession,
            "roles": ",".join(self.roles),
            "active": self.active,
        }


def _hasher():  # noqa: ANN202
    from argon2 import PasswordHasher

    return PasswordHasher()


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def _verify(hash_: str, password: str) -> bool:
    from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

    try:
        return _hasher().verify(hash_, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def _dummy_hash() -> str:
    global _DUMMY_HASH
    if _DUMMY_HASH is None:
        _DUMMY_HASH = hash_password(os.urandom(16).hex())
    return _DUMMY_HASH


def parse_roles(values) -> tuple[str, ...]:  # noqa: ANN001
    """Roles from ``("nurse", "admin")`` or ``"nurse,admin"``; InputError for an unknown one."""
    if isinstance(values, str):
        values = [values]
    out: list[str] = []
    for value in values:
        for part in str(value).split(","):
            role = part.strip().lower()
            if not role:
                continue
            if role not in ROLES:
                raise InputError("access.role_bad", value=part.strip())
            if role not in out:
                out.append(role)
    if not out:
        raise InputError("access.no_roles")
    return tuple(r for r in ROLES if r in out)


def _roles_of(staff: Staff) -> frozenset[str]:
    return frozenset(r for r in (staff.roles or "").split(",") if r in ALL_ROLES)


def has_users(store: Store) -> bool:
    """True once any user with a user name exists (disabled ones count: disabling everyone never opens the store)."""
    with store.read() as s:
        return bool(s.scalar(select(exists().where(Staff.username.is_not(None)))))


def _actor(staff: Staff) -> Actor:
    return Actor(
        name=staff.name,
        staff_id=staff.id,
        organisation=staff.organisation.name if staff.organisation else None,
        roles=_roles_of(staff),
        single_user=False,
        hsa_id=staff.hsa_id,
    )


def authenticate(store: Store, username: str, password: str) -> Actor:
    """The actor for a user name and password; AccessDenied (one line) otherwise.

    Sign-ins and refused sign-ins go to the access log (without a patient).  A refused or locked
    user name is logged as typed only when it is a user's; anything else is logged as a short keyed
    tag (``unknown#1a2b``, see ``_logged_name``), because what lands in the user-name field is often
    a password typed one field too early, and the access log is kept for years and never changes.
    """
    username = (username or "").strip()
    if _provider_only(store):
        _log_sign_in(store, None, "sign_in.refused_local_password")
        raise AccessDenied("oidc.only")
    with store.read() as s:
        staff = s.scalar(select(Staff).where(Staff.username == username)) if username else None
        hash_ = staff.password_hash if staff is not None else None
        if staff is not None:
            actor = _actor(staff)
            disabled = bool(staff.disabled)
    logged = _logged_name(store, username, known=staff is not None)
    if _recent_refusals(store, logged) >= MAX_REFUSALS:
        _log_sign_in(store, None, f"sign_in.locked {logged}")
        raise AccessDenied("access.locked", minutes=LOCK_MINUTES)
    ok = _verify(hash_ or _dummy_hash(), password or "") and hash_ is not None
    if not ok:
        _log_sign_in(store, None, f"sign_in.refused {logged}")
        raise AccessDenied("access.bad_login")
    if disabled:
        _log_sign_in(store, actor, "sign_in.disabled")
        raise AccessDenied("access.disabled", username=username)
    _log_sign_in(store, actor, "sign_in")
    assert hash_ is not None  # ok above needs a stored hash
    _maybe_rehash(store, actor.staff_id, hash_, password)
    return actor


def _provider_only(store: Store) -> bool:
    """True when an admin switched the store to "identity provider only" (local passwords refused)."""
    from huddle.services import oidc

    cfg = oidc.load_config(store)
    return cfg.active and cfg.only


# The per-store secret that keys the tags of unknown user names (a Setting row; not a setting huddle shows).
_LOG_KEY = "access.log_key"
# Hex digits kept of the tag: 16 bits.  Enough to group a review period's attempts and to count one
# typed name's refusals for the lock-out; few enough that even someone holding the store and its key
# learns little of the text from its tag (every tag is shared by one in 65,536 of all texts).
_TAG_DIGITS = 4


def _logged_name(store: Store, username: str, *, known: bool) -> str:
    """How a sign-in's user name is written to the access log.

    A user's name as it is (the log is about users).  Any other text -- a typo, a probe, or a
    password typed into the user-name field -- only as ``unknown#`` and a truncated HMAC-SHA256
    under the store's own key: the same text gives the same tag in this store (so spot checks can
    group attempts and the lock-out counts them per name, as for users, which keeps it from telling
    users and non-users apart), and the text itself is never stored.  ``#`` is never part of a user name.
    """
    if known:
        return username[:60]
    import hashlib
    import hmac

    tag = hmac.new(_log_key(store), username.encode("utf-8", "surrogatepass"), hashlib.sha256).hexdigest()
    return f"unknown#{tag[:_TAG_DIGITS]}"


def _log_key(store: Store) -> bytes:
    """The store's access-log key, made (random, 256 bits) on first use."""
    import secrets

    from sqlalchemy.exc import IntegrityError

    from db.models import Setting

    def read() -> str | None:
        with store.read() as s:
            return s.scalar(select(Setting.value).where(Setting.key == _LOG_KEY))

    value = read()
    if value is None:
        try:
            with store.write() as s:
                value = s.scalar(select(Setting.value).where(Setting.key == _LOG_KEY))
                if value is None:
                    value = secrets.token_hex(32)
                    s.add(Setting(key=_LOG_KEY, value=value))
        except IntegrityError:  # another process made it at the same moment (PostgreSQL): use theirs
            value = read()
    assert value is not None
    return bytes.fromhex(value)


def _recent_refusals(store: Store, logged: str) -> int:
    """Refused sign-ins for this (logged) user name in the last LOCK_MINUTES, from the access log itself."""
    from datetime import timedelta

    from db.models import AuditEvent

    since = store.now_db() - timedelta(minutes=LOCK_MINUTES)
    with store.read() as s:
        return s.scalar(
            select(func.count()).select_from(AuditEvent).where(
                AuditEvent.at >= since, AuditEvent.action == "sign_in",
                AuditEvent.what == f"sign_in.refused {logged}",
            )
        ) or 0


def _log_sign_in(store: Store, actor: Actor | None, what: str) -> None:
    who = store.with_actor(actor or Actor(name="?", single_user=False, roles=frozenset()))
    with who.write() as s:
        who.audit(s, "sign_in", what)


def _maybe_rehash(store: Store, staff_id: int | None, hash_: str, password: str) -> None:
    if staff_id is None or not _hasher().check_needs_rehash(hash_):
        return
    with store.write() as s:
        staff = s.get(Staff, staff_id)
        if staff is not None:
            staff.password_hash = hash_password(password)


def actor_for_cli(
    store: Store,
    username: str | None,
    *,
    ask_password: Callable[[str], str],
    say: Callable[[str], None],
) -> Actor:
    """Who runs this command: the local all-roles actor without users, else a signed-in user.

    The password comes from ``HUDDLE_PASSWORD`` or ``ask_password(prompt)`` (the command line's
    hidden prompt); a wrong one is a one-line error (AccessDenied, exit 3).  ``say`` shows a line
    to the person (the identity provider's device code, a user name that is not needed).
    """
    from huddle.services import oidc

    provider = oidc.is_active(store)
    users = has_users(store)
    if not users and not provider:
        if username:
            say(_t("access.user_ignored"))
        return store.actor if store.actor.single_user else Actor.local()
    token = os.environ.get(DELEGATION_ENV)
    if token:
        return redeem_delegation(store, token)
    username = username or os.environ.get("HUDDLE_USER")
    if provider and not (username and users):
        # The identity provider's device sign-in (RFC 8628): a code and a link on stderr, confirmed in
        # any browser. A user name picks a local password instead, unless the store is provider-only
        # (then authenticate() refuses it, logged).
        return oidc.device_sign_in(store, show=lambda code: _show_device_code(code, say))
    if not username:
        raise AccessDenied("access.need_user")
    password = os.environ.get("HUDDLE_PASSWORD")
    if password is None:
        password = ask_password(_t("access.password_prompt", username=username))
    return authenticate(store, username, password)


def _show_device_code(code: DeviceCode, say: Callable[[str], None]) -> None:
    minutes = max(1, code.expires_in // 60)
    say(_t("oidc.device.show", url=code.verification_uri, code=code.user_code, minutes=minutes))
    if code.verification_uri_complete:
        say(_t("oidc.device.direct", url=code.verification_uri_complete))
    say(_t("oidc.device.waiting"))


def _t(key: str, **params) -> str:  # noqa: ANN003
    from huddle.i18n import t

    return t(key, **params)


# -- managing users (admin) ---------------------------------------------------------


def _check_username(username: str) -> str:
    username = (username or "").strip()
    if not _USERNAME.match(username):
        raise InputError("access.username_bad", value=username[:80])
    return username


def check_password(password: str) -> str:
    if len(password or "") < MIN_PASSWORD:
        raise InputError("access.password_short", min=MIN_PASSWORD)
    return password


def check_person(name: str | None, organisation: str | None, profession: str | None) -> tuple[str, str | None, str | None]:
    """A user's name, organisation and profession as stored (``huddle.domain.text.checked``)."""
    from huddle.domain.text import checked
    from huddle.i18n import t

    name_ = checked(name, label=t("field.name"), limit=120, required=True) or ""
    org = checked(organisation, label=t("meeting.field.organisation"), limit=120)
    prof = checked(profession, label=t("access.field.profession"), limit=80)
    return name_, org, prof


def add_user(
    store: Store,
    *,
    username: str,
    name: str,
    password: str,
    roles,  # noqa: ANN001
    organisation: str | None = None,
    profession: str | None = None,
) -> UserInfo:
    """Add a user (admin only).  The first user of a store must be an admin."""
    store.require("admin")
    username = _check_username(username)
    role_tuple = parse_roles(roles)
    name_, org_name, prof = check_person(name, organisation, profession)
    check_password(password)
    hash_ = hash_password(password)
    with store.write() as s:
        first = not s.scalar(select(exists().where(Staff.username.is_not(None))))
        if first and "admin" not in role_tuple:
            raise InputError("access.first_admin")
        if s.scalar(select(exists().where(func.lower(Staff.username) == username.lower()))):
            raise InputError("access.username_taken", username=username)
        org = None
        if org_name:
            org = s.scalar(select(Organisation).where(Organisation.name == org_name))
            if org is None:
                org = Organisation(name=org_name)
                s.add(org)
        staff = Staff(
            name=name_,
            username=username,
            profession=prof,
            organisation=org,
            roles=",".join(role_tuple),
            password_hash=hash_,
            disabled=False,
            created_at=store.now_db(),
        )
        s.add(staff)
        s.flush()
        store.audit(s, "admin", f"user.add {username} roles={','.join(role_tuple)}")
        return _info(staff)


def _info(staff: Staff) -> UserInfo:
    return UserInfo(
        staff_id=staff.id,
        username=staff.username or "",
        name=staff.name,
        organisation=staff.organisation.name if staff.organisation else None,
        profession=staff.profession,
        roles=tuple(r for r in ROLES if r in _roles_of(staff)),
        active=not staff.disabled,
    )


def list_users(store: Store) -> list[UserInfo]:
    store.require("admin")
    from sqlalchemy.orm import selectinload

    with store.read() as s:
        rows = s.scalars(
            select(Staff).where(Staff.username.is_not(None)).options(selectinload(Staff.organisation)).order_by(Staff.username)
        )
        return [_info(r) for r in rows]


def _get_user(s, username: str) -> Staff:  # noqa: ANN001
    staff = s.scalar(select(Staff).where(Staff.username == (username or "").strip()))
    if staff is None:
        raise InputError("access.unknown_user", username=(username or "")[:60])
    return staff


def set_disabled(store: Store, username: str, disabled: bool = True) -> UserInfo:
    """Disable (or enable again) a user; the last active admin cannot be disabled."""
    store.require("admin")
    with store.write() as s:
        staff = _get_user(s, username)
        if disabled and "admin" in _roles_of(staff) and not staff.disabled:
            active_admins = [
                st for st in s.scalars(select(Staff).where(Staff.username.is_not(None), Staff.disabled.is_(False)))
                if "admin" in _roles_of(st)
            ]
            if len(active_admins) <= 1:
                raise InputError("access.last_admin", username=staff.username)
        staff.disabled = disabled
        store.audit(s, "admin", f"user.{'disable' if disabled else 'enable'} {staff.username}")
        return _info(staff)


def set_password(store: Store, username: str, password: str) -> UserInfo:
    """An admin sets anyone's password; a user may change their own."""
    check_password(password)
    with store.read() as s:
        target_id = _get_user(s, username).id
    if store.actor.staff_id != target_id:
        store.require("admin")
    hash_ = hash_password(password)
    with store.write() as s:
        staff = s.get(Staff, target_id)
        if staff is None:  # removed between the two transactions
            raise InputError("access.unknown_user", username=(username or "")[:60])
        staff.password_hash = hash_
        store.audit(s, "admin", f"user.password {staff.username}")
        return _info(staff)


def system_actor(what: str) -> Actor:
    """The actor for work huddle does by itself (retention at start)."""
    return Actor(name=f"huddle ({what})", single_user=True)


# -- delegation to a child process (the video room started from the app) -------------------

DELEGATION_ENV = "HUDDLE_DELEGATION"
DELEGATION_TTL_H = 12
_DELEGATION_PREFIX = "delegation:"


def _token_key(token: str) -> str:
    import hashlib

    return _DELEGATION_PREFIX + hashlib.sha256(token.encode()).hexdigest()


def delegation_env(store: Store) -> dict[str, str]:
    """Environment that lets one child huddle process (e.g. ``huddle room`` started from the app) act as the
    signed-in person without their password: a random single-use token, valid for 12 hours, whose hash
    is kept in the store.  Empty in single-user mode (the child is single-user too)."""
    import json
    import secrets
    from datetime import timedelta

    from db.models import Setting

    actor = store.actor
    if actor.single_user or actor.staff_id is None:
        return {}
    token = secrets.token_urlsafe(32)
    expires = store.now_db() + timedelta(hours=DELEGATION_TTL_H)
    with store.write() as s:
        for old in s.scalars(select(Setting).where(Setting.key.like(_DELEGATION_PREFIX + "%"))):
            try:
                stale = datetime.fromisoformat(json.loads(old.value)["expires"]) <= store.now_db()
            except (ValueError, KeyError, TypeError):
                stale = True
            if stale:
                s.delete(old)
        s.add(Setting(key=_token_key(token), value=json.dumps({"staff_id": actor.staff_id, "expires": expires.isoformat()})))
        store.audit(s, "sign_in", "sign_in.delegate")
    return {DELEGATION_ENV: token}


def redeem_delegation(store: Store, token: str) -> Actor:
    """The actor a delegation token stands for; the token is used up.  AccessDenied when unknown or expired."""
    import json

    from db.models import Setting

    with store.write() as s:
        row = s.get(Setting, _token_key(token))
        if row is None:
            raise AccessDenied("access.bad_login")
        s.delete(row)
        try:
            data = json.loads(row.value)
            staff_id, expires = int(data["staff_id"]), datetime.fromisoformat(data["expires"])
        except (ValueError, KeyError, TypeError):
            raise AccessDenied("access.bad_login") from None
        staff = s.get(Staff, staff_id)
        if staff is None or expires <= store.now_db():
            raise AccessDenied("access.bad_login")
        if staff.disabled:
            raise AccessDenied("access.disabled", username=staff.username)
        actor = _actor(staff)
        who = store.with_actor(actor)
        who.audit(s, "sign_in", "sign_in.delegated")
    return actor
