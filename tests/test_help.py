"""Help comes from the grammar files: printed, spoken, and README's command table."""

from __future__ import annotations

from pathlib import Path

import pytest

from voiceedit.cli import main
from voiceedit.errors import VoiceEditError
from voiceedit.understand.grammar import example, load_grammar
from voiceedit.understand.help import (
    README_END,
    README_START,
    current_readme_block,
    find_topic,
    help_text,
    markdown_table,
    readme_block,
    spoken_help,
    update_readme,
)

ROOT = Path(__file__).resolve().parents[1]


def test_readme_command_table_matches_the_grammar() -> None:
    assert current_readme_block(ROOT / "README.md") == readme_block(), (
        "README.md's command table is out of date: run "
        "`.venv/bin/voiceedit help --update-readme README.md`."
    )


def test_markdown_table_has_every_rule_once() -> None:
    table = markdown_table()
    grammar = load_grammar()
    rows = [line for line in table.splitlines() if line.startswith("| `")]
    assert len(rows) == len(grammar.rules)
    assert "| `{delete} [from] <time> (to \\| until \\| through) <time>` |" in table
    assert "| `delete_range(start, end)` | yes |" in table
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


def test_printed_help_shows_each_rule_and_its_action() -> None:
    text = help_text("editing")
    assert text.startswith("Editing: cut, keep, split, trim, move and insert.")
    assert "split at <time>" in text
    assert "-> delete_range(start, end)  (removes material)" in text
    assert "Navigation:" not in text
    assert "{delete}: delete, cut, remove, take out, get rid of, erase" in text
    everything = help_text()
    for topic in load_grammar().topics:
        assert f"{topic.name.capitalize()}: {topic.about}." in everything


def test_spoken_help_says_examples_not_syntax() -> None:
    overview = spoken_help()
    assert overview.startswith(
        "You can say commands about cleanup, corrections, editing, navigation, playback, project"
        " and session."
    )
    assert "undo that" in overview
    editing = spoken_help("cutting")
    assert editing.startswith("Editing: cut, keep, split, trim, move and insert. You can say: ")
    assert "delete from ten seconds to twenty seconds; " in editing
    assert "delete clip two" in editing
    for text in (overview, editing):
        assert not set("<>[]{}|") & set(text)
    assert spoken_help("editing", limit=2).count(";") == 1


def test_spoken_help_names_one_example_per_action() -> None:
    grammar = load_grammar()
    actions = {rule.action for rule in grammar.rules if rule.topic == "session"}
    said = spoken_help("session")
    first = {}
    for rule in grammar.rules:
        if rule.topic == "session":
            first.setdefault(rule.action, example(rule, grammar))
    assert len(first) == len(actions)
    assert all(text in said for text in first.values())


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
    assert _voiceedit(capsys, "help", "--markdown")[1].strip() == markdown_table()
    assert _voiceedit(capsys, "help", "--spoken", "session")[1].strip() == spoken_help("session")
    status, _, err = _voiceedit(capsys, "help", "colour")
    assert status == 1
    assert err.strip().startswith("There is no help topic 'colour'.")
    assert "Traceback" not in err
