"""What the print shop receives, and how it is written: the files under the names the template sets,
each PDF preflighted under a temporary name before it is put in place, every page's revision (so a
corrected page carries a later ModDate than the version it replaces), and the manifest of the
folder with every file's checksum.

Proofs go to a folder of their own (``proof/`` inside the issue's folder) and are marked as proofs in
their names and their Info, so a proof never sits beside a press file and never passes as one.

An issue's files are replaced as a whole or not at all (``replaced_whole``): a render writes them
into a fresh folder beside the issue's, checks them, and swaps it in, holding the issue folder's lock,
which every writer of the folder — press render, proof, watch — holds while it writes."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
from contextlib import contextmanager
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Iterator

from ..base.errors import LayoutError
from ..base.files import (FolderLock, atomic_write, atomic_write_text, check_path_name, discard, leftovers,
                          link_file, link_tree, os_error, recover, signals_deferred, staging_folder, swap_in)
from ..fonts.faces import FontSet
from ..issue.model import Issue
from ..issue.photos import content_digest
from ..page.assemble import IssueLayout, PageLayout
from ..page.items import Picture, SuppliedPage
from ..pdf.writer import draw_page, prepare_fonts, write_document

PROOF_FOLDER = "proof"
MANIFEST = "manifest.json"
CHECKSUMS = "SHA256SUMS"


def page_filename(issue: Issue, number: int, proof: bool = False) -> str:
    """The print shop's name for a page, from the template's pattern (…-proof.pdf for a proof)."""
    return _checked_name(issue.file_name(issue.template.printing.page_file, number, proof), issue)


def issue_filename(issue: Issue, proof: bool = False) -> str:
    """The whole issue in one file, for editors."""
    return _checked_name(issue.file_name(issue.template.printing.issue_file, None, proof), issue)


def _checked_name(name: str, issue: Issue) -> str:
    """A name from the template's pattern that no file system would take (too long: a long paper code)
    stops the render before anything is written, not after some pages are."""
    try:
        check_path_name(name, "file name the template's print: pattern makes")
    except LayoutError as exc:
        raise LayoutError(f"{issue.path}: {exc}") from None
    return name


def _write_file(path: str, write) -> None:
    with open(path, "wb") as f:
        write(f)


def preflight_rules():
    """The preflight, imported when the first file is written, with signals held meanwhile: should it
    load pikepdf (a file its own reader declines), a stop in the middle of a C extension's
    initialisation crashes it (nanobind prints "Critical error") instead of unwinding."""
    with signals_deferred():
        from ..preflight import rules
    return rules


@dataclass(frozen=True)
class CheckedFile:
    """A PDF as written and preflighted: the checksum and size of the bytes the preflight read, and
    what it found (with the limits it used) and the pages' figures, for the shop's report."""

    sha256: str
    bytes: int
    limits: object
    findings: list
    figures: list


def _checked(target: Path, printing, write_pdf, proof: bool) -> CheckedFile:
    """Write a PDF under a temporary name, preflight it, and only then put it in place. The file is
    read once: the preflight reads those bytes, and the manifest's checksum is made of them (the set
    is checked against the manifest again before it replaces the folder)."""
    preflight = preflight_rules()
    done: list[CheckedFile] = []

    def write(tmp: str) -> None:
        _write_file(tmp, write_pdf)
        with open(tmp, "rb") as f:
            data = f.read()
        limits = preflight.Limits(printing.ink_limit, printing.warn_ppi, printing.min_ppi)
        # A proof is checked by every rule but the one that keeps proofs away from the press.
        # A proof may carry a photo below the press's resolution (marked FPO on the page) and is marked
        # a proof itself; every other rule holds for it as for a press file.
        if proof:
            limits = replace(limits, accept_proof=True, min_ppi=0.0, warn_ppi=0.0)
        findings, figures = preflight.check_with_figures(Path(tmp), limits, own_reader=True, data=data)
        errors = preflight.errors(findings)
        if errors:
            first = errors[0]
            raise LayoutError(f"{target.name}: fails preflight rule {first.rule} on page {first.page}: "
                              f"{first.obj}: {first.message} ({len(errors)} errors)")
        done.append(CheckedFile(hashlib.sha256(data).hexdigest(), len(data), limits, findings, figures))

    atomic_write(target, write)
    return done[0]


# --- revisions and the manifest ------------------------------------------------------------------

@dataclass(frozen=True)
class Entry:
    """One file of the folder as the manifest records it."""

    name: str
    sha256: str
    bytes: int
    content: str = ""        # a digest of what the file shows (pages: their drawing), not of its bytes
    revision: int = 0        # how many times what it shows has changed in this folder


def read_manifest(folder: Path) -> dict[str, Entry]:
    """The manifest a previous render left in the folder; nothing if there is none or it is damaged
    (then every page starts again at revision 0, which is never wrong, only not later)."""
    try:
        data = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        return {f["name"]: Entry(f["name"], f["sha256"], f["bytes"], f.get("content", ""), f.get("revision", 0))
                for f in data["files"]}
    except (OSError, ValueError, KeyError, TypeError):
        return {}


def page_digest(page: PageLayout) -> str:
    """What a page shows: its drawing, and the content of every photo and supplied page on it (a
    photo replaced under the same name is a change). The slug line is left out: it names the render,
    and a page every render would otherwise count as changed."""
    # A photo or a supplied page counts by its content, not by where it lies on this machine: the same
    # project moved or copied elsewhere shows the same page.
    shown = [replace(item, path=Path(content_digest(item.path).hex())) if isinstance(item, (Picture, SuppliedPage))
             else item for item in page.items]
    return hashlib.sha256(repr(shown).encode()).hexdigest()


def revision_of(name: str, content: str, old: dict[str, Entry]) -> int:
    """0 for a file new to the folder; the old revision while what it shows is the same; one more
    when it changed. The ModDate follows it, so "newest wins" at the plant takes the corrected page."""
    before = old.get(name)
    if before is None:
        return 0
    return before.revision if before.content == content else before.revision + 1


def _file_entry(path: Path, content: str = "", revision: int = 0) -> Entry:
    data = path.read_bytes()
    return Entry(path.name, hashlib.sha256(data).hexdigest(), len(data), content, revision)


def write_manifest(folder: Path, label: str, render_id: str, entries: dict[str, Entry]) -> None:
    """manifest.json (every file with its checksum, size and revision) and SHA256SUMS (the same
    checksums, for `sha256sum -c`), each written whole."""
    files = [entries[name] for name in sorted(entries)]
    data = {"issue": label, "render": render_id,
            "files": [{"name": e.name, "sha256": e.sha256, "bytes": e.bytes,
                       **({"content": e.content, "revision": e.revision} if e.content else {})} for e in files]}
    atomic_write_text(folder / MANIFEST, json.dumps(data, ensure_ascii=False, indent=1) + "\n")
    atomic_write_text(folder / CHECKSUMS, "".join(f"{e.sha256}  {e.name}\n" for e in files))


def record_files(folder: Path, label: str, render_id: str, paths: list[Path],
                 revisions: dict[str, tuple[str, int]] | None = None,
                 checked: dict[str, CheckedFile] | None = None) -> None:
    """Add or replace these files' entries in the folder's manifest; entries of files still in the
    folder are kept, those of files gone are dropped. ``checked``: the PDFs' checksums as made when
    they were written (not read again)."""
    entries = {name: e for name, e in read_manifest(folder).items() if (folder / name).is_file()}
    for path in paths:
        content, revision = (revisions or {}).get(path.name, ("", 0))
        known = (checked or {}).get(path.name)
        entries[path.name] = (Entry(path.name, known.sha256, known.bytes, content, revision) if known is not None
                              else _file_entry(path, content, revision))
    write_manifest(folder, label, render_id, entries)


# --- an issue's files replaced whole ------------------------------------------------------------

# What the engine writes into an issue's folder or its proof/: never carried from the set a render
# replaces into the new one (a page of the old set beside the new ones is the mix this prevents).
_ENGINE_FILE = re.compile(r".*\.pdf|.*-proof\.png|copyfit(-proof)?\.json|preflight\.(txt|json)|layout-proof\.json")


@contextmanager
def issue_folder_held(issue_folder: Path) -> Iterator[None]:
    """Hold the issue folder's lock, after putting right what a writer killed in the middle left (a
    previous set moved aside and not put back, temporary folders)."""
    lock = FolderLock(issue_folder)
    try:
        _make_folder(issue_folder.parent, issue_folder)
        with lock:
            recover(issue_folder)
            yield
    except OSError as exc:
        # The lock file is the engine's business: name the folder the person can do something about.
        shown = issue_folder.parent if exc.filename in (None, str(lock.path)) else exc.filename
        raise os_error(exc, "write into this folder", shown) from None


def tidy(issue_folder: Path) -> None:
    """Put right what a killed writer left beside the folder (a set moved aside, temporary folders, a
    lock file): for a reader that will not write it (a batch skipping an issue that has not changed)."""
    if leftovers(issue_folder) or os.path.lexists(FolderLock(issue_folder).path):
        with issue_folder_held(issue_folder):
            pass


def _make_folder(folder: Path, wanted: Path) -> None:
    """``folder`` and those above it as needed (for ``wanted``, inside it); a file where a folder
    must be is named as such."""
    for above in (folder, *folder.parents):
        if os.path.lexists(above):
            if not above.is_dir():
                raise LayoutError(f"{above}: is a file, so {wanted} cannot be made under it")
            break
    folder.mkdir(parents=True, exist_ok=True)


@contextmanager
def replaced_whole(folder: Path, issue_folder: Path | None = None) -> Iterator[Path]:
    """Yield a fresh folder to write ``folder``'s next set of files into. When the block ends without
    an error, the set is checked against its manifest and takes ``folder``'s place whole, with what
    the old folder held that is no part of a set carried across (a press render keeps proof/, any
    render keeps files the engine did not write); on an error or a signal the fresh folder is removed
    and ``folder`` is as it was. ``issue_folder``: whose lock to hold (``folder`` is its proof/, or
    itself). The old folder's manifest is copied in first, so the revisions count on."""
    issue_folder = _real(issue_folder or folder)
    folder = _real(folder)
    _check_replaceable(folder)
    with issue_folder_held(issue_folder):
        staging = None
        try:
            if folder != issue_folder:
                _make_folder(folder.parent, folder)
                recover(folder)
            with signals_deferred():      # made and named at once: a stop cannot come in between
                staging = staging_folder(folder)
            if (folder / MANIFEST).is_file():
                shutil.copyfile(folder / MANIFEST, staging / MANIFEST)
            yield staging
            _verify_set(staging)
            if folder.is_dir():
                _carry_over(folder, staging)
            swap_in(staging, folder)
        except BaseException as exc:
            if staging is not None:
                discard(staging)
            if isinstance(exc, OSError):
                raise _os_error_in(exc, staging, folder) from None
            raise


