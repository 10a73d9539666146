"""The grammar files: they cover the whole action vocabulary, load into typed rules, and
report their own mistakes as file:line."""

from __future__ import annotations

from pathlib import Path

import pytest

from voiceedit.understand.command import SpokenTime
from voiceedit.understand.grammar import (
    Choice,
    GrammarError,
    Slot,
    Word,
    example,
    expand,
    load_grammar,
    required_words,
    vocabulary,
    words,
)

# The action vocabulary every part of voiceedit agrees on: action -> parameters.
VOCABULARY = {
    "delete_range": {"start", "end"},
    "delete_quote": {"quote"},
    "delete_between": {"first", "last"},
    "delete_sentence": {"quote"},
    "delete_selection": set(),
    "delete_clip": {"clip"},
    "keep_range": {"start", "end"},
    "keep_quote": {"quote"},
    "keep_selection": set(),
    "split": {"time"},
    "trim_start": {"clip", "amount"},
    "trim_end": {"clip", "amount"},
    "move_clip": {"clip", "position"},
    "move_clip_after": {"clip", "other"},
    "duplicate_clip": {"clip"},
    "swap_clips": {"first", "second"},
    "insert_media": {"quote", "time"},
    "remove_fillers": set(),
    "shorten_pauses": {"longer", "to"},
    "remove_repeated_takes": set(),
    "seek": {"time"},
    "seek_clip": {"clip"},
    "seek_quote": {"quote"},
    "next_clip": set(),
    "previous_clip": set(),
    "describe_position": set(),
    "read_timeline": set(),
    "read_selection": set(),
    "read_transcript": set(),
    "select_range": {"start", "end"},
    "select_quote": {"quote"},
    "select_clip": {"clip"},
    "clear_selection": set(),
    "undo": set(),
    "redo": set(),
    "describe_last": set(),
    "choose": {"choice"},
    "confirm": set(),
    "deny": set(),
    "cancel": set(),
    "help": {"topic"},  # optional
    "help_search": {"words"},
    "library_find": {"words"},
    "library_insert": {"words"},
    "set_verbosity": {"level"},
    "repeat_last_answer": set(),
    "play": set(),
    "play_from": {"time"},
    "play_selection": set(),
    "play_around_cut": set(),
    "stop_playback": set(),
    "go_to_sleep": {"after"},  # optional: the words sleep swallows
    "wake_up": set(),
    "stop_listening": set(),
    "render": set(),
    "export": {"format"},
    "correct": {"quote", "words", "by"},
    "spell": {"letters"},
    "spell_out": set(),
    "set_time_precision": {"precision"},
    "speak_faster": set(),
    "speak_slower": set(),
    "set_speech_rate": {"rate"},
    "loudness": set(),
    "normalize_loudness": {"target"},  # optional: -16 LUFS
    "loudness_off": set(),
    "describe": {"text"},
    "list_descriptions": set(),
    "remove_description": {"number"},
    "cover_quote": {"quote", "media", "offset"},  # offset optional
    "cover_clip": {"clip", "media", "offset"},
    "cover_range": {"start", "end", "media", "offset"},
    "list_cutaways": set(),
    "remove_cutaway": {"number"},  # optional: the one at the playhead
    "remove_cutaways": set(),
    "burn_captions": {"speaker_names"},  # optional
    "unburn_captions": set(),
    "render_with_captions": set(),
    # picture.grammar
    "describe_shot": set(), "count_shots": set(), "next_shot": set(),
    "previous_shot": set(), "seek_shot": {"shot"}, "find_on_screen": {"quote"},
    "read_problems": set(), "next_problem": set(), "previous_problem": set(),
    "on_screen": set(),
    # chapters and markers (grammars/markers.grammar)
    "add_chapter": {"name", "time"}, "add_marker": {"time", "name"},
    "list_chapters": set(), "list_markers": set(), "seek_chapter": {"chapter"},
    "next_chapter": set(), "previous_chapter": set(), "next_marker": set(),
    "previous_marker": set(), "delete_chapter": {"chapter"}, "delete_marker": {"marker"},
    "rename_chapter": {"chapter", "name"},
    "who_is_speaking": set(),
    "name_speaker": {"number", "name"},
    "delete_speaker_words": {"who", "first", "last"},
    "delete_numbered_speaker_words": {"number", "first", "last"},
    "next_speaker": set(),
    "previous_speaker": set(),
}
DESTRUCTIVE = {
    "delete_range", "delete_quote", "delete_between", "delete_sentence", "delete_selection",
    "delete_clip", "keep_range", "keep_quote", "keep_selection", "trim_start", "trim_end",
    "remove_fillers", "shorten_pauses", "remove_repeated_takes",
    "delete_speaker_words", "delete_numbered_speaker_words",
}  # fmt: skip
OPTIONAL = {"help": {"topic"}, "go_to_sleep": {"after"}, "cover_quote": {"offset"},
            "cover_clip": {"offset"}, "cover_range": {"offset"}, "remove_cutaway": {"number"},
            "burn_captions": {"speaker_names"}, "normalize_loudness": {"target"},
            "correct": {"by"}}  # the old words alone: asked for the new ones


