// The article view (Analyse and /articles/{id}): summary, legend, highlighted text, tooltip,
// span list, detail card and feedback. Everything from the article goes in as textContent.

import { counted, el, frameName, genreName, number, percent, say, TAXONOMY_NAMES, taxonomyAt, taxonomyTechniques, techniqueName } from "./app.js";
import { addSpan, bindReviewer, captureSelection, deleteArticle, feedbackControls, followQuote } from "./feedback.js";
import { buildHighlights } from "./highlight.js";
import { toUtf16 } from "./offsets.js";
import { selectText } from "./text-range.js";
import { quoteElement, renderWhoSays } from "./whosays-panel.js";

const $ = (id) => document.getElementById(id);


// What the persuasion score reads as, in words, as the text view says it (render.persuasion_note):
// version 3 of the fit gives the share of the annotated articles the article's evidence beats.
export function persuasionNote(d) {
  const score = d.persuasion_score;
  if (score === null || score === undefined) return null;
  const standing = (d.models || []).some((m) => m.name === "persuasion-fit" && m.version === "3");
  if (!standing) return "0 = none, 1 = most";
  const share = Math.round(score * 100);
  const where = share === 0 ? "at the bottom of" : `denser in techniques than ${share}% of`;
  return `${where} the annotated news articles, a propaganda-rich set; 0 = none found`;
}

// The persuasion in the author's text apart from the quotes (unspun.pipeline.voice, written on the
// analysis scores), in one line as the text view says it; null when the analysis has none.
export function voiceLine(scores) {
  const s = scores || {};
  if (s.author_span_share === undefined || s.quoted_span_share === undefined) return null;
  // "0% of characters (0 spans)" twice said nothing (render.voice_line says the same)
  if (!s.author_spans && !s.quoted_spans) return s.quoted_chars ? "no spans, in the author's text or in quotes" : "no spans; no quotes";
  const spans = (n) => `${number(n)} ${n === 1 ? "span" : "spans"}`;
  // Math.round (half up), as render.voice_line rounds: the two say the same figures.
  const share = (x) => `${Math.round(x * 100)}%`;
  const author = `in the author's text ${share(s.author_span_share)} of characters (${spans(s.author_spans)})`;
  return s.quoted_chars ? `${author}; in quotes ${share(s.quoted_span_share)} (${spans(s.quoted_spans)})` : `${author}; no quotes`;
}

const FEEDBACK_TEXT = {
  wrong: "Marked wrong by a reviewer",
  added: "Added by a reviewer",
  corrected: "Technique corrected by a reviewer",
};

function wordCount(text) {
  const m = text.match(/\S+/g);
  return m ? m.length : 0;
}

/** `text` on one line, cut between words to fewer than `max` characters and ended with "…" when
 * longer (as the text view's tables cut, unspun.terminal.shortened): "the Ba’athist governm…" read
 * as another word. A text with no space in the last 40% of `max` is cut at `max`. */
export function excerpt(text, max = 90) {
  const flat = text.replace(/\s+/g, " ").trim();
  if (flat.length <= max) return flat;
  let cut = flat.slice(0, max - 1);
  const space = cut.lastIndexOf(" ");
  if (flat[max - 1] !== " " && space >= max * 0.6) cut = cut.slice(0, space);
  return `${cut.replace(/[ ,;:]+$/, "")}…`;
}

/** The spans that count: every span but those a reviewer marked wrong (shown struck through).
 * The header, the legend, the span list and its groups all count these, so they agree. */
export function countedSpans(spans) {
  return spans.filter((s) => (s.attrs || {}).feedback !== "wrong");
}

/** What a span's score reads as: a reviewer's added span has no model score (its 1.0 is not a
 * confidence), so it says who added it instead. */
export function scoreLabel(span) {
  return (span.attrs || {}).feedback === "added" ? "added by a reviewer" : `${percent(span.score)} confidence`;
}

