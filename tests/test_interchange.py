"""Exports read back by the real readers: OpenTimelineIO and its adapters, melt, pysubs2,
webvtt-py; imports that bring the same clips back.

Sources are generated with ffmpeg at 25, 30, 29.97 and 23.976 fps (320x180, a few seconds),
in a folder whose name has a space and an accent. Each has a white flash frame and a beep
starting on the same frame once a second, so a render can be checked for sync.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from fractions import Fraction
from pathlib import Path
from xml.etree import ElementTree

import numpy as np
import opentimelineio as otio
import pysubs2
import pytest
import webvtt

from voiceedit.actions.state import EditorState
from voiceedit.dialogue import run_action
from voiceedit.errors import VoiceEditError
from voiceedit.interchange import ExportResult, export_timeline, import_timeline
from voiceedit.interchange.descriptions import write_descriptions_vtt
from voiceedit.interchange.edl import write_edl
from voiceedit.interchange.fcpxml import read_fcpxml
from voiceedit.interchange.otio_convert import standard_rate, to_frames, to_ms
from voiceedit.media.probe import MediaInfo, probe
from voiceedit.project import Project, Source, load_project, save_project
from voiceedit.timeline.model import Clip, Timeline
from voiceedit.timeline.transcript import Transcript, Word
from voiceedit.understand.command import Command

RATES = {
    "25": Fraction(25),
    "30": Fraction(30),
    "29.97": Fraction(30000, 1001),
    "23.976": Fraction(24000, 1001),
}
SECONDS = 4
# Kept source ranges (ms), deliberately off the frame grid; the flash at 1.5 s is cut out.
KEPT = ((310, 1450), (1980, 2730), (3120, 3890))
TIMELINE_FORMATS = ("otio", "edl", "xml", "fcpxml")


def flash_frames(rate: Fraction) -> list[int]:
    """One flash a second, half a second in."""
    return [int((k + Fraction(1, 2)) * rate) for k in range(SECONDS)]


def make_media(path: Path, rate: Fraction) -> Path:
    frames = flash_frames(rate)
    enable = "+".join(f"eq(n,{f})" for f in frames)
    beeps = "+".join(f"between(t,{float(f / rate):.6f},{float((f + 1) / rate):.6f})"
                     for f in frames)
    subprocess.run(
        ["ffmpeg", "-v", "error", "-y",
         "-f", "lavfi", "-i", f"color=c=black:s=320x180:r={rate}:d={SECONDS},"
         f"drawbox=x=0:y=0:w=iw:h=ih:color=white:t=fill:enable='{enable}'",
         "-f", "lavfi", "-i", f"aevalsrc='0.8*sin(2*PI*1000*t)*({beeps})':s=48000:d={SECONDS}",
         "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac",
         "-shortest", str(path)],
        check=True,
    )
    return path


@pytest.fixture(scope="session")
def footage(tmp_path_factory) -> dict[str, MediaInfo]:
    folder = tmp_path_factory.mktemp("interchange") / "my footage é"
    folder.mkdir()
    return {
        name: probe(make_media(folder / f"prise é {name}.mp4", rate))
        for name, rate in RATES.items()
    }


@pytest.fixture(scope="session")
def music(footage, tmp_path_factory) -> MediaInfo:
    path = Path(next(iter(footage.values())).path).parent / "musique d'ambiance.wav"
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i",
                    "sine=f=440:sample_rate=48000:d=3", str(path)], check=True)
    return probe(path)


def project_of(infos: list[MediaInfo], clips: list[Clip],
               transcripts: dict[str, Transcript] | None = None) -> Project:
    transcripts = transcripts or {}
    sources = tuple(
        Source(info, transcripts.get(info.path, Transcript(info.path, info.duration, ())))
        for info in infos
    )
    return Project(sources=sources, timeline=Timeline(tuple(clips)))


def kept_project(info: MediaInfo) -> Project:
    return project_of([info], [Clip(info.path, start, end) for start, end in KEPT])


def export(project: Project, output: Path, **options) -> ExportResult:
    """`export_timeline` given the project's parts, as the command line gives them."""
    return export_timeline(project.timeline, {s.path: s.media for s in project.sources},
                           {s.path: s.transcript for s in project.sources}, output, **options)


def expected_frames(rate: Fraction) -> list[tuple[int, int]]:
    """(first frame, frame count) of each kept range at `rate`."""
    return [(to_frames(s, rate), to_frames(e, rate) - to_frames(s, rate)) for s, e in KEPT]


