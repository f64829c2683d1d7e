"""What the print shop receives, and how it is written: the files under the names the template sets,
each PDF preflighted under a temporary name before it is put in place, every page's revision (so a
corrected page carries a later ModDate than the version it replaces), and the manifest of the
folder with every file's checksum.

Proofs go to a folder of their own (``proof/`` inside the issue's folder) and are marked as proofs in
their names and their Info, so a proof never sits beside a press file and never passes as one."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from ..base.errors import LayoutError
from ..base.files import atomic_write, atomic_write_text
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
    return issue.file_name(issue.template.printing.page_file, number, proof)


def issue_filename(issue: Issue, proof: bool = False) -> str:
    """The whole issue in one file, for editors."""
    return issue.file_name(issue.template.printing.issue_file, None, proof)


def _write_file(path: str, write) -> None:
    with open(path, "wb") as f:
        write(f)


def _checked(target: Path, printing, write_pdf, proof: bool) -> None:
    """Write a PDF under a temporary name, preflight it, and only then put it in place."""
    from ..preflight import rules as preflight  # pikepdf: only when a file is written

    def write(tmp: str) -> None:
        _write_file(tmp, write_pdf)
        limits = preflight.Limits(printing.ink_limit, printing.warn_ppi, printing.min_ppi)
        # A proof is checked by every rule but the one that keeps proofs away from the press.
        findings = preflight.errors(preflight.check(Path(tmp), replace(limits, accept_proof=True) if proof else limits))
        if findings:
            first = findings[0]
            raise LayoutError(f"{target.name}: fails preflight rule {first.rule} on page {first.page}: "
                              f"{first.obj}: {first.message} ({len(findings)} errors)")

    atomic_write(target, write)


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
    h = hashlib.sha256(repr(page.items).encode())
    for item in page.items:
        if isinstance(item, (Picture, SuppliedPage)):
            h.update(content_digest(item.path))
    return h.hexdigest()


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
                 revisions: dict[str, tuple[str, int]] | None = None) -> None:
    """Add or replace these files' entries in the folder's manifest; entries of files still in the
    folder are kept, those of files gone are dropped."""
    entries = {name: e for name, e in read_manifest(folder).items() if (folder / name).is_file()}
    for path in paths:
        content, revision = (revisions or {}).get(path.name, ("", 0))
        entries[path.name] = _file_entry(path, content, revision)
    write_manifest(folder, label, render_id, entries)


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
    written, revisions = [], {}
    digests = {p.number: page_digest(p) for p in layout.pages if p.number in drawn}
    for page in layout.pages:
        target = out_dir / page_filename(issue, page.number, proof)
        if pages is None or page.number in pages:
            title = f"{issue.paper.name} 第{issue.number}期 第{page.number}版{suffix}"
            revision = revision_of(target.name, digests[page.number], old)
            revisions[target.name] = (digests[page.number], revision)
            _checked(target, printing, lambda f, p=drawn[page.number], t=title, r=revision: write_document(
                f, [p], prepared, t, layout, revision=r, proof=proof), proof)
        written.append(target)
    if combined:
        target = out_dir / issue_filename(issue, proof)
        title = f"{issue.paper.name} 第{issue.number}期（總第{issue.total}期）{suffix}"
        content = hashlib.sha256("".join(digests[p.number] for p in layout.pages).encode()).hexdigest()
        revision = revision_of(target.name, content, old)
        revisions[target.name] = (content, revision)
        _checked(target, printing, lambda f: write_document(
            f, [drawn[p.number] for p in layout.pages], prepared, title, layout, revision=revision, proof=proof),
            proof)
        written.append(target)
    reports = [] if proof else write_preflight_report(out_dir, issue, render_id, [w for w in written if w.name in revisions])
    record_files(out_dir, issue.label, render_id, [w for w in written if w.name in revisions] + reports, revisions)
    return written


def write_preflight_report(folder: Path, issue: Issue, render_id: str, pdfs: list[Path]) -> list[Path]:
    """preflight.txt and preflight.json beside the press files: each file's findings (warnings too:
    an error never gets this far) and each page's figures — highest total ink and where, lowest
    image resolution, fonts, boxes — so the shop sees what it receives without opening a file."""
    from ..preflight import rules as preflight

    printing = issue.template.printing
    limits = preflight.Limits(printing.ink_limit, printing.warn_ppi, printing.min_ppi)
    lines = [f"{issue.label} — preflight (PDF/X-1a:2001, ISO 15930-1, and the house's rules for this press: "
             f"ink ≤ {printing.ink_limit:.0f} %, photos ≥ {printing.min_ppi:.0f} ppi) — render {render_id}"]
    files = []
    for pdf in pdfs:
        findings = preflight.check(pdf, limits)
        figures = preflight.page_figures(pdf, limits)
        lines.append(preflight.report_text(Path(pdf.name), findings))
        lines += ["  " + preflight.figures_text(p) for p in figures]
        files.append({"file": pdf.name, "passed": not preflight.errors(findings),
                      "findings": [asdict(f) for f in findings], "pages": [asdict(p) for p in figures]})
    data = {"issue": issue.label, "render": render_id, "limits": asdict(limits), "files": files}
    text, js = folder / "preflight.txt", folder / "preflight.json"
    atomic_write_text(text, "\n".join(lines) + "\n")
    atomic_write_text(js, json.dumps(data, ensure_ascii=False, indent=1) + "\n")
    return [text, js]
