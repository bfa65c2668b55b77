"""The room's banner and join codes: plain rules, on real live states from the meeting services."""

from __future__ import annotations

import json
from datetime import date, datetime

from hypothesis import given
from hypothesis import strategies as st

from huddle.domain.clock import UTC
from huddle.room.banner import banner_from_live, initials
from huddle.room.codes import ALPHABET, Throttle, display, end_of_day, matches, new_code, normalise
from huddle.services import agenda, meeting
from tests.conftest import MONDAY


def agenda_of_two(store):
    agenda.add_patient(store, pnr="19121212-1212", name="Tolvan Tolvansson", unit="Avd 12 Oskarshamn",
                       municipality="Oskarshamn", question="Hemgång?", day=MONDAY)
    agenda.add_patient(store, pnr="19400101-9811", name="Anna-Lena Berg", unit="Geriatrik 16",
                       municipality="Västervik", question="SIP?", day=MONDAY)


def test_banner_shows_initials_and_unit_never_the_identity_number(store, clock):
    agenda_of_two(store)
    live = meeting.start_meeting(store, MONDAY)
    clock.advance(95)
    banner = banner_from_live(live, clock.now())
    assert banner["patient"] == "T.T." and banner["unit"] == "Avd 12 Oskarshamn"
    assert (banner["position"], banner["of"]) == (1, 2)
    assert banner["running"] is True and banner["elapsed_s"] == 95.0
    assert banner["timer"] == "within" and banner["target_s"] == 300
    assert banner["at"] == clock.now().isoformat()
    text = json.dumps(banner)
    assert "1212" not in text and "Tolvan" not in text and "Tolvansson" not in text


def test_banner_follows_next_case_pause_and_timer_state(store, clock):
    agenda_of_two(store)
    meeting.start_meeting(store, MONDAY)
    clock.advance(30)
    live = meeting.next_case(store, MONDAY)
    clock.advance(250)
    live = meeting.toggle_pause(store, MONDAY)
    clock.advance(600)  # paused: the time does not run on
    banner = banner_from_live(live, clock.now())
    assert banner["position"] == 2 and banner["patient"] == "A.L.B." and banner["unit"] == "Geriatrik 16"
    assert banner["running"] is False and banner["elapsed_s"] == 250.0
    assert banner["timer"] == "warning"  # 250 of 300 s is past 80 %
    live = meeting.toggle_pause(store, MONDAY)
    clock.advance(60)
    assert banner_from_live(live, clock.now())["timer"] == "over"


def test_banner_policy_unit_and_none(store, clock):
    agenda_of_two(store)
    live = meeting.start_meeting(store, MONDAY)
    unit_only = banner_from_live(live, clock.now(), "unit")
    assert unit_only["patient"] == "" and unit_only["unit"] == "Avd 12 Oskarshamn"
    nothing = banner_from_live(live, clock.now(), "none")
    assert nothing["patient"] == "" and nothing["unit"] == ""
    assert nothing["position"] == 1


def test_banner_before_the_meeting_has_no_case(store, clock):
    agenda_of_two(store)
    live = meeting.load_live(store, MONDAY)
    banner = banner_from_live(live, clock.now())
    assert banner["meeting"] == "planned" and banner["position"] is None and banner["of"] == 2


def test_initials():
    assert initials("Tolvan Tolvansson") == "T.T."
    assert initials("anna-lena  berg") == "A.L.B."
    assert initials(None) == "" and initials("  ") == ""


@given(st.text(alphabet=ALPHABET, min_size=6, max_size=6))
def test_codes_are_forgiving_to_type(code):
    assert matches(code, display(code).lower())
    assert matches(code, " ".join(code))
    assert not matches(code, code[:-1])


def test_new_codes_are_six_unambiguous_characters():
    codes = {new_code() for _ in range(50)}
    assert len(codes) > 45
    assert all(len(c) == 6 and set(c) <= set(ALPHABET) for c in codes)
    assert not set("01OIL") & set(ALPHABET)
    assert normalise("abc-def") == "ABCDEF"


