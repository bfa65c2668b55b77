"""Sign-in at the region's identity provider (OpenID Connect).

Authlib does the protocol, nothing of it is written here: discovery (``OpenIDProviderMetadata``),
the authorization code flow with PKCE and the device authorization grant (RFC 8628) through its
httpx ``OAuth2Client``, and the ID token's checks (joserfc verifies the signature against the
provider's JWKS; ``CodeIDToken`` checks issuer, audience, expiry, issued-at and nonce). Expiry is
checked on this process's system clock, which is the provider's clock too (or both run under the
same faketime in CI): the store's injectable clock is never compared with a token.

Configuration lives in the store, as ``oidc.*`` setting rows (``huddle oidc set``, admin). The
client secret is never one of them: only where to read it (an environment variable's name or a
file's path), so it is never on a command line, in the store or in a log.

A person who signs in gets one staff row per HSA-id (made or updated at each sign-in: name,
organisation, roles from the claims), so the access log, the attendance and a delegation to a
child process name them. The tokens are kept nowhere: an ``Actor`` is all that outlives the
sign-in, in memory.

Refusals are one line each (``AccessDenied``) and an access-log event ``sign_in.oidc_refused
REASON`` without the token: a wrong issuer, an invalid signature (tampered, or signed with another
key), an expired token, a missing claim, claims that give no huddle role.
"""

from __future__ import annotations

import os
import stat
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from huddle.errors import AccessDenied, HuddleError, InputError
from huddle.store import ALL_ROLES, Actor, Store

if TYPE_CHECKING:
    from authlib.oauth2.claims import ClaimsOption
    from joserfc.jwk import KeySetSerialization

PREFIX = "oidc."
ROOM_MODES = ("code", "idp", "both")
DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"
# Seconds of clock difference tolerated on exp/iat (OpenID Connect Core leaves it to the client).
LEEWAY_S = 30
HTTP_TIMEOUT_S = 15.0


@dataclass(frozen=True)
class OidcConfig:
    """The identity provider as an admin configured it (``oidc.*`` settings)."""

    # Sign-in at the provider is required once this is true (and issuer and client_id are set):
    # set it last, after the claims and the role map, so that an admin can sign in at once.
    enabled: bool = False
    issuer: str = ""
    client_id: str = ""
    # Where the client secret is read from; never the secret itself.
    secret_env: str = ""
    secret_file: str = ""
    scope: str = "openid profile"
    # Which claims carry the HSA-id, the name, the organisation, and the values roles are mapped from.
    claim_hsa_id: str = "hsa_id"
    claim_name: str = "name"
    claim_org: str = "org"
    claim_roles: str = "roles"
    # A claim value -> huddle roles, e.g. (("sjukskoterska", ("nurse",)), ("chef", ("manager",)))
    role_map: tuple[tuple[str, tuple[str, ...]], ...] = ()
    # True: local passwords are refused; everyone signs in at the identity provider.
    only: bool = False
    # huddle serve: a browser session ends after this many minutes without a request.
    idle_minutes: int = 30
    # The video room: "code" (join code only), "idp" (provider sign-in instead of the code), "both".
    room: str = "code"
    # Public base URLs the provider redirects back to (behind a proxy); empty: the address the browser used.
    serve_url: str = ""
    room_url: str = ""

    @property
    def active(self) -> bool:
        return bool(self.enabled and self.issuer and self.client_id)

    def roles_for(self, values: list[str]) -> frozenset[str]:
        mapping = dict(self.role_map)
        out: set[str] = set()
        for value in values:
            out.update(mapping.get(value, ()))
        return frozenset(out)

    def shown(self) -> list[dict[str, str]]:
        """Rows for ``huddle oidc show``: the secret only as where it is read from."""
        return [{"name": name, "value": text} for name, text in _to_rows(self).items()]


NAMES = tuple(f.name for f in fields(OidcConfig))


