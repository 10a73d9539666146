"""`voiceedit transcribe` and `voiceedit models`."""

from __future__ import annotations

from voiceedit.cli import cli  # noqa: F401