/** A span's further techniques (span.also: the one the head nearly chose for its words, or that of a
 * piece of the same phrase joined into it), for its tooltip ("Also possible: Loaded language", as the
 * text view says it); null when it has none. Not a second span: nothing counts it. Named without
 * also_scores: that is the technique head's probability (which technique, given that the words
 * persuade), and read beside the span's confidence (whether the span is right) it would mislead. */
export function alsoLabel(cat, span) {
  const also = span.also || [];
  if (!also.length) return null;
  return `Also possible: ${also.map((t) => techniqueName(cat, t)).join(", ")}`;
}

/** The paragraphs in another language than the article's, and which of them the span models left
 * out ("line 5 (es): left out of the span analysis"), as the text view says it
 * (unspun.render.other_languages); null when there are none. A reader had no word on the page that
 * a paragraph was never read for spans. */
export function otherLanguages(paragraphs, spanLanguages, language) {
  const foreign = paragraphs.filter((p) => p.language);
  if (!foreign.length) return null;
  const named = (ps) => ps.map((p) => `line ${p.index} (${p.language})`).join(", ");
  const read = foreign.filter((p) => spanLanguages.includes(p.language));
  const left = foreign.filter((p) => !spanLanguages.includes(p.language));
  const lines = [];
  if (read.length) {
    // Its spans are highlighted, yet the voices (and, in an English article, the persuasion score
    // and who says what) leave it out, as the text view says.
    const english = !language || language === "en";
    const counts = english ? "in the persuasion score or by voice; left out of entities and claims" : "by voice";
    lines.push(`${named(read)}: ${read.length > 1 ? "their" : "its"} spans are shown but not counted ${counts}`);
  }
  if (left.length) lines.push(`${named(left)}: left out of the span analysis, entities and claims`);
  return lines.join("; ");
}

/** The spans of an analysis as the view uses them (a unique key each; feedback in attrs). */
function viewSpans(data) {
  return (data.spans || []).map((s, i) => ({ ...s, key: s.id ? String(s.id) : `s${i}`, attrs: s.attrs || {} }));
}

export class ArticleView {
  /** options: {articleId (null when not stored), reload: async () => data} */
  constructor(catalogue, options = {}) {
    this.cat = catalogue;
    this.articleId = options.articleId ?? null;
    this.reload = options.reload ?? null;
    this.hidden = new Set();
    this.selected = null;
    this.pending = null; // {start, end} of the text selected for "add a span"
    this.tooltip = $("tooltip");
    this.textBox = $("a-text");
    this.bindOnce();
  }

  // --- rendering ---------------------------------------------------------------------------

  show(data) {
    this.data = data;
    this.text = data.text || "";
    this.spans = viewSpans(data);
    this.byKey = new Map(this.spans.map((s) => [s.key, s]));
    if (data.article_id !== undefined && data.article_id !== null) this.articleId = data.article_id;
    this.renderHead();
    this.renderText();
    this.renderLegend();
    this.renderList();
    renderWhoSays($("a-extra"), this.data, (range) => selectText(this.textBox, this.map, range), this.cat);
    this.renderAddForm();
    if (this.selected && this.byKey.has(this.selected)) this.select(this.selected, false);
    else this.clearDetail();
    $("view").hidden = false;
    document.body.dataset.ready = "true";
    // benchmarks/web.py reads this mark: the view is built and the page answers input.
    performance.mark("unspun-ready");
    requestAnimationFrame(() => setTimeout(() => performance.mark("unspun-painted")));
  }

