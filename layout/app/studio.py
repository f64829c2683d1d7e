"""`layout studio`: the live proof in a browser, served on this machine (127.0.0.1 only).

The pages the browser shows are the proof itself — the PNGs `layout watch` writes of the proof PDF
pages, and on zooming in the same PDF pages rendered again at a higher resolution — never an HTML
imitation. What the page's script draws over them (frames and their labels, the grid position under
the pointer, the holes, the copyfit of a story, its chain) comes from a JSON the server derives from
the same layout the proof was drawn from.

The studio is `layout watch` with a window: the same Watcher recomposes only what changed and keeps
proof/ current (marked stale after a failed update), and every update is pushed to the browser as a
server-sent event carrying the new state, so the browser fetches only the pages whose revision moved.
Each update's proof is kept (hard links, in a folder of the studio's own) so the browser can compare
the proof with the one before the last update, or with the one the studio started from (`layout
diff`'s pictures and its list of stories changed).

A frame dragged in the page is written back into the issue file by ``studio_place``; the loop below
then sees the file change like any other save.

The web stack is the standard library's: a threading HTTP server and server-sent events (a GET that
stays open). One editor's browser on one machine needs no more, and the page is three static files
in the package (no build step, nothing from the network)."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import tempfile
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Callable
from urllib.parse import parse_qs, urlsplit

from ..base.errors import LayoutError
from ..issue.model import input_files
from ..page.copyfit import report
from ..page.coverage import free_areas
from ..page.flow import LineKind
from ..page.proof_marks import overset_text
from .delivery import page_filename
from .pipeline import output_folder
from .studio_place import PLACE_KINDS, PlaceRefused, Placement, issue_digest, place
from .watch import Update, Watcher, snapshot

PAGE_ASSETS = Path(__file__).with_name("studio_page")
ASSET_TYPES = {".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8",
               ".css": "text/css; charset=utf-8", ".svg": "image/svg+xml"}
HOST = "127.0.0.1"
DEFAULT_PORT = 8765
ZOOM_DPI = (150, 200, 300)   # resolutions the browser may ask for besides the watcher's own
RENDERS_KEPT = 24            # pages rendered at a zoom resolution, kept in memory
COPYFIT_FILE = "copyfit-proof.json"   # written into proof/ by every update (pipeline._write_set)
KEEP_ALIVE = 15.0            # seconds between comments on an idle event stream


@dataclass(frozen=True)
class ProofKept:
    """A proof as it was after one update: its files hard-linked into a folder of the studio's."""

    folder: Path
    serial: int
    made_at: str


_ERROR_PARTS = re.compile(r"^(?P<file>.+?\.ya?ml)(?::(?P<line>\d+))?: (?:(?P<key>[A-Za-z_][\w\-]*(?:\[[^\]]*\]|\.[\w\-]+)*): )?"
                          r"(?P<message>.*)$", re.S)


def error_parts(message: str) -> dict:
    """A loader's one-line error as the banner shows it: file, line, key path and what is wrong (what
    the message does not name is None)."""
    m = _ERROR_PARTS.match(message)
    if not m:
        return {"file": None, "line": None, "key": None, "message": message, "text": message}
    line = m.group("line")
    return {"file": m.group("file"), "line": int(line) if line else None, "key": m.group("key"),
            "message": m.group("message"), "text": message}


def _shown_path(source: str, issue_path: Path) -> str:
    """A story's text file as the editor names it: relative to the issue file's folder where it lies there."""
    try:
        return str(Path(source).relative_to(issue_path.resolve().parent))
    except ValueError:
        return source


def _grid_of(rect) -> dict:
    return {"page": rect.page, "col": rect.col, "span": rect.span, "line": rect.line, "lines": rect.lines}


def _pt_of(t, rect) -> dict:
    r = t.rect(rect)
    return {"x": round(r.x, 3), "y": round(r.y, 3), "w": round(r.w, 3), "h": round(r.h, 3)}


