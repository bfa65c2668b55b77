"""Sign-in at a real OpenID provider (oidc-provider on 127.0.0.1): the configuration an admin sets,
the device authorization grant for the terminal and the command line, and every refusal."""

from __future__ import annotations

import os
import re
import subprocess
import threading

import pytest
from sqlalchemy import select

from tests.conftest import HUDDLE_BIN, run_huddle
from tests.oidc_provider import configure, make_key

pytestmark = pytest.mark.slow


def _events(store, action: str = "sign_in") -> list:
    from db.models import AuditEvent

    with store.read() as s:
        return [(e.actor, e.actor_org, e.actor_hsa, e.what)
                for e in s.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id))]


def _device_sign_in(store, provider, login: str):  # noqa: ANN001, ANN202
    """The service's device sign-in, with a 'person' confirming the shown code in another thread."""
    from huddle.services import oidc

    confirmed: list[str] = []

    def show(code) -> None:  # noqa: ANN001
        threading.Thread(target=lambda: confirmed.append(
            provider.confirm_device(code.verification_uri, code.user_code, login)), daemon=True).start()

    return oidc.device_sign_in(store, show=show), confirmed


# -- configuration --------------------------------------------------------------------------


def test_the_secret_never_goes_on_a_command_line_or_out_again(tmp_path):
    db = tmp_path / "huddle.db"
    r = run_huddle("oidc", "set", "client_secret", "s3cret-on-the-command-line", db=db)
    assert r.returncode == 2 and b"never given on a command line" in r.stderr
    secret = tmp_path / "secret"
    secret.write_text("the-real-secret")
    secret.chmod(0o600)
    for name, value in (("issuer", "https://idp.example.se"), ("client_id", "huddle"), ("secret_file", str(secret)),
                        ("role_map", "sjukskoterska=nurse; chef=manager"), ("claim_hsa_id", "employeeHsaId")):
        r = run_huddle("oidc", "set", name, value, db=db)
        assert r.returncode == 0, r.stderr
    shown = run_huddle("oidc", "show", "--format", "json", db=db)
    assert shown.returncode == 0, shown.stderr
    assert b"the-real-secret" not in shown.stdout and str(secret).encode() in shown.stdout
    assert b"sjukskoterska=nurse; chef=manager" in shown.stdout
    for name, value, words in (("issuer", "http://idp.example.se", b"https"), ("only", "maybe", b"not a valid value"),
                               ("role_map", "chef=boss", b"boss"), ("room", "sometimes", b"not a valid value"),
                               ("colour", "red", b"Unknown identity-provider option")):
        r = run_huddle("oidc", "set", name, value, db=db)
        assert r.returncode == 2 and words in r.stderr, (name, r.stderr)
    from huddle.store import Store

    logged = Store.open(str(db), create=False)
    try:
        whats = [w for *_, w in _events(logged, "update")]
    finally:
        logged.close()
    assert "setting.oidc.secret_file" in whats and not any("the-real-secret" in w for w in whats)


def test_oidc_login_without_a_provider_says_so(tmp_path):
    db = tmp_path / "huddle.db"
    assert run_huddle("init", db=db).returncode == 0
    r = run_huddle("oidc", "login", db=db)
    assert r.returncode == 3 and b"No identity provider is configured" in r.stderr and r.stdout == b""


def test_only_an_admin_sets_the_identity_provider(store):
    from huddle.errors import AccessDenied
    from huddle.services import oidc
    from huddle.store import Actor

    nurse = store.with_actor(Actor(name="Nina", single_user=False, roles=frozenset({"nurse", "facilitator"})))
    with pytest.raises(AccessDenied):
        oidc.set_option(nurse, "only", "true")
    assert not oidc.load_config(store).only


