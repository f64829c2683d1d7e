"""The pipeline from an issue file to PDFs, shared by every command."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .display import IssueLayout, layout_issue
from .errors import LayoutError
from .fonts import FontSet, default_fontset
from .model import Issue, load_issue
from .pdf import write_pdfs

@dataclass(frozen=True)
class RenderResult:
    layout: IssueLayout
    files: tuple[Path, ...]


def default_output(issue: Issue) -> Path:
    """output/<總期數>/ under the folder the command runs in."""
    return Path.cwd() / "output" / issue.slug


def overset_message(layout: IssueLayout) -> str | None:
    problems = [f"story '{f.story.id}': {f.overset.chars} characters ({f.overset.lines} lines) did not fit, "
                f"from 「{f.overset.first_sentence}」" for f in layout.flows if f.overset]
    return "; ".join(problems) if problems else None


def build_layout(issue_path: Path, fonts: FontSet | None = None) -> IssueLayout:
    issue = load_issue(issue_path)
    return layout_issue(issue, fonts or default_fontset())


def render(issue_path: Path, out_dir: Path | None = None, fonts: FontSet | None = None,
           allow_overset: bool = False) -> RenderResult:
    fonts = fonts or default_fontset()
    layout = build_layout(issue_path, fonts)
    message = overset_message(layout)
    if message and not allow_overset:
        raise LayoutError(f"{issue_path}: overset: {message}")
    files = write_pdfs(layout, fonts, out_dir or default_output(layout.issue))
    return RenderResult(layout, tuple(files))
