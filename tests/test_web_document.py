"""The browser editor's transcript document and session, without a browser: paragraphs,
pauses, fillers and removed words; a page's selection turned into the cut a spoken
"delete" makes; an edit from a page that saw an older transcript refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from voiceedit.actions.state import EditorState
from voiceedit.errors import VoiceEditError
from voiceedit.media.probe import MediaInfo
from voiceedit.project import Project, Source, load_project, save_project
from voiceedit.timeline.model import Clip, Timeline
from voiceedit.timeline.transcript import Transcript, Word
from voiceedit.web.document import PAUSE_KEPT, document, selected_range
from voiceedit.web.keys import KEYS, keys_markdown, keys_text
from voiceedit.web.session import Session

MEDIA = "/media/talk.mp4"


def talk(*sentences: tuple[str, int]) -> Source:
    """Words 300 ms long, 100 ms apart; each sentence followed by its pause (ms)."""
    words, time = [], 200
    for text, pause in sentences:
        for token in text.split():
            words.append(Word(token, time, time + 300))
            time += 400
        time += pause
    return Source(MediaInfo(MEDIA, time + 500, True, True),
                  Transcript(MEDIA, time + 500, tuple(words)))


def texts(doc: dict) -> list[list[str]]:
    """Each paragraph's items as text: words as they are, pauses as '|', removed as '-x'."""
    shown = []
    for paragraph in doc["paragraphs"]:
        line = []
        for sentence in paragraph:
            for item in sentence:
                line.append({"w": item.get("t"), "p": "|", "x": f"-{item.get('t')}"}[item["k"]])
        shown.append(line)
    return shown


def test_paragraphs_break_at_long_pauses_and_pauses_fillers_are_marked():
    source = talk(("So um we start.", 800), ("Then we go.", 2500), ("The end.", 0))
    doc = document(EditorState(Project.start((source,))), revision=3)
    assert texts(doc) == [["So", "um", "we", "start.", "|", "Then", "we", "go.", "|"],
                          ["The", "end."]]
    first = doc["paragraphs"][0][0]
    assert first[1] == {"k": "w", "i": 1, "t": "um", "s": 600, "e": 900, "f": 1}
    assert [item.get("f") for item in first[:4]] == [None, 1, None, None]
    assert doc["revision"] == 3 and doc["duration"] == source.media.duration
    assert doc["clips"] == [{"media": 0, "in": 0, "out": source.media.duration, "start": 0}]
    assert doc["media"] == [{"name": "talk.mp4", "video": True}]


def test_removed_words_stay_where_they_were_cut_struck_through():
    source = talk(("one two three four five six", 0))
    # Keep "one two" and "five six": "three four" (1000..1900 ms) were cut.
    timeline = Timeline((Clip(MEDIA, 0, 950), Clip(MEDIA, 1750, source.media.duration)))
    project = Project(sources=(source,), timeline=timeline)
    doc = document(EditorState(project), revision=1)
    assert texts(doc) == [["one", "two", "-three", "-four", "five", "six"]]
    words = [item for item in doc["paragraphs"][0][0] if item["k"] == "w"]
    assert [(w["i"], w["s"]) for w in words] == [(0, 200), (1, 600), (2, 950 + 1800 - 1750),
                                                  (3, 950 + 2200 - 1750)]