def read_back(path: Path, rate: Fraction) -> otio.schema.Timeline:
    """The exported file as the OTIO adapters read it."""
    adapter = {".otio": "otio_json", ".edl": "cmx_3600", ".xml": "fcp_xml",
               ".fcpxml": "fcpx_xml"}[path.suffix]
    options = {"rate": float(rate)} if adapter == "cmx_3600" else {}
    document = otio.adapters.read_from_file(str(path), adapter, **options)
    if isinstance(document, otio.schema.SerializableCollection):
        document = next(iter(document.find_children(descended_from_type=otio.schema.Timeline)))
    return document


def clip_frames(track: otio.schema.Track) -> list[tuple[int, int]]:
    return [(round(c.source_range.start_time.value), round(c.source_range.duration.value))
            for c in track.find_clips()]


# --- every timeline format, read back by OpenTimelineIO and its adapters ------------------


@pytest.mark.parametrize("fmt", TIMELINE_FORMATS)
@pytest.mark.parametrize("rate_name", RATES)
def test_export_read_back_by_adapters(footage, tmp_path, fmt, rate_name):
    info, rate = footage[rate_name], RATES[rate_name]
    project = kept_project(info)
    result = export(project, tmp_path / f"cut {rate_name}.{fmt}")
    assert result.count == 3
    document = read_back(result.path, rate)
    tracks = list(document.tracks)
    # FCPXML's asset-clips carry picture and sound together: one track there.
    kinds = ["Video"] if fmt == "fcpxml" else ["Audio", "Video"]
    assert sorted(t.kind for t in tracks) == kinds
    if fmt == "fcpxml" and rate.denominator == 1001:
        # otio-fcpx-xml-adapter 1.0.0 reads 29.97 as 29 and 23.976 as 23 (int(rate)); it
        # still finds every clip and the length to within its coarser frames.
        for track in tracks:
            assert len(list(track.find_clips())) == 3
            assert track.duration().to_seconds() == pytest.approx(
                project.timeline.duration / 1000, abs=3 / 23)
        return
    expected = expected_frames(rate)
    total = sum(count for _, count in expected)
    for track in tracks:
        assert clip_frames(track) == expected
        assert track.duration().rate == pytest.approx(float(rate))
        assert round(track.duration().value) == total
    # Each clip edge moves at most half a frame onto the frame grid.
    assert abs(to_ms(total, rate) - project.timeline.duration) <= len(KEPT) * 1000 / rate
    for clip in document.find_clips():
        url = clip.media_reference.target_url
        path = otio.url_utils.filepath_from_url(url) if "://" in url else url
        assert Path(path) == Path(info.path)


def test_urls_are_percent_encoded_and_edl_paths_plain(footage, tmp_path):
    info = footage["25"]
    project = kept_project(info)
    xml = export(project, tmp_path / "cut.xml").path.read_text(encoding="utf-8")
    fcpxml = export(project, tmp_path / "cut.fcpxml").path.read_text(encoding="utf-8")
    edl = export(project, tmp_path / "cut.edl").path.read_text(encoding="utf-8")
    encoded = Path(info.path).as_uri()
    assert "%20" in encoded and "%C3%A9" in encoded
    assert f"<pathurl>{encoded}</pathurl>" in xml
    assert f'src="{encoded}"' in fcpxml
    assert f"* FROM CLIP: {info.path}\n" in edl


@pytest.mark.parametrize("rate_name", ["29.97", "25"])
def test_fcp7_sequence_has_the_source_size_and_rate(footage, tmp_path, rate_name):
    xml = export(kept_project(footage[rate_name]), tmp_path / "cut.xml").path
    sequence = ElementTree.parse(xml).find(".//sequence")
    characteristics = sequence.find("./media/video/format/samplecharacteristics")
    assert (characteristics.findtext("width"), characteristics.findtext("height")) == (
        "320", "180")
    timebase, ntsc = ("30", "TRUE") if rate_name == "29.97" else ("25", "FALSE")
    for rate in (characteristics.find("rate"), sequence.find("rate")):
        assert (rate.findtext("timebase"), rate.findtext("ntsc")) == (timebase, ntsc)


