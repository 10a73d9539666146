"""`python -m voiceedit` runs the CLI."""

from voiceedit.cli import run

run()
