"""The app's handle on the video room: start it as a separate process, push banners, ask who is there.

The room runs in its own process (``huddle --db ... room --machine``) so that
video never competes with the terminal UI's event loop.  It reports its link,
code, expiry and control token as one JSON line on its stdout (a pipe only
this process reads); every control request carries the token.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from huddle.errors import StoreError

if TYPE_CHECKING:
    import aiohttp

START_TIMEOUT_S = 30.0


@dataclass(frozen=True)
class RoomInfo:
    link: str
    code: str
    expires: datetime
    port: int
    max_participants: int


class RoomController:
    def __init__(self, db_target: str, day: date, host: str = "127.0.0.1", port: int = 8765, *,
                 max_participants: int | None = None, cert: str | None = None, key: str | None = None,
                 ice_servers: tuple[str, ...] = (), user: str | None = None,
                 env: dict[str, str] | None = None, store=None) -> None:  # noqa: ANN001
        """``store``: the app's signed-in store.  When it has users, each start hands the room a
        single-use delegation token (``huddle.services.access.delegation_env``), so the room acts as
        the signed-in facilitator without their password."""
        self.db_target = db_target
        self.day = day
        self.host = host
        self.port = port
        self.max_participants = max_participants
        self.cert, self.key = cert, key
        self.ice_servers = ice_servers
        self.user = user
        self.env = env
        self.store = store
        self.info: RoomInfo | None = None
        self._proc: asyncio.subprocess.Process | None = None
        self._control: str | None = None
        self._token: str | None = None
        self._session: aiohttp.ClientSession | None = None
        self._stderr: list[str] = []
        self._stderr_task: asyncio.Task | None = None

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.returncode is None and self.info is not None

    def command(self) -> list[str]:
        # The store goes by environment (HUDDLE_DB), never on the command line: a database URL may
        # hold a password, and every user on the host can read a process's command line.
        cmd = [sys.executable, "-m", "huddle"]
        if self.user:
            cmd += ["--user", self.user]
        cmd += ["room", "--machine", "--date", self.day.isoformat(), "--host", self.host, "--port", str(self.port)]
        if self.max_participants:
            cmd += ["--max-participants", str(self.max_participants)]
        if self.cert and self.key:
            cmd += ["--cert", self.cert, "--key", self.key]
        for server in self.ice_servers:
            cmd += ["--ice-server", server]
        return cmd

    async def start(self) -> RoomInfo:
        """Start the room and wait until it listens; returns its link, code and expiry."""
        if self.running:
            assert self.info is not None
            return self.info
        env = {**os.environ, **(self.env or {}), "HUDDLE_DB": self.db_target}
        if self.store is not None:
            env.update(await asyncio.to_thread(_delegation, self.store))
        self._proc = proc = await asyncio.create_subprocess_exec(
            # stdin is a pipe we never write: it closes when this process ends, and the room stops then.
            *self.command(), stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE, env=env, start_new_session=True,
        )
        assert proc.stdout is not None  # stdout=PIPE
        self._stderr_task = asyncio.ensure_future(self._collect_stderr())
        try:
            line = await asyncio.wait_for(proc.stdout.readline(), START_TIMEOUT_S)
        except TimeoutError:
            line = b""
        try:
            data = json.loads(line.decode() or "{}")
        except ValueError:
            data = {}
        if not data.get("ready"):
            await self._reap()
            detail = " ".join(self._stderr).strip() or "no answer"
            raise StoreError("room.start_failed", detail=detail[-300:])
        self._control = data["control"]
        self._token = data["token"]
        self.info = RoomInfo(
            link=data["link"], code=data["code"], expires=datetime.fromisoformat(data["expires"]),
            port=int(data["port"]), max_participants=int(data.get("max") or 0),
        )
        return self.info

    async def _collect_stderr(self) -> None:
        assert self._proc is not None and self._proc.stderr is not None
        while True:
            line = await self._proc.stderr.readline()
            if not line:
                return
            self._stderr = (self._stderr + [line.decode(errors="replace").strip()])[-20:]

    async def _request(self, method: str, path: str, payload: dict | None = None):  # noqa: ANN202
        import aiohttp

        if not self.running:
            raise StoreError("room.not_running")
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=5))
        headers = {"Authorization": f"Bearer {self._token}"}
        try:
            async with self._session.request(method, f"{self._control}{path}", json=payload, headers=headers,
                                             ssl=False) as response:
                if response.status != 200:
                    raise StoreError("room.control_failed", detail=f"HTTP {response.status}")
                return await response.json()
        except (TimeoutError, aiohttp.ClientError) as exc:
            raise StoreError("room.control_failed", detail=str(exc) or type(exc).__name__) from exc

    async def publish(self, banner: dict) -> int:
        """Send the banner to every browser in the room; returns how many it reached."""
        result = await self._request("POST", "/control/banner", banner)
        return int(result.get("sent", 0))

    async def participants(self) -> list[dict]:
        """Who is in the room now: name, organisation, role, joined_at (ISO, UTC)."""
        return list(await self._request("GET", "/control/participants"))

    async def stats(self) -> dict:
        """Media counters (frames in, encoded, sent per viewer and source)."""
        return dict(await self._request("GET", "/control/stats"))

    async def status(self) -> dict:
        return dict(await self._request("GET", "/control/status"))

    async def stop(self) -> None:
        """Close the room: everyone leaves (their attendance is closed), the process exits."""
        if self._proc is None:
            return
        if self._proc.returncode is None and self.info is not None:
            try:
                await self._request("POST", "/control/stop")
            except StoreError:
                pass
        await self._reap()

    async def _reap(self) -> None:
        proc = self._proc
        if proc is not None:
            try:
                await asyncio.wait_for(proc.wait(), 10)
            except TimeoutError:
                proc.terminate()
                try:
                    await asyncio.wait_for(proc.wait(), 5)
                except TimeoutError:
                    proc.kill()
                    await proc.wait()
        if self._stderr_task is not None:
            try:
                await asyncio.wait_for(self._stderr_task, 2)
            except (TimeoutError, asyncio.CancelledError):
                self._stderr_task.cancel()
        if self._session is not None:
            await self._session.close()
            self._session = None
        self.info = None
        self._proc = None


def _delegation(store) -> dict[str, str]:  # noqa: ANN001
    from huddle.services.access import delegation_env

    return delegation_env(store)
