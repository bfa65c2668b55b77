"""Access, audit, retention and backup messages."""

MESSAGES = {
    # users and sign-in
    "access.single_user": {
        "en": "This store has no users: single-user mode, the local user '{name}' acts with every role. "
        "Add an admin with 'huddle user add' to require sign-in.",
        "sv": "Databasen har inga användare: enanvändarläge, den lokala användaren '{name}' har alla roller. "
        "Lägg till en administratör med 'huddle user add' för att kräva inloggning.",
    },
    "access.user_ignored": {
        "en": "This store has no users (single-user mode); --user was ignored.",
        "sv": "Databasen har inga användare (enanvändarläge); --user ignorerades.",
    },
    "access.need_user": {
        "en": "This store has users: sign in with --user NAME (password from a prompt or HUDDLE_PASSWORD).",
        "sv": "Databasen har användare: logga in med --user NAMN (lösenord via fråga eller HUDDLE_PASSWORD).",
    },
    "access.bad_login": {
        "en": "Unknown user or wrong password; nothing was done.",
        "sv": "Okänd användare eller fel lösenord; inget gjordes.",
    },
    "access.locked": {
        "en": "Too many wrong passwords for this user; try again in {minutes} minutes or ask an administrator.",
        "sv": "För många felaktiga lösenord för användaren; försök igen om {minutes} minuter eller fråga en administratör.",
    },
    "access.disabled": {
        "en": "The user {username} is disabled; ask an administrator.",
        "sv": "Användaren {username} är avstängd; fråga en administratör.",
    },
    "access.password_prompt": {"en": "Password for {username}", "sv": "Lösenord för {username}"},
    "access.new_password_prompt": {"en": "New password for {username}", "sv": "Nytt lösenord för {username}"},
    "access.repeat_password": {"en": "Repeat the password", "sv": "Upprepa lösenordet"},
    "access.password_short": {
        "en": "The password is too short (at least {min} characters).",
        "sv": "Lösenordet är för kort (minst {min} tecken).",
    },
    "access.username_bad": {
        "en": "User name {value!r} is not allowed: 1-60 letters, digits, '.', '_' or '-'.",
        "sv": "Användarnamnet {value!r} är inte tillåtet: 1-60 bokstäver, siffror, '.', '_' eller '-'.",
    },
    "access.username_taken": {
        "en": "The user name {username} is already taken; nothing was added.",
        "sv": "Användarnamnet {username} är upptaget; inget lades till.",
    },
    "access.unknown_user": {"en": "There is no user {username}.", "sv": "Det finns ingen användare {username}."},
    "access.role_bad": {
        "en": "Unknown role {value!r}; roles are nurse, facilitator, manager, admin.",
        "sv": "Okänd roll {value!r}; roller är nurse, facilitator, manager, admin.",
    },
    "access.no_roles": {"en": "Give the user at least one --role.", "sv": "Ge användaren minst en --role."},
    "access.first_admin": {
        "en": "The first user must have the admin role, or nobody could manage users afterwards; nothing was added.",
        "sv": "Den första användaren måste ha rollen admin, annars kan ingen hantera användare efteråt; inget lades till.",
    },
    "access.last_admin": {
        "en": "{username} is the last active admin and cannot be disabled; add another admin first.",
        "sv": "{username} är den sista aktiva administratören och kan inte stängas av; lägg till en annan först.",
    },
    "access.user_added": {
        "en": "Added user {username} ({roles}). Sign-in is now required for this store.",
        "sv": "La till användaren {username} ({roles}). Inloggning krävs nu för databasen.",
    },
    "access.user_disabled": {"en": "Disabled user {username}.", "sv": "Stängde av användaren {username}."},
    "access.user_enabled": {"en": "Enabled user {username}.", "sv": "Aktiverade användaren {username}."},
    "access.password_changed": {"en": "Changed the password of {username}.", "sv": "Bytte lösenord för {username}."},
    "access.users_title": {"en": "Users", "sv": "Användare"},
    "access.col.username": {"en": "User", "sv": "Användare"},
    "access.col.name": {"en": "Name", "sv": "Namn"},
    "access.col.organisation": {"en": "Organisation", "sv": "Organisation"},
    "access.col.profession": {"en": "Profession", "sv": "Yrke"},
    "access.field.profession": {"en": "profession", "sv": "yrke"},
    "access.col.roles": {"en": "Roles", "sv": "Roller"},
    "access.col.active": {"en": "Active", "sv": "Aktiv"},
    "access.yes": {"en": "yes", "sv": "ja"},
    "access.no": {"en": "no", "sv": "nej"},
    # sign-in screen
    "access.signin.title": {"en": "Sign in to huddle", "sv": "Logga in i huddle"},
    "access.signin.username": {"en": "User name", "sv": "Användarnamn"},
    "access.signin.password": {"en": "Password", "sv": "Lösenord"},
    "access.signin.button": {"en": "Sign in", "sv": "Logga in"},
    "access.signin.quit": {"en": "Quit", "sv": "Avsluta"},
    "access.signin.checking": {"en": "Checking…", "sv": "Kontrollerar…"},
    "access.signin.help": {
        "en": "Enter: sign in · Escape: quit",
        "sv": "Enter: logga in · Escape: avsluta",
    },
    # audit
    "audit.need_mode": {
        "en": "Say what to print: --patient PNR, or --sample N with --from and --to.",
        "sv": "Ange vad som ska skrivas ut: --patient PNR, eller --sample N med --from och --to.",
    },
    "audit.both_modes": {
        "en": "Use either --patient or --sample, not both.",
        "sv": "Använd antingen --patient eller --sample, inte båda.",
    },
    "audit.need_period": {
        "en": "--sample needs --from and --to (YYYY-MM-DD).",
        "sv": "--sample kräver --from och --to (ÅÅÅÅ-MM-DD).",
    },
    "audit.sample_size": {
        "en": "--sample must be between 1 and {max}.",
        "sv": "--sample måste vara mellan 1 och {max}.",
    },
    "audit.no_patient": {
        "en": "No patient with identity number or pseudonym {value} in this store.",
        "sv": "Ingen patient med personnummer eller pseudonym {value} i databasen.",
    },
    "audit.extract_title": {
        "en": {"one": "Access log for {who} ({count} event)", "other": "Access log for {who} ({count} events)"},
        "sv": {"one": "Loggutdrag för {who} ({count} händelse)", "other": "Loggutdrag för {who} ({count} händelser)"},
    },
    "audit.sample_title": {
        "en": "Spot check: {count} of {total} events {start} to {end}",
        "sv": "Stickprov: {count} av {total} händelser {start} till {end}",
    },
    "audit.none": {"en": "No events.", "sv": "Inga händelser."},
    "audit.col.at": {"en": "When", "sv": "När"},
    "audit.col.actor": {"en": "Who", "sv": "Vem"},
    "audit.col.username": {"en": "User", "sv": "Användare"},
    "audit.col.organisation": {"en": "Organisation", "sv": "Organisation"},
    "audit.col.action": {"en": "Action", "sv": "Åtgärd"},
    "audit.col.what": {"en": "What", "sv": "Vad"},
    "audit.col.patient": {"en": "Patient", "sv": "Patient"},
    "audit.col.huddle_date": {"en": "Huddle", "sv": "Möte"},
    # retention
    "retention.done": {
        "en": {"one": "Retention ({days} days): pseudonymised {count} patient; statistics unchanged.",
               "other": "Retention ({days} days): pseudonymised {count} patients; statistics unchanged."},
        "sv": {"one": "Gallring ({days} dagar): pseudonymiserade {count} patient; statistiken oförändrad.",
               "other": "Gallring ({days} dagar): pseudonymiserade {count} patienter; statistiken oförändrad."},
    },
    "retention.days_bad": {
        "en": "--days must be between {min} and {max}.",
        "sv": "--days måste vara mellan {min} och {max}.",
    },
    # backup
    "backup.done": {
        "en": "Backed up {source} to {dest} ({size} bytes); check: ok. Only you can read the copy.",
        "sv": "Säkerhetskopierade {source} till {dest} ({size} byte); kontroll: ok. Bara du kan läsa kopian.",
    },
    "backup.exists": {
        "en": "{dest} already exists; choose a new file name (nothing was overwritten).",
        "sv": "{dest} finns redan; välj ett nytt filnamn (inget skrevs över).",
    },
    "backup.same_file": {
        "en": "The backup cannot be the store itself.",
        "sv": "Säkerhetskopian kan inte vara själva databasen.",
    },
    "backup.cannot_write": {
        "en": "Cannot write the backup {dest}: {reason}",
        "sv": "Kan inte skriva säkerhetskopian {dest}: {reason}",
    },
    "backup.failed_check": {
        "en": "The copy {dest} failed the integrity check ({detail}); it was removed. The store itself was not changed.",
        "sv": "Kopian {dest} klarade inte integritetskontrollen ({detail}); den togs bort. Databasen ändrades inte.",
    },
    "backup.no_pg_dump": {
        "en": "A PostgreSQL store is backed up with pg_dump and checked with pg_restore, and neither is "
        "installed here: apt-get install postgresql-client (nothing was written).",
        "sv": "En PostgreSQL-databas säkerhetskopieras med pg_dump och kontrolleras med pg_restore, och inget "
        "av dem finns här: apt-get install postgresql-client (inget skrevs).",
    },
    "backup.pg_dump_failed": {
        "en": "pg_dump could not copy the store ({detail}); nothing was written.",
        "sv": "pg_dump kunde inte kopiera databasen ({detail}); inget skrevs.",
    },
}
