"""``huddle serve``'s own page around the app (huddle/serve/templates/app_index.html)."""

MESSAGES = {
    "serve.page.start": {"en": "Start", "sv": "Starta"},
    "serve.page.ended": {"en": "Session ended.", "sv": "Sessionen är avslutad."},
    "serve.page.restart": {"en": "Start again", "sv": "Starta igen"},
    "serve.page.signout": {"en": "Sign out", "sv": "Logga ut"},
}
