// The browser editor: the transcript as a listbox of words, the picture playing the edited
// timeline, the keys from voiceedit/web/keys.py, and every answer in one live region.
// Edits are never made here: each is sent to the server, which runs the same core as the
// terminal, and the page shows what it answers.
"use strict";

const config = JSON.parse(document.getElementById("config").textContent);
const client = Math.random().toString(36).slice(2);
const $ = (id) => document.getElementById(id);
const WORKING_AFTER = 700;  // ms without an answer before "Working." (a render, the first spoken command)

const page = {
  doc: null,          // the server's document (web/document.py)
  items: [],          // the words and pauses, in order: {k, i, t, s, e, node}
  sentences: [],      // index into items where each sentence starts
  paragraphs: [],     // ... and each paragraph
  cursor: 0,          // index into items
  at: 0,              // the playhead, timeline ms: the cursor's start, or where sound stopped
  anchor: null,       // where a Shift selection started, or null
  selected: [0, -1],  // inclusive range of items shown selected
  current: null,      // the item marked aria-current (being played)
  playing: false,
  playEnd: 0,
  clip: -1,           // the clip the player is in
  recorder: null,
  queue: Promise.resolve(),  // keys run in order: a move pressed during a cut waits for it
};

// --- times ------------------------------------------------------------------------------

function clock(ms) {
  const tenths = Math.round(ms / 100);
  const minutes = Math.floor(tenths / 600);
  const seconds = ((tenths % 600) / 10).toFixed(1).padStart(4, "0");
  return `${minutes}:${seconds}`;
}

function itemAt(ms) {
  // The item being said at `ms`, else the next one; the last if past the end.
  const items = page.items;
  let low = 0, high = items.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (items[mid].e <= ms) low = mid + 1; else high = mid;
  }
  return Math.min(low, items.length - 1);
}

function cursorTime() {
  return page.at;
}

// --- the transcript ---------------------------------------------------------------------

function render(doc) {
  page.doc = doc;
  page.items = [];
  page.sentences = [];
  page.paragraphs = [];
  page.current = null;
  const box = $("transcript");
  const fragment = document.createDocumentFragment();
  for (const paragraph of doc.paragraphs) {
    const group = document.createElement("div");
    group.className = "paragraph";
    group.setAttribute("role", "group");
    page.paragraphs.push(page.items.length);
    for (const sentence of paragraph) {
      page.sentences.push(page.items.length);
      for (const item of sentence) {
        group.append(itemNode(item), " ");
      }
    }
    fragment.append(group);
  }
  box.replaceChildren(fragment);
  page.anchor = null;
  page.selected = [0, -1];
  const words = page.items.filter((item) => item.k === "w").length;
  if (video.dataset.media) {  // captions again: a correction may have changed their words
    $("captions").src = `/captions/${video.dataset.media}?revision=${doc.revision}`;
  }
  $("summary").textContent = `${words} words, ${clock(doc.duration)} long.`;
  moveTo(page.items.length ? itemAt(doc.playhead) : 0, false, doc.playhead);
}

function itemNode(item) {
  if (item.k === "x") {
    const node = document.createElement("del");
    node.textContent = item.t;
    return node;
  }
  const node = document.createElement("span");
  node.setAttribute("role", "option");
  node.setAttribute("aria-selected", "false");
  node.id = `${item.k}${item.i}`;
  node.dataset.n = page.items.length;
  if (item.k === "p") {
    node.className = "pause";
    node.textContent = `pause ${((item.e - item.s) / 1000).toFixed(1)} s`;
  } else {
    node.textContent = item.t;
    if (item.f) {
      node.className = "filler";
      const note = document.createElement("span");
      note.className = "visually-hidden";
      note.textContent = " (filler)";
      node.append(note);
    }
  }
  item.node = node;
  page.items.push(item);
  return node;
}

function moveTo(index, extend, at) {
  // Put the cursor on item `index` (extending the selection with Shift) and the playhead at
  // its start, or at `at` when the sound stopped inside it.
  if (!page.items.length) return;
  index = Math.max(0, Math.min(index, page.items.length - 1));
  const box = $("transcript");
  page.items[page.cursor]?.node.classList.remove("cursor");
  if (extend && page.anchor === null) page.anchor = page.cursor;
  if (!extend) page.anchor = null;
  page.cursor = index;
  const node = page.items[index].node;
  node.classList.add("cursor");
  box.setAttribute("aria-activedescendant", node.id);
  showSelection();
  node.scrollIntoView({ block: "nearest" });
  page.at = at ?? page.items[index].s;
  if (!page.playing) showFrame(page.at);
}

