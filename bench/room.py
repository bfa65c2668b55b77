"""Bench: the video room with N synthetic participants at 320x240, 15 fps.

For N = 2, 4, 6, 8, 10, 12 (each step ~10 s) it starts the room as the app
does (``RoomController``: a separate ``huddle room`` process), joins N Python
participants spread over two client processes, and measures

- the room process's CPU (% of one core, from /proc),
- the frame rate every viewer receives from every other participant,
- banner latency from the app's publish (HTTP POST to the control endpoint)
  to each participant's data channel, p50 / p95,
- join to first video (websocket open to the first frame of someone already there;
  "offer->video" is the room's part: from the participant's offer to that frame),

and reports the largest N at which every viewer gets >= 12 fps.  Last, with
Chromium installed, three times: a second tab clicks Join -> the first tab's
video plays there.

Raw-library references, measured in the same run: one libvpx encode of a
320x240 frame (the room's floor is one encode per source per frame, so its
CPU is printed as a ratio of N x 15 x that), and the data channel latency of a
bare aiortc peer pair (the banner's latency is printed as a ratio of it).

The clients send a pre-encoded second of video in a loop and count frames as
the jitter buffer completes them without decoding them (``--decode`` to
decode for real): otherwise the clients, not the room, would be what this
machine measures.  "in min" is the slowest camera as the room receives it,
"sent min" the slowest (viewer, participant) pair as the room sends it, "fps
min" the slowest pair as the viewer receives it; "us/frame" the room's CPU per
video frame it forwarded (all its work: receiving, decoding, encoding, audio).

    /work/venv/bin/python bench/room.py [--steps 2,4,6,8,10,12] [--seconds 8]
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing as mp
import os
import statistics
import sys
import tempfile
import time

FPS = 15


def cpu_seconds(pid: int) -> float:
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    k = min(len(values) - 1, max(0, round(q * (len(values) - 1))))
    return values[k]


# -- client processes ------------------------------------------------------------------------
def stub_decoders() -> None:
    """Count frames without decoding them (the jitter buffer still assembles every frame)."""
    import aiortc.rtcrtpreceiver as receiver

    class Counted:
        def __init__(self, pts):  # noqa: ANN001
            self.pts = pts

    class NoDecode:
        def decode(self, encoded_frame):  # noqa: ANN001, ANN201
            return [Counted(encoded_frame.timestamp)]

    receiver.get_decoder = lambda codec: NoDecode()


def client_main(url: str, code: str, names: list[str], decode: bool, go, stop, closing, results) -> None:  # noqa: ANN001
    if not decode:
        stub_decoders()
    import aioice.ice

    aioice.ice.get_host_addresses = lambda use_ipv4=True, use_ipv6=True: ["127.0.0.1"]
    asyncio.run(_client(url, code, names, go, stop, closing, results))


async def _client(url, code, names, go, stop, closing, results) -> None:  # noqa: ANN001
    from huddle.room.peer import PythonParticipant, SyntheticVideo, ToneAudio

    for shade in range(len(names)):  # encode the synthetic cameras before anyone's join is timed
        SyntheticVideo(shade=shade).pre_encode()
    ToneAudio().pre_encode()
    peers = []
    joins = []
    for name in names:
        while not go.is_set():  # the main process lets clients join one at a time, in order
            await asyncio.sleep(0.01)
        go.clear()
        p = PythonParticipant(url, name=name, shade=len(peers), keep_frames=False, pre_encoded=True)
        t0 = time.time()
        await p.join(code)
        peers.append(p)
        joins.append((name, t0, p))
        results.put(("joined", name))
    while not stop.is_set():
        await asyncio.sleep(0.05)
    out = {"frames": {}, "banners": [], "first": {}}
    for name, t0, p in joins:
        # time stamps are monotonic per process: turn them to wall time
        offset = time.time() - time.monotonic()
        for mid, rec in p.received.items():
            if rec.kind != "video":
                continue
            who = next((q["name"] for q in (p.roster or {}).get("participants", []) if q["video_mid"] == mid), None)
            if who is None:
                continue
            out["frames"][(name, who)] = [t + offset for t in rec.times]
        firsts = [rec.first_at + offset for rec in p.received.values() if rec.kind == "video" and rec.first_at]
        out["first"][name] = (min(firsts) - t0) if firsts else None
        # the room's part: from the offer leaving this participant to the first picture
        offer_at = t0 + p.timings.get("offer", 0.0)
        out.setdefault("room_first", {})[name] = (min(firsts) - offer_at) if firsts else None
        for at_ms, banner in p.banners:
            if "bench_t" in banner:
                out["banners"].append(at_ms - banner["bench_t"])
    if os.environ.get("BENCH_DEBUG"):
        for name, t0, p in joins:
            print(name, [(q["name"], q["video_mid"]) for q in (p.roster or {}).get("participants", [])],
                  {m: (r.kind, r.frames) for m, r in p.received.items()}, p.events, flush=True)
    out["cpu"] = time.process_time()
    results.put(("done", out))
    # Leave only once every client has counted: a leaving participant changes the others' rosters.
    while not closing.is_set():
        await asyncio.sleep(0.05)
    await asyncio.gather(*(p.close() for p in peers), return_exceptions=True)


# -- references --------------------------------------------------------------------------------
def reference_encode_ms() -> float:
    from fractions import Fraction

    import av
    import numpy as np

    codec = av.CodecContext.create("libvpx", "w")
    codec.width, codec.height, codec.pix_fmt, codec.bit_rate = 320, 240, "yuv420p", 300_000
    codec.time_base = Fraction(1, FPS)
    codec.options = {"cpu-used": "-8", "deadline": "realtime", "lag-in-frames": "0"}
    codec.thread_count = 1
    frames = []
    for i in range(FPS):
        img = np.full((240, 320, 3), (60, 140, 200), np.uint8)
        img[:, i * 20 : i * 20 + 32] = 250
        frames.append(av.VideoFrame.from_ndarray(img, format="rgb24").reformat(format="yuv420p"))
    n = 150
    t0 = time.process_time()
    for i in range(n):
        f = frames[i % FPS]
        f.pts = i
        for _ in codec.encode(f):
            pass
    return (time.process_time() - t0) / n * 1000


async def reference_channel_ms(count: int = 60) -> tuple[float, float]:
    import aioice.ice
    from aiortc import RTCPeerConnection

    aioice.ice.get_host_addresses = lambda use_ipv4=True, use_ipv6=True: ["127.0.0.1"]
    a, b = RTCPeerConnection(), RTCPeerConnection()
    ch = a.createDataChannel("x")
    got: asyncio.Queue = asyncio.Queue()
    opened = asyncio.Event()

    @b.on("datachannel")
    def on_dc(channel) -> None:  # noqa: ANN001
        channel.on("message", lambda m: got.put_nowait(time.perf_counter()))

    ch.on("open", opened.set)
    await a.setLocalDescription(await a.createOffer())
    await b.setRemoteDescription(a.localDescription)
    await b.setLocalDescription(await b.createAnswer())
    await a.setRemoteDescription(b.localDescription)
    await asyncio.wait_for(opened.wait(), 10)
    lat = []
    for _ in range(count):
        t0 = time.perf_counter()
        ch.send("{}")
        lat.append((await asyncio.wait_for(got.get(), 5) - t0) * 1000)
        await asyncio.sleep(0.02)
    await a.close()
    await b.close()
    return pct(lat, 0.5), pct(lat, 0.95)


# -- a browser's join to first video ------------------------------------------------------------
BROWSER_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
    "--allow-loopback-in-peer-connection", "--disable-features=WebRtcHideLocalIpsWithMdns",
]
FIRST_PICTURE = """() => new Promise((resolve) => {
  const t0 = performance.now();
  const look = () => {
    const v = document.querySelector('.tile:not(.me) video');
    if (v && v.videoWidth > 0 && v.currentTime > 0) resolve(performance.now() - t0); else setTimeout(look, 10);
  };
  document.querySelector('#join-button').click();
  look();
})"""


async def browser_join_ms(db: str, tries: int = 3) -> list[float]:
    """Click "Join" in a second Chromium tab -> the first participant's video plays there (ms)."""
    import shutil

    from playwright.async_api import async_playwright

    from huddle.domain.clock import SystemClock, local_date
    from huddle.room.control import RoomController

    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    if not os.path.exists(chromium):
        return []
    room = RoomController(db, local_date(SystemClock().now()), port=0)
    info = await room.start()
    out = []
    try:
        async with async_playwright() as pw:
            browser = await pw.chromium.launch(executable_path=chromium, args=BROWSER_ARGS, headless=True)
            first = await browser.new_page()
            await first.goto(info.link)
            await first.fill("#name", "First")
            await first.fill("#code", info.code)
            await first.click("#join-button")
            await first.wait_for_selector(".tile.me")
            for i in range(tries):
                tab = await browser.new_page()
                await tab.goto(info.link)
                await tab.fill("#name", f"Second {i}")
                await tab.fill("#code", info.code)
                out.append(await tab.evaluate(FIRST_PICTURE))
                await tab.close()
            await browser.close()
    finally:
        await room.stop()
    return out


