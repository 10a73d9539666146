"""The project's data: its sources (media and transcripts), the edited timeline, the undo
history, corrections to the transcripts' words, and the session's place (playhead,
selection, verbosity, a waiting question).

A project references its sources by absolute path and never copies or changes them; a
transcript stays as it was heard, and `transcript_of` gives it with the corrections.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from voiceedit.media.probe import MediaInfo, probe
from voiceedit.picture.shots import Picture
from voiceedit.timeline.corrections import Correction, corrected
from voiceedit.timeline.history import History
from voiceedit.timeline.layers import Layers
from voiceedit.timeline.model import Clip, Timeline
from voiceedit.timeline.quote_match import QuoteMatch
from voiceedit.timeline.transcript import Transcript
from voiceedit.understand.command import Command


@dataclass(frozen=True)
class Source:
    media: MediaInfo
    transcript: Transcript
    picture: Picture | None = None  # its shots; None without video, or added before shots

    @property
    def path(self) -> str:
        return self.media.path


@dataclass(frozen=True)
class Pending:
    """A question the session asked and is waiting on.

    "confirm": run `command` on yes. "choice": run `command` with `slot` set to the chosen
    one of `choices` (quote matches on the current timeline; any edit clears the question).
    "meaning": run the chosen one of `command` and `meanings` (what else the speech may have
    meant), `command` on yes.
    """

    kind: str  # "confirm" | "choice" | "meaning"
    command: Command
    slot: str = ""
    choices: tuple[QuoteMatch, ...] = ()
    meanings: tuple[Command, ...] = ()


@dataclass(frozen=True)
class Project:
    sources: tuple[Source, ...]
    timeline: Timeline
    history: History = field(default_factory=History)
    playhead: int = 0  # ms
    selection: tuple[int, int] | None = None  # [start, end) ms
    verbosity: str = "normal"
    last_answer: str = ""
    last_action: str = ""  # for "asked twice -> full detail"
    pending: Pending | None = None
    corrections: tuple[Correction, ...] = ()  # in the order made (timeline/corrections.py)
    layers: Layers = field(default_factory=Layers)  # chapters, markers... (timeline/layers.py)

    @classmethod
    def start(cls, sources: tuple[Source, ...]) -> Project:
        """A new project: the timeline is each source whole, in the order given."""
        clips = tuple(Clip(s.path, 0, s.media.duration) for s in sources)
        return cls(sources=sources, timeline=Timeline(clips))

    def source(self, path: str) -> Source | None:
        return next((s for s in self.sources if s.path == path), None)

    @property
    def pictures(self) -> dict[str, Picture]:
        """Each source's shots by path, for the sources that have them."""
        return {s.path: s.picture for s in self.sources if s.picture is not None}

    def corrections_of(self, path: str) -> tuple[Correction, ...]:
        return tuple(c for c in self.corrections if c.source == path)

    def transcript_of(self, source: Source) -> Transcript:
        """The source's transcript with the words corrected: what quotes, captions and
        exports use."""
        return corrected(source.transcript, self.corrections_of(source.path))

    def with_source(self, source: Source) -> Project:
        if self.source(source.path) is not None:
            return self
        return replace(self, sources=self.sources + (source,))


def verbosity_levels() -> tuple[str, ...]:
    """How much answers say, least first: the values of the grammar's levels list."""
    from voiceedit.understand.grammar import load_grammar

    values = [entry.value for entry in load_grammar().word_list("levels").entries]
    return tuple(dict.fromkeys(values))


def make_source(path: str | Path, model: str = "tiny.en",
                progress: Callable[[float], None] | None = None,
                picture: bool = True, speakers: bool = True) -> Source:
    """Probe and transcribe one media file, find who speaks each word, then analyse its
    picture when it has video (each cached by content). `progress` hears the jobs as one,
    transcription first."""
    media = probe(path)
    both = media.has_audio and media.has_video and picture
    sound = 0.5 if both else 1.0  # the share of the whole that the sound's two jobs take
    hearing = _part(progress, 0.0, sound * (0.8 if speakers else 1.0))
    voices = _part(progress, sound * 0.8, sound * 0.2)
    looking = _part(progress, 0.5 if both else 0.0, 0.5 if both else 1.0)
    if media.has_audio:
        from voiceedit.hear.transcribe import transcribe  # heavy: loads Whisper only if needed

        transcript = transcribe(media.path, model=model, progress=hearing)
        if speakers:
            from voiceedit.hear.diarize import with_speakers  # loads torch

            transcript = with_speakers(transcript, progress=voices)
    else:
        transcript = Transcript(media.path, media.duration, ())
    shots = None
    if media.has_video and picture:
        from voiceedit.picture.analyse import analyse_picture  # loads OpenCV and the OCR

        shots = analyse_picture(media, progress=looking)
    return Source(media, transcript, shots)


def _part(progress: Callable[[float], None] | None, offset: float,
          share: float) -> Callable[[float], None] | None:
    """A job's own 0..1 progress as its share of the whole."""
    if progress is None:
        return None
    return lambda done: progress(offset + share * done)