function showSelection() {
  const [oldFirst, oldLast] = page.selected;
  for (let n = oldFirst; n <= oldLast; n++) page.items[n]?.node.setAttribute("aria-selected", "false");
  page.selected = page.anchor === null ? [0, -1]
    : [Math.min(page.anchor, page.cursor), Math.max(page.anchor, page.cursor)];
  const [first, last] = page.selected;
  for (let n = first; n <= last; n++) page.items[n].node.setAttribute("aria-selected", "true");
}

function step(starts, direction) {
  // The next (or previous) start of a sentence or paragraph from the cursor.
  const at = page.cursor;
  if (direction > 0) return starts.find((start) => start > at) ?? page.items.length - 1;
  const before = starts.filter((start) => start < at);
  return before.length ? before[before.length - 1] : 0;
}

const MOVES = {
  "word+1": () => page.cursor + 1,
  "word-1": () => page.cursor - 1,
  "sentence+1": () => step(page.sentences, 1),
  "sentence-1": () => step(page.sentences, -1),
  "paragraph+1": () => step(page.paragraphs, 1),
  "paragraph-1": () => step(page.paragraphs, -1),
  "start": () => 0,
  "end": () => page.items.length - 1,
};

// --- talking to the server ----------------------------------------------------------------

async function post(url, body, type = "application/json") {
  // A command that takes a while (a render, the first spoken command) says so once.
  const working = setTimeout(() => announce("Working.", false), WORKING_AFTER);
  try {
    const response = await fetch(url, { method: "POST", headers: { "content-type": type },
      body: type === "application/json" ? JSON.stringify(body) : body });
    return await response.json();
  } catch {
    return { message: "The editor is not answering; is voiceedit serve still running?" };
  } finally {
    clearTimeout(working);
  }
}

function pointing() {
  return { at: page.playing ? playingTime() : cursorTime(), playing: page.playing, client };
}

async function say(text) {
  await answered(await post("/api/say", { text, ...pointing() }));
}

async function cut() {
  if (!page.items.length) return;
  const [first, last] = page.anchor === null ? [page.cursor, page.cursor] : page.selected;
  const item = (n) => [page.items[n].k, page.items[n].i];
  await answered(await post("/api/cut", { from: item(first), to: item(last),
    revision: page.doc.revision, ...pointing() }));
}

function correctWords() {
  // E: the current word (or the selected words) typed right. Enter sends the sentence a
  // voice says, "correct <old words> to <new words>", with the cursor, so the words here
  // are the ones corrected; Escape leaves them as they are.
  const [first, last] = page.anchor === null ? [page.cursor, page.cursor] : page.selected;
  const old = page.items.slice(first, last + 1).filter((item) => item.k === "w")
    .map((item) => item.t).join(" ");
  if (!old) return announce("Put the cursor on a word to correct it.");
  const dialog = $("correct-dialog"), field = $("correct-words");
  $("correct-label").textContent = `Correct “${old}” to`;
  field.value = old;
  $("correct-form").onsubmit = (event) => {
    event.preventDefault();
    const text = field.value.trim();
    dialog.close();
    if (text && text !== old) say(`correct ${old} to ${text}`);
  };
  dialog.onclose = () => $("transcript").focus();
  dialog.showModal();
  field.select();
}

async function answered(reply) {
  announce(reply.message);
  if (reply.heard) log(`Heard: ${reply.heard}`);
  if (reply.revision !== undefined && reply.revision !== page.doc.revision) {
    await reload();
  } else if (reply.playhead !== undefined && reply.playhead !== cursorTime() && page.items.length) {
    moveTo(itemAt(reply.playhead), false, reply.playhead);
  }
  if (reply.question) ask(reply.question);
}

async function reload() {
  const response = await fetch("/api/document");
  render(await response.json());
}

function announce(text, logged = true) {
  // One live region for every answer; the same sentence twice is still announced.
  const region = $("announcer");
  if (region.textContent === text) region.textContent = "";
  region.textContent = text;
  if (logged) log(text);
}

function log(text) {
  const entry = document.createElement("li");
  entry.textContent = text;
  $("log").prepend(entry);
  while ($("log").children.length > 50) $("log").lastElementChild.remove();
}

function listen() {
  const events = new EventSource("/api/events");
  events.onmessage = async (message) => {
    const event = JSON.parse(message.data);
    if (event.type === "play") play(event.start, event.end);
    else if (event.type === "stop") pause();
    else if (event.type === "changed") { announce(event.message); await reload(); }
    else if (event.type === "answer" && event.client !== client) await answered(event);
  };
}

// --- questions and help -----------------------------------------------------------------

