"""Help comes from the grammar files: printed, spoken, searched, and README's command table.
Help speaks plain sentences, never notation, and every sentence it says is understood as
its own rule's action."""

from __future__ import annotations

from pathlib import Path

import pytest

from voiceedit.cli import main
from voiceedit.errors import VoiceEditError
from voiceedit.understand.examples import action_examples, search, search_answer, sentences
from voiceedit.understand.grammar import load_grammar
from voiceedit.understand.help import (
    README_END,
    README_START,
    current_readme_block,
    find_topic,
    grammar_text,
    help_text,
    markdown_table,
    readme_block,
    spoken_help,
    update_readme,
)
from voiceedit.understand.matcher import understand

ROOT = Path(__file__).resolve().parents[1]
NOTATION = set("[]()|{}<>")


def test_readme_command_table_matches_the_grammar() -> None:
    assert current_readme_block(ROOT / "README.md") == readme_block(), (
        "README.md's command table is out of date: run "
        "`.venv/bin/voiceedit help --update-readme README.md`."
    )


def test_markdown_table_has_every_rule_once() -> None:
    table = markdown_table()
    grammar = load_grammar()
    rows = [line for line in table.splitlines() if line.startswith("| ") and "`" in line]
    assert len(rows) == len(grammar.rules)
    # The sentence first, then the rule as written: a screen reader reads a table cell by
    # cell, so the notation can be skipped.
    assert (
        "| delete from ten seconds to twenty seconds; cut from ten seconds until twenty "
        "seconds | `{delete} [from] <time> (to \\| until \\| through) <time>` | "
        "`delete_range(start, end)` | yes |"
    ) in table
    assert "| undo that; undo it | `undo [that" in table
    assert "| `undo()` |  |" in table
    for topic in grammar.topics:
        assert f"#### {topic.name.capitalize()}: {topic.about}" in table
    assert "- `<format>`: edl," in table


def test_update_readme_replaces_only_the_block(tmp_path: Path) -> None:
    readme = tmp_path / "README.md"
    readme.write_text(f"# Title\n\nBefore.\n\n{README_START}\nold\n{README_END}\n\nAfter.\n")
    assert update_readme(readme) is True
    text = readme.read_text()
    assert text.startswith("# Title\n\nBefore.\n\n")
    assert text.endswith(f"{README_END}\n\nAfter.\n")
    assert readme_block() in text
    assert update_readme(readme) is False


def test_a_readme_without_markers_is_one_sentence(tmp_path: Path) -> None:
    readme = tmp_path / "README.md"
    readme.write_text("# Title\n")
    with pytest.raises(VoiceEditError, match="has no <!-- commands:start -->"):
        update_readme(readme)


def test_printed_help_says_each_rule_in_plain_sentences() -> None:
    text = help_text("editing")
    assert text.startswith("Editing: cut, keep, split, trim, move and insert.\n")
    assert (
        "  delete from ten seconds to twenty seconds, or cut from ten seconds until twenty "
        "seconds. Removes material.\n"
    ) in text
    assert "  split at ten seconds.\n" in text
    assert "  delete from your words to other words, or cut everything from" in text
    assert "Instead of delete, you can say cut, remove, take out, get rid of or erase." in text
    assert "Navigation:" not in text
    assert "A format is" not in text  # the lists of this topic's rules only
    everything = help_text()
    for topic in load_grammar().topics:
        assert f"{topic.name.capitalize()}: {topic.about}." in everything
    assert "A format is one of edl, edit decision list," in everything
    assert "  go to sleep and whatever follows, or " in everything
    assert not NOTATION & set(everything), sorted(NOTATION & set(everything))


def test_grammar_help_shows_each_rule_and_its_action() -> None:
    text = grammar_text("editing")
    assert text.startswith("Editing: cut, keep, split, trim, move and insert.")
    assert "split at <time>" in text
    assert "-> delete_range(start, end)  (removes material)" in text
    assert "Navigation:" not in text
    assert "{delete}: delete, cut, remove, take out, get rid of, erase" in text
    everything = grammar_text()
    for topic in load_grammar().topics:
        assert f"{topic.name.capitalize()}: {topic.about}." in everything


def test_every_sentence_help_says_is_understood_as_its_rule() -> None:
    """The strong check that help never drifts from the grammar: each rule's sentences (as
    printed, spoken, searched and in README) are understood, exactly, as that rule's action
    and not another's."""
    grammar = load_grammar()
    wrong = []
    for rule in grammar.rules:
        said = sentences(rule, grammar)
        assert 1 <= len(said) <= 2 and len(set(said)) == len(said), rule.source
        for sentence in said:
            assert not NOTATION & set(sentence), (rule.source, sentence)
            command = understand(sentence)
            if command.action != rule.action or command.confidence < 1.0:
                wrong.append(f"{rule.source}: {sentence!r} -> {command.action}")
    assert wrong == []