  renderHead() {
    const d = this.data;
    $("a-title").textContent = d.title || "Untitled article";
    document.title = `${d.title || "Untitled article"} · unspun`;
    const meta = [];
    if (d.outlet) meta.push(el("a", { href: `/outlets/${encodeURIComponent(d.outlet)}`, text: d.outlet }));
    if (d.published) meta.push(el("time", { datetime: d.published, text: d.published }));
    if (d.url) meta.push(el("a", { href: safeUrl(d.url), rel: "noopener noreferrer nofollow", text: hostOf(d.url) }));
    meta.push(counted(wordCount(this.text), "word"));
    if (d.language) meta.push(d.language.toUpperCase());
    const metaBox = $("a-meta");
    metaBox.replaceChildren();
    meta.forEach((m, i) => {
      if (i) metaBox.append(el("span", { class: "sep", "aria-hidden": "true", text: "·" }));
      metaBox.append(m);
    });

    $("a-appearances")?.remove();
    const appearances = appearancesBox(d);
    if (appearances) metaBox.after(appearances);

    const summary = $("a-summary");
    summary.replaceChildren();
    const item = (label, ...value) => summary.append(el("div", { class: "sum" }, el("dt", { text: label }), el("dd", {}, ...value)));
    if (d.persuasion_score !== null && d.persuasion_score !== undefined) {
      const score = d.persuasion_score;
      const bar = el("span", { class: "meter", role: "img", "aria-label": `persuasion ${percent(score)}` }, el("span", { class: "meter-fill" }));
      bar.firstChild.style.width = `${Math.round(score * 100)}%`;
      bar.dataset.level = score >= 0.66 ? "high" : score >= 0.33 ? "mid" : "low";
      item("Persuasion", el("strong", { class: "big", text: percent(score) }), bar, el("span", { class: "muted persuasion-note", text: persuasionNote(d) }));
    }
    const voices = voiceLine(d.scores);
    if (voices) item("By voice", el("span", { class: "voices", title: "Share of the characters inside technique spans, in the author's own text and in quoted text", text: voices }));
    if (d.genre && d.genre_uncertain) {
      // Under one half the genre named is less likely than the others together (an English text
      // under 150 words read as satire is shown as opinion or reporting at 0.2-0.4): not a finding.
      item("Genre", el("strong", { class: "big", text: "Uncertain" }), el("span", { class: "muted", text: ` likeliest ${genreName(this.cat, d.genre)} ${percent(d.genre_score)}` }));
      summary.lastChild.querySelector("dd").title = "The likeliest genre is less likely than the other genres together (under 50%)";
    } else if (d.genre) item("Genre", el("strong", { class: "big", text: genreName(this.cat, d.genre) }), el("span", { class: "muted", text: ` ${percent(d.genre_score)}` }));
    const active = countedSpans(this.spans).length;
    const kinds = this.techniqueCounts().size;
    if (d.spans_analysed === false) item("Spans", el("span", { class: "muted", text: "not analysed" }));
    else item("Spans", el("strong", { class: "big", text: number(active) }), el("span", { class: "muted", text: ` in ${number(kinds)} technique${kinds === 1 ? "" : "s"}` }));
    if (d.frames && d.frames.length) {
      const chips = d.frames.map((f) =>
        el("span", { class: "chip", title: this.cat.frames[f] || "" }, frameName(this.cat, f), el("span", { class: "muted", text: ` ${percent((d.frame_scores || {})[f])}` })),
      );
      item("Frames", el("span", { class: "chips" }, chips));
      // Its own row: in a 200px column a long frame ("Legality, constitutionality and
      // jurisprudence") wrapped word by word into a four-line chip.
      summary.lastChild.classList.add("sum-wide");
    }
    const languages = otherLanguages(d.paragraphs || [], this.cat.span_languages || ["en"], d.language);
    if (languages) {
      item("Other languages", el("span", { class: "languages", text: languages }));
      summary.lastChild.classList.add("sum-wide");
    }

    const paragraphs = (d.paragraphs || []).filter((p) => p.techniques && p.techniques.length);
    let box = $("a-paragraphs");
    if (!box) {
      box = el("details", { id: "a-paragraphs", class: "paragraphs" });
      summary.after(box);
    }
    box.hidden = !paragraphs.length;
    const n = paragraphs.length;
    box.replaceChildren(el("summary", { text: `Paragraph techniques (${n} paragraph${n === 1 ? "" : "s"})` }));
    const list = el("ol", { class: "para-list" });
    for (const p of paragraphs) {
      const techs = p.techniques.map((t) =>
        el("span", { class: "chip", dataset: { swatch: t } }, el("span", { class: "dot", "aria-hidden": "true" }), techniqueName(this.cat, t), el("span", { class: "muted", text: ` ${percent(p.technique_scores[t])}` })),
      );
      list.append(el("li", {}, el("a", { href: `#para-${p.number}`, text: `¶ ${p.number}` }), el("span", { class: "chips" }, techs)));
    }
    box.append(list);

    const errors = d.errors || [];
    const errBox = $("a-errors");
    errBox.hidden = !errors.length;
    errBox.replaceChildren(...errors.map((e) => el("p", { text: `${e.component}: ${e.message}` })));
  }

