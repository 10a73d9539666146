"""What a render lays over the edited picture: cutaways (another file's frames over a stretch
of the timeline) and burned-in captions. The sound is never touched here.

Both are filters after the `concat` of the main track in the one ffmpeg graph
(filter_graph.py), so the cuts, the frame grid and the sound stay exactly as without them:

    [vcat] ─ overlay(cutaway 1) ─ overlay(cutaway 2) ─ subtitles(captions.ass) ─ [vout]

A cutaway's frames are chosen as a clip's are (plan.py): the b-roll is opened at its own
`-ss`, put on the output's frame grid with `fps`, counted with `trim`, then scaled and padded
to the output size and moved to its place on the timeline with `setpts`. The overlay is
enabled on exactly the frames of that place (half a frame of margin either side, so
rounding never lets a frame through or adds one); the overlay holds the b-roll's last frame
after it ends (`eof_action=repeat`: with `pass` the piece's last frame was lost at the
b-roll's end of stream) and `enable` alone decides where it shows.

Captions come as ASS text made for the output size (interchange/burned_captions.py) and are
drawn by libass with the fonts of one folder (`fontsdir`), so nothing depends on fontconfig
finding a font.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

from voiceedit.errors import VoiceEditError
from voiceedit.media.plan import (
    Cut,
    OutputFormat,
    SourceInput,
    grid_cut,
    grid_frames,
    seconds_text,
    seek_before,
)
from voiceedit.timeline.cutaways import CutawayPiece

FONTS_DIR = Path("/usr/share/fonts/truetype/dejavu")  # apt fonts-dejavu-core
CAPTIONS_FILE = "captions.ass"


@dataclass(frozen=True)
class PictureLayers:
    """Cutaway pieces (timeline ms) and the captions to burn in: `captions(width, height)`
    gives the ASS text for the output's size; None for none."""

    cutaways: tuple[CutawayPiece, ...] = ()
    captions: Callable[[int, int], str] | None = None
    fonts: Path = FONTS_DIR

    def __bool__(self) -> bool:
        return bool(self.cutaways) or self.captions is not None


@dataclass(frozen=True)
class GridPiece:
    """A cutaway piece in frames of the output: timeline frames [first, last) show
    `cut` of the b-roll."""

    cut: Cut
    first: int
    last: int


def grid_pieces(layers: PictureLayers, frame_rate: Fraction) -> list[GridPiece]:
    """The cutaway pieces snapped to the output's frame grid as plan_cuts snaps clips (on the
    timeline), so a piece starts on the frame its covered words start on."""
    found = []
    for piece in layers.cutaways:
        snapped = grid_cut(piece.media, piece.start, piece.end, piece.media_in, frame_rate)
        if snapped is not None:
            found.append(GridPiece(*snapped))
    return found


def layer_inputs(layers: PictureLayers, fmt: OutputFormat) -> list[SourceInput]:
    """One input a cutaway piece, seeked half a frame before its first frame."""
    if not fmt.video:
        return []
    return [SourceInput(piece.cut.source, seek_before(piece.cut.start, fmt.frame_rate))
            for piece in grid_pieces(layers, fmt.frame_rate)]


def layer_filters(layers: PictureLayers, fmt: OutputFormat, inputs: list[SourceInput],
                  first_input: int, work: Path, pad: str) -> tuple[list[str], str]:
    """Graph lines that lay the layers over `pad`, and the pad they end in. `inputs` are
    `layer_inputs`, opened from index `first_input` on; the captions file goes in `work`."""
    lines: list[str] = []
    rate = fmt.frame_rate
    for n, (piece, source_input) in enumerate(
            zip(grid_pieces(layers, rate), inputs, strict=True)):
        at = Fraction(piece.first) / rate
        lines.append(
            f"[{first_input + n}:v:0]{grid_frames(piece.cut, source_input.seek, rate)},"
            f"setpts=PTS-STARTPTS+{seconds_text(at)}/TB,"
            f"scale={fmt.width}:{fmt.height}:force_original_aspect_ratio=decrease,"
            f"pad={fmt.width}:{fmt.height}:(ow-iw)/2:(oh-ih)/2,setsar=1,format=yuv420p[cw{n}]")
        half = 1 / (2 * rate)
        shown = (f"between(t,{seconds_text(at - half)},"
                 f"{seconds_text(Fraction(piece.last) / rate - half)})")
        lines.append(f"{pad}[cw{n}]overlay=eof_action=repeat:enable='{shown}'[ov{n}]")
        pad = f"[ov{n}]"
    if layers.captions is not None:
        ass = work / CAPTIONS_FILE
        ass.write_text(layers.captions(fmt.width, fmt.height), encoding="utf-8")
        lines.append(f"{pad}subtitles=filename={_quoted(ass)}:fontsdir={_quoted(layers.fonts)}"
                     "[captioned]")
        pad = "[captioned]"
    return lines, pad


def _quoted(path: Path) -> str:
    """A path as a filter option. Filter options are unescaped twice (graph, then option),
    so rather than escape twice, a folder whose name the parser would split is refused (a
    temporary folder or the fonts folder has none of these characters)."""
    text = str(path)
    if any(ch in text for ch in "'\\:,;[]="):
        raise VoiceEditError(f"I can't burn captions in through the folder {path.parent}; "
                             "its name has punctuation ffmpeg's filters can't take.")
    return text