function ask(question) {
  const dialog = $("question-dialog");
  $("question-text").textContent = question.text;
  const buttons = question.kind === "confirm"
    ? [["Yes", "yes"], ["No", "no"]]
    : [...question.choices.map((choice, n) =>
        [`${n + 1}: at ${clock(choice.at)}, ${choice.text}`, `option ${n + 1}`]), ["Cancel", "cancel"]];
  $("question-choices").replaceChildren(...buttons.map(([label, text]) => {
    const button = document.createElement("button");
    button.type = "button";
    button.textContent = label;
    button.onclick = () => { dialog.close(); say(text); };
    return button;
  }));
  dialog.oncancel = (event) => { event.preventDefault(); dialog.close(); say(question.kind === "confirm" ? "no" : "cancel"); };
  dialog.onclose = () => $("transcript").focus();
  if (!dialog.open) dialog.showModal();
  $("question-choices").querySelector("button").focus();
}

function buildHelp() {
  const rows = config.keys.map((key) => {
    const row = document.createElement("tr");
    for (const text of [key.labels.join(", "), key.what, key.say]) {
      const cell = document.createElement("td");
      cell.textContent = text;
      row.append(cell);
    }
    return row;
  });
  $("help-keys").tBodies[0].replaceChildren(...rows);
  $("help-topics").replaceChildren(...Object.values(config.topics).map((text) => {
    const paragraph = document.createElement("p");
    paragraph.textContent = text;
    return paragraph;
  }));
  $("help-close").onclick = () => $("help-dialog").close();
  $("help-dialog").onclose = () => $("transcript").focus();
}

// --- the picture ------------------------------------------------------------------------

const video = $("player");

function clipAt(ms) {
  const clips = page.doc.clips;
  let n = clips.length - 1;
  while (n > 0 && clips[n].start > ms) n--;
  return n;
}

function load(n, ms) {
  const clip = page.doc.clips[n];
  page.clip = n;
  if (video.dataset.media !== String(clip.media)) {
    video.dataset.media = String(clip.media);
    video.src = `/media/${clip.media}`;
    $("captions").src = `/captions/${clip.media}`;
  }
  video.currentTime = (clip.in + Math.max(0, ms - clip.start)) / 1000;
}

function playingTime() {
  const clip = page.doc.clips[page.clip];
  if (!clip) return cursorTime();
  return clip.start + Math.min(clip.out - clip.in, Math.max(0, video.currentTime * 1000 - clip.in));
}

function showFrame(ms) {
  if (!page.doc || !page.doc.clips.length) return;
  load(clipAt(ms), ms);
  showPosition(ms);
}

function showPosition(ms) {
  $("position").textContent = `${clock(ms)} of ${clock(page.doc.duration)}`;
}

async function play(start, end) {
  if (!page.doc.clips.length) return;
  load(clipAt(start), start);
  page.playEnd = end ?? page.doc.duration;
  page.playing = true;
  $("play-button").textContent = "Pause";
  try {
    await video.play();
  } catch {
    page.playing = false;
    announce("Press Space to play: the browser plays sound only after a key on the page.");
  }
}

function pause() {
  if (!page.playing) return;
  const at = playingTime();
  page.playing = false;
  video.pause();
  $("play-button").textContent = "Play";
  markCurrent(null);
  moveTo(itemAt(at), false, at);
}

function follow() {
  // While playing: jump over what was cut, stop at the end, mark the word being said.
  if (page.playing) {
    const clip = page.doc.clips[page.clip];
    if (video.currentTime * 1000 >= clip.out - 15) {
      const next = page.doc.clips[page.clip + 1];
      if (!next || next.start >= page.playEnd) { pause(); return; }
      if (next.media === clip.media && next.in === clip.out) page.clip += 1;
      else { load(page.clip + 1, next.start); video.play().catch(() => {}); }
    }
    const at = playingTime();
    if (at >= page.playEnd) { pause(); return; }
    if (page.items.length) markCurrent(page.items[itemAt(at)]);
    showPosition(at);
  }
}

function markCurrent(item) {
  if (page.current === item) return;
  page.current?.node.removeAttribute("aria-current");
  page.current = item;
  item?.node.setAttribute("aria-current", "true");
}

// --- the microphone -----------------------------------------------------------------------

const OPENING = "opening";  // page.recorder while the browser opens the microphone