  renderText() {
    const paragraphs = (this.data.paragraphs || []).map((p) => ({ number: p.number, start: p.start }));
    const built = buildHighlights(this.text, this.spans, paragraphs);
    this.map = built.map;
    this.marks = built.marks;
    this.textBox.replaceChildren(built.fragment);
    // The reader keeps a title line in the text (offsets count it): show it as a heading line.
    const title = this.data.title;
    // After a BOM too (a file saved by Notepad): its title line was shown as body text.
    const head = this.text.replace(/^\ufeff/, "");
    const titled = Boolean(title) && (head.startsWith(`${title}\n`) || head.startsWith(`${title}\r`));
    // A title alone in its block (a blank line after it, as the readers set it) is bold as a
    // whole, over every line it wraps to; one with the body right under it, on its first line.
    const first = this.textBox.querySelector(".tb");
    const whole = titled && first !== null && first.textContent.replace(/^\ufeff/, "").trim() === title.trim();
    if (whole) first.classList.add("title-line");
    this.textBox.classList.toggle("titled", titled);
    this.textBox.classList.toggle("titled-first-line", titled && !whole);
    for (const label of this.hidden) this.setTechniqueShown(label, false);
  }

  techniqueCounts() {
    const counts = new Map();
    for (const s of countedSpans(this.spans)) counts.set(s.technique, (counts.get(s.technique) || 0) + 1);
    return counts;
  }

  sortedTechniques() {
    const counts = this.techniqueCounts();
    for (const s of this.spans) if (!counts.has(s.technique)) counts.set(s.technique, 0);
    return [...counts.entries()].sort((a, b) => b[1] - a[1] || techniqueName(this.cat, a[0]).localeCompare(techniqueName(this.cat, b[0])));
  }

  renderLegend() {
    const legend = $("legend");
    legend.replaceChildren();
    const entries = this.sortedTechniques();
    if (!entries.length) {
      legend.append(el("p", { class: "muted", text: this.data.spans_analysed === false ? "Spans were not analysed for this article." : "No technique spans found." }));
      return;
    }
    for (const [label, count] of entries) {
      const button = el(
        "button",
        {
          type: "button",
          class: "legend-item",
          "aria-pressed": this.hidden.has(label) ? "false" : "true",
          dataset: { swatch: label, legend: label },
          title: (this.cat.byLabel.get(label) || {}).definition || "",
          onclick: () => this.toggleTechnique(label, button),
        },
        el("span", { class: "dot", "aria-hidden": "true" }),
        el("span", { class: "legend-name", text: techniqueName(this.cat, label) }),
        el("span", { class: "count", text: String(count) }),
      );
      legend.append(button);
    }
    if (entries.length > 1) {
      legend.append(el("button", { type: "button", class: "legend-all link", onclick: () => this.showAll(), text: "Show all" }));
    }
    const taxonomies = [...new Set(this.spans.map((s) => s.taxonomy))].sort().map((t) => TAXONOMY_NAMES[t] || t);
    legend.append(el("p", { class: "muted taxonomy", text: `Taxonomy: ${taxonomies.join(", ")}` }));
  }

  toggleTechnique(label, button) {
    const shown = this.hidden.has(label);
    if (shown) this.hidden.delete(label);
    else this.hidden.add(label);
    button.setAttribute("aria-pressed", shown ? "true" : "false");
    this.setTechniqueShown(label, shown);
    say(`${techniqueName(this.cat, label)} ${shown ? "shown" : "hidden"}`);
  }

