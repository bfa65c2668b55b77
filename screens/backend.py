"""Small store helpers the app runs in its thread workers (never on the event loop).

They import the store and services lazily so that importing ``screens`` does not
import SQLAlchemy before the first paint.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any


@dataclass(frozen=True)
class StartInfo:
    """What the app needs to choose its first screen."""

    today: date
    agenda_day: date
    running_day: date | None  # a meeting left running (today's, or the coming one's)
    settings: Any  # huddle.settings.Settings
    has_users: bool
    # Sign-in at the identity provider (OpenID Connect): required; and local passwords refused.
    identity_provider: bool = False
    provider_only: bool = False


def store_label(target: str) -> str:
    """Which store is open, as the header says it: the file's name, or the URL without its password."""
    if "://" not in target:
        from pathlib import Path

        return Path(target).name or target
    from db.engine import shown  # a URL: the app needs SQLAlchemy for it anyway

    return shown(target)


def open_store(target: str, clock) -> Any:  # noqa: ANN001
    from huddle.store import Store

    return Store.open(target, clock=clock, create=True, upgrade=True)


def start_info(store) -> StartInfo:  # noqa: ANN001
    from sqlalchemy import select

    from db.models import Huddle
    from huddle import settings as settings_mod
    from huddle.clock import local_date
    from huddle.services import agenda

    agenda_day = agenda.default_date(store)
    with store.read() as s:
        cfg = settings_mod.load(s)
        today = local_date(store.now(), cfg.tz)
        running = s.scalar(
            select(Huddle.date)
            .where(Huddle.state == "running", Huddle.date >= today - timedelta(days=7), Huddle.date <= agenda_day)
            .order_by(Huddle.date.desc())
            .limit(1)
        )
    try:
        from huddle.services import access

        users = bool(access.has_users(store))
    except ImportError:
        users = False
    from huddle.services import oidc

    provider = oidc.load_config(store)
    # Retention runs at every start, as the system (N days from the settings); its events are in the access log.
    from huddle.errors import HuddleError
    from huddle.services import retention

    try:
        retention.run_retention(store)
    except HuddleError:
        pass  # a broken retention setting must not keep the app from opening
    return StartInfo(
        today=today,
        agenda_day=agenda_day,
        running_day=running,
        settings=cfg,
        has_users=users,
        identity_provider=provider.active,
        provider_only=provider.active and provider.only,
    )


def load_settings(store):  # noqa: ANN001, ANN201
    from huddle import settings as settings_mod

    with store.read() as s:
        return settings_mod.load(s)


def agenda_view(store, day: date) -> tuple[str | None, list]:  # noqa: ANN001
    """The huddle's state (None if there is no huddle that day) and its agenda rows."""
    from sqlalchemy import select

    from db.models import Huddle
    from huddle.services import agenda

    with store.read() as s:
        state = s.scalar(select(Huddle.state).where(Huddle.date == day))
    return state, agenda.list_agenda(store, day)