def _to_rows(cfg: OidcConfig) -> dict[str, str]:
    out: dict[str, str] = {}
    for f in fields(cfg):
        value = getattr(cfg, f.name)
        if f.name == "role_map":
            out[f.name] = format_role_map(value)
        elif isinstance(value, bool):
            out[f.name] = "true" if value else "false"
        else:
            out[f.name] = str(value)
    return out


def format_role_map(role_map: tuple[tuple[str, tuple[str, ...]], ...]) -> str:
    return "; ".join(f"{value}={','.join(roles)}" for value, roles in role_map)


def parse_option(name: str, text: str) -> Any:
    """The value of option ``name`` from what an admin typed; InputError when it cannot be one."""
    value = (text or "").strip()
    if name not in NAMES:
        if name in ("client_secret", "secret"):
            raise InputError("oidc.secret_not_here")
        raise InputError("oidc.unknown_option", name=name[:40], names=", ".join(NAMES))
    if name == "role_map":
        out: list[tuple[str, tuple[str, ...]]] = []
        for part in value.split(";"):
            if not part.strip():
                continue
            claim_value, sep, roles = part.partition("=")
            if not sep or not claim_value.strip():
                raise InputError("oidc.role_map_bad", part=part.strip()[:80])
            from huddle.services.access import parse_roles

            out.append((claim_value.strip(), parse_roles(roles)))
        return tuple(out)
    if name in ("only", "enabled"):
        if value.lower() not in ("true", "false", "yes", "no", "1", "0", "on", "off"):
            raise InputError("oidc.bad_value", name=name, value=value[:80])
        return value.lower() in ("true", "yes", "1", "on")
    if name == "idle_minutes":
        if not value.isdigit() or not 1 <= int(value) <= 24 * 60:
            raise InputError("oidc.bad_value", name=name, value=value[:80])
        return int(value)
    if name == "room":
        if value not in ROOM_MODES:
            raise InputError("oidc.bad_value", name=name, value=value[:80])
        return value
    if name in ("issuer", "serve_url", "room_url") and value:
        from urllib.parse import urlsplit

        parts = urlsplit(value)
        if parts.scheme not in ("https", "http") or not parts.hostname or parts.query or parts.fragment:
            raise InputError("oidc.bad_value", name=name, value=value[:80])
        if name == "issuer" and parts.scheme == "http" and parts.hostname not in ("127.0.0.1", "localhost", "::1"):
            raise InputError("oidc.issuer_https")
    if name == "secret_env" and value and not value.replace("_", "").isalnum():
        raise InputError("oidc.bad_value", name=name, value=value[:80])
    if len(value) > 400 or any(ord(c) < 32 for c in value):
        raise InputError("oidc.bad_value", name=name, value=value[:80])
    return value


def load_config(store: Store) -> OidcConfig:
    """The store's identity-provider settings; a broken row falls back to its default."""
    from db.models import Setting

    with store.read() as s:
        rows = dict(s.execute(select(Setting.key, Setting.value).where(Setting.key.like(PREFIX + "%"))).all())
    return config_from_rows({k[len(PREFIX):]: v for k, v in rows.items()})


def config_from_rows(rows: dict[str, str]) -> OidcConfig:
    changes: dict[str, Any] = {}
    for name in NAMES:
        if name in rows:
            try:
                changes[name] = parse_option(name, rows[name])
            except InputError:
                continue
    return replace(OidcConfig(), **changes)


def set_option(store: Store, name: str, text: str) -> OidcConfig:
    """Set one option (admin; logged without the value, which may name a secret's file)."""
    value = parse_option(name, text)  # checked before the store is touched
    store.require("admin")
    from db.models import Setting

    raw = _to_rows(replace(OidcConfig(), **{name: value}))[name]
    with store.write() as s:
        s.merge(Setting(key=PREFIX + name, value=raw))
        store.audit(s, "update", f"setting.oidc.{name}")
    return load_config(store)


def is_active(store: Store) -> bool:
    return load_config(store).active


