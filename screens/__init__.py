"""The Textual screens of huddle: agenda, live huddle, dialogs, help.

Nothing here imports SQLAlchemy at import time: the store is opened and read in
thread workers after the first screen has painted.
"""