def layout_state(layout, copyfit: dict, revisions: dict[int, int], session: str, dpi: float) -> dict:
    """What the browser draws over the proof, from the layout the proof was drawn from: the grid's
    geometry, every placed element (story heads and frames, boxes, photos) in grid units and points,
    the holes (grid areas no element covers), each page's status, and every story's copyfit (with the
    overset text in full) and chain (its frames and jump lines)."""
    issue = layout.issue
    t = issue.template
    flows = {f.story.id: f for f in layout.flows}
    fits = {f.story: f for f in report(layout.flows)}
    pages: dict[int, dict] = {}
    covered: dict[int, set] = {p.number: set() for p in issue.pages}
    for spec in issue.pages:
        n = spec.number
        reserved = t.masthead_lines if n == 1 else t.running_head_lines
        pdf = page_filename(issue, n, True)
        pages[n] = {"number": n, "section": spec.section, "editor": spec.editor, "reserved": reserved,
                    "pdf": pdf, "rev": revisions.get(n, 0),
                    "image": f"/page/{n}.png?dpi={dpi:g}&v={session}-{revisions.get(n, 0)}",
                    "elements": [], "holes": [], "overset": [], "underset": []}

    def element(kind: str, element_id: str, rect, **more) -> None:
        pages[rect.page]["elements"].append({"kind": kind, "id": element_id, "grid": _grid_of(rect),
                                             "pt": _pt_of(t, rect), **more})
        covered[rect.page] |= rect.cells()

    stories = []
    for story in issue.stories:
        flow = flows[story.id]
        if story.head:
            element("head", story.id, story.head, story=story.id, label=story.headline or story.id)
        for k, (frame, fit) in enumerate(zip(story.frames, flow.frames), 1):
            element("frame", story.id, frame.place, story=story.id, frame=k, used=fit.used, available=fit.available,
                    jump_head=frame.jump_head, exclude=[_grid_of(r) for r in frame.exclude])
        basic = fits[story.id]
        exact = copyfit.get(story.id, {})
        last = story.frames[-1].place.page
        if flow.overset:
            pages[last]["overset"].append(story.id)
        elif flow.underset_lines:
            pages[last]["underset"].append(story.id)
        stories.append({
            "id": story.id, "kicker": story.kicker, "headline": story.headline, "deck": story.deck,
            "source": _shown_path(story.source, issue.path), "status": basic.status, "chars": basic.chars,
            "lines_used": basic.lines_used, "lines_available": basic.lines_available,
            "frames": [{"frame": k, **_grid_of(f.place), "used": fit.used, "available": fit.available,
                        "jump_head": f.jump_head} for k, (f, fit) in enumerate(zip(story.frames, flow.frames), 1)],
            "head": _grid_of(story.head) if story.head else None,
            "overset": {"chars": basic.overset_chars, "lines": basic.overset_lines, "from": basic.overset_from,
                        "text": overset_text(flow, issue.template)} if flow.overset else None,
            "empty_lines": basic.empty_lines,
            "room_chars": exact.get("room_characters", basic.room_chars),
            "hints": exact.get("hints", []),
            "jumps": [{"page": p.page, "line": p.grid_line, "frame": p.frame + 1, "kind": p.kind.value,
                       "text": p.line.text} for p in flow.lines if p.kind in (LineKind.JUMP_OUT, LineKind.JUMP_IN)],
        })
    for box in issue.boxes:
        element("box", box.id, box.place, box_kind=box.kind.value, label=box.text.split("\n")[0] or box.id,
                sample=box.sample)
    for photo in issue.photos:
        element("photo", photo.id, photo.place, label=photo.caption or photo.id, sample=photo.sample)
    for n, page in pages.items():
        first = page["reserved"] + 1
        holes = free_areas(covered[n], t.columns, first, t.lines) if page["elements"] else \
            [((1, t.columns), (first, t.lines))]
        page["holes"] = [{"page": n, "col": c[0], "span": c[1] - c[0] + 1, "line": ln[0], "lines": ln[1] - ln[0] + 1}
                         for c, ln in holes]
        page["status"] = ("overset" if page["overset"] else
                          "holes" if page["holes"] or page["underset"] else "fits")
    return {
        "issue": {"label": issue.label, "weekday": issue.weekday, "path": str(issue.path), "paper": issue.paper.name,
                  "number": issue.number, "total": issue.total, "date": str(issue.date), "sample": issue.sample},
        "grid": {"trim_w": t.trim_w, "trim_h": t.trim_h, "margin_top": t.margin_top, "margin_left": t.margin_left,
                 "columns": t.columns, "lines": t.lines, "measure": t.measure, "gutter": t.gutter, "pitch": t.pitch,
                 "column_x": [t.column_x(c) for c in range(1, t.columns + 1)], "column_chars": t.column_chars},
        "pages": [pages[p.number] for p in issue.pages],
        "stories": stories,
        "warnings": list(layout.grid_warnings),
    }


