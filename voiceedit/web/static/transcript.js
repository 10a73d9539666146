// The transcript as a listbox of words and pauses: drawing it, the cursor, the selection.
// Chapter headings and shot changes ("b" items) are shown between the words, hidden from
// the accessibility tree (a listbox holds only options and groups) and given instead as
// the description of the option after them, which a screen reader says as it gets there.
import { $, clock, itemAt, page } from "./page.js";
import { showFrame, video } from "./player.js";

export function render(doc) {
  page.doc = doc;
  page.items = [];
  page.sentences = [];
  page.paragraphs = [];
  page.current = null;
  page.breaks = [];  // ids of the breaks waiting for the next option
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
  const last = page.items[page.items.length - 1];
  if (last && page.breaks.length) describeBy(last.node, page.breaks);  // breaks at the end
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

function describeBy(node, ids) {
  const known = node.getAttribute("aria-describedby");
  node.setAttribute("aria-describedby", [known, ...ids].filter(Boolean).join(" "));
  ids.length = 0;
}

export function itemNode(item) {
  if (item.k === "b") {
    const node = document.createElement("span");
    node.className = `break ${item.c}`;
    node.id = `b${page.items.length}-${(page.breaks ??= []).length}`;
    node.setAttribute("aria-hidden", "true");
    node.textContent = item.t;
    page.breaks.push(node.id);
    return node;
  }
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
  if (page.breaks?.length) describeBy(node, page.breaks);
  item.node = node;
  page.items.push(item);
  return node;
}

export function moveTo(index, extend, at) {
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

export function showSelection() {
  const [oldFirst, oldLast] = page.selected;
  for (let n = oldFirst; n <= oldLast; n++) page.items[n]?.node.setAttribute("aria-selected", "false");
  page.selected = page.anchor === null ? [0, -1]
    : [Math.min(page.anchor, page.cursor), Math.max(page.anchor, page.cursor)];
  const [first, last] = page.selected;
  for (let n = first; n <= last; n++) page.items[n].node.setAttribute("aria-selected", "true");
}

export function step(starts, direction) {
  // The next (or previous) start of a sentence or paragraph from the cursor.
  const at = page.cursor;
  if (direction > 0) return starts.find((start) => start > at) ?? page.items.length - 1;
  const before = starts.filter((start) => start < at);
  return before.length ? before[before.length - 1] : 0;
}

export const MOVES = {
  "word+1": () => page.cursor + 1,
  "word-1": () => page.cursor - 1,
  "sentence+1": () => step(page.sentences, 1),
  "sentence-1": () => step(page.sentences, -1),
  "paragraph+1": () => step(page.paragraphs, 1),
  "paragraph-1": () => step(page.paragraphs, -1),
  "start": () => 0,
  "end": () => page.items.length - 1,
};

export function showRemoved() {
  $("transcript").classList.toggle("hide-removed", !$("show-removed").checked);
}