# -- one step ----------------------------------------------------------------------------------
async def step(n: int, seconds: float, db: str, decode: bool, workers: int) -> dict:
    from huddle.domain.clock import SystemClock, local_date
    from huddle.room.control import RoomController

    room = RoomController(db, local_date(SystemClock().now()), port=0, max_participants=max(n, 2))
    info = await room.start()
    ctx = mp.get_context("spawn")
    stop = ctx.Event()
    closing = ctx.Event()
    results = ctx.Queue()
    names = [f"P{i:02d}" for i in range(n)]
    groups = [names[i::workers] for i in range(workers)]
    gos = [ctx.Event() for _ in groups]
    procs = [ctx.Process(target=client_main, args=(info.link, info.code, g, decode, gos[i], stop, closing, results))
             for i, g in enumerate(groups) if g]
    for p in procs:
        p.start()
    try:
        # Join one at a time, alternating between client processes.
        for name in names:
            gi = next(i for i, g in enumerate(groups) if name in g)
            gos[gi].set()
            while True:
                kind, who = await asyncio.to_thread(results.get, True, 60)
                if kind == "joined" and who == name:
                    break
        await asyncio.sleep(1.5)  # settle: every slot has had its keyframe
        pid = room._proc.pid  # noqa: SLF001
        s0 = await room.stats()
        c0, t0 = cpu_seconds(pid), time.time()
        w0 = sum(cpu_seconds(p.pid) for p in procs)
        published = 0
        while time.time() - t0 < seconds:
            await room.publish({"meeting": "running", "position": published % 7 + 1, "of": 7, "bench_t": time.time() * 1000})
            published += 1
            await asyncio.sleep(0.2)
        t1 = time.time()
        cpu = (cpu_seconds(pid) - c0) / (t1 - t0) * 100
        clients_cpu = (sum(cpu_seconds(p.pid) for p in procs) - w0) / (t1 - t0) * 100
        s1 = await room.stats()
        stop.set()
        outs = []
        while len(outs) < len(procs):
            kind, data = await asyncio.to_thread(results.get, True, 60)
            if kind == "done":
                outs.append(data)
    finally:
        stop.set()
        closing.set()
        for p in procs:
            p.join(20)
            if p.is_alive():
                p.terminate()
        await room.stop()
    rates = []
    for out in outs:
        for (viewer, source), times in out["frames"].items():
            rates.append(sum(1 for t in times if t0 <= t <= t1) / (t1 - t0))
    expected_pairs = n * (n - 1)
    if os.environ.get("BENCH_DEBUG"):
        print(sorted((k, len(v)) for out in outs for k, v in out["frames"].items()), rates)
    rates += [0.0] * max(0, expected_pairs - len(rates))  # a pair that never got video counts as 0 fps
    before = {(v, src): sent for v, src, sent in s0["video_sent"]}
    sent_rates = [(sent - before.get((v, src), 0)) / (t1 - t0) for v, src, sent in s1["video_sent"]]
    frames_sent = sum(r for r in sent_rates) * (t1 - t0)
    sent_rates += [0.0] * max(0, expected_pairs - len(sent_rates))
    if os.environ.get("BENCH_DEBUG"):
        print("room packets in", s1["packets_in"] - s0["packets_in"], "lost", s1["packets_lost_in"] - s0["packets_lost_in"])
    in_rates = [(s1["video_in"].get(k, 0) - v) / (t1 - t0) for k, v in s0["video_in"].items()]
    banners = [b for out in outs for b in out["banners"]]
    firsts = [v for out in outs for k, v in out["first"].items() if v is not None and k != names[0]]
    room_firsts = [v for out in outs for k, v in out["room_first"].items() if v is not None and k != names[0]]
    return {
        "n": n, "cpu": cpu, "clients_cpu": clients_cpu,
        "us_per_frame": cpu / 100 * (t1 - t0) / frames_sent * 1e6 if frames_sent else float("nan"), "sent_min": min(sent_rates) if sent_rates else 0.0,
        "in_min": min(in_rates) if in_rates else 0.0, "fps_min": min(rates) if rates else 0.0, "fps_median": statistics.median(rates) if rates else 0.0,
        "banner_p50": pct(banners, 0.5), "banner_p95": pct(banners, 0.95), "banners": len(banners),
        "room_join_p50": pct(room_firsts, 0.5) * 1000 if room_firsts else float("nan"),
        "join_p50": pct(firsts, 0.5) * 1000 if firsts else float("nan"), "join_max": max(firsts) * 1000 if firsts else float("nan"),
    }