def _kept_copy(source: Path, target: Path) -> None:
    """The proof folder's files in ``target``: hard links where the file system allows (the watcher
    replaces files by renaming new ones into place, so a link keeps the old content), else copies."""
    target.mkdir(parents=True)
    for entry in os.scandir(source):
        if entry.name.startswith(".") or not entry.is_file():
            continue
        try:
            os.link(entry.path, target / entry.name)
        except OSError:
            shutil.copy2(entry.path, target / entry.name)


class Studio:
    """The watcher, the state the browser is shown, and the proofs kept for comparing."""

    def __init__(self, issue_path: Path, out_dir: Path | None = None, root: Path | None = None, dpi: int = 100,
                 interval: float = 0.1, fonts=None, watermark: bool = True, edition: str | None = None):
        self.issue_path = Path(issue_path)
        self.root = root
        self.dpi = dpi
        self.interval = interval
        self.watcher = Watcher(self.issue_path, out_dir, dpi=dpi, root=root, fonts=fonts, watermark=watermark,
                               edition=edition)   # one edition at a time (default the issue's first)
        self.out_dir = out_dir
        self.session = os.urandom(4).hex()   # in image URLs: a restarted studio's pages are never the cache's
        self.changed = threading.Condition()
        self.version = 0
        self.state: dict = {"version": 0, "ready": False, "stale": None, "pages": [], "stories": []}
        self.revisions: dict[int, int] = {}
        self.digest = ""                      # of the issue file the state was made from
        self.proof_folder: Path | None = None
        self.work = Path(tempfile.mkdtemp(prefix="layout-studio-"))
        self.kept: dict[str, ProofKept] = {}   # "start", "previous", "current"
        self._serial = 0
        self._renders: OrderedDict = OrderedDict()
        self._render_lock = threading.Lock()
        self._diff_lock = threading.Lock()
        self._diffs: dict[tuple, dict] = {}
        self._wake = threading.Event()
        self.closing = False
        self.last_error: str | None = None

    # --- the loop ---------------------------------------------------------------------------------

    def run(self, stop: threading.Event | None = None, on_update: Callable[[Update], None] | None = None,
            on_error: Callable[[LayoutError], None] | None = None) -> None:
        """Look at the inputs every ``interval`` (at once after a move written from the page); update on
        every change and once at the start. Ctrl-C (or ``stop``) ends it."""
        self._keep_existing()
        seen: dict | None = None
        while stop is None or not stop.is_set():
            state = snapshot(input_files(self.issue_path, self.watcher.issue))
            if state != seen:
                # As `layout watch` does: what the update reads is what the files were before it began;
                # a save made while it runs is newer than ``seen`` and starts the next update.
                began = time.time_ns()
                self.step(on_update, on_error)
                after = snapshot(input_files(self.issue_path, self.watcher.issue))
                seen = {path: state[path] if path in state else
                        (when if when is not None and when < began else None) for path, when in after.items()}
            self._wake.wait(self.interval)
            self._wake.clear()

    def step(self, on_update=None, on_error=None) -> None:
        """One update: the proof and the browser's state, or the error banner over the last good pages."""
        try:
            digest = issue_digest(self.issue_path.read_bytes())
        except OSError:
            digest = ""
        try:
            update = self.watcher.update()
        except LayoutError as exc:
            stale = self.watcher.mark_stale(exc)
            self._failed(exc, stale)
            if on_error:
                on_error(exc)
            return
        self._published(update, digest)
        if on_update:
            on_update(update)

    def _publish(self, state: dict) -> None:
        with self.changed:
            self.version += 1
            state["version"] = self.version
            self.state = state
            self.changed.notify_all()

    def _published(self, update: Update, digest: str) -> None:
        layout = self.watcher.layout
        self.proof_folder = output_folder(layout.issue, self.out_dir, proof=True)
        for n in update.pages:
            self.revisions[n] = self.revisions.get(n, 0) + 1
        state = layout_state(layout, self._copyfit(), self.revisions, self.session, self.dpi)
        state.update(ready=True, stale=None, digest=digest, updated_at=time.strftime("%H:%M:%S"),
                     seconds=round(update.seconds, 3), changed=list(update.pages),
                     proof_folder=str(self.proof_folder), kept=self._kept_names())
        self.digest, self.last_error = digest, None
        # This proof is kept (hard links: a few milliseconds) before the browser is told, so that a
        # comparison asked for at once finds it.
        if update.files or "current" not in self.kept:
            self._keep_current()
            state["kept"] = self._kept_names()
        self._publish(state)

    def _failed(self, error: LayoutError, stale) -> None:
        said = str(error)
        if stale is not None and said != self.last_error:
            # mark_stale drew the red band on every page it has: every page's picture is new.
            for n in self.revisions:
                self.revisions[n] += 1
        self.last_error = said
        state = dict(self.state)
        if state.get("pages"):
            state["pages"] = [{**p, "rev": self.revisions.get(p["number"], 0),
                               "image": re.sub(r"v=[^&]*$", f"v={self.session}-{self.revisions.get(p['number'], 0)}",
                                               p["image"]), "status": "error"} for p in state["pages"]]
        # The digest stays the last good view's: the pages shown are not of the file on disk, so a drag
        # made on them is refused (the file changed since the view was made) and the editor's save kept.
        state.update(stale={**error_parts(said), "at": time.strftime("%H:%M:%S"),
                            "good": stale.good if stale else None})
        self._publish(state)

    def _copyfit(self) -> dict:
        """The copyfit the update wrote (exact room, found by setting text), by story."""
        try:
            data = json.loads((self.proof_folder / COPYFIT_FILE).read_text(encoding="utf-8"))
            return {s["story"]: s for s in data.get("stories", [])}
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return {}

    # --- proofs kept for comparing ----------------------------------------------------------------

    def _kept_names(self) -> dict:
        return {name: {"serial": k.serial, "made_at": k.made_at} for name, k in self.kept.items()}

    def _keep(self, source: Path) -> ProofKept:
        self._serial += 1
        folder = self.work / f"proof-{self._serial}"
        _kept_copy(source, folder)
        return ProofKept(folder, self._serial, time.strftime("%H:%M:%S"))

    def _keep_existing(self) -> None:
        """The proof on disk before the studio's first update (a `layout proof` or an earlier watch) is
        where comparing starts from."""
        from .pipeline import LINES_FILE, read_issue

        try:
            issue = read_issue(self.issue_path, root=self.root)
        except LayoutError:
            return
        folder = output_folder(issue, self.out_dir, proof=True)
        if (folder / LINES_FILE).is_file():
            try:
                self.kept["start"] = self.kept["current"] = self._keep(folder)
            except OSError:
                pass    # a proof that cannot be kept (a full disk) only leaves the comparison without it

    def _keep_current(self) -> None:
        if self.proof_folder is None or not self.proof_folder.is_dir():
            return
        try:
            kept = self._keep(self.proof_folder)
        except OSError:
            return
        with self._diff_lock:          # a comparison being drawn keeps its folders until it is done
            before = self.kept.get("previous")
            if "current" in self.kept:
                self.kept["previous"] = self.kept["current"]
            self.kept["current"] = kept
            self.kept.setdefault("start", kept)
            if before is not None and before not in self.kept.values():
                shutil.rmtree(before.folder, ignore_errors=True)

    def keep_as_start(self) -> dict:
        """The current proof becomes the one "since start" compares with."""
        with self._diff_lock:
            if "current" not in self.kept:
                raise LayoutError("no proof yet to compare with")
            old = self.kept.get("start")
            self.kept["start"] = self.kept["current"]
            if old is not None and old not in self.kept.values():
                shutil.rmtree(old.folder, ignore_errors=True)
            return self._kept_names()

    def compare(self, against: str) -> dict:
        """`layout diff` of the proof kept as ``against`` (previous, start) with the current one: the
        pages that changed with their pictures (changes in red), and the stories whose lines changed."""
        from .diff import diff

        with self._diff_lock:
            old, new = self.kept.get(against), self.kept.get("current")
            if old is None or new is None:
                return {"against": against, "pages": [], "note": "no proof kept yet to compare with"}
            key = (old.serial, new.serial)
            if key not in self._diffs:
                target = self.work / f"diff-{old.serial}-{new.serial}"
                results = diff(old.folder, new.folder, target, dpi=max(self.dpi, 72)) if old is not new else []
                self._diffs[key] = {
                    "against": against, "old": old.made_at, "new": new.made_at, "same": old is new,
                    "pages": [{"page": r.page, "changed": r.changed or bool(r.stories), "stories": list(r.stories),
                               "picture": f"/diff/{old.serial}-{new.serial}/{r.page}.png" if r.picture else None}
                              for r in results]}
                for gone in [k for k in self._diffs if k != key][:-4]:    # the last few kept
                    del self._diffs[gone]
                    shutil.rmtree(self.work / f"diff-{gone[0]}-{gone[1]}", ignore_errors=True)
            return self._diffs[key]

    def diff_picture(self, pair: str, page: int) -> Path | None:
        if not re.fullmatch(r"\d+-\d+", pair):
            return None
        path = self.work / f"diff-{pair}" / f"diff-{page:02d}.png"
        return path if path.is_file() else None

    # --- pages ------------------------------------------------------------------------------------

    def page_picture(self, number: int, dpi: int) -> tuple[bytes, str] | None:
        """A page of the current proof as PNG: the watcher's own at its resolution, else the proof PDF's
        page rendered at ``dpi`` (kept for a while: zooming back and forth renders once)."""
        from io import BytesIO

        from .previews import render_page

        pages = {p["number"]: p for p in self.state.get("pages", [])}
        if number not in pages or self.proof_folder is None:
            return None
        pdf = self.proof_folder / pages[number]["pdf"]
        if dpi == self.dpi:
            try:
                return pdf.with_suffix(".png").read_bytes(), "image/png"
            except OSError:
                return None
        key = (number, self.revisions.get(number, 0), self.last_error, dpi)
        with self._render_lock:
            if key in self._renders:
                self._renders.move_to_end(key)
                return self._renders[key]
            try:
                image = render_page(pdf, 0, dpi)
            except Exception:   # a file replaced mid-read: the browser asks again at the next update
                return None
            out = BytesIO()
            image.save(out, "PNG", compress_level=1)   # speed over size: it goes over the loopback
            self._renders[key] = (out.getvalue(), "image/png")
            while len(self._renders) > RENDERS_KEPT:
                self._renders.popitem(last=False)
            return self._renders[key]

    # --- moves from the page ----------------------------------------------------------------------

    def place(self, request: dict) -> dict:
        """A move or resize from the page, written into the issue file (see studio_place)."""
        try:
            placement = Placement(str(request["kind"]), str(request["id"]), int(request.get("frame") or 0),
                                  *(int(request[k]) for k in ("col", "span", "line", "lines")))
            digest = str(request["digest"])
        except (KeyError, TypeError, ValueError):
            raise PlaceRefused("a move needs kind, id, col, span, line, lines and the file's digest") from None
        if placement.kind not in PLACE_KINDS:
            raise PlaceRefused(f"cannot place a '{placement.kind}'")
        written = place(self.issue_path, placement, digest, self.root)
        self._wake.set()      # look at the file now, not at the next interval
        return {"ok": True, "digest": written}

    def close(self) -> None:
        self.closing = True
        with self.changed:
            self.changed.notify_all()
        shutil.rmtree(self.work, ignore_errors=True)


