"""The meeting calendar: why a day has no meeting, and the calendar command."""

MESSAGES = {
    "days.weekend": {"en": "a weekend", "sv": "helg"},
    "days.closed": {"en": "closed by local decision", "sv": "stängd enligt lokalt beslut"},
    "days.not_a_meeting_day": {
        "en": "{date} is not a meeting day ({reason}); the next meeting day is {next}.",
        "sv": "{date} är ingen mötesdag ({reason}); nästa mötesdag är {next}.",
    },
    "days.extra": {"en": "extra meeting day", "sv": "extra mötesdag"},
    "days.meeting": {"en": "meeting day", "sv": "mötesdag"},
    "days.col.date": {"en": "Date", "sv": "Datum"},
    "days.col.weekday": {"en": "Day", "sv": "Dag"},
    "days.col.meeting": {"en": "Meeting", "sv": "Möte"},
    "days.col.reason": {"en": "Why", "sv": "Varför"},
    "days.title": {"en": "Meeting days {start} – {end}", "sv": "Mötesdagar {start} – {end}"},
    "days.yes": {"en": "yes", "sv": "ja"},
    "days.no": {"en": "no", "sv": "nej"},
    "days.closed_now": {
        "en": "{date} is now closed: no meeting that day.",
        "sv": "{date} är nu stängd: inget möte den dagen.",
    },
    "days.extra_now": {
        "en": "{date} is now an extra meeting day.",
        "sv": "{date} är nu en extra mötesdag.",
    },
    "days.reset_now": {
        "en": "{date} follows the calendar again ({what}).",
        "sv": "{date} följer kalendern igen ({what}).",
    },
    "days.has_cases": {
        "en": {"one": "{date} has {count} case on its agenda; move it to another day before closing the day.",
               "other": "{date} has {count} cases on its agenda; move them to another day before closing the day."},
        "sv": {"one": "{date} har {count} ärende på agendan; flytta det till en annan dag innan dagen stängs.",
               "other": "{date} har {count} ärenden på agendan; flytta dem till en annan dag innan dagen stängs."},
    },
    "days.bad_mode": {"en": "Unknown kind of day {value!r}.", "sv": "Okänd sorts dag {value!r}."},
    "days.one_change": {
        "en": "Give one of --close, --extra or --reset at a time.",
        "sv": "Ange ett av --close, --extra eller --reset åt gången.",
    },
    "days.range_too_long": {
        "en": "At most 366 days at a time (from {start} to {end} is {days}).",
        "sv": "Högst 366 dagar åt gången (från {start} till {end} är {days}).",
    },
}
