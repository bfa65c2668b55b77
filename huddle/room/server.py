"""The room server: aiohttp for the page, websocket signalling and the control API; aiortc for media.

One peer connection per participant (an SFU in miniature).  A participant's
offer carries their own camera and microphone plus ``max_participants - 1``
receive-only video and audio *slots*; the server fills slots with other
participants' encoded streams as people come and go, so nobody renegotiates.
Each received track is read by one ``Source`` and encoded once; every viewer's
slot sends those same packets (see ``media``).  The banner goes to every
browser over the WebRTC data channel; who is in the room goes over the websocket.

Peers live in one registry (``Room.participants``); one function wires a
peer's handlers; a failed peer is closed and its attendance closed; shutdown
closes all with ``gather``.
"""

from __future__ import annotations

import asyncio
import hmac
import ipaddress
import json
import logging
import secrets
import sys
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, Protocol

from aiohttp import WSMsgType, web
from aiortc import RTCConfiguration, RTCIceServer, RTCPeerConnection, RTCSessionDescription
from aiortc.rtcconfiguration import RTCBundlePolicy

from huddle.domain.clock import Clock, default_clock
from huddle.room.codes import Throttle, display, matches
from huddle.room.media import SlotTrack, Source, choose_speakers

log = logging.getLogger("huddle.room")
STATIC = Path(__file__).with_name("static")
NAME_MAX = 80
# A join holds a place only while its media is being set up: the page asks for the camera before
# it joins, so its offer follows the welcome within a second; a join with no offer by then is let go.
OFFER_TIMEOUT_S = 5.0
# After the offer, media must flow (ICE and DTLS up) within this limit, or the place is given back.
MEDIA_TIMEOUT_S = 15.0
WATCH_S = 1.5  # how often the room reads the meeting's state from the store (banner, finished)


# -- attendance -------------------------------------------------------------------------
class Attendance(Protocol):
    def join(self, name: str, organisation: str | None, role: str | None, *,
             staff_id: int | None = None) -> int | None: ...
    def leave(self, attendance_id: int) -> None: ...
    def finished(self) -> bool: ...
    def banner(self, now: datetime) -> dict | None: ...


class StoreAttendance:
    """Joins and leaves recorded on the day's huddle through the meeting services (called in a thread)."""

    def __init__(self, store, day: date, lease=None) -> None:  # noqa: ANN001
        self.store = store
        self.day = day
        self.lease = lease  # huddle.services.room_lease.RoomLease: renewed on each poll of the meeting

    def join(self, name: str, organisation: str | None, role: str | None, *,
             staff_id: int | None = None) -> int | None:
        from huddle.services.meeting import attendance_join

        info = attendance_join(self.store, self.day, name=name, organisation=organisation, role=role, source="room",
                               staff_id=staff_id)
        return info.attendance_id

    def leave(self, attendance_id: int) -> None:
        from huddle.services.meeting import attendance_leave

        attendance_leave(self.store, attendance_id)

    def finished(self) -> bool:
        from huddle.services.agenda import huddle_state

        return huddle_state(self.store, self.day) == "finished"

    def banner(self, now: datetime) -> dict | None:
        """The banner the app would push, read from the store: a room started by hand shows it too.
        A plain read (no recovery, no access-log row: the banner carries initials and unit only)."""
        from huddle.room.banner import banner_from_live
        from huddle.services.meeting import load_live
        from huddle.services.startup import load_settings

        if self.lease is not None:
            try:
                self.lease.renew()
            except Exception as exc:  # noqa: BLE001 - the banner matters more than the lease's beat
                log.warning("could not renew the room's lease: %s", exc)
        policy = load_settings(self.store).banner_policy
        live = load_live(self.store, self.day, recover=False, audit=False)
        return banner_from_live(live, now, policy)


# -- configuration and participants -----------------------------------------------------
@dataclass
class RoomConfig:
    day: date
    code: str
    expires: datetime  # aware UTC
    token: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    max_participants: int = 8
    ice_servers: list[dict] = field(default_factory=list)
    width: int = 320
    height: int = 240
    fps: int = 15
    video_bitrate: int = 300_000
    # Sign-in at the identity provider (huddle.serve.auth.Gate) in front of the page and its websocket,
    # and what it replaces: "idp" (instead of the code) or "both" (the code too). None: the code only.
    sign_in: Any = None
    sign_in_mode: str = "code"


