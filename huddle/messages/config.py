"""Settings on the command line: ``huddle settings``."""

MESSAGES = {
    "settings.unknown": {
        "en": "There is no setting {name!r}; the settings are: {names}.",
        "sv": "Det finns ingen inställning {name!r}; inställningarna är: {names}.",
    },
    "settings.bad_value": {
        "en": "{value} is not a valid value for {name}; nothing was changed.",
        "sv": "{value} är inget giltigt värde för {name}; inget ändrades.",
    },
    "settings.set": {"en": "{name} is now {value}.", "sv": "{name} är nu {value}."},
    "settings.col.name": {"en": "Setting", "sv": "Inställning"},
    "settings.col.value": {"en": "Value", "sv": "Värde"},
    "settings.title": {"en": "Settings of this store", "sv": "Databasens inställningar"},
}
