"""The settings as the store keeps them: one row per setting, its value as JSON text
(``huddle.domain.settings.Settings.from_rows`` reads them back; a broken row falls back to its default)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Setting
from huddle.domain.settings import Settings


def load(session: Session) -> Settings:
    rows = {k: v for k, v in session.execute(select(Setting.key, Setting.value))}
    return Settings.from_rows(rows)


def save(session: Session, settings: Settings) -> None:
    for key, value in settings.to_rows().items():
        session.merge(Setting(key=key, value=value))
