"""Exceptions of nanoreach: the C++ core's errors with the program's messages.

Error        anything nanoreach refuses (a base class; RuntimeError)
InputError   something given is wrong: a file, an edge, a value (also a ValueError)
ConfigError  an experiment key is unknown, mistyped or out of range (also a ValueError); .key names
             the key ("graph.people", "strategy.nano.k") and .line the TOML line (0 when unknown)

The messages are the ones `nanoreach` prints after "error:", so a notebook and the program say the
same thing about the same mistake.
"""


class Error(RuntimeError):
    """nanoreach refused the request; the message says what and why."""


class InputError(Error, ValueError):
    """A file, edge or value given to nanoreach is wrong; the message names it."""


class ConfigError(Error, ValueError):
    """An experiment key is unknown, mistyped or out of range."""

    def __init__(self, message: str, key: str = "", line: int = 0):
        super().__init__(message)
        self.key = key
        self.line = line