# --- the HTTP side ---------------------------------------------------------------------------------

def _handler(studio: Studio, port_of: Callable[[], int]):
    """The request handler, bound to one studio."""

    class Handler(BaseHTTPRequestHandler):
        server_version = "layout-studio"
        protocol_version = "HTTP/1.1"

        def log_message(self, format, *args):   # noqa: A002 — the standard library's signature
            pass                                  # the terminal shows updates, not every request

        def _host_allowed(self) -> bool:
            # Only this machine's names for the server: a page elsewhere whose name resolves here (DNS
            # rebinding) is refused, and so is a form posted from another origin.
            port = port_of()
            hosts = {f"127.0.0.1:{port}", f"localhost:{port}"}
            if self.headers.get("Host", "") not in hosts:
                return False
            origin = self.headers.get("Origin")
            return origin is None or origin in {f"http://{h}" for h in hosts}

        def _send(self, status: int, body: bytes, kind: str, cache: str = "no-store") -> None:
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", cache)
            self.send_header("X-Content-Type-Options", "nosniff")
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        def _json(self, data, status: int = 200) -> None:
            self._send(status, json.dumps(data, ensure_ascii=False).encode("utf-8"), "application/json; charset=utf-8")

        def _missing(self) -> None:
            self._send(HTTPStatus.NOT_FOUND, b"not found\n", "text/plain; charset=utf-8")

        def handle_one_request(self):
            try:
                super().handle_one_request()
            except (BrokenPipeError, ConnectionResetError, ConnectionAbortedError, TimeoutError):
                self.close_connection = True   # the browser went away: its thread ends, the server goes on

        def do_GET(self):   # noqa: N802 — the standard library's name
            if not self._host_allowed():
                return self._send(HTTPStatus.FORBIDDEN, b"forbidden\n", "text/plain; charset=utf-8")
            url = urlsplit(self.path)
            query = parse_qs(url.query)
            path = url.path
            if path in ("/", "/index.html"):
                return self._asset("index.html")
            if path.startswith("/static/"):
                return self._asset(path.removeprefix("/static/"))
            if path == "/api/state":
                with studio.changed:
                    return self._json(studio.state)
            if path == "/events":
                return self._events()
            if m := re.fullmatch(r"/page/(\d+)\.png", path):
                try:
                    dpi = int(float(query.get("dpi", [studio.dpi])[0]))
                except ValueError:
                    dpi = studio.dpi
                dpi = dpi if dpi in ZOOM_DPI else studio.dpi
                picture = studio.page_picture(int(m.group(1)), dpi)
                if picture is None:
                    return self._missing()
                return self._send(200, picture[0], picture[1], "private, max-age=86400")
            if path == "/api/compare":
                against = query.get("against", ["previous"])[0]
                if against not in ("previous", "start"):
                    return self._json({"error": "compare against 'previous' or 'start'"}, 400)
                try:
                    return self._json(studio.compare(against))
                except LayoutError as exc:
                    return self._json({"error": str(exc)}, 409)
            if m := re.fullmatch(r"/diff/([\d-]+)/(\d+)\.png", path):
                found = studio.diff_picture(m.group(1), int(m.group(2)))
                if found is None:
                    return self._missing()
                return self._send(200, found.read_bytes(), "image/png", "private, max-age=86400")
            return self._missing()

        do_HEAD = do_GET

        def do_POST(self):   # noqa: N802
            if not self._host_allowed() or not self.headers.get("Content-Type", "").startswith("application/json"):
                # A JSON body cannot be sent across origins without the browser asking first.
                return self._send(HTTPStatus.FORBIDDEN, b"forbidden\n", "text/plain; charset=utf-8")
            try:
                length = int(self.headers.get("Content-Length", "0"))
                body = json.loads(self.rfile.read(min(length, 1_000_000)) or b"{}")
            except ValueError:
                return self._json({"error": "not JSON"}, 400)
            path = urlsplit(self.path).path
            try:
                if path == "/api/place":
                    return self._json(studio.place(body if isinstance(body, dict) else {}))
                if path == "/api/keep":
                    return self._json({"ok": True, "kept": studio.keep_as_start()})
            except LayoutError as exc:
                return self._json({"error": str(exc)}, 409)
            return self._missing()

        def _asset(self, name: str) -> None:
            path = PAGE_ASSETS / name
            if "/" in name or path.suffix not in ASSET_TYPES or not path.is_file():
                return self._missing()
            self._send(200, path.read_bytes(), ASSET_TYPES[path.suffix])

        def _events(self) -> None:
            """Server-sent events: the whole state at once, then again after every update."""
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream; charset=utf-8")
            self.send_header("Cache-Control", "no-store")
            self.send_header("Connection", "keep-alive")
            self.end_headers()
            self.close_connection = True
            seen = -1
            while not studio.closing:
                with studio.changed:
                    studio.changed.wait_for(lambda: studio.version != seen or studio.closing, timeout=KEEP_ALIVE)
                    version, state = studio.version, studio.state
                if studio.closing:
                    return
                if version != seen:
                    data = json.dumps(state, ensure_ascii=False)
                    self.wfile.write(f"event: state\ndata: {data}\n\n".encode("utf-8"))
                    seen = version
                else:
                    self.wfile.write(b": still here\n\n")
                self.wfile.flush()

    return Handler


