"""`export_timeline`: the edit written for another editor, as captions, or as a transcript.

The format comes from the file's suffix or is named. Timelines go through OpenTimelineIO
(`.otio`; `.xml` by otio-fcp-adapter and `.edl` by otio-cmx3600-adapter, each with the fixes
in its module);
`.fcpxml` and `.mlt` are written by their own modules because the adapters get rates and
profiles wrong; `.srt`, `.vtt`, `.txt` and `.md` come from the words the edit keeps.

An export follows the output policy of media/outputs.py: it never replaces a source file or
the project file, never replaces any other existing file unless forced (`--force`, or a
spoken yes), and a failed export leaves nothing half-written: the text is written under a
temporary name in the target folder and renamed over the target only once complete. A
folder we may not write in is said in one sentence, like every other refusal.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import opentimelineio as otio

from voiceedit.errors import VoiceEditError
from voiceedit.interchange import captions, transcript_text
from voiceedit.interchange.edl import write_edl
from voiceedit.interchange.fcp7 import write_fcp7_xml
from voiceedit.interchange.fcpxml import write_fcpxml
from voiceedit.interchange.mlt import write_mlt
from voiceedit.interchange.otio_convert import frame_ranges, to_otio
from voiceedit.media.outputs import cannot_write, check_output, write_text_atomically
from voiceedit.media.probe import MediaInfo
from voiceedit.spoken_time import print_count, print_time
from voiceedit.timeline.cutaways import CutawayPiece
from voiceedit.timeline.model import Timeline
from voiceedit.timeline.transcript import Transcript
from voiceedit.timeline.words import TimelineWord
from voiceedit.understand.grammar import load_grammar


@dataclass(frozen=True)
class Edit:
    """What every writer reads: the timeline, its sources' details and their transcripts."""

    timeline: Timeline
    sources: Mapping[str, MediaInfo]
    transcripts: Mapping[str, Transcript]
    title: str
    cutaways: tuple[CutawayPiece, ...] = ()  # flattened: a second video track where it can


@dataclass(frozen=True)
class Written:
    text: str
    count: int  # of the format's items: clips, captions, paragraphs
    noun: str


@dataclass(frozen=True)
class Format:
    suffix: str  # ".edl"
    description: str
    write: Callable[[Edit], Written]


@dataclass(frozen=True)
class ExportResult:
    path: Path
    format: Format
    count: int
    noun: str
    duration: int  # ms of the edited timeline

    @property
    def message(self) -> str:
        """ "Exported five clips, forty-one seconds, to interview.edl." """
        return (
            f"Exported {print_count(self.count, self.noun)}, {print_time(self.duration)}, "
            f"to {self.path.name}."
        )


def _timeline_writer(write: Callable[..., str], tracks: bool = True):
    """`tracks`: the format takes a second video track, and the cutaways go on it."""

    def written(edit: Edit) -> Written:
        count = len(frame_ranges(edit.timeline, edit.sources))
        if count == 0:
            raise VoiceEditError("Every clip is shorter than a frame; there is nothing to export.")
        more = {"cutaways": edit.cutaways} if tracks and edit.cutaways else {}
        return Written(write(edit.timeline, edit.sources, edit.title, **more), count, "clip")

    return written


def _write_otio(timeline: Timeline, sources: Mapping[str, MediaInfo], title: str,
                cutaways: tuple[CutawayPiece, ...] = ()) -> str:
    document = to_otio(timeline, sources, title, cutaways=cutaways)
    return otio.adapters.write_to_string(document, "otio_json")


def _words(edit: Edit) -> list[TimelineWord]:
    words = captions.kept_words(edit.timeline, edit.transcripts.values())
    if not words:
        raise VoiceEditError(
            "There are no transcribed words in this edit; transcribe the sources first."
        )
    return words


def _captions(write: Callable[[list[captions.Cue]], str]) -> Callable[[Edit], Written]:
    def written(edit: Edit) -> Written:
        cues = captions.caption_cues(_words(edit))
        return Written(write(cues), len(cues), "caption")

    return written


def _transcript(markdown: bool) -> Callable[[Edit], Written]:
    def written(edit: Edit) -> Written:
        words = _words(edit)
        count = len(transcript_text.paragraphs(words))
        text = (transcript_text.write_markdown(words, edit.title) if markdown
                else transcript_text.write_text(words))
        return Written(text, count, "paragraph")

    return written