def test_code_expires_at_local_midnight():
    # Stockholm is UTC+1 in winter, UTC+2 in summer.
    assert end_of_day(MONDAY) == datetime(2026, 11, 30, 23, 0, tzinfo=UTC)
    assert end_of_day(date(2026, 6, 15)) == datetime(2026, 6, 15, 22, 0, tzinfo=UTC)


def test_a_connection_typing_wrong_codes_waits_longer_each_time_and_an_address_has_a_budget():
    now = [1000.0]
    th = Throttle(base_s=0.5, max_s=4, address_budget=4, window_s=900, now=lambda: now[0])
    assert [th.fail("10.0.0.1", tries) for tries in (1, 2, 3, 4)] == [0.5, 1.0, 2.0, 4.0]
    assert th.delay(9) == 4  # capped
    assert th.slowed("10.0.0.1")  # the address's budget is used up: slowed (never refused for it)...
    assert th.locked_for("10.0.0.1") == 0.0
    assert not th.slowed("10.0.0.2")  # ...another address is not punished
    now[0] += 901
    assert not th.slowed("10.0.0.1")


def test_many_addresses_guessing_together_lock_out_the_guessers_but_not_a_fresh_address():
    now = [0.0]
    th = Throttle(address_budget=50, room_budget=10, window_s=900, now=lambda: now[0])
    for i in range(10):
        th.fail(f"10.0.1.{i}")
    assert th.locked_for("10.0.1.3") > 0
    assert th.locked_for("10.0.9.9") == 0.0


def test_the_code_and_its_brake_make_guessing_infeasible():
    from huddle.room.codes import ENTROPY_BITS

    th = Throttle()
    assert round(ENTROPY_BITS, 1) == 29.7  # 31**6 codes
    assert th.guesses_per_hour() == 50 * 4 + 2 * 3600 / 16  # the budget, then the lane: 650 an hour
    assert th.expected_hours_to_guess() > 24 * 365 * 75  # a code lives one day at most
    assert 24 * th.guesses_per_hour() / len("ABCDEFGHJKMNPQRSTUVWXYZ23456789") ** 6 < 2e-5  # within its day
    # Colleagues' typos never use the budget up: one a minute is 15 in the window.
    assert th.window_s / 60 < th.address_budget


def test_only_the_loudest_microphones_are_forwarded():
    """Audio stays bounded when everyone's microphone is open: the three loudest are let through,
    and someone already heard keeps the place unless a newcomer is clearly louder."""
    from huddle.room.media import Source, choose_speakers

    sources = [Source("audio", None) for _ in range(5)]
    for src, level in zip(sources, (-20.0, -60.0, -30.0, -25.0, -90.0)):
        src.level = level
    choose_speakers(sources)
    assert [s.audible for s in sources] == [True, False, True, True, False]
    sources[1].level = -28.0  # a little louder than the third, but not by 3 dB: no flicker
    choose_speakers(sources)
    assert [s.audible for s in sources] == [True, False, True, True, False]
    sources[1].level = -10.0  # now clearly the loudest: in, the quietest of the three out
    choose_speakers(sources)
    assert [s.audible for s in sources] == [True, True, False, True, False]
    few = sources[:2]
    few[0].level = few[1].level = -127.0
    choose_speakers(few)
    assert all(s.audible for s in few)


def test_audio_level_in_dbov():
    import numpy as np
    from av import AudioFrame

    from huddle.room.media import audio_level

    def frame(samples):
        return AudioFrame.from_ndarray(np.asarray(samples, np.int16).reshape(1, -1), format="s16", layout="mono")

    assert audio_level(frame([0] * 960)) == -127.0
    assert round(audio_level(frame([32767, -32767] * 480))) == 0
    assert round(audio_level(frame([3277, -3277] * 480))) == -20