  showAll() {
    for (const label of [...this.hidden]) this.setTechniqueShown(label, true);
    this.hidden.clear();
    for (const b of document.querySelectorAll(".legend-item")) b.setAttribute("aria-pressed", "true");
  }

  setTechniqueShown(label, shown) {
    for (const s of this.spans) {
      if (s.technique !== label) continue;
      for (const m of this.marks.get(s.key) || []) m.classList.toggle("off", !shown);
    }
    const group = document.querySelector(`.span-group[data-group="${CSS.escape(label)}"]`);
    if (group) group.classList.toggle("off", !shown);
  }

  renderList() {
    const box = $("span-list");
    box.replaceChildren();
    const groups = new Map();
    for (const s of [...this.spans].sort((a, b) => a.start - b.start)) {
      if (!groups.has(s.technique)) groups.set(s.technique, []);
      groups.get(s.technique).push(s);
    }
    // The count the header and the legend give; spans marked wrong are listed (struck through)
    // but not counted, and the title says how many.
    const counted = countedSpans(this.spans).length;
    const wrong = this.spans.length - counted;
    $("span-list-title").textContent = `Spans (${counted})${wrong ? ` · ${wrong} marked wrong` : ""}`;
    if (!groups.size) {
      box.append(el("p", { class: "muted", text: "Nothing to list." }));
      return;
    }
    let n = 0;
    for (const [label] of this.sortedTechniques()) {
      const spans = groups.get(label) || [];
      const id = `group-${n++}`;
      const name = techniqueName(this.cat, label);
      const list = el("ul", { "aria-labelledby": id });
      for (const s of spans) {
        const fb = s.attrs.feedback;
        const quote = excerpt(this.quoteOf(s));
        const added = fb === "added";
        list.append(
          el(
            "li",
            { class: fb ? `fb-${fb}` : "" },
            el(
              "button",
              { type: "button", class: "span-item", dataset: { key: s.key }, onclick: () => this.jump(s.key) },
              el("span", { class: "sr-only", text: `${name}: ` }),
              quoteElement(quote),
              " ",
              // A reviewer's span has no model score: the badge says who added it, not "100%".
              added ? null : el("span", { class: "score", text: percent(s.score) }),
              added ? null : el("span", { class: "sr-only", text: " confidence" }),
              fb ? el("span", { class: "badge", text: added ? "added by a reviewer" : fb }) : null,
            ),
          ),
        );
      }
      box.append(
        el(
          "section",
          { class: "span-group", dataset: { group: label, swatch: label } },
          el("h3", { id }, el("span", { class: "dot", "aria-hidden": "true" }), `${name} `, el("span", { class: "count", text: `(${countedSpans(spans).length})` })),
          list,
        ),
      );
    }
  }

  renderAddForm() {
    const box = $("add-span");
    box.hidden = this.articleId === null;
    $("review").hidden = this.articleId === null; // the reviewer's name and delete: a stored article's
    // the article's own taxonomy (a French article's spans are SemEval-2023), filled anew for each
    // article: it offered PTC-14 ids only
    this.offerTechniquesAt(null);
  }

  /** Fill the menu of "Add a missing span" with the techniques of the taxonomy of a span at code
   * point `at` (null: the article's): a paragraph in another language than the article's has its
   * own (an English article's German paragraph offered PTC-14 techniques). */
  offerTechniquesAt(at) {
    const select = $("add-technique");
    const taxonomy = taxonomyAt(this.data, at);
    if (select.dataset.taxonomy === taxonomy) return;
    select.replaceChildren(...taxonomyTechniques(this.cat, taxonomy).map(([value, text]) => el("option", { value, text })));
    select.dataset.taxonomy = taxonomy;
    const whose = at === null ? "this article's spans" : "the spans of the selected paragraph";
    select.title = `Techniques of ${TAXONOMY_NAMES[taxonomy] || taxonomy}, the taxonomy of ${whose}`;
  }

  // --- interaction -------------------------------------------------------------------------

