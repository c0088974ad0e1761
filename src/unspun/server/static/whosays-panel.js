// Who, what and quotes under the article: entities, attributions and check-worthy claims of
// the analysis (JSON "entities", "attributions", "claims"), each able to show its words.

import { el, percent } from "./app.js";

// What a claim's figure is, as the text view says it (render_whosays.CLAIM_SCORE_NOTE).
export const CLAIM_SCORE_NOTE =
  "the probability that fact-checkers would pick the sentence to check (a model of " +
  "CheckThat! 2024 debate sentences); a claim to check, not a finding that it is false";

// The lists' headings, as the text view says them (render_whosays.HEADINGS).
export const HEADINGS = {
  entities: "Who: entities",
  quotes: "Quotes and reported statements",
  claims: "Check-worthy claims",
};

// The entity table's columns, as the text view says them (render_whosays.ENTITY_COLUMNS).
export const ENTITY_COLUMNS = ["entity", "type", "mentions", "tone", "portrayed as"];

/** How an entity (JSON) is portrayed, as render_whosays.role_text says it; "" for no role. */
export function roleText(e) {
  if (!e.role) return "";
  const fine = (e.fine_roles || []).join(", ");
  return fine ? `${e.role}: ${fine}` : e.role;
}

// Python's order of strings (code points), not the locale's: the text view sorts so.
const byCodePoint = (a, b) => (a < b ? -1 : a > b ? 1 : 0);

/** Entities most mentioned first, then by name, as the text view lists them (render_whosays.entity_order). */
export function entityOrder(entities) {
  return [...entities].sort((a, b) => (b.mentions || []).length - (a.mentions || []).length || byCodePoint(a.name || "", b.name || ""));
}

/** Claims most check-worthy first, then in the text's order (render_whosays.claim_order). */
export function claimOrder(claims) {
  return [...claims].sort((a, b) => b.score - a.score || a.start - b.start);
}

function showButton(label, range, title, show) {
  return el("button", { type: "button", class: "link show", title, onclick: () => show(range) }, label);
}

function entityTable(entities, show) {
  const rows = entities.map((e) => {
    const mentions = e.mentions || [];
    return el(
      "tr",
      {},
      el("th", { scope: "row" }, mentions.length ? showButton(e.name, mentions[0], `Show the first mention of ${e.name} in the text`, show) : e.name),
      el("td", { text: e.type || "" }),
      el("td", { text: mentions.length }),
      el("td", { text: e.sentiment ? `${e.sentiment} ${percent(e.sentiment_score)}` : "–" }),
      el("td", { text: roleText(e) || "–" }),
    );
  });
  return el(
    "table",
    { class: "table compact" },
    el("thead", {}, el("tr", {}, ENTITY_COLUMNS.map((h) => el("th", { scope: "col", text: h[0].toUpperCase() + h.slice(1) })))),
    el("tbody", {}, rows),
  );
}

// Quote marks, as render_whosays.py has them: a quote is shown once in marks, so the marks its
// own words carry (a content range that includes the text's "...") are taken off first.
const OPENING = "\"“„«‹‘‚'「";
const DOUBLE_CLOSING = "\"”“»›」";
const SINGLE_CLOSING = "’‘'";

// The marks a closing mark closes (German „ closes with “).
const OPENED_BY = { '"': '"', "”": "“", "“": "„", "»": "«", "›": "‹", "」": "「" };

/** Count of `mark` in `text`. */
const count = (text, mark) => text.split(mark).length - 1;

/** Whether the last mark of `core` closes a double mark opened inside it ('... "prudent"'). */
function closesInner(core) {
  const last = core[core.length - 1];
  const rest = core.slice(0, -1);
  const opening = OPENED_BY[last];
  if (opening === undefined) return false;
  if (opening === last) return count(rest, last) % 2 === 1;
  return count(rest, opening) > count(rest, last);
}

/** The words of a quote without the quote marks around them (render_whosays.unquote). */
export function unquote(text) {
  let core = (text || "").trim();
  let single = false;
  let opened = false;
  if (core && OPENING.includes(core[0])) {
    single = "‘‚'".includes(core[0]);
    opened = true;
    core = core.slice(1);
  }
  const last = core[core.length - 1];
  if (core && (DOUBLE_CLOSING.includes(last) || (single && SINGLE_CLOSING.includes(last))) && !closesInner(core)) {
    core = core.slice(0, -1);
    // '"X," he said': the comma is the sentence's, not the quote's
    if (opened) core = core.trimEnd().replace(/[,;:]+$/, "");
  }
  return core.trim();
}

/** A <q> of a quote's words: the page's <q> adds the marks (“…”), once. */
export function quoteElement(text) {
  return el("q", { text: innerMarks(unquote(text)) });
}