@pytest.fixture(scope="module")
def grammar():
    return load_grammar()


def test_every_action_has_rules_with_its_parameters(grammar) -> None:
    by_action: dict[str, list] = {}
    for rule in grammar.rules:
        by_action.setdefault(rule.action, []).append(rule)
    assert set(by_action) == set(VOCABULARY)
    for action, rules in by_action.items():
        for rule in rules:
            given = set(rule.params) | {name for name, _ in rule.fixed}
            assert given <= VOCABULARY[action], rule.source
            assert VOCABULARY[action] - given <= OPTIONAL.get(action, set()), rule.source


def test_every_action_can_be_said_several_ways(grammar) -> None:
    forms: dict[str, int] = {}
    for rule in grammar.rules:
        forms[rule.action] = forms.get(rule.action, 0) + len(expand(rule.pattern))
    assert {action for action, count in forms.items() if count < 2} == set()


def test_destructive_marks_match_the_vocabulary(grammar) -> None:
    assert {rule.action for rule in grammar.rules if rule.destructive} == DESTRUCTIVE


def test_destructive_commands_are_never_one_word(grammar) -> None:
    for rule in grammar.rules:
        if rule.destructive:
            shortest = min(len(form.split()) for form in expand(rule.pattern, limit=10_000))
            assert shortest >= 2, rule.source


def test_one_word_commands_are_only_answers_and_harmless_ones(grammar) -> None:
    one_word = {
        rule.action
        for rule in grammar.rules
        for form in expand(rule.pattern, limit=10_000)
        if len(form.split()) == 1
    }
    assert one_word <= {"confirm", "deny", "choose", "cancel", "help", "play", "stop_playback",
                        "undo", "redo", "render", "repeat_last_answer"}  # fmt: skip


def test_a_rule_compiles_to_words_choices_and_slots(grammar) -> None:
    rule = next(r for r in grammar.rules if r.spoken.startswith("split at"))
    assert rule.pattern == (Word("split"), Word("at"), Slot("time"))
    assert (rule.action, rule.params, rule.destructive, rule.topic) == (
        "split",
        ("time",),
        False,
        "editing",
    )
    assert rule.source.startswith("editing.grammar:")


def test_lists_expand_into_alternatives(grammar) -> None:
    rule = next(r for r in grammar.rules if r.action == "delete_clip")
    verbs = rule.pattern[0]
    assert isinstance(verbs, Choice)
    assert ("take", "out") in [tuple(word.text for word in option) for option in verbs.options]
    assert "get rid of clip <number>" in expand(rule.pattern, limit=100)


def test_fixed_arguments(grammar) -> None:
    split_here = next(r for r in grammar.rules if r.spoken == "split here")
    assert split_here.fixed == (("time", SpokenTime(anchor="here")),)
    quieter = next(r for r in grammar.rules if r.spoken.startswith("(less detail"))
    assert quieter.fixed == (("level", "brief"),)
    assert quieter.call == 'set_verbosity(level="brief")'


def test_topics_come_from_the_headers(grammar) -> None:
    names = [topic.name for topic in grammar.topics]
    assert names == ["cleanup", "corrections", "cutaways", "editing", "finishing", "library",
                     "markers", "navigation", "picture", "playback", "project", "session",
                     "speakers"]
    entries = {entry.spoken: entry.value for entry in grammar.word_list("topics").entries}
    assert entries["cutting"] == "editing"
    assert entries["export"] == "project"


def test_examples_read_as_sentences(grammar) -> None:
    said = {example(rule, grammar) for rule in grammar.rules}
    assert {"undo that", "delete from ten seconds to twenty seconds", "delete clip two",
            "clear the selection", "what can I say", "export as an edl",
            "shorten the pauses longer than two seconds to half a second"} <= said  # fmt: skip
    rule = next(r for r in grammar.rules if r.action == "delete_range")
    assert example(rule) == "delete from <time> to <time>"