async function microphone(on) {
  // On: record until off (M again, or T let go); then send it and announce the answer.
  // A key let go while the microphone is still opening (the browser's permission prompt)
  // stops it there: nothing is left recording that nobody asked for.
  if (on && !page.recorder) {
    page.recorder = OPENING;
    $("microphone").setAttribute("aria-pressed", "true");
    let stream;
    try {
      stream = await navigator.mediaDevices.getUserMedia({ audio: true });
    } catch {
      page.recorder = null;
      $("microphone").setAttribute("aria-pressed", "false");
      announce("The browser gave no microphone; allow it for this page, or type the command.");
      return;
    }
    if (page.recorder !== OPENING) {
      stream.getTracks().forEach((track) => track.stop());
      announce("The microphone is ready; hold T while you speak.");
      return;
    }
    const chunks = [];
    const recorder = new MediaRecorder(stream);
    recorder.ondataavailable = (event) => chunks.push(event.data);
    recorder.onstop = () => {
      stream.getTracks().forEach((track) => track.stop());
      send(new Blob(chunks, { type: recorder.mimeType }), recorder.mimeType || "audio/webm");
    };
    recorder.start();
    page.recorder = recorder;
    announce("Listening.");
    fetch("/api/listening", { method: "POST" }).catch(() => {});  // load the model meanwhile
  } else if (!on && page.recorder) {
    const recorder = page.recorder;
    page.recorder = null;
    $("microphone").setAttribute("aria-pressed", "false");
    if (recorder !== OPENING) recorder.stop();
  }
}

async function send(recording, type) {
  // post() says "Working." if the answer is slow (the first spoken command loads the model).
  const where = pointing();
  const query = new URLSearchParams({ at: where.at, playing: where.playing, client });
  await answered(await post(`/api/speech?${query}`, recording, type));
}

// --- keys -------------------------------------------------------------------------------

function keyName(event) {
  const printed = event.key.length === 1;
  const parts = [];
  if (event.ctrlKey || event.metaKey) parts.push("Ctrl");
  if (event.shiftKey && (!printed || event.ctrlKey || event.metaKey)) parts.push("Shift");
  if (event.altKey) parts.push("Alt");
  parts.push(printed && event.key !== " " ? event.key.toUpperCase() : event.key);
  return parts.join("+");
}

const bindings = new Map();
for (const key of config.keys) for (const name of key.keys) bindings.set(name, key);

const DOES = {
  cut: () => cut(),
  correct: () => correctWords(),
  say: (key) => say(key.say),
  play: () => (page.playing ? pause() : play(page.playing ? playingTime() : cursorTime())),
  clear: () => moveTo(page.cursor, false),
  removed: () => { $("show-removed").checked = !$("show-removed").checked; showRemoved(); },
  command: () => $("command").focus(),
  microphone: () => microphone(!page.recorder),
  talk: () => microphone(true),
  help: () => $("help-dialog").showModal(),
};

function onKey(event) {
  const target = event.target;
  if (target.closest("dialog")) return;  // a dialog's own buttons and Escape
  if (target.matches("input[type=text], textarea, select")) {
    if (event.key === "Escape") $("transcript").focus();
    return;
  }
  if (target.matches("button, input[type=checkbox]") && (event.key === " " || event.key === "Enter")) {
    return;  // the focused control's own Space and Enter
  }
  const name = keyName(event);
  const unshifted = name.replace("Shift+", "");
  const base = bindings.get(unshifted);
  const move = base && base.does in MOVES ? base : bindings.get(name);
  if (!move || !(move.does in MOVES || move.does in DOES)) return;
  event.preventDefault();
  if (event.repeat && move.does in DOES) return;  // a held key is one command
  const extend = name !== unshifted;
  page.queue = page.queue.then(() => {
    if (move.does in MOVES) moveTo(MOVES[move.does](), extend);
    else return DOES[move.does](move);
  }).catch((error) => announce(`Something went wrong in the page: ${error.message}`));
  if (move.does in MOVES || move.does === "clear") $("transcript").focus();
}

function onKeyUp(event) {
  const key = bindings.get(keyName(event));
  if (key && key.does === "talk") microphone(false);
}

function showRemoved() {
  $("transcript").classList.toggle("hide-removed", !$("show-removed").checked);
}

// --- start --------------------------------------------------------------------------------

document.addEventListener("keydown", onKey);
document.addEventListener("keyup", onKeyUp);
$("transcript").addEventListener("click", (event) => {
  const node = event.target.closest("[role=option]");
  if (node) moveTo(Number(node.dataset.n), event.shiftKey);
});
$("command-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const text = $("command").value.trim();
  if (text) { $("command").value = ""; say(text); }
});
$("microphone").addEventListener("click", () => microphone(!page.recorder));
$("play-button").addEventListener("click", () => DOES.play());
$("help-button").addEventListener("click", () => $("help-dialog").showModal());
$("show-removed").addEventListener("change", showRemoved);
video.addEventListener("timeupdate", follow);
setInterval(follow, 30);
buildHelp();
render(config.document);  // the transcript came with the page
listen();
document.body.dataset.ready = "true";
