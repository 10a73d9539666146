"""The `voiceedit` command.

One click group; each stage's subcommands live in their own module here (transcription,
editing, export, the live session) so they stay small. A module is imported only when one
of its commands runs (or for the full `--help`), so a typed command pays for what it uses,
not for Whisper or OpenTimelineIO. Every user error is a VoiceEditError: printed as one
plain line on stderr, exit status 1, never a traceback.
"""

from __future__ import annotations

import importlib
import sys

import click

from voiceedit.cli.progress import plain_option, with_plain
from voiceedit.errors import VoiceEditError

# Each command and the module whose import adds it to `cli`.
COMMAND_MODULES = {
    "new": "voiceedit.cli.new",
    "do": "voiceedit.cli.edit",
    "timeline": "voiceedit.cli.edit",
    "listen": "voiceedit.cli.listen",
    "render": "voiceedit.cli.render",
    "export": "voiceedit.cli.interchange",
    "transcribe": "voiceedit.cli.transcribe",
    "models": "voiceedit.cli.transcribe",
    "help": "voiceedit.cli.help",
    "demo": "voiceedit.cli.demo",
    "serve": "voiceedit.cli.serve",
    "shots": "voiceedit.cli.shots",
    "chapters": "voiceedit.cli.chapters",
    "library": "voiceedit.cli.library",
}


class LazyGroup(click.Group):
    """Imports a command's module when the command is looked up."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMAND_MODULES)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in COMMAND_MODULES:
            importlib.import_module(COMMAND_MODULES[cmd_name])
        command = self.commands.get(cmd_name)
        return with_plain(command) if command is not None else None


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="voiceedit")
@plain_option
def cli() -> None:
    """Edit video by voice and from the transcript, with spoken readback."""


def main(argv: list[str] | None = None) -> int:
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
