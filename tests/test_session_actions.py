"""Every editing, navigation and readback action, through the registry, in process.

Hand-made transcripts (exact times) so the sentences can be asserted whole. The grammar
files are checked against the registry: every action a rule names has a handler that takes
the rule's parameters.
"""

from __future__ import annotations

import inspect

import pytest
from read_only import read_only

from voiceedit.actions.registry import ACTIONS, load_actions
from voiceedit.actions.state import EditorState
from voiceedit.core import Editor
from voiceedit.dialogue import run_action as run
from voiceedit.errors import VoiceEditError
from voiceedit.media.probe import MediaInfo
from voiceedit.project import Project, Source, load_project, save_project
from voiceedit.timeline.model import Clip
from voiceedit.timeline.transcript import Transcript, Word
from voiceedit.understand.command import Command, Quote, SpokenTime
from voiceedit.understand.grammar import load_grammar

EDITING_AND_READBACK = {
    "delete_range", "delete_quote", "delete_between", "delete_sentence", "delete_selection",
    "delete_clip", "keep_range", "keep_quote", "keep_selection", "split", "trim_start",
    "trim_end", "move_clip", "move_clip_after", "duplicate_clip", "swap_clips", "insert_media",
    "remove_fillers", "shorten_pauses", "remove_repeated_takes", "seek", "seek_clip",
    "seek_quote", "next_clip", "previous_clip", "describe_position", "read_timeline",
    "read_selection", "read_transcript", "select_range", "select_quote", "select_clip",
    "clear_selection", "undo", "redo", "describe_last", "choose", "confirm", "deny", "cancel",
    "help", "set_verbosity", "repeat_last_answer",
}


def test_every_grammar_rule_has_a_handler_that_takes_its_parameters():
    load_actions()  # the other stages' actions too: playback, render, export, the live loop
    assert set(ACTIONS) >= EDITING_AND_READBACK
    for rule in load_grammar().rules:
        assert rule.action in ACTIONS, (rule.source, rule.spoken)
        parameters = inspect.signature(ACTIONS[rule.action].handler).parameters
        given = set(rule.params) | {name for name, _value in rule.fixed}
        assert given <= set(parameters), (rule.source, rule.spoken, given)
        required = {name for name, p in parameters.items()
                    if p.default is inspect.Parameter.empty and name != "state"}
        assert required <= given, (rule.source, rule.spoken, required - given)


def make_state(*texts: str, gap: int = 200) -> EditorState:
    """One source per text: words 300 ms long, `gap` ms apart, from 500 ms."""
    sources = []
    for number, text in enumerate(texts):
        words, time = [], 500
        for token in text.split():
            words.append(Word(token, time, time + 300))
            time += 300 + gap
        path = f"/media/clip{number + 1}.mp4"
        sources.append(Source(MediaInfo(path, time + 500, True, True),
                              Transcript(path, time + 500, tuple(words))))
    return EditorState(Project.start(tuple(sources)))


def act(state: EditorState, action: str, **args):
    return run(state, Command(action, args))


THREE = ("One fish two fish.", "Red fish blue fish.", "This one has a little star.")


