"""The browser editor in a real browser: `voiceedit serve` on the bundled interview, driven
by Playwright through Debian's Chromium, checked by axe-core in every state, used with the
keyboard alone, and followed by edits made from the command line meanwhile."""

from __future__ import annotations

import json
import os
import re
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from test_meanings import heard_with_choices
from web_server import ROOT, sample_project, serving

from voiceedit.actions.state import EditorState
from voiceedit.core import Editor
from voiceedit.project import load_project
from voiceedit.web.keys import KEYS, key_label

SCREENSHOT = ROOT / "docs" / "images" / "browser-editor.png"


def open_page(browser, served, **options) -> Page:
    page = browser.new_context(viewport={"width": 1280, "height": 800}, **options).new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(served.url)
    expect(page.locator("body")).to_have_attribute("data-ready", "true")
    page.errors = errors  # type: ignore[attr-defined]
    return page


def words_on_disk(project: Path) -> list[str]:
    return EditorState(load_project(project)).words.texts


def status(page: Page):
    return page.get_by_role("status")


def no_axe_violations(page: Page, state: str) -> None:
    from axe_playwright_python.sync_playwright import Axe

    violations = Axe().run(page).response["violations"]
    found = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3]) for v in violations]
    assert found == [], f"axe-core, {state}: {found}"


def test_axe_finds_nothing_wrong_in_any_state(browser, served):
    page = open_page(browser, served)
    no_axe_violations(page, "loaded")
    page.locator("#transcript").focus()
    page.keyboard.press("Shift+ArrowRight")
    page.keyboard.press("Shift+ArrowRight")
    expect(page.locator("[aria-selected=true]")).to_have_count(3)
    no_axe_violations(page, "words selected")
    page.keyboard.press("Escape")
    command = page.get_by_role("textbox", name="Command")
    command.fill("delete expensive camera")  # said twice in the interview: which one?
    command.press("Enter")
    dialog = page.get_by_role("dialog", name="Question")
    expect(dialog).to_be_visible()
    no_axe_violations(page, "a question waiting")
    page.keyboard.press("Escape")  # cancels: nothing changed
    expect(dialog).to_be_hidden()
    command.fill("go to ten minutes")
    command.press("Enter")
    expect(status(page)).to_contain_text("past the end")
    no_axe_violations(page, "an error shown")
    page.locator("#transcript").focus()
    page.keyboard.press("?")
    expect(page.get_by_role("dialog", name="Keys and commands")).to_be_visible()
    no_axe_violations(page, "help open")
    assert page.errors == []


def test_the_landmarks_headings_transcript_and_command_box(browser, served):
    page = open_page(browser, served)
    expect(page.locator("body")).to_match_aria_snapshot(f"""
      - banner:
        - heading "{served.project.name}" [level=1]
      - main:
        - region "Picture":
          - heading "Picture" [level=2]
          - paragraph:
            - button "Play"
        - region "Transcript":
          - heading "Transcript" [level=2]
          - listbox "Transcript":
            - group:
              - option "Hi,"
              - option "I'm"
              - option "Sam,"
        - region "Command":
          - heading "Command" [level=2]
          - textbox "Command"
          - button "Do it"
          - button "Microphone"
          - status
    """)
    # A filler and a pause say what they are; every word knows its time.
    expect(page.get_by_role("option", name="Um, (filler)").first).to_be_visible()
    expect(page.get_by_role("option", name=re.compile(r"^pause \d+\.\d s$")).first).to_be_visible()
    assert page.locator("[role=option][id^=w]").count() == len(words_on_disk(served.project))