def client_secret(cfg: OidcConfig) -> str | None:
    """The client secret from its environment variable or file; None for a public client.

    A file others can read is refused: the secret would be as good as published on the host."""
    if cfg.secret_env:
        secret = os.environ.get(cfg.secret_env)
        if not secret:
            raise AccessDenied("oidc.secret_missing_env", name=cfg.secret_env)
        return secret.strip()
    if cfg.secret_file:
        path = Path(cfg.secret_file).expanduser()
        try:
            mode = path.stat().st_mode
            if mode & (stat.S_IRWXG | stat.S_IRWXO):
                raise AccessDenied("oidc.secret_file_open", path=str(path))
            return path.read_text(encoding="utf-8").strip()
        except OSError:
            raise AccessDenied("oidc.secret_missing_file", path=str(path)) from None
    return None


# -- the provider ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Identity:
    """Who signed in, from a verified ID token."""

    sub: str
    hsa_id: str
    name: str
    organisation: str
    roles: frozenset[str]


@dataclass
class Provider:
    """One issuer's discovered metadata and key set, and a client for it."""

    cfg: OidcConfig
    metadata: dict[str, Any]
    jwks: KeySetSerialization
    secret: str | None = field(default=None, repr=False)

    def client(self, **kwargs: Any) -> Any:
        from authlib.integrations.httpx_client import OAuth2Client

        method = "client_secret_basic" if self.secret else "none"
        return OAuth2Client(
            client_id=self.cfg.client_id, client_secret=self.secret, scope=self.cfg.scope,
            token_endpoint_auth_method=method, timeout=HTTP_TIMEOUT_S, **kwargs,
        )

    def refresh_keys(self) -> None:
        import httpx2 as httpx

        response = httpx.get(self.metadata["jwks_uri"], timeout=HTTP_TIMEOUT_S)
        response.raise_for_status()
        self.jwks = response.json()


def discover(cfg: OidcConfig) -> Provider:
    """Read and check the issuer's metadata (``/.well-known/openid-configuration``) and its keys.

    The metadata's ``issuer`` must be exactly the configured one (OpenID Connect Discovery 4.3)."""
    import httpx2 as httpx
    from authlib.oidc.discovery import OpenIDProviderMetadata, get_well_known_url

    if not cfg.active:
        raise AccessDenied("oidc.not_configured")
    secret = client_secret(cfg)
    try:
        response = httpx.get(get_well_known_url(cfg.issuer, external=True), timeout=HTTP_TIMEOUT_S)
        response.raise_for_status()
        metadata = OpenIDProviderMetadata(response.json())
        metadata.validate()
    except (httpx.HTTPError, ValueError) as exc:
        raise AccessDenied("oidc.provider_unreachable", detail=_short(exc)) from None
    if metadata.get("issuer") != cfg.issuer:
        raise AccessDenied("oidc.refused.issuer")
    provider = Provider(cfg=cfg, metadata=dict(metadata), jwks={"keys": []}, secret=secret)
    try:
        provider.refresh_keys()
    except (httpx.HTTPError, ValueError) as exc:
        raise AccessDenied("oidc.provider_unreachable", detail=_short(exc)) from None
    return provider


def _short(exc: BaseException) -> str:
    from huddle.domain.text import one_line

    return one_line(f"{type(exc).__name__}: {exc}")[:160]


class Refused(AccessDenied):
    """A refused sign-in at the identity provider: ``reason`` is what the access log says."""

    def __init__(self, reason: str, /, hsa_id: str | None = None, **params: Any) -> None:
        super().__init__(f"oidc.refused.{reason}", **params)
        self.reason = reason
        self.hsa_id = hsa_id


