"""Generated footage whose picture is known: one shot of each kind the analysis names.

Each segment is a different lavfi source (so each join is a real cut) and one thing the
analysis should find: a clean moving pattern, black, a title card drawn with drawtext, a
blurred pattern, a shaken one (a crop whose offset swings), one that freezes, a dark and a
bright one, and a card with two drawn faces (OpenCV's cascade finds them; no photograph
ships with the tests). Small and short, so a whole analysis takes a few seconds.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

RATE = 25
SIZE = (640, 360)
FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf")  # fonts-dejavu-core
TITLE = "CHAPTER TWO"


@dataclass(frozen=True)
class Segment:
    name: str
    frames: int
    source: str  # a lavfi graph producing SIZE at RATE, or "faces" for the drawn card
    flags: tuple[str, ...]


W, H = SIZE
SEGMENTS = (
    Segment("clean", 50, f"testsrc2=s={W}x{H}:r={RATE}", ()),
    Segment("pan", 50, f"smptehdbars=s=960x480:r={RATE},drawgrid=w=40:h=40:t=3:c=white,"
                       f"crop={W}:{H}:x='20+t*120':y=60", ()),
    Segment("black", 25, f"color=c=black:s={W}x{H}:r={RATE}", ("black",)),
    Segment("title", 50, f"color=c=0x3a6a9a:s={W}x{H}:r={RATE},drawtext=fontfile={FONT}:"
                         f"text='{TITLE}':fontsize=56:fontcolor=white:x=(w-tw)/2:y=(h-th)/2",
            ()),
    Segment("blurred", 50, f"testsrc=s={W}x{H}:r={RATE},boxblur=6:2", ("blurry",)),
    Segment("shaken", 50, f"smptehdbars=s=800x480:r={RATE},drawgrid=w=40:h=40:t=3:c=white,"
                          f"crop={W}:{H}:x='80+30*sin(2*PI*5*t)':y='60+20*sin(2*PI*4*t+1)'",
            ("shaky",)),
    Segment("frozen", 60, f"testsrc2=s={W}x{H}:r={RATE}:d=0.8,hue=h=120,"
                          "tpad=stop_mode=clone:stop_duration=2", ("frozen",)),
    Segment("dark", 40, f"rgbtestsrc=s={W}x{H}:r={RATE},eq=brightness=-0.55", ("dark",)),
    Segment("bright", 40, f"yuvtestsrc=s={W}x{H}:r={RATE},eq=brightness=0.6", ("bright",)),
    Segment("faces", 50, "faces", ()),
)


def starts_ms() -> list[int]:
    """Where each segment begins, in ms."""
    starts, frame = [], 0
    for segment in SEGMENTS:
        starts.append(round(frame * 1000 / RATE))
        frame += segment.frames
    return starts


def draw_faces(path: Path) -> Path:
    """Two simple drawn faces, one left and one right, on a grey card."""
    image = np.full((H, W, 3), 110, np.uint8)
    for cx in (W // 5, W * 4 // 5):
        cy, size = H // 2, 70
        cv2.ellipse(image, (cx, cy), (int(size * 0.8), size), 0, 0, 360, (150, 170, 200), -1)
        for side in (-0.35, 0.35):
            ex, ey = int(cx + side * size), int(cy - 0.25 * size)
            cv2.ellipse(image, (ex, ey), (int(0.17 * size), int(0.08 * size)), 0, 0, 360,
                        (40, 40, 40), -1)
            cv2.line(image, (ex - 14, ey - 13), (ex + 14, ey - 13), (30, 30, 30), 4)
        cv2.line(image, (cx, cy - 7), (cx, cy + 14), (110, 130, 160), 3)
        cv2.ellipse(image, (cx, cy + 35), (21, 6), 0, 0, 360, (60, 60, 120), -1)
    cv2.imwrite(str(path), image)
    return path


def make_picture_test(path: Path) -> Path:
    """Write the segments one after another as one H.264 file at RATE."""
    inputs, labels = [], []
    for number, segment in enumerate(SEGMENTS):
        seconds = segment.frames / RATE
        if segment.source == "faces":
            card = draw_faces(path.with_name("faces.png"))
            inputs += ["-loop", "1", "-framerate", str(RATE), "-t", f"{seconds}", "-i", str(card)]
        else:
            inputs += ["-f", "lavfi", "-t", f"{seconds}", "-i", segment.source]
        labels.append(f"[{number}:v]format=yuv420p,setsar=1,"
                      f"trim=end_frame={segment.frames},setpts=PTS-STARTPTS[v{number}]")
    joined = "".join(f"[v{n}]" for n in range(len(SEGMENTS)))
    graph = ";".join(labels) + f";{joined}concat=n={len(SEGMENTS)}:v=1:a=0[out]"
    subprocess.run(["ffmpeg", "-v", "error", "-y", *inputs, "-filter_complex", graph,
                    "-map", "[out]", "-c:v", "libx264", "-preset", "ultrafast", "-crf", "18",
                    "-pix_fmt", "yuv420p", "-r", str(RATE), str(path)], check=True)
    return path