def test_a_secret_file_others_can_read_is_refused(tmp_path):
    from huddle.errors import AccessDenied
    from huddle.services import oidc

    secret = tmp_path / "secret"
    secret.write_text("x")
    secret.chmod(0o644)
    cfg = oidc.OidcConfig(enabled=True, issuer="https://idp.example.se", client_id="c", secret_file=str(secret))
    with pytest.raises(AccessDenied) as info:
        oidc.client_secret(cfg)
    assert "chmod 600" in str(info.value)


# -- the device flow ------------------------------------------------------------------------


def test_device_sign_in_runs_as_the_person_with_the_roles_their_claims_give(idp_store, oidc_provider):
    actor, confirmed = _device_sign_in(idp_store, oidc_provider, "bo")
    assert confirmed == ["Sign-in Success"]
    assert (actor.name, actor.organisation, actor.hsa_id) == ("Bo Berg", "Region Kalmar län", "SE2321000016-B002")
    assert actor.roles == {"nurse", "facilitator", "admin"} and not actor.single_user
    # Everything the person does is logged with their name, organisation and HSA-id.
    from huddle.services import agenda

    who = idp_store.with_actor(actor)
    agenda.add_patient(who, pnr="19121212-1212", name="Tolvan Tolvansson",
                       unit="Avd 12", municipality="Kalmar", question="Hemgång?")
    rows = _events(idp_store, "create")
    assert rows and all(r[:3] == ("Bo Berg", "Region Kalmar län", "SE2321000016-B002") for r in rows)
    assert _events(idp_store)[-1] == ("Bo Berg", "Region Kalmar län", "SE2321000016-B002", "sign_in.oidc.device")