  bindOnce() {
    const box = this.textBox;
    const show = (event) => {
      const mark = event.target.closest && event.target.closest(".hl");
      if (mark && box.contains(mark)) this.showTooltip(mark);
    };
    box.addEventListener("mouseover", show);
    box.addEventListener("focusin", show);
    box.addEventListener("mouseleave", () => this.hideTooltip());
    box.addEventListener("focusout", () => this.hideTooltip());
    box.addEventListener("click", (event) => {
      const mark = event.target.closest(".hl");
      if (mark && window.getSelection().isCollapsed) this.select(mark.dataset.id || mark.dataset.of, false);
    });
    box.addEventListener("keydown", (event) => {
      const mark = event.target.closest && event.target.closest(".hl");
      if (!mark) return;
      if (event.key === "Enter" || event.key === " ") {
        event.preventDefault();
        this.select(mark.dataset.id, true);
      } else if (event.key === "Escape") this.hideTooltip();
    });
    box.addEventListener("mouseup", () => captureSelection(this));
    box.addEventListener("keyup", (event) => {
      if (event.shiftKey) captureSelection(this);
    });
    document.addEventListener("keydown", (event) => {
      if (event.key === "Escape") this.hideTooltip();
    });
    $("add-quote").addEventListener("input", () => followQuote(this));
    $("add-form").addEventListener("submit", (event) => {
      event.preventDefault();
      addSpan(this);
    });
    bindReviewer();
    $("delete-article").addEventListener("click", () => deleteArticle(this));
  }

  /** The text of a code-point range {start, end} (a span). */
  quoteOf({ start, end }) {
    return this.text.slice(toUtf16(this.map, start), toUtf16(this.map, end));
  }

  /** The spans covering a mark: the mark's own first, then the ones it sits inside. */
  spansAt(mark) {
    const keys = [];
    for (let node = mark; node && node !== this.textBox; node = node.parentElement) {
      const key = node.dataset && (node.dataset.id || node.dataset.of);
      if (key && !keys.includes(key)) keys.push(key);
    }
    return keys.map((k) => this.byKey.get(k)).filter(Boolean);
  }

  describe(span, full) {
    const t = this.cat.byLabel.get(span.technique);
    const parts = [
      el("p", { class: "tt-head" }, el("span", { class: "dot", "aria-hidden": "true" }), el("strong", { text: techniqueName(this.cat, span.technique) }), el("span", { class: "score", text: scoreLabel(span) })),
      el("p", { class: "tt-def", text: t ? t.definition : "" }),
      el("blockquote", { class: "tt-quote", text: excerpt(this.quoteOf(span), full ? 400 : 160) }),
    ];
    const also = alsoLabel(this.cat, span);
    if (also) parts.push(el("p", { class: "tt-also", text: also }));
    const fb = span.attrs.feedback;
    // A reviewer's added span has no model reason: its "why" is the reviewer's note, said below.
    if (span.reason && fb !== "added") parts.push(el("p", { class: "tt-reason" }, el("span", { class: "muted", text: "Why: " }), span.reason));
    if (fb) {
      let note = FEEDBACK_TEXT[fb] || `Feedback: ${fb}`;
      if (fb === "corrected" && span.attrs.original) note += ` (was ${techniqueName(this.cat, span.attrs.original)})`;
      // who and why, as the feedback keeps them (a Label Studio import's or an API client's)
      if (span.attrs.feedback_by) note += ` (${span.attrs.feedback_by})`;
      if (span.attrs.feedback_note) note += `: ${span.attrs.feedback_note}`;
      parts.push(el("p", { class: `tt-fb fb-${fb}`, text: note }));
    }
    return el("div", { class: "tt-item", dataset: { swatch: span.technique } }, parts);
  }

