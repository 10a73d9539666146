"""The browser editor's E key: the current word (or the selected words) typed right, sent as
the sentence a voice says ("correct Sam to Pam"), announced, shown, undone with Ctrl+Z;
Escape changes nothing. `voiceedit serve` on the bundled interview, in Chromium."""

from __future__ import annotations

import re

from playwright.sync_api import expect
from test_web import no_axe_violations, open_page, status, words_on_disk


def at_sam(browser, served):
    """The page, its cursor on the interview's third word."""
    page = open_page(browser, served)
    page.locator("#transcript").focus()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    expect(page.locator("#transcript .cursor")).to_have_text("Sam,")
    return page


def test_e_corrects_the_current_word_and_ctrl_z_takes_it_back(browser, served):
    page = at_sam(browser, served)
    page.keyboard.press("e")
    dialog = page.get_by_role("dialog", name="Correct the transcript")
    expect(dialog).to_be_visible()
    field = dialog.get_by_role("textbox", name="Correct \u201cSam,\u201d to")
    expect(field).to_be_focused()
    expect(field).to_have_value("Sam,")
    no_axe_violations(page, "correcting a word")
    page.keyboard.type("Pam,")  # the old words are selected: typing replaces them
    page.keyboard.press("Enter")
    expect(status(page)).to_have_text("Corrected 'Sam' to 'Pam'.")
    expect(dialog).to_be_hidden()
    expect(page.get_by_role("option", name="Pam,", exact=True)).to_have_count(1)
    expect(page.locator("#transcript")).to_be_focused()
    assert words_on_disk(served.project)[:4] == ["Hi,", "I'm", "Pam,", "and"]
    # The player's captions are asked for again, and say the new word.
    expect(page.locator("#captions")).to_have_attribute("src", re.compile(r"\?revision=\d+$"))
    captions = page.evaluate("fetch(document.getElementById('captions').src).then(r => r.text())")
    assert "Hi, I'm Pam, and today" in captions and "Sam" not in captions

    page.keyboard.press("Control+z")
    expect(status(page)).to_have_text("Undid: corrected 'Sam' to 'Pam'.")
    expect(page.get_by_role("option", name="Sam,", exact=True)).to_have_count(1)
    assert words_on_disk(served.project)[2] == "Sam,"

    before = served.project.read_bytes()
    page.keyboard.press("e")
    page.keyboard.type("Zed")
    page.keyboard.press("Escape")  # leaves the words as they are
    expect(dialog).to_be_hidden()
    expect(page.locator("#transcript")).to_be_focused()
    assert served.project.read_bytes() == before
    assert page.errors == []


def test_e_corrects_the_selected_words_where_they_are(browser, served):
    page = open_page(browser, served)
    page.locator("#transcript").focus()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")  # "You really don't need an expensive camera to start."
    expect(page.locator("#transcript .cursor")).to_have_text("You")
    for _ in range(4):
        page.keyboard.press("ArrowRight")
    page.keyboard.press("Shift+ArrowRight")
    page.keyboard.press("Shift+ArrowRight")
    expect(page.locator("[aria-selected=true]")).to_have_text(["an", "expensive", "camera"])
    page.keyboard.press("e")
    field = page.get_by_role("textbox", name=re.compile("^Correct \u201can expensive camera"))
    expect(field).to_have_value("an expensive camera")
    field.fill("a cheap camera")
    field.press("Enter")
    # Said twice in the interview: the selected place is the one corrected, not asked.
    expect(status(page)).to_have_text("Corrected 'an expensive camera' to 'a cheap camera'.")
    text = " ".join(words_on_disk(served.project))
    assert "You don't need an expensive camera to start. You really don't need a cheap " \
        "camera to start." in text
    assert page.errors == []


def test_typed_words_are_kept_exactly_full_stops_brackets_and_case(browser, served):
    """What is typed is what the transcript says: a full stop does not end the new words
    ("Dr. Pam"), a bracket stays, and a word may change only its case."""
    page = at_sam(browser, served)
    page.keyboard.press("e")
    field = page.get_by_role("textbox", name="Correct \u201cSam,\u201d to")
    field.fill("Dr. Pam (the host),")
    field.press("Enter")
    expect(status(page)).to_have_text("Corrected 'Sam' to 'Dr. Pam (the host)'.")
    assert words_on_disk(served.project)[:7] == ["Hi,", "I'm", "Dr.", "Pam", "(the", "host),",
                                                 "and"]
    expect(page.locator("#transcript")).to_be_focused()
    expect(page.locator("#transcript .cursor")).to_have_text("Dr.")
    page.keyboard.press("ArrowLeft")
    expect(page.locator("#transcript .cursor")).to_have_text("I'm")
    page.keyboard.press("ArrowLeft")
    expect(page.locator("#transcript .cursor")).to_have_text("Hi,")
    page.keyboard.press("e")
    page.get_by_role("textbox", name="Correct \u201cHi,\u201d to").fill("hi,")
    page.keyboard.press("Enter")
    expect(status(page)).to_have_text("Corrected 'Hi' to 'hi'.")
    assert words_on_disk(served.project)[0] == "hi,"
    assert page.errors == []
