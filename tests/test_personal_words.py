"""A person's own words: their grammar and list files (config folder, `--grammar-dir`) add
phrasings that typed commands, `do`, help, the vocabulary prompt and the grammar search all
know; their mistakes are one `file:line` sentence each, and everything else still works. The
project's names go into the command recogniser's prompt."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from test_core import make_project

from voiceedit.core import Editor
from voiceedit.project import load_project
from voiceedit.understand.continuation import Continuations
from voiceedit.understand.grammar import load_grammar, vocabulary
from voiceedit.understand.help import help_text, markdown_table, spoken_help
from voiceedit.understand.matcher import command_prompt, understand, vocabulary_prompt
from voiceedit.understand.own_words import rare_words
from voiceedit.understand.user_grammar import use_grammar_dirs

TEXT = "ask not what your country can do"

MINE = """\
# my own phrasings
snip <quote>: !delete_quote(quote)
hop to the top: seek(time=start)
"""


@pytest.fixture
def config(tmp_path, monkeypatch) -> Path:
    """A fresh config folder of the person's own, and no `--grammar-dir` left behind."""
    folder = tmp_path / "config"
    (folder / "grammars").mkdir(parents=True)
    monkeypatch.setenv("VOICEEDIT_CONFIG", str(folder))
    yield folder
    use_grammar_dirs(())


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def timeline_words(project: Path) -> list[str]:
    from voiceedit.actions.state import EditorState

    return EditorState(load_project(project), project).words.texts


def voiceedit(*args: str, config: Path, stdin: str | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "VOICEEDIT_CONFIG": str(config)}
    return subprocess.run([sys.executable, "-m", "voiceedit", *args], input=stdin, env=env,
                          capture_output=True, text=True, timeout=120)


# ------------------------------------------------------------------ phrasings that work


def test_a_phrase_from_the_config_folder_is_understood_typed(config, tmp_path):
    write(config / "grammars", "mine.grammar", MINE)
    project = make_project(tmp_path / "p.voiceedit", TEXT)
    editor = Editor.open(project)
    answer = editor.handle("snip what your")
    assert answer.changed, answer.message
    assert timeline_words(project) == ["ask", "not", "country", "can", "do"]
    command = understand("hop to the top")
    assert (command.action, command.args["time"].anchor) == ("seek", "start")
    assert command.confidence == 1.0
    rule = next(rule for rule in load_grammar().rules if rule.spoken == "snip <quote>")
    assert (rule.own, rule.destructive, rule.source) == (True, True, "mine.grammar:2")


def test_a_phrase_given_with_grammar_dir_works_in_do(config, tmp_path):
    elsewhere = tmp_path / "words"
    write(elsewhere, "mine.grammar", MINE)
    project = make_project(tmp_path / "p.voiceedit", TEXT)
    without = voiceedit("do", str(project), "snip what your", config=config)
    assert without.returncode == 2, without.stdout  # not a phrase of the built-in grammar
    assert timeline_words(project) == TEXT.split()
    done = voiceedit("do", str(project), "snip what your", "--grammar-dir", str(elsewhere),
                     config=config)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    assert "what your" in done.stdout.lower()
    assert timeline_words(project) == ["ask", "not", "country", "can", "do"]


def test_a_list_file_adds_words_to_a_list_and_to_the_vocabulary(config, tmp_path):
    write(config / "grammars", "lists/delete.list", "zap\n")
    write(config / "grammars", "lists/vocabulary.list", "Siobhan\nKilkenny\n")
    project = make_project(tmp_path / "p.voiceedit", TEXT)
    assert Editor.open(project).handle("zap the words not what").changed
    assert timeline_words(project) == ["ask", "your", "country", "can", "do"]
    grammar = load_grammar()
    assert "zap" in vocabulary(grammar)
    assert [e.spoken for e in grammar.word_list("delete").entries][-1] == "zap"
    assert vocabulary_prompt().endswith("Siobhan, Kilkenny.")