@dataclass(eq=False)
class Participant:
    id: str
    name: str
    organisation: str | None
    role: str | None
    ws: web.WebSocketResponse
    joined_at: datetime
    # The staff row of a participant who signed in at the identity provider (their HSA-id is on it).
    staff_id: int | None = None
    secret: str = field(default_factory=lambda: secrets.token_urlsafe(16))
    attendance_id: int | None = None
    pc: RTCPeerConnection | None = None
    channel: Any = None
    video: Source | None = None
    audio: Source | None = None
    drains: list[asyncio.Task] = field(default_factory=list)
    video_slots: list[tuple[str, SlotTrack]] = field(default_factory=list)
    audio_slots: list[tuple[str, SlotTrack]] = field(default_factory=list)
    assigned: dict[str, int] = field(default_factory=dict)  # other participant id -> slot index
    connected: bool = False
    media_up: bool = False  # ICE and DTLS are up: media flows, so they attend
    left: bool = False

    def public(self) -> dict:
        return {"name": self.name, "organisation": self.organisation, "role": self.role,
                "joined_at": self.joined_at.isoformat()}


def _is_loopback(remote: str | None) -> bool:
    try:
        return ipaddress.ip_address((remote or "").split("%")[0]).is_loopback
    except ValueError:
        return False


def include_loopback_candidates() -> None:
    """aioice leaves out 127.0.0.1; a room on loopback (and a machine offline) needs it."""
    import aioice.ice

    original = aioice.ice.get_host_addresses
    if getattr(original, "_huddle", False):
        return

    def get_host_addresses(use_ipv4: bool, use_ipv6: bool) -> list[str]:
        found = original(use_ipv4, use_ipv6)
        return (["127.0.0.1"] if use_ipv4 else []) + found

    get_host_addresses._huddle = True  # type: ignore[attr-defined]
    aioice.ice.get_host_addresses = get_host_addresses


