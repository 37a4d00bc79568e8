"""The one exception readers raise for an input they cannot use."""


class InputError(Exception):
    """The file exists but cannot be read as a document; the message says why."""
