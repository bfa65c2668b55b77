"""The meeting roles' labels (``huddle.domain.roles``): the room page, the app and the statistics use these."""

MESSAGES = {
    "role.needs_assessor": {"en": "needs assessor", "sv": "biståndshandläggare"},
    "role.ward_nurse": {"en": "ward nurse", "sv": "avdelningssjuksköterska"},
    "role.physician": {"en": "physician", "sv": "läkare"},
    "role.home_care_nurse": {"en": "home-care nurse", "sv": "hemsjukvårdssjuksköterska"},
    "role.district_nurse": {"en": "district nurse", "sv": "distriktssköterska"},
    "role.rehab": {"en": "rehabilitation", "sv": "rehabilitering"},
    "role.other": {"en": "other", "sv": "annan"},
    "role.unknown": {
        "en": "Unknown role {value!r}; the meeting's roles are {roles}.",
        "sv": "Okänd roll {value!r}; mötets roller är {roles}.",
    },
}