def test_clip_edits_say_what_they_did_and_place_the_playhead():
    state = make_state(*THREE)
    assert [c.duration for c in state.timeline.clips] == [3000, 3000, 4000]

    moved = act(state, "move_clip_after", clip=1, other=3)
    assert moved.message == "Moved clip 1 after clip 3. Now 10.0 s."
    assert [c.source[-9:] for c in moved.state.timeline.clips] == ["clip2.mp4", "clip3.mp4",
                                                                   "clip1.mp4"]
    assert moved.state.playhead == 7000  # at the moved clip

    swapped = act(state, "swap_clips", first=1, second=3)
    assert swapped.message == "Swapped clips 1 and 3. Now 10.0 s."
    assert " ".join(swapped.state.words.texts).startswith("This one has")

    duplicated = act(state, "duplicate_clip", clip=2)
    assert duplicated.message == "Duplicated clip 2; the copy is clip 3. Now 13.0 s."
    assert duplicated.state.playhead == 6000

    to_front = act(state, "move_clip", clip=3, position=1)
    assert to_front.state.timeline.clips[0].source.endswith("clip3.mp4")
    same = act(state, "move_clip", clip=2, position=2)
    assert (same.changed, same.message) == (False, "Clip 2 is already there; nothing changed.")

    trimmed = act(state, "trim_start", clip=3, amount=SpokenTime(1000))
    assert trimmed.message == "Trimmed 1.0 s from the start of clip 3. Now 9.0 s."
    assert trimmed.state.timeline.clips[2] == Clip("/media/clip3.mp4", 1000, 4000)
    assert trimmed.state.words.texts[-6:] == ["fish.", "one", "has", "a", "little", "star."]
    trimmed_end = act(state, "trim_end", clip=1, amount=SpokenTime(500))
    assert trimmed_end.state.timeline.clips[0] == Clip("/media/clip1.mp4", 0, 2500)

    deleted = act(state, "delete_clip", clip=2)
    assert deleted.message == "Deleted clip 2, 3.0 s: 'Red fish blue fish'. Now 7.0 s."
    assert deleted.state.playhead == 3000


def test_split_twice_at_the_same_time_says_so():
    state = make_state("one two three four five six seven eight")
    said = act(state, "split", time=SpokenTime(2000))
    assert said.message == "Split at 2.0 s, making 2 clips. Now 5.0 s."
    split = said.state
    with pytest.raises(VoiceEditError, match=r"^There is already a cut at 2\.0 s\.$"):
        act(split, "split", time=SpokenTime(2000))
    here = act(split.with_project(playhead=3000), "split", time=SpokenTime(0, "here"))
    assert len(here.state.timeline.clips) == 3


def test_delete_and_keep_by_time_and_by_selection():
    state = make_state("one two three four five six seven eight")  # 5 s
    first = act(state, "delete_range", start=SpokenTime(0, "start"), end=SpokenTime(1000))
    assert first.message == "Deleted 1.0 s: 'one'. Now 4.0 s."
    backwards = act(state, "delete_range", start=SpokenTime(2000), end=SpokenTime(1000))
    assert backwards.state.timeline == act(state, "delete_range", start=SpokenTime(1000),
                                           end=SpokenTime(2000)).state.timeline
    kept = act(state, "keep_range", start=SpokenTime(1000), end=SpokenTime(2000))
    assert kept.message == "Kept 1.0 s, removed 4.0 s: 'two three'. Now 1.0 s."
    whole = act(state, "keep_range", start=SpokenTime(0, "start"), end=SpokenTime(0, "end"))
    assert (whole.changed, whole.message) == (False, "That is the whole timeline already; "
                                                     "nothing changed.")
    selected = act(state, "select_quote", quote=Quote("three four")).state
    assert selected.selection == (1400, 2400)
    kept = act(selected, "keep_selection")
    assert kept.state.words.texts == ["three", "four"] and kept.state.selection is None
    quote = act(state, "keep_quote", quote=Quote("five six seven"))
    assert quote.state.words.texts == ["five", "six", "seven"]


def test_navigation_and_where_am_i():
    state = make_state(*THREE)
    at = act(state, "seek", time=SpokenTime(3000))
    assert at.message == "At 3.0 s of 10.0 s, clip 2 of 3: 'Red fish blue fish. This one'."
    following = act(at.state, "next_clip")
    assert following.state.playhead == 6000
    with pytest.raises(VoiceEditError, match="^This is the last clip.$"):
        act(following.state, "next_clip")
    inside = act(state, "seek", time=SpokenTime(4000)).state
    back = act(inside, "previous_clip")  # inside clip two: back to its start first
    assert back.state.playhead == 3000
    assert act(back.state, "previous_clip").state.playhead == 0
    with pytest.raises(VoiceEditError, match="^This is the first clip.$"):
        act(state, "previous_clip")
    found = act(state, "seek_quote", quote=Quote("little star"))
    assert found.state.playhead == 8400  # the middle of the silence before "little"
    clip = act(state, "seek_clip", clip=3)
    assert clip.message == "At 6.0 s of 10.0 s, clip 3 of 3: 'This one has a little star'."
    end = act(state, "seek", time=SpokenTime(0, "end"))
    assert end.message == "At the end, 10.0 s, clip 3 of 3."
    terse = act(state.with_project(verbosity="brief"), "seek", time=SpokenTime(3000))
    assert terse.message == "3.0 s."


