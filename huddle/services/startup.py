"""What the app asks the store for when it starts and on each agenda paint.

The app runs these in its thread workers (never on the event loop) and imports this module
lazily, so that importing ``screens`` does not import SQLAlchemy before the first paint.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import select

from db import settings as settings_db
from db.engine import shown
from db.models import Huddle
from huddle.domain.clock import Clock, local_date
from huddle.domain.dto import CaseRow
from huddle.domain.settings import Settings
from huddle.errors import HuddleError
from huddle.services import access, agenda, oidc, retention
from huddle.store import Store


@dataclass(frozen=True)
class StartInfo:
    """What the app needs to choose its first screen."""

    today: date
    agenda_day: date
    running_day: date | None  # a meeting left running (today's, or the coming one's)
    settings: Settings
    has_users: bool
    # Sign-in at the identity provider (OpenID Connect): required; and local passwords refused.
    identity_provider: bool = False
    provider_only: bool = False


def store_label(target: str) -> str:
    """Which store is open, as the header says it: the file's name, or the URL without its password."""
    if "://" not in target:
        return Path(target).name or target
    return shown(target)


def open_store(target: str, clock: Clock) -> Store:
    return Store.open(target, clock=clock, create=True, upgrade=True)


def start_info(store: Store) -> StartInfo:
    agenda_day = agenda.default_date(store)
    with store.read() as s:
        cfg = settings_db.load(s)
        today = local_date(store.now(), cfg.tz)
        running = s.scalar(
            select(Huddle.date)
            .where(Huddle.state == "running", Huddle.date >= today - timedelta(days=7), Huddle.date <= agenda_day)
            .order_by(Huddle.date.desc())
            .limit(1)
        )
    users = bool(access.has_users(store))
    provider = oidc.load_config(store)
    # Retention runs at every start, as the system (N days from the settings); its events are in the access log.
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


def load_settings(store: Store) -> Settings:
    with store.read() as s:
        return settings_db.load(s)


def agenda_view(store: Store, day: date) -> tuple[str | None, list[CaseRow]]:
    """The huddle's state (None if there is no huddle that day) and its agenda rows."""
    return agenda.huddle_state(store, day), agenda.list_agenda(store, day)