def test_own_phrases_reach_the_prompt_and_the_grammar_search(config):
    write(config / "grammars", "mine.grammar", MINE)
    prompt = vocabulary_prompt()
    assert prompt.startswith("Snip. Hop to the top.")  # a person's own first, quote left out
    assert "some words" not in prompt
    fence = Continuations(load_grammar(), [tuple(TEXT.split())])
    assert fence.is_command(("snip", "your", "country"))
    assert fence.is_command(("hop", "to", "the", "top"))
    assert not fence.is_command(("snip", "seven"))  # a quote only says the project's words


def test_help_shows_the_persons_rules_as_their_own(config):
    write(config / "grammars", "mine.grammar", MINE)
    printed = help_text("mine")
    assert "Mine: your own commands from mine.grammar." in printed
    line = next(line for line in printed.splitlines() if "snip" in line)
    assert "Removes material." in line and line.endswith("(your own, mine.grammar:2)")
    assert spoken_help("mine") == "Mine: your own commands from mine.grammar. You can say: " \
                                  "snip your words; hop to the top."
    assert "snip" not in markdown_table()  # README documents the built-in commands


def test_help_on_the_command_line_takes_grammar_dir(config, tmp_path):
    elsewhere = tmp_path / "words"
    write(elsewhere, "editing.grammar", "snip <quote>: !delete_quote(quote)\n")
    shown = voiceedit("help", "editing", "--grammar", "--grammar-dir", str(elsewhere),
                      config=config)
    assert shown.returncode == 0, shown.stderr
    line = next(line for line in shown.stdout.splitlines() if "snip" in line)
    assert "delete_quote(quote)" in line and "your own, editing.grammar:1" in line
    missing = voiceedit("help", "--grammar-dir", str(tmp_path / "nowhere"), config=config)
    assert missing.returncode == 2 and "does not exist" in missing.stderr


# ------------------------------------------------------------------ mistakes


@pytest.mark.parametrize(("rule", "says"), [
    ("rub out <quote>: !delet_quote(quote)",
     "there is no action 'delet_quote'; did you mean 'delete_quote'?"),
    ("rub out <quote: !delete_quote(quote)", "unexpected '<'."),
    ("rub out (it: undo()", "'(' is not closed by ')'."),
    ("{erase} <quote>: !delete_quote(quote)", "there is no list lists/erase.list."),
    ("rub out <place>: !delete_quote(quote)", "unknown slot <place>"),
    ("rub out <time>: !delete_quote(quote)",
     "delete_quote's quote is said as <quote>, not <time>."),
    ("rub out <quote>: !delete_range(quote)", "delete_range takes end and start, not quote."),
    ("rub out <quote> <quote>: !delete_quote(quote)", "fills 2 slots but the action takes 1"),
    ("rub out <quote>: delete_quote(quote)",
     "delete_quote removes material, so its rule needs '!' before the action: "
     "'rub out <quote>: !delete_quote(quote)'."),
    ("rub it out: !undo()", "undo removes nothing, so drop the '!': 'rub it out: undo()'."),
    ("rub it out", "a rule is 'spoken form: action(parameters)'."),
    ('go back home: seek(time="home")', "seek's time is said as"),
])
def test_a_mistake_is_one_sentence_at_its_line_and_the_rest_works(config, tmp_path, rule, says):
    write(config / "grammars", "my.grammar", f"snip <quote>: !delete_quote(quote)\n\n{rule}\n"
                                             "hop to the top: seek(time=start)\n")
    grammar = load_grammar()
    (problem,) = grammar.problems
    assert problem.startswith("my.grammar:3: ") and says in problem
    assert problem.count(". ") <= 1  # one sentence (the fix may quote a line)
    assert {r.spoken for r in grammar.rules if r.own} == {"snip <quote>", "hop to the top"}
    project = make_project(tmp_path / "p.voiceedit", TEXT)
    editor = Editor.open(project)
    assert editor.handle("snip not").changed  # the person's other rules
    assert editor.handle("delete the words can do").changed  # the built-in ones
    assert timeline_words(project) == ["ask", "what", "your", "country"]


