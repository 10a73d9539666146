"""The browser editor with two speakers: a paragraph per turn, each named for a screen reader
and shown with its speaker's name, and axe-core still finds nothing wrong."""

from __future__ import annotations

from dataclasses import replace

import pytest
from playwright.sync_api import expect
from test_web import no_axe_violations, open_page
from web_server import sample_project, serving

from voiceedit.core import Editor

pytestmark = pytest.mark.slow


def test_each_turn_is_a_paragraph_named_after_its_speaker(browser, tmp_path, sample_video,
                                                          sample_transcript):
    # The interview's sentences said by turns: odd sentences speaker 1, even ones speaker 2.
    words, speaker, sentence = [], 1, 0
    for word in sample_transcript.words:
        words.append(replace(word, speaker=speaker))
        if word.text.endswith((".", "?", "!")):
            sentence += 1
            speaker = 1 + sentence % 2
    transcript = replace(sample_transcript, words=tuple(words), segments=())
    project = sample_project(tmp_path, sample_video, transcript)
    assert Editor.open(project).handle("call speaker one Anna").message == (
        "Speaker 1 is now Anna.")
    with serving(project) as served:
        page = open_page(browser, served)
        groups = page.locator("#transcript [role=group]")
        expect(groups.first).to_have_attribute("aria-label", "Anna")
        expect(page.get_by_role("group", name="Speaker 2").first).to_be_visible()
        labels = groups.evaluate_all("nodes => nodes.map(n => n.getAttribute('aria-label'))")
        assert labels[:4] == ["Anna", "Speaker 2", "Anna", "Speaker 2"]
        assert sentence >= 4 and len(labels) >= sentence
        shown = groups.first.evaluate("n => getComputedStyle(n, '::before').content")
        assert shown == '"Anna: "' or "Anna" in shown
        no_axe_violations(page, "two speakers")
        assert page.errors == []
