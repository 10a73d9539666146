"""Speakers on the timeline: their names (a layer) and their turns.

Each word carries the number of its speaker within its own source (hear/diarize.py finds
them when the source is added). A name belongs to one source's speaker number, because
each file is clustered apart: the same person in two files is two numbers, named once in
each ("call speaker one Anna" names the speaker of that number in the file at the
playhead). A speaker without a name is "Speaker 2".

A turn is a run of timeline words by one speaker of one source; a word whose speaker is
unknown stays in the turn around it.
"""

from __future__ import annotations

from dataclasses import dataclass

from voiceedit.timeline.words import TimelineWords, normalize


@dataclass(frozen=True)
class SpeakerName:
    """The name of speaker `number` of the source at `source`."""

    source: str
    number: int
    name: str

    def to_json(self, sources: tuple[str, ...]) -> dict:
        return {"source": sources.index(self.source), "number": self.number, "name": self.name}

    @classmethod
    def from_json(cls, data: object, sources: tuple[str, ...]) -> SpeakerName:
        if not isinstance(data, dict) or any(type(data.get(k)) is not int
                                             for k in ("source", "number")) \
                or not isinstance(data.get("name"), str) or not data["name"].strip():
            raise ValueError(f"a speaker's name is malformed: {data!r:.40}")
        if not 0 <= data["source"] < len(sources) or data["number"] < 1:
            raise ValueError(f"no speaker {data!r:.40} in the sources")
        return cls(sources[data["source"]], data["number"], data["name"])


Voice = tuple[str, int]  # (source path, speaker number): one speaker of one file


def name_of(names: tuple[SpeakerName, ...], voice: Voice) -> str:
    """ "Anna", or "Speaker 2" while unnamed."""
    source, number = voice
    return next((n.name for n in names if n.source == source and n.number == number),
                f"Speaker {number}")


def renamed(names: tuple[SpeakerName, ...], voice: Voice, name: str) -> tuple[SpeakerName, ...]:
    """The names with `voice` called `name` (any earlier name of it replaced)."""
    kept = tuple(n for n in names if (n.source, n.number) != voice)
    return kept + (SpeakerName(voice[0], voice[1], name),)


def voices_called(names: tuple[SpeakerName, ...], voices: set[Voice], said: str) -> set[Voice]:
    """The voices whose name (or "speaker N" when unnamed) is `said`, compared as words."""
    wanted = normalize(said)
    return {voice for voice in voices if normalize(name_of(names, voice)) == wanted}


def voice_at(words: TimelineWords, index: int) -> Voice | None:
    """Who says word `index`, or None when unknown."""
    number = words.speakers[index]
    if number is None:
        return None
    return words.sources[words.clips[index]], number


def voices_on(words: TimelineWords) -> set[Voice]:
    return {voice for index in range(len(words)) if (voice := voice_at(words, index))}


def turns(words: TimelineWords) -> list[tuple[range, Voice | None]]:
    """The timeline's words as runs by one speaker, in order; words of unknown speaker join
    the run they are in (or start the timeline's first run, of speaker None)."""
    found: list[tuple[range, Voice | None]] = []
    first, current = 0, None
    for index in range(len(words)):
        voice = voice_at(words, index)
        if voice is None or voice == current:
            continue
        if index > first:
            found.append((range(first, index), current))
        first, current = index, voice
    if len(words):
        found.append((range(first, len(words)), current))
    return [(run, voice) for run, voice in found if len(run)]


def turn_at(words: TimelineWords, index: int) -> tuple[range, Voice | None]:
    """The turn holding word `index`."""
    for run, voice in turns(words):
        if index in run:
            return run, voice
    raise IndexError(index)
