"""`--grammar-dir DIR`: a person's own command files, for every command that hears or shows
commands (`do`, `listen`, `serve`, `help`).

The folder is set once for the process before the command runs (user_grammar.py), so the
matcher, the recogniser's prompt and grammar search, and help all read the same rules. The
mistakes in a person's files are printed once here, one `file:line: ...` sentence each, on
standard error: their other commands and every built-in one still work.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import click

from voiceedit.understand.grammar import load_grammar
from voiceedit.understand.user_grammar import use_grammar_dirs

F = TypeVar("F", bound=Callable[..., object])


def _use(context: click.Context, parameter: click.Parameter, folders: tuple[Path, ...]) -> None:
    use_grammar_dirs(folders)
    for problem in load_grammar().problems:
        click.echo(problem, err=True)


def grammar_dir_option(command: F) -> F:
    """The option, added to a click command; it passes nothing to the command itself."""
    return click.option(
        "--grammar-dir", type=click.Path(exists=True, file_okay=False, path_type=Path),
        multiple=True, expose_value=False, callback=_use, metavar="DIR",
        help="Also read your own .grammar and lists/*.list files from DIR (besides "
             "grammars/ in your config folder); may be given more than once.",
    )(command)