# -- the room ---------------------------------------------------------------------------
class Room:
    def __init__(self, config: RoomConfig, attendance: Attendance, *, clock: Clock | None = None,
                 throttle: Throttle | None = None) -> None:
        self.config = config
        self.attendance = attendance
        self.clock = clock or default_clock()
        # The brake on wrong codes reads the room's clock, so a test moves it without waiting.
        self.throttle = throttle or Throttle(now=lambda: self.clock.now().timestamp())
        self.participants: dict[str, Participant] = {}
        self.banner: dict | None = None
        self.finished = False
        self.stop_requested: asyncio.Event | None = None
        self._speakers_task: asyncio.Task | None = None
        self._watch_task: asyncio.Task | None = None
        self._banner_at = self.clock.now()
        self._banner_key: str | None = None
        self._closing = asyncio.Event()

    # -- aiohttp application --------------------------------------------------------------
    def app(self) -> web.Application:
        app = web.Application(middlewares=[_security_headers])
        app.router.add_get("/", self._index)
        app.router.add_get("/strings.json", self._strings)
        app.router.add_static("/static/", STATIC, show_index=False)
        app.router.add_get("/ws", self._ws)
        app.router.add_post("/leave", self._beacon_leave)
        app.router.add_post("/control/banner", self._control_banner)
        app.router.add_get("/control/participants", self._control_participants)
        app.router.add_get("/control/status", self._control_status)
        app.router.add_get("/control/stats", self._control_stats)
        app.router.add_post("/control/stop", self._control_stop)
        app.on_startup.append(self._start_watch)
        app.on_shutdown.append(lambda _app: self.close())
        if self.config.sign_in is not None:
            self.config.sign_in.install(app)
        return app

    async def _start_watch(self, _app: web.Application) -> None:
        self._watch_task = asyncio.ensure_future(self._watch())

    async def _watch(self) -> None:
        """Every ``WATCH_S``: the meeting's banner from the store (current case, timer, finished).
        The app pushes the same banner at once when it changes; this keeps a room started by hand
        (or whose app went away) showing the meeting, and ends the room when the meeting is finished."""
        try:
            while not self._closing.is_set():
                await self.refresh_banner()
                try:
                    await asyncio.wait_for(self._closing.wait(), WATCH_S)
                except TimeoutError:
                    pass
        except asyncio.CancelledError:
            pass

    async def refresh_banner(self) -> None:
        try:
            banner = await asyncio.to_thread(self.attendance.banner, self.clock.now())
        except Exception as exc:  # noqa: BLE001
            log.warning("could not read the meeting: %s", exc)
            return
        if banner is not None and _banner_key(banner) != self._banner_key:
            self.publish(banner)

    async def _index(self, request: web.Request) -> web.StreamResponse:
        return web.FileResponse(STATIC / "index.html", headers={"Cache-Control": "no-store"})

    async def _strings(self, request: web.Request) -> web.Response:
        from huddle.domain.vocab import ROLES, role_key
        from huddle.i18n import catalogue

        out: dict[str, dict[str, str]] = {"en": {}, "sv": {}}
        texts_of = catalogue()
        for key, texts in texts_of.items():
            if key.startswith("room.page."):
                for lang in out:
                    out[lang][key[len("room.page."):]] = texts.get(lang) or texts.get("en") or key
        for role in ROLES:  # the one vocabulary of meeting roles, labelled as the app labels them
            texts = texts_of[role_key(role)]
            for lang in out:
                out[lang]["role." + role] = texts.get(lang) or texts["en"]
        video = {"width": self.config.width, "height": self.config.height, "fps": self.config.fps}
        body: dict[str, Any] = {**out, "roles": list(ROLES), "video": video}
        session = self.config.sign_in.session_of(request) if self.config.sign_in is not None else None
        if session is not None:  # who signed in at the provider: the page shows it instead of asking
            body["identity"] = {"name": session.actor.name, "organisation": session.actor.organisation,
                                "code": self.config.sign_in_mode == "both"}
        return web.json_response(body)

    # -- signalling -------------------------------------------------------------------------
    async def _ws(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(heartbeat=10.0, max_msg_size=1 << 20)
        await ws.prepare(request)
        who = request.remote or "?"
        p: Participant | None = None
        tries = 0  # wrong codes typed on this connection
        if not _same_origin(request):
            log.warning("websocket from another origin refused: %s", request.headers.get("Origin"))
            await _send(ws, {"type": "refused", "reason": "origin"})
            await ws.close()
            return ws
        try:
            async for msg in ws:
                if msg.type != WSMsgType.TEXT:
                    continue
                try:
                    data = json.loads(msg.data)
                except ValueError:
                    continue
                if not isinstance(data, dict):
                    continue
                kind = data.get("type")
                if p is None:
                    if kind != "join":
                        continue
                    answer = await self._join(ws, who, data, tries, request)
                    if answer == "code":
                        tries += 1  # the socket stays open: the person corrects the code and tries again
                        continue
                    if not isinstance(answer, Participant):
                        break
                    p = answer
                elif kind == "offer" and p.pc is None:
                    try:
                        await self._offer(p, data)
                    except Exception as exc:  # noqa: BLE001
                        log.warning("offer from %s failed: %s", p.name, exc)
                        await _send(ws, {"type": "refused", "reason": "media"})
                        break
                elif kind == "leave":
                    break
        finally:
            if p is not None:
                await self.leave(p, "websocket")
            if not ws.closed:
                await ws.close()
        return ws

    def code_expired(self) -> bool:
        return self.finished or self.clock.now() >= self.config.expires

    async def _join(self, ws: web.WebSocketResponse, who: str, data: dict, tries: int,
                    request: web.Request | None = None) -> Participant | str | None:
        """A participant, "code" (a wrong code: this connection may try again) or None (refused).

        Behind the identity provider the name and organisation are the verified ones (what the page
        sent is ignored), and in "idp" mode the sign-in stands instead of the code."""
        session = None
        if self.config.sign_in is not None and request is not None:
            session = self.config.sign_in.session_of(request)
            if session is None:  # the middleware lets no one here unsigned; a session that just ended
                await _send(ws, {"type": "refused", "reason": "sign_in"})
                return None
        wait = self.throttle.locked_for(who)
        if wait > 0:
            await _send(ws, {"type": "refused", "reason": "slow", "retry_after": int(wait) + 1})
            return None
        code_needed = session is None or self.config.sign_in_mode != "idp"
        if code_needed and self.throttle.slowed(who):
            # The address has used its budget of wrong codes: slowed, never shut. Its joins take
            # turns, each held before the code is checked, right or wrong (a flood learns nothing
            # sooner); a colleague with the right code is let in after the wait.
            lane = self.throttle.lane(who)
            if lane is None:
                await _send(ws, {"type": "refused", "reason": "slow", "retry_after": int(self.throttle.max_s) + 1})
                return None
            async with lane:
                try:
                    await asyncio.wait_for(self._closing.wait(), self.throttle.max_s)
                except TimeoutError:
                    pass
        if code_needed and not matches(self.config.code, str(data.get("code") or "")):
            delay = self.throttle.fail(who, tries + 1)
            # Only this connection waits; a colleague on the same address is answered meanwhile.
            try:
                await asyncio.wait_for(self._closing.wait(), delay)
            except TimeoutError:
                pass
            await _send(ws, {"type": "refused", "reason": "code"})
            return "code"
        if not self.finished:
            try:
                self.finished = await asyncio.to_thread(self.attendance.finished)
            except Exception as exc:  # noqa: BLE001
                log.warning("could not read the meeting's state: %s", exc)
        if self.code_expired():
            await _send(ws, {"type": "refused", "reason": "expired"})
            return None
        name = _one_line(data.get("name"))
        org = _one_line(data.get("organisation")) or None
        staff_id = None
        if session is not None:
            name, org, staff_id = session.actor.name, session.actor.organisation, session.actor.staff_id
        if not name:
            await _send(ws, {"type": "refused", "reason": "name"})
            return None
        from huddle.domain.vocab import ROLES

        role = str(data.get("role") or "").strip() or None
        if role is not None and role not in ROLES:  # the page offers the vocabulary only: no free text
            await _send(ws, {"type": "refused", "reason": "role"})
            return None
        if len(self.participants) >= self.config.max_participants:
            await _send(ws, {"type": "refused", "reason": "full", "max": self.config.max_participants})
            return None
        p = Participant(id=secrets.token_hex(6), name=name, organisation=org, role=role, ws=ws,
                        joined_at=self.clock.now(), staff_id=staff_id)
        self.participants[p.id] = p  # reserved before any await: the cap holds
        await _send(ws, {
            "type": "welcome",
            "id": p.id,
            "secret": p.secret,
            "slots": self.config.max_participants - 1,
            "max": self.config.max_participants,
            "iceServers": self.config.ice_servers,
            "video": {"width": self.config.width, "height": self.config.height, "fps": self.config.fps},
            "day": self.config.day.isoformat(),
        })
        # A place is held only while media is being set up: no offer within the limit of the
        # welcome, and the place is given back.  Attendance is written once the offer has come.
        asyncio.get_running_loop().call_later(OFFER_TIMEOUT_S, self._offer_overdue, p)
        return p

    async def _record_join(self, p: Participant) -> None:
        try:
            if p.staff_id is not None:  # signed in at the provider: the row points at their staff row (HSA-id)
                p.attendance_id = await asyncio.to_thread(self.attendance.join, p.name, p.organisation, p.role,
                                                          staff_id=p.staff_id)
            else:
                p.attendance_id = await asyncio.to_thread(self.attendance.join, p.name, p.organisation, p.role)
        except Exception as exc:  # noqa: BLE001
            log.warning("attendance join not recorded for %s: %s", p.name, exc)
        if p.left and p.attendance_id is not None:
            # Gone while the join was being written: leave() found no attendance to close, so close
            # it here, or the store keeps them in the room for ever.
            await self._close_attendance(p)
        elif not p.left:
            await _send(p.ws, {"type": "present"})  # recorded as attending (the page may ignore it)

    def _offer_overdue(self, p: Participant) -> None:
        if p.pc is None and not p.left:
            asyncio.ensure_future(self.leave(p, "no offer"))

    def _media_overdue(self, p: Participant) -> None:
        if not p.left and p.attendance_id is None and not p.media_up:
            asyncio.ensure_future(self.leave(p, "no media"))

    async def _offer(self, p: Participant, data: dict) -> None:
        from aiortc.rtcpeerconnection import filter_preferred_codecs
        from aiortc.rtcrtpsender import RTCRtpSender

        ice = [RTCIceServer(**_ice_kwargs(s)) for s in self.config.ice_servers]
        pc = RTCPeerConnection(RTCConfiguration(iceServers=ice, bundlePolicy=RTCBundlePolicy.MAX_BUNDLE))
        p.pc = pc
        received: list = []
        self._wire(p, pc, received)
        await pc.setRemoteDescription(RTCSessionDescription(sdp=str(data.get("sdp") or ""), type="offer"))
        # They attend once media flows (see _wire: connectionState "connected"); an offer whose
        # media never comes up holds the place only until MEDIA_TIMEOUT_S.
        asyncio.get_running_loop().call_later(MEDIA_TIMEOUT_S, self._media_overdue, p)

        layout = data.get("layout") or {}
        by_mid = {t.mid: t for t in pc.getTransceivers()}
        caps = {k: RTCRtpSender.getCapabilities(k).codecs for k in ("video", "audio")}
        only = {
            "video": [c for c in caps["video"] if c.mimeType.lower() in ("video/vp8", "video/rtx")],
            "audio": [c for c in caps["audio"] if c.mimeType.lower() == "audio/opus"],
        }
        used: set[str] = set()
        for kind in ("video", "audio"):
            own = str(layout.get(kind))  # the person's own track's mid (t.mid == own: by_mid is keyed by mid)
            t = by_mid.get(own)
            if t is not None and t.kind == kind:
                used.add(own)
                t.direction = "recvonly"
                track = t.receiver.track
                if track is not None and track in received:
                    src = Source(kind, track, width=self.config.width, height=self.config.height,
                                 fps=self.config.fps, bitrate=self.config.video_bitrate)
                    setattr(p, kind, src)
                    src.start()
            slots = p.video_slots if kind == "video" else p.audio_slots
            for slot_mid in list(layout.get(f"{kind}_slots") or [])[: self.config.max_participants - 1]:
                mid = str(slot_mid)  # (t.mid == mid)
                t = by_mid.get(mid)
                if t is None or t.kind != kind or mid in used:
                    continue
                used.add(mid)
                t.direction = "sendonly"
                t._codecs = filter_preferred_codecs(t._codecs, only[kind]) or t._codecs
                slot = SlotTrack(kind)
                t.sender.replaceTrack(slot)
                # PLI/FIR reach the one shared encoder.  Replacing aiortc's private method is the point,
                # which mypy refuses for any method.
                t.sender._send_keyframe = slot.request_keyframe  # type: ignore[method-assign]
                slots.append((mid, slot))
        for t in pc.getTransceivers():
            if t.mid not in used:
                t.direction = "inactive"
        # Every received track is read: the unexpected ones are drained.
        for track in received:
            if track not in (getattr(p.video, "track", None), getattr(p.audio, "track", None)):
                p.drains.append(asyncio.ensure_future(_drain(track)))

        await pc.setLocalDescription(await pc.createAnswer())
        if p.left:
            return
        await _send(p.ws, {"type": "answer", "sdp": pc.localDescription.sdp})
        p.connected = True
        self._arrange()
        if self._speakers_task is None:
            self._speakers_task = asyncio.ensure_future(self._choose_speakers())

    async def _choose_speakers(self) -> None:
        """Every 200 ms: only the loudest few microphones are forwarded (bounded audio for everyone)."""
        try:
            while True:
                choose_speakers([p.audio for p in self.participants.values() if p.audio is not None])
                await asyncio.sleep(0.2)
        except asyncio.CancelledError:
            pass

    def _wire(self, p: Participant, pc: RTCPeerConnection, received: list) -> None:
        @pc.on("track")
        def on_track(track) -> None:  # noqa: ANN001
            received.append(track)

        @pc.on("datachannel")
        def on_datachannel(channel) -> None:  # noqa: ANN001
            p.channel = channel
            if self.banner is not None:
                channel.send(json.dumps(self.current_banner()))

            @channel.on("message")
            def on_message(message) -> None:  # noqa: ANN001
                if isinstance(message, str) and message.startswith("{\"type\":\"ping\""):
                    channel.send(message.replace("ping", "pong", 1))

        @pc.on("connectionstatechange")
        async def on_state() -> None:
            if pc.connectionState == "connected" and not p.media_up and not p.left:
                p.media_up = True  # media flows: now they attend (written in a thread, off the media path)
                await self._record_join(p)
            if pc.connectionState in ("failed", "closed") and not p.left:
                await self.leave(p, f"ice {pc.connectionState}")

    # -- who sees whom ------------------------------------------------------------------------
    def _arrange(self) -> None:
        """Give every connected viewer a slot for every other connected participant; tell each who is where."""
        live = [p for p in self.participants.values() if p.connected and not p.left]
        for viewer in live:
            for other in live:
                if other is viewer or other.id in viewer.assigned:
                    continue
                taken = set(viewer.assigned.values())
                free = next((i for i in range(max(len(viewer.video_slots), len(viewer.audio_slots)))
                             if i not in taken), None)
                if free is None:
                    continue
                viewer.assigned[other.id] = free
                if free < len(viewer.video_slots):
                    viewer.video_slots[free][1].attach(other.video)
                if free < len(viewer.audio_slots):
                    viewer.audio_slots[free][1].attach(other.audio)
        for viewer in live:
            asyncio.ensure_future(_send(viewer.ws, self.roster_for(viewer)))

    def roster_for(self, viewer: Participant) -> dict:
        people = []
        for pid, idx in viewer.assigned.items():
            other = self.participants.get(pid)
            if other is None:
                continue
            people.append({
                "id": other.id,
                "name": other.name,
                "organisation": other.organisation,
                "video_mid": viewer.video_slots[idx][0] if idx < len(viewer.video_slots) else None,
                "audio_mid": viewer.audio_slots[idx][0] if idx < len(viewer.audio_slots) else None,
            })
        return {"type": "roster", "participants": people, "count": len(self.participants),
                "max": self.config.max_participants}

    async def leave(self, p: Participant, reason: str = "", notice: dict | None = None) -> None:
        """Gone at once: slots freed, media closed, attendance closed.  Safe to call twice.
        ``notice`` is sent to their page first (why the room let them go)."""
        if p.left:
            return
        p.left = True
        if notice is not None:
            await _send(p.ws, notice)
        log.info("%s left (%s)", p.name, reason)
        self.participants.pop(p.id, None)
        for viewer in self.participants.values():
            idx = viewer.assigned.pop(p.id, None)
            if idx is not None:
                if idx < len(viewer.video_slots):
                    viewer.video_slots[idx][1].attach(None)
                if idx < len(viewer.audio_slots):
                    viewer.audio_slots[idx][1].attach(None)
        for src in (p.video, p.audio):
            if src is not None:
                await src.stop()
        for task in p.drains:
            task.cancel()
        if p.pc is not None:
            await p.pc.close()
        if p.attendance_id is not None:
            await self._close_attendance(p)
        if not p.ws.closed:
            await p.ws.close()
        self._arrange()

    async def _close_attendance(self, p: Participant) -> None:
        if p.attendance_id is None:
            return
        try:
            await asyncio.to_thread(self.attendance.leave, p.attendance_id)
        except Exception as exc:  # noqa: BLE001
            log.warning("attendance leave not recorded for %s: %s", p.name, exc)

    async def _beacon_leave(self, request: web.Request) -> web.Response:
        """``navigator.sendBeacon`` on pagehide: the tab is closing, leave now (from the room's own page only)."""
        try:
            data = json.loads(await request.text())
        except ValueError:
            return web.Response(status=400)
        if not _same_origin(request):
            return web.Response(status=403, text="another origin")
        p = self.participants.get(str(data.get("id")))
        if p is not None and hmac.compare_digest(p.secret, str(data.get("secret") or "")):
            await self.leave(p, "pagehide")
        return web.Response(status=204)

    async def close(self) -> None:
        self._closing.set()
        for task in (self._speakers_task, self._watch_task):
            if task is not None:
                task.cancel()
        self._speakers_task = self._watch_task = None
        notice = {"type": "ended" if self.finished else "closed"}
        await asyncio.gather(*(self.leave(p, "room closed", notice) for p in list(self.participants.values())),
                             return_exceptions=True)

    async def end_meeting(self) -> None:
        """The meeting is finished: everyone is told and let go; the code admits nobody any more."""
        self.finished = True
        await asyncio.gather(*(self.leave(p, "meeting finished", {"type": "ended"})
                               for p in list(self.participants.values())), return_exceptions=True)

    # -- the control API (the app, on this machine, with the token) ---------------------------
    def _authorised(self, request: web.Request) -> bool:
        own = (request.transport.get_extra_info("sockname") or ("",))[0] if request.transport else ""
        if not (_is_loopback(request.remote) or request.remote == own):
            return False  # the control API answers only on this machine
        header = request.headers.get("Authorization", "")
        return hmac.compare_digest(header.encode(), f"Bearer {self.config.token}".encode())

    async def _control_banner(self, request: web.Request) -> web.Response:
        if not self._authorised(request):
            return web.json_response({"error": "unauthorised"}, status=401)
        try:
            banner = await request.json()
        except ValueError:
            return web.json_response({"error": "json"}, status=400)
        if not isinstance(banner, dict):
            return web.json_response({"error": "json"}, status=400)
        sent = self.publish(banner)
        return web.json_response({"sent": sent})

    def current_banner(self) -> dict | None:
        """The last banner as of now: for someone joining later, a running timer has run on since."""
        if self.banner is None:
            return None
        banner = dict(self.banner)
        if banner.get("running") and isinstance(banner.get("elapsed_s"), (int, float)):
            age = (self.clock.now() - self._banner_at).total_seconds()
            banner["elapsed_s"] = round(banner["elapsed_s"] + max(0.0, age), 1)
        return banner

    def publish(self, banner: dict) -> int:
        banner = {**banner, "type": "banner", "sent_ms": self.clock.now().timestamp() * 1000}
        self.banner = banner
        self._banner_at = self.clock.now()
        self._banner_key = _banner_key(banner)
        payload = json.dumps(banner)
        sent = 0
        for p in list(self.participants.values()):
            ch = p.channel
            if ch is not None and ch.readyState == "open":
                ch.send(payload)
                sent += 1
        if banner.get("meeting") == "finished" and not self.finished:
            self.finished = True
            asyncio.ensure_future(self.end_meeting())
        return sent

    async def _control_participants(self, request: web.Request) -> web.Response:
        if not self._authorised(request):
            return web.json_response({"error": "unauthorised"}, status=401)
        return web.json_response([p.public() for p in self.participants.values()])

    async def _control_status(self, request: web.Request) -> web.Response:
        if not self._authorised(request):
            return web.json_response({"error": "unauthorised"}, status=401)
        return web.json_response(self.status())

    async def _control_stats(self, request: web.Request) -> web.Response:
        if not self._authorised(request):
            return web.json_response({"error": "unauthorised"}, status=401)
        stats = self.stats()
        lost = received = 0
        for p in list(self.participants.values()):
            if p.pc is None:
                continue
            for receiver in p.pc.getReceivers():
                try:
                    report = await receiver.getStats()
                except Exception:  # noqa: BLE001
                    continue
                for item in report.values():
                    if getattr(item, "type", "") == "inbound-rtp":
                        lost += max(0, item.packetsLost or 0)
                        received += item.packetsReceived or 0
        stats["packets_in"], stats["packets_lost_in"] = received, lost
        return web.json_response(stats)

    def stats(self) -> dict:
        """Counters for the bench: video frames in per participant, and sent per (viewer, source) pair."""
        pairs = []
        for viewer in self.participants.values():
            for pid, idx in viewer.assigned.items():
                source = self.participants.get(pid)
                if source is not None and idx < len(viewer.video_slots):
                    pairs.append([viewer.name, source.name, viewer.video_slots[idx][1].sent])
        return {
            "video_in": {p.name: p.video.frames_in for p in self.participants.values() if p.video},
            "video_encoded": {p.name: p.video.frames_out for p in self.participants.values() if p.video},
            "video_sent": pairs,
        }

    def status(self) -> dict:
        return {
            "code": display(self.config.code),
            "expires": self.config.expires.isoformat(),
            "expired": self.code_expired(),
            "participants": len(self.participants),
            "max": self.config.max_participants,
        }

    async def _control_stop(self, request: web.Request) -> web.Response:
        if not self._authorised(request):
            return web.json_response({"error": "unauthorised"}, status=401)
        if self.stop_requested is not None:
            self.stop_requested.set()
        return web.json_response({"stopping": True})


# -- helpers ------------------------------------------------------------------------------
def _same_origin(request: web.Request) -> bool:
    """A browser says which page opened the socket (or sent the beacon): only the room's own page
    may.  Without an Origin header (not a browser: the Python client, a script) there is nothing to
    check; the code still is."""
    origin = request.headers.get("Origin")
    if origin is None:
        return True
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(origin)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.netloc) and parts.netloc.lower() == request.host.lower()