def test_edl_events_reels_and_rate_lines(footage, music, tmp_path):
    video = footage["29.97"]
    project = project_of([video, music], [
        Clip(video.path, 310, 1450), Clip(music.path, 500, 1500), Clip(video.path, 1980, 2730)
    ])
    text = export(project, tmp_path / "mixed.edl").path.read_text(encoding="utf-8")
    assert text.splitlines()[:2] == ["TITLE: mixed", "FCM: DROP FRAME"]
    events = [line.split() for line in text.splitlines() if re.match(r"^\d{3} ", line)]
    # Eight fields each: no reel name with a space in it; picture+sound, sound, picture+sound.
    assert [len(e) for e in events] == [8, 8, 8]
    assert [(e[1], e[2]) for e in events] == [
        ("prise299", "B"), ("musiqued", "A"), ("prise299", "B")]
    assert ";" in events[0][4]  # drop-frame timecode at 29.97
    document = read_back(tmp_path / "mixed.edl", RATES["29.97"])
    audio = next(t for t in document.tracks if t.kind == otio.schema.TrackKind.Audio)
    video_track = next(t for t in document.tracks if t.kind == otio.schema.TrackKind.Video)
    assert [type(i).__name__ for i in audio] == ["Clip", "Clip", "Clip"]
    assert [type(i).__name__ for i in video_track] == ["Clip", "Gap", "Clip"]
    assert audio.duration() == video_track.duration()


def test_edl_refuses_more_than_999_clips(footage):
    info = footage["25"]
    timeline = Timeline(tuple(Clip(info.path, 0, 40) for _ in range(1000)))
    with pytest.raises(VoiceEditError, match="at most 999 clips"):
        write_edl(timeline, {info.path: info}, "long")


def test_mixed_sources_keep_tracks_in_step(footage, music, tmp_path):
    video = footage["25"]
    project = project_of([video, music], [
        Clip(video.path, 310, 1450), Clip(music.path, 500, 1500), Clip(video.path, 1980, 2730)
    ])
    document = read_back(export(project, tmp_path / "mixed.otio").path, RATES["25"])
    video_track, audio_track = document.tracks
    assert [type(i).__name__ for i in video_track] == ["Clip", "Gap", "Clip"]
    assert [type(i).__name__ for i in audio_track] == ["Clip", "Clip", "Clip"]
    assert video_track.duration() == audio_track.duration()


def test_standard_rates_from_file_headers():
    assert standard_rate(Fraction(2997, 100)) == Fraction(30000, 1001)
    assert standard_rate(Fraction(359250, 11987)) == Fraction(30000, 1001)
    assert standard_rate(23.976) == Fraction(24000, 1001)
    assert standard_rate(Fraction(25)) == 25
    assert standard_rate(Fraction(15)) == 15
    assert standard_rate(Fraction(30)) == 30
    assert standard_rate(Fraction(24)) == 24
    assert to_frames(20, Fraction(25)) == 1  # halfway rounds to the later frame
    assert to_frames(60, Fraction(25)) == 2


# --- MLT: the profile, and a render by melt -----------------------------------------------


def profile_of(text: str) -> dict[str, str]:
    line = re.search(r"<profile ([^>]*)/>", text).group(1)
    return dict(re.findall(r'(\w+)="([^"]*)"', line))


@pytest.mark.parametrize("rate_name", RATES)
def test_mlt_profile_from_source(footage, tmp_path, rate_name):
    rate = RATES[rate_name]
    text = export(kept_project(footage[rate_name]), tmp_path / "cut.mlt").path.read_text(
        encoding="utf-8")
    profile = profile_of(text)
    assert (profile["width"], profile["height"]) == ("320", "180")
    assert (profile["frame_rate_num"], profile["frame_rate_den"]) == (
        str(rate.numerator), str(rate.denominator))
    assert (profile["display_aspect_num"], profile["display_aspect_den"]) == ("16", "9")
    assert profile["sample_aspect_num"] == profile["sample_aspect_den"] == "1"
    entries = re.findall(r'<entry producer="producer0" in="(\d+)" out="(\d+)"', text)
    assert [(int(a), int(b) - int(a) + 1) for a, b in entries] == expected_frames(rate)


def render_with_melt(mlt: Path, out: Path) -> None:
    subprocess.run(
        ["melt", "-quiet", str(mlt), "-consumer", f"avformat:{out}", "vcodec=libx264",
         "preset=ultrafast", "acodec=aac", "ar=48000"],
        check=True, capture_output=True, timeout=120,
    )


def flashes_in(path: Path) -> tuple[list[int], int]:
    """Indices of the white frames, and the number of frames."""
    raw = subprocess.run(["ffmpeg", "-v", "error", "-i", str(path), "-vf",
                          "scale=16:9,format=gray", "-f", "rawvideo", "-"],
                         capture_output=True, check=True).stdout
    means = np.frombuffer(raw, np.uint8).reshape(-1, 16 * 9).mean(axis=1)
    return [int(i) for i in np.flatnonzero(means > 128)], len(means)


