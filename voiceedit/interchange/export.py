"""`export_timeline`: the edit written for another editor, as captions, or as a transcript.

The format comes from the file's suffix or is named. Timelines go through OpenTimelineIO
(`.otio`; `.xml` by otio-fcp-adapter and `.edl` by otio-cmx3600-adapter, each with the fixes
in its module);
`.fcpxml` and `.mlt` are written by their own modules because the adapters get rates and
profiles wrong; `.srt`, `.vtt`, `.txt` and `.md` come from the words the edit keeps.

Two promises: an export never replaces a source file, and never replaces any existing file
unless forced (`--force`, or a spoken yes). The file is written to a temporary name and
renamed, so a failed export leaves nothing half-written.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import opentimelineio as otio

from voiceedit.errors import VoiceEditError
from voiceedit.interchange import captions, transcript_text
from voiceedit.interchange.edl import write_edl
from voiceedit.interchange.fcp7 import write_fcp7_xml
from voiceedit.interchange.fcpxml import write_fcpxml
from voiceedit.interchange.mlt import write_mlt
from voiceedit.interchange.otio_convert import frame_ranges, to_otio
from voiceedit.media.probe import MediaInfo
from voiceedit.project import Project
from voiceedit.spoken_time import say_count, say_time
from voiceedit.timeline.model import Timeline
from voiceedit.timeline.transcript import Transcript
from voiceedit.timeline.words import TimelineWord


@dataclass(frozen=True)
class Edit:
    """What every writer reads: the timeline, its sources' details and their transcripts."""

    timeline: Timeline
    sources: Mapping[str, MediaInfo]
    transcripts: Mapping[str, Transcript]
    title: str


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
            f"Exported {say_count(self.count, self.noun)}, {say_time(self.duration)}, "
            f"to {self.path.name}."
        )


def _timeline_writer(write: Callable[[Timeline, Mapping[str, MediaInfo], str], str]):
    def written(edit: Edit) -> Written:
        count = len(frame_ranges(edit.timeline, edit.sources))
        if count == 0:
            raise VoiceEditError("Every clip is shorter than a frame; there is nothing to export.")
        return Written(write(edit.timeline, edit.sources, edit.title), count, "clip")

    return written


def _write_otio(timeline: Timeline, sources: Mapping[str, MediaInfo], title: str) -> str:
    return otio.adapters.write_to_string(to_otio(timeline, sources, title), "otio_json")


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
    "edl": Format(".edl", "CMX 3600 edit decision list", _timeline_writer(write_edl)),
    "xml": Format(".xml", "Final Cut Pro 7 XML, for Premiere and Resolve",
                  _timeline_writer(write_fcp7_xml)),
    "fcpxml": Format(".fcpxml", "Final Cut Pro X XML", _timeline_writer(write_fcpxml)),
    "mlt": Format(".mlt", "MLT XML, for Shotcut, Kdenlive and melt", _timeline_writer(write_mlt)),
    "srt": Format(".srt", "SubRip captions", _captions(captions.write_srt)),
    "vtt": Format(".vtt", "WebVTT captions", _captions(captions.write_vtt)),
    "txt": Format(".txt", "the transcript as plain text", _transcript(markdown=False)),
    "md": Format(".md", "the transcript as Markdown", _transcript(markdown=True)),
}
# Other names people use for the same formats, spoken or typed.
ALIASES = {
    "opentimelineio": "otio", "opentimeline": "otio", "cmx": "edl", "cmx3600": "edl",
    "editdecisionlist": "edl", "fcp": "xml", "fcp7": "xml", "finalcut7": "xml",
    "finalcutseven": "xml", "premiere": "xml", "premierepro": "xml", "resolve": "xml",
    "davinci": "xml", "davinciresolve": "xml", "fcpx": "fcpxml", "finalcut": "fcpxml",
    "finalcutpro": "fcpxml", "kdenlive": "mlt", "shotcut": "mlt", "subrip": "srt",
    "subtitles": "srt", "captions": "srt", "webvtt": "vtt", "text": "txt", "plaintext": "txt",
    "transcript": "txt", "markdown": "md",
}


def format_names() -> str:
    return ", ".join(FORMATS)


def find_format(name: str) -> Format:
    """A format by suffix or name, however it was typed or heard ("EDL", ".edl", "Final Cut")."""
    key = "".join(ch for ch in name.lower() if ch.isalnum())
    key = ALIASES.get(key, key)
    if key not in FORMATS:
        raise VoiceEditError(f"I can't export {name}; I can export {format_names()}.")
    return FORMATS[key]


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


def check_target(path: Path, protected: list[str], force: bool) -> None:
    """Refuse to write over a source (ever) or an existing file (unless forced)."""
    for source in protected:
        if _same_file(path, Path(source)):
            raise VoiceEditError(
                f"{path.name} is one of the project's own files; I never write over it. "
                "Choose another name."
            )
    if not path.parent.is_dir():
        raise VoiceEditError(f"The folder {path.parent} doesn't exist.")
    if path.is_dir():
        raise VoiceEditError(f"{path.name} is a folder; give a file name to export to.")
    if path.exists() and not force:
        raise VoiceEditError(f"{path.name} already exists; use --force to replace it.")


def _same_file(a: Path, b: Path) -> bool:
    if a.exists() and b.exists():
        return os.path.samefile(a, b)
    return a.resolve() == b.resolve()


def write_atomically(path: Path, text: str) -> None:
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as file:
            file.write(text)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def edit_of(project: Project, title: str) -> Edit:
    return Edit(
        timeline=project.timeline,
        sources={s.path: s.media for s in project.sources},
        transcripts={s.path: s.transcript for s in project.sources if s.transcript.words},
        title=title,
    )


def export_timeline(
    project: Project,
    output: Path,
    format: str | None = None,
    force: bool = False,
    project_path: Path | None = None,
) -> ExportResult:
    """Write the project's edit to `output` in the named format, or the one its suffix says.
    `project_path` names the project file: never written over, and its name is the title."""
    chosen = format_for(Path(output), format)
    path = output_path(Path(output), chosen)
    protected = [s.path for s in project.sources] + [c.source for c in project.timeline.clips]
    check_target(path, protected + ([str(project_path)] if project_path else []), force)
    if not project.timeline.clips:
        raise VoiceEditError("The timeline is empty; there is nothing to export.")
    title = Path(project_path).stem if project_path else path.stem
    written = chosen.write(edit_of(project, title))
    write_atomically(path, written.text)
    return ExportResult(path, chosen, written.count, written.noun, project.timeline.duration)
