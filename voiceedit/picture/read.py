"""On-screen text and faces in a few frames of a shot.

OCR is rapidocr-onnxruntime (its models ship inside the wheel; nothing is downloaded) and
faces are OpenCV's bundled Haar cascade: both offline, both CPU. They cost a tenth of a
second to a second a frame, so they see a few grey frames per shot (analyse.py chooses),
never every frame. Text is read without the angle classifier (screen text is upright) and a
reading is kept only when the recogniser is sure of it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import cv2
import numpy as np

TEXT_SCORE = 0.8  # below this the recogniser's readings of noise ("®") creep in
FACE_SIZE = 1 / 14  # the smallest face looked for, as a fraction of the frame's width
READ_SIDE = 640  # the longest side OCR detects text at (analyse.READ_WIDTH)
FLAT = 8.0  # a frame whose luma varies less than this has nothing to read


@dataclass(frozen=True)
class Reading:
    text: str
    faces: int
    face_positions: tuple[str, ...]
    by_frame: tuple[tuple[int, str], ...] = ()  # (ms, that frame's lines joined) per frame


@lru_cache(maxsize=1)
def _ocr():
    from rapidocr_onnxruntime import RapidOCR

    # Detection at the frame's own size (its default scales the short side up to 736,
    # four times the work on a 640 x 360 frame).
    return RapidOCR(use_cls=False, print_verbose=False, det_limit_type="max",
                    det_limit_side_len=READ_SIDE)


@lru_cache(maxsize=1)
def _faces() -> cv2.CascadeClassifier:
    cascade = cv2.CascadeClassifier(cv2.data.haarcascades
                                    + "haarcascade_frontalface_default.xml")
    if cascade.empty():
        raise RuntimeError("OpenCV's face cascade is missing from its package")
    return cascade


def read_text(gray: np.ndarray) -> list[str]:
    """The lines of text in one frame, top to bottom."""
    if float(gray.std()) < FLAT:
        return []
    found, _ = _ocr()(gray, use_cls=False)
    lines = []
    for _box, text, score in found or ():
        text = " ".join(text.split())
        if score >= TEXT_SCORE and sum(ch.isalnum() for ch in text) >= 2:
            lines.append(text)
    return lines


def find_faces(gray: np.ndarray) -> list[tuple[int, int, int, int]]:
    """Face boxes (x, y, w, h), left to right."""
    smallest = max(20, int(gray.shape[1] * FACE_SIZE))
    boxes = _faces().detectMultiScale(cv2.equalizeHist(gray), scaleFactor=1.1,
                                      minNeighbors=6, minSize=(smallest, smallest))
    return sorted((tuple(int(v) for v in box) for box in boxes), key=lambda b: b[0])


def position(box: tuple[int, int, int, int], width: int) -> str:
    centre = (box[0] + box[2] / 2) / width
    return "left" if centre < 1 / 3 else "right" if centre > 2 / 3 else "centre"


def read_frames(frames: list[tuple[int, np.ndarray]]) -> Reading:
    """What a shot shows, from a few of its (ms, frame): every line of text seen (each once,
    in order), each frame's own text with its time, and the faces of the frame that shows
    the most."""
    lines: list[str] = []
    by_frame: list[tuple[int, str]] = []
    best: list[tuple[int, int, int, int]] = []
    width = 1
    for ms, gray in frames:
        read = read_text(gray)
        by_frame.append((ms, " / ".join(dict.fromkeys(read))))
        lines += [line for line in read if line not in lines]
        boxes = find_faces(gray)
        if len(boxes) > len(best):
            best, width = boxes, gray.shape[1]
    return Reading(" / ".join(lines), len(best), tuple(position(b, width) for b in best),
                   tuple(by_frame))
