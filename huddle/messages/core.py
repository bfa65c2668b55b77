"""Foundation messages: errors, the store, the command line."""

MESSAGES = {
    # identity numbers
    "pnr.format": {
        "en": "Identity number {value!r} is not in a known form (YYYYMMDD-NNNN or YYMMDD-NNNN).",
        "sv": "Personnumret {value!r} har fel form (ÅÅÅÅMMDD-NNNN eller ÅÅMMDD-NNNN).",
    },
    "pnr.checksum": {
        "en": "Identity number {value!r} has a wrong check digit; check for a typo.",
        "sv": "Personnumret {value!r} har fel kontrollsiffra; kontrollera att det är rätt skrivet.",
    },
    "pnr.serial": {
        "en": "Identity number {value!r} has the birth number 000, which is never given; check for a typo.",
        "sv": "Personnumret {value!r} har födelsenumret 000, som aldrig ges ut; kontrollera att det är rätt skrivet.",
    },
    "pnr.date": {
        "en": "Identity number {value!r} does not contain a real date.",
        "sv": "Personnumret {value!r} innehåller inget giltigt datum.",
    },
    "pnr.future": {
        "en": "Identity number {value!r} has a birth date in the future.",
        "sv": "Personnumret {value!r} har ett födelsedatum i framtiden.",
    },
    # fields
    "field.pnr": {"en": "identity number", "sv": "personnummer"},
    "field.name": {"en": "name", "sv": "namn"},
    "field.unit": {"en": "unit", "sv": "enhet"},
    "field.municipality": {"en": "municipality", "sv": "kommun"},
    "field.question": {"en": "question", "sv": "fråga"},
    "field.required": {"en": "The {field} is required.", "sv": "Fältet {field} måste fyllas i."},
    "field.too_long": {
        "en": "The {field} is too long (at most {max} characters).",
        "sv": "Fältet {field} är för långt (högst {max} tecken).",
    },
    "date.bad": {
        "en": "{what}: {value!r} is not a date; write YYYY-MM-DD.",
        "sv": "{what}: {value!r} är inget datum; skriv ÅÅÅÅ-MM-DD.",
    },
    "date.range": {
        "en": "The period starts after it ends ({start} > {end}).",
        "sv": "Perioden börjar efter att den slutar ({start} > {end}).",
    },
    # agenda
    "agenda.duplicate": {
        "en": "{pnr} is already on the agenda for {date} (position {position}); nothing was added.",
        "sv": "{pnr} står redan på agendan för {date} (plats {position}); inget lades till.",
    },
    "agenda.finished": {
        "en": "The huddle on {date} is finished; choose a later date.",
        "sv": "Mötet {date} är avslutat; välj ett senare datum.",
    },
    "agenda.added": {
        "en": "Added {pnr} {name} to the agenda for {date} as number {position}.",
        "sv": "La till {pnr} {name} på agendan för {date} som nummer {position}.",
    },
    "agenda.empty": {"en": "The agenda for {date} is empty.", "sv": "Agendan för {date} är tom."},
    "agenda.title": {"en": "Agenda {date}", "sv": "Agenda {date}"},
    "case.missing": {"en": "Case {case_id} does not exist.", "sv": "Ärende {case_id} finns inte."},
    "case.conflict": {
        "en": "Someone else changed this case just now; reload it and try again. Nothing was overwritten.",
        "sv": "Någon annan ändrade ärendet nyss; läs in det igen och försök på nytt. Inget skrevs över.",
    },
    "case.remove_started": {
        "en": "This case has already been discussed and cannot be removed; defer it instead.",
        "sv": "Ärendet har redan diskuterats och kan inte tas bort; skjut upp det i stället.",
    },
    # csv
    "csv.empty": {"en": "The CSV file is empty.", "sv": "CSV-filen är tom."},
    "csv.no_rows": {"en": "The CSV file has a header but no patients.", "sv": "CSV-filen har rubriker men inga patienter."},
    "csv.too_big": {"en": "The CSV file is too large (over 5 MB).", "sv": "CSV-filen är för stor (över 5 MB)."},
    "csv.encoding": {
        "en": "The CSV file is not UTF-8; save it as 'CSV UTF-8' and try again.",
        "sv": "CSV-filen är inte UTF-8; spara den som 'CSV UTF-8' och försök igen.",
    },
    "csv.header": {
        "en": "The CSV file's first line must be the header {expected}.",
        "sv": "CSV-filens första rad måste vara rubrikerna {expected}.",
    },
    "csv.columns": {
        "en": "Line {line}: expected {expected} columns, found {found}. Nothing was imported.",
        "sv": "Rad {line}: {expected} kolumner förväntades, raden har {found}. Inget importerades.",
    },
    "csv.row": {
        "en": "Line {line}: {reason} Nothing was imported.",
        "sv": "Rad {line}: {reason} Inget importerades.",
    },
    "csv.duplicate": {
        "en": "Line {line}: the same identity number as line {first}. Nothing was imported.",
        "sv": "Rad {line}: samma personnummer som rad {first}. Inget importerades.",
    },
    "csv.syntax": {
        "en": "Line {line}: the CSV cannot be read ({reason}). Nothing was imported.",
        "sv": "Rad {line}: CSV-filen går inte att läsa ({reason}). Inget importerades.",
    },
    "csv.unreadable": {"en": "Cannot read {path}: {reason}", "sv": "Kan inte läsa {path}: {reason}"},
    "import.done": {
        "en": {"one": "Imported {count} patient to the agenda for {date}.",
               "other": "Imported {count} patients to the agenda for {date}."},
        "sv": {"one": "Importerade {count} patient till agendan för {date}.",
               "other": "Importerade {count} patienter till agendan för {date}."},
    },
    # store
    "store.not_huddle": {
        "en": "{path} is not a huddle store; it was left untouched.",
        "sv": "{path} är inte en huddle-databas; filen lämnades orörd.",
    },
    "store.corrupt": {
        "en": "{path} is damaged and cannot be opened ({detail}); it was left untouched. Restore a backup.",
        "sv": "{path} är skadad och kan inte öppnas ({detail}); filen lämnades orörd. Återställ en säkerhetskopia.",
    },
    "store.newer_schema": {
        "en": "{path} was written by a newer huddle (schema {detail}); upgrade huddle. The file was left untouched.",
        "sv": "{path} skrevs av en nyare huddle (schema {detail}); uppgradera huddle. Filen lämnades orörd.",
    },
    "store.needs_upgrade": {
        "en": "{path} needs an upgrade; run 'huddle init'.",
        "sv": "{path} behöver uppgraderas; kör 'huddle init'.",
    },
    "store.missing": {
        "en": "There is no store at {path}; run 'huddle init' first.",
        "sv": "Det finns ingen databas i {path}; kör 'huddle init' först.",
    },
    "store.network_fs": {
        "en": "{path} is on a network file system, where SQLite can lose data; keep the store on the local disk of the host that runs huddle.",
        "sv": "{path} ligger på ett nätverksfilsystem, där SQLite kan tappa data; lägg databasen på den lokala disken på datorn som kör huddle.",
    },
    "store.cannot_create": {
        "en": "Cannot create the store at {path}: {detail}",
        "sv": "Kan inte skapa databasen i {path}: {detail}",
    },
    "store.no_driver": {
        "en": "{path} needs the PostgreSQL driver: pip install 'huddle-tui[postgres]'.",
        "sv": "{path} behöver PostgreSQL-drivrutinen: pip install 'huddle-tui[postgres]'.",
    },
    "store.bad_url": {
        "en": "Not a store address huddle can open: {path} ({detail}).",
        "sv": "Ingen databasadress som huddle kan öppna: {path} ({detail}).",
    },
    "store.pg_auth": {
        "en": "The database server refused the user name or password for {path}; nothing was written.",
        "sv": "Databasservern godtog inte användarnamnet eller lösenordet för {path}; inget sparades.",
    },
    "store.pg_no_database": {
        "en": "The database in {path} does not exist on that server; create it first (see the README).",
        "sv": "Databasen i {path} finns inte på den servern; skapa den först (se README).",
    },
    "store.pg_unreachable": {
        "en": "Cannot reach the database server for {path}: is it running, and are host and port right? ({detail})",
        "sv": "Når inte databasservern för {path}: är den igång, och stämmer värd och port? ({detail})",
    },
    "store.pg_error": {
        "en": "The database server refused to open {path} ({detail}); nothing was written.",
        "sv": "Databasservern vägrade öppna {path} ({detail}); inget sparades.",
    },
    "store.busy": {
        "en": "The store is busy (another writer held it too long); nothing was written, try again.",
        "sv": "Databasen är upptagen (någon annan skrev för länge); inget sparades, försök igen.",
    },
    "store.error": {
        "en": "The store refused the change ({detail}); nothing was written.",
        "sv": "Databasen nekade ändringen ({detail}); inget sparades.",
    },
    "init.created": {"en": "Created a new huddle store at {path}.", "sv": "Skapade en ny huddle-databas i {path}."},
    "init.upgraded": {"en": "Upgraded the huddle store at {path}.", "sv": "Uppgraderade huddle-databasen i {path}."},
    "init.current": {"en": "The huddle store at {path} is up to date.", "sv": "Huddle-databasen i {path} är aktuell."},
    # access
    "access.denied": {
        "en": "Not allowed: this needs the role {roles}.",
        "sv": "Inte tillåtet: detta kräver rollen {roles}.",
    },
    "rule.bad": {"en": "The liability rule {value!r} cannot be read.", "sv": "Betalningsregeln {value!r} går inte att läsa."},
    # command line
    "cli.error_prefix": {"en": "huddle: error:", "sv": "huddle: fel:"},
    "cli.no_such_option": {"en": "Unknown option {name}.", "sv": "Okänt alternativ {name}."},
    "cli.no_such_command": {"en": "Unknown command {name}.", "sv": "Okänt kommando {name}."},
    "cli.missing": {"en": "Missing {param}.", "sv": "{param} saknas."},
    "cli.bad_value": {"en": "Bad value for {param}: {detail}", "sv": "Felaktigt värde för {param}: {detail}"},
    "cli.usage": {"en": "{detail} (see 'huddle --help').", "sv": "{detail} (se 'huddle --help')."},
    "cli.unexpected": {
        "en": "Unexpected error: {detail}. Nothing more was written; run with --debug for details.",
        "sv": "Oväntat fel: {detail}. Inget mer sparades; kör med --debug för detaljer.",
    },
    "cli.interrupted": {"en": "Interrupted.", "sv": "Avbrutet."},
    "cli.needs_terminal": {
        "en": "The app needs a terminal, and this input or output is not one: run a command such as "
        "'huddle agenda' instead, or 'huddle serve' to use the app in a browser.",
        "sv": "Appen behöver en terminal, och in- eller utmatningen här är ingen: kör ett kommando som "
        "'huddle agenda' i stället, eller 'huddle serve' för att använda appen i en webbläsare.",
    },
    # table headings
    "col.position": {"en": "#", "sv": "#"},
    "col.pnr": {"en": "Identity no.", "sv": "Personnummer"},
    "col.name": {"en": "Name", "sv": "Namn"},
    "col.unit": {"en": "Unit", "sv": "Enhet"},
    "col.municipality": {"en": "Municipality", "sv": "Kommun"},
    "col.question": {"en": "Question", "sv": "Fråga"},
    "col.state": {"en": "State", "sv": "Status"},
    "state.waiting": {"en": "waiting", "sv": "väntar"},
    "state.active": {"en": "active", "sv": "pågår"},
    "state.done": {"en": "done", "sv": "klar"},
    "state.deferred": {"en": "deferred", "sv": "uppskjuten"},
    # demo
    "demo.seeded": {
        "en": "Demo store for Kalmar county at {path}: {huddles} huddles, {cases} cases (fictitious patients).",
        "sv": "Demodatabas för Kalmar län i {path}: {huddles} möten, {cases} ärenden (påhittade patienter).",
    },
    "demo.making": {
        "en": "Making a demo store at {path} (fictitious patients)…",
        "sv": "Skapar en demodatabas i {path} (påhittade patienter)…",
    },
    "demo.progress": {
        "en": "Meeting days written: {done} of {total}",
        "sv": "Mötesdagar skrivna: {done} av {total}",
    },
    "demo.not_empty": {
        "en": "{path} already holds data; the demo only seeds an empty store or its own demo file.",
        "sv": "{path} innehåller redan data; demon fyller bara en tom databas eller sin egen demofil.",
    },
}