class StudioServer(ThreadingHTTPServer):
    daemon_threads = True        # a browser's open event stream never keeps the program from ending
    allow_reuse_address = True


def start_server(studio: Studio, port: int) -> StudioServer:
    """The HTTP server on 127.0.0.1:``port`` (0: a free port), serving in a thread of its own. Its
    threads do not take Ctrl-C or SIGTERM: those go to the main thread, whose watcher defers them while
    it writes, as `layout watch` does."""
    holder: list[StudioServer] = []
    try:
        server = StudioServer((HOST, port), _handler(studio, lambda: holder[0].server_address[1]))
    except OSError as exc:
        if exc.errno in (98, 48, 10048):   # EADDRINUSE on Linux, macOS, Windows
            raise LayoutError(f"port {port} on {HOST} is in use (another studio?): choose another with --port, "
                              f"or --port 0 for any free one") from None
        raise LayoutError(f"cannot serve on {HOST}:{port} ({exc.strerror or exc})") from None
    holder.append(server)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.2},
                              name="layout-studio-http", daemon=True)
    held = {signal.SIGINT, signal.SIGTERM, signal.SIGHUP}
    main = threading.current_thread() is threading.main_thread()
    before = signal.pthread_sigmask(signal.SIG_BLOCK, held) if main else None
    try:
        thread.start()            # the thread, and every thread it starts, inherits the blocked signals
    finally:
        if before is not None:
            signal.pthread_sigmask(signal.SIG_SETMASK, before)
    return server


def serve(issue_path: Path, out_dir: Path | None = None, port: int = DEFAULT_PORT, root: Path | None = None,
          dpi: int = 100, interval: float = 0.1, open_browser: bool = False,
          say: Callable[[str], None] = print, on_update=None, on_error=None, edition: str | None = None) -> None:
    """`layout studio`: serve the live proof until Ctrl-C or a signal (which the command reports)."""
    studio = Studio(issue_path, out_dir, root, dpi, interval, edition=edition)
    server = start_server(studio, port)
    url = f"http://{HOST}:{server.server_address[1]}/"
    say(f"studio: {url} — {issue_path} (Ctrl-C to stop)")
    if open_browser:
        import webbrowser

        webbrowser.open(url)
    try:
        studio.run(on_update=on_update, on_error=on_error)
    finally:
        studio.close()
        server.shutdown()
        server.server_close()