def test_keyboard_alone_cuts_a_phrase_hears_it_announced_and_undoes_it(browser, served):
    page = open_page(browser, served)  # the page's own CSP in force: no test shortcuts
    before = words_on_disk(served.project)
    page.keyboard.press("Tab")  # the skip link comes first
    page.keyboard.press("Enter")
    expect(page.locator("#transcript")).to_be_focused()
    page.keyboard.press("ArrowDown")  # the second sentence: "Um, the first thing ..."
    for _ in range(2):
        page.keyboard.press("ArrowRight")
    expect(page.locator("#transcript .cursor")).to_have_text("first")
    page.keyboard.press("Shift+ArrowRight")
    page.keyboard.press("Shift+ArrowRight")
    page.keyboard.press("Delete")
    expect(status(page)).to_have_text(re.compile(r"^Deleted .*'first thing you'\. Now .*\.$"))
    after = words_on_disk(served.project)
    assert len(after) == len(before) - 3 and "first" not in after[:25]
    expect(page.get_by_role("option", name="first", exact=True)).to_have_count(0)
    expect(page.locator("del", has_text="first")).to_have_count(1)  # struck through
    page.keyboard.press("Control+z")
    expect(status(page)).to_have_text(re.compile(r"^Undid: deleted .*'first thing you'"))
    assert words_on_disk(served.project) == before
    page.keyboard.press("Control+Shift+Z")
    expect(status(page)).to_have_text(re.compile(r"^Redid"))
    assert words_on_disk(served.project) == after
    assert page.errors == []


def test_the_command_box_takes_the_spoken_language_and_moves_the_cursor(browser, served):
    page = open_page(browser, served)
    command = page.get_by_role("textbox", name="Command")
    command.fill("go to ten seconds")
    command.press("Enter")
    expect(status(page)).to_have_text(re.compile(r"^At 10\.0 s of "))
    words = EditorState(load_project(served.project)).words
    cursor = page.locator("#transcript .cursor").get_attribute("id")
    index = int(cursor[1:])
    if cursor.startswith("w"):  # on the word said at ten seconds
        assert words.starts[index] <= 10_000 < words.ends[index]
    else:  # or on the pause after word `index`, in which ten seconds falls
        assert words.ends[index] <= 10_000 < words.starts[index + 1]
    # Keys typed into the box are text, not shortcuts: no help, no cut, no sound.
    before = served.project.read_bytes()
    command.focus()
    page.keyboard.type("A ? / H")
    expect(command).to_have_value("A ? / H")
    expect(page.get_by_role("dialog")).to_have_count(0)
    command.fill("make it pop")
    command.press("Enter")
    expect(status(page)).to_have_text('Not understood: "make it pop". '
                                      'Did you mean "make the video"?')
    assert served.project.read_bytes() == before


def test_a_question_is_a_dialog_answered_from_the_keyboard(browser, served):
    page = open_page(browser, served)
    command = page.get_by_role("textbox", name="Command")
    command.fill("delete expensive camera")
    command.press("Enter")
    dialog = page.get_by_role("dialog", name="Question")
    expect(dialog).to_be_visible()
    question = re.compile(r"2 matches: 1 at 12\.\d s, 'expensive camera'; 2 at 1[56]\.\d s, "
                          r"'expensive camera'\. Say 1 or 2\.")
    expect(status(page)).to_contain_text(question)
    expect(dialog).to_contain_text(question)
    buttons = dialog.get_by_role("button")
    expect(buttons).to_have_text([re.compile(r"^1: at 0:12\.\d, expensive camera$"),
                                  re.compile(r"^2: at 0:1[56]\.\d, expensive camera$"), "Cancel"])
    expect(buttons.first).to_be_focused()
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # the second place
    expect(dialog).to_be_hidden()
    expect(status(page)).to_have_text(re.compile(r"^Deleted .*expensive camera"))
    texts = " ".join(words_on_disk(served.project))
    assert texts.count("expensive camera") == 1
    assert "You don't need an expensive camera" in texts  # the first place stayed
    expect(page.locator("#transcript")).to_be_focused()