def _real(folder: Path) -> Path:
    """The folder a symbolic link names (the swap replaces a folder, never the link to it)."""
    return Path(os.path.realpath(folder)) if folder.is_symlink() else Path(os.path.abspath(folder))


def _check_replaceable(folder: Path) -> None:
    """A render replaces its folder whole: never a folder the engine did not make (``-o .`` in the
    project, ``-o ~/Documents``) nor the folder a person is in."""
    try:
        here = Path.cwd().resolve()
    except OSError:                    # the folder the command runs in is gone: it is not this one
        here = Path("/")
    if here == folder.resolve() or folder.resolve() in here.parents:
        raise LayoutError(f"{folder}: a render replaces this folder whole, and you are in it: "
                          f"run the command from another folder")
    if not os.path.lexists(folder):
        return
    if not folder.is_dir():
        raise LayoutError(f"{folder}: is a file, not a folder; give -o a folder")
    try:
        visible = [n for n in os.listdir(folder) if not n.startswith(".")]
    except OSError as exc:
        raise os_error(exc, "read the folder", folder) from None
    if visible and not (folder / MANIFEST).is_file() and not (folder / PROOF_FOLDER / MANIFEST).is_file():
        raise LayoutError(f"{folder}: holds files the engine did not write (it has no {MANIFEST}); a render "
                          f"replaces its folder whole, so give -o a new or empty folder, or an issue's folder")