async def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--steps", default="2,4,6,8,10,12")
    ap.add_argument("--seconds", type=float, default=8.0)
    ap.add_argument("--decode", action="store_true", help="clients decode what they receive")
    ap.add_argument("--workers", type=int, default=2, help="client processes")
    ap.add_argument("--no-browser", action="store_true", help="skip the Chromium join timing")
    args = ap.parse_args()
    steps = [int(s) for s in args.steps.split(",")]

    enc_ms = reference_encode_ms()
    ref50, ref95 = await reference_channel_ms()
    print(f"reference: libvpx encode 320x240 {enc_ms:.2f} ms/frame (one core); "
          f"bare aiortc data channel p50 {ref50:.1f} ms, p95 {ref95:.1f} ms")
    print(f"{'N':>3} {'room CPU':>9} {'floor':>6} {'ratio':>6} {'in min':>7} {'sent min':>9} {'fps min':>8} {'fps med':>8} "
          f"{'banner p50':>11} {'p95':>6} {'p50/raw':>8} {'join p50':>9} {'join max':>9} {'offer->video':>12} {'clients':>8} {'us/frame':>9}")
    best = None
    with tempfile.TemporaryDirectory() as tmp:
        db = os.path.join(tmp, "bench.db")
        for n in steps:
            r = await step(n, args.seconds, db, args.decode, args.workers)
            floor = n * FPS * enc_ms / 10  # % of one core for one encode per source
            print(f"{r['n']:>3} {r['cpu']:>8.0f}% {floor:>5.0f}% {r['cpu'] / floor:>6.1f} {r['in_min']:>7.1f} {r['sent_min']:>9.1f} {r['fps_min']:>8.1f} "
                  f"{r['fps_median']:>8.1f} {r['banner_p50']:>9.1f}ms {r['banner_p95']:>4.0f}ms "
                  f"{r['banner_p50'] / ref50 if ref50 else float('nan'):>8.1f} {r['join_p50']:>7.0f}ms {r['join_max']:>7.0f}ms {r['room_join_p50']:>10.0f}ms {r['clients_cpu']:>7.0f}% {r['us_per_frame']:>9.0f}",
                  flush=True)
            if r["fps_min"] >= 12:
                best = n
        print(f"largest N where every viewer gets >= 12 fps: {best if best is not None else 'none'}")
        if not args.no_browser:
            times = await browser_join_ms(db)
            if times:
                print("Chromium, click Join -> the other's video plays: "
                      + ", ".join(f"{t:.0f} ms" for t in times))


if __name__ == "__main__":
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    asyncio.run(main())
