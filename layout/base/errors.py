"""The engine's one error type: every failure a user can cause ends here."""


class LayoutError(Exception):
    """A failure with a message fit for the layout editor: file, line, key, what is valid.

    The message is one line: what it quotes from the user's files (a key, a value, a path) may
    hold line breaks or other control characters, and those are shown escaped (\\n)."""

    def __init__(self, message: str = "", *args):
        if isinstance(message, str) and not message.isprintable():
            message = "".join(ch if ch.isprintable() else ch.encode("unicode_escape").decode("ascii")
                              for ch in message)
        super().__init__(message, *args)
