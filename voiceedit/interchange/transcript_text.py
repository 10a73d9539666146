"""The transcript of the edit as text (.txt) or Markdown (.md), with timecodes.

A script to read, send or paste: one paragraph per sentence (or per stretch of a clip
without one, up to thirty seconds), each led by its time on the edited timeline. A new
paragraph starts at every cut, so the text shows where the edit joins two takes.

    [00:00:00] Ask not what your country can do for you.
    [00:00:04] Ask what you can do for your country.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from voiceedit.interchange.captions import ends_sentence
from voiceedit.timeline.words import TimelineWord

MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>#|])")

MAX_PARAGRAPH = 30_000  # ms
MAX_PAUSE = 2_000  # ms


def clock(ms: int) -> str:
    """HH:MM:SS of a timeline position, as editors write timecodes."""
    seconds = ms // 1000
    return f"{seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


def paragraphs(words: Iterable[TimelineWord]) -> list[list[TimelineWord]]:
    groups: list[list[TimelineWord]] = []
    for word in words:
        if groups and not _starts_paragraph(groups[-1], word):
            groups[-1].append(word)
        else:
            groups.append([word])
    return groups


def _starts_paragraph(group: list[TimelineWord], word: TimelineWord) -> bool:
    last = group[-1]
    return (
        ends_sentence(last)
        or word.clip != last.clip
        or word.start - last.end > MAX_PAUSE
        or word.end - group[0].start > MAX_PARAGRAPH
    )


def write_text(words: Iterable[TimelineWord]) -> str:
    lines = [f"[{clock(g[0].start)}] " + " ".join(w.text for w in g) for g in paragraphs(words)]
    return "\n".join(lines) + "\n"


def write_markdown(words: Iterable[TimelineWord], title: str) -> str:
    blocks = [f"# {_escape(title)}"] + [
        f"**{clock(g[0].start)}** " + " ".join(_escape(w.text) for w in g)
        for g in paragraphs(words)
    ]
    return "\n\n".join(blocks) + "\n"


def _escape(text: str) -> str:
    """Words as literal Markdown: "*" or "_" said aloud must not turn into emphasis."""
    return MARKDOWN_SPECIAL.sub(r"\\\1", text)