def beeps_in(path: Path, rate: int = 48000) -> list[float]:
    """Start times (s) of the beeps."""
    raw = subprocess.run(["ffmpeg", "-v", "error", "-i", str(path), "-ac", "1", "-ar",
                          str(rate), "-f", "s16le", "-"], capture_output=True, check=True).stdout
    loud = np.flatnonzero(np.abs(np.frombuffer(raw, np.int16)) > 0.2 * 32768)
    starts = [loud[0]] + [b for a, b in zip(loud[:-1], loud[1:], strict=True) if b - a > rate / 10]
    return [s / rate for s in starts]


@pytest.mark.slow
@pytest.mark.parametrize("rate_name", ["25", "29.97"])
def test_mlt_rendered_by_melt_in_size_length_and_sync(footage, tmp_path, rate_name):
    info, rate = footage[rate_name], RATES[rate_name]
    mlt = export(kept_project(info), tmp_path / "cut é.mlt").path
    out = tmp_path / "rendered by melt.mp4"
    render_with_melt(mlt, out)
    rendered = probe(out)
    assert (rendered.width, rendered.height) == (320, 180)
    assert standard_rate(rendered.frame_rate) == rate
    # Where each source flash should land: its frame, shifted by the clip's place.
    expected, offset = [], 0
    for start, count in expected_frames(rate):
        expected += [offset + f - start for f in flash_frames(rate) if start <= f < start + count]
        offset += count
    assert len(expected) == 3
    flashes, frames = flashes_in(out)
    assert frames == offset
    assert flashes == expected
    beeps = beeps_in(out)
    assert len(beeps) == len(flashes)
    for flash, beep in zip(flashes, beeps, strict=True):
        assert abs(beep - float(flash / rate)) < 0.5 / float(rate)  # within half a frame


# --- captions and transcript text ---------------------------------------------------------


@pytest.fixture(scope="session")
def interview(sample_video, sample_truth) -> tuple[MediaInfo, Transcript]:
    """The sample interview with its true word timings (the script it was spoken from)."""
    info = probe(sample_video)
    words = tuple(Word(w["text"], round(w["start"] * 1000), round(w["end"] * 1000))
                  for w in sample_truth["words"])
    return info, Transcript(info.path, info.duration, words)


def interview_cut(interview, sample_truth) -> tuple[Project, list[Word]]:
    """Cut the "Um," and the earlier of the repeated takes; return the kept words."""
    info, transcript = interview
    chunks = sample_truth["chunks"]
    um = next(c for c in chunks if c["text"] == "Um,")
    earlier = next(c for c in chunks if c["text"] == sample_truth["repeated_take"]["earlier"])
    cuts = sorted([(um["start"], um["end"]), (earlier["start"], earlier["end"])])
    kept, position = [], 0
    for start, end in cuts:
        kept.append((position, round(start * 1000)))
        position = round(end * 1000)
    kept.append((position, info.duration))
    clips = [Clip(info.path, a, b) for a, b in kept]
    words = [w for w in transcript.words
             if any(a <= (w.start + w.end) / 2 < b for a, b in kept)]
    return project_of([info], clips, {info.path: transcript}), words


def retimed(project: Project, word: Word) -> tuple[int, int]:
    """Where a kept source word starts and ends on the timeline."""
    for index, clip in enumerate(project.timeline.clips):
        if clip.source_in <= (word.start + word.end) / 2 < clip.source_out:
            shift = project.timeline.clip_start(index) - clip.source_in
            return max(word.start, clip.source_in) + shift, min(word.end, clip.source_out) + shift
    raise AssertionError(f"{word.text} was cut")


def test_captions_parse_and_hold_the_kept_words_at_their_times(interview, sample_truth,
                                                                tmp_path):
    project, kept = interview_cut(interview, sample_truth)
    srt = export(project, tmp_path / "interview cut.srt")
    vtt = export(project, tmp_path / "interview cut.vtt")
    assert srt.noun == "caption" and srt.count == vtt.count > 5
    subs = pysubs2.load(str(srt.path), format_="srt")
    cues = [(e.start, e.end, e.plaintext.split("\n")) for e in subs]
    web = [(c.start_time.in_milliseconds(), c.end_time.in_milliseconds(), c.lines)
           for c in webvtt.read(str(vtt.path))]
    assert web == cues
    assert " ".join(" ".join(lines) for _, _, lines in cues).split() == [w.text for w in kept]
    shown = " ".join(line for _, _, lines in cues for line in lines)
    assert "budget. The first" in shown  # the "Um," between them is cut
    assert "You don't" not in shown and "You really don't need" in shown  # the earlier take
    kept_iter = iter(kept)
    previous_end = 0
    for start, end, lines in cues:
        assert previous_end <= start < end <= project.timeline.duration
        assert end - start <= 7000 and len(lines) <= 2 and all(len(x) <= 42 for x in lines)
        group = [next(kept_iter) for _ in " ".join(lines).split()]
        assert (start, end) == (retimed(project, group[0])[0], retimed(project, group[-1])[1])
        previous_end = end