def test_vocabulary_and_required_words(grammar) -> None:
    known = vocabulary(grammar)
    assert {"undo", "export", "split", "fillers", "edl", "premiere"} <= known
    rule = next(r for r in grammar.rules if r.spoken.startswith("swap (clips | clip)"))
    assert required_words(rule.pattern) == {"swap", "and"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Let's plug it, at 1:30!", ["lets", "plug", "it", "at", "1:30"]),
        ("Export as E.D.L.", ["export", "as", "e.d.l"]),
        ("Insert intro.mp4 at 2.5 seconds.", ["insert", "intro.mp4", "at", "2.5", "seconds"]),
        ("twenty-one  WHAT’S", ["twenty", "one", "whats"]),
        ("...", []),
    ],
)
def test_words_normalise_like_whisper_writes(text: str, expected: list[str]) -> None:
    assert words(text) == expected


def _write(tmp_path: Path, grammar: str, lists: dict[str, str] | None = None) -> Path:
    (tmp_path / "lists").mkdir()
    (tmp_path / "lists" / "formats.list").write_text("edl\nfinal cut: fcpxml\n")
    for name, text in (lists or {}).items():
        (tmp_path / "lists" / f"{name}.list").write_text(text)
    (tmp_path / "test.grammar").write_text(grammar)
    return tmp_path


HEADER = "about: testing\nsay: tests\n-\n"


def test_a_small_grammar_loads(tmp_path: Path) -> None:
    grammar = load_grammar(
        _write(tmp_path, HEADER + "# a comment\n\nexport as <format>: export(format)\n")
    )
    (rule,) = grammar.rules
    assert expand(rule.pattern) == ["export as <format>"]
    assert [e.value for e in grammar.slot_list("format").entries] == ["edl", "fcpxml"]


@pytest.mark.parametrize(
    ("text", "line", "says"),
    [
        (HEADER + "undo (that: undo()\n", 4, "not closed"),
        (HEADER + "undo [that: undo()\n", 4, "not closed"),
        (HEADER + "undo that) : undo()\n", 4, "unexpected ')'"),
        (HEADER + "\nundo that\n", 5, "spoken form: action"),
        (HEADER + "go to <place>: seek(time)\n", 4, "unknown slot <place>"),
        (HEADER + "{verbs} it: undo()\n", 4, "no list lists/verbs.list"),
        (HEADER + "go to <time>: seek()\n", 4, "fills 1 slot but the action takes 0 parameters"),
        (HEADER + "go [to <time>]: seek(time)\n", 4, "fills 0 or 1 slots"),
        (HEADER + "x <time>: seek(time, time)\n", 4, "given twice"),
        (HEADER + "split it: split(time=later)\n", 4, "a fixed argument"),
        (HEADER + "(a | ) b: undo()\n", 4, "empty alternative"),
        (HEADER + "cut it: !delete_selection()\ndelete it: delete_selection()\n", 5, "destructive"),
        ("about: x\nundo: undo()\n-\n", 2, "header line"),
        ("about: x\n-\nundo that: undo()\n", 2, "needs 'say:'"),
        ("undo that: undo()\n", 1, "header"),
    ],
)
def test_mistakes_are_reported_with_file_and_line(
    tmp_path: Path, text: str, line: int, says: str
) -> None:
    with pytest.raises(GrammarError) as error:
        load_grammar(_write(tmp_path, text))
    assert str(error.value).startswith(f"test.grammar:{line}:")
    assert says in str(error.value)


def test_a_bad_list_entry_is_reported(tmp_path: Path) -> None:
    with pytest.raises(GrammarError, match=r"^misheard.list:2: "):
        load_grammar(_write(tmp_path, HEADER + "undo that: undo()\n", {"misheard": "x: y\n: z\n"}))


def test_a_missing_folder_is_one_sentence(tmp_path: Path) -> None:
    with pytest.raises(GrammarError, match="missing"):
        load_grammar(tmp_path / "nowhere")


def test_examples_never_say_a_word_twice_in_a_row():
    # "delete [the | all] [the] repeated takes" once read "Delete the the repeated takes"
    grammar = load_grammar()
    for rule in grammar.rules:
        said = example(rule, grammar).split()
        assert all(a != b for a, b in zip(said, said[1:], strict=False)), said