FORMATS = {
    "otio": Format(".otio", "OpenTimelineIO", _timeline_writer(_write_otio)),
    "edl": Format(".edl", "CMX 3600 edit decision list", _timeline_writer(write_edl, False)),
    "xml": Format(".xml", "Final Cut Pro 7 XML, for Premiere and Resolve",
                  _timeline_writer(write_fcp7_xml)),
    "fcpxml": Format(".fcpxml", "Final Cut Pro X XML", _timeline_writer(write_fcpxml)),
    "mlt": Format(".mlt", "MLT XML, for Shotcut, Kdenlive and melt", _timeline_writer(write_mlt)),
    "srt": Format(".srt", "SubRip captions", _captions(captions.write_srt)),
    "vtt": Format(".vtt", "WebVTT captions", _captions(captions.write_vtt)),
    "txt": Format(".txt", "the transcript as plain text", _transcript(markdown=False)),
    "md": Format(".md", "the transcript as Markdown", _transcript(markdown=True)),
}
# Short names people type but do not say; what they say is grammars/lists/formats.list.
TYPED_ALIASES = {
    "cmx3600": "edl", "fcp": "xml", "fcp7": "xml", "finalcut7": "xml", "davinci": "xml",
    "fcpx": "fcpxml", "subrip": "srt",
}


def format_names() -> str:
    return ", ".join(FORMATS)


def find_format(name: str) -> Format:
    """A format by suffix or name, however it was typed or heard ("EDL", ".edl", "Final Cut")."""
    key = _squeezed(name)
    key = format_aliases().get(key, key)
    if key not in FORMATS:
        raise VoiceEditError(f"I can't export {name}; I can export {format_names()}.")
    return FORMATS[key]


@lru_cache(maxsize=1)
def format_aliases() -> dict[str, str]:
    """Every other name of a format, squeezed ("final cut seven" -> "finalcutseven")."""
    spoken = load_grammar().slot_list("format").entries
    return {**{_squeezed(entry.spoken): entry.value for entry in spoken}, **TYPED_ALIASES}


def _squeezed(name: str) -> str:
    return "".join(ch for ch in name.lower() if ch.isalnum())


def format_for(output: Path, name: str | None = None) -> Format:
    if name:
        return find_format(name)
    if not output.suffix:
        raise VoiceEditError(
            f"{output.name} has no suffix to tell me the format; add one, such as .edl, or "
            "name the format."
        )
    key = output.suffix.lower().lstrip(".")
    if key not in FORMATS:
        raise VoiceEditError(
            f"I can't export {output.suffix} files; I can export {format_names()}."
        )
    return FORMATS[key]


def output_path(output: Path, chosen: Format) -> Path:
    """The absolute output path; a name without a suffix gets the format's."""
    path = Path(output).expanduser()
    if not path.suffix:
        path = path.with_suffix(chosen.suffix)
    return path.absolute()


def export_timeline(
    timeline: Timeline,
    sources: Mapping[str, MediaInfo],
    transcripts: Mapping[str, Transcript],
    output: Path,
    format: str | None = None,
    force: bool = False,
    project_path: Path | None = None,
    cutaways: tuple[CutawayPiece, ...] = (),
) -> ExportResult:
    """Write the edit (`timeline` over `sources`, whose words are `transcripts`, both by
    source path) to `output` in the named format, or the one its suffix says.
    `project_path` names the project file: never written over, and its name is the title.
    `cutaways` (timeline/cutaways.py, flattened) go on a second video track."""
    chosen = format_for(Path(output), format)
    path = output_path(Path(output), chosen)
    protected = [*sources, *(clip.source for clip in timeline.clips)]
    check_output(path, protected + ([str(project_path)] if project_path else []), force,
                 verb="export")
    if not timeline.clips:
        raise VoiceEditError("The timeline is empty; there is nothing to export.")
    title = Path(project_path).stem if project_path else path.stem
    edit = Edit(timeline, sources, {source: transcript for source, transcript
                                    in transcripts.items() if transcript.words}, title,
                cutaways)
    written = chosen.write(edit)
    try:
        write_text_atomically(path, written.text, protected=protected, replace=force)
    except OSError as error:  # a read-only or full disk, a folder we may not write in
        raise cannot_write(path.parent, error) from None
    return ExportResult(path, chosen, written.count, written.noun, timeline.duration)