def test_asked_twice_gives_the_full_detail():
    session_state = make_state(*THREE).with_project(playhead=3000)
    normal = act(session_state, "describe_position")
    assert normal.message == "At 3.0 s of 10.0 s, clip 2 of 3: 'Red fish blue fish. This one'."
    twice = act(session_state.with_project(last_action="describe_position"),
                "describe_position")
    assert twice.message == ("At 3.0 s of 10.0 s, clip 2 of 3, 3.0 s to 6.0 s, from clip2.mp4: "
                             "'Red fish blue fish. This one has a little star'.")


def test_read_the_timeline_selection_and_transcript():
    state = make_state(*THREE)
    assert act(state, "read_timeline").message == (
        "3 clips, 10.0 s. Clip 1, 0.0 s to 3.0 s, from clip1.mp4: 'One fish two fish'. "
        "Clip 2, 3.0 s to 6.0 s, from clip2.mp4: 'Red fish blue fish'. Clip 3, 6.0 s to "
        "10.0 s, from clip3.mp4: 'This one has a little'.")
    assert act(state, "read_selection").message == "Nothing is selected."
    chosen = act(state, "select_clip", clip=2)
    assert chosen.message == "Selected 3.0 s, from 3.0 s to 6.0 s: 'Red fish blue fish'."
    assert act(state, "read_transcript").message == " ".join(THREE)
    cleared = act(chosen.state, "clear_selection")
    assert (cleared.message, cleared.state.selection) == ("Selection cleared.", None)


def test_long_readbacks_are_shortened_until_asked_twice():
    many = make_state(*[f"clip number {n} speaking." for n in range(12)])
    short = act(many, "read_timeline").message
    assert short.endswith("And 4 more clips; say read the timeline again to hear all of "
                          "them.")
    full = act(many.with_project(last_action="read_timeline"), "read_timeline").message
    assert "Clip 12, " in full and "more clips" not in full
    long_text = make_state(" ".join(["word"] * 100))
    assert act(long_text, "read_transcript").message.endswith(
        "… and 40 more words; say read the transcript again to hear all of it.")


def test_verbosity_changes_the_sentences():
    state = make_state("one two three four five six seven eight")
    terse = act(state, "set_verbosity", level="brief")
    assert terse.message == "Answers are now brief."
    assert act(state, "set_verbosity", level="terse").message == "Answers are now brief."
    assert act(terse.state, "delete_quote", quote=Quote("three")).message == \
        "Deleted 0.5 s."
    verbose = act(state, "set_verbosity", level="detailed").state
    assert act(verbose, "delete_quote", quote=Quote("three")).message == (
        "Deleted 0.5 s: 'three'. Now 4.5 s. 2 clips; playhead at 1.4 s.")
    with pytest.raises(VoiceEditError, match="^Say brief, normal or detailed.$"):
        act(state, "set_verbosity", level="loud")


def test_undo_redo_and_what_did_i_do():
    state = make_state("one two three four five six seven eight")
    assert act(state, "describe_last").message == "You haven't changed anything yet."
    with pytest.raises(VoiceEditError, match="^There is nothing to undo.$"):
        act(state, "undo")
    one = act(state, "delete_quote", quote=Quote("three")).state
    two = act(one, "delete_quote", quote=Quote("six")).state
    assert act(two, "describe_last").message == "Last change: deleted 0.5 s, 'six'."
    undone = act(two, "undo")
    assert undone.message == "Undid: deleted 0.5 s, 'six'. Now 4.5 s."
    assert undone.state.timeline == one.timeline
    # The playhead is where the material came back: the cut before "six" (2900 ms in the
    # source, 500 ms earlier on a timeline without "three").
    assert undone.state.playhead == 2400
    redone = act(undone.state, "redo")
    assert redone.state.timeline == two.timeline
    full = act(two.with_project(last_action="describe_last"), "describe_last").message
    assert full == ("Last 2 changes, newest first: deleted 0.5 s, 'six'; deleted 0.5 s, "
                    "'three'.")