def verify_id_token(provider: Provider, id_token: str, *, nonce: str | None = None,
                    access_token: str | None = None) -> Identity:
    """The person an ID token names, after every check; ``Refused`` otherwise.

    Signature against the provider's JWKS (fetched again once for an unknown key id), then
    issuer, audience, expiry, issued-at, nonce (when one was sent) and at_hash, then the claims
    huddle needs and the roles they give."""
    from authlib.oidc.core import CodeIDToken
    from joserfc import jwt
    from joserfc.errors import (
        BadSignatureError,
        ExpiredTokenError,
        InvalidClaimError,
        InvalidKeyIdError,
        JoseError,
        MissingClaimError,
    )
    from joserfc.jwk import KeySet
    from joserfc.jws import JWSRegistry

    algorithms = provider.metadata.get("id_token_signing_alg_values_supported") or ["RS256"]
    registry = JWSRegistry(algorithms=[a for a in algorithms if a != "none"])

    def decode() -> Any:
        return jwt.decode(id_token, KeySet.import_key_set(provider.jwks), registry=registry)

    try:
        try:
            token = decode()
        except InvalidKeyIdError:
            provider.refresh_keys()  # the provider may have rolled its keys since discovery
            token = decode()
    except (BadSignatureError, InvalidKeyIdError):
        raise Refused("signature") from None
    except (JoseError, ValueError, TypeError, KeyError):
        raise Refused("signature") from None
    cfg = provider.cfg
    params: dict[str, Any] = {"client_id": cfg.client_id, "nonce": nonce}
    if access_token:
        params["access_token"] = access_token
    options: dict[str, ClaimsOption] = {
        "iss": {"essential": True, "value": cfg.issuer}, "aud": {"essential": True, "value": cfg.client_id},
    }
    claims = CodeIDToken(token.claims, token.header, options, params)
    try:
        claims.validate(now=int(time.time()), leeway=LEEWAY_S)
    except ExpiredTokenError:
        raise Refused("expired") from None
    except InvalidClaimError as exc:
        claim = getattr(exc, "claim", "")
        if claim == "iss":
            raise Refused("issuer") from None
        if claim == "iat":
            raise Refused("expired") from None
        raise Refused("token", claim=claim or "?") from None
    except MissingClaimError as exc:
        raise Refused("token", claim=getattr(exc, "claim", "") or "?") from None
    except JoseError:
        raise Refused("token", claim="?") from None
    return identity_from_claims(cfg, dict(token.claims))


def identity_from_claims(cfg: OidcConfig, claims: dict[str, Any]) -> Identity:
    from huddle.domain.text import one_line

    def text(name: str, limit: int) -> str:
        value = claims.get(name)
        if isinstance(value, list) and value and isinstance(value[0], str):
            value = value[0]
        cleaned = one_line(value)[:limit] if isinstance(value, str) else ""
        if not cleaned:
            raise Refused("claim", claim=name)
        return cleaned

    hsa_id = text(cfg.claim_hsa_id, 40)
    name = text(cfg.claim_name, 120)
    organisation = text(cfg.claim_org, 120)
    raw_roles = claims.get(cfg.claim_roles)
    values = [raw_roles] if isinstance(raw_roles, str) else [v for v in raw_roles or [] if isinstance(v, str)]
    roles = cfg.roles_for(values) & ALL_ROLES
    if not roles:
        raise Refused("role", hsa_id=hsa_id)
    return Identity(sub=one_line(str(claims.get("sub", "")))[:120], hsa_id=hsa_id, name=name,
                    organisation=organisation, roles=roles)


# -- signing in ------------------------------------------------------------------------------


