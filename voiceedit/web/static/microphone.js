// The microphone: record while M is on or T is held, send it to the same recogniser as
// `voiceedit listen`, announce the answer.
import { $, announce, client, page } from "./page.js";
import { answered, pointing, post } from "./commands.js";

export const OPENING = "opening";  // page.recorder while the browser opens the microphone

export async function microphone(on) {
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

export async function send(recording, type) {
  // post() says "Working." if the answer is slow (the first spoken command loads the model).
  const where = pointing();
  const query = new URLSearchParams({ at: where.at, playing: where.playing, client });
  await answered(await post(`/api/speech?${query}`, recording, type));
}
