"""`voiceedit help [TOPIC]`: the spoken command language, generated from voiceedit/grammars/."""

from __future__ import annotations

from pathlib import Path

import click

from voiceedit.cli import cli
from voiceedit.cli.words import grammar_dir_option
from voiceedit.understand.help import help_text, markdown_table, spoken_help, update_readme


@cli.command("help")
@click.argument("topic", required=False)
@click.option("--spoken", is_flag=True, help="Print what 'what can I say' answers aloud.")
@click.option("--markdown", is_flag=True, help="Print the command table as in README.md.")
@click.option(
    "--update-readme",
    "readme",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Write the command table into this README between its markers.",
)
@grammar_dir_option
def help_command(topic: str | None, spoken: bool, markdown: bool, readme: Path | None) -> None:
    """The commands you can say, all or one TOPIC (editing, navigation, playback, project,
    cleanup, session); `keys`: the browser editor's keys."""
    if topic == "keys":
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
    else:
        click.echo(help_text(topic))
