"""`layout studio` without a browser: the state the page draws from is the layout's own, a frame
moved in the page is written back with the file's comments kept and refused with `check`'s very
message, an edit saved meanwhile is never overwritten, the server answers only on 127.0.0.1 and to
this machine's names, and updates are pushed as server-sent events. (tests/test_studio_browser.py
drives the page itself in Chromium.)"""

from __future__ import annotations

import difflib
import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner

import layout
from layout.app.cli import main
from layout.app.studio import Studio, error_parts, start_server
from layout.app.studio_place import PlaceRefused, Placement, issue_digest, place
from layout.issue.loader import load_issue
from layout.page.coverage import grid_warnings

from conftest import ROOT


@pytest.fixture()
def issue_copy(tmp_path):
    shutil.copytree(ROOT / "issues", tmp_path / "issues")
    return tmp_path / "issues" / "1650.yaml"


@pytest.fixture()
def studio(issue_copy, tmp_path, real_fonts):
    made = Studio(issue_copy, tmp_path / "out", dpi=30, interval=0.05, fonts=real_fonts)
    yield made
    made.close()


def _check_error(path, text: str) -> str:
    """What `layout check` says of the issue file holding ``text`` (the file is put back after)."""
    before = path.read_bytes()
    try:
        path.write_text(text, encoding="utf-8")
        result = CliRunner().invoke(main, ["--no-color", "check", str(path)])
    finally:
        path.write_bytes(before)
    assert result.exit_code == 1
    return next(line for line in result.output.splitlines() if line.startswith("error: ")).removeprefix("error: ")


# --- the state: the layout's own figures ---------------------------------------------------------

def test_state_is_drawn_from_the_layout(studio, issue_copy):
    studio.step()
    state = studio.state
    issue = load_issue(issue_copy)
    t = issue.template
    assert state["ready"] and state["stale"] is None
    assert [p["number"] for p in state["pages"]] == [1, 2]
    assert state["digest"] == issue_digest(issue_copy.read_bytes())
    elements = {(e["kind"], e["id"], e.get("frame")): e for p in state["pages"] for e in p["elements"]}
    for story in issue.stories:
        for k, frame in enumerate(story.frames, 1):
            e = elements[("frame", story.id, k)]
            r = t.rect(frame.place)
            assert e["grid"] == {"page": frame.place.page, "col": frame.place.col, "span": frame.place.span,
                                 "line": frame.place.line, "lines": frame.place.lines}
            assert (e["pt"]["x"], e["pt"]["w"]) == (round(r.x, 3), round(r.w, 3))
        assert elements[("head", story.id, None)]["grid"]["line"] == story.head.line
    for box in issue.boxes:
        assert elements[("box", box.id, None)]["grid"]["col"] == box.place.col
    # The holes are the grid areas `check` reports, the same rectangles.
    said = [w for w in grid_warnings(issue) if "covered by no element" in w]
    shown = [h for p in state["pages"] for h in p["holes"]]
    assert len(said) == len(shown)
    for hole in shown:
        cols = (f"column {hole['col']}" if hole["span"] == 1 else f"columns {hole['col']}–{hole['col'] + hole['span'] - 1}")
        lines = (f"line {hole['line']}" if hole["lines"] == 1 else f"lines {hole['line']}–{hole['line'] + hole['lines'] - 1}")
        assert any(w.startswith(f"page {hole['page']}: {cols}, {lines} ") for w in said), hole
    # The copyfit the proof wrote, story by story; a page's picture names its revision.
    fits = json.loads((studio.proof_folder / "copyfit-proof.json").read_text(encoding="utf-8"))["stories"]
    for fit, story in zip(fits, state["stories"]):
        assert (story["id"], story["chars"], story["lines_used"], story["lines_available"], story["status"]) == \
               (fit["story"], fit["characters"], fit["lines_used"], fit["lines_available"], fit["status"])
    assert all(p["rev"] == 1 and p["status"] in ("fits", "holes") for p in state["pages"])


