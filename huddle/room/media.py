"""Media for the room: every participant's track is read always and encoded once.

``Source`` reads one participant's received track (so nothing piles up in
memory), encodes each frame ONCE and hands the same encoded packet to every
viewer that subscribed.  ``SlotTrack`` is what one viewer's RTP sender reads:
it returns pre-encoded packets, which aiortc only packetises (no per-viewer
encoder), and it re-bases timestamps so a slot that switches from one source
to another keeps counting forward.

Video is VP8 (every browser decodes it; aiortc decodes it).  Audio is Opus,
forwarded per speaker: only the few loudest speakers at a time (``SPEAKERS``)
are encoded and sent, so the packet rate stays bounded when everyone's
microphone is open; anyone who speaks is among them.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction

import av
import numpy as np
from aiortc.codecs.opus import OpusEncoder
from aiortc.mediastreams import MediaStreamError, MediaStreamTrack

log = logging.getLogger("huddle.room")

VIDEO_TIME_BASE = Fraction(1, 90000)
AUDIO_TIME_BASE = Fraction(1, 48000)
AUDIO_SAMPLES = 960  # 20 ms of Opus at 48 kHz
SILENCE_DBOV = -75.0  # quieter than -75 dBov counts as silence
SILENCE_HOLD_S = 0.6  # keep sending this long after the last sound (no clipped word ends)
SPEAKERS = 3  # audio sources forwarded at once: the loudest ones
KEYFRAME_MIN_GAP_S = 0.4  # at most this often a forced keyframe per source
SLOT_QUEUE = 20  # packets a slow viewer may fall behind before it skips to a keyframe


@dataclass(frozen=True, slots=True)
class Encoded:
    """One encoded frame, shared by every viewer (aiortc's sender calls ``pack`` on anything not a Frame)."""

    data: bytes
    pts: int
    time_base: Fraction
    keyframe: bool = True

    def __bytes__(self) -> bytes:
        return self.data


def audio_level(frame) -> float:  # noqa: ANN001
    """Loudness in dBov (RFC 6465): 0 is the loudest, -127 silence.

    numpy, because aiortc's ``compute_audio_level_dbov`` loops over samples in
    Python (about 1.3 ms per 20 ms frame: a third of the room's CPU at 8 people).
    """
    samples = frame.to_ndarray().astype(np.float32)
    if samples.size == 0:
        return -127.0
    rms = float(np.sqrt(np.mean(samples * samples))) / 32767.0
    if rms <= 0:
        return -127.0
    return max(-127.0, min(0.0, 20.0 * float(np.log10(rms))))


class Source:
    """One participant's received track: read always, encoded once, fanned out to subscribers."""

    def __init__(self, kind: str, track: MediaStreamTrack, *, width: int = 320, height: int = 240,
                 fps: int = 15, bitrate: int = 300_000) -> None:
        self.kind = kind
        self.track = track
        self.width, self.height, self.fps = width, height, fps
        self.bitrate = bitrate
        self.subscribers: set[SlotTrack] = set()
        self.frames_in = 0
        self.frames_out = 0
        self.first_frame = asyncio.Event()
        self._want_key = True
        self._last_key = 0.0
        self._last_pts: float | None = None
        self._codec: av.video.codeccontext.VideoCodecContext | None = None
        self._count = 0
        self._opus: OpusEncoder | None = None
        self._last_sound = 0.0
        self.level = -127.0  # smoothed loudness in dBov (0 loudest, -127 silence); the room picks the loudest
        self.audible = True  # set by the room's speaker selection
        self._task: asyncio.Task | None = None

    # -- life ----------------------------------------------------------------------------
    def start(self) -> None:
        self._task = asyncio.ensure_future(self._run())

    async def stop(self) -> None:
        for sub in list(self.subscribers):
            sub.detach(self)
        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except (asyncio.CancelledError, Exception):  # noqa: BLE001
                pass
            self._task = None

    def subscribe(self, slot: SlotTrack) -> None:
        self.subscribers.add(slot)
        self.request_keyframe()

    def unsubscribe(self, slot: SlotTrack) -> None:
        self.subscribers.discard(slot)

    def request_keyframe(self) -> None:
        self._want_key = True

    # -- the loop ------------------------------------------------------------------------
    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        try:
            while True:
                frame = await self.track.recv()
                self.frames_in += 1
                if not self.first_frame.is_set():
                    self.first_frame.set()
                if not self.subscribers:
                    self._want_key = True  # the next viewer starts on a keyframe
                    continue
                if self.kind == "video":
                    if not self._keep_rate(frame):
                        continue
                    encoded = await loop.run_in_executor(None, self._encode_video, frame)
                else:
                    encoded = self._encode_audio(frame)
                for enc in encoded:
                    self.frames_out += 1
                    for sub in tuple(self.subscribers):
                        sub.push(enc, self)
        except (MediaStreamError, asyncio.CancelledError):
            pass
        except Exception:  # noqa: BLE001
            log.exception("source %s stopped", self.kind)

    def _keep_rate(self, frame) -> bool:  # noqa: ANN001
        """Drop frames above the room's frame rate (a browser may send more than it was asked)."""
        if frame.pts is None or frame.time_base is None:
            return True
        t = float(frame.pts * frame.time_base)
        if self._last_pts is not None and 0 <= t - self._last_pts < 0.9 / self.fps:
            return False
        self._last_pts = t
        return True

    def _encode_video(self, frame) -> list[Encoded]:  # noqa: ANN001
        if frame.width != self.width or frame.height != self.height or frame.format.name != "yuv420p":
            pts, tb = frame.pts, frame.time_base
            frame = frame.reformat(width=self.width, height=self.height, format="yuv420p")
            frame.pts, frame.time_base = pts, tb
        now = time.monotonic()
        key = False
        if self._want_key and now - self._last_key >= KEYFRAME_MIN_GAP_S:
            key = True
            self._want_key = False
            self._last_key = now
            frame.pict_type = av.video.frame.PictureType.I
        else:
            frame.pict_type = av.video.frame.PictureType.NONE
        if self._codec is None:
            codec = av.CodecContext.create("libvpx", "w")
            codec.width, codec.height = self.width, self.height
            codec.pix_fmt = "yuv420p"
            codec.bit_rate = self.bitrate
            codec.time_base = Fraction(1, self.fps)
            codec.gop_size = self.fps * 10
            codec.qmin, codec.qmax = 2, 56
            codec.thread_count = 1
            codec.options = {
                "bufsize": str(self.bitrate),
                "cpu-used": "-8",
                "deadline": "realtime",
                "lag-in-frames": "0",
                "minrate": str(self.bitrate),
                "maxrate": str(self.bitrate),
                "partitions": "0",
                "static-thresh": "1",
                "undershoot-pct": "100",
                "overshoot-pct": "15",
            }
            self._codec = codec
        pts = frame.pts if frame.pts is not None else int(now * 90000)
        tb = frame.time_base or VIDEO_TIME_BASE
        out = []
        frame.pts, frame.time_base = self._count, Fraction(1, self.fps)  # the encoder's own count
        self._count += 1
        data = b"".join(bytes(p) for p in self._codec.encode(frame))
        if data:
            keyframe = key or (data[0] & 0x01) == 0  # VP8: bit 0 of the first byte is 0 on a keyframe
            out.append(Encoded(data, int(pts * tb / VIDEO_TIME_BASE), VIDEO_TIME_BASE, keyframe))
        return out

    def _encode_audio(self, frame) -> list[Encoded]:  # noqa: ANN001
        now = time.monotonic()
        dbov = audio_level(frame)
        self.level = 0.8 * self.level + 0.2 * dbov
        if dbov > SILENCE_DBOV:
            self._last_sound = now
        elif now - self._last_sound > SILENCE_HOLD_S:
            return []
        if not self.audible:
            return []
        if self._opus is None:
            self._opus = OpusEncoder()
        if frame.format.name != "s16":
            return []
        pts = frame.pts
        payloads, timestamp = self._opus.encode(frame)
        if pts is not None and frame.time_base is not None:
            # The speaker's own clock, not the encoder's count: gaps (silence, not among the
            # loudest) stay gaps in time for the listener's jitter buffer.
            timestamp = int(pts * frame.time_base / AUDIO_TIME_BASE)
        return [Encoded(p, timestamp + i * AUDIO_SAMPLES, AUDIO_TIME_BASE) for i, p in enumerate(payloads)]


class SlotTrack(MediaStreamTrack):
    """What one viewer's sender reads for one slot: the encoded packets of the source assigned to it."""

    def __init__(self, kind: str, on_packet: Callable[[], None] | None = None) -> None:
        super().__init__()
        self.kind = kind
        self.source: Source | None = None
        self.queue: asyncio.Queue[Encoded] = asyncio.Queue()
        self._need_key = kind == "video"
        self._rebase = True
        self._offset = 0
        self._last_out: int | None = None
        self._step = 6000 if kind == "video" else AUDIO_SAMPLES
        self._rate = 90000 if kind == "video" else 48000
        self._last_wall = 0.0
        self.sent = 0
        self.on_packet = on_packet

    def attach(self, source: Source | None) -> None:
        if self.source is source:
            return
        if self.source is not None:
            self.source.unsubscribe(self)
        self.source = source
        self._clear()
        self._need_key = self.kind == "video"
        self._rebase = True
        if source is not None:
            source.subscribe(self)

    def detach(self, source: Source) -> None:
        if self.source is source:
            self.attach(None)

    def request_keyframe(self) -> None:
        """A viewer lost a picture (RTCP PLI/FIR): ask the one shared encoder, not a per-viewer one."""
        if self.source is not None:
            self.source.request_keyframe()

    def push(self, enc: Encoded, source: Source) -> None:
        if source is not self.source or self.readyState != "live":
            return
        if self._need_key:
            if not enc.keyframe:
                source.request_keyframe()
                return
            self._need_key = False
        if self.queue.qsize() >= SLOT_QUEUE:
            # This viewer is behind: skip what it has not sent, restart on the next keyframe.
            self._clear()
            if self.kind == "video":
                self._need_key = True
                source.request_keyframe()
                return
        self.queue.put_nowait(enc)

    def _clear(self) -> None:
        while not self.queue.empty():
            self.queue.get_nowait()

    async def recv(self) -> Encoded:  # type: ignore[override]
        if self.readyState != "live":
            raise MediaStreamError
        enc = await self.queue.get()
        now = time.monotonic()
        if self._rebase:
            # A new source in this slot: its timestamps go on from where the slot's last ones
            # stopped, advanced by the time that passed, so the viewer's jitter buffer sees a pause.
            if self._last_out is None:
                self._offset = 0
            else:
                gap = max(self._step, int((now - self._last_wall) * self._rate))
                self._offset = self._last_out + gap - enc.pts
            self._rebase = False
        pts = enc.pts + self._offset
        self._last_out = pts
        self._last_wall = now
        self.sent += 1
        if self.on_packet is not None:
            self.on_packet()
        return Encoded(enc.data, pts, enc.time_base, enc.keyframe)

    def stop(self) -> None:
        if self.source is not None:
            self.source.unsubscribe(self)
            self.source = None
        super().stop()


def choose_speakers(sources: list[Source], count: int = SPEAKERS) -> None:
    """Let the ``count`` loudest audio sources through; the rest are read but not sent.

    A source already let through keeps its place unless a new one is clearly
    louder (3 dB), so voices do not flicker in and out.
    """
    if len(sources) <= count:
        for src in sources:
            src.audible = True
        return

    def loudness(src: Source) -> float:
        return src.level + (3.0 if src.audible else 0.0)

    ranked = sorted(sources, key=loudness, reverse=True)
    chosen = set(map(id, ranked[:count]))
    for src in sources:
        src.audible = id(src) in chosen
