"""Nothing lost, nothing overwritten (issue 15) for timelines coming in and going out.

Each bad file is written by the test and given to the real command line, as a user would:
`voiceedit new P --from FILE` or `voiceedit export P -o OUT`. Every refusal is one plain
sentence on stderr, exit status 1, no traceback, no project made, and every file already
there byte-identical afterwards.
"""

from __future__ import annotations

import errno
import json
import os
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import run_voiceedit
from read_only import read_only

from voiceedit.errors import VoiceEditError
from voiceedit.interchange import export_timeline, import_timeline
from voiceedit.interchange.untrusted import MAX_BYTES, MAX_DEPTH, check_xml, checked_json
from voiceedit.media import outputs
from voiceedit.media.probe import MediaInfo, probe
from voiceedit.project import Project, Source, save_project
from voiceedit.timeline.model import Clip, Timeline
from voiceedit.timeline.transcript import Transcript

DEEP = 40_000  # the nesting that crashed OpenTimelineIO's reader (exit 139)


def make_media(path: Path, rate: int, seconds: int) -> Path:
    subprocess.run(
        ["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i",
         f"color=c=black:s=160x90:r={rate}:d={seconds}", "-f", "lavfi", "-i",
         f"sine=d={seconds}", "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p",
         "-c:a", "aac", "-shortest", str(path)],
        check=True,
    )
    return path


@pytest.fixture(scope="session")
def media_bytes(tmp_path_factory) -> dict[str, bytes]:
    """Two different files, to be copied under the same name into different folders."""
    folder = tmp_path_factory.mktemp("reliability-media")
    return {
        "long": make_media(folder / "long.mp4", 25, 3).read_bytes(),
        "short": make_media(folder / "short.mp4", 30, 2).read_bytes(),
    }


def media_in(folder: Path, media_bytes: dict[str, bytes], name: str = "clip.mp4",
             which: str = "long") -> MediaInfo:
    (folder / name).write_bytes(media_bytes[which])
    return probe(folder / name)


def exported(folder: Path, info: MediaInfo, fmt: str) -> Path:
    """The cut (0.2 s to 1.8 s of `info`) exported as `fmt` into `folder`."""
    timeline = Timeline((Clip(info.path, 200, 1800),))
    return export_timeline(timeline, {info.path: info}, {}, folder / f"cut.{fmt}").path


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def refused(folder: Path, *args: str) -> str:
    """Run the CLI; it must refuse in one sentence and leave every file in `folder` as it was
    (so no project either). Returns the sentence."""
    before = snapshot(folder)
    done = run_voiceedit(*args, timeout=60)
    assert "Traceback" not in done.stdout + done.stderr
    assert done.returncode == 1, done.stderr
    assert done.stdout == ""
    lines = done.stderr.splitlines()
    assert len(lines) == 1 and lines[0].endswith((".", "?")), done.stderr
    assert snapshot(folder) == before
    return lines[0]


def refused_import(folder: Path, timeline_file: Path) -> str:
    project = folder / "p.voiceedit"
    sentence = refused(folder, "new", str(project), "--from", str(timeline_file))
    assert not project.exists()
    return sentence


# --- 1. every time and rate checked as it is read -------------------------------------------

FCPXML_CASES = {
    "zero frame duration": (('frameDuration="1/25s"', 'frameDuration="0s"'),
                            'frameDuration="0s"'),
    "negative start": (('start="1/5s"', 'start="-1/5s"'), 'start="-1/5s"'),
    "huge duration": (('duration="8/5s" />', 'duration="1e999s" />'), 'duration="1e999s"'),
    "huge offset": (('offset="0s"', 'offset="1e999s"'), 'offset="1e999s"'),
    "negative offset": (('offset="0s"', 'offset="-3s"'), 'offset="-3s"'),
    "not a number": (('start="1/5s"', 'start="NaNs"'), 'start="NaNs"'),
    "zero denominator": (('start="1/5s"', 'start="1/0s"'), 'start="1/0s"'),
}


@pytest.mark.parametrize("case", FCPXML_CASES)
def test_fcpxml_times_and_rates_that_cannot_be(case, tmp_path, media_bytes):
    (old, new), shown = FCPXML_CASES[case]
    fcpxml = exported(tmp_path, media_in(tmp_path, media_bytes), "fcpxml")
    text = fcpxml.read_text(encoding="utf-8")
    assert old in text
    fcpxml.write_text(text.replace(old, new, 1), encoding="utf-8")
    assert refused_import(tmp_path, fcpxml) == f"cut.fcpxml has a time I can't use: {shown}."


