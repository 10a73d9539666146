"""Cleanup: fillers, long pauses and repeated takes, each one undoable step that says what
it removed. Hand-made transcripts for the exact cases; the real interview (tiny.en) for the
fillers, pause and retake it was made with, checked against its true word timings."""

from __future__ import annotations

import pytest

from voiceedit.actions.state import EditorState
from voiceedit.dialogue import run_action as run
from voiceedit.media.probe import MediaInfo
from voiceedit.project import Project, Source
from voiceedit.timeline import cleanup
from voiceedit.timeline.model import Clip, Timeline
from voiceedit.timeline.transcript import Transcript, Word
from voiceedit.timeline.words import TimelineWords
from voiceedit.understand.command import Command, SpokenTime

SOURCE = "/media/talk.mp4"


def transcript_from(timed: list[tuple[str, int, int]], duration: int) -> Transcript:
    return Transcript(SOURCE, duration, tuple(Word(t, s, e) for t, s, e in timed))


def evenly(text: str, gap: int = 200, word: int = 300) -> Transcript:
    timed, time = [], 500
    for token in text.split():
        timed.append((token, time, time + word))
        time += word + gap
    return transcript_from(timed, time + 500)


def state_of(transcript: Transcript) -> EditorState:
    media = MediaInfo(SOURCE, transcript.duration, True, True)
    return EditorState(Project.start((Source(media, transcript),)))


def words_of(transcript: Transcript) -> tuple[Timeline, TimelineWords]:
    timeline = Timeline((Clip(SOURCE, 0, transcript.duration),))
    return timeline, TimelineWords.build(timeline, [transcript])


def test_fillers_list_is_read_from_the_grammar_lists():
    fillers = cleanup.load_fillers()
    assert {"um", "uh", "erm", "er", "ah", "hmm", "mm"} <= fillers
    assert "like" not in fillers and "so" not in fillers  # words with meaning stay


def test_remove_fillers_cuts_each_in_the_silence_around_it():
    timeline, words = words_of(evenly("So, um, anyway we uh, uh start. Hmm."))
    removal = cleanup.remove_fillers(timeline, words, frozenset({"um", "uh", "hmm"}))
    # um alone; "uh, uh" as one cut; the last "Hmm." with the short silence after it.
    assert removal.pieces == ("um", "uh", "uh", "hmm")
    assert removal.ranges == ((900, 1400), (2400, 3400), (3900, 5000))
    left = TimelineWords.build(removal.timeline, [words_transcript(words)])
    assert left.texts == ["So,", "anyway", "we", "start."]
    # Silences around a removed filler are halved on each side and joined: 100 + 100.
    assert left.starts[1] - left.ends[0] == 200


def words_transcript(words: TimelineWords) -> Transcript:
    return transcript_from(list(zip(words.texts, words.starts, words.ends, strict=True)),
                           words.ends[-1] + 500)


def test_shorten_pauses_leaves_exactly_the_new_length():
    transcript = transcript_from([("one", 0, 300), ("two", 2300, 2600), ("three", 2800, 3100),
                                  ("four", 6100, 6400)], 7000)
    timeline, words = words_of(transcript)
    removal = cleanup.shorten_pauses(timeline, words, longer=1000, to=500)
    assert removal.ranges == ((550, 2050), (3350, 5850))
    left = TimelineWords.build(removal.timeline, [transcript])
    gaps = [b - a for a, b in zip(left.ends, left.starts[1:], strict=False)]
    assert gaps == [500, 200, 500]  # the short pause is not touched


@pytest.mark.parametrize(("text", "removed"), [
    ("Ask not what your country can do. Ask not what your country can do. Thanks.",
     ("Ask not what your country can do.",)),
    ("You don't need a camera to start. You really don't need a camera to start.",
     ("You don't need a camera to start.",)),
    # A false start: the end of the first sentence is said again at the start of the next.
    ("So the plan is we shoot. The plan is we shoot on Monday.", ("the plan is we shoot.",)),
    # Three takes: the two earlier go.
    ("Light from one side. Light from one side. Light from one side please.",
     ("Light from one side.", "Light from one side.")),
])
def test_remove_repeated_takes_keeps_the_last_take(text, removed):
    timeline, words = words_of(evenly(text))
    removal = cleanup.remove_repeated_takes(timeline, words)
    assert removal.pieces == removed


