// What every part of the browser editor shares: the configuration and transcript the server
// put in the page, the page's state, times as printed, and the one live region for answers.

export const config = JSON.parse(document.getElementById("config").textContent);
export const client = Math.random().toString(36).slice(2);
export const $ = (id) => document.getElementById(id);
export const WORKING_AFTER = 700;  // ms without an answer before "Working." (a render, the first spoken command)

export const page = {
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

export function clock(ms) {
  const tenths = Math.round(ms / 100);
  const minutes = Math.floor(tenths / 600);
  const seconds = ((tenths % 600) / 10).toFixed(1).padStart(4, "0");
  return `${minutes}:${seconds}`;
}

export function itemAt(ms) {
  // The item being said at `ms`, else the next one; the last if past the end.
  const items = page.items;
  let low = 0, high = items.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (items[mid].e <= ms) low = mid + 1; else high = mid;
  }
  return Math.min(low, items.length - 1);
}

export function cursorTime() {
  return page.at;
}

export function announce(text, logged = true) {
  // One live region for every answer; the same sentence twice is still announced.
  const region = $("announcer");
  if (region.textContent === text) region.textContent = "";
  region.textContent = text;
  if (logged) log(text);
}

export function log(text) {
  const entry = document.createElement("li");
  entry.textContent = text;
  $("log").prepend(entry);
  while ($("log").children.length > 50) $("log").lastElementChild.remove();
}