def _one_line(value: object) -> str:
    """A name or organisation as the room keeps and forwards it: the one rule for outside text
    (no control or escape sequence reaches the facilitator's terminal or another page), one line."""
    from huddle.domain.text import one_line

    return one_line(str(value or ""))[:NAME_MAX]


def _banner_key(banner: dict) -> str:
    """What makes a banner new: everything but the times it was made and sent (and a running timer's
    seconds, which the page counts on by itself)."""
    skip = {"at", "at_ms", "sent_ms", "type"} | ({"elapsed_s"} if banner.get("running") else set())
    return json.dumps({k: v for k, v in banner.items() if k not in skip}, sort_keys=True, default=str)


@web.middleware
async def _security_headers(request: web.Request, handler):  # noqa: ANN001, ANN202
    response = await handler(request)
    response.headers.setdefault(
        "Content-Security-Policy",
        "default-src 'self'; media-src 'self' blob: mediastream:; img-src 'self' data:; "
        "connect-src 'self' ws: wss:; style-src 'self'; script-src 'self'; frame-ancestors 'none'",
    )
    response.headers.setdefault("Referrer-Policy", "no-referrer")
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    return response


async def _send(ws: web.WebSocketResponse, data: dict) -> None:
    if ws.closed:
        return
    try:
        await ws.send_json(data)
    except (ConnectionError, RuntimeError):
        pass