def test_a_question_of_meaning_asked_by_voice_is_a_dialog_when_the_page_opens(
        browser, tmp_path, sample_video, sample_transcript):
    """`listen` heard a cut two ways and asked which; the page opened then asks it too, one
    button a meaning, and the keyboard answers."""
    project = sample_project(tmp_path, sample_video, sample_transcript)
    editor = Editor.open(project)
    duration = editor.state.timeline.duration
    asked = editor.handle(heard_with_choices("delete from one second to two seconds",
                                             "delete from one point five seconds to two seconds"))
    with serving(project) as served:
        page = open_page(browser, served)
        dialog = page.get_by_role("dialog", name="Question")
        expect(dialog).to_be_visible()
        expect(dialog).to_contain_text(asked.message)
        buttons = dialog.get_by_role("button")
        expect(buttons).to_have_text(["1: Delete from 1.0 s to 2.0 s",
                                      "2: Delete from 1.5 s to 2.0 s", "No"])
        expect(buttons.first).to_be_focused()
        no_axe_violations(page, "a question of meaning")
        page.keyboard.press("Tab")
        page.keyboard.press("Enter")  # the second meaning
        expect(dialog).to_be_hidden()
        expect(status(page)).to_have_text(re.compile(r"^Deleted 0\.5 s"))
    assert load_project(project).timeline.duration == duration - 500
    assert load_project(project).pending is None
    assert page.errors == []  # type: ignore[attr-defined]


def test_a_move_heard_two_ways_is_asked_in_the_page_and_the_keyboard_picks(
        browser, tmp_path, sample_video, sample_transcript):
    """A command that removes nothing, heard two ways by voice, is asked as a cut is: the
    page's dialog has one button a meaning, and the second moves the playhead there."""
    project = sample_project(tmp_path, sample_video, sample_transcript)
    asked = Editor.open(project).handle(heard_with_choices("go to ten seconds",
                                                           "go to twelve seconds"))
    assert asked.question and load_project(project).playhead == 0
    with serving(project) as served:
        page = open_page(browser, served)
        dialog = page.get_by_role("dialog", name="Question")
        expect(dialog).to_contain_text(asked.message)
        buttons = dialog.get_by_role("button")
        expect(buttons).to_have_text(["1: Go to 10.0 s", "2: Go to 12.0 s", "No"])
        no_axe_violations(page, "a move asked about")
        page.keyboard.press("Tab")
        page.keyboard.press("Enter")
        expect(dialog).to_be_hidden()
        expect(status(page)).to_have_text(re.compile(r"^At 12\.0 s"))
    assert load_project(project).playhead == 12_000
    assert load_project(project).pending is None


def test_an_edit_from_the_command_line_appears_in_the_open_page(browser, served,
                                                               voiceedit_cli):
    page = open_page(browser, served)
    expect(page.get_by_role("option", name="story", exact=False).first).to_be_visible()
    result = voiceedit_cli("do", str(served.project), "delete a story worth telling")
    assert result.returncode == 0, result.stderr
    announced = result.stdout.strip().splitlines()[-1]
    expect(status(page)).to_have_text(announced, timeout=2000)
    expect(page.locator("del", has_text="worth")).to_have_count(1)
    expect(page.get_by_role("option", name="worth", exact=True)).to_have_count(0)
    # And the page's undo takes back the terminal's edit: one history, on disk.
    page.locator("#transcript").focus()
    page.keyboard.press("Control+z")
    expect(status(page)).to_have_text(re.compile(r"^Undid: deleted .*story worth telling"))
    timeline = voiceedit_cli("timeline", str(served.project), "--json")
    assert json.loads(timeline.stdout)["duration"] == pytest.approx(
        load_project(served.project).timeline.duration / 1000)
    assert "worth" in words_on_disk(served.project)


