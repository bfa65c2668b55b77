"""A real OpenID provider for the tests: ``tests/oidc/provider.mjs`` (the certified ``oidc-provider``
npm package) run with Node on 127.0.0.1, plus what the tests do at it as a person would.

``npm ci`` in tests/oidc installs the package (``.ci/run`` does). Without Node or the package the
tests fail loudly under ``CI=true`` and are skipped elsewhere.

The provider signs with a key the test process makes (``jwks``), so a test can also mint tokens
with the provider's own key (expired, wrong issuer, missing claims) or with a foreign one.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

HERE = Path(__file__).with_name("oidc")
NODE = shutil.which("node")
SCOPE = "openid profile huddle"
ROLE_MAP = "sjukskoterska=nurse; samordnare=nurse,facilitator; chef=manager; it=admin"
DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"


def missing() -> str | None:
    if NODE is None:
        return "Node.js is not installed (apt-get install nodejs)"
    if not (HERE / "node_modules" / "oidc-provider").is_dir():
        return "the oidc-provider package is not installed (cd tests/oidc && npm ci)"
    return None


def make_key(kid: str) -> Any:
    from joserfc.jwk import RSAKey

    return RSAKey.generate_key(2048, parameters={"kid": kid, "use": "sig", "alg": "RS256"}, private=True)


@dataclass
class Client:
    client_id: str
    client_secret: str = field(repr=False)


@dataclass
class OidcProvider:
    issuer: str
    key: Any = field(repr=False)
    process: subprocess.Popen | None = field(default=None, repr=False)

    def register(self, redirect_uris: list[str] | None = None, *, post_logout: list[str] | None = None) -> Client:
        """A new client by dynamic registration (RFC 7591), with the code and device grants."""
        import httpx2 as httpx

        body = {
            "redirect_uris": redirect_uris or ["http://127.0.0.1:9/unused"],
            "post_logout_redirect_uris": post_logout or [],
            "grant_types": ["authorization_code", DEVICE_GRANT],
            "response_types": ["code"],
        }
        r = httpx.post(f"{self.issuer}/reg", json=body, timeout=10)
        r.raise_for_status()
        data = r.json()
        return Client(data["client_id"], data["client_secret"])

    def sign(self, claims: dict[str, Any], *, key: Any = None) -> str:
        """An ID token with these claims, signed with the provider's own key (or ``key``)."""
        from joserfc import jwt

        k = key or self.key
        return jwt.encode({"alg": "RS256", "kid": k.kid}, claims, k)

    def claims(self, client: Client, **overrides: Any) -> dict[str, Any]:
        """Claims as the provider would issue them for anna to ``client``, now (this machine's clock)."""
        now = int(time.time())
        base: dict[str, Any] = {
            "iss": self.issuer, "sub": "anna", "aud": client.client_id, "iat": now, "exp": now + 600,
            "name": "Anna Andersson", "hsa_id": "SE2321000016-A001", "org": "Kalmar kommun",
            "title": ["sjukskoterska"],
        }
        base.update(overrides)
        return {k: v for k, v in base.items() if v is not None}

    def confirm_device(self, verification_uri: str, user_code: str, login: str) -> str:
        """Confirm a device code as a person does in a browser: the provider's own forms, in order
        (enter the code, confirm it, sign in as ``login``, consent). Returns the last page's title."""
        import httpx2 as httpx

        with httpx.Client(follow_redirects=True, timeout=15) as c:
            page = c.get(verification_uri).text
            action, fields = _form(page)
            page = c.post(action, data={**fields, "user_code": user_code}).text  # the code
            action, fields = _form(page)
            page = c.post(action, data=fields).text  # "Confirm Device"
            action, fields = _form(page)
            page = c.post(action, data={**fields, "login": login, "password": "any"}).text  # sign in
            if "<form" in page:
                action, fields = _form(page)
                page = c.post(action, data=fields).text  # consent
            title = re.search(r"<h1>([^<]*)</h1>", page)
            return title.group(1) if title else ""


    def sign_in_with_forms(self, c: Any, response: Any, login: str) -> Any:
        """Follow the provider's sign-in forms (login, then consent) in an httpx client that follows
        redirects, from a response at the provider until the browser is sent back elsewhere."""
        for _ in range(6):
            if not str(response.url).startswith(self.issuer) or "<form" not in response.text:
                return response
            action, fields = _form(response.text)
            if 'name="login"' in response.text:
                fields = {**fields, "login": login, "password": "any"}
            response = c.post(action, data=fields)
        raise AssertionError("the provider's forms did not end")


def _form(html: str) -> tuple[str, dict[str, str]]:
    action = re.search(r'<form[^>]*action="([^"]+)"', html)
    assert action, html[-800:]
    return action.group(1), dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', html))


def start(tmp: Path) -> OidcProvider:
    key = make_key("provider-1")
    jwks = tmp / "jwks.json"
    jwks.write_text(json.dumps({"keys": [key.as_dict(private=True)]}))
    jwks.chmod(0o600)
    assert NODE is not None
    process = subprocess.Popen(
        [NODE, str(HERE / "provider.mjs")], cwd=HERE, env={**os.environ, "OIDC_JWKS": str(jwks)},
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, start_new_session=True,
    )
    assert process.stdout is not None
    line = process.stdout.readline()
    if not line:
        process.wait(timeout=10)
        raise RuntimeError(f"the OpenID provider did not start (exit {process.returncode})")
    return OidcProvider(issuer=json.loads(line)["issuer"], key=key, process=process)


def stop(provider: OidcProvider) -> None:
    if provider.process is not None and provider.process.poll() is None:
        provider.process.terminate()
        try:
            provider.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            provider.process.kill()
            provider.process.wait(timeout=10)


@pytest.fixture(scope="session")
def oidc_provider(tmp_path_factory):  # noqa: ANN001, ANN201
    """The provider on a free port for the whole session; stopped at its end."""
    problem = missing()
    if problem:
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(f"OpenID provider for the tests: {problem}")
        pytest.skip(problem)
    provider = start(tmp_path_factory.mktemp("oidc"))
    try:
        yield provider
    finally:
        stop(provider)


def configure(store_target: str, provider: OidcProvider, client: Client, secret_file: Path, **extra: str) -> None:
    """Set a store's identity provider as an admin does, through ``huddle oidc set`` (single-user, in-process)."""
    from huddle.services import oidc
    from huddle.store import Store

    secret_file.write_text(client.client_secret)
    secret_file.chmod(0o600)
    options = {
        "issuer": provider.issuer, "client_id": client.client_id, "secret_file": str(secret_file),
        "scope": SCOPE, "claim_hsa_id": "hsa_id", "claim_name": "name", "claim_org": "org",
        "claim_roles": "title", "role_map": ROLE_MAP, **extra,
    }
    store = Store.open(store_target)
    try:
        for name, value in options.items():
            oidc.set_option(store, name, value)
        oidc.set_option(store, "enabled", "true")  # last: from now on sign-in is at the provider
    finally:
        store.close()


@pytest.fixture
def idp_client(oidc_provider) -> Client:  # noqa: ANN001
    """A client of this test's own at the provider."""
    return oidc_provider.register()


@pytest.fixture
def idp_store(store_target, tmp_path, oidc_provider, idp_client, clock):  # noqa: ANN001, ANN201
    """A store whose admin configured the test provider (``idp_client``, its secret in a 0600 file)."""
    from huddle.store import Store

    configure(store_target, oidc_provider, idp_client, tmp_path / "client-secret")
    s = Store.open(store_target, clock=clock)
    yield s
    s.close()
