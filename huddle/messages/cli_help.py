"""``huddle --help`` and every command's help, in the chosen language (see huddle.cli.localize).

Keys: ``clihelp.<command path>`` for a command's help, ``….short`` for its line in the list
of commands, ``….opt.<option>`` for an option; ``clihelp.click.*`` for Click's own words.
"""

MESSAGES = {
    # Click's own words in every help page
    "clihelp.click.usage": {"en": "Usage:", "sv": "Användning:"},
    "clihelp.click.options": {"en": "Options", "sv": "Flaggor"},
    "clihelp.click.commands": {"en": "Commands", "sv": "Kommandon"},
    "clihelp.click.arguments": {"en": "Positional arguments", "sv": "Argument"},
    "clihelp.click.help": {"en": "Show this message and exit.", "sv": "Visa den här hjälpen och avsluta."},
    "clihelp.click.version": {"en": "Show the version and exit.", "sv": "Visa versionen och avsluta."},
    "clihelp.click.required": {"en": "required", "sv": "obligatorisk"},
    "clihelp.click.default": {"en": "default: {value}", "sv": "standard: {value}"},
    # options many commands share
    "clihelp.any.opt.format": {"en": "Output: a table to read, or json or csv for other programs.",
                               "sv": "Utdata: en tabell att läsa, eller json eller csv för andra program."},
    # huddle
    "clihelp.huddle": {
        "en": "huddle: the daily multiprofessional huddle between region and municipalities.\n\n"
              "Without a subcommand, opens the app on the store.",
        "sv": "huddle: det dagliga multiprofessionella mötet mellan region och kommuner.\n\n"
              "Utan underkommando öppnas appen på databasen.",
    },
    "clihelp.huddle.opt.db": {
        "en": "The store: a file path or a SQLAlchemy URL (env HUDDLE_DB).",
        "sv": "Databasen: en sökväg till en fil eller en SQLAlchemy-URL (miljövariabel HUDDLE_DB).",
    },
    "clihelp.huddle.opt.lang": {
        "en": "Language (env HUDDLE_LANG; default from the locale).",
        "sv": "Språk (miljövariabel HUDDLE_LANG; annars enligt systemets språkinställning).",
    },
    "clihelp.huddle.opt.user": {
        "en": "Sign in as this user (when the store has users).",
        "sv": "Logga in som den här användaren (när databasen har användare).",
    },
    "clihelp.huddle.opt.debug": {"en": "Show tracebacks.", "sv": "Visa fullständiga felspår (traceback)."},
    # init
    "clihelp.huddle.init": {"en": "Create or upgrade the store; say where it is.",
                            "sv": "Skapa eller uppgradera databasen och säg var den ligger."},
    "clihelp.huddle.init.short": {"en": "Create or upgrade the store.", "sv": "Skapa eller uppgradera databasen."},
    # patient
    "clihelp.huddle.patient": {"en": "Patients on the agenda.", "sv": "Patienter på agendan."},
    "clihelp.huddle.patient.short": {"en": "Patients: add one to an agenda.",
                                     "sv": "Patienter: lägg till en på en agenda."},
    "clihelp.huddle.patient.add": {"en": "Put a patient on a huddle's agenda.",
                                   "sv": "Sätt upp en patient på ett mötes agenda."},
    "clihelp.huddle.patient.add.opt.pnr": {"en": "Identity number (personnummer or samordningsnummer).",
                                           "sv": "Personnummer eller samordningsnummer."},
    "clihelp.huddle.patient.add.opt.name": {"en": "The patient's name.", "sv": "Patientens namn."},
    "clihelp.huddle.patient.add.opt.unit": {"en": "Current unit (ward, primary care centre, home care).",
                                            "sv": "Nuvarande enhet (vårdavdelning, vårdcentral, hemtjänst)."},
    "clihelp.huddle.patient.add.opt.municipality": {"en": "Home municipality.", "sv": "Hemkommun."},
    "clihelp.huddle.patient.add.opt.question": {"en": "The question to discuss.", "sv": "Frågan som ska tas upp."},
    "clihelp.huddle.patient.add.opt.date": {"en": "The huddle's date (default: the next meeting day).",
                                            "sv": "Mötets datum (standard: nästa mötesdag)."},
    # agenda
    "clihelp.huddle.agenda": {"en": "Show a huddle's agenda.", "sv": "Visa ett mötes agenda."},
    "clihelp.huddle.agenda.opt.date": {"en": "The huddle's date (default: the next meeting day).",
                                       "sv": "Mötets datum (standard: nästa mötesdag)."},
    # import
    "clihelp.huddle.import": {
        "en": "Import an agenda from CSV (header pnr,name,unit,municipality,question; comma or semicolon).",
        "sv": "Läs in en agenda från CSV (rubrikrad pnr,name,unit,municipality,question; komma eller semikolon).",
    },
    "clihelp.huddle.import.short": {"en": "Import an agenda from CSV.", "sv": "Läs in en agenda från CSV."},
    "clihelp.huddle.import.opt.date": {"en": "The huddle's date (default: the next meeting day).",
                                       "sv": "Mötets datum (standard: nästa mötesdag)."},
    # demo
    "clihelp.huddle.demo": {
        "en": "Make a realistic demo store for Kalmar county (fictitious patients), then open the app.",
        "sv": "Skapa en realistisk demodatabas för Kalmar län (påhittade patienter) och öppna sedan appen.",
    },
    "clihelp.huddle.demo.short": {"en": "Make a demo store for Kalmar county, then open the app.",
                                  "sv": "Skapa en demodatabas för Kalmar län och öppna appen."},
    "clihelp.huddle.demo.opt.no-tui": {"en": "Only make the demo store; do not open the app.",
                                       "sv": "Skapa bara demodatabasen; öppna inte appen."},
    "clihelp.huddle.demo.opt.seed": {"en": "Random seed (same seed, same store).",
                                     "sv": "Slumpfrö (samma frö ger samma databas)."},
    "clihelp.huddle.demo.opt.weeks": {"en": "Weeks of huddles.", "sv": "Antal veckor med möten."},
    # summary
    "clihelp.huddle.summary": {
        "en": "Per-case summaries of a huddle (with identity numbers, for the record system).",
        "sv": "Sammanfattning per ärende från ett möte (med personnummer, för journalsystemet).",
    },
    "clihelp.huddle.summary.short": {
        "en": "Per-case summaries of a huddle, ready to paste into the record.",
        "sv": "Sammanfattning per ärende, klar att klistra in i journalen.",
    },
    "clihelp.huddle.summary.opt.date": {"en": "The huddle's date (default: today).",
                                        "sv": "Mötets datum (standard: idag)."},
    # stats
    "clihelp.huddle.stats": {
        "en": "Figures for managers: time per case, within target, readiness days, home visits and more.",
        "sv": "Siffror för chefer: tid per ärende, andel inom tidsmålet, utskrivningsklara dagar, hembesök med mera.",
    },
    "clihelp.huddle.stats.short": {"en": "Figures for managers over a period.",
                                   "sv": "Siffror för chefer över en period."},
    "clihelp.huddle.stats.opt.from": {"en": "First day of the period (default: 29 days before --to).",
                                      "sv": "Periodens första dag (standard: 29 dagar före --to)."},
    "clihelp.huddle.stats.opt.to": {"en": "Last day of the period (default: today).",
                                    "sv": "Periodens sista dag (standard: idag)."},
    "clihelp.huddle.stats.opt.by": {"en": "Group the figures.", "sv": "Gruppera siffrorna."},
    # export
    "clihelp.huddle.export": {
        "en": "One anonymous row per case (no identity numbers or names), for a spreadsheet.",
        "sv": "En anonym rad per ärende (inga personnummer eller namn), för ett kalkylblad.",
    },
    "clihelp.huddle.export.short": {"en": "One anonymous row per case over a period.",
                                    "sv": "En anonym rad per ärende över en period."},
    "clihelp.huddle.export.opt.from": {"en": "First day of the period (default: 29 days before --to).",
                                       "sv": "Periodens första dag (standard: 29 dagar före --to)."},
    "clihelp.huddle.export.opt.to": {"en": "Last day of the period (default: today).",
                                     "sv": "Periodens sista dag (standard: idag)."},
    "clihelp.huddle.export.opt.excel": {"en": "CSV for Swedish Excel: semicolons, decimal comma and a BOM.",
                                        "sv": "CSV för svenska Excel: semikolon, decimalkomma och BOM."},
    # room
    "clihelp.huddle.room": {"en": "Run the video room for a huddle: prints the join link and the join code.",
                            "sv": "Kör videorummet för ett möte: skriver ut länken och koden för att ansluta."},
    "clihelp.huddle.room.short": {"en": "Run the video room server.", "sv": "Kör videorummets server."},
    "clihelp.huddle.room.opt.host": {
        "en": "Address to listen on (loopback unless told otherwise; beyond it needs --cert/--key or --insecure-http).",
        "sv": "Adress att lyssna på (bara den egna datorn om inget annat anges; utanför den krävs --cert/--key "
              "eller --insecure-http).",
    },
    "clihelp.huddle.room.opt.port": {"en": "Port (0: any free one; default: the store's setting room_port, 8765).",
                                     "sv": "Port (0: valfri ledig; standard: databasens inställning room_port, 8765)."},
    "clihelp.huddle.room.opt.date": {"en": "The huddle's date (default: today).", "sv": "Mötets datum (standard: idag)."},
    "clihelp.huddle.room.opt.cert": {"en": "TLS certificate (PEM) for https.", "sv": "TLS-certifikat (PEM) för https."},
    "clihelp.huddle.room.opt.key": {"en": "TLS private key (PEM).", "sv": "Privat TLS-nyckel (PEM)."},
    "clihelp.huddle.room.opt.max-participants": {"en": "Hard cap on people in the room (2-16).",
                                                 "sv": "Högsta antal deltagare i rummet (2–16)."},
    "clihelp.huddle.room.opt.ice-server": {
        "en": "STUN/TURN server, e.g. stun:stun.example.org:3478 or turn:user:secret@turn.example.org:3478 "
              "(none by default: works on one network).",
        "sv": "STUN/TURN-server, t.ex. stun:stun.example.org:3478 eller turn:user:secret@turn.example.org:3478 "
              "(ingen som standard: fungerar inom ett nätverk).",
    },
    "clihelp.huddle.room.opt.insecure-http": {
        "en": "Serve plain http beyond this machine (the code and signalling in clear): only on a trusted network.",
        "sv": "Servera okrypterad http utanför den här datorn (koden och signaleringen i klartext): "
              "bara i ett betrott nätverk.",
    },
    "clihelp.huddle.room.opt.machine": {"en": "Print one JSON line with the link, code and control token.",
                                        "sv": "Skriv en JSON-rad med länken, koden och kontrollnyckeln."},
    # serve
    "clihelp.huddle.serve": {
        "en": "Serve the app in a browser (textual-serve); each browser gets its own app on the same store.",
        "sv": "Visa appen i en webbläsare (textual-serve); varje webbläsare får en egen app på samma databas.",
    },
    "clihelp.huddle.serve.short": {"en": "Serve the app in a browser.", "sv": "Visa appen i en webbläsare."},
    "clihelp.huddle.serve.opt.host": {"en": "Address to listen on.", "sv": "Adress att lyssna på."},
    "clihelp.huddle.serve.opt.port": {"en": "Port to listen on.", "sv": "Port att lyssna på."},
    # user
    "clihelp.huddle.user": {
        "en": "Manage users and roles (admin).  Without users the store runs in single-user mode.",
        "sv": "Hantera användare och roller (admin). Utan användare körs databasen i enanvändarläge.",
    },
    "clihelp.huddle.user.short": {"en": "Manage users and roles.", "sv": "Hantera användare och roller."},
    "clihelp.huddle.user.add": {
        "en": "Add a user; the password comes from HUDDLE_NEW_PASSWORD or a hidden prompt.  "
              "The first user must be an admin.",
        "sv": "Lägg till en användare; lösenordet tas från HUDDLE_NEW_PASSWORD eller en dold fråga. "
              "Den första användaren måste vara admin.",
    },
    "clihelp.huddle.user.add.opt.name": {"en": "Full name.", "sv": "Fullständigt namn."},
    "clihelp.huddle.user.add.opt.org": {"en": "Organisation (ward, primary care centre, municipality).",
                                        "sv": "Organisation (vårdavdelning, vårdcentral, kommun)."},
    "clihelp.huddle.user.add.opt.profession": {"en": "Profession, e.g. sjuksköterska.",
                                               "sv": "Yrke, t.ex. sjuksköterska."},
    "clihelp.huddle.user.add.opt.role": {
        "en": "nurse, facilitator, manager or admin (repeat, or comma-separated).",
        "sv": "nurse (sjuksköterska), facilitator (mötesledare), manager (chef) eller admin "
              "(upprepa, eller kommaseparerat).",
    },
    "clihelp.huddle.user.disable": {"en": "Disable a user: they can no longer sign in; their history stays.",
                                    "sv": "Stäng av en användare: hen kan inte längre logga in; historiken finns kvar."},
    "clihelp.huddle.user.enable": {"en": "Enable a disabled user again.",
                                   "sv": "Aktivera en avstängd användare igen."},
    "clihelp.huddle.user.list": {"en": "List users, their organisation, roles and whether they are active.",
                                 "sv": "Lista användare, deras organisation, roller och om de är aktiva."},
    "clihelp.huddle.user.password": {
        "en": "Set a user's password (admin, or the user themself); from HUDDLE_NEW_PASSWORD or a hidden prompt.",
        "sv": "Sätt en användares lösenord (admin, eller användaren själv); från HUDDLE_NEW_PASSWORD "
              "eller en dold fråga.",
    },
    # audit
    "clihelp.huddle.audit": {
        "en": "Print the access log: a patient's extract, or a random sample for the regular spot check (admin).",
        "sv": "Skriv ut åtkomstloggen: en patients loggutdrag, eller ett slumpurval för den regelbundna "
              "stickprovskontrollen (admin).",
    },
    "clihelp.huddle.audit.short": {"en": "Print the access log.", "sv": "Skriv ut åtkomstloggen."},
    "clihelp.huddle.audit.opt.patient": {
        "en": "Print this patient's log extract (identity number or pseudonym).",
        "sv": "Skriv ut den här patientens loggutdrag (personnummer eller pseudonym).",
    },
    "clihelp.huddle.audit.opt.sample": {"en": "Pick N events at random for the spot check.",
                                        "sv": "Välj N händelser slumpvis för stickprovet."},
    "clihelp.huddle.audit.opt.from": {"en": "First day of the sampled period.",
                                      "sv": "Första dagen i perioden för stickprovet."},
    "clihelp.huddle.audit.opt.to": {"en": "Last day of the sampled period.",
                                    "sv": "Sista dagen i perioden för stickprovet."},
    "clihelp.huddle.audit.opt.seed": {"en": "Random seed, to repeat a sample.",
                                      "sv": "Slumpfrö, för att upprepa ett stickprov."},
    # retention
    "clihelp.huddle.retention": {
        "en": "Remove identities and working notes after the retention period; statistics stay (admin).",
        "sv": "Ta bort identiteter och arbetsanteckningar efter bevarandetiden; statistiken finns kvar (admin).",
    },
    "clihelp.huddle.retention.short": {"en": "Remove identities after the retention period.",
                                       "sv": "Ta bort identiteter efter bevarandetiden."},
    "clihelp.huddle.retention.opt.days": {
        "en": "Pseudonymise patients whose last case closed over N days ago (default: the setting).",
        "sv": "Pseudonymisera patienter vars senaste ärende avslutades för mer än N dagar sedan "
              "(standard: inställningen).",
    },
    # backup
    "clihelp.huddle.backup": {
        "en": "Copy the store to FILE while others keep working, then check the copy (admin).",
        "sv": "Kopiera databasen till FILE medan andra fortsätter arbeta, och kontrollera sedan kopian (admin).",
    },
    "clihelp.huddle.backup.short": {"en": "Copy the store safely while it is in use.",
                                    "sv": "Kopiera databasen säkert medan den används."},
    # calendar
    "clihelp.huddle.calendar": {
        "en": "Meeting days: weekdays except Swedish public holidays, with local closed and extra days.",
        "sv": "Mötesdagar: vardagar utom svenska helgdagar, med lokala stängda dagar och extra dagar.",
    },
    "clihelp.huddle.calendar.short": {
        "en": "Meeting days, public holidays and local closed or extra days.",
        "sv": "Mötesdagar, helgdagar och lokala stängda eller extra dagar.",
    },
    "clihelp.huddle.calendar.opt.from": {"en": "First day to list (default: today).",
                                         "sv": "Första dagen att lista (standard: idag)."},
    "clihelp.huddle.calendar.opt.to": {"en": "Last day to list (default: four weeks on).",
                                       "sv": "Sista dagen att lista (standard: fyra veckor framåt)."},
    "clihelp.huddle.calendar.opt.close": {"en": "No meeting that day (a local closure).",
                                          "sv": "Inget möte den dagen (lokalt stängt)."},
    "clihelp.huddle.calendar.opt.extra": {"en": "A meeting that day, though the calendar has none.",
                                          "sv": "Ett möte den dagen, fast kalendern inte har något."},
    "clihelp.huddle.calendar.opt.reset": {"en": "That day follows the calendar again.",
                                          "sv": "Den dagen följer kalendern igen."},
    # settings
    "clihelp.huddle.settings": {
        "en": "List the store's settings, or set one: huddle settings room_port 8800 (admin).",
        "sv": "Lista databasens inställningar, eller ändra en: huddle settings room_port 8800 (admin).",
    },
    "clihelp.huddle.settings.short": {"en": "List the store's settings, or set one (admin).",
                                      "sv": "Lista databasens inställningar, eller ändra en (admin)."},
    # oidc
    "clihelp.huddle.oidc": {
        "en": "Sign-in at the region's identity provider: show or set its options (admin), or sign in.",
        "sv": "Inloggning via regionens identitetsleverantör: visa eller ändra dess inställningar (admin), "
              "eller logga in.",
    },
    "clihelp.huddle.oidc.short": {"en": "Sign-in at the region's identity provider (OpenID Connect).",
                                  "sv": "Inloggning via regionens identitetsleverantör (OpenID Connect)."},
    "clihelp.huddle.oidc.login": {
        "en": "Sign in at the identity provider (device code) and say who you are; nothing is kept on disk.",
        "sv": "Logga in hos identitetsleverantören (enhetskod) och visa vem du är; inget sparas på disk.",
    },
    "clihelp.huddle.oidc.set": {
        "en": "Set one option (admin): huddle oidc set issuer https://idp.example.se ... (see the README).",
        "sv": "Ändra en inställning (admin): huddle oidc set issuer https://idp.example.se ... (se README).",
    },
    "clihelp.huddle.oidc.show": {
        "en": "The identity provider's options (the client secret only as where it is read from).",
        "sv": "Identitetsleverantörens inställningar (klienthemligheten bara som var den läses ifrån).",
    },
}