@pytest.mark.slow
def test_captions_of_a_whisper_transcript_after_deleting_a_take(sample_video,
                                                                 sample_transcript, tmp_path):
    """What a user gets: Whisper's words, the earlier take deleted, captions of the rest."""
    info = probe(sample_video)
    words = sample_transcript.words
    texts = [w.text.strip(".,").lower() for w in words]
    take = next(i for i in range(len(texts)) if texts[i:i + 3] == ["you", "don't", "need"])
    end = take + next(i for i, w in enumerate(words[take:]) if w.text.endswith("."))
    clips = [Clip(info.path, 0, words[take].start), Clip(info.path, words[end].end,
                                                            info.duration)]
    project = project_of([info], clips, {info.path: sample_transcript})
    subs = pysubs2.load(str(export(project, tmp_path / "cut.srt").path))
    shown = " ".join(e.plaintext.replace("\n", " ") for e in subs).split()
    assert shown == [w.text for w in words[:take] + words[end + 1:]]
    assert " ".join(shown).lower().count("need an expensive camera") == 1
    assert subs[-1].end <= project.timeline.duration


def test_transcript_text_and_markdown(interview, sample_truth, tmp_path):
    project, kept = interview_cut(interview, sample_truth)
    text = export(project, tmp_path / "script.txt").path.read_text(encoding="utf-8")
    lines = text.splitlines()
    assert re.fullmatch(r"\[00:00:00\] Hi, I'm Sam, .*budget\.", lines[0])
    seconds = retimed(project, next(w for w in kept if w.text == "The"))[0] // 1000
    assert f"[00:00:{seconds:02d}] The first thing you need is a story worth telling." in lines
    assert " ".join(line.split("] ", 1)[1] for line in lines).split() == [w.text for w in kept]
    markdown = export(project, tmp_path / "script.md").path.read_text(encoding="utf-8")
    assert markdown.startswith("# script\n\n**00:00:00** Hi, I'm Sam,")


def test_captions_need_a_transcript(footage, tmp_path):
    with pytest.raises(VoiceEditError, match="no transcribed words"):
        export(kept_project(footage["25"]), tmp_path / "cut.srt")
    assert not (tmp_path / "cut.srt").exists()


# --- import: the same clips come back -------------------------------------------------------


@pytest.mark.parametrize("fmt", TIMELINE_FORMATS)
@pytest.mark.parametrize("rate_name", RATES)
def test_import_round_trip(footage, tmp_path, fmt, rate_name):
    info, rate = footage[rate_name], RATES[rate_name]
    exported = export(kept_project(info), tmp_path / f"sortie é.{fmt}").path
    timeline, sources = import_timeline(exported)
    assert list(sources) == [info.path]
    assert sources[info.path] == info
    snapped = [(to_ms(to_frames(s, rate), rate), to_ms(to_frames(e, rate), rate)) for s, e in KEPT]
    assert [(c.source, c.source_in, c.source_out) for c in timeline.clips] == [
        (info.path, s, e) for s, e in snapped]


@pytest.mark.parametrize("fmt", ["edl", "xml", "fcpxml", "otio"])
def test_import_finds_media_moved_next_to_the_timeline(footage, tmp_path, fmt):
    info = footage["29.97"]
    exported = export(kept_project(info), tmp_path / f"cut.{fmt}").path
    elsewhere = tmp_path / "moved here"
    elsewhere.mkdir()
    shutil.copy(info.path, elsewhere / Path(info.path).name)
    text = exported.read_text(encoding="utf-8")
    old_folder = str(Path(info.path).parent)
    text = text.replace(old_folder, "/no/such/folder").replace(
        Path(old_folder).as_uri(), "file:///no/such/folder")
    (elsewhere / exported.name).write_text(text, encoding="utf-8")
    timeline, sources = import_timeline(elsewhere / exported.name)
    moved = str((elsewhere / Path(info.path).name).resolve())
    assert list(sources) == [moved]
    assert len(timeline.clips) == 3
    assert timeline.clips[0].source_in == to_ms(to_frames(KEPT[0][0], RATES["29.97"]),
                                                RATES["29.97"])


