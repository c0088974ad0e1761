// A reviewer's work on a stored article: feedback on its analysis (a span marked wrong, its
// technique corrected, a missing span added; POST /api/articles/{id}/feedback, code-point offsets,
// with the reviewer's name and note), then the article shown again with the feedback applied
// (?corrected=true); or the article deleted from the corpus (DELETE /api/articles/{id}).

import { api, el, say, taxonomyTechniques, techniqueName } from "./app.js";
import { locateQuote, selectedRange } from "./text-range.js";

const $ = (id) => document.getElementById(id);

/** Send one piece of feedback for the view's article and show the corrected article. */
export async function sendFeedback(view, body, done) {
  const author = $("fb-author").value.trim();
  const sent = { ...body, ...(author ? { author } : {}) };
  if (!sent.note) delete sent.note; // an empty note is no note
  try {
    await api(`/api/articles/${encodeURIComponent(view.articleId)}/feedback`, { json: sent });
    say(`${done}. Thank you.`);
    if (view.reload) view.show(await view.reload());
  } catch (error) {
    say(`Feedback not saved: ${error.message}`, "error");
  }
}

/** The buttons of the detail card: mark the span wrong, correct its technique. */
export function feedbackControls(view, span) {
  const box = el("div", { class: "fb-controls" });
  const note = el("input", { id: "fb-note", type: "text", autocomplete: "off" });
  // read when a button is pressed: the note typed after the card was built
  const about = () => ({ span_id: span.id || null, start: span.start, end: span.end, original: span.technique, note: note.value.trim() });
  box.append(el("label", { for: "fb-note" }, "Note ", el("span", { class: "muted", text: "(optional)" })), note);
  if (span.attrs.feedback !== "wrong") {
    box.append(el("button", { type: "button", class: "danger", onclick: () => sendFeedback(view, { kind: "wrong", ...about() }, "Marked as wrong") }, "Mark as wrong"));
  }
  const select = el("select", { id: "fix-technique", "aria-label": "Correct technique" });
  // the span's own taxonomy only: with both, names repeated ("Flag-waving" twice)
  for (const [label, name] of taxonomyTechniques(view.cat, span.taxonomy || "ptc14")) {
    if (label !== span.technique) select.append(el("option", { value: label, text: name }));
  }
  const fix = () => sendFeedback(view, { kind: "corrected", ...about(), technique: select.value }, "Technique corrected");
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
  const note = $("add-note").value.trim();
  await sendFeedback(view, { kind: "added", start: range.start, end: range.end, technique, note }, `Added ${techniqueName(view.cat, technique)}`);
  view.pending = null;
  $("add-quote").value = "";
  $("add-note").value = "";
}

const REVIEWER_KEY = "unspun-reviewer";

/** The reviewer's name field: filled with the name last given in this browser, kept as it is typed. */
export function bindReviewer() {
  const field = $("fb-author");
  field.value = localStorage.getItem(REVIEWER_KEY) || "";
  field.addEventListener("input", () => localStorage.setItem(REVIEWER_KEY, field.value.trim()));
}

/** Delete the view's article from the corpus once the reader confirms; the view gives way to a
 * notice linking the corpus (the Analyse page goes back to its own address). */
export async function deleteArticle(view) {
  const title = view.data.title || "this untitled article";
  if (!window.confirm(`Delete “${title}” from the corpus, with its analyses and feedback? This cannot be undone.`)) return;
  try {
    await api(`/api/articles/${encodeURIComponent(view.articleId)}`, { method: "DELETE" });
  } catch (error) {
    say(`Not deleted: ${error.message}`, "error");
    return;
  }
  view.articleId = null;
  $("view").hidden = true;
  $("tooltip").hidden = true;
  const done = el("p", { class: "notice info" }, `“${title}” was deleted from the corpus. `, el("a", { href: "/articles", text: "Back to the corpus" }));
  $("view").before(done);
  if (document.body.dataset.page === "analyse") history.replaceState({}, "", "/");
  say("Deleted from the corpus.");
}
