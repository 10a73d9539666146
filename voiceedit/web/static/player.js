// The picture: the untouched sources played as the edited timeline, jumping over what was
// cut, with the word being said marked.
import { $, announce, clock, cursorTime, itemAt, page } from "./page.js";
import { moveTo } from "./transcript.js";

export const video = $("player");

export function clipAt(ms) {
  const clips = page.doc.clips;
  let n = clips.length - 1;
  while (n > 0 && clips[n].start > ms) n--;
  return n;
}

export function load(n, ms) {
  const clip = page.doc.clips[n];
  page.clip = n;
  if (video.dataset.media !== String(clip.media)) {
    video.dataset.media = String(clip.media);
    video.src = `/media/${clip.media}`;
    $("captions").src = `/captions/${clip.media}`;
  }
  video.currentTime = (clip.in + Math.max(0, ms - clip.start)) / 1000;
}

export function playingTime() {
  const clip = page.doc.clips[page.clip];
  if (!clip) return cursorTime();
  return clip.start + Math.min(clip.out - clip.in, Math.max(0, video.currentTime * 1000 - clip.in));
}

export function showFrame(ms) {
  if (!page.doc || !page.doc.clips.length) return;
  load(clipAt(ms), ms);
  showPosition(ms);
}

export function showPosition(ms) {
  $("position").textContent = `${clock(ms)} of ${clock(page.doc.duration)}`;
}

export async function play(start, end) {
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

export function pause() {
  if (!page.playing) return;
  const at = playingTime();
  page.playing = false;
  video.pause();
  $("play-button").textContent = "Play";
  markCurrent(null);
  moveTo(itemAt(at), false, at);
}

export function follow() {
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

export function markCurrent(item) {
  if (page.current === item) return;
  page.current?.node.removeAttribute("aria-current");
  page.current = item;
  item?.node.setAttribute("aria-current", "true");
}