def sign_in(store: Store, identity: Identity, *, via: str) -> Actor:
    """The actor for a verified identity: their staff row made or brought up to date, the sign-in logged."""
    from db.models import Organisation, Staff

    with store.write() as s:
        staff = s.scalar(select(Staff).where(Staff.hsa_id == identity.hsa_id))
        org = s.scalar(select(Organisation).where(Organisation.name == identity.organisation))
        if org is None:
            org = Organisation(name=identity.organisation)
            s.add(org)
        roles = ",".join(r for r in ("nurse", "facilitator", "manager", "admin") if r in identity.roles)
        if staff is None:
            staff = Staff(name=identity.name, hsa_id=identity.hsa_id, organisation=org, roles=roles,
                          disabled=False, created_at=store.now_db())
            s.add(staff)
        else:
            staff.name, staff.organisation, staff.roles = identity.name, org, roles
        s.flush()
        disabled = bool(staff.disabled)
        actor = Actor(name=identity.name, staff_id=staff.id, organisation=identity.organisation,
                      roles=identity.roles, single_user=False, hsa_id=identity.hsa_id)
        store.with_actor(actor).audit(s, "sign_in", f"sign_in.oidc.{via}" if not disabled else "sign_in.disabled")
    if disabled:
        raise AccessDenied("access.disabled", username=identity.hsa_id)
    return actor


def log_refusal(store: Store, refusal: HuddleError, *, via: str) -> None:
    """The access-log event of a refused sign-in: the reason (and the HSA-id when the token was genuine)."""
    reason = refusal.reason if isinstance(refusal, Refused) else refusal.key.rsplit(".", 1)[-1]
    hsa = getattr(refusal, "hsa_id", None)
    what = f"sign_in.oidc_refused {reason} {via}" + (f" hsa={hsa}" if hsa else "")
    who = store.with_actor(Actor(name="?", single_user=False, roles=frozenset(), hsa_id=hsa))
    with who.write() as s:
        who.audit(s, "sign_in", what[:200])


# -- the device authorization grant (RFC 8628): the terminal and the command line ------------


@dataclass(frozen=True)
class DeviceCode:
    user_code: str
    verification_uri: str
    verification_uri_complete: str | None
    interval: int
    expires_in: int
    device_code: str = field(repr=False)


def start_device(provider: Provider) -> DeviceCode:
    endpoint = provider.metadata.get("device_authorization_endpoint")
    if not endpoint:
        raise AccessDenied("oidc.no_device_flow")
    import httpx2 as httpx

    with provider.client() as client:
        try:
            # The device authorization request is a plain form POST with the client's authentication
            # (RFC 8628 3.1); Authlib's client authenticates it the way it authenticates token requests.
            response = client.request("POST", endpoint, data={"scope": provider.cfg.scope},
                                      auth=client.client_auth(client.token_endpoint_auth_method), withhold_token=True)
            response.raise_for_status()
            data = response.json()
            return DeviceCode(
                user_code=str(data["user_code"]), verification_uri=str(data["verification_uri"]),
                verification_uri_complete=data.get("verification_uri_complete"),
                interval=int(data.get("interval", 5)), expires_in=int(data["expires_in"]),
                device_code=str(data["device_code"]),
            )
        except (httpx.HTTPError, ValueError, KeyError, TypeError) as exc:
            raise AccessDenied("oidc.provider_unreachable", detail=_short(exc)) from None


def poll_device(provider: Provider, code: DeviceCode, *, cancel: threading.Event | None = None,
                sleep: Callable[[float], Any] = time.sleep) -> dict[str, Any]:
    """Wait (polling at the provider's interval) until the person confirmed the code; the token response."""
    import httpx2 as httpx
    from authlib.integrations.base_client import OAuthError

    interval = max(1, code.interval)
    deadline = time.monotonic() + code.expires_in
    with provider.client() as client:
        while True:
            if cancel is not None and cancel.is_set():
                raise AccessDenied("oidc.cancelled")
            if time.monotonic() > deadline:
                raise Refused("timeout")
            try:
                token = client.fetch_token(provider.metadata["token_endpoint"], grant_type=DEVICE_GRANT,
                                           device_code=code.device_code)
            except OAuthError as exc:
                if exc.error == "authorization_pending":
                    sleep(interval)
                    continue
                if exc.error == "slow_down":
                    interval += 5
                    sleep(interval)
                    continue
                if exc.error == "expired_token":
                    raise Refused("timeout") from None
                raise Refused("declined") from None
            except httpx.HTTPError as exc:
                raise AccessDenied("oidc.provider_unreachable", detail=_short(exc)) from None
            return dict(token)