def test_a_broken_file_is_reported_once_by_do_and_the_command_still_runs(config, tmp_path):
    write(config / "grammars", "my.grammar", "about: mine\nsay: mine\n-\n"
                                             "rub out <quote>: !delet_quote(quote)\n"
                                             "snip <quote>: !delete_quote(quote)\n")
    write(config / "grammars", "lists/delete.list", "zap\n: nothing\n")
    write(config / "grammars", "bad.grammar", "about: x\nthis is not a header\n-\n")
    project = make_project(tmp_path / "p.voiceedit", TEXT)
    done = voiceedit("do", str(project), config=config,
                     stdin="snip not\ndelete the words what your\nzap can do\n")
    assert done.returncode == 0, done.stderr
    assert done.stderr.splitlines() == [
        "delete.list:2: an entry needs spoken words.",
        "bad.grammar:2: a header line is 'about: ...', 'say: ...' or 'prompt: later', and a "
        "line with only '-' ends the header. The file is skipped.",
        "my.grammar:4: there is no action 'delet_quote'; did you mean 'delete_quote'?",
    ]
    assert timeline_words(project) == ["ask", "country"]
    assert len(done.stdout.strip().splitlines()) == 3


def test_a_list_the_code_acts_on_takes_words_for_its_values_only(config, tmp_path):
    """A verbosity of one's own would be saved in the project and then be unknown to every
    session without the list: "levels.list" may only add words for brief, normal, detailed."""
    write(config / "grammars", "lists/levels.list", "bogus\nchatty: detailed\n")
    project = make_project(tmp_path / "p.voiceedit", TEXT)
    done = voiceedit("do", str(project), config=config,
                     stdin="set the verbosity to chatty\nset the verbosity to bogus\n")
    assert done.stderr.splitlines()[0] == (
        "levels.list:1: 'bogus' is not one of brief, normal, detailed; write 'bogus: brief' to "
        "say brief in your words.")
    assert done.stdout.splitlines()[0] == "Answers are now detailed."
    assert done.returncode != 0  # "bogus" is no level
    assert load_project(project).verbosity == "detailed"


def test_a_project_saved_with_a_level_no_longer_known_opens(tmp_path):
    project = make_project(tmp_path / "p.voiceedit", TEXT)
    data = json.loads(project.read_text())
    project.write_text(json.dumps({**data, "verbosity": "bogus"}))
    assert load_project(project).verbosity == "normal"
    assert Editor.open(project).handle("where am i").applied


def test_a_phrase_the_built_in_grammar_has_already_is_reported(config):
    """The built-in rule is heard first, so the person's would never run: said at its line,
    not left silent."""
    write(config / "grammars", "mine.grammar",
          MINE + "find <quote>: !delete_quote(quote)\nwhere am i: seek(time=end)\n")
    assert load_grammar().problems == (
        "mine.grammar:4: 'find <quote>' is already the built-in '(find | search for) <quote>' "
        "(seek_quote), which is heard first.",
        "mine.grammar:5: 'where am i' is already the built-in 'where am I' "
        "(describe_position), which is heard first.",
    )
    assert understand("find your country").action == "seek_quote"  # nothing cut
    assert understand("snip your country").action == "delete_quote"


def test_a_file_that_cannot_be_read_is_skipped(config):
    write(config / "grammars", "mine.grammar", MINE)
    (config / "grammars" / "latin1.grammar").write_bytes(b"caf\xe9 <quote>: !delete_quote(quote)\n")
    grammar = load_grammar()
    assert grammar.problems == ("latin1.grammar:1: cannot be read (it is not UTF-8 text); "
                                "the file is skipped.",)
    assert understand("snip your country").action == "delete_quote"


# ------------------------------------------------------------------ the project's names


STORY = ("Yesterday we met Siobhan by the river. Then Dervla talked about Kilkenny and "
         "Siobhan's friend. Delete Later the Undo things. I think so. Then we went home.")