  showTooltip(mark) {
    const spans = this.spansAt(mark);
    if (!spans.length) return;
    const tip = this.tooltip;
    tip.replaceChildren(...spans.flatMap((s, i) => (i ? [el("hr"), this.describe(s, false)] : [this.describe(s, false)])));
    tip.hidden = false;
    if (mark.dataset.id) mark.setAttribute("aria-describedby", "tooltip");
    const r = mark.getBoundingClientRect();
    const w = tip.offsetWidth;
    const h = tip.offsetHeight;
    let left = Math.min(Math.max(8, r.left), window.innerWidth - w - 8);
    let top = r.bottom + 8;
    if (top + h > window.innerHeight - 8) top = Math.max(8, r.top - h - 8);
    if (left < 8) left = 8;
    tip.style.left = `${left}px`;
    tip.style.top = `${top}px`;
    this.tipFor = mark;
  }

  hideTooltip() {
    this.tooltip.hidden = true;
    if (this.tipFor) this.tipFor.removeAttribute("aria-describedby");
    this.tipFor = null;
  }

  jump(key) {
    const mark = (this.marks.get(key) || [])[0];
    if (!mark) return;
    const span = this.byKey.get(key);
    if (span && this.hidden.has(span.technique)) {
      const button = document.querySelector(`.legend-item[data-legend="${CSS.escape(span.technique)}"]`);
      if (button) this.toggleTechnique(span.technique, button);
    }
    mark.scrollIntoView({ block: "center" });
    mark.focus({ preventScroll: true });
    this.select(key, false);
  }

  select(key, focusDetail) {
    for (const m of this.textBox.querySelectorAll(".hl.selected")) m.classList.remove("selected");
    const span = this.byKey.get(key);
    if (!span) return;
    this.selected = key;
    for (const m of this.marks.get(key) || []) m.classList.add("selected");
    const card = $("detail");
    card.hidden = false;
    const title = el("h2", { id: "detail-title", tabindex: "-1", text: "Selected span" });
    card.replaceChildren(title, this.describe(span, true));
    // A span a reader added is not in the stored analysis: there is nothing to mark or correct.
    if (this.articleId !== null && span.attrs.feedback !== "added") card.append(feedbackControls(this, span));
    if (focusDetail) title.focus();
  }

  clearDetail() {
    this.selected = null;
    $("detail").hidden = true;
  }
}

/** Where a stored text was published, when more than once (wire copy: one text, several
 * outlets; GET /api/articles/{id}'s appearances, first stored first): each outlet with its date,
 * address and title. Null for one appearance or none (the meta line says it). */
function appearancesBox(d) {
  const list = d.appearances || [];
  if (list.length < 2) return null;
  const outlets = new Set(list.filter((a) => a.outlet).map((a) => a.outlet.toLowerCase())).size;
  const plural = (n, word) => `${n} ${word}${n === 1 ? "" : "s"}`;
  const head = outlets === list.length ? `Published by ${plural(outlets, "outlet")}` : `Published ${list.length} times${outlets ? ` (by ${plural(outlets, "outlet")})` : ""}`;
  const rows = list.map((a) => {
    const parts = [a.outlet ? el("a", { href: `/outlets/${encodeURIComponent(a.outlet)}`, text: a.outlet }) : el("span", { class: "muted", text: "no outlet" })];
    if (a.published) parts.push(el("time", { datetime: a.published, text: a.published }));
    if (a.url) parts.push(el("a", { href: safeUrl(a.url), rel: "noopener noreferrer nofollow", title: a.url, text: hostOf(a.url) }));
    if (a.title && a.title !== d.title) parts.push(el("span", { class: "muted", text: `“${a.title}”` }));
    const li = el("li");
    parts.forEach((part, i) => {
      if (i) li.append(el("span", { class: "sep", "aria-hidden": "true", text: "·" }));
      li.append(part);
    });
    return li;
  });
  // Open while short; a wire story run by dozens of outlets starts folded.
  const box = el("details", { id: "a-appearances", class: "appearances" }, el("summary", { text: head }), el("ol", {}, ...rows));
  box.open = list.length <= 6;
  return box;
}

function safeUrl(url) {
  try {
    const u = new URL(url);
    return u.protocol === "http:" || u.protocol === "https:" ? u.href : "#";
  } catch {
    return "#";
  }
}

function hostOf(url) {
  try {
    return new URL(url).host || url;
  } catch {
    return url;
  }
}