def test_import_says_which_media_is_missing(footage, tmp_path):
    exported = export(kept_project(footage["25"]), tmp_path / "cut.edl").path
    lonely = tmp_path / "alone"
    lonely.mkdir()
    text = exported.read_text(encoding="utf-8").replace(str(Path(footage["25"].path).parent),
                                                        "/gone")
    (lonely / "cut.edl").write_text(text, encoding="utf-8")
    with pytest.raises(VoiceEditError, match="prise é 25.mp4.*next to cut.edl"):
        import_timeline(lonely / "cut.edl")


def test_import_refuses_unknown_files(tmp_path):
    other = tmp_path / "edit.aaf"
    other.write_text("x")
    with pytest.raises(VoiceEditError, match="I can't import .aaf files; I can import otio, edl"):
        import_timeline(other)


def test_fcpxml_reader_is_exact_at_ntsc_rates(footage, tmp_path):
    info = footage["23.976"]
    exported = export(kept_project(info), tmp_path / "cut.fcpxml").path
    document = read_fcpxml(exported.read_text(encoding="utf-8"))
    assert clip_frames(document.tracks[0]) == expected_frames(RATES["23.976"])
    assert 'frameDuration="1001/24000s"' in exported.read_text(encoding="utf-8")


# --- never overwrite; clear sentences for what we can't do ----------------------------------


def test_never_overwrites_without_force(footage, tmp_path):
    project = kept_project(footage["25"])
    target = tmp_path / "cut.edl"
    target.write_text("my own notes")
    with pytest.raises(VoiceEditError, match="cut.edl already exists; use --force"):
        export(project, target)
    assert target.read_text() == "my own notes"
    export(project, target, force=True)
    assert target.read_text().startswith("TITLE: cut\nFCM: NON-DROP FRAME")
    assert [p.name for p in tmp_path.iterdir()] == ["cut.edl"]  # no temporary left behind


def test_never_overwrites_a_source_or_the_project(footage, tmp_path):
    info = footage["25"]
    before = Path(info.path).read_bytes()
    with pytest.raises(VoiceEditError, match="one of the project's own files"):
        export(kept_project(info), Path(info.path), format="edl", force=True)
    assert Path(info.path).read_bytes() == before
    project_file = tmp_path / "interview.voiceedit"
    project_file.write_text("{}")
    with pytest.raises(VoiceEditError, match="never write over it"):
        export(kept_project(info), project_file, format="otio", force=True,
                        project_path=project_file)
    assert project_file.read_text() == "{}"


def test_unknown_formats_get_a_sentence(footage, tmp_path):
    project = kept_project(footage["25"])
    with pytest.raises(VoiceEditError) as suffix:
        export(project, tmp_path / "cut.mov")
    assert str(suffix.value) == (
        "I can't export .mov files; I can export otio, edl, xml, fcpxml, mlt, srt, vtt, txt, md, "
        "chapters, descriptions."
    )
    with pytest.raises(VoiceEditError, match="I can't export avid bin; I can export otio"):
        export(project, tmp_path / "cut", format="avid bin")
    assert list(tmp_path.iterdir()) == []


def test_format_named_or_heard(footage, tmp_path):
    project = kept_project(footage["25"])
    result = export(project, tmp_path / "for resolve", format="Final Cut 7")
    assert result.path.name == "for resolve.xml"
    assert result.message == "Exported 3 clips, 2.7 s, to for resolve.xml."
    assert export(project, tmp_path / "b", format="E.D.L.").path.suffix == ".edl"


# --- the command line and the spoken action -------------------------------------------------


@pytest.fixture
def saved_project(footage, tmp_path) -> Path:
    path = tmp_path / "interview.voiceedit"
    save_project(path, kept_project(footage["25"]))
    return path


def test_cli_export_and_its_refusals(saved_project, voiceedit_cli, footage):
    out = saved_project.parent / "pour Resolve.edl"
    done = voiceedit_cli("export", str(saved_project), "-o", str(out))
    assert done.returncode == 0, done.stderr
    assert done.stdout == "Exported 3 clips, 2.7 s, to pour Resolve.edl.\n"
    assert clip_frames(read_back(out, RATES["25"]).tracks[0]) == expected_frames(RATES["25"])
    first = out.read_bytes()
    again = voiceedit_cli("export", str(saved_project), "-o", str(out))
    assert (again.returncode, again.stderr) == (
        1, "pour Resolve.edl already exists; use --force to replace it.\n")
    forced = voiceedit_cli("export", str(saved_project), "-o", str(out), "--force")
    assert forced.returncode == 0 and out.read_bytes() == first
    unknown = voiceedit_cli("export", str(saved_project), "-o", str(out.with_suffix(".mov")))
    assert unknown.returncode == 1
    assert unknown.stderr.startswith("I can't export .mov files; I can export otio, edl,")
    source = voiceedit_cli("export", str(saved_project), "-o", footage["25"].path,
                           "--format", "edl", "--force")
    assert source.returncode == 1 and "never write over it" in source.stderr


