"""Messages of the live meeting services and ``huddle summary``."""

MESSAGES = {
    # field names in messages
    "meeting.field.reason": {"en": "reason", "sv": "anledning"},
    "meeting.field.decision": {"en": "decision", "sv": "beslut"},
    "meeting.field.responsible_org": {"en": "responsible organisation", "sv": "ansvarig organisation"},
    "meeting.field.responsible_person": {"en": "responsible person", "sv": "ansvarig person"},
    "meeting.field.due_date": {"en": "due date", "sv": "klart senast"},
    "meeting.field.blocker": {"en": "what the patient is waiting for", "sv": "vad patienten väntar på"},
    "meeting.field.owner_org": {"en": "owning organisation", "sv": "ansvarig organisation"},
    "meeting.field.note": {"en": "note", "sv": "anteckning"},
    "meeting.field.name": {"en": "name", "sv": "namn"},
    "meeting.field.organisation": {"en": "organisation", "sv": "organisation"},
    "meeting.field.role": {"en": "role", "sv": "roll"},
    # errors
    "meeting.not_running": {
        "en": "The huddle on {date} has not started; start it first.",
        "sv": "Mötet {date} har inte startat; starta det först.",
    },
    "meeting.already_running": {
        "en": "The huddle on {date} is already running.",
        "sv": "Mötet {date} pågår redan.",
    },
    "meeting.finished": {
        "en": "The huddle on {date} is finished; nothing was changed.",
        "sv": "Mötet {date} är avslutat; inget ändrades.",
    },
    "meeting.no_current": {
        "en": "No case is being discussed right now.",
        "sv": "Inget ärende diskuteras just nu.",
    },
    "meeting.no_previous": {"en": "There is no earlier case to go back to.", "sv": "Det finns inget tidigare ärende att gå tillbaka till."},
    "meeting.not_on_huddle": {
        "en": "Case {case_id} is not on the agenda for {date}.",
        "sv": "Ärende {case_id} står inte på agendan för {date}.",
    },
    "meeting.select_deferred": {
        "en": "This case is deferred to the next meeting and cannot be taken up today.",
        "sv": "Ärendet är uppskjutet till nästa möte och kan inte tas upp i dag.",
    },
    "meeting.moved_on": {
        "en": "The meeting moved on in another window; the screen was out of date. Nothing was changed.",
        "sv": "Mötet gick vidare i ett annat fönster; skärmen var inaktuell. Inget ändrades.",
    },
    "meeting.bad_kind": {
        "en": "Unknown kind of decision {value!r}; choose one of: {allowed}.",
        "sv": "Okänd typ av beslut {value!r}; välj en av: {allowed}.",
    },
    "meeting.due_past": {
        "en": "The due date {date} has already passed; choose today or later.",
        "sv": "Datumet {date} har redan passerat; välj i dag eller senare.",
    },
    "meeting.decision_missing": {"en": "Decision {decision_id} does not exist.", "sv": "Beslut {decision_id} finns inte."},
    "meeting.bad_readiness": {
        "en": "Unknown readiness state {value!r}; choose one of: {allowed}.",
        "sv": "Okänt läge för utskrivningsklar {value!r}; välj ett av: {allowed}.",
    },
    "meeting.expected_missing": {
        "en": "An expected discharge needs the expected date.",
        "sv": "Förväntad utskrivning behöver ett förväntat datum.",
    },
    "meeting.expected_past": {
        "en": "The expected discharge date {date} is in the past; choose today or later.",
        "sv": "Det förväntade utskrivningsdatumet {date} har redan passerat; välj i dag eller senare.",
    },
    "meeting.discharged_future": {
        "en": "The discharge date {date} is in the future; record an expected discharge instead.",
        "sv": "Utskrivningsdatumet {date} ligger i framtiden; ange förväntad utskrivning i stället.",
    },
    "meeting.discharged_before_ready": {
        "en": "The discharge date {date} is before the patient was ready for discharge ({ready}).",
        "sv": "Utskrivningsdatumet {date} ligger före datumet då patienten blev utskrivningsklar ({ready}).",
    },
    "meeting.ready_future": {
        "en": "The ready-for-discharge time is in the future.",
        "sv": "Tiden för utskrivningsklar ligger i framtiden.",
    },
    "meeting.ready_before_admission": {
        "en": "The ready-for-discharge time is before the admission ({date}).",
        "sv": "Tiden för utskrivningsklar ligger före inskrivningen ({date}).",
    },
    "meeting.blocker_missing": {"en": "Blocker {blocker_id} does not exist.", "sv": "Hindret {blocker_id} finns inte."},
    "meeting.bad_colour": {
        "en": "A day is marked red or green, not {value!r}.",
        "sv": "En dag markeras röd eller grön, inte {value!r}.",
    },
    "meeting.bad_source": {"en": "Unknown attendance source {value!r}.", "sv": "Okänd källa för närvaro {value!r}."},
    "meeting.attendance_missing": {
        "en": "Attendance {attendance_id} does not exist.",
        "sv": "Närvaro {attendance_id} finns inte.",
    },
    "meeting.bad_target": {
        "en": "The per-case target must be between {min} and {max} seconds, not {value}.",
        "sv": "Tidsmålet per ärende måste vara mellan {min} och {max} sekunder, inte {value}.",
    },
    "meeting.bad_timebox": {
        "en": "The meeting's time box must be between {min} and {max} seconds, not {value}.",
        "sv": "Mötets tidsram måste vara mellan {min} och {max} sekunder, inte {value}.",
    },
    # values shown to people
    "meeting.reason.not_finished": {"en": "discussed, not finished", "sv": "diskuterad, inte klar"},
    "meeting.day.none": {"en": "not marked", "sv": "inte markerad"},
    # case summary (plain text for the record system)
    "meeting.sum.head": {"en": "Huddle {date}", "sv": "Samordningsmöte {date}"},
    "meeting.sum.patient": {"en": "Patient: {name}, {pnr}", "sv": "Patient: {name}, {pnr}"},
    "meeting.sum.place": {"en": "Unit: {place}", "sv": "Enhet: {place}"},
    "meeting.sum.question": {"en": "Question: {question}", "sv": "Fråga: {question}"},
    "meeting.sum.state": {"en": "Case: {state}", "sv": "Ärende: {state}"},
    "meeting.sum.decisions": {"en": "Decisions:", "sv": "Beslut:"},
    "meeting.sum.no_decisions": {"en": "Decisions: none", "sv": "Beslut: inga"},
    "meeting.sum.open_decisions": {"en": "Open decisions from earlier huddles:", "sv": "Öppna beslut från tidigare möten:"},
    "meeting.sum.responsible": {"en": "responsible: {who}", "sv": "ansvarig: {who}"},
    "meeting.sum.nobody": {"en": "not named", "sv": "inte angiven"},
    "meeting.sum.due": {"en": "by {date}", "sv": "senast {date}"},
    "meeting.sum.done": {"en": "done", "sv": "klart"},
    "meeting.sum.readiness": {"en": "Discharge readiness: {text}", "sv": "Utskrivning: {text}"},
    "meeting.sum.readiness_unknown": {"en": "not recorded", "sv": "inte registrerat"},
    "meeting.sum.expected": {"en": "on {date}", "sv": "den {date}"},
    "meeting.sum.ready_since": {"en": "since {when}", "sv": "sedan {when}"},
    "meeting.sum.discharged": {"en": "on {date}", "sv": "den {date}"},
    "meeting.sum.was_ready_since": {
        "en": "(ready for discharge since {when})",
        "sv": "(utskrivningsklar sedan {when})",
    },
    # readiness as the card and the summary both word it (huddle.domain.summary.readiness_text)
    "meeting.ready.days": {
        "en": {"one": "{count} discharge-ready day", "other": "{count} discharge-ready days"},
        "sv": {"one": "{count} utskrivningsklar dag", "other": "{count} utskrivningsklara dagar"},
    },
    "meeting.ready.liable": {
        "en": {
            "one": "{count} payment-liable day (liable from {first})",
            "other": "{count} payment-liable days (liable from {first})",
        },
        "sv": {
            "one": "{count} dag med betalningsansvar (ansvar från {first})",
            "other": "{count} dagar med betalningsansvar (ansvar från {first})",
        },
    },
    "meeting.ready.not_liable": {
        "en": "discharged before payment liability (it would have begun {first})",
        "sv": "utskriven före betalningsansvar (det hade börjat {first})",
    },
    "meeting.ready.sip": {"en": "SIP invitation by {sip}", "sv": "kallelse till SIP senast {sip}"},
    "meeting.sum.carried": {"en": "Carried over from the huddle of {date}", "sv": "Överflyttat från mötet {date}"},
    "meeting.sum.carried_reason": {
        "en": "Carried over from the huddle of {date}: {reason}",
        "sv": "Överflyttat från mötet {date}: {reason}",
    },
    "meeting.sum.blockers": {"en": "Waiting for:", "sv": "Väntar på:"},
    "meeting.sum.no_blockers": {"en": "Waiting for: nothing", "sv": "Väntar på: inget"},
    "meeting.sum.owner": {"en": "owner: {owner}", "sv": "ansvarig: {owner}"},
    "meeting.sum.day": {"en": "Day: {mark}", "sv": "Dag: {mark}"},
    "meeting.sum.time": {"en": "Time: {used} of target {target}", "sv": "Tid: {used} av tidsmålet {target}"},
    # huddle summary command
    "meeting.summary.empty": {"en": "No cases on the huddle of {date}.", "sv": "Inga ärenden på mötet {date}."},
}
