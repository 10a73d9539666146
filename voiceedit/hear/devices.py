"""The sound devices' library: sounddevice (PortAudio), loaded once and kept quiet.

Both the microphone (hear/) and the speakers (answer/) open PortAudio streams; the module is
here, in the lower layer, so answer/ imports it from hear/ and not the other way round.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import functools

from voiceedit.errors import VoiceEditError


@functools.cache
def sounddevice_module():
    """sounddevice, or a plain sentence when PortAudio is missing.

    ALSA prints "underrun occurred" on standard error whenever a busy CPU starves a stream
    for a moment; the sound recovers by itself, and those lines would drown the answers a
    screen reader is following. So ALSA's own messages are switched off here, once.
    """
    try:
        import sounddevice
    except OSError as error:
        raise VoiceEditError("Sound needs PortAudio (apt install libportaudio2).") from error
    _silence_alsa()
    return sounddevice


_ALSA_HANDLER = ctypes.CFUNCTYPE(
    None, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p
)
_alsa_quiet = _ALSA_HANDLER(lambda *message: None)  # kept alive as long as the process


def _silence_alsa() -> None:
    library = ctypes.util.find_library("asound")
    if library:
        with contextlib.suppress(OSError, AttributeError):
            ctypes.cdll.LoadLibrary(library).snd_lib_error_set_handler(_alsa_quiet)