/**
 * The words of a quote with each pair of double marks they hold made single (‘…’), as a quote
 * inside a quote is written (render_whosays.inner_marks); an unpaired mark stays.
 */
export function innerMarks(text) {
  return text.replace(/"([^"\n]+)"|“([^“”\n]+)”/g, (_, straight, curly) => `‘${straight ?? curly}’`);
}

/**
 * A check-worthy claim as the sentence it is, marks and all ('"It is a waste of money," he
 * said.'), as the text view's claim table shows it: a claim is the author's or a quote's
 * sentence, not a quotation, so it is not put in a <q> or taken off its marks.
 */
function claimElement(c) {
  return el("span", { class: "claim", text: (c.text || "").split(/\s+/).join(" ").trim() });
}

/**
 * The words a quote shows: a content its own source and cue interrupt ('"X," he said. "Y."') as
 * the parts either side of them, "X … Y" (JSON attrs.content_parts, written by the library, the
 * text view's render_whosays.content_shown), any other as its words without their marks.
 */
export function quoteWords(q) {
  const parts = (q.attrs || {}).content_parts || [];
  return parts.length ? parts.join(" … ") : unquote(q.content_text || "");
}

/**
 * Who a quote's source is: its words, with the name of the entity they refer to when the words do
 * not hold it ("She (Maria Lopez)"); the text view's rule (render_whosays.source_label).
 */
export function sourceLabel(q, names) {
  // the comma closing an apposition ("Her challenger, Mark Dunn,") is the source's, not shown
  const source = (q.source_text || "").trimEnd().replace(/,+$/, "");
  const name = names[q.source_entity];
  return name && !source.includes(name) ? `${source} (${name})`.trim() : source;
}

function quoteItem(q, names, show) {
  const content = el("q", { text: innerMarks(quoteWords(q)) });
  return el(
    "li",
    {},
    el("strong", { text: sourceLabel(q, names) || "Unnamed source" }),
    q.cue_text ? ` ${q.cue_text} ` : " ",
    q.content ? showButton(content, q.content, "Show the quote in the text", show) : content,
    el("span", { class: "muted", text: ` ${q.kind || ""}` }),
  );
}

/**
 * The sentence saying how much of a long text who-says-what read (JSON scores.whosays_coverage
 * below 1), or null when it read it all: the text view's sentence (render_whosays.coverage_note).
 */
export function coverageNote(data) {
  const coverage = (data.scores || {}).whosays_coverage;
  if (coverage === undefined || coverage === null || coverage >= 1) return null;
  const total = [...(data.text || "")].length; // code points, as the JSON's offsets count
  const read = Math.round(coverage * total).toLocaleString("en");
  return (
    `Who says what was read in the first ${Math.floor(coverage * 100)}% of the text only (about ${read} of ` +
    `${total.toLocaleString("en")} characters): entities, quotes and check-worthy claims after that are ` +
    "not listed; the technique spans, genre and frames cover the whole text."
  );
}

/**
 * The sentence saying that who-says-what reads English only, for a text in another language
 * (JSON language), or null: the text view's sentence (render_whosays.language_note), read from
 * the catalogue (whosays_language_note, whosays_languages) rather than written here again.
 */
export function languageNote(data, cat) {
  const language = data.language;
  const template = (cat || {}).whosays_language_note;
  if (!language || !template || ((cat || {}).whosays_languages || ["en"]).includes(language)) return null;
  return template.replace("{language}", language);
}

/**
 * Fill `box` with the analysis' who/what/quotes (hidden when it has none). show(range) selects
 * words; cat is the page's catalogue (app.js techniques()), which holds the language note.
 */
export function renderWhoSays(box, data, show, cat) {
  box.replaceChildren();
  const entities = entityOrder(data.entities || []);
  const quotes = data.attributions || [];
  const claims = claimOrder(data.claims || []);
  const note = languageNote(data, cat) || coverageNote(data);
  const names = Object.fromEntries(entities.map((e) => [e.id, e.name]));
  box.hidden = !(note || entities.length || quotes.length || claims.length);
  if (note) box.append(el("p", { class: "coverage", role: "note", text: note }));
  if (entities.length) box.append(el("h2", { text: HEADINGS.entities }), entityTable(entities, show));
  if (quotes.length) box.append(el("h2", { text: HEADINGS.quotes }), el("ul", { class: "quotes" }, quotes.map((q) => quoteItem(q, names, show))));
  if (claims.length) {
    const items = claims.map((c) => el("li", {}, showButton(claimElement(c), c, "Show the claim in the text", show), el("span", { class: "score", text: percent(c.score) })));
    const about = `The figure: ${CLAIM_SCORE_NOTE}.`;
    box.append(
      el("h2", { text: HEADINGS.claims }),
      el("p", { class: "claims-note", text: about }),
      el("ul", { class: "claims" }, items),
    );
  }
}
