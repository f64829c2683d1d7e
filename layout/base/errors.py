"""The engine's one error type: every failure a user can cause ends here; and the stop a signal asks
for, which unwinds the way Ctrl-C does."""

from __future__ import annotations

import signal

# A run of characters with no space in it longer than this (a pasted paragraph, a runaway YAML value,
# a path from a script gone wrong) is shown by its head and its tail: a message is read by a person.
# What is shown is shorter than the limit, so a message quoted in another is not cut again.
LONGEST_WORD = 120
WORD_HEAD, WORD_TAIL = 70, 25
# Past this the message itself is cut: one line, not a screenful.
LONGEST_MESSAGE = 1500


class LayoutError(Exception):
    """A failure with a message fit for the layout editor: file, line, key, what is valid.

    The message is one line: what it quotes from the user's files (a key, a value, a path) may
    hold line breaks or other control characters, and those are shown escaped (\\n); bytes of a
    file name that are not UTF-8 are shown as \\xff; a value too long to read is cut in its middle."""

    def __init__(self, message: str = "", *args):
        if isinstance(message, str):
            message = readable_line(message)
        super().__init__(message, *args)


def readable_line(message: str) -> str:
    """``message`` as one printable line of a readable length."""
    if not message.isprintable():
        message = "".join(_escaped(ch) for ch in message)
    if len(message) > LONGEST_WORD:
        message = " ".join(_cut(word) for word in message.split(" "))
    if len(message) > LONGEST_MESSAGE:
        message = f"{message[:LONGEST_MESSAGE]}… ({len(message) - LONGEST_MESSAGE} more characters)"
    return message


def _escaped(ch: str) -> str:
    if ch.isprintable():
        return ch
    if "\udc80" <= ch <= "\udcff":       # a byte of a file name that is not UTF-8 (surrogateescape)
        return f"\\x{ord(ch) - 0xDC00:02x}"
    return ch.encode("unicode_escape").decode("ascii")


def _cut(word: str) -> str:
    if len(word) <= LONGEST_WORD:
        return word
    return f"{word[:WORD_HEAD]}…[{len(word) - WORD_HEAD - WORD_TAIL} characters]…{word[-WORD_TAIL:]}"


class Stopped(SystemExit):
    """A stop asked for by a signal (SIGTERM, SIGHUP), raised where the process is so that it unwinds
    as Ctrl-C does: temporary files and folders are removed and locks released on the way out. Not an
    Exception, so no ``except Exception`` swallows it; a SystemExit, so a batch worker stopped by it
    exits quietly (multiprocessing prints no traceback for SystemExit). Exit status 128 + signal."""

    def __init__(self, signum: int):
        super().__init__(128 + signum)
        self.signum = signum


def stop_on_signals() -> dict:
    """From now on SIGTERM and SIGHUP raise Stopped and SIGINT raises KeyboardInterrupt; a second
    signal is ignored, so that it cannot cut short the cleanup the first one started. Returns the
    handlers that were in place (for ``signal.signal``), for a caller that must put them back."""
    caught = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)

    def stop(signum, frame):
        for number in caught:
            signal.signal(number, signal.SIG_IGN)
        if signum == signal.SIGINT:
            raise KeyboardInterrupt
        raise Stopped(signum)

    return {number: signal.signal(number, stop) for number in caught}