@pytest.mark.parametrize("text", [
    "Yes. Yes. We did.",  # short answers are not takes
    "We shot in March. We edited in June.",
    "",
])
def test_different_sentences_are_not_takes(text):
    timeline, words = words_of(evenly(text or "silence"))
    if not text:
        words = TimelineWords(timeline, {})
    assert cleanup.remove_repeated_takes(timeline, words).ranges == ()


def test_each_cleanup_is_one_undo_step_that_says_what_went():
    state = state_of(evenly("So, um, anyway we uh, uh start. Ask not. Ask not."))
    outcome = run(state, Command("remove_fillers"))
    assert outcome.message == "Removed 3 fillers, 1.5 s: 'um, uh, uh'. Now 5.0 s."
    undone = run(outcome.state, Command("undo"))
    assert undone.state.timeline == state.timeline
    assert undone.message == "Undid: removed 3 fillers, 1.5 s, 'um, uh, uh'. Now 6.5 s."
    nothing = run(outcome.state, Command("remove_fillers"))
    assert nothing.message == "I found no filler words; nothing changed."
    assert not nothing.changed and nothing.state.project.history == outcome.state.project.history


def test_shorten_pauses_refuses_to_lengthen():
    state = state_of(evenly("one two"))
    with pytest.raises(Exception, match=r"would make pauses of 1\.0 s longer, not shorter"):
        run(state, Command("shorten_pauses", {"longer": SpokenTime(1000),
                                              "to": SpokenTime(2000)}))


# --- the real interview -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def interview(sample_transcript):
    media = MediaInfo(sample_transcript.media, sample_transcript.duration, True, True)
    return EditorState(Project.start((Source(media, sample_transcript),)))


def kept_fraction(timeline: Timeline, start: float, end: float) -> float:
    start, end = round(start * 1000), round(end * 1000)
    covered = sum(max(0, min(end, c.source_out) - max(start, c.source_in))
                  for c in timeline.clips)
    return covered / (end - start)


@pytest.mark.slow
def test_real_fillers_go_and_every_other_word_stays_whole(interview, sample_truth):
    outcome = run(interview, Command("remove_fillers"))
    assert outcome.message.startswith("Removed 3 fillers")
    fillers = {(w["start"], w["end"]) for w in sample_truth["fillers"]}
    for word in sample_truth["words"]:
        kept = kept_fraction(outcome.state.timeline, word["start"], word["end"])
        expected = 0 if (word["start"], word["end"]) in fillers else 1
        assert kept == expected, f"{word['text']} at {word['start']}: {kept:.0%} kept"


@pytest.mark.slow
def test_real_long_pause_is_shortened(interview, sample_truth):
    outcome = run(interview, Command("shorten_pauses", {"longer": SpokenTime(1000),
                                                        "to": SpokenTime(500)}))
    pause = sample_truth["long_pause"]
    left = kept_fraction(outcome.state.timeline, pause["start"], pause["end"])
    assert abs(left * (pause["end"] - pause["start"]) - 0.5) < 0.3  # ~half a second remains
    for word in sample_truth["words"]:
        assert kept_fraction(outcome.state.timeline, word["start"], word["end"]) == 1


@pytest.mark.slow
def test_real_repeated_take_removes_the_earlier(interview, sample_truth):
    outcome = run(interview, Command("remove_repeated_takes"))
    take = sample_truth["repeated_take"]
    assert outcome.message.startswith("Removed 1 repeated take")
    text = " ".join(outcome.state.words.texts)
    assert text.count("need an expensive camera to start") == 1
    assert "You really don't need an expensive camera" in text
    chunk = next(c for c in sample_truth["chunks"] if c["text"] == take["earlier"])
    earlier = [w for w in sample_truth["words"] if chunk["start"] <= w["start"] < chunk["end"]]
    assert " ".join(w["text"] for w in earlier) == take["earlier"]
    for word in sample_truth["words"]:
        kept = kept_fraction(outcome.state.timeline, word["start"], word["end"])
        assert kept == (0 if word in earlier else 1), word
