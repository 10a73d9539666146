"""The voices an answer can be spoken in, by name: apart from speakers.py so that a command's
options can list them without loading any voice."""

VOICES = ("espeak", "piper", "system")  # espeak-ng at once; Piper natural; the system's own
DEFAULT_VOICE = "espeak"
