"""The demo's last step: finishing the piece without another editor (issue 19).

On the demo project, by typed commands through the same Editor as the rest of the demo:
who is speaking, chapters, loudness, a cutaway over one sentence from a b-roll clip made
here with ffmpeg, an audio description, burned-in captions; then one render to its own
file (finished.mp4) and an export to every format, each carrying what was done.
"""

from __future__ import annotations

from pathlib import Path

import click

from voiceedit.answer.speakers import SpeechSettings, open_speaker
from voiceedit.cli import main
from voiceedit.core import Editor
from voiceedit.media.ffmpeg import media_url, run_ffmpeg
from voiceedit.media.overlay import FONTS_DIR
from voiceedit.media.probe import probe

BROLL = "broll.mp4"
BROLL_SECONDS = 4
BROLL_COLOUR = "blue"  # the sample is dark slate: a render's pixels say whose picture shows
FONT = FONTS_DIR / "DejaVuSans-Bold.ttf"  # the burned captions' font, always installed
COVERED = "A phone and good sound will take you a long way."
DESCRIPTION = "Sam waves goodbye."  # short enough for the pause after the last words
# The finishing part, typed as a voice would say it.
FINISH_SCRIPT = [
    "go to two seconds",
    "who is speaking",
    "add a chapter called Introduction at the start",
    "add a chapter called Gear at ten seconds",
    "add a chapter called Light and sound at twenty seconds",
    "normalize loudness",
    f'cover "{COVERED}" with {BROLL}',
    "go to the end",
    f"describe here: {DESCRIPTION}",
    "burn in the captions",
]
FINISHED = "finished"  # finished.mp4, finished.otio, ...
# Every export the finished piece goes to: editors' timelines, captions, descriptions,
# the chapter list for a video description.
EXPORT_SUFFIXES = (".otio", ".xml", ".fcpxml", ".edl", ".mlt", ".srt", ".vtt",
                   ".descriptions.vtt", ".chapters.txt")


def make_broll(sample: Path, output: Path) -> Path:
    """A few seconds of plain colour titled B-ROLL (top left, clear of the centre), the
    sample's size and rate, no sound."""
    media = probe(sample)
    rate = media.frame_rate or 30
    picture = (f"color=c={BROLL_COLOUR}:s={media.width}x{media.height}:r={rate}"
               f":d={BROLL_SECONDS},drawtext=fontfile={FONT}:text=B-ROLL:fontcolor=white"
               f":fontsize=h/10:x=w/20:y=h/8")
    path = output / BROLL
    run_ffmpeg(["-f", "lavfi", "-i", picture, "-c:v", "libx264", "-preset", "ultrafast",
                "-pix_fmt", "yuv420p", "-y", media_url(path)], BROLL_SECONDS * 1000, None,
               BROLL)
    return path


def finish(project: Path, sample: Path, output: Path) -> int:
    """The finishing commands on `project`, then its render and exports; 0 when all went."""
    from voiceedit.cli.demo import step  # demo imports this module

    step(f"Finishing: speakers, chapters, loudness, a cutaway from {BROLL}, an audio "
         "description, burned-in captions")
    make_broll(sample, output)
    click.echo(f"Made {BROLL}: {BROLL_SECONDS} s of {BROLL_COLOUR} b-roll.")
    speaker = open_speaker(SpeechSettings(speak_to=output / "finishing-answers.wav"))
    editor = Editor.open(project, speaker=speaker)
    status = 0
    for text in FINISH_SCRIPT:
        click.echo(f"you: {text}")
        answer = editor.handle(text)
        click.echo(f"voiceedit: {answer.message}")
        status = status or (0 if answer.applied else 1)
    speaker.close()

    step(f"Rendering the finished piece to {FINISHED}.mp4")
    status = status or main(["render", str(project), "-o", str(output / f"{FINISHED}.mp4")])
    step("Exporting the finished piece to every format")
    for suffix in EXPORT_SUFFIXES:
        status = status or main(["export", str(project), "-o",
                                 str(output / f"{FINISHED}{suffix}")])
    return status