def _verify_set(staging: Path) -> None:
    """Every file of the set is there, whole, as the manifest lists it, before it is put in place."""
    for name, entry in read_manifest(staging).items():
        path = staging / name
        try:
            with open(path, "rb") as f:
                digest = hashlib.file_digest(f, "sha256").hexdigest()
        except FileNotFoundError:
            raise LayoutError(f"{name}: listed in the new manifest but not written; nothing was "
                              f"replaced") from None
        if digest != entry.sha256:
            raise LayoutError(f"{name}: changed after it was written (its checksum is not the new "
                              f"manifest's); nothing was replaced")


def _carry_over(live: Path, staging: Path) -> None:
    """What the old folder holds that is no part of its set: the proof/ folder beside a press set, a
    person's own files (`layout diff`'s pictures). Linked, not moved: until the swap the old folder
    stays whole."""
    listed = set(read_manifest(live))
    for name in os.listdir(live):
        if (name.startswith(".") or name in listed or name in (MANIFEST, CHECKSUMS)
                or _ENGINE_FILE.fullmatch(name) or os.path.lexists(staging / name)):
            continue
        source = live / name
        if source.is_symlink():
            shutil.copy2(source, staging / name, follow_symlinks=False)
        elif source.is_dir():
            link_tree(source, staging / name)
        else:
            link_file(source, staging / name)


def _os_error_in(exc: OSError, staging: Path | None, folder: Path) -> LayoutError:
    """An error writing the fresh folder, named by the file it was to become."""
    name = exc.filename
    if staging is not None and isinstance(name, str) and name.startswith(str(staging)):
        inner = Path(name).relative_to(staging)
        part = re.fullmatch(r"\.(.+)\.[^.]+\.part", inner.name)
        shown = folder / inner.parent / (part.group(1) if part else inner.name) if inner.parts else folder
    else:
        shown = name if name is not None else folder
    error = os_error(exc, "write", shown)
    return LayoutError(f"{error}; {folder} is as it was")