def test_spoken_export_writes_beside_the_project_and_asks_before_replacing(saved_project):
    state = EditorState(load_project(saved_project), saved_project)
    done = run_action(state, Command("export", {"format": "edl"}, heard="export as EDL"))
    assert done.message == "Exported 3 clips, 2.7 s, to interview.edl."
    assert not done.changed and done.question is None
    written = saved_project.with_suffix(".edl")
    assert clip_frames(read_back(written, RATES["25"]).tracks[0]) == expected_frames(RATES["25"])
    written.write_text("an older export")
    asked = run_action(state, Command("export", {"format": "edl"}, heard="export as EDL"))
    assert asked.message == "interview.edl already exists. Replace it? Say yes or no."
    assert asked.question is not None and asked.question.kind == "confirm"
    assert written.read_text() == "an older export"
    replaced = run_action(asked.state, asked.question.command)  # what the session runs on "yes"
    assert replaced.message.startswith("Exported 3 clips")
    assert written.read_text().startswith("TITLE: interview\n")
    with pytest.raises(VoiceEditError, match="^There are no transcribed words in this edit"):
        run_action(state, Command("export", {"format": "srt"}, heard="export subtitles"))
    assert not saved_project.with_suffix(".srt").exists()


def test_spoken_export_of_an_unknown_format(saved_project):
    state = EditorState(load_project(saved_project), saved_project)
    with pytest.raises(VoiceEditError, match="I can't export avid; I can export otio, edl"):
        run_action(state, Command("export", {"format": "avid"}, heard="export as avid"))


@pytest.mark.slow
def test_new_from_an_edl_rebuilds_the_cut(interview, sample_truth, tmp_path, voiceedit_cli):
    project, _ = interview_cut(interview, sample_truth)
    edl = export(project, tmp_path / "from resolve.edl").path
    done = voiceedit_cli("new", str(tmp_path / "back.voiceedit"), "--from", str(edl))
    assert done.returncode == 0, done.stderr
    back = load_project(tmp_path / "back.voiceedit")
    length = f"{back.timeline.duration / 1000:.1f} s"  # 42 s to the tenth, in digits
    assert done.stdout.startswith(f"Created back.voiceedit: 3 clips, {length},")
    rate = Fraction(30)  # the sample's rate: the EDL is read at it

    def snap(ms: int) -> int:
        return to_ms(to_frames(ms, rate), rate)

    assert [(c.source, c.source_in, c.source_out) for c in back.timeline.clips] == [
        (c.source, snap(c.source_in), snap(c.source_out)) for c in project.timeline.clips]
    assert [s.path for s in back.sources] == [interview[0].path]
    assert len(back.sources[0].transcript.words) > 50  # transcribed, ready to edit by words


def test_new_from_a_missing_timeline_makes_nothing(tmp_path, voiceedit_cli):
    done = voiceedit_cli("new", str(tmp_path / "p.voiceedit"), "--from",
                         str(tmp_path / "gone.edl"))
    assert (done.returncode, done.stderr) == (1, "I can't find the file gone.edl.\n")
    assert list(tmp_path.iterdir()) == []


def test_said_export_as_edl_then_yes(saved_project, voiceedit_cli):
    """Typed text takes the same path as speech: understand -> act -> answer."""
    def say(text: str) -> str:
        done = voiceedit_cli("do", str(saved_project), text)
        assert done.returncode == 0, done.stderr
        return done.stdout.strip()

    written = saved_project.with_suffix(".edl")
    assert say("export it as an EDL") == (
        "Exported 3 clips, 2.7 s, to interview.edl.")
    written.write_text("changed by hand")
    assert say("export as EDL") == "interview.edl already exists. Replace it? Say yes or no."
    assert say("no") and written.read_text() == "changed by hand"
    assert say("export as EDL").endswith("Replace it? Say yes or no.")
    assert say("yes") == "Exported 3 clips, 2.7 s, to interview.edl."
    assert clip_frames(read_back(written, RATES["25"]).tracks[0]) == expected_frames(RATES["25"])
    assert say("export for premiere").endswith("to interview.xml.")