def test_the_player_plays_the_edit_skipping_what_was_cut(browser, served):
    page = open_page(browser, served, bypass_csp=True)
    command = page.get_by_role("textbox", name="Command")
    command.fill("delete from the first thing to worth telling")
    command.press("Enter")
    expect(status(page)).to_have_text(re.compile(r"^Delete from .*\? Say yes or no\.$"))
    expect(page.get_by_role("button", name="Yes")).to_be_focused()
    page.keyboard.press("Enter")
    expect(status(page)).to_have_text(re.compile(r"^Deleted"))
    clips = load_project(served.project).timeline.clips
    cut_from, cut_to = clips[0].source_out, clips[1].source_in
    page.evaluate("""() => {
        window.seen = [];  // the source time the player shows, every 20 ms while playing
        const player = document.getElementById('player');
        setInterval(() => { if (!player.paused) window.seen.push(player.currentTime * 1000); }, 20);
    }""")
    command.fill("play from three seconds")
    command.press("Enter")
    expect(page.locator("[aria-current=true]")).to_have_count(1, timeout=5000)
    page.wait_for_function(f"window.seen.some(ms => ms > {cut_to + 1500})", timeout=15000)
    seen = page.evaluate("window.seen")
    assert any(ms < cut_from for ms in seen), "it played the part before the cut"
    inside = [ms for ms in seen if cut_from + 150 < ms < cut_to - 150]
    assert inside == [], f"the player played {len(inside)} moments of the removed part"
    page.keyboard.press("Escape")  # out of the command box, where Space is a space
    page.keyboard.press(" ")  # pause: the cursor stops where the sound did
    expect(page.locator("[aria-current=true]")).to_have_count(0)
    expect(page.get_by_role("button", name="Play")).to_be_visible()
    stopped = page.evaluate("document.getElementById('player').currentTime * 1000")
    assert stopped > cut_to and page.evaluate("document.getElementById('player').paused")


def test_keys_hear_around_the_cut_and_hide_the_removed_words(browser, served):
    page = open_page(browser, served)
    page.locator("#transcript").focus()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Delete")  # "Um,"
    expect(status(page)).to_have_text(re.compile(r"^Deleted .*'Um'"))
    removed = page.locator("del", has_text="Um,")
    expect(removed).to_be_visible()
    page.keyboard.press("h")
    expect(removed).to_be_hidden()
    expect(page.get_by_role("checkbox", name="Show removed words")).not_to_be_checked()
    page.keyboard.press("a")  # the same command as saying "play around the cut"
    expect(status(page)).to_have_text(re.compile(r"^Playing around the cut at \w+"))
    expect(page.locator("[aria-current=true]")).to_have_count(1, timeout=5000)
    expect(page.get_by_role("button", name="Pause")).to_be_visible()
    expect(page.get_by_role("button", name="Play")).to_be_visible(timeout=10_000)  # it ends


def test_a_click_or_a_move_to_a_word_puts_the_picture_there(browser, served):
    page = open_page(browser, served)
    words = EditorState(load_project(served.project)).words
    player = page.locator("#player")
    page.get_by_role("option", name="Record", exact=True).click()
    index = words.texts.index("Record")
    expect(page.locator("#transcript .cursor")).to_have_text("Record")
    assert player.evaluate("v => v.currentTime * 1000") == pytest.approx(words.starts[index], abs=2)
    page.keyboard.press("ArrowRight")
    expect(page.locator("#transcript .cursor")).to_have_text("the")
    assert player.evaluate("v => v.currentTime * 1000") == pytest.approx(
        words.starts[index + 1], abs=2)
    expect(page.locator("#position")).to_have_text(re.compile(r"^0:\d\d\.\d of 0:45\.\d$"))


def test_help_lists_every_key_from_the_one_keyboard_map(browser, served):
    page = open_page(browser, served)
    page.locator("#transcript").focus()
    page.keyboard.press("?")
    dialog = page.get_by_role("dialog", name="Keys and commands")
    expect(dialog).to_be_visible()
    rows = dialog.locator("tbody tr")
    expect(rows).to_have_count(len(KEYS))
    for row, key in zip(rows.all(), KEYS, strict=True):
        assert row.locator("td").first.inner_text() == ", ".join(map(key_label, key.keys))
        assert key.what in row.inner_text()
    expect(dialog).to_contain_text("delete")  # what can be said, from the grammar
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(page.locator("#transcript")).to_be_focused()
    if os.environ.get("VOICEEDIT_SCREENSHOT"):  # make screenshot: the README's picture
        page.keyboard.press("ArrowDown")
        page.keyboard.press("Delete")  # "Um,": struck through, and the answer shown
        expect(status(page)).to_contain_text("'Um'")
        for _ in range(3):  # pressed during the reload after the cut: they wait for it
            page.keyboard.press("Shift+ArrowRight")
        expect(page.locator("[aria-selected=true]")).to_have_text(
            ["the", "first", "thing", "you"])
        SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=SCREENSHOT)


