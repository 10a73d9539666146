"""The browser editor's routes, over one `Session`:

    GET  /                 the page (static/page.html with the keyboard map in it)
    GET  /static/...       its script and style
    GET  /api/document     the transcript, clips and question (web/document.py)
    GET  /api/events       server-sent events: answers, edits made elsewhere, sound to play
    POST /api/say          {"text", "at", "playing", "client"}: a typed or keyed command
    POST /api/cut          {"from", "to", "revision", ...}: delete the selected items
    POST /api/correct      {"from", "to", "revision", "words", ...}: the selected words
                           typed right, exactly as typed
    POST /api/speech       recorded audio (?at=&playing=&client=): a spoken command
    POST /api/listening    the microphone opened: load the recogniser now
    GET  /media/{n}        source n, with range requests, for the page's player
    GET  /captions/{n}     source n's transcript as WebVTT captions, for the same player

Every reply to a command is the Answer the terminal would print, as JSON.
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import json
import tempfile
import threading
from collections.abc import AsyncIterator
from pathlib import Path

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import (
    FileResponse,
    HTMLResponse,
    JSONResponse,
    Response,
    StreamingResponse,
)
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from voiceedit.web.keys import keys_json
from voiceedit.web.security import LocalOnly
from voiceedit.web.session import Session
from voiceedit.web.speech import LONGEST_SPEECH

STATIC = Path(__file__).with_name("static")
FOLLOW_EVERY = 0.25  # seconds between looks for edits made by other processes


class BadRequest(Exception):
    pass


def make_app(session: Session, token: str, hosts: frozenset[str]) -> LocalOnly:
    async def page(request: Request) -> HTMLResponse:
        from voiceedit.understand.grammar import load_grammar
        from voiceedit.understand.help import spoken_help

        topics = {topic.name: spoken_help(topic.name, limit=4)
                  for topic in load_grammar().topics}
        text = (STATIC / "page.html").read_text(encoding="utf-8")
        text = text.replace("{{project}}", html.escape(session.path.name))
        # The transcript comes with the page: one round trip fewer before it can be used.
        document = await run_in_threadpool(session.document)
        data = {"keys": keys_json(), "topics": topics, "document": document}
        return HTMLResponse(text.replace("{{config}}", _script_json(data)))

    async def get_document(request: Request) -> JSONResponse:
        return JSONResponse(await run_in_threadpool(session.document))

    async def say(request: Request) -> JSONResponse:
        body = await _json(request)
        text = body.get("text")
        if not isinstance(text, str):
            raise BadRequest("Say or type a command.")
        return JSONResponse(await run_in_threadpool(
            session.say, text, _at(body.get("at")), bool(body.get("playing")),
            str(body.get("client", ""))))

    async def cut(request: Request) -> JSONResponse:
        body = await _json(request)
        first, last = _item(body.get("from")), _item(body.get("to"))
        revision = body.get("revision")
        if not isinstance(revision, int):
            raise BadRequest("Which version of the transcript was this?")
        return JSONResponse(await run_in_threadpool(
            session.cut, first, last, revision, _at(body.get("at")),
            str(body.get("client", ""))))

    async def correct(request: Request) -> JSONResponse:
        body = await _json(request)
        first, last = _item(body.get("from")), _item(body.get("to"))
        revision, text = body.get("revision"), body.get("words")
        if not isinstance(revision, int):
            raise BadRequest("Which version of the transcript was this?")
        if not isinstance(text, str):
            raise BadRequest("Type the new words.")
        return JSONResponse(await run_in_threadpool(
            session.correct, first, last, revision, text, _at(body.get("at")),
            str(body.get("client", ""))))

    async def speech(request: Request) -> JSONResponse:
        """A recording the page made; refused before it is read when it is larger than
        any spoken command. What holds no command is a 400 with what to do next."""
        from voiceedit.errors import VoiceEditError

        too_long = JSONResponse({"message": "That recording is too long for a command; press "
                                 "M, say one sentence, then press M again.", "applied": False},
                                413)
        declared = request.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > LONGEST_SPEECH:
            return too_long
        audio = bytearray()
        async for chunk in request.stream():
            audio += chunk
            if len(audio) > LONGEST_SPEECH:
                return too_long
        query = request.query_params
        at, playing = _at(query.get("at")), query.get("playing") == "true"
        with tempfile.TemporaryDirectory(prefix="voiceedit-speech-") as folder:
            path = Path(folder) / "command.webm"
            path.write_bytes(audio)
            try:
                reply = await run_in_threadpool(session.hear, path, at, playing,
                                                query.get("client", ""))
            except VoiceEditError as error:
                raise BadRequest(str(error)) from None
        return JSONResponse(reply)

    async def listening(request: Request) -> JSONResponse:
        """The page's microphone opened: load the recogniser while the person speaks, in a
        thread of its own, so no request waits on it (nor holds up the server's exit)."""
        threading.Thread(target=session.speech.warm_up, daemon=True).start()
        return JSONResponse({"loading": True}, 202)

    async def events(request: Request) -> StreamingResponse:
        async def stream() -> AsyncIterator[str]:
            yield "retry: 1000\n\n"
            async for event in session.events.stream():
                if await request.is_disconnected():
                    break
                yield ": still here\n\n" if event is None else f"data: {json.dumps(event)}\n\n"

        return StreamingResponse(stream(), media_type="text/event-stream")

    async def media(request: Request) -> FileResponse | JSONResponse:
        number = request.path_params["number"]
        sources = session.editor.state.project.sources
        if not 0 <= number < len(sources):
            return JSONResponse({"message": "The project has no such media."}, 404)
        path = Path(sources[number].path)
        if not path.is_file():
            return JSONResponse({"message": f"{path.name} is missing."}, 404)
        return FileResponse(path)  # answers Range requests: the player seeks by them

    async def captions(request: Request) -> Response:
        from voiceedit.interchange.captions import caption_cues, kept_words, write_vtt
        from voiceedit.timeline.model import Clip, Timeline

        project = session.editor.state.project
        sources = project.sources
        number = request.path_params["number"]
        if not 0 <= number < len(sources) or not sources[number].media.duration:
            return JSONResponse({"message": "The project has no such media."}, 404)
        source = sources[number]
        whole = Timeline((Clip(source.path, 0, source.media.duration),))
        cues = caption_cues(kept_words(whole, [project.transcript_of(source)]),
                            project.layers.speakers)
        return Response(write_vtt(cues), media_type="text/vtt")

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        follower = asyncio.create_task(_follow(session))
        try:
            yield
        finally:
            follower.cancel()

    async def bad_request(request: Request, error: Exception) -> JSONResponse:
        return JSONResponse({"message": str(error), "applied": False}, 400)

    app = Starlette(
        routes=[
            Route("/", page),
            Route("/api/document", get_document),
            Route("/api/events", events),
            Route("/api/say", say, methods=["POST"]),
            Route("/api/cut", cut, methods=["POST"]),
            Route("/api/correct", correct, methods=["POST"]),
            Route("/api/speech", speech, methods=["POST"]),
            Route("/api/listening", listening, methods=["POST"]),
            Route("/media/{number:int}", media),
            Route("/captions/{number:int}", captions),
            Mount("/static", StaticFiles(directory=STATIC), name="static"),
        ],
        exception_handlers={BadRequest: bad_request},
        lifespan=lifespan,
    )
    return LocalOnly(app, token, hosts)


async def _follow(session: Session) -> None:
    while True:
        await asyncio.sleep(FOLLOW_EVERY)
        await run_in_threadpool(session.follow)


async def _json(request: Request) -> dict:
    try:
        body = json.loads(await request.body())
    except ValueError:
        raise BadRequest("That request was not understood; reload the page.") from None
    if not isinstance(body, dict):
        raise BadRequest("That request was not understood; reload the page.")
    return body


def _script_json(data: object) -> str:
    """JSON to put inside a <script> element: nothing in it can end the element or be
    read as markup (the script's text is not unescaped, so HTML entities would stay)."""
    text = json.dumps(data, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _at(value: object) -> int | None:
    """The page's cursor, in timeline ms."""
    if value is None or value == "":
        return None
    try:
        at = int(float(value))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise BadRequest("That position was not understood; reload the page.") from None
    return max(0, at)


def _item(value: object) -> tuple[str, int]:
    if (isinstance(value, list) and len(value) == 2 and value[0] in ("w", "p")
            and isinstance(value[1], int)):
        return value[0], value[1]
    raise BadRequest("That selection was not understood; select the words again.")
