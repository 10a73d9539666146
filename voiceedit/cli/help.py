"""`voiceedit help [TOPIC]`: the spoken command language, generated from voiceedit/grammars/.

Plain example sentences by default (a screen reader reads notation symbol by symbol);
`--grammar` prints the rules as written, `--search WORDS` the commands with those words.
"""

from __future__ import annotations

from pathlib import Path

import click

from voiceedit.cli import cli
from voiceedit.cli.words import grammar_dir_option
from voiceedit.understand.help import (
    grammar_text,
    help_text,
    markdown_table,
    rule_text,
    spoken_help,
    update_readme,
)


@cli.command("help")
@click.argument("words", nargs=-1)
@click.option("--spoken", is_flag=True, help="Print what 'what can I say' answers aloud.")
@click.option("--grammar", is_flag=True, help="Print the rules as written, in their notation.")
@click.option("--search", is_flag=True, help="The commands with these WORDS, as examples.")
@click.option("--markdown", is_flag=True, help="Print the command table as in README.md.")
@click.option(
    "--update-readme",
    "readme",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Write the command table into this README between its markers.",
)
@grammar_dir_option
def help_command(words: tuple[str, ...], spoken: bool, grammar: bool, search: bool,
                 markdown: bool, readme: Path | None) -> None:
    """The commands you can say, all or one topic (editing, navigation, playback, project,
    cleanup, session), in example sentences; `keys`: the browser editor's keys;
    `search cut clip` (or `--search cut clip`): the commands with those words."""
    if words[:1] == ("search",) and not search:  # "voiceedit help search cut", as said
        words, search = words[1:], True
    topic = " ".join(words) or None
    if search:
        click.echo(_searched(topic or "", grammar))
    elif topic == "keys":
        from voiceedit.web.keys import keys_markdown, keys_text

        click.echo(keys_markdown() if markdown else keys_text())
    elif readme is not None:
        changed = update_readme(readme)
        click.echo(
            f"Updated the command table in {readme}." if changed else f"{readme} is up to date."
        )
    elif markdown:
        click.echo(markdown_table())
    elif spoken:
        click.echo(spoken_help(topic))
    elif grammar:
        click.echo(grammar_text(topic))
    else:
        click.echo(help_text(topic))


def _searched(said: str, notation: bool) -> str:
    """The commands with these words, as example sentences or (`notation`) as the rules are
    written; VoiceEditError when there are no words or no such command."""
    from voiceedit.errors import VoiceEditError
    from voiceedit.understand.examples import search, search_answer
    from voiceedit.understand.grammar import load_grammar

    grammar = load_grammar()
    found = search(grammar, said)
    answer = search_answer(grammar, said, shown=12)
    if not found:
        raise VoiceEditError(answer)
    return "\n".join(rule_text(rule) for rule, _ in found) if notation else answer

