"""Video room messages: the command line, the control client and the browser page (``room.page.*``)."""

MESSAGES = {
    # command line
    "room.title": {"en": "Video room for the huddle of {date}", "sv": "Videorum för avstämningen {date}"},
    "room.link": {"en": "Join link:  {link}", "sv": "Länk:       {link}"},
    "room.code": {
        "en": "Join code:  {code}  (valid until {until}, or until the meeting is finished)",
        "sv": "Kod:        {code}  (gäller till {until}, eller tills mötet är avslutat)",
    },
    "room.limits": {
        "en": "At most {max} participants; video {width}x{height} at {fps} frames per second.",
        "sv": "Högst {max} deltagare; video {width}x{height} med {fps} bilder per sekund.",
    },
    "room.stop_hint": {"en": "Stop the room with Ctrl+C.", "sv": "Stäng rummet med Ctrl+C."},
    "room.stopped": {"en": "The video room is closed.", "sv": "Videorummet är stängt."},
    "room.needs_tls": {
        "en": "Listening on {host} lets others in: give --cert and --key (https), or --insecure-http on a trusted network.",
        "sv": "Att lyssna på {host} släpper in andra: ange --cert och --key (https), eller --insecure-http på ett betrott nätverk.",
    },
    "room.insecure_warning": {
        "en": "Warning: plain http on {host}: the join code and the signalling travel unencrypted.",
        "sv": "Varning: okrypterad http på {host}: koden och signaleringen skickas i klartext.",
    },
    "room.already_running": {
        "en": "The video room for the huddle of {date} already runs at {link} (on {host}); one room per meeting.",
        "sv": "Videorummet för avstämningen {date} körs redan på {link} (på {host}); ett rum per möte.",
    },
    "room.day_over": {
        "en": "The huddle of {date} is over; its room cannot be opened.",
        "sv": "Avstämningen {date} är över; dess rum kan inte öppnas.",
    },
    "room.bad_ice": {
        "en": "Not an ICE server: {value} (use stun:host:port or turn:user:secret@host:port).",
        "sv": "Ingen ICE-server: {value} (skriv stun:värd:port eller turn:användare:lösen@värd:port).",
    },
    "room.tls_pair": {"en": "--cert and --key go together.", "sv": "--cert och --key hör ihop: ange båda."},
    "room.tls_bad": {"en": "Cannot use the certificate: {detail}", "sv": "Certifikatet går inte att använda: {detail}"},
    "room.port_busy": {
        "en": "Cannot listen on {host}:{port} ({detail}); choose another with --port.",
        "sv": "Kan inte lyssna på {host}:{port} ({detail}); välj en annan med --port.",
    },
    "room.max_range": {
        "en": "--max-participants must be between 2 and {max}.",
        "sv": "--max-participants måste vara mellan 2 och {max}.",
    },
    "room.start_failed": {
        "en": "The video room did not start: {detail}",
        "sv": "Videorummet startade inte: {detail}",
    },
    "room.not_running": {"en": "The video room is not running.", "sv": "Videorummet är inte igång."},
    "room.control_failed": {
        "en": "The video room did not answer: {detail}",
        "sv": "Videorummet svarade inte: {detail}",
    },
    # the page in the browser
    "room.page.title": {"en": "huddle – video room", "sv": "huddle – videorum"},
    "room.page.intro": {
        "en": "The daily huddle. Enter your name, your organisation and the code you were given.",
        "sv": "Den dagliga avstämningen. Skriv ditt namn, din organisation och koden du har fått.",
    },
    "room.page.name": {"en": "Name", "sv": "Namn"},
    "room.page.organisation": {"en": "Organisation", "sv": "Organisation"},
    "room.page.role": {"en": "Role in the meeting", "sv": "Roll i mötet"},
    "room.page.role_none": {"en": "(choose)", "sv": "(välj)"},
    "room.page.code": {"en": "Join code", "sv": "Kod"},
    "room.page.join": {"en": "Join", "sv": "Anslut"},
    "room.page.joining": {"en": "Joining…", "sv": "Ansluter…"},
    "room.page.leave": {"en": "Leave", "sv": "Lämna"},
    "room.page.mute": {"en": "Mute", "sv": "Mikrofon av"},
    "room.page.unmute": {"en": "Unmute", "sv": "Mikrofon på"},
    "room.page.camera_off": {"en": "Camera off", "sv": "Kamera av"},
    "room.page.camera_on": {"en": "Camera on", "sv": "Kamera på"},
    "room.page.language": {"en": "På svenska", "sv": "In English"},
    "room.page.you": {"en": "You", "sv": "Du"},
    "room.page.count": {"en": "{count} of at most {max} in the room", "sv": "{count} av högst {max} i rummet"},
    "room.page.alone": {"en": "Waiting for the others to join.", "sv": "Väntar på att de andra ska ansluta."},
    "room.page.left": {
        "en": "You have left the room. Reload the page to join again.",
        "sv": "Du har lämnat rummet. Ladda om sidan för att ansluta igen.",
    },
    "room.page.lost": {
        "en": "The connection to the room was lost. Reload the page to join again.",
        "sv": "Anslutningen till rummet bröts. Ladda om sidan för att ansluta igen.",
    },
    "room.page.refused_code": {"en": "Wrong join code.", "sv": "Fel kod."},
    "room.page.refused_slow": {
        "en": "Too many wrong codes. Try again in {seconds} seconds.",
        "sv": "För många felaktiga koder. Försök igen om {seconds} sekunder.",
    },
    "room.page.refused_expired": {
        "en": "This code has expired: the meeting is finished.",
        "sv": "Koden gäller inte längre: mötet är avslutat.",
    },
    "room.page.refused_full": {
        "en": "The room is full ({max} participants). Ask the facilitator, or join together with a colleague.",
        "sv": "Rummet är fullt ({max} deltagare). Hör med mötesledaren, eller anslut tillsammans med en kollega.",
    },
    "room.page.refused_name": {"en": "Please enter your name.", "sv": "Skriv ditt namn."},
    "room.page.refused_media": {
        "en": "The video connection could not be set up.",
        "sv": "Videoanslutningen gick inte att upprätta.",
    },
    "room.page.refused_origin": {
        "en": "Refused: this page is not the room's own. Open the link you were given.",
        "sv": "Nekad: sidan är inte rummets egen. Öppna länken du har fått.",
    },
    "room.page.refused_role": {
        "en": "Choose your role from the list.",
        "sv": "Välj din roll i listan.",
    },
    "room.page.ended": {
        "en": "The meeting is finished and the room is closed. Thank you for taking part.",
        "sv": "Mötet är avslutat och rummet stängt. Tack för att du deltog.",
    },
    "room.page.closed": {
        "en": "The facilitator has closed the video room.",
        "sv": "Mötesledaren har stängt videorummet.",
    },
    "room.page.no_camera": {
        "en": "No camera or microphone: you take part without them.",
        "sv": "Ingen kamera eller mikrofon: du deltar utan dem.",
    },
    "room.page.banner_none": {"en": "The meeting has not started yet.", "sv": "Mötet har inte börjat än."},
    "room.page.banner_case": {"en": "Patient {position} of {of}", "sv": "Patient {position} av {of}"},
    "room.page.banner_between": {"en": "Between patients", "sv": "Mellan patienter"},
    "room.page.banner_finished": {"en": "The meeting is finished.", "sv": "Mötet är avslutat."},
    "room.page.banner_paused": {"en": "paused", "sv": "pausad"},
    "room.page.banner_running": {"en": "running", "sv": "pågår"},
    "room.page.banner_target": {"en": "target {target}", "sv": "mål {target}"},
    "room.page.timer_within": {"en": "within time", "sv": "inom tid"},
    "room.page.timer_warning": {"en": "nearly out of time", "sv": "snart slut på tid"},
    "room.page.timer_over": {"en": "over time", "sv": "över tid"},
}