def test_overset_text_in_full_and_the_chain(studio, issue_copy):
    text = issue_copy.read_text(encoding="utf-8")
    issue_copy.write_text(text.replace("{page: 1, col: 4, span: 3, line: 35, lines: 24}",
                                       "{page: 1, col: 4, span: 3, line: 35, lines: 20}"), encoding="utf-8")
    studio.step()
    story = next(s for s in studio.state["stories"] if s["id"] == "community-spaces")
    # The text as set (an edition's script already applied), and what of it the page shows.
    flow = next(f for f in studio.watcher.layout.flows if f.story.id == "community-spaces")
    source = "".join("".join(b.text for b in flow.story.blocks).split())
    placed = "".join(p.line.text for p in flow.lines if p.block >= 0)
    assert story["status"] == "overset" and story["overset"]["chars"] > 0
    overset = story["overset"]["text"]
    assert len(overset.replace("\n", "")) == story["overset"]["chars"]
    assert source.endswith("".join(overset.split()))             # the story's own last words, whole
    assert "".join(placed.split()) + "".join(overset.split()) == source
    page1 = studio.state["pages"][0]
    assert page1["status"] == "overset" and page1["overset"] == ["community-spaces"]
    chain = next(s for s in studio.state["stories"] if s["id"] == "study-session")
    assert [(f["page"], f["frame"]) for f in chain["frames"]] == [(1, 1), (2, 2)]
    # The jump lines the engine wrote (in the edition's script: 轉 or 转).
    assert [(j["kind"], j["page"], j["frame"]) for j in chain["jumps"]] == [("jump_out", 1, 1), ("jump_in", 2, 2)]
    assert re.fullmatch("（下[轉转]第2版）", chain["jumps"][0]["text"]) and chain["jumps"][1]["text"] == "（上接第1版）"


def test_a_broken_file_keeps_the_last_good_pages_marked_stale(studio, issue_copy):
    studio.step()
    good = studio.state
    text = issue_copy.read_text(encoding="utf-8")
    issue_copy.write_text(text.replace("headline: 奮進", "heading: 奮進", 1), encoding="utf-8")
    studio.step()
    stale = studio.state["stale"]
    assert stale["file"] == str(issue_copy) and stale["line"] == 25
    assert stale["key"] == "stories[study-session].heading" and stale["message"].startswith("unknown key 'heading'")
    assert stale["good"] == good["updated_at"]
    assert [p["number"] for p in studio.state["pages"]] == [1, 2]             # the last good pages, still shown
    assert all(p["status"] == "error" and p["rev"] == 2 for p in studio.state["pages"])   # redrawn with the band
    issue_copy.write_text(text, encoding="utf-8")
    studio.step()
    assert studio.state["stale"] is None and all(p["rev"] == 3 for p in studio.state["pages"])


def test_a_drag_on_a_stale_view_never_overwrites_the_editors_save(studio, issue_copy):
    """After a failed update the pages shown are the last good file's: a drag made on them must be
    refused, keeping what the editor saved in a text editor meanwhile."""
    studio.step()
    text = issue_copy.read_text(encoding="utf-8")
    frame = "- {page: 1, col: 4, span: 3, line: 35, lines: 24}"
    assert frame in text
    # Saved in a text editor: a frame shortened, and a character no font has (the update fails).
    saved = text.replace(frame, frame.replace("lines: 24", "lines: 20")).replace(
        "headline: 學習貫徹", "headline: \U0001F600學習貫徹", 1)
    issue_copy.write_text(saved, encoding="utf-8")
    studio.step()
    assert studio.state["stale"] is not None
    with pytest.raises(PlaceRefused):
        studio.place({"kind": "frame", "id": "community-spaces", "frame": 1, "col": 4, "span": 3, "line": 36,
                      "lines": 24, "digest": studio.state["digest"]})
    assert issue_copy.read_text(encoding="utf-8") == saved


def test_error_parts_of_the_loaders_messages():
    assert error_parts("issues/1650.yaml:25: stories[study-session].frames[2].span: columns 5–7 run past") == {
        "file": "issues/1650.yaml", "line": 25, "key": "stories[study-session].frames[2].span",
        "message": "columns 5–7 run past", "text": "issues/1650.yaml:25: stories[study-session].frames[2].span: "
                                                    "columns 5–7 run past"}
    bad = error_parts("issues/1650.yaml:3: not valid YAML: mapping values are not allowed here")
    assert (bad["line"], bad["key"], bad["message"]) == (3, None, "not valid YAML: mapping values are not allowed here")
    assert error_parts("story 'x' (a.md): character 𠮷")["file"] is None


