"""The engine's one error type: every failure a user can cause ends here."""


class LayoutError(Exception):
    """A failure with a message fit for the layout editor: file, line, key, what is valid."""