def test_names_are_the_words_written_capitalised_inside_sentences():
    said = STORY.split()
    grammar_words = vocabulary(load_grammar())
    assert rare_words(said, known=grammar_words) == ["Siobhan", "Dervla", "Kilkenny"]
    # "Yesterday", "Then": only ever first in a sentence; "Later" is also written "later".
    assert rare_words(["Later", "on,", "later", "Bob."]) == ["Bob"]


def test_the_projects_names_go_into_the_recognisers_prompt(config):
    transcript = ["We", "met", "Siobhan", "by", "the", "river", "and", "Tadhg", "read."]
    prompt = command_prompt(transcript)
    assert prompt.startswith(vocabulary_prompt(130).split(" Delete from")[0])
    assert prompt.endswith(" Siobhan, Tadhg.")
    assert len(prompt.split()) <= 150
    assert command_prompt([]) == vocabulary_prompt()


NAMES_TEXT = ("Yesterday we met Siobhan by the river. Then Dervla talked about Kilkenny and "
              "later Tadhg read a poem by Niamh.")


@pytest.mark.slow
@pytest.mark.parametrize(("said", "name"), [("Go to Tadhg.", "Tadhg"), ("Find Niamh.", "Niamh")])
def test_a_spoken_name_from_the_project_is_heard_and_found(config, tmp_path, said, name):
    """tiny.en alone writes these as "Go to ten." and "Find Niam." (bench/RESULTS.md,
    "Personal words"); with the project's names in the prompt it writes them as the project
    spells them, and `do --audio` goes there."""
    from spoken import write_commands

    project = make_project(tmp_path / "names.voiceedit", NAMES_TEXT)
    editor = Editor.open(project)
    prompt = command_prompt(editor.state.quotes.words.texts)
    assert prompt.endswith(" Siobhan, Dervla, Kilkenny, Tadhg, Niamh.")
    (audio,) = write_commands(tmp_path, [said])
    heard = voiceedit("do", str(project), "--audio", str(audio), "--json", config=config)
    assert heard.returncode == 0, heard.stderr
    found = json.loads(heard.stdout)
    assert (found["action"], found["args"]["quote"]) == ("seek_quote", name.lower())
    assert found["applied"] and found["confidence"] == 1.0
    starts = 500 + 500 * [word.strip(".") for word in NAMES_TEXT.split()].index(name)
    after = load_project(project)
    assert starts - 300 <= after.playhead <= starts  # just before the name is said
    assert f"'{name}" in after.last_answer


@pytest.mark.slow
def test_a_name_corrected_during_a_session_is_in_the_next_utterances_prompt(config, tmp_path):
    """`listen` and the browser's microphone keep one recogniser: its prompt follows the
    project's words (`prompt_of`), so a name put right is heard as written from then on."""
    import numpy as np

    from voiceedit.hear.command_recognizer import CommandRecognizer, RecognizerOptions

    editor = Editor.open(make_project(tmp_path / "names.voiceedit", NAMES_TEXT))
    recognizer = CommandRecognizer(options=RecognizerOptions(prompt=editor.command_prompt()),
                                   prompt_of=editor.command_prompt)
    assert "Tadhg" in recognizer.options.prompt and "Grainne" not in recognizer.options.prompt
    before, searched = list(recognizer.prompt), recognizer.constrained  # built already
    assert searched is not None
    assert editor.handle("correct Tadhg to Grainne").changed
    assert editor.command_prompt().endswith(" Siobhan, Dervla, Kilkenny, Grainne, Niamh.")
    recognizer.recognise(np.zeros(8000, dtype=np.float32))
    assert recognizer.options.prompt == editor.command_prompt()
    assert recognizer.prompt != before
    assert recognizer.tokenizer.decode(recognizer.prompt[1:]).count("Grainne") == 1
    # The search reads the prompt's first words only (its quotes are the project's words),
    # taken up when it next starts.
    recognizer._search(np.zeros((1, 500, 384), dtype=np.float32), recognizer.fence(), 1, 1)
    assert searched.prompt == recognizer._search_start()