async def _drain(track) -> None:  # noqa: ANN001
    from aiortc.mediastreams import MediaStreamError

    try:
        while True:
            await track.recv()
    except (MediaStreamError, asyncio.CancelledError):
        pass


def _ice_kwargs(server: dict) -> dict:
    return {k: server[k] for k in ("urls", "username", "credential") if k in server}


def parse_ice_server(text: str) -> dict:
    """``stun:host:3478`` or ``turn:user:secret@host:3478`` -> an RTCIceServer-style dict."""
    scheme, _, rest = text.partition(":")
    if scheme not in ("stun", "turn", "turns") or not rest:
        raise ValueError(text)
    if "@" in rest:
        cred, _, host = rest.rpartition("@")
        user, _, secret = cred.partition(":")
        return {"urls": f"{scheme}:{host}", "username": user, "credential": secret}
    return {"urls": f"{scheme}:{rest}"}


async def serve(room: Room, host: str, port: int, ssl_context=None, ready=None,  # noqa: ANN001
                watch_stdin: bool = False) -> None:
    """Run until ``POST /control/stop``, SIGINT or SIGTERM (or, with ``watch_stdin``, until the
    process that started us goes away and our stdin pipe ends); then close every peer and stop."""
    import signal
    import threading

    room.stop_requested = stop_requested = asyncio.Event()
    if _is_loopback(host) or host in ("localhost", "0.0.0.0", "::"):
        include_loopback_candidates()
    runner = web.AppRunner(room.app(), handle_signals=False, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, host, port, ssl_context=ssl_context, shutdown_timeout=2.0)
    await site.start()
    actual_port = port
    for sock in getattr(site._server, "sockets", None) or []:  # noqa: SLF001
        actual_port = sock.getsockname()[1]
        break
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        try:
            loop.add_signal_handler(sig, stop_requested.set)
        except (NotImplementedError, RuntimeError):
            pass
    if watch_stdin:
        def wait_for_parent() -> None:
            try:
                while sys.stdin.buffer.read(4096):
                    pass
            except (OSError, ValueError):
                pass
            loop.call_soon_threadsafe(stop_requested.set)

        threading.Thread(target=wait_for_parent, name="room-parent", daemon=True).start()
    if ready is not None:
        ready(actual_port)
    try:
        await stop_requested.wait()
    finally:
        await room.close()
        await runner.cleanup()
