"""Quote -> range: fuzzy matching against the timeline's words, choices, cuts in silence.

Most tests use hand-made transcripts (exact times, so exact assertions). The slow ones use
the bundled interview transcribed by the real tiny.en model, and check the cuts against
the true word timings the voice was synthesised with: no word that stays loses a syllable.
"""

from __future__ import annotations

import pytest

from voiceedit.actions.resolve import find_quote
from voiceedit.actions.state import Ambiguous, EditorState
from voiceedit.dialogue import run_action as run
from voiceedit.errors import VoiceEditError
from voiceedit.media.probe import MediaInfo
from voiceedit.project import Project, Source
from voiceedit.timeline import edits
from voiceedit.timeline.model import Clip, Timeline
from voiceedit.timeline.quotes import QuoteIndex
from voiceedit.timeline.transcript import Transcript, Word
from voiceedit.timeline.words import TimelineWords, normalize
from voiceedit.understand.command import Command, Quote

SOURCE = "/media/talk.mp4"


def transcript_of(text: str, gap: int = 200, word: int = 300, lead: int = 1000,
                  source: str = SOURCE) -> Transcript:
    """Words `word` ms long, `gap` ms apart, starting at `lead` ms."""
    words, time = [], lead
    for token in text.split():
        words.append(Word(token, time, time + word))
        time += word + gap
    return Transcript(source, time + lead, tuple(words))


def state_of(*transcripts: Transcript) -> EditorState:
    sources = tuple(Source(MediaInfo(t.media, t.duration, True, True), t) for t in transcripts)
    return EditorState(Project.start(sources))


TALK = ("And so my fellow Americans, ask not what your country can do for you. "
        "Ask what you can do for your country. My fellow citizens of the world, ask not what "
        "America will do for you.")


def test_normalize_matches_the_way_whisper_writes():
    assert normalize("Ten-year-old, 10 CATS!") == "ten year old ten cats"
    assert normalize("1961.") == "one thousand nine hundred sixty one"
    assert normalize("don't — 'quoted'") == "don't quoted"


def test_exact_quote_gives_its_words_and_cuts_in_the_gaps():
    state = state_of(transcript_of(TALK))
    match = find_quote(state, Quote("what your country can do"))
    assert match.text == "what your country can do"
    words = state.words
    assert (match.first, match.last) == (7, 11)
    # Cut in the middle of the 200 ms silences on both sides: no word touched.
    assert match.start == words.ends[6] + 100 == words.starts[7] - 100
    assert match.end == words.ends[11] + 100


@pytest.mark.parametrize("heard", [
    "ask not what you're country can do",  # a misheard word
    "ask not what your county can do",
    "ask not what country can do",  # a word missing
    "ask not what your great country can do",  # a word extra
    "Ask, not what YOUR country can do!",  # case and punctuation
])
def test_quote_with_recognition_errors_still_matches(heard):
    state = state_of(transcript_of(TALK))
    match = find_quote(state, Quote(heard))
    assert match.text == "ask not what your country can do"


def test_two_places_give_numbered_choices_in_timeline_order():
    state = state_of(transcript_of(TALK))
    with pytest.raises(Ambiguous) as question:
        find_quote(state, Quote("my fellow"))
    matches = question.value.matches
    assert [m.text for m in matches] == ["my fellow", "My fellow"]
    assert matches[0].at < matches[1].at


def test_choices_are_read_back_and_nothing_is_guessed():
    state = state_of(transcript_of(TALK))
    outcome = run(state, Command("delete_quote", {"quote": Quote("my fellow")}))
    assert not outcome.changed and outcome.state.timeline == state.timeline
    assert outcome.message == ("2 matches: 1 at 2.0 s, 'my fellow'; 2 at 12.0 s, 'My fellow'. "
                               "Say 1 or 2.")
    assert outcome.question.slot == "quote" and len(outcome.question.choices) == 2


def test_a_quote_not_in_the_transcript_says_so():
    state = state_of(transcript_of(TALK))
    with pytest.raises(VoiceEditError, match="^I can't find 'the budget meeting' in the "
                                             "transcript.$"):
        find_quote(state, Quote("the budget meeting"))


def test_a_very_common_quote_asks_for_more_words():
    state = state_of(transcript_of(" ".join(["you know it works"] * 8)))
    with pytest.raises(VoiceEditError, match="^'you know' comes up 8 times; say a few "
                                             "more words.$"):
        find_quote(state, Quote("you know"))


def test_digits_and_spelled_numbers_match_each_other():
    state = state_of(transcript_of("We shot it in 10 days with 3 people."))
    assert find_quote(state, Quote("in ten days")).text == "in 10 days"


def test_delete_between_runs_from_a_to_the_nearest_b():
    state = state_of(transcript_of(TALK))
    outcome = run(state, Command("delete_between", {"first": Quote("ask what you"),
                                                    "last": Quote("your country")}))
    text = " ".join(outcome.state.words.texts)
    assert text == ("And so my fellow Americans, ask not what your country can do for you. "
                    "My fellow citizens of the world, ask not what America will do for you.")


def test_sentence_starting_with_runs_to_the_full_stop():
    state = state_of(transcript_of(TALK))
    outcome = run(state, Command("delete_sentence", {"quote": Quote("ask what you can")}))
    assert outcome.message.startswith("Deleted 4.0 s: 'Ask what you can do "
                                      "for your country'.")
    assert "Ask what" not in " ".join(outcome.state.words.texts)