def test_help_comes_from_the_grammar():
    state = make_state("one two")
    topics = act(state, "help").message
    assert topics.startswith("Say help with, then a topic: ")
    for topic in load_grammar().topics:
        assert topic.about in topics
    editing = act(state, "help", topic="editing").message
    assert editing.startswith("Cut, keep, split, trim, move and insert. Say: delete from ten "
                              "seconds to twenty seconds; ")
    with pytest.raises(VoiceEditError, match="^I have no help about knitting. "):
        act(state, "help", topic="knitting")


def test_insert_media_by_spoken_name_beside_the_project(tmp_path, sample_video):
    import shutil

    folder = tmp_path / "film"
    folder.mkdir()
    shutil.copy(sample_video, folder / "b_roll_beach.mp4")
    state = make_state("one two three four")
    state = EditorState(state.project, folder / "film.voiceedit", state.source_words)
    outcome = act(state, "insert_media", quote=Quote("b roll beach"), time=SpokenTime(1000))
    assert outcome.message == "Inserted b_roll_beach.mp4, 45.1 s, at 1.0 s. Now 48.1 s."
    clips = outcome.state.timeline.clips
    assert [c.source.rsplit("/", 1)[-1] for c in clips] == ["clip1.mp4", "b_roll_beach.mp4",
                                                            "clip1.mp4"]
    assert len(outcome.state.project.sources) == 2
    assert "budget" in " ".join(outcome.state.words.texts)  # its transcript came with it
    with pytest.raises(VoiceEditError, match="^I can't find a media file called 'wedding "
                                             "speech' next to the project.$"):
        act(state, "insert_media", quote=Quote("wedding speech"))


def test_session_speaks_every_answer_and_keeps_memory_and_disk_equal(tmp_path):
    class Recorder:
        def __init__(self):
            self.said = []

        def say(self, text):
            self.said.append(text)

    path = tmp_path / "p.voiceedit"
    save_project(path, make_state("one two three four five six").project)
    speaker = Recorder()
    session = Editor(path, speaker=speaker)
    session.handle_text("delete three four")
    session.handle_text("make it pop")
    session.handle_text("go to one minute")
    assert speaker.said[0] == "Deleted 1.0 s: 'three four'. Now 3.0 s."
    assert speaker.said[1].startswith('Not understood: "make it pop".')
    assert speaker.said[2] == "The timeline is only 3.0 s long; 1:00.0 is past the end."
    assert session.handle_text("say that again").message == speaker.said[2]
    assert load_project(path).timeline == session.state.timeline

    with read_only(tmp_path):
        failed = session.handle_text("delete five six")
    assert not failed.applied and failed.message.endswith("Nothing was changed.")
    assert session.state.timeline == load_project(path).timeline  # memory did not move on
    assert session.handle_text("delete five six").applied


def test_a_question_is_dropped_by_a_new_command_and_scratch_that_cancels_it(tmp_path):
    path = tmp_path / "p.voiceedit"
    save_project(path, make_state("my fellow Americans and my fellow citizens").project)
    session = Editor(path)
    assert session.handle_text("delete my fellow").question
    assert session.handle_text("where am I").applied
    assert session.state.project.pending is not None  # a readback keeps the question
    assert session.handle_text("three").message == "Say a number from 1 to 2, or cancel."
    assert session.handle_text("scratch that").message == "Cancelled; nothing changed."
    assert session.state.project.history.steps == ()
    assert session.handle_text("delete my fellow").question
    assert session.handle_text("go to the start").applied
    assert session.state.project.pending is None  # moved on
    assert session.handle_text("one").message == "There is nothing to choose from."