# --- timelines as other editors write them ---------------------------------------------------


def test_import_premiere_style_xml_with_source_timecode(footage, tmp_path):
    """Premiere writes file://localhost/ URLs and media that starts at 01:00:00:00."""
    info, rate = footage["29.97"], RATES["29.97"]
    hour = round(3600 * rate)  # frames in an hour of 29.97 timecode
    reference = otio.schema.ExternalReference(
        target_url="file://localhost" + Path(info.path).as_uri().removeprefix("file://"),
        available_range=otio.opentime.TimeRange(
            otio.opentime.RationalTime(hour, float(rate)),
            otio.opentime.RationalTime(119, float(rate))))
    clip = otio.schema.Clip(name="prise", media_reference=reference,
                            source_range=otio.opentime.TimeRange(
                                otio.opentime.RationalTime(hour + 30, float(rate)),
                                otio.opentime.RationalTime(45, float(rate))))
    document = otio.schema.Timeline(name="Sequence 01")
    document.tracks.append(otio.schema.Track(kind=otio.schema.TrackKind.Video))
    document.tracks[0].append(clip)
    otio.adapters.write_to_file(document, str(tmp_path / "from premiere.xml"), "fcp_xml")
    timeline, sources = import_timeline(tmp_path / "from premiere.xml")
    assert list(sources) == [info.path]
    assert [(c.source_in, c.source_out) for c in timeline.clips] == [
        (to_ms(30, rate), to_ms(75, rate))]


def test_import_edl_with_clip_names_only(footage, tmp_path):
    """Resolve and Premiere EDLs name the clip, not the path: found next to the EDL."""
    info = footage["25"]
    edl = Path(info.path).parent / "from resolve.edl"
    edl.write_text(
        "TITLE: Timeline 1\nFCM: NON-DROP FRAME\n\n"
        "001  AX       V     C        00:00:00:10 00:00:01:00 01:00:00:00 01:00:00:15\n"
        f"* FROM CLIP NAME: {Path(info.path).name}\n\n"
        "002  AX       V     C        00:00:02:00 00:00:03:05 01:00:00:15 01:00:01:20\n"
        f"* FROM CLIP NAME: {Path(info.path).name}\n",
        encoding="utf-8")
    try:
        timeline, sources = import_timeline(edl)
    finally:
        edl.unlink()
    assert list(sources) == [info.path]
    assert [(c.source_in, c.source_out) for c in timeline.clips] == [(400, 1000), (2000, 3200)]


def test_import_fcpxml_from_final_cut_with_media_rep(footage, tmp_path):
    """Final Cut 10.6 writes FCPXML 1.10: the file in <media-rep>, media starting at 1 hour."""
    info = footage["23.976"]
    (tmp_path / "library.fcpxml").write_text(f"""<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE fcpxml>
<fcpxml version="1.10">
  <resources>
    <format id="r1" frameDuration="1001/24000s" width="320" height="180"/>
    <asset id="r2" name="prise" start="3600/1s" duration="4004/1000s" hasVideo="1" format="r1">
      <media-rep kind="original-media" src="{Path(info.path).as_uri()}"/>
    </asset>
  </resources>
  <library><event name="Day 1"><project name="Rough cut">
    <sequence format="r1" duration="4004/2000s" tcStart="0s">
      <spine>
        <gap name="Gap" offset="0s" duration="1001/24000s" start="3600s"/>
        <asset-clip ref="r2" offset="1001/24000s" name="prise" start="3601001/1000s"
                    duration="1001/1000s" tcFormat="NDF"/>
      </spine>
    </sequence>
  </project></event></library>
</fcpxml>
""", encoding="utf-8")
    timeline, sources = import_timeline(tmp_path / "library.fcpxml")
    assert list(sources) == [info.path]
    assert [(c.source_in, c.source_out) for c in timeline.clips] == [(1001, 2002)]


def test_descriptions_vtt_is_numbered_webvtt_of_kind_descriptions():
    text = write_descriptions_vtt([(0, 1500, "A man  walks <in>\n& out"),
                                   (3_700_000, 3_700_001, "x")])
    assert text == ("WEBVTT\nKind: descriptions\n\n"
                    "1\n00:00:00.000 --> 00:00:01.500\nA man walks &lt;in&gt; &amp; out\n\n"
                    "2\n01:01:40.000 --> 01:01:40.001\nx\n")
