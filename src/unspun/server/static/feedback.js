// Feedback on a stored article's analysis: a span marked wrong, its technique corrected, a
// missing span added (POST /api/articles/{id}/feedback; code-point offsets), then the article
// is shown again with the feedback applied (?corrected=true).

import { api, el, say, taxonomyTechniques, techniqueName } from "./app.js";
import { locateQuote, selectedRange } from "./text-range.js";

const $ = (id) => document.getElementById(id);

/** Send one piece of feedback for the view's article and show the corrected article. */
export async function sendFeedback(view, body, done) {
  try {
    await api(`/api/articles/${encodeURIComponent(view.articleId)}/feedback`, { json: body });
    say(`${done}. Thank you.`);
    if (view.reload) view.show(await view.reload());
  } catch (error) {
    say(`Feedback not saved: ${error.message}`, "error");
  }
}

/** The buttons of the detail card: mark the span wrong, correct its technique. */
export function feedbackControls(view, span) {
  const box = el("div", { class: "fb-controls" });
  const about = { span_id: span.id || null, start: span.start, end: span.end, original: span.technique };
  if (span.attrs.feedback !== "wrong") {
    box.append(el("button", { type: "button", class: "danger", onclick: () => sendFeedback(view, { kind: "wrong", ...about }, "Marked as wrong") }, "Mark as wrong"));
  }
  const select = el("select", { id: "fix-technique", "aria-label": "Correct technique" });
  // the span's own taxonomy only: with both, names repeated ("Flag-waving" twice)
  for (const [label, name] of taxonomyTechniques(view.cat, span.taxonomy || "ptc14")) {
    if (label !== span.technique) select.append(el("option", { value: label, text: name }));
  }
  const fix = () => sendFeedback(view, { kind: "corrected", ...about, technique: select.value }, "Technique corrected");
  box.append(el("div", { class: "fix" }, select, el("button", { type: "button", onclick: fix }, "Correct technique")));
  return box;
}

/** Keep the words the user selected in the text as the span to add. */
export function captureSelection(view) {
  const range = selectedRange(view.textBox, view.map, view.text);
  if (!range) return;
  view.pending = range;
  view.offerTechniquesAt(range.start); // the paragraph's taxonomy (a German one in an English article)
  $("add-quote").value = view.quoteOf(range);
  $("add-span").open = true;
  if (view.articleId !== null) say("Selection ready: choose a technique under “Add a missing span”.");
}

/** Offer the techniques of the paragraph where the typed words are found (their first
 * occurrence, or the selection they still match), as a selection does. */
export function followQuote(view) {
  const quote = $("add-quote").value;
  const range = quote.trim() ? locateQuote(view.map, view.text, quote, view.pending) : null;
  if (range) view.offerTechniquesAt(range.start);
}

/** Add the missing span of the form: the selected words, else the typed words' first occurrence. */
export async function addSpan(view) {
  const quote = $("add-quote").value;
  const range = quote.trim() ? locateQuote(view.map, view.text, quote, view.pending) : null;
  if (!range) {
    say("That text is not in the article: select it, or type it exactly as written.", "error");
    return;
  }
  const technique = $("add-technique").value;
  await sendFeedback(view, { kind: "added", start: range.start, end: range.end, technique }, `Added ${techniqueName(view.cat, technique)}`);
  view.pending = null;
  $("add-quote").value = "";
}