# --- moves written back --------------------------------------------------------------------------

def test_a_move_rewrites_only_its_numbers_keeping_comments(issue_copy):
    before = issue_copy.read_text(encoding="utf-8")
    digest = issue_digest(issue_copy.read_bytes())
    written = place(issue_copy, Placement("frame", "study-session", 2, 1, 2, 4, 6), digest)
    after = issue_copy.read_text(encoding="utf-8")
    changed = [line for line in difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
               if line[:1] in "+-" and not line.startswith(("+++", "---"))]
    assert changed == ["-      - {page: 2, col: 1, span: 2, line: 4, lines: 5, jump_head: 奮進卓越徐匯新征程}",
                       "+      - {page: 2, col: 1, span: 2, line: 4, lines: 6, jump_head: 奮進卓越徐匯新征程}"]
    assert before.count("#") == after.count("#") and "# the continuation's two columns end level" in after
    assert written == issue_digest(issue_copy.read_bytes())
    frame = load_issue(issue_copy).stories[0].frames[1].place
    assert (frame.page, frame.col, frame.span, frame.line, frame.lines) == (2, 1, 2, 4, 6)
    # A box and a photo are placed by their 'place'; a head by 'head'.
    place(issue_copy, Placement("box", "slogan", 0, 5, 2, 21, 7), written)
    assert load_issue(issue_copy).boxes[0].place.line == 21


def test_a_block_style_place_and_an_excluded_rectangle_move_with_it(issue_copy):
    text = issue_copy.read_text(encoding="utf-8")
    text = text.replace("    place: {page: 1, col: 1, span: 3, line: 57, lines: 16}\n",
                        "    place:            # where the photo goes\n      page: 1\n      col: 1\n      span: 3\n"
                        "      line: 57\n      lines: 16\n")
    text = text.replace("      - {page: 2, col: 1, span: 2, line: 4, lines: 5, jump_head: 奮進卓越徐匯新征程}",
                        "      - {page: 2, col: 1, span: 2, line: 4, lines: 5, jump_head: 奮進卓越徐匯新征程, "
                        "exclude: {col: 2, span: 1, line: 7, lines: 2}}")
    issue_copy.write_text(text, encoding="utf-8")
    digest = place(issue_copy, Placement("photo", "riverside", 0, 1, 3, 56, 16), issue_digest(text.encode()))
    assert "      line: 56\n" in issue_copy.read_text(encoding="utf-8")
    assert "# where the photo goes" in issue_copy.read_text(encoding="utf-8")
    place(issue_copy, Placement("frame", "study-session", 2, 1, 2, 5, 5), digest)
    frame = load_issue(issue_copy).stories[0].frames[1]
    assert frame.place.line == 5 and frame.exclude[0].line == 8 and frame.exclude[0].col == 2


@pytest.mark.parametrize("placement, says", [
    (Placement("photo", "riverside", 0, 1, 3, 50, 16), "overlaps story 'government-meeting' frame 1"),
    (Placement("box", "slogan", 0, 5, 3, 20, 8), "run past the page's 6 columns"),
    (Placement("frame", "community-spaces", 1, 4, 3, 35, 40), "run past the page's 72 lines"),
    (Placement("head", "study-session", 0, 1, 6, 8, 7), "hold the masthead"),
])
def test_refused_with_the_message_check_gives(issue_copy, placement, says):
    from layout.app.studio_place import rewritten

    before = issue_copy.read_bytes()
    with pytest.raises(PlaceRefused) as refused:
        place(issue_copy, placement, issue_digest(before))
    assert issue_copy.read_bytes() == before                        # nothing written
    expected = _check_error(issue_copy, rewritten(before.decode("utf-8"), placement, issue_copy))
    assert str(refused.value) == expected and says in expected
    assert not [p for p in issue_copy.parent.iterdir() if p.name.startswith(".")]   # no trial file left


