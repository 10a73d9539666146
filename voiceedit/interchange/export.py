"""`export_timeline`: the edit written for another editor, as captions, or as a transcript.

The format comes from the file's suffix or is named. Timelines go through OpenTimelineIO
(`.otio`; `.xml` by otio-fcp-adapter and `.edl` by otio-cmx3600-adapter, each with the fixes
in its module);
`.fcpxml` and `.mlt` are written by their own modules because the adapters get rates and
profiles wrong; `.srt`, `.vtt`, `.txt` and `.md` come from the words the edit keeps.

Chapters, markers, shots and picture problems (`Edit.marks`, timeline/marks.py) go into
the OTIO, EDL and FCPXML exports as markers; `.chapters.txt` is the chapter list for a
video description (chapter_list.py).

An export follows the output policy of media/outputs.py: it never replaces a source file or
the project file, never replaces any other existing file unless forced (`--force`, or a
spoken yes), and a failed export leaves nothing half-written: the text is written under a
temporary name in the target folder and renamed over the target only once complete. A
folder we may not write in is said in one sentence, like every other refusal.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import opentimelineio as otio

from voiceedit.errors import VoiceEditError
from voiceedit.interchange import captions, transcript_text
from voiceedit.interchange.chapter_list import chapter_list_note, write_chapter_list
from voiceedit.interchange.descriptions import description_cues, write_descriptions_vtt
from voiceedit.interchange.edl import write_edl
from voiceedit.interchange.fcp7 import write_fcp7_xml
from voiceedit.interchange.fcpxml import write_fcpxml
from voiceedit.interchange.mlt import write_mlt
from voiceedit.interchange.otio_convert import frame_ranges, to_otio
from voiceedit.media.outputs import cannot_write, check_output, write_text_atomically
from voiceedit.media.probe import MediaInfo
from voiceedit.spoken_time import print_count, print_time
from voiceedit.timeline.cutaways import CutawayPiece
from voiceedit.timeline.layers import Layers
from voiceedit.timeline.marks import Mark, chapters_of
from voiceedit.timeline.model import Timeline
from voiceedit.timeline.speaker_names import SpeakerName
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
    marks: tuple[Mark, ...] = ()  # chapters, markers, shots, problems, in timeline ms
    speakers: tuple[SpeakerName, ...] | None = None  # the names; None: speakers not shown
    clip_names: tuple[str, ...] = ()  # by clip: its one speaker's name, or "" (the file's)
    layers: Layers = field(default_factory=Layers)  # what lies over the clips


@dataclass(frozen=True)
class Written:
    text: str
    count: int  # of the format's items: clips, captions, paragraphs
    noun: str
    note: str = ""  # one more sentence for the answer: what the reader of the file will miss


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
    note: str = ""

    @property
    def message(self) -> str:
        """ "Exported five clips, forty-one seconds, to interview.edl." """
        said = (f"Exported {print_count(self.count, self.noun)}, {print_time(self.duration)}, "
                f"to {self.path.name}.")
        return f"{said} {self.note}" if self.note else said


def _timeline_writer(write: Callable[..., str], tracks: bool = True, marks: bool = False):
    """`tracks`: the format takes a second video track, and the cutaways go on it.
    `marks`: the writer takes the edit's marks (`marks=`) and writes them as markers.
    Every timeline writer takes the clips' names (`clip_names=`: their speakers)."""

    def written(edit: Edit) -> Written:
        count = len(frame_ranges(edit.timeline, edit.sources))
        if count == 0:
            raise VoiceEditError("Every clip is shorter than a frame; there is nothing to export.")
        more: dict[str, object] = {"cutaways": edit.cutaways} if tracks and edit.cutaways else {}
        if marks:
            more["marks"] = edit.marks
        text = write(edit.timeline, edit.sources, edit.title, clip_names=edit.clip_names,
                     **more)
        return Written(text, count, "clip")

    return written


def _write_otio(timeline: Timeline, sources: Mapping[str, MediaInfo], title: str,
                cutaways: tuple[CutawayPiece, ...] = (), marks: Sequence[Mark] = (),
                clip_names: Sequence[str] = ()) -> str:
    document = to_otio(timeline, sources, title, cutaways=cutaways, marks=marks,
                       clip_names=clip_names)
    return otio.adapters.write_to_string(document, "otio_json")


def _chapter_list(edit: Edit) -> Written:
    chapters = chapters_of(edit.marks)
    note = chapter_list_note(edit.marks, edit.timeline.duration)
    if not chapters:
        raise VoiceEditError(f"{note[:1].upper()}{note[1:]}")
    return Written(write_chapter_list(chapters), len(chapters), "chapter", note)