def test_the_command_line_shows_a_code_and_a_link_and_waits_for_the_browser(idp_store, oidc_provider, tmp_path):
    env = {**os.environ, "HUDDLE_LANG": "en"}
    proc = subprocess.Popen([HUDDLE_BIN, "--db", idp_store.target, "oidc", "login"], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stderr is not None
        line = proc.stderr.readline()
        m = re.search(r"open (\S+) in any browser and enter the code (\S+) \(valid (\d+) minutes\)", line)
        assert m, line
        assert oidc_provider.confirm_device(m.group(1), m.group(2), "anna") == "Sign-in Success"
        out, err = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, err
    assert out.strip() == "Signed in as Anna Andersson (Kalmar kommun, SE2321000016-A001)."
    # Nothing of the sign-in is kept on disk: not the tokens, not the code (the store holds the log event only).
    assert not any(p.name not in ("huddle.db", "huddle.db-wal", "huddle.db-shm", "client-secret")
                   for p in tmp_path.iterdir() if p.is_file())


def test_a_user_name_cannot_bypass_the_provider_on_a_provider_only_store(idp_store, oidc_provider, tmp_path):
    from huddle.errors import AccessDenied
    from huddle.services import access, oidc

    access.add_user(idp_store, username="ada", name="Ada Admin", password="correct horse", roles="admin")
    assert access.authenticate(idp_store, "ada", "correct horse").name == "Ada Admin"  # local passwords still work
    oidc.set_option(idp_store, "only", "true")
    with pytest.raises(AccessDenied) as info:
        access.authenticate(idp_store, "ada", "correct horse")
    assert "identity provider only" in str(info.value)
    r = run_huddle("--user", "ada", "agenda", db=idp_store.target, env={"HUDDLE_PASSWORD": "correct horse"})
    assert r.returncode == 3 and r.stderr.decode().count("\n") == 1 and b"identity provider only" in r.stderr
    assert _events(idp_store)[-1][3] == "sign_in.refused_local_password"


# -- refusals ----------------------------------------------------------------------------------


@pytest.mark.parametrize("login, words, logged", [
    ("nohsa", "did not send the claim hsa_id", "sign_in.oidc_refused claim device"),
    ("norole", "gives no role in huddle", "sign_in.oidc_refused role device hsa=SE2321000016-R004"),
])
def test_claims_that_are_missing_or_give_no_role_are_refused_and_logged(idp_store, oidc_provider, login, words,
                                                                        logged):
    from huddle.errors import AccessDenied

    with pytest.raises(AccessDenied) as info:
        _device_sign_in(idp_store, oidc_provider, login)
    assert words in str(info.value) and "\n" not in str(info.value)
    assert _events(idp_store)[-1][3] == logged


@pytest.fixture
def provider_for(idp_store):  # noqa: ANN001, ANN201
    from huddle.services import oidc

    return oidc.discover(oidc.load_config(idp_store))


def _refused(store, provider, token: str) -> str:  # noqa: ANN001
    from huddle.errors import AccessDenied
    from huddle.services import oidc

    with pytest.raises(AccessDenied) as info:
        oidc.accept(store, provider, {"id_token": token, "token_type": "Bearer"}, via="test")
    message = str(info.value)
    assert "\n" not in message
    what = _events(store)[-1][3]
    assert token[:20] not in what and token.split(".")[1][:20] not in what  # never the token
    return message + " | " + what


def test_tokens_with_the_wrong_issuer_or_expired_or_tampered_or_foreign_are_refused(idp_store, oidc_provider,
                                                                                     provider_for, idp_client):
    from huddle.services import oidc

    client = idp_client
    good = oidc_provider.sign(oidc_provider.claims(client))
    assert oidc.accept(idp_store, provider_for, {"id_token": good}, via="test").hsa_id == "SE2321000016-A001"

    wrong_issuer = oidc_provider.sign(oidc_provider.claims(client, iss="http://127.0.0.1:1/evil"))
    assert "wrong issuer" in _refused(idp_store, provider_for, wrong_issuer)
    # Expired an hour ago on this machine's clock, which is the provider's clock too (or faketime's, for both).
    import time

    now = int(time.time())
    expired = oidc_provider.sign(oidc_provider.claims(client, iat=now - 7200, exp=now - 3600))
    assert "has expired" in _refused(idp_store, provider_for, expired)
    header, payload, signature = good.split(".")
    import base64
    import json

    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["title"] = ["it"]  # promote oneself to admin
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).decode().rstrip("=")
    assert "not validly signed" in _refused(idp_store, provider_for, f"{header}.{forged}.{signature}")
    same_kid = make_key(oidc_provider.key.kid)  # a foreign key posing as the provider's
    assert "not validly signed" in _refused(idp_store, provider_for, oidc_provider.sign(
        oidc_provider.claims(client), key=same_kid))
    other_kid = make_key("someone-else")
    assert "not validly signed" in _refused(idp_store, provider_for, oidc_provider.sign(
        oidc_provider.claims(client), key=other_kid))
    other_audience = oidc_provider.sign(oidc_provider.claims(client, aud="another-client"))
    assert "not valid for huddle (aud)" in _refused(idp_store, provider_for, other_audience)
    missing_name = oidc_provider.sign(oidc_provider.claims(client, name=None))
    assert "did not send the claim name" in _refused(idp_store, provider_for, missing_name)
    reasons = [w.split()[1] for *_, w in _events(idp_store) if w.startswith("sign_in.oidc_refused")]
    assert reasons == ["issuer", "expired", "signature", "signature", "signature", "token", "claim"]


def test_a_provider_whose_metadata_names_another_issuer_is_refused(store, oidc_provider, tmp_path):
    from huddle.errors import AccessDenied
    from huddle.services import oidc

    client = oidc_provider.register()
    configure(store.target, oidc_provider, client, tmp_path / "secret")
    cfg = oidc.load_config(store)
    # The same server, but not the issuer it names in its metadata (a trailing slash is another issuer).
    bad = oidc.OidcConfig(**{**cfg.__dict__, "issuer": cfg.issuer + "/"})
    with pytest.raises(AccessDenied) as info:
        oidc.discover(bad)
    assert "wrong issuer" in str(info.value)
