"""Chapter headings and shot changes in the browser editor's transcript: shown between the
words, read by a screen reader as the description of the word after them (a listbox holds
only options and groups), with axe-core finding nothing wrong and the listbox still
selecting across them."""

from __future__ import annotations

from dataclasses import replace

import pytest
from playwright.sync_api import expect
from test_web import no_axe_violations, open_page
from web_server import sample_project, serving

from voiceedit.core import Editor
from voiceedit.picture.shots import Picture, Problem, Shot
from voiceedit.project import load_project, save_project


def test_breaks_come_before_the_word_playing_at_their_moment():
    from test_web_document import MEDIA, talk

    from voiceedit.actions.state import EditorState
    from voiceedit.project import Project
    from voiceedit.timeline.layers import Anchor, Layers, Marker
    from voiceedit.web.document import document

    source = talk(("one two three four", 0))  # words at 200, 600, 1000, 1400 ms, 300 long
    shots = (Shot(0, 700), Shot(700, source.media.duration, text="END"))
    source = replace(source, picture=Picture(MEDIA, source.media.duration, shots))
    layers = Layers(markers=(Marker(Anchor(MEDIA, 1100), "Late", "chapter"),))
    doc = document(EditorState(replace(Project.start((source,)), layers=layers)), 1)
    items = [(item["k"], item.get("t")) for item in doc["paragraphs"][0][0]]
    # Shot 2 starts during "two" (600-900 ms), the chapter during "three" (1000-1300).
    assert items == [("b", "Shot 1, 0.0 s"), ("w", "one"),
                     ("b", "Shot 2, 0.7 s, text 'END'"), ("w", "two"),
                     ("b", "Chapter 1, 1.1 s, Late"), ("w", "three"), ("w", "four")]


@pytest.fixture
def marked_served(tmp_path, sample_video, sample_transcript):
    """The interview with two shots (a title card, then a face with a black second) and
    two chapters, the second where the second shot starts."""
    path = sample_project(tmp_path, sample_video, sample_transcript)
    project = load_project(path)
    source = project.sources[0]
    shots = (Shot(0, 20000, text="CHAPTER TWO"),
             Shot(20000, source.media.duration, faces=1, face_positions=("centre",),
                  problems=(Problem("black", 30000, 31000),)))
    source = replace(source, picture=Picture(source.path, source.media.duration, shots))
    save_project(path, replace(project, sources=(source,)))
    editor = Editor.open(path)
    assert editor.handle("add a chapter called intro at 0").applied
    assert editor.handle("add a chapter called the setup at 20 seconds").applied
    with serving(path) as served:
        yield served


@pytest.mark.slow
def test_breaks_are_shown_and_described_to_the_word_after_them(browser, marked_served):
    page = open_page(browser, marked_served)
    chapters = page.locator("#transcript .break.chapter")
    expect(chapters).to_have_text(["Chapter 1, 0.0 s, Intro", "Chapter 2, 20.0 s, The setup"])
    expect(page.locator("#transcript .break.shot")).to_have_text([
        "Shot 1, 0.0 s, text 'CHAPTER TWO'", "Shot 2, 20.0 s, 1 face, centre; black"])
    first = page.locator("#w0")
    expect(first).to_have_accessible_description(
        "Chapter 1, 0.0 s, Intro Shot 1, 0.0 s, text 'CHAPTER TWO'")
    # The word playing at 20 s carries the second chapter and shot.
    described = page.locator("#transcript [role=option][aria-describedby]")
    expect(described).to_have_count(2)
    second = described.nth(1)
    expect(second).to_have_accessible_description(
        "Chapter 2, 20.0 s, The setup Shot 2, 20.0 s, 1 face, centre; black")
    items = page.evaluate("() => window.voiceedit.page.items.map((i) => "
                          "[i.e, i.node.hasAttribute('aria-describedby')])")
    at = [n for n, (_, has) in enumerate(items) if has][1]
    assert items[at - 1][0] <= 20000 < items[at][0]  # the first item still playing at 20 s

    no_axe_violations(page, "chapters and shots shown")
    page.locator("#transcript").focus()
    page.keyboard.press("Shift+ArrowRight")
    page.keyboard.press("Shift+ArrowRight")
    expect(page.locator("[aria-selected=true]")).to_have_count(3)  # the breaks are no options
    no_axe_violations(page, "words selected across breaks")
