"""Sign-in at the identity provider (OpenID Connect): settings, the device code, refusals."""

MESSAGES = {
    # configuration (huddle oidc)
    "oidc.unknown_option": {
        "en": "Unknown identity-provider option '{name}'; the options are: {names}.",
        "sv": "Okänt alternativ för identitetsleverantören '{name}'; alternativen är: {names}.",
    },
    "oidc.secret_not_here": {
        "en": "The client secret is never given on a command line: set secret_env (an environment variable's name) "
        "or secret_file (a file only its owner can read).",
        "sv": "Klienthemligheten anges aldrig på en kommandorad: ange secret_env (namnet på en miljövariabel) "
        "eller secret_file (en fil som bara ägaren kan läsa).",
    },
    "oidc.bad_value": {
        "en": "'{value}' is not a valid value for {name}; nothing was changed.",
        "sv": "'{value}' är inget giltigt värde för {name}; inget ändrades.",
    },
    "oidc.role_map_bad": {
        "en": "Role map entry '{part}' is not VALUE=ROLE[,ROLE]; nothing was changed.",
        "sv": "Rollmappningen '{part}' är inte VÄRDE=ROLL[,ROLL]; inget ändrades.",
    },
    "oidc.issuer_https": {
        "en": "The issuer must be an https URL (plain http only on this machine's loopback address).",
        "sv": "Utfärdaren måste vara en https-adress (okrypterad http bara på den här datorns loopback-adress).",
    },
    "oidc.set": {"en": "Identity provider: {name} set.", "sv": "Identitetsleverantör: {name} är satt."},
    "oidc.title": {"en": "Identity provider (OpenID Connect)", "sv": "Identitetsleverantör (OpenID Connect)"},
    "oidc.col.name": {"en": "Option", "sv": "Alternativ"},
    "oidc.col.value": {"en": "Value", "sv": "Värde"},
    "oidc.not_configured": {
        "en": "No identity provider is configured for this store (huddle oidc set issuer URL; client_id ID).",
        "sv": "Ingen identitetsleverantör är inställd för databasen (huddle oidc set issuer URL; client_id ID).",
    },
    "oidc.secret_missing_env": {
        "en": "The client secret's environment variable {name} is not set; sign-in is not possible.",
        "sv": "Miljövariabeln {name} med klienthemligheten är inte satt; inloggning går inte.",
    },
    "oidc.secret_missing_file": {
        "en": "The client secret's file {path} cannot be read; sign-in is not possible.",
        "sv": "Filen {path} med klienthemligheten kan inte läsas; inloggning går inte.",
    },
    "oidc.secret_file_open": {
        "en": "The client secret's file {path} can be read by others than its owner; refused (chmod 600 it).",
        "sv": "Filen {path} med klienthemligheten kan läsas av andra än ägaren; vägras (chmod 600).",
    },
    "oidc.provider_unreachable": {
        "en": "The identity provider cannot be reached or answered wrongly ({detail}); nobody was signed in.",
        "sv": "Identitetsleverantören svarar inte eller svarade fel ({detail}); ingen loggades in.",
    },
    "oidc.no_device_flow": {
        "en": "The identity provider offers no device sign-in (RFC 8628) for terminals.",
        "sv": "Identitetsleverantören erbjuder ingen enhetsinloggning (RFC 8628) för terminaler.",
    },
    "oidc.cancelled": {"en": "Sign-in cancelled.", "sv": "Inloggningen avbröts."},
    # the device code, in the terminal
    "oidc.device.show": {
        "en": "To sign in, open {url} in any browser and enter the code {code} (valid {minutes} minutes).",
        "sv": "Logga in: öppna {url} i valfri webbläsare och ange koden {code} (giltig i {minutes} minuter).",
    },
    "oidc.device.direct": {"en": "Or open directly: {url}", "sv": "Eller öppna direkt: {url}"},
    "oidc.device.waiting": {
        "en": "Waiting for the sign-in in the browser…", "sv": "Väntar på inloggningen i webbläsaren…",
    },
    "oidc.signed_in": {
        "en": "Signed in as {name} ({organisation}, {hsa_id}).",
        "sv": "Inloggad som {name} ({organisation}, {hsa_id}).",
    },
    "oidc.screen.title": {"en": "Sign in at the identity provider", "sv": "Logga in hos identitetsleverantören"},
    "oidc.screen.starting": {
        "en": "Asking the identity provider for a code…", "sv": "Ber identitetsleverantören om en kod…",
    },
    "oidc.screen.code": {"en": "Code: {code}", "sv": "Kod: {code}"},
    "oidc.screen.open": {
        "en": "Open {url} in any browser and enter the code above.",
        "sv": "Öppna {url} i valfri webbläsare och ange koden ovan.",
    },
    "oidc.screen.again": {"en": "Try again", "sv": "Försök igen"},
    "oidc.screen.quit": {"en": "Quit", "sv": "Avsluta"},
    # refusals (one line each; also in the access log, without the token)
    "oidc.refused.issuer": {
        "en": "Sign-in refused: the answer did not come from the configured identity provider (wrong issuer).",
        "sv": "Inloggningen vägrades: svaret kom inte från den inställda identitetsleverantören (fel utfärdare).",
    },
    "oidc.refused.signature": {
        "en": "Sign-in refused: the identity provider's token is not validly signed (tampered or a foreign key).",
        "sv": "Inloggningen vägrades: identitetsleverantörens token är inte giltigt signerad (ändrad eller okänd nyckel).",
    },
    "oidc.refused.expired": {
        "en": "Sign-in refused: the identity provider's token has expired; sign in again.",
        "sv": "Inloggningen vägrades: identitetsleverantörens token har gått ut; logga in igen.",
    },
    "oidc.refused.token": {
        "en": "Sign-in refused: the identity provider's token is not valid for huddle ({claim}).",
        "sv": "Inloggningen vägrades: identitetsleverantörens token gäller inte för huddle ({claim}).",
    },
    "oidc.refused.claim": {
        "en": "Sign-in refused: the identity provider did not send the claim {claim}; ask an administrator.",
        "sv": "Inloggningen vägrades: identitetsleverantören skickade inte uppgiften {claim}; fråga en administratör.",
    },
    "oidc.refused.role": {
        "en": "Sign-in refused: your assignment gives no role in huddle; ask an administrator.",
        "sv": "Inloggningen vägrades: ditt uppdrag ger ingen roll i huddle; fråga en administratör.",
    },
    "oidc.refused.declined": {
        "en": "Sign-in refused: the identity provider did not confirm the sign-in.",
        "sv": "Inloggningen vägrades: identitetsleverantören bekräftade inte inloggningen.",
    },
    "oidc.refused.timeout": {
        "en": "Sign-in refused: the code was not confirmed in time; start again.",
        "sv": "Inloggningen vägrades: koden bekräftades inte i tid; börja om.",
    },
    # huddle serve behind the identity provider
    "oidc.web.need_sign_in": {
        "en": "Sign in at the identity provider first.", "sv": "Logga in hos identitetsleverantören först.",
    },
    "oidc.web.signed_out": {
        "en": "You are signed out of huddle.", "sv": "Du är utloggad från huddle.",
    },
    "oidc.web.sign_in_again": {"en": "Sign in again", "sv": "Logga in igen"},
    # the video room's page behind the identity provider (collected by the room with its other page texts)
    "room.page.refused_sign_in": {
        "en": "Your sign-in has ended; reload the page to sign in again.",
        "sv": "Din inloggning har upphört; ladda om sidan för att logga in igen.",
    },
    "oidc.only": {
        "en": "This store accepts sign-in at the identity provider only; local passwords are refused.",
        "sv": "Databasen tar bara emot inloggning hos identitetsleverantören; lokala lösenord vägras.",
    },
}
