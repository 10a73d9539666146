// Talking to the server: every edit is a command it runs with the terminal's core; the page
// shows the answer. Also the questions it asks and the help it lists.
import { $, WORKING_AFTER, announce, client, clock, config, cursorTime, itemAt, log, page } from "./page.js";
import { moveTo, render } from "./transcript.js";
import { pause, play, playingTime } from "./player.js";

export async function post(url, body, type = "application/json") {
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

export function pointing() {
  return { at: page.playing ? playingTime() : cursorTime(), playing: page.playing, client };
}

export async function say(text) {
  await answered(await post("/api/say", { text, ...pointing() }));
}

export async function cut() {
  if (!page.items.length) return;
  const [first, last] = page.anchor === null ? [page.cursor, page.cursor] : page.selected;
  const item = (n) => [page.items[n].k, page.items[n].i];
  await answered(await post("/api/cut", { from: item(first), to: item(last),
    revision: page.doc.revision, ...pointing() }));
}

export function correctWords() {
  // E: the current word (or the selected words) typed right. Enter sends these words and
  // the new ones exactly as typed, to the action "correct <old words> to <new words>" said
  // runs (a full stop or a bracket typed stays); Escape leaves them as they are.
  const [first, last] = page.anchor === null ? [page.cursor, page.cursor] : page.selected;
  const old = page.items.slice(first, last + 1).filter((item) => item.k === "w")
    .map((item) => item.t).join(" ");
  if (!old) return announce("Put the cursor on a word to correct it.");
  const dialog = $("correct-dialog"), field = $("correct-words");
  $("correct-label").textContent = `Correct “${old}” to`;
  field.value = old;
  // The words as they are now: if another window changes the transcript meanwhile, the
  // server sees this older revision and changes nothing.
  const item = (n) => [page.items[n].k, page.items[n].i];
  const chosen = { from: item(first), to: item(last), revision: page.doc.revision };
  $("correct-form").onsubmit = async (event) => {
    event.preventDefault();
    const text = field.value.trim();
    dialog.close();
    if (!text || text === old) return;
    await answered(await post("/api/correct", { ...chosen, words: text, ...pointing() }));
  };
  dialog.onclose = () => $("transcript").focus();
  dialog.showModal();
  field.select();
}

export async function answered(reply) {
  announce(reply.message);
  if (reply.heard) log(`Heard: ${reply.heard}`);
  if (reply.revision !== undefined && reply.revision !== page.doc.revision) {
    await reload();
  } else if (reply.playhead !== undefined && reply.playhead !== cursorTime() && page.items.length) {
    moveTo(itemAt(reply.playhead), false, reply.playhead);
  }
  if (reply.question) ask(reply.question);
}

export async function reload() {
  const response = await fetch("/api/document");
  render(await response.json());
}

export function listen() {
  const events = new EventSource("/api/events");
  events.onmessage = async (message) => {
    const event = JSON.parse(message.data);
    if (event.type === "play") play(event.start, event.end);
    else if (event.type === "stop") pause();
    else if (event.type === "changed") { announce(event.message); await reload(); }
    else if (event.type === "answer" && event.client !== client) await answered(event);
  };
}

export function ask(question) {
  const dialog = $("question-dialog");
  $("question-text").textContent = question.text;
  const buttons = question.kind === "confirm"
    ? [["Yes", "yes"], ["No", "no"]]
    : question.kind === "meaning"
      ? [...question.choices.map((choice, n) => [`${n + 1}: ${choice.text}`, `option ${n + 1}`]),
        ["No", "no"]]
      : [...question.choices.map((choice, n) =>
          [`${n + 1}: at ${clock(choice.at)}, ${choice.text}`, `option ${n + 1}`]), ["Cancel", "cancel"]];
  $("question-choices").replaceChildren(...buttons.map(([label, text]) => {
    const button = document.createElement("button");
    button.type = "button";
    button.textContent = label;
    button.onclick = () => { dialog.close(); say(text); };
    return button;
  }));
  dialog.oncancel = (event) => { event.preventDefault(); dialog.close(); say(question.kind === "choice" ? "cancel" : "no"); };
  dialog.onclose = () => $("transcript").focus();
  if (!dialog.open) dialog.showModal();
  $("question-choices").querySelector("button").focus();
}

export function buildHelp() {
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