def test_fcp7_timebase_zero(tmp_path, media_bytes):
    xml = exported(tmp_path, media_in(tmp_path, media_bytes), "xml")
    xml.write_text(xml.read_text(encoding="utf-8").replace(
        "<timebase>25</timebase>", "<timebase>0</timebase>"), encoding="utf-8")
    assert refused_import(tmp_path, xml) == (
        "cut.xml has a frame rate I can't use: <timebase>0</timebase>.")


def first_clip(document: dict) -> dict:
    return document["tracks"]["children"][0]["children"][0]


@pytest.mark.parametrize("rate", [0, -25])
def test_otio_clip_rate_that_cannot_be(rate, tmp_path, media_bytes):
    otio_file = exported(tmp_path, media_in(tmp_path, media_bytes), "otio")
    document = json.loads(otio_file.read_text(encoding="utf-8"))
    first_clip(document)["source_range"]["start_time"]["rate"] = rate
    otio_file.write_text(json.dumps(document), encoding="utf-8")
    assert refused_import(tmp_path, otio_file) == (
        f"cut.otio, clip 1, has a time I can't use: 5 frames at {rate} per second.")


def test_otio_clip_without_a_length_or_with_a_negative_one(tmp_path, media_bytes):
    otio_file = exported(tmp_path, media_in(tmp_path, media_bytes), "otio")
    document = json.loads(otio_file.read_text(encoding="utf-8"))
    for track in document["tracks"]["children"]:  # both, or the other is the main track
        track["children"][0]["source_range"]["duration"]["value"] = -10
    otio_file.write_text(json.dumps(document), encoding="utf-8")
    assert refused_import(tmp_path, otio_file) == "cut.otio, clip 1, has a negative duration."
    for track in document["tracks"]["children"]:
        track["children"][0]["source_range"] = None
        for reference in track["children"][0]["media_references"].values():
            reference["available_range"] = None
    otio_file.write_text(json.dumps(document), encoding="utf-8")
    assert refused_import(tmp_path, otio_file) == (
        "cut.otio has a clip without a length: neither it nor its media gives one.")


@pytest.mark.parametrize("number", ["NaN", "Infinity", "1e999", "9" * 400])
def test_otio_numbers_that_cannot_be(number, tmp_path, media_bytes):
    otio_file = exported(tmp_path, media_in(tmp_path, media_bytes), "otio")
    text = otio_file.read_text(encoding="utf-8")
    assert '"value": 5.0' in text
    otio_file.write_text(text.replace('"value": 5.0', f'"value": {number}', 1),
                         encoding="utf-8")
    shown = number if len(number) <= 24 else number[:24] + "…"
    assert refused_import(tmp_path, otio_file) == f"cut.otio has a number I can't use: {shown}."


def test_clip_before_the_start_of_its_media(tmp_path, media_bytes):
    """An FCPXML clip starting before its asset does: each time is fine, the clip is not."""
    fcpxml = exported(tmp_path, media_in(tmp_path, media_bytes), "fcpxml")
    text = fcpxml.read_text(encoding="utf-8").replace('start="0s"', 'start="1s"', 1)
    fcpxml.write_text(text, encoding="utf-8")
    assert refused_import(tmp_path, fcpxml) == (
        "Clip 1 starts before the beginning of clip.mp4; is it the right file?")


# --- encodings: by the declaration or byte-order mark, else one sentence ----------------------


def accented_fcpxml(folder: Path, media_bytes: dict[str, bytes]) -> str:
    """An FCPXML naming its media "café.mp4" relative to itself, so decoding matters."""
    info = media_in(folder, media_bytes, "café.mp4")
    text = exported(folder, info, "fcpxml").read_text(encoding="utf-8")
    (folder / "cut.fcpxml").unlink()
    return text.replace(Path(info.path).as_uri(), "café.mp4")


@pytest.mark.parametrize("encoding", ["UTF-16", "ISO-8859-1", "UTF-8"])
def test_fcpxml_read_in_the_encoding_it_declares(encoding, tmp_path, media_bytes):
    text = accented_fcpxml(tmp_path, media_bytes)
    declared = text.replace('encoding="UTF-8"', f'encoding="{encoding}"')
    (tmp_path / "cut.fcpxml").write_bytes(declared.encode(encoding.lower()))  # UTF-16: BOM
    timeline, sources = import_timeline(tmp_path / "cut.fcpxml")
    assert list(sources) == [str((tmp_path / "café.mp4").resolve())]
    assert [(c.source_in, c.source_out) for c in timeline.clips] == [(200, 1800)]