def speaker_clip_names(timeline: Timeline, transcripts: Iterable[Transcript],
                       names: tuple[SpeakerName, ...] | None) -> tuple[str, ...]:
    """Each clip's name when all its words are one speaker's ("Anna"), else "" (the file's
    name is used); all "" when the edit's speakers are not named in captions either."""
    if names is None:
        return ()
    words = captions.kept_words(timeline, transcripts)
    labels = captions.speaker_labels(words, names)
    by_clip: dict[int, set[str]] = {}
    for word, label in zip(words, labels, strict=True):
        by_clip.setdefault(word.clip, set()).add(label)
    return tuple(next(iter(found)) if len(found := by_clip.get(index, set())) == 1 else ""
                 for index in range(len(timeline.clips)))


def _words(edit: Edit) -> list[TimelineWord]:
    words = captions.kept_words(edit.timeline, edit.transcripts.values())
    if not words:
        raise VoiceEditError(
            "There are no transcribed words in this edit; transcribe the sources first."
        )
    return words


def _captions(write: Callable[[list[captions.Cue]], str]) -> Callable[[Edit], Written]:
    def written(edit: Edit) -> Written:
        cues = captions.caption_cues(_words(edit), edit.speakers)
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


def _descriptions(edit: Edit) -> Written:
    cues = description_cues(edit.timeline, edit.layers.descriptions)
    if not cues:
        raise VoiceEditError("There are no audio descriptions in this edit; say describe "
                             "here and the words first.")
    return Written(write_descriptions_vtt(cues), len(cues), "description")


FORMATS = {
    "otio": Format(".otio", "OpenTimelineIO", _timeline_writer(_write_otio, marks=True)),
    "edl": Format(".edl", "CMX 3600 edit decision list",
                  _timeline_writer(write_edl, tracks=False, marks=True)),
    "xml": Format(".xml", "Final Cut Pro 7 XML, for Premiere and Resolve",
                  _timeline_writer(write_fcp7_xml)),
    "fcpxml": Format(".fcpxml", "Final Cut Pro X XML",
                     _timeline_writer(write_fcpxml, marks=True)),
    "mlt": Format(".mlt", "MLT XML, for Shotcut, Kdenlive and melt", _timeline_writer(write_mlt)),
    "srt": Format(".srt", "SubRip captions", _captions(captions.write_srt)),
    "vtt": Format(".vtt", "WebVTT captions", _captions(captions.write_vtt)),
    "txt": Format(".txt", "the transcript as plain text", _transcript(markdown=False)),
    "md": Format(".md", "the transcript as Markdown", _transcript(markdown=True)),
    "chapters": Format(".chapters.txt", "the chapter list for a video description",
                       _chapter_list),
    "descriptions": Format(".descriptions.vtt", "WebVTT audio descriptions", _descriptions),
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
    if "".join(output.suffixes[-2:]).lower() == FORMATS["chapters"].suffix:
        key = "chapters"  # two suffixes: the chapter list, not the transcript
    if output.name.lower().endswith(FORMATS["descriptions"].suffix):
        key = "descriptions"
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
    marks: Sequence[Mark] = (),
    speakers: tuple[SpeakerName, ...] | None = None,
    layers: Layers | None = None,
) -> ExportResult:
    """Write the edit (`timeline` over `sources`, whose words are `transcripts`, both by
    source path) to `output` in the named format, or the one its suffix says.
    `project_path` names the project file: never written over, and its name is the title.
    `cutaways` (timeline/cutaways.py, flattened) go on a second video track. `marks`:
    chapters, markers, shots and problems on the timeline, for the formats that hold
    markers. `speakers`: the project's speaker names, to name speakers in captions and
    clips by. `layers`: the project's layers, for the formats written from them (the
    audio descriptions' WebVTT)."""
    chosen = format_for(Path(output), format)
    path = output_path(Path(output), chosen)
    protected = [*sources, *(clip.source for clip in timeline.clips)]
    check_output(path, protected + ([str(project_path)] if project_path else []), force,
                 verb="export")
    if not timeline.clips:
        raise VoiceEditError("The timeline is empty; there is nothing to export.")
    title = Path(project_path).stem if project_path else path.stem
    heard = {source: transcript for source, transcript in transcripts.items()
             if transcript.words}
    edit = Edit(timeline, sources, heard, title, cutaways=cutaways, marks=tuple(marks),
                speakers=speakers,
                clip_names=speaker_clip_names(timeline, heard.values(), speakers),
                layers=layers or Layers())
    written = chosen.write(edit)
    try:
        write_text_atomically(path, written.text, protected=protected, replace=force)
    except OSError as error:  # a read-only or full disk, a folder we may not write in
        raise cannot_write(path.parent, error) from None
    return ExportResult(path, chosen, written.count, written.noun, timeline.duration,
                        written.note)
