"""Writing output safely.

A file is written to a temporary name beside its target, then renamed into place, so nobody ever
sees half a file. A set of files that belong together (an issue's pages, its whole-issue file and its
reports) is written into a fresh folder beside the one it replaces and swapped in whole, under a lock
that every writer of that folder holds: a failed, killed or interrupted render leaves the previous set
as it was, and two renders at once leave one set or the other, never a mix.

Also here: the names no file system here takes (refused before anything is written), and what an
operating-system error means, in words, naming the path."""

from __future__ import annotations

import errno
import fcntl
import os
import secrets
import shutil
import signal
import tempfile
import threading
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Callable, Iterator

from .errors import LayoutError

NAME_MAX = 255          # bytes in one name of a path, on every file system the engine writes to


def atomic_write(target: Path, write: Callable[[str], None]) -> None:
    """Call ``write(temporary_path)`` and rename the result to ``target``."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = None
    try:
        with signals_deferred():       # made and named at once: a stop cannot come in between
            fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
            os.close(fd)
        write(tmp)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes the file private; output is for sharing
        os.replace(tmp, target)
    except BaseException as exc:
        if tmp is not None:
            with signals_deferred(), suppress(OSError):   # a second signal must not leave it behind
                os.unlink(tmp)
        if isinstance(exc, OSError) and exc.filename is None:
            # A failed write() (a full disk) names no file: name the one being written.
            raise OSError(exc.errno, exc.strerror, os.fspath(target)) from exc
        raise


def atomic_write_text(target: Path, text: str) -> None:
    def write(tmp: str) -> None:
        Path(tmp).write_text(text, encoding="utf-8")

    atomic_write(target, write)


def remove_temporary_files(folder: Path) -> int:
    """The temporary files a killed writer left in ``folder`` (call it holding the folder's lock)."""
    removed = 0
    with suppress(OSError):
        for name in os.listdir(folder):
            if name.startswith(".") and name.endswith(".part"):
                with suppress(OSError):
                    os.unlink(folder / name)
                    removed += 1
    return removed


# --- names and errors ----------------------------------------------------------------------------

def check_path_name(path: Path | str, what: str = "path") -> None:
    """Refuse, in one line, a path no file can have here: a NUL character, a name of more than 255
    bytes, or bytes that are not UTF-8 (a name from a file system written in another encoding)."""
    text = os.fspath(path)
    if "\0" in text:
        raise LayoutError(f"{text}: the {what} holds a NUL character, which no file name may hold")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise LayoutError(f"{text}: the {what} is not UTF-8 text (its undecodable bytes are shown as \\xNN); "
                          f"rename the file or folder") from None
    for name in Path(text).parts:
        size = len(name.encode("utf-8"))
        if size > NAME_MAX:
            raise LayoutError(f"{text}: a name in the {what} is {size} bytes long; a file system allows "
                              f"{NAME_MAX}")


# What an OSError means, for the person who can do something about it. Anything else is a fault of
# the engine and is reported as one.
CAUSES = {
    errno.EACCES: "permission denied",
    errno.EPERM: "operation not permitted",
    errno.EROFS: "the file system is read-only",
    errno.ENOSPC: "no space left on the device",
    errno.EDQUOT: "the disk quota is used up",
    errno.EFBIG: "the file is too large for the file system",
    errno.ENOENT: "no such file or folder",
    errno.ENOTDIR: "a part of the path is a file, not a folder",
    errno.EISDIR: "it is a folder, not a file",
    errno.ENAMETOOLONG: f"a name in the path is too long ({NAME_MAX} bytes at most)",
    errno.EEXIST: "something is already there",
    errno.ENOTEMPTY: "the folder is not empty",
    errno.ELOOP: "too many symbolic links",
    errno.EMFILE: "too many open files",
    errno.ENFILE: "too many open files in the system",
    errno.EIO: "input/output error (the disk or the network share failed)",
    errno.EBUSY: "the file or folder is busy",
    errno.EXDEV: "it is on another file system",
    errno.ESTALE: "the network share went away",
}


def is_environmental(exc: BaseException) -> bool:
    """Is this an error of the machine (permissions, space, names) rather than of the engine?"""
    return isinstance(exc, OSError) and exc.errno in CAUSES


def os_error(exc: OSError, doing: str | None = None, path: Path | str | None = None) -> LayoutError:
    """``exc`` as one line: the path, what was being done (if known) and the cause in words."""
    where = path if path is not None else exc.filename
    cause = CAUSES.get(exc.errno) or (exc.strerror or str(exc)).lower()
    said = f"cannot {doing}: {cause}" if doing else cause
    return LayoutError(f"{where}: {said}" if where is not None else said)


# --- signals -------------------------------------------------------------------------------------

@contextmanager
def signals_deferred() -> Iterator[None]:
    """Hold SIGINT, SIGTERM and SIGHUP until the block is done: for the few steps (a swap, a cleanup)
    that must not be cut in two. Their handlers run as soon as the block ends."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    held = {signal.SIGINT, signal.SIGTERM, signal.SIGHUP}
    before = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, before)


# --- folders replaced whole ----------------------------------------------------------------------

class FolderLock:
    """An exclusive lock for writing ``folder`` (flock on ``.<name>.lock`` beside it), held by every
    process that writes there. The kernel releases it when its holder dies, even by SIGKILL; the lock
    file is removed on release, and a waiter that then finds it gone or replaced locks again."""

    def __init__(self, folder: Path):
        self.path = folder.parent / f".{folder.name}.lock"
        self.fd: int | None = None

    def __enter__(self) -> FolderLock:
        while True:
            fd = None
            try:
                with signals_deferred():
                    fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o666)
                fcntl.flock(fd, fcntl.LOCK_EX)
                if self._is_current(fd):
                    self.fd = fd
                    return self
            except BaseException:        # stopped on the way: leave no lock file nobody holds
                if fd is not None:
                    self._remove_if_free(fd)
                raise
            os.close(fd)   # its holder removed it as we waited: lock the one there now

    def _is_current(self, fd: int) -> bool:
        held = os.fstat(fd)
        try:
            now = os.stat(self.path)
        except FileNotFoundError:
            return False
        return (now.st_dev, now.st_ino) == (held.st_dev, held.st_ino)

    def _remove_if_free(self, fd: int) -> None:
        with signals_deferred():
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                if self._is_current(fd):
                    os.unlink(self.path)
            except OSError:
                pass
            finally:
                os.close(fd)

    def __exit__(self, *exc) -> None:
        with signals_deferred():
            with suppress(OSError):
                os.unlink(self.path)
            if self.fd is not None:
                os.close(self.fd)
                self.fd = None


def leftovers(folder: Path) -> list[Path]:
    """Temporary folders of ``folder``'s swaps (``.<name>.new-…``, ``.<name>.old-…``) a killed writer
    left beside it."""
    marks = (f".{folder.name}.new-", f".{folder.name}.old-")
    try:
        names = os.listdir(folder.parent)
    except (FileNotFoundError, NotADirectoryError):
        return []
    return [folder.parent / n for n in names if n.startswith(marks)]


def recover(folder: Path) -> int:
    """Call holding ``folder``'s lock: after a writer killed mid-swap, put the previous set back if it
    had been moved aside and nothing took its place, then remove the temporary folders. Returns how many
    were removed."""
    found = leftovers(folder)
    if not os.path.lexists(folder):
        aside = [p for p in found if p.name.startswith(f".{folder.name}.old-")]
        if aside:
            previous = max(aside, key=lambda p: p.stat().st_mtime_ns)
            os.rename(previous, folder)
            found.remove(previous)
    with signals_deferred():
        for path in found:
            shutil.rmtree(path, ignore_errors=True)
    return len(found)


def staging_folder(folder: Path) -> Path:
    """A fresh, empty folder beside ``folder`` to write its next set into."""
    path = folder.parent / f".{folder.name}.new-{os.getpid()}-{secrets.token_hex(4)}"
    os.mkdir(path)
    return path


def discard(path: Path) -> None:
    """Remove a temporary folder whole, whatever signal comes meanwhile."""
    with signals_deferred():
        shutil.rmtree(path, ignore_errors=True)


def swap_in(staging: Path, folder: Path) -> None:
    """Put ``staging`` in ``folder``'s place, then remove what was there. On Linux the two trade places in
    one step (renameat2 RENAME_EXCHANGE), so a reader always finds one whole set; elsewhere ``folder``
    is moved aside first, and for that instant is missing (``recover`` puts it back if the writer dies
    in between)."""
    with signals_deferred():
        if not os.path.lexists(folder):
            os.rename(staging, folder)
            return
        if _exchange(staging, folder):
            shutil.rmtree(staging, ignore_errors=True)
            return
        aside = folder.parent / f".{folder.name}.old-{os.getpid()}-{secrets.token_hex(4)}"
        os.rename(folder, aside)
        try:
            os.rename(staging, folder)
        except BaseException:
            os.rename(aside, folder)
            raise
        shutil.rmtree(aside, ignore_errors=True)


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically; False where the system cannot (then nothing has changed)."""
    import ctypes     # here: only a render swaps a folder in (`layout check` never loads it)

    # The C library already loaded: renameat2 where it has it.
    renameat2 = getattr(ctypes.CDLL(None, use_errno=True), "renameat2", None)
    if renameat2 is None:
        return False
    if renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):   # an old kernel, a file system without it
        return False
    raise OSError(code, os.strerror(code), os.fspath(b))


def link_tree(source: Path, target: Path) -> None:
    """Copy a folder by hard links (its files are never written in place — every write is a new file
    renamed over the old — so two folders may share them), by copying where links are not possible."""
    shutil.copytree(source, target, symlinks=True, copy_function=link_file)


def link_file(source: Path | str, target: Path | str) -> None:
    """A hard link, or a copy where the file system has none."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)