def test_spoken_help_says_examples_not_syntax() -> None:
    overview = spoken_help()
    assert overview.startswith(
        "You can say commands about cleanup, corrections, cutaways, editing, finishing, library,"
        " markers, navigation, picture, playback, project, session and speakers."
    )
    assert "undo that" in overview
    editing = spoken_help("cutting")
    assert editing.startswith("Editing: cut, keep, split, trim, move and insert. You can say: ")
    assert "delete from ten seconds to twenty seconds; " in editing
    assert "delete your words; delete from your words to other words; " in editing
    assert "delete clip two" in editing
    for text in (overview, editing):
        assert not NOTATION & set(text)
    assert spoken_help("editing", limit=2).count(";") == 1


def test_spoken_help_names_one_example_per_action() -> None:
    grammar = load_grammar()
    actions = {rule.action for rule in grammar.rules if rule.topic == "session"}
    said = spoken_help("session")
    first = action_examples(grammar, "session")
    assert set(first) == actions
    assert all(text in said for text in first.values())
    assert "help search cut" in said


def test_help_search_finds_commands_by_their_words_and_near_spellings() -> None:
    grammar = load_grammar()
    assert search_answer(grammar, "cut clip") == "One command with cut clip: delete clip two."
    assert search_answer(grammar, "undo") == "One command with undo: undo that."
    # A word and its forms ("cutting", cut), a misspelling ("selekt"), an action's name.
    cutting = [rule.action for rule, _ in search(grammar, "cutting")]
    assert cutting[:3] == ["remove_fillers", "remove_repeated_takes", "delete_range"]
    assert "split" in cutting and "export" in cutting  # "cut at", "final cut"
    assert [rule.action for rule, _ in search(grammar, "selekt")][:2] == [
        "select_range", "select_clip"]
    assert search(grammar, "delete range")[0][0].action == "delete_range"
    # A list's entry is said when it is what was searched for.
    assert search_answer(grammar, "srt") == "One command with srt: export as an srt."
    many = search_answer(grammar, "cutting", shown=3)
    assert many.startswith("13 commands with cutting: delete the fillers; ")
    assert many.endswith("And 10 more; add a word to narrow it.")
    assert search_answer(grammar, "xyzzy") == (
        "No command has the words xyzzy. Say what can I say, for the topics.")
    assert search_answer(grammar, "the") == (
        "Say help search and a word, for example help search cut.")
    assert not NOTATION & set(search_answer(grammar, "play"))


def test_help_search_is_a_command(tmp_path: Path) -> None:
    from test_core import make_project

    from voiceedit.core import Editor

    editor = Editor.open(make_project(tmp_path / "p.voiceedit"))
    for said in ("help search undo", "Help search for undo.", "search the help for undo"):
        answer = editor.handle(said)
        assert (answer.action, answer.message) == (
            "help_search", "One command with undo: undo that."), said
    answer = editor.handle("what can I say about editing")
    assert answer.message.startswith("Cut, keep, split, trim, move and insert. Say: delete from")
    assert not NOTATION & set(answer.message)


def test_topics_by_any_name() -> None:
    assert find_topic("exporting").name == "project"
    assert find_topic("Clean up").name == "cleanup"
    with pytest.raises(VoiceEditError, match="no help topic 'colour'. The topics are cleanup"):
        find_topic("colour")


def _voiceedit(capsys: pytest.CaptureFixture, *args: str) -> tuple[int, str, str]:
    status = main(list(args))
    out, err = capsys.readouterr()
    return status, out, err


def test_cli_help(capsys: pytest.CaptureFixture) -> None:
    status, out, _ = _voiceedit(capsys, "help", "playback")
    assert status == 0
    assert out.startswith("Playback: play, play from a time")
    assert "  play it, or play that.\n" in out
    assert not NOTATION & set(out)
    status, out, _ = _voiceedit(capsys, "help", "--grammar", "playback")
    assert "play [it | that | back | the (video | edit | timeline)]  -> play()" in out
    assert _voiceedit(capsys, "help", "clean", "up")[1].startswith("Cleanup: ")
    status, out, _ = _voiceedit(capsys, "help", "--search", "cut", "clip")
    assert (status, out) == (0, "One command with cut clip: delete clip two.\n")
    assert _voiceedit(capsys, "help", "search", "cut", "clip")[1] == out  # as it is said
    status, out, _ = _voiceedit(capsys, "help", "search", "speech", "rate", "--grammar")
    assert status == 0 and out.startswith("(set | change) [the] (speech | speaking | voice) "
                                          "(rate | speed) to <number>")
    assert "-> set_speech_rate(rate)" in out
    for nothing in (["--search"], ["search", "banana"]):
        status, out, err = _voiceedit(capsys, "help", *nothing)
        assert status == 1 and out == "" and err.startswith(("Say help search", "No command"))
    assert _voiceedit(capsys, "help", "--markdown")[1].strip() == markdown_table()
    assert _voiceedit(capsys, "help", "--spoken", "session")[1].strip() == spoken_help("session")
    status, _, err = _voiceedit(capsys, "help", "colour")
    assert status == 1
    assert err.strip().startswith("There is no help topic 'colour'.")
    assert "Traceback" not in err
