"""The video room: an aiohttp + aiortc server run in its own process.

Importing this package imports neither aiohttp nor aiortc: ``banner`` is plain
Python, ``control`` uses aiohttp lazily, ``server`` and ``media`` hold the
WebRTC parts and are imported only by ``huddle room``.
"""