def test_an_edit_saved_meanwhile_is_never_overwritten(issue_copy):
    read = issue_digest(issue_copy.read_bytes())
    mine = issue_copy.read_text(encoding="utf-8").replace("# 徐匯報 第49期", "# 徐匯報 第49期 (edited elsewhere)")
    issue_copy.write_text(mine, encoding="utf-8")
    with pytest.raises(PlaceRefused, match="changed on disk since the studio read it"):
        place(issue_copy, Placement("frame", "study-session", 2, 1, 2, 4, 6), read)
    assert issue_copy.read_text(encoding="utf-8") == mine


def test_a_file_the_yaml_library_would_reformat_is_refused(issue_copy):
    text = issue_copy.read_text(encoding="utf-8").replace("template: xuhuibao-tabloid", "template:   xuhuibao-tabloid")
    issue_copy.write_text(text, encoding="utf-8")
    with pytest.raises(PlaceRefused, match="would also change line"):
        place(issue_copy, Placement("box", "slogan", 0, 5, 2, 21, 7), issue_digest(text.encode()))
    assert issue_copy.read_text(encoding="utf-8") == text


# --- the server ----------------------------------------------------------------------------------

def _get(port: int, path: str, host: str | None = None):
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}")
    if host:
        request.add_header("Host", host)
    try:
        with urllib.request.urlopen(request, timeout=20) as response:
            return response.status, response.read(), response.headers.get("Content-Type")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read(), exc.headers.get("Content-Type")


