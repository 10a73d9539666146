"""One exception type for everything a user can get wrong.

Its message is the one plain sentence we print and speak; the CLI catches it at the top,
so a bad file or a misheard command never ends in a traceback.
"""


class VoiceEditError(Exception):
    """A problem the user can act on. `str(error)` is a complete, speakable sentence."""