@pytest.mark.parametrize("declaration", ["kept", "removed"])
def test_fcpxml_not_in_the_encoding_it_claims(declaration, tmp_path, media_bytes):
    text = accented_fcpxml(tmp_path, media_bytes)
    if declaration == "removed":
        text = text.replace('<?xml version="1.0" encoding="UTF-8"?>\n', "")
    (tmp_path / "cut.fcpxml").write_bytes(text.encode("latin-1"))
    expected = {
        "kept": "cut.fcpxml says it is UTF-8 but is not; save it again as UTF-8.",
        "removed": "cut.fcpxml is not UTF-8 and does not say its encoding; save it as UTF-8.",
    }
    assert refused_import(tmp_path, tmp_path / "cut.fcpxml") == expected[declaration]


def test_otio_that_is_not_utf8(tmp_path, media_bytes):
    otio_file = exported(tmp_path, media_in(tmp_path, media_bytes), "otio")
    otio_file.write_bytes(otio_file.read_text(encoding="utf-8").encode("utf-16"))
    assert refused_import(tmp_path, otio_file) == (
        "cut.otio is not UTF-8 text, as OpenTimelineIO files are.")


# --- 2. nesting and size bounded before any parser --------------------------------------------

DEEP_FILES: dict[str, Callable[[], str]] = {
    "objects.otio": lambda: '{"a":' * DEEP + "1" + "}" * DEEP,
    "lists.otio": lambda: "[" * DEEP + "]" * DEEP,
    "deep.xml": lambda: "<xmeml>" + "<a>" * DEEP + "</a>" * DEEP + "</xmeml>",
    "deep.fcpxml": lambda: "<fcpxml>" + "<a>" * DEEP + "</a>" * DEEP + "</fcpxml>",
}


@pytest.mark.parametrize("name", DEEP_FILES)
def test_deeply_nested_timelines(name, tmp_path):
    (tmp_path / name).write_text(DEEP_FILES[name](), encoding="utf-8")
    assert refused_import(tmp_path, tmp_path / name) == (
        f"{name} is nested more than {MAX_DEPTH} levels deep, far deeper than any timeline; "
        "I don't read it.")


@pytest.mark.parametrize("name", ["big.otio", "big.xml", "big.fcpxml", "big.edl"])
def test_oversized_timelines(name, tmp_path):
    with (tmp_path / name).open("wb") as handle:
        handle.truncate(MAX_BYTES + 1)  # sparse: no disk used
    assert refused_import(tmp_path, tmp_path / name) == (
        f"{name} is over 50 MB, far larger than any timeline; I don't read it.")


def test_nesting_within_the_limit_is_read():
    nested = "[" * MAX_DEPTH + "]" * MAX_DEPTH
    assert checked_json(nested.encode(), "ok.otio") == nested
    check_xml(("<a>" * MAX_DEPTH + "</a>" * MAX_DEPTH).encode(), "ok.xml")
    with pytest.raises(VoiceEditError, match="nested more than"):
        checked_json(b"[" + nested.encode() + b"]", "deep.otio")


def laughs(root: str) -> str:
    entities = ['<!ENTITY a "aaaaaaaaaa">'] + [
        f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(9)]
    return f'<?xml version="1.0"?><!DOCTYPE {root} [{"".join(entities)}]><{root}>&j;</{root}>'