def _events(port: int):
    """The event stream: a generator of states."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", "/events")
    response = conn.getresponse()
    assert response.status == 200 and response.getheader("Content-Type").startswith("text/event-stream")
    data = []
    while True:
        line = response.readline().decode("utf-8")
        if line.startswith("data: "):
            data.append(line[6:])
        elif line in ("\n", "\r\n") and data:
            yield json.loads("".join(data))
            data = []


@pytest.fixture()
def running(studio):
    server = start_server(studio, 0)
    stop = threading.Event()
    loop = threading.Thread(target=studio.run, kwargs={"stop": stop}, daemon=True)
    loop.start()
    yield studio, server.server_address[1]
    stop.set()
    loop.join(30)
    server.shutdown()
    server.server_close()


def test_served_on_this_machine_only(running):
    studio, port = running
    with socket.create_connection(("127.0.0.1", port)):
        pass
    assert _get(port, "/")[0] == 200 and b"studio.js" in _get(port, "/")[1]
    assert _get(port, "/static/studio.js")[2].startswith("text/javascript")
    assert _get(port, "/api/state", host="attacker.example:80")[0] == 403   # DNS rebinding
    assert _get(port, "/static/../studio.py")[0] == 404
    request = urllib.request.Request(f"http://127.0.0.1:{port}/api/place", data=b"kind=frame", method="POST",
                                     headers={"Content-Type": "application/x-www-form-urlencoded"})
    with pytest.raises(urllib.error.HTTPError) as refused:     # a form posted from another site
        urllib.request.urlopen(request, timeout=10)
    assert refused.value.code == 403
    # A browser that goes away mid-stream ends only its own thread.
    for _ in range(3):
        conn = socket.create_connection(("127.0.0.1", port))
        conn.sendall(f"GET /events HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode())
        conn.recv(200)
        conn.close()
    studio._publish(dict(studio.state))            # the next event finds the socket closed
    assert _get(port, "/api/state")[0] == 200


def test_updates_are_pushed_and_pages_fetched_by_revision(running, issue_copy):
    studio, port = running
    stream = _events(port)
    state = next(stream)
    while not state.get("ready"):
        state = next(stream)
    assert [p["rev"] for p in state["pages"]] == [1, 1]
    status, png, kind = _get(port, state["pages"][0]["image"])
    assert status == 200 and kind == "image/png" and png.startswith(b"\x89PNG")
    status, sharp, _ = _get(port, state["pages"][0]["image"].replace("dpi=30", "dpi=150"))
    assert status == 200 and len(sharp) > len(png)                  # the proof page rendered finer
    story = issue_copy.parent / "1650" / "community-spaces.md"
    story.write_text(story.read_text(encoding="utf-8").replace("。", "，", 1), encoding="utf-8")
    state = next(stream)
    assert state["changed"] == [1] and [p["rev"] for p in state["pages"]] == [2, 1]
    compared = json.loads(_get(port, "/api/compare?against=previous")[1])
    assert [(p["page"], p["changed"], p["stories"]) for p in compared["pages"]] == [
        (1, True, ["community-spaces"]), (2, False, [])]
    assert _get(port, compared["pages"][0]["picture"])[0] == 200
    # A move from the page: written, then seen as a save.
    body = json.dumps({"kind": "box", "id": "slogan", "col": 5, "span": 2, "line": 21, "lines": 7,
                       "digest": state["digest"]}).encode()
    request = urllib.request.Request(f"http://127.0.0.1:{port}/api/place", data=body, method="POST",
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=20) as response:
        assert json.loads(response.read())["ok"]
    state = next(stream)
    assert next(e for e in state["pages"][0]["elements"] if e["id"] == "slogan")["grid"]["line"] == 21
    stale_body = json.dumps({"kind": "box", "id": "slogan", "col": 5, "span": 2, "line": 22, "lines": 6,
                             "digest": "0" * 64}).encode()
    request = urllib.request.Request(f"http://127.0.0.1:{port}/api/place", data=stale_body, method="POST",
                                     headers={"Content-Type": "application/json"})
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=20)
    assert refused.value.code == 409 and "changed on disk" in json.loads(refused.value.read())["error"]


def start_studio(issue, out, *extra):
    """`layout studio ISSUE --port 0` as a program; its URL from the line it prints first."""
    # The package the tests import (the checkout's, or the installed compiled build's in .ci/run's second
    # run): never the checkout's pure layout/ in front of an installed build.
    env = {**os.environ, "PYTHONPATH": str(Path(layout.__file__).resolve().parent.parent), "NO_COLOR": "1"}
    process = subprocess.Popen([sys.executable, "-m", "layout", "studio", str(issue), "--port", "0", "-o", str(out),
                                *extra], cwd=issue.parent.parent, env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    line = process.stdout.readline()
    m = re.match(r"studio: (http://127\.0\.0\.1:\d+/) ", line)
    if not m:
        process.kill()
        raise AssertionError(f"the studio did not start: {line}{process.stderr.read()}")
    return process, m.group(1)


def test_ctrl_c_ends_it_in_one_line(tmp_path):
    shutil.copytree(ROOT / "issues", tmp_path / "issues")
    process, url = start_studio(tmp_path / "issues" / "1650.yaml", tmp_path / "out")
    deadline = time.time() + 30
    while not (tmp_path / "out" / "proof" / "layout-proof.json").is_file() and time.time() < deadline:
        time.sleep(0.1)
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=30)
    assert process.returncode == 130
    assert [line for line in err.splitlines() if line.strip()] == [
        "stopped: by Ctrl-C; nothing half-written is left: each issue folder holds its previous files or its new ones, whole"]


def test_command_line(tmp_path, issue_copy):
    result = CliRunner().invoke(main, ["studio", "--help"])
    assert result.exit_code == 0 and "127.0.0.1" in result.output
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = CliRunner().invoke(main, ["--no-color", "studio", str(issue_copy), "--port", str(port)])
    assert result.exit_code == 1 and f"error: port {port} on 127.0.0.1 is in use" in result.output


def test_the_page_is_package_data():
    import tomllib

    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert "app/studio_page/*" in data["tool"]["setuptools"]["package-data"]["layout"]
    page = (ROOT / "layout" / "app" / "studio_page" / "index.html").read_text(encoding="utf-8")
    # Nothing from the network: every script and style is the package's own.
    assert not re.search(r'(src|href)="(https?:)?//', page)
    for name in ("studio.js", "studio.css"):
        text = (ROOT / "layout" / "app" / "studio_page" / name).read_text(encoding="utf-8")
        assert not re.search(r"https?://(?!www\.w3\.org/2000/svg)", text) and "@import" not in text
