"""The `voiceedit` command.

One click group; each stage's subcommands live in their own module here (transcription,
editing, export, the live session) so they stay small. Every user error is a
VoiceEditError: printed as one plain line on stderr, exit status 1, never a traceback.
"""

from __future__ import annotations

import importlib
import sys

import click

from voiceedit.errors import VoiceEditError


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="voiceedit")
def cli() -> None:
    """Edit video by voice and from the transcript, with spoken readback."""


# Modules whose import adds their subcommands to `cli`, one a line.
COMMAND_MODULES = [
    "voiceedit.cli.transcribe",
    "voiceedit.cli.demo",
    "voiceedit.cli.render",
    "voiceedit.cli.edit",
    "voiceedit.cli.interchange",
    "voiceedit.cli.help",
    "voiceedit.cli.listen",
]


def _register() -> None:
    for name in COMMAND_MODULES:
        importlib.import_module(name)


def main(argv: list[str] | None = None) -> int:
    _register()
    try:
        status = cli.main(args=argv, prog_name="voiceedit", standalone_mode=False)
    except VoiceEditError as error:
        click.echo(str(error), err=True)
        return 1
    except click.exceptions.Abort:
        click.echo("Stopped.", err=True)
        return 130
    except click.UsageError as error:
        # One plain line, not click's three-line usage block: easier to hear.
        command = error.ctx.command_path if error.ctx else "voiceedit"
        click.echo(f"{error.format_message()} Try {command} --help.", err=True)
        return error.exit_code
    except click.ClickException as error:
        click.echo(error.format_message(), err=True)
        return error.exit_code
    except KeyboardInterrupt:
        click.echo("Stopped.", err=True)
        return 130
    return status if isinstance(status, int) else 0


def run() -> None:
    """Console-script entry point."""
    sys.exit(main())
