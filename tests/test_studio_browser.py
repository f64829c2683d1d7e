"""`layout studio` in a real browser: headless Chromium (Debian's `chromium`, driven by Playwright)
against a studio started as the command, on a free port, over a copy of the issues. The pages appear,
an edit to a story shows up by itself, hovering gives the grid position, a click gives the copyfit,
a broken file shows its banner and a fix clears it, and a drag rewrites the YAML with its comments.

Skipped, with the reason, where Chromium or Playwright is missing; `.ci/run` installs both."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess

import pytest

from conftest import ROOT
from layout.app.studio_place import Placement, rewritten
from test_studio import _check_error, start_studio

CHROMIUM = next((p for p in (os.environ.get("LAYOUT_CHROMIUM"), shutil.which("chromium"),
                             shutil.which("chromium-browser")) if p), None)
try:
    from playwright.sync_api import sync_playwright
except ImportError:          # pragma: no cover - depends on the machine
    sync_playwright = None

pytestmark = [
    pytest.mark.skipif(CHROMIUM is None, reason="no Chromium here (Debian: apt-get install chromium; .ci/run does)"),
    pytest.mark.skipif(sync_playwright is None, reason="Playwright is not installed (pip install -e '.[test]')"),
]

# Playwright's own browser download is not reachable here: it drives the system's Chromium.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"]


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture()
def desk(tmp_path, browser):
    """A studio over a copy of the issues, and a browser page showing it."""
    shutil.copytree(ROOT / "issues", tmp_path / "issues")
    issue = tmp_path / "issues" / "1650.yaml"
    process, url = start_studio(issue, tmp_path / "out")
    page = browser.new_page(viewport={"width": 1500, "height": 950})
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(url)
    page.wait_for_selector(".page[data-page='2'][data-shown-rev]", timeout=30_000)
    yield page, issue, process, errors
    page.close()
    if process.poll() is None:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            process.kill()
    assert errors == [], errors


def state(page) -> dict:
    return page.evaluate("window.__studio.state")


def point_in(page, number: int, x_pt: float, y_pt: float) -> tuple[float, float]:
    """Screen coordinates of a point of page ``number`` given in points from its trimmed top-left,
    the desk scrolled so that the point is in view."""
    grid = state(page)["grid"]
    page.evaluate("""([n, fx, fy]) => {
        const desk = document.querySelector('#desk'), el = document.querySelector(`.page[data-page='${n}']`);
        const d = desk.getBoundingClientRect(), b = el.getBoundingClientRect();
        desk.scrollTop += b.top + b.height * fy - (d.top + d.height / 2);
        desk.scrollLeft += b.left + b.width * fx - (d.left + d.width / 2);
    }""", [number, x_pt / grid["trim_w"], y_pt / grid["trim_h"]])
    box = page.locator(f".page[data-page='{number}']").bounding_box()
    return box["x"] + box["width"] * x_pt / grid["trim_w"], box["y"] + box["height"] * y_pt / grid["trim_h"]


def cell_centre(page, number: int, col: int, line: int) -> tuple[float, float]:
    g = state(page)["grid"]
    return point_in(page, number, g["column_x"][col - 1] + g["measure"] / 2, g["margin_top"] + (line - 0.5) * g["pitch"])


def test_pages_appear_as_spreads_from_the_proof(desk):
    page, issue, _, _ = desk
    s = state(page)
    assert [p["number"] for p in s["pages"]] == [1, 2]
    for number in (1, 2):
        loaded = page.evaluate(f"document.querySelector(\".page[data-page='{number}'] img.proof\").naturalWidth")
        assert loaded > 500                                     # the proof's own picture, decoded
    one, two = (page.locator(f".page[data-page='{n}']").bounding_box() for n in (1, 2))
    assert two["y"] > one["y"] + one["height"] and one["x"] > two["x"]   # page 1 alone, on the right
    g = s["grid"]
    assert abs(one["height"] / one["width"] - g["trim_h"] / g["trim_w"]) < 0.01
    assert page.locator("#strip .thumb").count() == 2
    assert page.locator("#strip .thumb[data-page='1']").get_attribute("data-status") in ("fits", "holes")
    # Zoomed in, the same proof page is fetched finer.
    page.locator("#zoom-read").click()
    page.wait_for_function("[...document.querySelectorAll('img.proof')].some(i => /dpi=(150|200|300)/.test(i.src))",
                           timeout=20_000)


def test_an_edit_to_a_story_shows_up_by_itself(desk):
    page, issue, _, _ = desk
    before = int(page.locator(".page[data-page='1']").get_attribute("data-shown-rev"))
    story = issue.parent / "1650" / "community-spaces.md"
    story.write_text(story.read_text(encoding="utf-8") + "\n補充一段新的文字，讓這篇稿件溢排。" * 8, encoding="utf-8")
    page.wait_for_function(f"document.querySelector(\".page[data-page='1']\").dataset.shownRev > {before}",
                           timeout=30_000)
    assert page.locator(".page[data-page='2']").get_attribute("data-shown-rev") == "1"   # only the page that changed
    assert page.locator("#strip .thumb[data-page='1']").get_attribute("data-status") == "overset"
    assert page.locator(".page[data-page='1'] svg rect.el.overset").count() >= 1


def test_hovering_gives_the_grid_position(desk):
    page, _, _, _ = desk
    for col, line in ((3, 40), (1, 13), (6, 72)):
        page.mouse.move(*cell_centre(page, 1, col, line))
        pos = page.locator("#pos")
        page.wait_for_function(f"document.querySelector('#pos').dataset.line === '{line}'", timeout=5_000)
        assert (pos.get_attribute("data-page"), pos.get_attribute("data-col"), pos.get_attribute("data-line")) == \
               ("1", str(col), str(line))
        assert f"欄 {col}" in pos.inner_text() and f"行 {line}" in pos.inner_text()
    g = state(page)["grid"]
    page.mouse.move(*point_in(page, 1, g["column_x"][1] + g["measure"] + g["gutter"] / 2, g["margin_top"] + 40 * g["pitch"]))
    page.wait_for_function("document.querySelector('#pos').textContent.includes('欄間 2|3')", timeout=5_000)


def test_clicking_a_frame_shows_its_copyfit_overset_and_chain(desk):
    page, issue, _, _ = desk
    text = issue.read_text(encoding="utf-8")
    issue.write_text(text.replace("{page: 1, col: 4, span: 3, line: 35, lines: 24}",
                                  "{page: 1, col: 4, span: 3, line: 35, lines: 20}"), encoding="utf-8")
    page.wait_for_function("window.__studio.state.stories.some(s => s.status === 'overset')", timeout=30_000)
    story = next(s for s in state(page)["stories"] if s["id"] == "community-spaces")
    page.mouse.click(*cell_centre(page, 1, 5, 45))
    panel = page.locator("#inspector .story[data-story='community-spaces']")
    panel.wait_for(timeout=5_000)
    assert panel.locator(".fit-row .chars").inner_text() == str(story["chars"])
    assert panel.locator(".fit-row .lines").inner_text() == f"{story['lines_used']}/{story['lines_available']}"
    assert f"刪 {story['overset']['chars']} 字" in panel.locator(".fit-row .cut").inner_text()
    assert panel.locator(".overset-text").inner_text() == story["overset"]["text"]
    assert page.locator(".page[data-page='1'] svg rect.el.selected").count() == 2    # its head and its frame
    # A story in two frames: its chain, with the jump lines the engine wrote.
    page.mouse.click(*cell_centre(page, 1, 2, 24))
    chain = page.locator("#inspector .story[data-story='study-session'] ol.chain")
    chain.wait_for(timeout=5_000)
    assert chain.locator("li.frame").count() == 2
    assert re.search("（下[轉转]第2版）", chain.locator("li[data-jump='out']").inner_text())
    assert "（上接第1版）" in chain.locator("li[data-jump='in']").inner_text()


def test_a_broken_file_shows_its_banner_and_a_fix_clears_it(desk):
    page, issue, _, _ = desk
    text = issue.read_text(encoding="utf-8")
    issue.write_text(text.replace("headline: 奮進", "heading: 奮進", 1), encoding="utf-8")
    banner = page.locator("#banner")
    banner.wait_for(state="visible", timeout=30_000)
    assert banner.get_attribute("data-line") == "25" and banner.get_attribute("data-key") == "stories[study-session].heading"
    assert "1650.yaml" in banner.inner_text() and "unknown key 'heading'" in banner.inner_text()
    assert page.locator("#spreads.stale .page[data-page='1']").count() == 1            # the last good pages, stale
    assert page.locator("#strip .thumb[data-status='error']").count() == 2
    issue.write_text(text, encoding="utf-8")
    banner.wait_for(state="hidden", timeout=30_000)
    assert page.locator("#spreads.stale").count() == 0


def _drag(page, number: int, x_pt: float, y_pt: float, down_pt: float, steps: int = 10) -> None:
    """Press at a point of the page and move the pointer ``down_pt`` points down before letting go."""
    x, y = point_in(page, number, x_pt, y_pt)
    scale = page.locator(f".page[data-page='{number}']").bounding_box()["height"] / state(page)["grid"]["trim_h"]
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x, y + down_pt * scale, steps=steps)
    page.mouse.up()


def test_a_drag_rewrites_the_yaml_keeping_its_comments(desk):
    page, issue, _, _ = desk
    before = issue.read_text(encoding="utf-8")
    g = state(page)["grid"]
    frame = next(e for e in state(page)["pages"][0]["elements"] if e["id"] == "community-spaces" and e["kind"] == "frame")
    bottom = frame["pt"]["y"] + frame["pt"]["h"]
    middle = frame["pt"]["x"] + frame["pt"]["w"] / 2
    # The frame's bottom edge, three grid lines up: the frame loses three lines.
    _drag(page, 1, middle, bottom - 1, -3 * g["pitch"])
    page.wait_for_function("document.querySelector('#toast').dataset.kind === 'ok'", timeout=20_000)
    after = issue.read_text(encoding="utf-8")
    assert after == before.replace("{page: 1, col: 4, span: 3, line: 35, lines: 24}",
                                   "{page: 1, col: 4, span: 3, line: 35, lines: 21}")
    assert "# the two-line headline set smaller to fit its head (reported)" in after
    page.wait_for_function("window.__studio.state.pages[0].elements.find(e => e.id === 'community-spaces' && "
                           "e.kind === 'frame').grid.lines === 21", timeout=30_000)
    # Onto the photo below: refused with `layout check`'s message, and nothing written.
    frame = next(e for e in state(page)["pages"][0]["elements"] if e["id"] == "community-spaces" and e["kind"] == "frame")
    bottom = frame["pt"]["y"] + frame["pt"]["h"]
    _drag(page, 1, middle, bottom - 1, 6 * g["pitch"])
    page.wait_for_function("document.querySelector('#toast').dataset.kind === 'error'", timeout=20_000)
    said = page.locator("#toast").inner_text()
    expected = _check_error(issue, rewritten(after, Placement("frame", "community-spaces", 1, 4, 3, 35, 27), issue))
    assert expected in said and "overlaps" in expected, said
    assert issue.read_text(encoding="utf-8") == after


def test_compare_names_what_changed(desk):
    page, issue, _, _ = desk
    story = issue.parent / "1650" / "government-meeting.md"
    rev = int(page.locator(".page[data-page='1']").get_attribute("data-shown-rev"))
    story.write_text(story.read_text(encoding="utf-8").replace("。", "，", 1), encoding="utf-8")
    page.wait_for_function(f"document.querySelector(\".page[data-page='1']\").dataset.shownRev > {rev}", timeout=30_000)
    page.locator("#compare").check()
    summary = page.locator("#compare-summary")
    page.wait_for_function("document.querySelector('#compare-summary').dataset.changed === '1'", timeout=30_000)
    assert "government-meeting" in summary.inner_text()
    page.wait_for_function("document.querySelector(\".page[data-page='1'] img.proof\").src.includes('/diff/')",
                           timeout=10_000)
    assert page.locator(".page.diff[data-page='1']").count() == 1
