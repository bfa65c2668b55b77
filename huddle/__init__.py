"""huddle: the daily multiprofessional huddle between a Swedish region and its municipalities.

This package holds the domain rules (plain functions), the services over the store, the
command line and the video room. It imports neither Textual nor aiortc at import time.
"""

__version__ = "0.1.0"