def test_a_sentence_ends_at_its_stop_a_long_pause_or_the_timeline_end():
    words = TimelineWords.build(*_one_clip(transcript_of("Ask not, what you can do. Ask")))
    assert [words.ends_sentence(i) for i in range(len(words.texts))] == [
        False, False, False, False, False, True, True]  # fmt: skip
    paused = TimelineWords.build(*_one_clip(transcript_of("so anyway light", gap=1200)))
    assert all(paused.ends_sentence(i) for i in range(3))  # a second of silence after each
    assert words.sentence_end(0) == 5 and words.sentence_end(6) == 6


def _one_clip(transcript: Transcript) -> tuple[Timeline, list[Transcript]]:
    return Timeline((Clip(SOURCE, 0, transcript.duration),)), [transcript]


def test_timeline_words_follow_the_edits():
    transcript = transcript_of("one two three four five six")
    timeline = Timeline((Clip(SOURCE, 0, transcript.duration),))
    # Keep "four five", then "one two" after it.
    words = TimelineWords.build(timeline, [transcript])
    edited = Timeline(tuple(edits.extract(timeline, words.cut_before(3),
                                          words.cut_after(4, timeline.duration)))
                      + tuple(edits.extract(timeline, 0, words.cut_after(1, timeline.duration))))
    moved = TimelineWords.build(edited, [transcript])
    assert moved.texts == ["four", "five", "one", "two"]
    assert moved.clips == [0, 0, 1, 1]
    assert moved.starts == sorted(moved.starts)
    # The word at a time, and the words in a range, in timeline time.
    assert moved.texts[moved.index_at(moved.starts[2] + 10)] == "one"
    assert [moved.texts[i] for i in moved.between(0, moved.ends[1])] == ["four", "five"]


def test_a_cut_next_to_a_clip_join_goes_at_the_join():
    transcript = transcript_of("alpha beta gamma delta", gap=600)
    state = state_of(transcript)
    # Cut beta out: the join is now in the silence between alpha and gamma.
    state = run(state, Command("delete_quote", {"quote": Quote("beta")})).state
    join = state.timeline.clip_start(1)
    gamma = find_quote(state, Quote("gamma"))
    assert gamma.start == join  # not the middle of the silence: no sliver of clip one kept
    after = run(state, Command("delete_quote", {"quote": Quote("gamma")})).state
    assert len(after.timeline.clips) == 2
    assert " ".join(after.words.texts) == "alpha delta"


def test_words_of_several_sources_in_timeline_order():
    one = transcript_of("first source words", source="/media/one.wav")
    two = transcript_of("second source here", source="/media/two.wav")
    state = state_of(one, two)
    assert " ".join(state.words.texts) == "first source words second source here"
    match = find_quote(state, Quote("words second"))
    assert state.timeline.clip_index_at(match.start) == 0
    assert state.timeline.clip_index_at(match.end - 1) == 1


def test_index_is_built_over_a_long_transcript_and_finds_late_words():
    text = " ".join(f"sentence number {n} goes here." for n in range(2000))
    state = state_of(transcript_of(text, gap=50, word=200))
    index = QuoteIndex(state.words, state.timeline.duration)
    found = index.find("sentence number one thousand nine hundred ninety nine goes")
    assert len(found) == 1 and found[0].text == "sentence number 1999 goes"


# --- the real interview, transcribed by tiny.en -----------------------------------------------


def kept_fraction(timeline: Timeline, start: int, end: int) -> float:
    """How much of the source range [start, end) the timeline still plays (0..1)."""
    covered = sum(max(0, min(end, c.source_out) - max(start, c.source_in))
                  for c in timeline.clips)
    return covered / (end - start)


def true_words(sample_truth) -> list[tuple[str, int, int]]:
    return [(w["text"], round(w["start"] * 1000), round(w["end"] * 1000))
            for w in sample_truth["words"]]


@pytest.fixture(scope="module")
def interview_state(sample_transcript):
    media = MediaInfo(sample_transcript.media, sample_transcript.duration, True, True)
    return EditorState(Project.start((Source(media, sample_transcript),)))


@pytest.mark.slow
@pytest.mark.parametrize(("quote", "removed"), [
    ("the first thing you need is a story worth telling",
     "The first thing you need is a story worth telling."),
    ("the furst thing you need is a storey worth telling",  # misheard by the command side
     "The first thing you need is a story worth telling."),
    ("a phone and good sound", "A phone and good sound"),
    ("light your subject from one side", "light your subject from one side,"),
])
def test_real_transcript_cuts_fall_in_silence(interview_state, sample_truth, quote, removed):
    outcome = run(interview_state, Command("delete_quote", {"quote": Quote(quote)}))
    timeline = outcome.state.timeline
    truth = true_words(sample_truth)
    texts = [text for text, _start, _end in truth]
    gone = removed.split()
    first = next(i for i in range(len(texts)) if texts[i : i + len(gone)] == gone)
    # Word times are refined on a 10 ms grid (hear/word_timing.py): where words run together
    # with no silence between, a cut may miss the true boundary by up to a frame, inaudibly.
    for index, (text, start, end) in enumerate(truth):
        fraction = kept_fraction(timeline, start, end)
        length_ms = end - start  # true_words gives milliseconds
        if first <= index < first + len(gone):
            assert fraction * length_ms <= 15, f"'{text}' should be gone, {fraction:.0%} is left"
        else:
            assert (1 - fraction) * length_ms <= 15, f"'{text}' was clipped: {fraction:.0%} left"