def fetch(url: str, data: bytes | None = None, **headers: str) -> tuple[int, dict]:
    request = urllib.request.Request(url, data=data, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers)
    except urllib.error.HTTPError as error:
        body = error.read()
        return error.code, json.loads(body) if body.startswith(b"{") else {"text": body}


def test_requests_without_the_token_or_from_elsewhere_are_refused(served):
    origin, token = served.origin, served.token
    before = served.project.read_bytes()
    command = json.dumps({"text": "delete the first thing"}).encode()
    assert fetch(f"{origin}/api/document") == (403, {
        "message": "Open the address voiceedit serve printed; it carries the page's key."})
    assert fetch(f"{origin}/api/document", **{"X-Voiceedit-Token": "guess"})[0] == 403
    assert fetch(f"{origin}/media/0?token=guess")[0] == 403
    assert fetch(f"{origin}/api/say", command)[0] == 403
    # DNS rebinding: another name resolving to this machine.
    port = origin.rsplit(":", 1)[1]
    assert fetch(f"{origin}/api/document?token={token}", Host=f"evil.example:{port}") == (
        403, {"message": "This editor answers only on the address voiceedit serve printed."})
    # A cross-site request carries the token in vain.
    assert fetch(f"{origin}/api/say?token={token}", command, Origin="http://evil.example") == (
        403, {"message": "Requests from other sites are refused."})
    assert served.project.read_bytes() == before
    # Only the project's own media, by number: never a path.
    assert fetch(f"{origin}/media/1?token={token}")[0] == 404
    assert fetch(f"{origin}/media/..%2F..%2Fetc%2Fpasswd?token={token}")[0] == 404
    assert fetch(f"{origin}/static/..%2Fapp.py?token={token}")[0] == 404
    code, headers = fetch(f"{origin}/?token={token}")
    assert code == 200
    assert "frame-ancestors 'none'" in headers["content-security-policy"]
    assert "HttpOnly; SameSite=Strict" in headers["set-cookie"]
    assert headers["referrer-policy"] == "no-referrer"
    code, headers = fetch(f"{origin}/media/0?token={token}", Range="bytes=0-99")
    assert (code, headers["content-length"]) == (206, "100")


def test_serve_says_in_one_sentence_what_is_wrong(tmp_path, voiceedit_cli):
    result = voiceedit_cli("serve", str(tmp_path / "missing.voiceedit"), "--port", "0")
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1


@pytest.mark.slow
def test_a_cut_made_with_the_keyboard_is_rendered_from_the_command_box(browser, served):
    from voiceedit.media.probe import probe

    page = open_page(browser, served)
    page.locator("#transcript").focus()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Shift+ArrowDown")  # "Um, the first thing ... worth telling."
    page.keyboard.press("Delete")
    expect(status(page)).to_have_text(re.compile(r"^Deleted .*'Um, the first thing"))
    duration = load_project(served.project).timeline.duration
    command = page.get_by_role("textbox", name="Command")
    command.fill("render the video")
    command.press("Enter")
    expect(status(page)).to_have_text("Working.", timeout=5000)
    expect(status(page)).to_have_text(re.compile(r"^Rendered"), timeout=180_000)
    rendered = [path for path in served.project.parent.iterdir() if path.suffix == ".mp4"]
    assert len(rendered) == 1
    assert probe(rendered[0]).duration == pytest.approx(duration, abs=80)
    assert rendered[0].name in page.get_by_role("status").inner_text()