def test_a_selection_is_cut_in_the_silence_around_it_and_a_pause_keeps_a_little():
    source = talk(("one two", 1000), ("three four", 0))
    state = EditorState(Project.start((source,)))
    words, duration = state.words, state.timeline.duration
    # "two" ends at 900, "three" starts at 2000: a cut after "two" falls in that silence.
    assert selected_range(words, duration, ("w", 1), ("w", 1)) == (
        words.cut_before(1), words.cut_after(1, duration))
    assert selected_range(words, duration, ("p", 1), ("p", 1)) == (
        900 + PAUSE_KEPT // 2, 2000 - PAUSE_KEPT // 2)
    # Selected backwards, from "three" back to "two": the same range as forwards.
    assert selected_range(words, duration, ("w", 2), ("w", 1)) == selected_range(
        words, duration, ("w", 1), ("w", 2))
    for bad in (("w", 9), ("p", 3), ("q", 0), ("w", -1)):
        with pytest.raises(VoiceEditError, match="not in the transcript"):
            selected_range(words, duration, bad, ("w", 0))


def project_file(tmp_path: Path) -> Path:
    path = tmp_path / "talk.voiceedit"
    save_project(path, Project.start((talk(("one two three four", 1200), ("five six", 0)),)))
    return path


def test_a_cut_from_the_page_is_the_spoken_delete_and_undo_takes_it_back(tmp_path):
    path = project_file(tmp_path)
    session = Session(path)
    events = []
    session.events.publish = events.append  # what the other pages would be told
    reply = session.cut(("w", 1), ("w", 2), revision=1, at=0, client="me")
    assert reply["message"].startswith("Deleted") and "'two three'" in reply["message"]
    assert reply["changed"] and reply["revision"] == 2 and reply["action"] == "delete_range"
    on_disk = load_project(path)
    assert EditorState(on_disk).words.texts == ["one", "four", "five", "six"]
    assert events[-1]["type"] == "answer" and events[-1]["client"] == "me"
    reply = session.say("undo that", client="me")
    assert reply["message"].startswith("Undid") and reply["revision"] == 3
    assert len(EditorState(load_project(path)).words) == 6


def test_a_page_that_saw_an_older_transcript_changes_nothing(tmp_path):
    path = project_file(tmp_path)
    page, elsewhere = Session(path), Session(path)
    elsewhere.say("delete five six")
    before = path.read_bytes()
    reply = page.cut(("w", 0), ("w", 0), revision=1)
    assert reply["message"] == ("The transcript changed in another window; look again. "
                                "Nothing changed.")
    assert not reply["applied"] and path.read_bytes() == before
    assert reply["revision"] == 2  # the page reloads and sees the other edit


def test_an_edit_saved_by_another_process_is_told_to_the_pages(tmp_path):
    path = project_file(tmp_path)
    session = Session(path)
    events = []
    session.events.publish = events.append
    session.follow()
    assert events == []  # nothing changed yet
    Session(path).say("delete one two")
    session.follow()
    assert events == [{"type": "changed", "revision": 2, "playhead": 0,
                       "message": load_project(path).last_answer}]
    assert events[0]["message"].startswith("Deleted")


def test_the_page_cursor_is_where_here_means(tmp_path):
    path = project_file(tmp_path)
    session = Session(path)
    reply = session.say("split here", at=1000)
    assert reply["applied"] and load_project(path).playhead == 1000
    assert [c.source_in for c in load_project(path).timeline.clips] == [0, 1000]


def test_play_is_sent_to_the_pages_and_stop_says_where(tmp_path):
    session = Session(project_file(tmp_path))
    events = []
    session.events.publish = events.append
    session.say("split here", at=1000)
    events.clear()
    reply = session.say("play around the cut", at=1200)
    assert reply["message"] == "Playing around the cut at 1.0 s."
    assert events[0] == {"type": "play", "start": 0, "end": 3000}
    reply = session.say("stop", at=1500, playing=True)
    assert reply["message"].startswith("Stopped at") and reply["playhead"] == 1500
    assert session.say("stop", at=1500, playing=False)["message"] == "Nothing is playing."


def test_the_keyboard_map_is_one_list_for_the_page_the_help_and_the_readme():
    text = keys_text()
    for key in KEYS:
        assert key.what in text and key.what in keys_markdown()
        assert not key.say or f'"{key.say}"' in text
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text()
    assert keys_markdown() in readme, "paste `voiceedit help keys --markdown` into README"
