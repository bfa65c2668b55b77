"""The rules of the huddle, pure: identity numbers, meeting days, timing, readiness and liability,
the vocabulary, text cleaning, settings and the records the services return.

Nothing here imports the store (``db``, SQLAlchemy), the app (Textual) or the command line
(click): the import contracts in pyproject.toml check it.  Every rule can be tested, and is, with
plain values and property tests.
"""
