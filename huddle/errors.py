"""Errors a person can act on.  Each carries a message key from the catalogue.

The command line prints ``str(error)`` on one line and exits with ``exit_code``;
the app shows it in a notification.  Neither shows a traceback.
"""

from __future__ import annotations

from typing import Any


class HuddleError(Exception):
    exit_code = 1

    def __init__(self, key: str, /, **params: Any) -> None:
        self.key = key
        self.params = params
        super().__init__(key)

    def __str__(self) -> str:
        from huddle.i18n import t

        return t(self.key, **self.params)


class InputError(HuddleError):
    """Bad input: an identity number, a date, a CSV row, an option.  Nothing was written."""

    exit_code = 2


class StoreError(HuddleError):
    """The store cannot be opened or used: not a huddle store, corrupt, newer schema."""

    exit_code = 1


class AccessDenied(HuddleError):
    """The signed-in person's roles do not allow this."""

    exit_code = 3


class ConflictError(HuddleError):
    """Someone else changed the same thing first; nothing was overwritten."""

    exit_code = 4
