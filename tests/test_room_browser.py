"""Two Chromium tabs hold a meeting in the room while the app drives the banner (Playwright, fake camera)."""

from __future__ import annotations

import os

import pytest

from huddle.domain.clock import SystemClock, local_date
from huddle.domain.days import SWEDISH
from huddle.room.banner import banner_from_live
from huddle.room.control import RoomController
from huddle.services import agenda, meeting
from tests.browser_helpers import ARGS, CHROMIUM, eventually

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="needs Chromium (apt-get install chromium)"),
]

# Mean brightness of the first other participant's video, drawn into a canvas (-1: no picture yet).
BRIGHTNESS = """(name) => {
  const tile = [...document.querySelectorAll('.tile:not(.me)')].find((t) => t.dataset.name === name);
  const v = tile && tile.querySelector('video');
  if (!v || !v.videoWidth) return -1;
  const c = document.createElement('canvas'); c.width = v.videoWidth; c.height = v.videoHeight;
  const g = c.getContext('2d'); g.drawImage(v, 0, 0);
  const d = g.getImageData(0, 0, c.width, c.height).data;
  let sum = 0; for (let i = 0; i < d.length; i += 4) sum += d[i] + d[i + 1] + d[i + 2];
  return sum / (d.length / 4) / 3;
}"""




async def test_two_tabs_see_each_other_and_the_banner_follows_the_app(db_path, store):
    from playwright.async_api import async_playwright

    # The room process runs on the system clock; its meeting is today's, or the next meeting day's
    # when today has none (CI also runs on Easter Sunday and Christmas Eve).
    day = SWEDISH.next(local_date(SystemClock().now()))
    agenda.add_patient(store, pnr="19121212-1212", name="Tolvan Tolvansson", unit="Avd 12 Oskarshamn",
                       municipality="Oskarshamn", question="Hemgång?", day=day)
    agenda.add_patient(store, pnr="19400101-9811", name="Anna-Lena Berg", unit="Geriatrik 16",
                       municipality="Västervik", question="SIP?", day=day)
    room = RoomController(str(db_path), day, port=0)
    info = await room.start()
    try:
        async with async_playwright() as pw:
            browser = await pw.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
            try:
                context = await browser.new_context(locale="sv-SE")
                tabs = {}
                people = (("Anna Nurse", "Oskarshamn kommun", "biståndshandläggare"),
                          ("Bo Doctor", "Region Kalmar län", "läkare"))
                for name, org, role in people:
                    tab = await context.new_page()
                    await tab.goto(info.link)
                    await tab.fill("#name", name)
                    await tab.fill("#organisation", org)
                    await tab.select_option("#role", label=role)
                    if not tabs:  # a typo first: refused, said so, and the form stays
                        await tab.fill("#code", "AAA-AAA")
                        await tab.click("#join-button")
                        await tab.wait_for_selector("#join-error:not([hidden])")
                        assert await tab.inner_text("#join-error") == "Fel kod."
                    await tab.fill("#code", info.code.lower())
                    await tab.click("#join-button")
                    tabs[name] = tab
                anna, bo = tabs["Anna Nurse"], tabs["Bo Doctor"]
                # Each sees the other's camera: real frames, not black.
                for tab, other in ((anna, "Bo Doctor"), (bo, "Anna Nurse")):
                    # (a generous limit: ICE, the first keyframe and decoding share two cores with the other tests)
                    level = await eventually(lambda tab=tab, other=other: tab.evaluate(BRIGHTNESS, other),
                                             lambda v: v > 20, timeout=60.0)
                    assert level > 20, f"no picture of {other}"
                assert [p["name"] for p in await room.participants()] == ["Anna Nurse", "Bo Doctor"]
                # Swedish browser, Swedish page.
                assert await anna.inner_text("#leave") == "Lämna"

                # The app starts the meeting, then moves to the next case: the banner follows.
                live = meeting.start_meeting(store, day)
                await room.publish(banner_from_live(live, store.now()))
                text = await eventually(lambda: bo.inner_text("#banner-case"), lambda v: "T.T." in v)
                assert text == "Patient 1 av 2 · T.T. · Avd 12 Oskarshamn"
                live = meeting.next_case(store, day)
                await room.publish(banner_from_live(live, store.now()))
                for tab in (anna, bo):
                    text = await eventually(lambda tab=tab: tab.inner_text("#banner-case"), lambda v: "A.L.B." in v)
                    assert text == "Patient 2 av 2 · A.L.B. · Geriatrik 16"
                    assert "1212" not in await tab.inner_text("#banner")

                # Anna mutes her microphone: the button says how to undo it.
                await anna.click("#mute")
                assert await anna.inner_text("#mute") == "Mikrofon på"
                assert await anna.get_attribute("#mute", "aria-pressed") == "true"

                # Bo closes his tab: he is gone at once, from Anna's grid and from the room.
                await bo.close()
                who = await eventually(room.participants, lambda v: len(v) == 1, timeout=10)
                assert [p["name"] for p in who] == ["Anna Nurse"]
                tiles = await eventually(lambda: anna.locator(".tile:not(.me)").count(), lambda n: n == 0)
                assert tiles == 0
                # Anna presses Leave.
                await anna.click("#leave")
                assert await anna.inner_text("#gone-text") == "Du har lämnat rummet. Ladda om sidan för att ansluta igen."
                assert await eventually(room.participants, lambda v: v == [], timeout=10) == []
            finally:
                await browser.close()
    finally:
        await room.stop()
    rows = [a for a in meeting.load_live(store, day).attendance if a.source == "room"]
    assert sorted((a.name, a.organisation, a.role) for a in rows) == [
        ("Anna Nurse", "Oskarshamn kommun", "needs_assessor"), ("Bo Doctor", "Region Kalmar län", "physician")]
    assert all(a.left_at is not None for a in rows)