def xxe(root: str) -> str:
    return (f'<?xml version="1.0"?><!DOCTYPE {root} [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            f"<{root}>&x;</{root}>")


@pytest.mark.parametrize("suffix,root", [(".fcpxml", "fcpxml"), (".xml", "xmeml")])
@pytest.mark.parametrize("payload", [laughs, xxe])
def test_xml_entities_are_refused(payload, suffix, root, tmp_path):
    timeline_file = tmp_path / f"evil{suffix}"
    timeline_file.write_text(payload(root), encoding="utf-8")
    sentence = refused_import(tmp_path, timeline_file)
    assert sentence.startswith(f"evil{suffix} declares the XML entity ")
    assert sentence.endswith("; timelines never need one, and I don't read files that do.")


# --- 3. relative media next to the timeline, never in the current directory -------------------


@pytest.mark.parametrize("fmt", ["edl", "otio", "fcpxml", "xml"])
def test_relative_media_is_found_next_to_the_timeline_not_in_the_cwd(
    fmt, tmp_path, media_bytes, monkeypatch
):
    edits, elsewhere = tmp_path / "edits", tmp_path / "cwd"
    edits.mkdir()
    elsewhere.mkdir()
    info = media_in(edits, media_bytes, which="long")
    media_in(elsewhere, media_bytes, which="short")  # same name, another file
    timeline_file = exported(edits, info, fmt)
    text = timeline_file.read_text(encoding="utf-8")
    text = text.replace(Path(info.path).as_uri(), "clip.mp4").replace(info.path, "clip.mp4")
    assert str(edits) not in text  # only the relative name is left
    timeline_file.write_text(text, encoding="utf-8")
    monkeypatch.chdir(elsewhere)
    timeline, sources = import_timeline(timeline_file)
    assert list(sources) == [str((edits / "clip.mp4").resolve())]
    assert sources[info.path].duration == info.duration
    assert [(c.source, c.source_in, c.source_out) for c in timeline.clips] == [
        (info.path, 200, 1800)]


# --- 4 and 5. exports: one sentence when the folder refuses, atomic, never over a file ---------


@pytest.fixture
def saved_project(tmp_path, media_bytes) -> Path:
    info = media_in(tmp_path, media_bytes)
    project = Project(sources=(Source(info, Transcript(info.path, info.duration, ())),),
                      timeline=Timeline((Clip(info.path, 200, 1800),)))
    save_project(tmp_path / "p.voiceedit", project)
    return tmp_path / "p.voiceedit"


@pytest.mark.parametrize("existing", [False, True])
def test_export_into_a_folder_that_cannot_be_written(existing, saved_project, tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir()
    if existing:
        (locked / "cut.edl").write_text("an earlier export, kept")
    with read_only(locked):
        sentence = refused(tmp_path, "export", str(saved_project), "-o",
                           str(locked / "cut.edl"), *(["--force"] if existing else []))
    assert sentence == (f"I can't write in the folder {locked}: permission denied. Nothing was "
                        "written.")  # the one output policy's sentence (media/outputs.py)


def test_export_is_written_whole_or_not_at_all(saved_project, tmp_path, monkeypatch):
    """The text goes to a temporary file in the target folder and is renamed over the
    target; a failed rename leaves the old file byte-identical and no temporary behind."""
    target = tmp_path / "cut.edl"
    target.write_text("an earlier export, kept")
    before = snapshot(tmp_path)
    renames = []

    def full_disk(source: str, destination: Path) -> None:
        renames.append((Path(source), Path(destination)))
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(outputs.os, "replace", full_disk)
    info = probe(tmp_path / "clip.mp4")
    with pytest.raises(VoiceEditError) as error:
        export_timeline(Timeline((Clip(info.path, 200, 1800),)), {info.path: info}, {},
                        target, force=True)
    assert str(error.value) == (f"I can't write in the folder {tmp_path}: no space left on "
                                "device. Nothing was written.")
    [(temporary, destination)] = renames
    assert temporary.parent == tmp_path and destination == target
    assert snapshot(tmp_path) == before


def test_export_never_replaces_a_file_without_force(saved_project, tmp_path):
    (tmp_path / "cut.otio").write_text("someone's own timeline")
    sentence = refused(tmp_path, "export", str(saved_project), "-o", str(tmp_path / "cut.otio"))
    assert sentence == "cut.otio already exists; use --force to replace it."


def test_import_refusals_leave_a_copy_of_the_folder_alone(tmp_path, media_bytes):
    """The whole folder, media included, is compared byte for byte by `refused`; this also
    checks nothing is made when the project would go elsewhere."""
    other = tmp_path / "projects"
    other.mkdir()
    fcpxml = exported(tmp_path, media_in(tmp_path, media_bytes), "fcpxml")
    fcpxml.write_text(fcpxml.read_text(encoding="utf-8").replace(
        'frameDuration="1/25s"', 'frameDuration="0s"'), encoding="utf-8")
    sentence = refused(tmp_path, "new", str(other / "p.voiceedit"), "--from", str(fcpxml))
    assert sentence == "cut.fcpxml has a time I can't use: frameDuration=\"0s\"."
    assert list(other.iterdir()) == []
