"""`voiceedit serve PROJECT`: the browser editor on this machine.

Prints the address to open, alone on a line, as soon as the port is bound (it carries the
page's token, so only the person who ran this can open it), then serves until Ctrl+C.
"""

from __future__ import annotations

import socket
import sys
from pathlib import Path

import click

from voiceedit.cli import cli
from voiceedit.cli.words import grammar_dir_option
from voiceedit.errors import VoiceEditError


@cli.command("serve")
@click.argument("project", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--host", default="127.0.0.1", show_default=True,
              help="The address to listen on; keep 127.0.0.1 unless you know why not.")
@click.option("--port", type=click.IntRange(0, 65535), default=8765, show_default=True,
              help="The port (0: any free one).")
@click.option("--model", default="tiny.en", show_default=True,
              help="The Whisper model for commands spoken into the page.")
@grammar_dir_option
def serve_command(project: Path, host: str, port: int, model: str) -> None:
    """Edit PROJECT in the browser: transcript, picture, keys and voice."""
    import uvicorn

    from voiceedit.web.app import make_app
    from voiceedit.web.security import allowed_hosts, new_token
    from voiceedit.web.session import Session

    session = Session(project, model=model)
    listener = _bind(host, port)
    port = listener.getsockname()[1]
    token = new_token()
    app = make_app(session, token, allowed_hosts(host, port))
    shown = f"[{host}]" if ":" in host else host
    click.echo(f"http://{shown}:{port}/?token={token}")
    click.echo("Open that address in a browser; Ctrl+C stops the editor.", err=True)
    sys.stdout.flush()
    config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="on",
                            timeout_graceful_shutdown=1)
    uvicorn.Server(config).run(sockets=[listener])


def _bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    listener = socket.socket(family, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        listener.bind((host, port))
    except OSError as error:
        listener.close()
        if error.errno == 98:  # EADDRINUSE
            raise VoiceEditError(f"Port {port} is in use; give another with --port.") from None
        raise VoiceEditError(f"Cannot listen on {host}:{port}: {error.strerror}.") from None
    listener.listen(64)
    return listener
