"""Browser editor: a 1-hour transcript opened, walked and edited in the page, beside `do`.

    .venv/bin/python bench/web.py [--opens 10] [--presses 200] [--edits 100] [--runs 10]

Issue 16's targets: a 1-hour transcript (~10,000 words) opens and is usable in under 1 s,
and Delete on a selection is announced in the live region within 100 ms (p95). The project
is synthetic: a real 1-hour file (160x90, 5 fps, a sine tone) and a made-up transcript with
sentences, pauses and fillers, served by the real `voiceedit serve` and driven by Chromium.
Times are taken inside the page (performance.now() at keydown, at the mutation of
#announcer, at the next frame), so Playwright's own round trips are not counted. Beside
them, the same edits through the terminal: one `do` process a command, and one `do`
reading commands from standard input. Where the time goes is measured in-process too: the
document JSON the page fetches, the cut and the project save behind an answer.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

from voiceedit.media.probe import probe
from voiceedit.project import Project, Source, load_project, save_project
from voiceedit.timeline.transcript import Transcript, Word
from voiceedit.understand.matcher import understand
from voiceedit.web.session import Session

ROOT = Path(__file__).resolve().parents[1]
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}
PYTHON = [sys.executable, "-m", "voiceedit"]
HOUR = 3_600_000
# Installed before the page's own script: when the page is ready; the next frame, the
# announcement and the redraw after a key, each from the key's event time.
PROBE = """(() => {
  const b = window.__bench = {frames: [], said: [], drawn: [], readyAt: null};
  let last = 0;
  new MutationObserver(() => {
    const ready = document.body?.dataset.ready === "true";
    if (b.readyAt === null && ready) b.readyAt = performance.now();
  }).observe(document, {attributes: true, subtree: true, attributeFilter: ["data-ready"]});
  document.addEventListener("keydown", (event) => {
    const t = last = event.timeStamp;  // when the key came in, though the page was busy
    requestAnimationFrame(() => setTimeout(() => b.frames.push(performance.now() - t), 0));
  }, true);
  document.addEventListener("DOMContentLoaded", () => {
    const region = document.getElementById("announcer");
    new MutationObserver(() => {
      if (region.textContent) b.said.push([performance.now() - last, region.textContent]);
    }).observe(region, {childList: true, characterData: true, subtree: true});
    new MutationObserver(() => b.drawn.push(performance.now() - last))
      .observe(document.getElementById("transcript"), {childList: true});
  });
})();"""
FETCHED = """() => {  // the open in stages, on the page's clock (ms from navigation)
  const nav = performance.getEntriesByType("navigation")[0];
  const ready = window.__bench.readyAt;
  return {"origin": performance.timeOrigin, "open in page": ready,
          "server (page and transcript)": nav.responseStart - nav.requestStart,
          "transfer": nav.responseEnd - nav.responseStart,
          "scripts + render": ready - nav.responseEnd};
}"""
RENDER = """() => {  // render() again in parts, and with offscreen paragraphs skipped
  const box = document.getElementById("transcript"), text = JSON.stringify(voiceedit.page.doc);
  const t = [performance.now()], lap = () => t.push(performance.now());
  const names = ["JSON.parse", "render()", "nodes made", "style + layout", "content-visibility"];
  const doc = JSON.parse(text); lap();
  voiceedit.render(doc); document.body.offsetHeight; lap();
  voiceedit.page.items = [];
  const fragment = document.createDocumentFragment();
  for (const paragraph of doc.paragraphs) {
    const group = document.createElement("div");
    for (const sentence of paragraph) {
      for (const item of sentence) group.append(voiceedit.itemNode(item), " ");
    }
    fragment.append(group);
  }
  lap();
  box.replaceChildren(fragment); document.body.offsetHeight; lap();
  const style = document.createElement("style");
  style.textContent = ".paragraph { content-visibility: auto; contain-intrinsic-size: auto 8em; }";
  document.head.append(style);
  voiceedit.render(doc); document.body.offsetHeight; lap();
  style.remove(); voiceedit.render(doc);
  return Object.fromEntries(names.map((name, n) => [name, t[n + 1] - t[n]]));
}"""


def make_media(folder: Path) -> Path:
    path = folder / "hour.mp4"
    subprocess.run(["ffmpeg", "-v", "error", "-f", "lavfi", "-i",
                    "color=c=0x336699:size=160x90:rate=5:duration=3600", "-f", "lavfi", "-i",
                    "sine=frequency=220:sample_rate=16000:duration=3600", "-c:v", "libx264",
                    "-preset", "ultrafast", "-c:a", "aac", "-b:a", "24k", "-ac", "1",
                    "-shortest", "-movflags", "+faststart", str(path)], check=True)
    return path


def make_words(rng: random.Random, count: int) -> list[Word]:
    """Sentences of 4-18 words drawn Zipf-like from the README's vocabulary (so some words
    occur once: quotable), fillers, gaps between words, pauses after some sentences."""
    prose = (ROOT / "README.md").read_text() + (ROOT / "docs" / "design.md").read_text()
    vocabulary = list(dict.fromkeys(re.findall(r"\b[a-z]{3,}\b", prose)))
    weights = [1 / (rank + 1) for rank in range(len(vocabulary))]
    texts, gaps = [], []
    while len(texts) < count:
        sentence = rng.choices(vocabulary, weights, k=rng.randint(4, 18))
        for _ in range(rng.random() < 0.3):
            sentence.insert(rng.randrange(len(sentence)), "um")
        sentence[0] = sentence[0].capitalize()
        sentence[-1] += "."
        texts += sentence
        gaps += [rng.randint(20, 90) for _ in sentence[:-1]]
        gaps.append(rng.choice([rng.randint(200, 500)] * 5 + [rng.randint(800, 1500),
                                                             rng.randint(2100, 3000)]))
    texts, gaps = texts[:count], gaps[:count]
    lengths = [100 + 30 * len(text) for text in texts]
    pauses = sum(gap for gap in gaps if gap >= 700)
    scale = (HOUR - 3000 - pauses) / (sum(lengths) + sum(gap for gap in gaps if gap < 700))
    words, at = [], 1000.0  # words and short gaps stretched or squeezed to fill the hour
    for text, length, gap in zip(texts, lengths, gaps, strict=True):
        words.append(Word(text, round(at), round(at + length * scale)))
        at += length * scale + (gap * scale if gap < 700 else gap)
    return words


def make_project(path: Path, media: Path, words: list[Word]) -> Path:
    info = probe(media)
    save_project(path, Project.start((Source(info, Transcript(info.path, info.duration,
                                                               tuple(words))),)))
    return path


def quotable(words: list[Word], count: int) -> list[str]:
    """Two-word quotes whose first word occurs once in the transcript, far apart, that
    "delete" makes a quote of (not "delete fillers ...")."""
    seen = Counter(word.text.lower().strip(".") for word in words)
    found, last = [], -10
    for index, (first, second) in enumerate(zip(words, words[1:], strict=False)):
        if (index > last + 5 and first.text.isalpha() and seen[first.text.lower()] == 1
                and second.text.isalpha() and second.text != "um"
                and understand(f"delete {first.text} {second.text}").action == "delete_quote"):
            found.append(f"{first.text} {second.text}")
            last = index
    return found[:count]


def since(began: float) -> float:
    return (time.perf_counter() - began) * 1000


def p50_p95(values: list[float]) -> str:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return f"{statistics.median(values):7.1f} / {p95:7.1f} ms"


def next_frame(page: Page, count: int) -> None:
    page.evaluate("n => new Promise(done => { const look = () => window.__bench.frames.length"
                  " >= n ? done() : requestAnimationFrame(look); look(); })", count)


def browser(project: Path, opens: int, presses: int, count: int,
            flags: tuple[str, ...] = ()) -> dict[str, list[float]]:
    server = subprocess.Popen([*PYTHON, "serve", str(project), "--port", "0"], env=ENV,
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    url = server.stdout.readline().strip()
    found: dict[str, list[float]] = defaultdict(list)
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=shutil.which("chromium"),
                                                  args=["--no-sandbox", *flags])
            context = chromium.new_context(bypass_csp=True)
            context.add_init_script(PROBE)
            for number in range(opens + 1):  # the first: the server's first touch
                began = time.time() * 1000  # the page's clock is wall time: timeOrigin
                page = context.new_page()
                page.goto(url)
                page.wait_for_selector('body[data-ready="true"]', state="attached")
                page.keyboard.press("ArrowRight")  # at once: is the page free to answer it?
                next_frame(page, 1)
                stages = {"first key": page.evaluate("window.__bench.frames[0]"),
                          **page.evaluate(FETCHED)}
                stages["open"] = stages.pop("origin") + stages["open in page"] - began
                for name, took in {**stages, **page.evaluate(RENDER)}.items():
                    found[name] += [took] if number else []
                summary = page.text_content("#summary")
                page.close()
            page = context.new_page()
            page.goto(url)
            page.wait_for_selector('body[data-ready="true"]', state="attached")
            page.focus("#transcript")
            keyed(page, "ArrowRight", presses, found["word"])
            for _ in range(10):
                keyed(page, "End", 1, found["end"])
                keyed(page, "Home", 1, found["home"])
            answers = edits(page, count, found)
            chromium.close()
    finally:
        server.terminate()
        server.wait(timeout=30)
    print(f"browser {' '.join(flags)}: the page says {summary!r}; announced {answers[0]!r} ... "
          f"{answers[-1]!r}; {load_project(project).history.position} undo steps on disk")
    return found


def keyed(page: Page, key: str, presses: int, times: list[float]) -> None:
    """Each press alone: keydown to the next frame drawn after it."""
    for _ in range(presses):
        before = page.evaluate("window.__bench.frames.length")
        page.keyboard.press(key)
        next_frame(page, before + 1)
        times.append(page.evaluate("window.__bench.frames.at(-1)"))


def edits(page: Page, count: int, found: dict[str, list[float]]) -> list[str]:
    """Shift+ArrowRight (two words), Delete: keydown to the answer in #announcer, and to the
    transcript redrawn from the new document."""
    answers = []
    for _ in range(count):
        said, drawn = page.evaluate("[window.__bench.said.length, window.__bench.drawn.length]")
        page.keyboard.press("Shift+ArrowRight")
        page.keyboard.press("Delete")
        page.wait_for_function(f"window.__bench.said.length > {said} && "
                               f"window.__bench.drawn.length > {drawn}")
        (latency, text), redrawn = page.evaluate(
            f"[window.__bench.said[{said}], window.__bench.drawn[{drawn}]]")
        found["said"].append(latency)
        found["drawn"].append(redrawn)
        answers.append(text)
    return answers


def terminal(project: Path, quotes: list[str], runs: int, count: int) -> dict[str, list[float]]:
    found: dict[str, list[float]] = {"open": [], "said": [], "open loop": [], "said loop": []}
    answers = []
    for _ in range(5):
        began = time.perf_counter()
        subprocess.run([*PYTHON, "do", str(project), "where am I"], env=ENV, check=True,
                       capture_output=True, cwd=tempfile.gettempdir())
        found["open"].append(since(began))
    for quote in quotes[:runs]:
        began = time.perf_counter()
        done = subprocess.run([*PYTHON, "do", str(project), f"delete {quote}"], env=ENV,
                              capture_output=True, text=True, cwd=tempfile.gettempdir())
        found["said"].append(since(began))
        answers.append((done.stdout + done.stderr).strip())
    began = time.perf_counter()
    loop = subprocess.Popen([*PYTHON, "do", str(project)], env=ENV, stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            bufsize=1, cwd=tempfile.gettempdir())
    lines = ["where am I"] + [f"delete {quote}" for quote in quotes[runs:runs + count]]
    for number, line in enumerate(lines):
        asked = time.perf_counter()
        loop.stdin.write(line + "\n")
        loop.stdin.flush()
        answers.append(loop.stdout.readline().strip())
        if number:
            found["said loop"].append(since(asked))
        else:  # the first answer: the process started, the project read, "where am I" said
            found["open loop"].append(since(began))
    loop.stdin.close()
    loop.wait(timeout=60)
    other = [answer for answer in answers if not answer.startswith(("Deleted", "At "))]
    print(f"terminal: {len(answers) - 1 - len(other)} of {len(answers) - 1} deletes answered "
          f"'Deleted...', e.g. {answers[0]!r}; {other[:3]}; on disk "
          f"{load_project(project).history.position} undo steps")
    return found


def server_parts(project: Path) -> None:
    """In-process: what the server does behind an open and behind an answer."""
    session = Session(project)
    builds, dumps = [], []
    for _ in range(5):
        began = time.perf_counter()
        built = session.document()
        builds.append(since(began))
        began = time.perf_counter()
        size = len(json.dumps(built))
        dumps.append(since(began))
    cuts, saves = [], []
    for number in range(10):
        began = time.perf_counter()
        session.cut(("w", 2 * number), ("w", 2 * number + 1), session.revision)
        cuts.append(since(began))
        began = time.perf_counter()
        save_project(project, session.editor.state.project)
        saves.append(since(began))
    print(f"in-process document(): {p50_p95(builds)} build, {p50_p95(dumps)} json.dumps, "
          f"{size / 1e6:.2f} MB")
    print(f"in-process Session.cut: {p50_p95(cuts)}; save_project alone {p50_p95(saves)} "
          f"({project.stat().st_size / 1e6:.2f} MB project file)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--opens", type=int, default=10)
    parser.add_argument("--presses", type=int, default=200)
    parser.add_argument("--edits", type=int, default=100)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--seed", type=int, default=16)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        media = make_media(folder)
        words = make_words(random.Random(args.seed), 10_000)
        pauses = sum(b.start - a.end >= 700 for a, b in zip(words, words[1:], strict=False))
        print(f"project: {len(words)} words, {sum(w.text == 'um' for w in words)} fillers, "
              f"{sum(w.text.endswith('.') for w in words)} sentences, {pauses} pauses >= 0.7 s, "
              f"last word ends {words[-1].end / 1000:.0f} s of {probe(media).duration // 1000} s")
        web = browser(make_project(folder / "web.voiceedit", media, words), args.opens,
                      args.presses, args.edits)
        # As with a screen reader running: Chromium keeps the accessibility tree up to date.
        tree = browser(make_project(folder / "tree.voiceedit", media, words), 5, 50, 20,
                       ("--force-renderer-accessibility",))
        quotes = quotable(words, args.runs + args.edits)
        term = terminal(make_project(folder / "term.voiceedit", media, words), quotes,
                        args.runs, args.edits)
        server_parts(make_project(folder / "parts.voiceedit", media, words))
        stages = ["open in page", "server (page and transcript)", "transfer", "scripts + render"]
        parts = ["JSON.parse", "render()", "nodes made", "style + layout", "content-visibility"]
        for title, names, found in (("open, in the page", stages, web), ("render() again",
                                     parts, web), ("open, a11y tree on", stages, tree)):
            print(f"{title}, p50 / p95: " + "; ".join(f"{n} {p50_p95(found[n])}" for n in names))
        rows = [("open the 1-hour project, usable", "open", "open", "open loop"),
                ("  (page clock: navigation to ready)", "open in page", "", ""),
                ("  first key after ready, to frame", "first key", "", ""),
                ("next word (keydown to next frame)", "word", "", ""),
                ("End (keydown to next frame)", "end", "", ""),
                ("Home (keydown to next frame)", "home", "", ""),
                ("delete two words: answer", "said", "said", "said loop"),
                ("  (page: transcript redrawn)", "drawn", "", "")]
        print(f"{'p50 / p95':<36} {'browser':<22} {'browser, a11y tree':<22} "
              f"{'do, a process each':<22} do, stdin loop")
        for what, page, one, loop in rows:
            shown = [p50_p95(web[page]), p50_p95(tree[page]),
                     p50_p95(term[one]) if one else "-", p50_p95(term[loop]) if loop else "-"]
            print(f"{what:<36} " + " ".join(f"{cell:<22}" for cell in shown))
        print(f"load average {os.getloadavg()[0]:.2f}, {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
