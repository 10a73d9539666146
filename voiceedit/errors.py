"""One exception type for everything a user can get wrong.

Its message is the one plain sentence we print and speak; the CLI catches it at the top,
so a bad file or a misheard command never ends in a traceback.
"""


import re


class VoiceEditError(Exception):
    """A problem the user can act on. `str(error)` is a complete, speakable sentence."""


def reason(error: BaseException) -> str:
    """What a library's exception says, as the end of one of our sentences: without
    "[Errno 1094995529]" codes, quoted paths or closing full stops ("System error.")."""
    text = getattr(error, "strerror", None) or str(error) or type(error).__name__
    text = re.sub(r"^\[Errno -?\d+\]\s*", "", text)
    text = re.sub(r":\s*'[^']*'$", "", text).strip().rstrip(".")
    return text[:1].lower() + text[1:]