# --- writing the PDFs ----------------------------------------------------------------------------

def write_pdfs(layout: IssueLayout, fonts: FontSet, out_dir: Path, proof: bool = False,
               pages: set[int] | None = None, combined: bool = True,
               render_id: str = "") -> list[Path]:
    """One PDF/X-1a file per page and one combined PDF of the issue, made from the same drawn pages,
    each with its revision's ModDate, and the folder's manifest updated to list them.

    ``pages`` limits the page files written (`layout watch` rewrites only what changed);
    ``combined`` False skips the whole-issue file."""
    issue = layout.issue
    printing = issue.template.printing
    suffix = "-proof" if proof else ""
    old = read_manifest(out_dir)
    wanted = [p for p in layout.pages if combined or pages is None or p.number in pages]
    drawn = {p.number: draw_page(p, layout, fonts) for p in wanted}
    # The page files carry the subsets of all the pages drawn, so each font is made once.
    prepared = prepare_fonts(list(drawn.values()), fonts)
    written, revisions, checked = [], {}, {}
    digests = {p.number: page_digest(p) for p in layout.pages if p.number in drawn}
    for page in layout.pages:
        target = out_dir / page_filename(issue, page.number, proof)
        if pages is None or page.number in pages:
            title = f"{issue.paper.name} 第{issue.number}期 第{page.number}版{suffix}"
            revision = revision_of(target.name, digests[page.number], old)
            revisions[target.name] = (digests[page.number], revision)
            checked[target.name] = _checked(
                target, printing, lambda f, p=drawn[page.number], t=title, r=revision: write_document(
                    f, [p], prepared, t, layout, revision=r, proof=proof), proof)
        written.append(target)
    if combined:
        target = out_dir / issue_filename(issue, proof)
        title = f"{issue.paper.name} 第{issue.number}期（總第{issue.total}期）{suffix}"
        content = hashlib.sha256("".join(digests[p.number] for p in layout.pages).encode()).hexdigest()
        revision = revision_of(target.name, content, old)
        revisions[target.name] = (content, revision)
        checked[target.name] = _checked(target, printing, lambda f: write_document(
            f, [drawn[p.number] for p in layout.pages], prepared, title, layout, revision=revision, proof=proof),
            proof)
        written.append(target)
    fresh = [w for w in written if w.name in revisions]
    reports = [] if proof else write_preflight_report(out_dir, issue, render_id, fresh, checked)
    record_files(out_dir, issue.label, render_id, fresh + reports, revisions, checked)
    return written


def write_preflight_report(folder: Path, issue: Issue, render_id: str, pdfs: list[Path],
                           checked: dict[str, CheckedFile] | None = None) -> list[Path]:
    """preflight.txt and preflight.json beside the press files: each file's findings (warnings too:
    an error never gets this far) and each page's figures — highest total ink and where, lowest
    image resolution, fonts, boxes — so the shop sees what it receives without opening a file.
    ``checked``: what the preflight found when the files were written, used where its limits are
    the report's (a file is not checked twice)."""
    preflight = preflight_rules()

    printing = issue.template.printing
    limits = preflight.Limits(printing.ink_limit, printing.warn_ppi, printing.min_ppi)
    lines = [f"{issue.label} — preflight (PDF/X-1a:2001, ISO 15930-1, and the house's rules for this press: "
             f"ink ≤ {printing.ink_limit:.0f} %, photos ≥ {printing.min_ppi:.0f} ppi) — render {render_id}"]
    files = []
    for pdf in pdfs:
        known = (checked or {}).get(pdf.name)
        if known is not None and known.limits == limits:
            findings, figures = known.findings, known.figures
        else:
            findings, figures = preflight.check_with_figures(pdf, limits, own_reader=True)
        lines.append(preflight.report_text(Path(pdf.name), findings))
        lines += ["  " + preflight.figures_text(p) for p in figures]
        files.append({"file": pdf.name, "passed": not preflight.errors(findings),
                      "findings": [_plain(f) for f in findings], "pages": [_plain(p) for p in figures]})
    data = {"issue": issue.label, "render": render_id, "limits": _plain(limits), "files": files}
    text, js = folder / "preflight.txt", folder / "preflight.json"
    atomic_write_text(text, "\n".join(lines) + "\n")
    atomic_write_text(js, json.dumps(data, ensure_ascii=False, indent=1) + "\n")
    return [text, js]


def _plain(value):
    """A dataclass as JSON sees ``asdict``'s result (its fields, in order, as a dictionary; tuples as
    lists), without the deep copies ``asdict`` makes of every value: the report's are numbers, strings
    and tuples of them, and a whole issue's pages are many."""
    if hasattr(type(value), "__dataclass_fields__"):
        return {f.name: _plain(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value