def _napper(cancel: threading.Event | None) -> Callable[[float], None]:
    """A sleep that ends early once ``cancel`` is set: short ``time.sleep`` naps, not ``Event.wait(timeout)``,
    whose timed wait hung under libfaketime (CI runs the suite under faketime)."""

    def nap(seconds: float) -> None:
        end = time.monotonic() + seconds
        while (cancel is None or not cancel.is_set()) and (left := end - time.monotonic()) > 0:
            time.sleep(min(0.2, left))

    return nap


def device_sign_in(store: Store, *, show: Callable[[DeviceCode], None],
                   cancel: threading.Event | None = None) -> Actor:
    """The whole device sign-in: code shown by ``show``, confirmed in a browser, verified, logged."""
    cfg = load_config(store)
    try:
        provider = discover(cfg)
        code = start_device(provider)
        show(code)
        token = poll_device(provider, code, cancel=cancel, sleep=_napper(cancel))
    except HuddleError as exc:
        if exc.key != "oidc.cancelled":
            log_refusal(store, exc, via="device")
        raise
    return accept(store, provider, token, via="device")


def accept(store: Store, provider: Provider, token: dict[str, Any], *, via: str, nonce: str | None = None) -> Actor:
    """The signed-in actor for a token response, after every check of its ID token; a refusal is
    logged (its reason, never the token) and raised as one line."""
    try:
        id_token = token.get("id_token")
        if not isinstance(id_token, str) or not id_token:
            raise Refused("token", claim="id_token")
        identity = verify_id_token(provider, id_token, nonce=nonce, access_token=token.get("access_token"))
    except HuddleError as exc:
        log_refusal(store, exc, via=via)
        raise
    return sign_in(store, identity, via=via)


# -- the authorization code flow with PKCE (huddle serve, the video room) ---------------------


@dataclass(frozen=True)
class PendingLogin:
    """What a browser's sign-in needs kept until the provider redirects back (server side only)."""

    state: str
    nonce: str
    code_verifier: str = field(repr=False)
    redirect_uri: str = ""
    started: float = 0.0


def begin_code_flow(provider: Provider, redirect_uri: str) -> tuple[str, PendingLogin]:
    """The provider's authorization URL to send the browser to, and what to keep for the callback."""
    from authlib.common.security import generate_token

    pending = PendingLogin(state=generate_token(32), nonce=generate_token(32), code_verifier=generate_token(64),
                           redirect_uri=redirect_uri, started=time.monotonic())
    with provider.client(redirect_uri=redirect_uri, code_challenge_method="S256") as client:
        url, _state = client.create_authorization_url(
            provider.metadata["authorization_endpoint"], state=pending.state, nonce=pending.nonce,
            code_verifier=pending.code_verifier,
        )
    return url, pending


def finish_code_flow(store: Store, provider: Provider, pending: PendingLogin, callback_url: str, *,
                     via: str) -> Actor:
    """Exchange the code the provider redirected back with (PKCE verifier) and verify the ID token."""
    import httpx2 as httpx
    from authlib.integrations.base_client import OAuthError

    with provider.client(redirect_uri=pending.redirect_uri, code_challenge_method="S256", state=pending.state) as client:
        try:
            token = client.fetch_token(provider.metadata["token_endpoint"], authorization_response=callback_url,
                                       code_verifier=pending.code_verifier, state=pending.state)
        except OAuthError:
            refusal: HuddleError = Refused("declined")
        except httpx.HTTPError as exc:
            refusal = AccessDenied("oidc.provider_unreachable", detail=_short(exc))
        except Exception:  # noqa: BLE001 - a callback that is not the provider's (wrong state, no code)
            refusal = Refused("declined")
        else:
            return accept(store, provider, dict(token), via=via, nonce=pending.nonce)
    log_refusal(store, refusal, via=via)
    raise refusal

