// The browser editor: the keys from voiceedit/web/keys.py, and the start. Edits are never
// made here: each is sent to the server, which runs the same core as the terminal, and the
// page shows what it answers (see commands.js).
import { $, announce, config, cursorTime, page } from "./page.js";
import { MOVES, itemNode, moveTo, render, showRemoved } from "./transcript.js";
import { ask, buildHelp, correctWords, cut, listen, say } from "./commands.js";
import { follow, pause, play, video } from "./player.js";
import { microphone } from "./microphone.js";

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
  play: () => (page.playing ? pause() : play(cursorTime())),
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
// A question asked before the page opened (by voice in `listen`, or before a reload) waits
// for its answer here too.
if (config.document.question) ask(config.document.question);
window.voiceedit = { page, render, itemNode };  // for the benchmark and tests to look in
listen();
document.body.dataset.ready = "true";
