"""A participant in pure Python (aiortc): for the tests, the bench and a smoke check without a browser.

It does what the page does: joins over the websocket with a code, offers its
own camera and microphone (synthetic) plus receive-only slots and a data
channel, reads every track it receives, and keeps the banners and the roster.
"""

from __future__ import annotations

import asyncio
import fractions
import json
import time
from dataclasses import dataclass, field

import av
import numpy as np
from aiohttp import ClientSession, ClientWebSocketResponse, WSMsgType
from aiortc import RTCConfiguration, RTCDataChannel, RTCPeerConnection, RTCSessionDescription
from aiortc.mediastreams import MediaStreamError, MediaStreamTrack
from aiortc.rtcconfiguration import RTCBundlePolicy
from av import AudioFrame, VideoFrame


class Refused(Exception):
    def __init__(self, message: dict) -> None:
        super().__init__(message.get("reason"))
        self.reason = message.get("reason")
        self.message = message


class SyntheticVideo(MediaStreamTrack):
    """A camera: a bright frame with a moving bar, at ``fps``, timestamped at 90 kHz."""

    kind = "video"
    _cache: dict = {}  # (shade, fps) -> the pre-encoded second, shared by a process's participants

    def __init__(self, width: int = 320, height: int = 240, fps: int = 15, shade: int = 0) -> None:
        super().__init__()
        self.fps = fps
        self.shade = shade
        self._start: float | None = None
        self._n = 0
        base = np.zeros((height, width, 3), np.uint8)
        base[:, :] = (60 + shade * 40 % 180, 140, 200)
        self._frames = []
        self._encoded: list = []
        for i in range(fps):  # a second's worth of frames, reused: cheap to produce
            img = base.copy()
            x = (i * width) // fps
            img[:, x : x + width // 10] = (250, 250, 250)
            self._frames.append(VideoFrame.from_ndarray(img, format="rgb24").reformat(format="yuv420p").to_ndarray())

    def pre_encode(self) -> None:
        """Encode the second of frames once (a keyframe first) and send those packets in a loop.

        A bench client then costs almost nothing to send, like a browser on another machine.
        """
        from huddle.room.media import VIDEO_TIME_BASE, Encoded

        key = (self.shade, self.fps)
        if key in SyntheticVideo._cache:
            self._encoded = SyntheticVideo._cache[key]
            return
        codec = av.CodecContext.create("libvpx", "w")
        codec.width, codec.height, codec.pix_fmt, codec.bit_rate = 320, 240, "yuv420p", 300_000
        codec.time_base = fractions.Fraction(1, self.fps)
        codec.options = {"deadline": "realtime", "cpu-used": "-8", "lag-in-frames": "0"}
        packets = []
        for i, img in enumerate(self._frames):
            frame = VideoFrame.from_ndarray(img, format="yuv420p")
            frame.pts = i
            frame.pict_type = av.video.frame.PictureType.I if i == 0 else av.video.frame.PictureType.NONE
            packets.append(b"".join(bytes(p) for p in codec.encode(frame)))
        packets[-1] += b"".join(bytes(p) for p in codec.encode(None))
        self._encoded = [Encoded(data, 0, VIDEO_TIME_BASE, i == 0) for i, data in enumerate(packets) if data]
        SyntheticVideo._cache[key] = self._encoded

    async def _pace(self) -> None:
        if self._start is None:
            self._start = time.monotonic()
        due = self._start + self._n / self.fps
        wait = due - time.monotonic()
        if wait > 0:
            await asyncio.sleep(wait)

    async def recv(self) -> VideoFrame:
        if self.readyState != "live":
            raise MediaStreamError
        await self._pace()
        if self._encoded:
            from huddle.room.media import Encoded

            enc = self._encoded[self._n % len(self._encoded)]
            out = Encoded(enc.data, int(self._n * 90000 / self.fps), enc.time_base, enc.keyframe)
            self._n += 1
            return out  # type: ignore[return-value]
        frame = VideoFrame.from_ndarray(self._frames[self._n % len(self._frames)], format="yuv420p")
        frame.pts = int(self._n * 90000 / self.fps)
        frame.time_base = fractions.Fraction(1, 90000)
        self._n += 1
        return frame


class ToneAudio(MediaStreamTrack):
    """A microphone that says something: a quiet 440 Hz tone at 48 kHz (silence would be gated by the room)."""

    kind = "audio"
    _cached: dict[int, bytes] = {}  # amplitude -> the pre-encoded packet, shared within a process

    def __init__(self, amplitude: int = 3000) -> None:
        super().__init__()
        self._amplitude = amplitude
        t = np.arange(960) / 48000
        self._samples = (np.sin(2 * np.pi * 440 * t) * amplitude).astype(np.int16).reshape(1, -1)
        self._start: float | None = None
        self._n = 0
        self._packet: bytes | None = None

    def pre_encode(self) -> None:
        """Encode 20 ms of the tone once and send that Opus packet in a loop (a cheap bench client)."""
        from aiortc.codecs.opus import OpusEncoder

        if self._amplitude in ToneAudio._cached:
            self._packet = ToneAudio._cached[self._amplitude]
            return
        encoder = OpusEncoder()
        payloads: list[bytes] = []
        n = 0
        while not payloads:
            frame = AudioFrame.from_ndarray(self._samples, format="s16", layout="mono")
            frame.sample_rate, frame.pts, frame.time_base = 48000, n * 960, fractions.Fraction(1, 48000)
            payloads, _ = encoder.encode(frame)
            n += 1
        self._packet = ToneAudio._cached[self._amplitude] = payloads[0]

    async def recv(self) -> AudioFrame:
        if self.readyState != "live":
            raise MediaStreamError
        if self._start is None:
            self._start = time.monotonic()
        wait = self._start + self._n * 0.02 - time.monotonic()
        if wait > 0:
            await asyncio.sleep(wait)
        if self._packet is not None:
            from huddle.room.media import AUDIO_TIME_BASE, Encoded

            self._n += 1
            return Encoded(self._packet, (self._n - 1) * 960, AUDIO_TIME_BASE)  # type: ignore[return-value]
        frame = AudioFrame.from_ndarray(self._samples, format="s16", layout="mono")
        frame.sample_rate = 48000
        frame.pts = self._n * 960
        frame.time_base = fractions.Fraction(1, 48000)
        self._n += 1
        return frame


@dataclass
class Received:
    kind: str
    mid: str
    frames: int = 0
    first_at: float | None = None
    times: list[float] = field(default_factory=list)
    last: object = None


class PythonParticipant:
    def __init__(self, base_url: str, *, name: str, organisation: str = "", role: str = "",
                 shade: int = 0, fps: int = 15, audio: bool = True, keep_frames: bool = True,
                 pre_encoded: bool = False, voice: int = 3000) -> None:
        self.base_url = base_url.rstrip("/")
        self.name, self.organisation, self.role = name, organisation, role
        self.shade, self.fps, self.with_audio, self.keep_frames = shade, fps, audio, keep_frames
        self.pre_encoded = pre_encoded
        self.voice = voice  # the synthetic microphone's amplitude (0: silence)
        self.session: ClientSession | None = None
        self.ws: ClientWebSocketResponse | None = None
        self.pc: RTCPeerConnection | None = None
        self.channel: RTCDataChannel | None = None
        self.welcome: dict | None = None
        self.roster: dict | None = None
        self.banners: list[tuple[float, dict]] = []
        self.received: dict[str, Received] = {}
        self.joined_at: float | None = None
        self.events: list[str] = []
        self.timings: dict[str, float] = {}  # seconds from the websocket's opening to each step of joining
        self._tasks: list[asyncio.Task] = []
        self.banner_event = asyncio.Event()
        self.roster_event = asyncio.Event()
        self.present = asyncio.Event()  # the room has recorded the attendance (media flows)

    async def join(self, code: str, *, ssl=None, wait_present: bool = True) -> dict:  # noqa: ANN001
        self.session = ClientSession()
        ws_url = self.base_url.replace("http", "ws", 1) + "/ws"
        self.ws = ws = await self.session.ws_connect(ws_url, **({"ssl": ssl} if ssl is not None else {}))
        self.joined_at = time.monotonic()
        await ws.send_json({"type": "join", "code": code, "name": self.name,
                            "organisation": self.organisation, "role": self.role})
        msg = await ws.receive_json(timeout=60)
        if msg.get("type") != "welcome":
            await self.close()
            raise Refused(msg)
        self.welcome = msg
        self.timings["welcome"] = time.monotonic() - self.joined_at
        slots = int(msg["slots"])
        pc = RTCPeerConnection(RTCConfiguration(iceServers=[], bundlePolicy=RTCBundlePolicy.MAX_BUNDLE))
        self.pc = pc
        camera = SyntheticVideo(fps=self.fps, shade=self.shade)
        own_v = pc.addTransceiver(camera, direction="sendonly")
        mic = ToneAudio(self.voice) if self.with_audio else None
        own_a = pc.addTransceiver(mic or "audio", direction="sendonly" if mic else "inactive")
        if self.pre_encoded:
            from aiortc.rtcrtpsender import RTCRtpSender

            camera.pre_encode()
            own_v.setCodecPreferences([c for c in RTCRtpSender.getCapabilities("video").codecs
                                       if c.mimeType.lower() in ("video/vp8", "video/rtx")])
            if mic is not None:
                mic.pre_encode()
                own_a.setCodecPreferences([c for c in RTCRtpSender.getCapabilities("audio").codecs
                                           if c.mimeType.lower() == "audio/opus"])
        vslots = [pc.addTransceiver("video", direction="recvonly") for _ in range(slots)]
        aslots = [pc.addTransceiver("audio", direction="recvonly") for _ in range(slots)]
        self.channel = channel = pc.createDataChannel("room")

        @channel.on("message")
        def on_message(message) -> None:  # noqa: ANN001
            data = json.loads(message)
            if data.get("type") == "banner":
                self.banners.append((time.time() * 1000, data))
                self.banner_event.set()

        @pc.on("track")
        def on_track(track) -> None:  # noqa: ANN001
            mid = next((t.mid for t in pc.getTransceivers() if t.receiver.track is track), None) or "?"
            rec = Received(track.kind, mid)
            self.received[mid] = rec
            self._tasks.append(asyncio.ensure_future(self._read(track, rec)))

        @pc.on("connectionstatechange")
        def on_state() -> None:
            self.events.append(pc.connectionState)

        await pc.setLocalDescription(await pc.createOffer())
        layout = {"video": own_v.mid, "audio": own_a.mid,
                  "video_slots": [t.mid for t in vslots], "audio_slots": [t.mid for t in aslots]}
        self.timings["offer"] = time.monotonic() - self.joined_at
        await ws.send_json({"type": "offer", "sdp": pc.localDescription.sdp, "layout": layout})
        while True:
            msg = await ws.receive_json(timeout=60)
            if msg.get("type") == "answer":
                break
            if msg.get("type") == "refused":
                await self.close()
                raise Refused(msg)
            self._handle(msg)
        self.timings["answer"] = time.monotonic() - self.joined_at
        await pc.setRemoteDescription(RTCSessionDescription(sdp=msg["sdp"], type="answer"))
        self._tasks.append(asyncio.ensure_future(self._listen(ws)))
        if wait_present:
            # Joined, as a person sees it: media flows and the room has recorded the attendance.
            await asyncio.wait_for(self.present.wait(), 60)
        return self.welcome

    def _handle(self, msg: dict) -> None:
        if msg.get("type") == "present":
            self.present.set()
        elif msg.get("type") == "roster":
            self.roster = msg
            self.roster_event.set()

    async def _listen(self, ws: ClientWebSocketResponse) -> None:
        try:
            async for msg in ws:
                if msg.type != WSMsgType.TEXT:
                    continue
                self._handle(json.loads(msg.data))
        except (asyncio.CancelledError, ConnectionError):
            pass

    async def _read(self, track, rec: Received) -> None:  # noqa: ANN001
        try:
            while True:
                frame = await track.recv()
                now = time.monotonic()
                rec.frames += 1
                if rec.first_at is None:
                    rec.first_at = now
                rec.times.append(now)
                if self.keep_frames:
                    rec.last = frame
        except (MediaStreamError, asyncio.CancelledError):
            pass

    # -- what a test or the bench asks ---------------------------------------------------
    def mid_of(self, name: str, kind: str = "video") -> str | None:
        for person in (self.roster or {}).get("participants", []):
            if person["name"] == name:
                return person[f"{kind}_mid"]
        return None

    def frames_from(self, name: str, kind: str = "video") -> int:
        mid = self.mid_of(name, kind)
        rec = self.received.get(mid) if mid else None
        return rec.frames if rec else 0

    def last_frame_from(self, name: str):  # noqa: ANN201
        mid = self.mid_of(name)
        rec = self.received.get(mid) if mid else None
        return rec.last if rec else None

    async def wait_frames(self, name: str, count: int = 5, timeout: float = 20.0, kind: str = "video") -> int:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.frames_from(name, kind) >= count:
                break
            await asyncio.sleep(0.05)
        return self.frames_from(name, kind)

    async def wait_banner(self, predicate, timeout: float = 10.0) -> dict | None:  # noqa: ANN001
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for _, banner in reversed(self.banners):
                if predicate(banner):
                    return banner
            self.banner_event.clear()
            try:
                await asyncio.wait_for(self.banner_event.wait(), timeout=max(0.01, deadline - time.monotonic()))
            except TimeoutError:
                break
        return None

    async def leave(self) -> None:
        if self.ws is not None and not self.ws.closed:
            try:
                await self.ws.send_json({"type": "leave"})
            except (ConnectionError, RuntimeError):
                pass
        await self.close()

    async def close(self) -> None:
        for task in self._tasks:
            task.cancel()
        if self.pc is not None:
            await self.pc.close()
        if self.ws is not None and not self.ws.closed:
            await self.ws.close()
        if self.session is not None:
            await self.session.close()
