"""Domain errors of the knowledge base; the CLI and the app translate them at the edge."""


class KBError(Exception):
    """Base of every error the library raises on purpose; its message is one line for a user."""


class IndexMissing(KBError):
    pass


class IndexStale(KBError):
    pass


class IndexCorrupt(KBError):
    pass


class IndexBusy(KBError):
    """Another process holds the index's writer lock."""


class ModelMismatch(KBError):
    pass


class ModelUnavailable(KBError):
    pass


class BadQuery(KBError):
    pass


class BackendUnavailable(KBError):
    pass


class ConfigError(KBError):
    """A configuration file or KB_* variable that cannot be used: names the file or variable, the key and what was expected."""
